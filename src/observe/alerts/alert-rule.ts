import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireOneOf, requirePositive, requireString } from '../../validate.js';
import { histogramQuantile, requireQuantile, type Histogram, type Labels } from '../metrics/instruments.js';
import type { MetricsRegistry } from '../metrics/registry.js';

/**
 * What an alert rule measures over a metric's matching series: the latest value (`'value'`; a
 * histogram's count), the per-second increase over `windowMs` (`'rate'`, counters and
 * histograms), or a quantile of the histogram observations made in `windowMs`.
 *
 * @example
 * ```ts
 * const p99: AlertMeasure = { quantile: 0.99 };
 * ```
 */
export type AlertMeasure = 'value' | 'rate' | { quantile: number };

/**
 * A rule: the condition holds while the measured metric is above (or below) a threshold; held
 * for `forMs` it fires (pending → firing), and it resolves when the condition stops holding.
 *
 * @example
 * ```ts
 * const rule: AlertRule = { name: 'SlowApi', metric: 'faultline_service_queue_delay_ms', labels: { node: 'api' }, above: 50, forMs: 2_000 };
 * ```
 */
export interface AlertRule {
  /** The alert's name. */
  name: string;
  /** A metric already registered in the registry. */
  metric: string;
  /** Only series whose labels include these. Default: every series of the metric. */
  labels?: Labels;
  /** What is measured. Default `'value'`. */
  measure?: AlertMeasure;
  /** How matching series combine. Default `'sum'`. */
  aggregate?: 'sum' | 'max' | 'min';
  /** Window of `'rate'` and quantile measures, in simulated ms. Default 5 sampling intervals. */
  windowMs?: number;
  /** Condition: measured value > above. Give exactly one of `above` and `below`. */
  above?: number;
  /** Condition: measured value < below. */
  below?: number;
  /** How long the condition must hold before the alert fires, in simulated ms (0: at once). */
  forMs: number;
}

/** A rule checked and with its defaults filled in. */
export interface CheckedRule {
  readonly name: string;
  readonly metric: string;
  readonly labels: Labels;
  readonly measure: AlertMeasure;
  readonly aggregate: 'sum' | 'max' | 'min';
  readonly windowMs: number;
  readonly threshold: number;
  readonly direction: 'above' | 'below';
  readonly forMs: number;
}

const RULE_KEYS = ['name', 'metric', 'labels', 'measure', 'aggregate', 'windowMs', 'above', 'below', 'forMs'];

/** Validates a rule against the registry: its metric must exist and suit the measure. */
export function checkRule(rule: unknown, registry: MetricsRegistry, index: number): CheckedRule {
  const field = `alert rule ${index}`;
  requireObject(rule, field);
  rejectUnknownKeys(rule, field, RULE_KEYS);
  requireString(rule['name'], `${field}.name`);
  const metric = registry.metric(rule['metric'] as string);
  if (typeof rule['metric'] !== 'string' || metric === undefined) {
    throw new InvalidArgumentError(`${field}.metric`, rule['metric'], `the name of a registered metric (${registry.all().map((m) => m.name).join(', ') || 'none yet'})`);
  }
  const labels = readLabelFilter(rule['labels'], `${field}.labels`);
  const measure = readMeasure(rule['measure'], `${field}.measure`, metric.kind);
  const aggregate = rule['aggregate'] ?? 'sum';
  requireOneOf(aggregate, `${field}.aggregate`, ['sum', 'max', 'min'] as const);
  const windowMs = rule['windowMs'] ?? 5 * registry.sampleIntervalMs;
  requirePositive(windowMs, `${field}.windowMs`);
  requireFinite(windowMs, `${field}.windowMs`);
  requireNonNegative(rule['forMs'], `${field}.forMs`);
  requireFinite(rule['forMs'], `${field}.forMs`);
  const { threshold, direction } = readThreshold(rule, field);
  return { name: rule['name'], metric: metric.name, labels, measure, aggregate, windowMs, threshold, direction, forMs: rule['forMs'] };
}

function readLabelFilter(labels: unknown, field: string): Labels {
  if (labels === undefined) return {};
  requireObject(labels, field);
  for (const [key, value] of Object.entries(labels)) if (typeof value !== 'string') throw new InvalidArgumentError(`${field}.${key}`, value, 'a string label value');
  return { ...(labels as Labels) };
}

function readMeasure(measure: unknown, field: string, kind: string): AlertMeasure {
  if (measure === undefined || measure === 'value') return 'value';
  if (measure === 'rate') {
    if (kind === 'gauge') throw new InvalidArgumentError(field, measure, "'value' or a quantile of a histogram (a gauge has no rate)");
    return 'rate';
  }
  if (typeof measure === 'object' && measure !== null && !Array.isArray(measure)) {
    rejectUnknownKeys(measure as Record<string, unknown>, field, ['quantile']);
    const q = (measure as Record<string, unknown>)['quantile'];
    requireQuantile(q, `${field}.quantile`);
    if (kind !== 'histogram') throw new InvalidArgumentError(field, measure, `'value' or 'rate' (a ${kind} has no quantiles)`);
    return { quantile: q };
  }
  throw new InvalidArgumentError(field, measure, "'value', 'rate' or { quantile: q }");
}

function readThreshold(rule: Record<string, unknown>, field: string): { threshold: number; direction: 'above' | 'below' } {
  const hasAbove = rule['above'] !== undefined;
  if (hasAbove === (rule['below'] !== undefined)) throw new InvalidArgumentError(`${field}.above`, rule['above'], 'a finite threshold, given alone (exactly one of above and below)');
  const direction = hasAbove ? 'above' : 'below';
  requireFinite(rule[direction], `${field}.${direction}`);
  return { threshold: rule[direction], direction };
}

/** The rule's measured value at the latest sample; NaN when it cannot be measured yet. */
export function measureRule(rule: CheckedRule, registry: MetricsRegistry, nowMs: number): number {
  const matching = registry.seriesOf(rule.metric).filter((series) => Object.entries(rule.labels).every(([key, value]) => series.labels[key] === value));
  if (matching.length === 0) return Number.NaN;
  if (typeof rule.measure === 'object') {
    const buckets = (registry.metric(rule.metric) as Histogram).buckets;
    let merged: number[] | undefined;
    for (const series of matching) merged = addVectors(merged, windowIncrease(series.timesMs, series.values, nowMs - rule.windowMs));
    return histogramQuantile(rule.measure.quantile, buckets, merged!);
  }
  const values = matching.map((series) => {
    const last = series.values[series.values.length - 1]!;
    if (rule.measure === 'value') return last[0]!;
    const firstIndex = windowStart(series.timesMs, nowMs - rule.windowMs);
    const spanMs = series.timesMs[series.timesMs.length - 1]! - series.timesMs[firstIndex]!;
    return spanMs === 0 ? Number.NaN : ((last[0]! - series.values[firstIndex]![0]!) * 1000) / spanMs;
  });
  return rule.aggregate === 'sum' ? values.reduce((a, b) => a + b, 0) : rule.aggregate === 'max' ? Math.max(...values) : Math.min(...values);
}

function windowStart(timesMs: readonly number[], fromMs: number): number {
  const index = timesMs.findIndex((time) => time >= fromMs);
  return index < 0 ? timesMs.length - 1 : index;
}

function windowIncrease(timesMs: readonly number[], values: ReadonlyArray<readonly number[]>, fromMs: number): number[] {
  const first = values[windowStart(timesMs, fromMs)]!;
  const last = values[values.length - 1]!;
  return last.map((value, index) => value - first[index]!);
}

function addVectors(sum: number[] | undefined, vector: number[]): number[] {
  if (sum === undefined) return vector;
  return sum.map((value, index) => value + vector[index]!);
}
