import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFinite, requireFunction, requireObject, requireString } from '../../validate.js';
import { predictStreams, type PredictionStream, type Predictor } from './predictor.js';
import { requireIncidents, scorePredictions, type PredictionIncident, type PredictionScoreOptions } from './prediction-score.js';

/**
 * One predictor family swept over one parameter: `create(value, target)` builds the predictor
 * of one stream for each value.
 *
 * @example
 * ```ts
 * const family: PredictorFamily = { name: 'cusum', parameter: 'h', values: [2, 4, 8], create: (h) => new CusumPredictor({ h }) };
 * ```
 */
export interface PredictorFamily {
  /** Name of the family, unique within a sweep. */
  name: string;
  /** Name of the swept parameter. */
  parameter: string;
  /** Its values, finite numbers; at least one. */
  values: readonly number[];
  /** A fresh predictor with the parameter at `value`, for the stream of `target`. */
  create: (value: number, target: string) => Predictor;
}

/**
 * Options of {@link predictorSweep}: the streams, the truth, the window, and the families.
 *
 * @example
 * ```ts
 * const options: PredictorSweepOptions = { streams, incidents, fromMs: 0, untilMs: 600_000, families };
 * ```
 */
export interface PredictorSweepOptions extends PredictionScoreOptions {
  /** The monitored streams (e.g. {@link metricStreams}). */
  streams: readonly PredictionStream[];
  /** What really happened. */
  incidents: readonly PredictionIncident[];
  /** The families to sweep; at least one, with distinct names. */
  families: readonly PredictorFamily[];
}

/**
 * One point of a lead-time / false-alarm trade-off: one family with its parameter at `value`.
 *
 * @example
 * ```ts
 * const point: PredictorSweepPoint = { family: 'cusum', parameter: 'h', value: 5, recall: 1, precision: 0.8, falseAlarmsPerHour: 0.5, medianLeadTimeMs: 42_000, meanLeadTimeMs: 40_000, alarms: 5, missed: 0 };
 * ```
 */
export interface PredictorSweepPoint {
  /** The family's name. */
  family: string;
  /** The swept parameter's name. */
  parameter: string;
  /** The parameter's value. */
  value: number;
  /** Caught incidents / incidents; undefined with none. */
  recall: number | undefined;
  /** True alarms / alarms; undefined with no alarm. */
  precision: number | undefined;
  /** False alarms per hour of the window. */
  falseAlarmsPerHour: number;
  /** Median (nearest rank) lead time over caught incidents that failed, ms; undefined with none. */
  medianLeadTimeMs: number | undefined;
  /** Mean lead time, ms; undefined with none. */
  meanLeadTimeMs: number | undefined;
  /** Alarms in the window. */
  alarms: number;
  /** Incidents missed. */
  missed: number;
}

const SWEEP_KEYS = ['streams', 'incidents', 'families', 'fromMs', 'untilMs', 'toleranceMs'];

/**
 * Runs every family at every value of its parameter over the same streams and scores each with
 * {@link scorePredictions}: the data of a lead-time / false-alarm trade-off curve (draw it with
 * {@link leadTimeTradeoffSvg}). Deterministic.
 *
 * @throws InvalidArgumentError on a malformed family, a duplicate family name, a non-finite
 *   value, an unknown option, or anything {@link predictStreams} or {@link scorePredictions} rejects.
 *
 * @example
 * ```ts
 * const points = predictorSweep({
 *   streams: metricStreams(sim.metrics, 'disk_latency_ms'), incidents, fromMs: 0, untilMs: sim.now,
 *   families: [{ name: 'ewma', parameter: 'threshold', values: [2, 3, 4], create: (threshold) => new EwmaPredictor({ threshold }) }],
 * });
 * writeFileSync('out/tradeoff.svg', leadTimeTradeoffSvg(points));
 * ```
 */
export function predictorSweep(options: PredictorSweepOptions): PredictorSweepPoint[] {
  requireObject(options, 'sweep options');
  rejectUnknownKeys(options as unknown as Record<string, unknown>, 'sweep options', SWEEP_KEYS);
  requireIncidents(options.incidents);
  const families = readFamilies(options.families);
  const scoreOptions: PredictionScoreOptions = { fromMs: options.fromMs, untilMs: options.untilMs };
  if (options.toleranceMs !== undefined) scoreOptions.toleranceMs = options.toleranceMs;
  const points: PredictorSweepPoint[] = [];
  for (const family of families) {
    for (const value of family.values) {
      const alarms = predictStreams(options.streams, (target) => family.create(value, target));
      const score = scorePredictions(alarms, options.incidents, scoreOptions);
      points.push({
        family: family.name,
        parameter: family.parameter,
        value,
        recall: score.recall,
        precision: score.precision,
        falseAlarmsPerHour: score.falseAlarmsPerHour,
        medianLeadTimeMs: score.leadTime.p50Ms,
        meanLeadTimeMs: score.leadTime.meanMs,
        alarms: score.alarms,
        missed: score.missed.length,
      });
    }
  }
  return points;
}

function readFamilies(families: unknown): readonly PredictorFamily[] {
  if (!Array.isArray(families) || families.length === 0 || families.length > 1_000) throw new InvalidArgumentError('sweep options.families', families, 'a non-empty array of at most 1000 predictor families');
  const names = new Set<string>();
  families.forEach((family: unknown, index) => {
    const field = `sweep options.families[${index}]`;
    requireObject(family, field);
    rejectUnknownKeys(family, field, ['name', 'parameter', 'values', 'create']);
    requireString(family['name'], `${field}.name`);
    if (names.has(family['name'])) throw new InvalidArgumentError(`${field}.name`, family['name'], 'a name no other family has');
    names.add(family['name']);
    requireString(family['parameter'], `${field}.parameter`);
    const values = family['values'];
    if (!Array.isArray(values) || values.length === 0 || values.length > 10_000) throw new InvalidArgumentError(`${field}.values`, values, 'a non-empty array of at most 10000 finite numbers');
    values.forEach((value: unknown, position) => requireFinite(value, `${field}.values[${position}]`));
    requireFunction(family['create'], `${field}.create`);
  });
  return families as readonly PredictorFamily[];
}
