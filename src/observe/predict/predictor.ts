import { InvalidArgumentError } from '../../errors.js';
import { requireFunction, requireObject, requireString } from '../../validate.js';

/**
 * One sample of a metric stream: a true time and a value.
 *
 * @example
 * ```ts
 * const sample: MetricSample = { timeMs: 5_000, value: 412 };
 * ```
 */
export interface MetricSample {
  /** True simulated time, in ms. */
  readonly timeMs: number;
  /** The metric's value then. */
  readonly value: number;
}

/**
 * The samples of one monitored thing (a node, a disk, a service): what a predictor reads.
 *
 * @example
 * ```ts
 * const stream: PredictionStream = { target: 'db1', samples: [{ timeMs: 0, value: 1 }, { timeMs: 1_000, value: 2 }] };
 * ```
 */
export interface PredictionStream {
  /** What the alarms name: compared with an incident's `target` when scoring. */
  readonly target: string;
  /** Samples in increasing time. */
  readonly samples: readonly MetricSample[];
}

/**
 * What a predictor says about one sample.
 *
 * @example
 * ```ts
 * const verdict: PredictorVerdict = { alarm: true, score: 4.2, estimatedFailureMs: 61_000 };
 * ```
 */
export interface PredictorVerdict {
  /** True while the predictor warns. */
  alarm: boolean;
  /** The statistic the predictor thresholds (a finite number; its unit is the predictor's). */
  score: number;
  /** When the predictor expects the failure, in true ms, if it forecasts one. */
  estimatedFailureMs?: number;
}

/**
 * A model that reads one metric stream sample by sample and says whether it warns. Built-ins:
 * {@link EwmaPredictor}, {@link HoltPredictor}, {@link CusumPredictor}; a user's own model (a
 * trained classifier, say) plugs in by implementing `update`.
 *
 * A predictor keeps its own state; make one per stream. `update` is called with samples in
 * strictly increasing time, each value finite.
 *
 * @example
 * ```ts
 * const above100: Predictor = { update: (_timeMs, value) => ({ alarm: value > 100, score: value }) };
 * ```
 */
export interface Predictor {
  /** Reads the next sample and returns the verdict about it. */
  update(timeMs: number, value: number): PredictorVerdict;
}

/**
 * A warning: the start of a run of samples on which a predictor said `alarm`.
 *
 * @example
 * ```ts
 * const alarm: PredictionAlarm = { target: 'db1', timeMs: 42_000, score: 3.4, estimatedFailureMs: 60_000 };
 * ```
 */
export interface PredictionAlarm {
  /** The stream's target. */
  target: string;
  /** True time of the sample that raised it, in ms. */
  timeMs: number;
  /** The predictor's score on that sample. */
  score: number;
  /** The predictor's failure time forecast on that sample, if any (finite). */
  estimatedFailureMs?: number;
}

/**
 * Largest magnitude a sample may have: built-ins square deviations, and squares of anything
 * larger could overflow to Infinity and reach users as NaN.
 */
export const MAX_SAMPLE_MAGNITUDE = 1e100;
const MAX_SAMPLES = 10_000_000;

/**
 * Runs `predictor` over a stream and returns its alarms: one per *episode*, at the first sample
 * of each run of consecutive samples with `alarm: true` (a warning that stays on is one alarm,
 * not one per sample). Every sample is checked before the predictor sees it.
 *
 * @throws InvalidArgumentError if a sample is not an object with a finite time (magnitude at most
 *   2^53 − 1 ms) and a finite value of magnitude at most 1e100, times do not strictly increase, there are over 10 million samples,
 *   or the predictor returns a malformed verdict (a non-finite score or failure time).
 *
 * @example
 * ```ts
 * const alarms = runPredictor(new EwmaPredictor({ lambda: 0.2, threshold: 3 }), { target: 'db1', samples });
 * ```
 */
export function runPredictor(predictor: Predictor, stream: PredictionStream): PredictionAlarm[] {
  requirePredictor(predictor, 'predictor');
  const { target, samples } = readStream(stream, 'stream');
  const alarms: PredictionAlarm[] = [];
  let alarming = false;
  let previousMs = -Infinity;
  for (let index = 0; index < samples.length; index++) {
    const { timeMs, value } = readSample(samples[index], `stream.samples[${index}]`, previousMs);
    previousMs = timeMs;
    const verdict = readVerdict(predictor.update(timeMs, value), `verdict of the predictor at ${timeMs}ms on '${target}'`);
    if (verdict.alarm && !alarming) {
      const alarm: PredictionAlarm = { target, timeMs, score: verdict.score };
      if (verdict.estimatedFailureMs !== undefined) alarm.estimatedFailureMs = verdict.estimatedFailureMs;
      alarms.push(alarm);
    }
    alarming = verdict.alarm;
  }
  return alarms;
}

/**
 * Runs a fresh predictor, built by `create(target)`, over each stream; returns every alarm in
 * time order (streams in the given order at equal times).
 *
 * @example
 * ```ts
 * const alarms = predictStreams(metricStreams(sim.metrics, 'disk_latency_ms'), () => new CusumPredictor({ k: 0.5, h: 5 }));
 * ```
 */
export function predictStreams(streams: readonly PredictionStream[], create: (target: string) => Predictor): PredictionAlarm[] {
  if (!Array.isArray(streams)) throw new InvalidArgumentError('streams', streams, 'an array of prediction streams');
  requireFunction(create, 'create');
  const alarms = streams.flatMap((stream, index) => {
    const { target } = readStream(stream, `streams[${index}]`);
    const predictor = create(target);
    requirePredictor(predictor, `create('${target}')`);
    return runPredictor(predictor, stream);
  });
  // Array.prototype.sort is stable: ties keep the streams' order.
  return alarms.sort((a, b) => a.timeMs - b.timeMs);
}

function requirePredictor(predictor: unknown, field: string): asserts predictor is Predictor {
  if (typeof predictor !== 'object' || predictor === null || typeof (predictor as Predictor).update !== 'function') {
    throw new InvalidArgumentError(field, predictor, 'a predictor (an object with an update(timeMs, value) method)');
  }
}

function readStream(stream: unknown, field: string): PredictionStream {
  requireObject(stream, field);
  requireString(stream['target'], `${field}.target`);
  const samples = stream['samples'];
  if (!Array.isArray(samples) || samples.length > MAX_SAMPLES) throw new InvalidArgumentError(`${field}.samples`, samples, `an array of at most ${MAX_SAMPLES} samples`);
  return stream as unknown as PredictionStream;
}

function readSample(sample: unknown, field: string, previousMs: number): MetricSample {
  requireObject(sample, field);
  const { timeMs, value } = sample;
  if (typeof timeMs !== 'number' || !(Math.abs(timeMs) <= Number.MAX_SAFE_INTEGER) || timeMs <= previousMs) {
    const range = `a time in ms of magnitude at most ${Number.MAX_SAFE_INTEGER}`;
    throw new InvalidArgumentError(`${field}.timeMs`, timeMs, previousMs === -Infinity ? range : `${range}, after the previous sample's (${previousMs}ms)`);
  }
  requireSampleValue(value, `${field}.value`);
  return { timeMs, value };
}

/** Throws unless `value` is a finite number of magnitude at most {@link MAX_SAMPLE_MAGNITUDE}. */
export function requireSampleValue(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > MAX_SAMPLE_MAGNITUDE) {
    throw new InvalidArgumentError(field, value, 'a finite number of magnitude at most 1e100');
  }
}

function readVerdict(verdict: unknown, field: string): PredictorVerdict {
  requireObject(verdict, field);
  if (typeof verdict['alarm'] !== 'boolean') throw new InvalidArgumentError(`${field}.alarm`, verdict['alarm'], 'true or false');
  const score = verdict['score'];
  if (typeof score !== 'number' || !Number.isFinite(score)) throw new InvalidArgumentError(`${field}.score`, score, 'a finite number');
  const estimatedFailureMs = verdict['estimatedFailureMs'];
  if (estimatedFailureMs !== undefined && (typeof estimatedFailureMs !== 'number' || !Number.isFinite(estimatedFailureMs))) {
    throw new InvalidArgumentError(`${field}.estimatedFailureMs`, estimatedFailureMs, 'a finite time in ms, or absent');
  }
  return verdict as unknown as PredictorVerdict;
}
