import { InvalidArgumentError } from '../../errors.js';

// Prometheus data-model rules: https://prometheus.io/docs/concepts/data_model/
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_NAME_LENGTH = 200;

/** Throws unless `name` is a valid Prometheus metric name. */
export function requireMetricName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !METRIC_NAME.test(name)) {
    throw new InvalidArgumentError(field, name, `a metric name matching [a-zA-Z_:][a-zA-Z0-9_:]* (at most ${MAX_NAME_LENGTH} characters)`);
  }
}

/** Throws unless `name` is a valid Prometheus label name (`__` prefixes are reserved). */
export function requireLabelName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !LABEL_NAME.test(name) || name.startsWith('__')) {
    throw new InvalidArgumentError(field, name, `a label name matching [a-zA-Z_][a-zA-Z0-9_]* not starting with __ (at most ${MAX_NAME_LENGTH} characters)`);
  }
}
