import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireObject, requireOneOf, requirePositive, requirePositiveInteger, requireString } from '../../validate.js';
import type { LogEntry } from '../../world/event-log.js';
import { queryLogs, type LogQuery } from '../logs/log-query.js';
import { predictStreams, type MetricSample, type PredictionAlarm, type PredictionStream, type Predictor, type PredictorVerdict } from './predictor.js';

/**
 * Which log messages to count, and how: the options of {@link logRateStreams}.
 *
 * @example
 * ```ts
 * const options: LogRateOptions = { template: 'write failed: <*>', bucketMs: 10_000, fromMs: 0, untilMs: 600_000 };
 * ```
 */
export interface LogRateOptions {
  /** The message template: the text of the message, with `<*>` standing for any text (as in Drain's templates). */
  template: string;
  /** Width of a counting bucket, ms, > 0. */
  bucketMs: number;
  /** Start of the window, true ms. */
  fromMs: number;
  /** End of the window, true ms: only whole buckets are counted (a last partial one would look like a drop). */
  untilMs: number;
  /** Only entries this query selects (node, level, fields…), before the template is matched. */
  query?: LogQuery;
}

/**
 * Options of {@link LogRatePredictor}.
 *
 * @example
 * ```ts
 * const options: LogRatePredictorOptions = { threshold: 4, alpha: 0.1, warmupBuckets: 10 };
 * ```
 */
export interface LogRatePredictorOptions {
  /** z, the alarm threshold on the Poisson z-score, > 0. Default 4. */
  threshold?: number;
  /** α, the weight of each normal bucket in the baseline rate, in (0, 1]. Default 0.1. */
  alpha?: number;
  /** Buckets averaged into the first baseline (no verdict on them), an integer in [1, 1000000]. Default 10. */
  warmupBuckets?: number;
  /** Floor of the baseline count per bucket in the z-score's denominator, > 0: a template never seen must not make one message infinitely surprising. Default 1. */
  minBaselineCount?: number;
  /** `up` (default): warn when the template becomes more frequent; `down`: when it goes quiet (a heartbeat message that stops). */
  direction?: 'up' | 'down';
}

/**
 * Options of {@link detectLogAnomalies}: what to count, and the detector's own options.
 *
 * @example
 * ```ts
 * const options: LogAnomalyOptions = { template: 'write failed: <*>', bucketMs: 10_000, fromMs: 0, untilMs: 600_000, detector: { threshold: 4 } };
 * ```
 */
export interface LogAnomalyOptions extends LogRateOptions {
  /** The rate detector's options. */
  detector?: LogRatePredictorOptions;
}

const RATE_KEYS = ['template', 'bucketMs', 'fromMs', 'untilMs', 'query'];
const MAX_BUCKETS = 1_000_000;
const MAX_ENTRIES = 100_000_000;
const MAX_COUNTS = 10_000_000;
const WILDCARD = '<*>';

/**
 * The rate of a message template against its baseline, as a predictor over bucket counts:
 *
 *     warm-up:  λ̂ = mean count of the first `warmupBuckets` buckets
 *     zₜ = (cₜ − λ̂) / √max(λ̂, m)                     (Poisson: variance = mean)
 *     alarm while zₜ > z   (`down`: zₜ < −z)
 *     after a bucket not in alarm: λ̂ ← α cₜ + (1 − α) λ̂
 *
 * A count of independent events in a bucket is roughly Poisson, its variance its mean; the
 * baseline learns only from normal buckets, so a lasting burst does not become the new normal.
 * The score is zₜ (negated for `down`). O(1) per bucket.
 *
 * **False alarms.** With counts Poisson at a steady rate λ known exactly, a bucket alarms with
 * probability P(C > λ + z√λ), the Poisson tail (2.2e-4 for λ = 20, z = 4). The baseline is
 * estimated instead (the warm-up mean, then an average of normal buckets), and its wander raises
 * that: on steady Poisson series at z = 4 (λ = 5, 20, 100; 98,000 buckets each) the measured
 * rate was 1.2, 1.5 and 1.9 times the tail, and stays within 3 times it. The same learning lets
 * a slow ramp become the new normal: a gradual rise may never pass a high threshold.
 *
 * @example
 * ```ts
 * const alarms = runPredictor(new LogRatePredictor({ threshold: 4 }), logRateStreams(sim.logs(), options)[0]!);
 * ```
 */
export class LogRatePredictor implements Predictor {
  private readonly threshold: number;
  private readonly alpha: number;
  private readonly warmupBuckets: number;
  private readonly minBaselineCount: number;
  private readonly sign: 1 | -1;
  private seen = 0;
  private baselineCount = 0;

  constructor(options: LogRatePredictorOptions = {}) {
    const field = 'log rate detector options';
    const raw: unknown = options;
    requireObject(raw, field);
    rejectUnknownKeys(raw, field, ['threshold', 'alpha', 'warmupBuckets', 'minBaselineCount', 'direction']);
    this.threshold = orDefault(options.threshold, 4);
    requirePositive(this.threshold, `${field}.threshold`);
    this.alpha = orDefault(options.alpha, 0.1);
    requirePositive(this.alpha, `${field}.alpha`);
    if (this.alpha > 1) throw new InvalidArgumentError(`${field}.alpha`, this.alpha, 'a number in (0, 1]');
    this.warmupBuckets = orDefault(options.warmupBuckets, 10);
    requirePositiveInteger(this.warmupBuckets, `${field}.warmupBuckets`, 1_000_000);
    this.minBaselineCount = orDefault(options.minBaselineCount, 1);
    requirePositive(this.minBaselineCount, `${field}.minBaselineCount`);
    const direction = orDefault(options.direction, 'up');
    requireOneOf(direction, `${field}.direction`, ['up', 'down'] as const);
    this.sign = direction === 'up' ? 1 : -1;
  }

  update(_timeMs: number, count: number): PredictorVerdict {
    this.seen++;
    if (this.seen <= this.warmupBuckets) {
      this.baselineCount += (count - this.baselineCount) / this.seen;
      return { alarm: false, score: 0 };
    }
    const score = (this.sign * (count - this.baselineCount)) / Math.sqrt(Math.max(this.baselineCount, this.minBaselineCount));
    const alarm = score > this.threshold;
    if (!alarm) this.baselineCount = this.alpha * count + (1 - this.alpha) * this.baselineCount;
    return { alarm, score };
  }
}

/**
 * Counts, per node, the log entries matching a template in consecutive buckets of `bucketMs`
 * from `fromMs`: one stream per node that wrote any entry in the window (so a node whose
 * template count is zero still has a stream of zeros), each sample dated at its bucket's end.
 *
 * @throws InvalidArgumentError on malformed entries, an empty template, a window over a million
 *   buckets (or nodes × buckets over ten million), or an option out of range or unknown.
 *
 * @example
 * ```ts
 * const streams = logRateStreams(sim.logs(), { template: 'retrying <*>', bucketMs: 5_000, fromMs: 0, untilMs: sim.now });
 * ```
 */
export function logRateStreams(entries: readonly LogEntry[], options: LogRateOptions): PredictionStream[] {
  const { template, bucketMs, fromMs, bucketCount, query } = readRateOptions(options);
  requireEntries(entries);
  const matches = templateMatcher(template);
  const untilMs = fromMs + bucketCount * bucketMs;
  const selected = query === undefined ? entries : queryLogs(entries, query);
  const nodes = new Set<string>();
  for (const entry of entries) if (entry.timeMs >= fromMs && entry.timeMs < untilMs) nodes.add(entry.node);
  if (nodes.size * bucketCount > MAX_COUNTS) {
    throw new InvalidArgumentError('log rate options.bucketMs', bucketMs, `a bucket wide enough that nodes × buckets (${nodes.size} × ${bucketCount}) stays within ${MAX_COUNTS}`);
  }
  const counts = new Map<string, number[]>();
  for (const node of nodes) counts.set(node, new Array<number>(bucketCount).fill(0));
  for (const entry of selected) {
    if (entry.timeMs < fromMs || entry.timeMs >= untilMs || !matches(entry.message)) continue;
    counts.get(entry.node)![Math.floor((entry.timeMs - fromMs) / bucketMs)]!++;
  }
  return [...counts].map(([target, perBucket]) => ({
    target,
    samples: perBucket.map((value, index): MetricSample => ({ timeMs: fromMs + (index + 1) * bucketMs, value })),
  }));
}

/**
 * Alarms when the rate of a log message template departs from its baseline, per node: a
 * {@link LogRatePredictor} over {@link logRateStreams}. Score the alarms with
 * {@link scorePredictions} like any predictor's.
 *
 * @example
 * ```ts
 * const alarms = detectLogAnomalies(sim.logs(), { template: 'write failed: <*>', bucketMs: 10_000, fromMs: 0, untilMs: sim.now, detector: { threshold: 4 } });
 * const score = scorePredictions(alarms, incidents, { fromMs: 0, untilMs: sim.now });
 * ```
 */
export function detectLogAnomalies(entries: readonly LogEntry[], options: LogAnomalyOptions): PredictionAlarm[] {
  const raw: unknown = options;
  requireObject(raw, 'log anomaly options');
  rejectUnknownKeys(raw, 'log anomaly options', [...RATE_KEYS, 'detector']);
  const { detector, ...rateOptions } = options;
  // Checked once here, so a bad option is reported before any counting.
  new LogRatePredictor(detector);
  return predictStreams(logRateStreams(entries, rateOptions), () => new LogRatePredictor(detector));
}

/** A test of whether a message fits a template: literal text with `<*>` for any text. Linear time. */
function templateMatcher(template: string): (message: string) => boolean {
  const parts = template.split(WILDCARD);
  if (parts.length === 1) return (message) => message === template;
  const prefix = parts[0]!;
  const suffix = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1);
  return (message) => {
    if (message.length < prefix.length + suffix.length || !message.startsWith(prefix) || !message.endsWith(suffix)) return false;
    let cursor = prefix.length;
    const end = message.length - suffix.length;
    for (const part of middle) {
      const found = message.indexOf(part, cursor);
      if (found < 0 || found + part.length > end) return false;
      cursor = found + part.length;
    }
    return true;
  };
}

function readRateOptions(options: unknown): { template: string; bucketMs: number; fromMs: number; bucketCount: number; query: LogQuery | undefined } {
  const field = 'log rate options';
  requireObject(options, field);
  rejectUnknownKeys(options, field, RATE_KEYS);
  requireString(options['template'], `${field}.template`);
  requirePositive(options['bucketMs'], `${field}.bucketMs`);
  requireFinite(options['fromMs'], `${field}.fromMs`);
  requireFinite(options['untilMs'], `${field}.untilMs`);
  const { bucketMs, fromMs, untilMs } = options;
  const bucketCount = Math.floor((untilMs - fromMs) / bucketMs);
  if (!(bucketCount >= 1 && bucketCount <= MAX_BUCKETS)) {
    throw new InvalidArgumentError(`${field}.untilMs`, untilMs, `a time at least one bucket (${bucketMs}ms) and at most ${MAX_BUCKETS} buckets after fromMs (${fromMs}ms)`);
  }
  if (options['query'] !== undefined) requireObject(options['query'], `${field}.query`);
  return { template: options['template'], bucketMs, fromMs, bucketCount, query: options['query'] as LogQuery | undefined };
}

function requireEntries(entries: unknown): asserts entries is readonly LogEntry[] {
  if (!Array.isArray(entries) || entries.length > MAX_ENTRIES) throw new InvalidArgumentError('log entries', entries, `an array of at most ${MAX_ENTRIES} log entries (sim.logs())`);
  for (let index = 0; index < entries.length; index++) {
    const entry: unknown = entries[index];
    requireObject(entry, `log entries[${index}]`);
    requireFinite(entry['timeMs'], `log entries[${index}].timeMs`);
    requireString(entry['node'], `log entries[${index}].node`);
    if (typeof entry['message'] !== 'string') throw new InvalidArgumentError(`log entries[${index}].message`, entry['message'], 'a string');
  }
}
