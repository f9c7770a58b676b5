import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireOneOf, requireString } from '../../validate.js';
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
 * const rule: AlertRule = { name: 'SlowApi', metric: 'faultline_service_queue_delay_seconds', labels: { node: 'api' }, above: 0.5, forMs: 2_000 };
 * ```
 */
export interface AlertRule {
  /** The alert's name. */
  name: string;
  /** A metric already registered in the registry. */
  metric: string;
  /** Only series whose labels include these (labels the metric declares). Default: every series of the metric. */
  labels?: Labels;
  /** What is measured. Default `'value'`. */
  measure?: AlertMeasure;
  /** How matching series combine (`'value'` and `'rate'`; a quantile merges their buckets). Default `'sum'`. */
  aggregate?: 'sum' | 'max' | 'min';
  /** Window of `'rate'` and quantile measures, in simulated ms: 1 to 10000 sampling intervals. Default 5 intervals. */
  windowMs?: number;
  /** Condition: measured value > above. Give exactly one of `above` and `below`. */
  above?: number;
  /** Condition: measured value < below. */
  below?: number;
  /** How long the condition must hold before the alert fires, in simulated ms (0: at once). */
  forMs: number;
}

/** @internal A rule checked and with its defaults filled in. */
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

/** A rate or quantile window holds at most this many samples, so a rule's memory is bounded. */
export const MAX_WINDOW_SAMPLES = 10_000;

/** Validates a rule against the registry: its metric must exist and suit the measure. */
export function checkRule(rule: unknown, registry: MetricsRegistry, index: number): CheckedRule {
  const field = `alert rule ${index}`;
  requireObject(rule, field);
  rejectUnknownKeys(rule, field, RULE_KEYS);
  requireString(rule['name'], `${field}.name`);
  const metric = typeof rule['metric'] === 'string' ? registry.metric(rule['metric']) : undefined;
  if (metric === undefined) {
    throw new InvalidArgumentError(`${field}.metric`, rule['metric'], `the name of a registered metric (${registry.all().map((m) => m.name).join(', ') || 'none yet'})`);
  }
  const labels = readLabelFilter(rule['labels'], `${field}.labels`, metric.labelNames);
  const measure = readMeasure(rule['measure'], `${field}.measure`, metric.kind);
  const aggregate = rule['aggregate'] ?? 'sum';
  requireOneOf(aggregate, `${field}.aggregate`, ['sum', 'max', 'min'] as const);
  const windowMs = readWindow(rule['windowMs'], `${field}.windowMs`, registry.sampleIntervalMs);
  requireNonNegative(rule['forMs'], `${field}.forMs`);
  const { threshold, direction } = readThreshold(rule, field);
  return { name: rule['name'], metric: metric.name, labels, measure, aggregate, windowMs, threshold, direction, forMs: rule['forMs'] };
}

// A window shorter than one interval holds a single sample, so a rate would never be measured.
function readWindow(windowMs: unknown, field: string, intervalMs: number): number {
  if (windowMs === undefined) return 5 * intervalMs;
  const expected = `a number of ms in [${intervalMs}, ${MAX_WINDOW_SAMPLES * intervalMs}] (1 to ${MAX_WINDOW_SAMPLES} sampling intervals)`;
  requireFinite(windowMs, field, expected);
  if (windowMs < intervalMs || windowMs > MAX_WINDOW_SAMPLES * intervalMs) throw new InvalidArgumentError(field, windowMs, expected);
  return windowMs;
}

// A label the metric does not have would match no series: the rule could never fire.
function readLabelFilter(labels: unknown, field: string, labelNames: readonly string[]): Labels {
  if (labels === undefined) return {};
  requireObject(labels, field);
  rejectUnknownKeys(labels, field, labelNames);
  for (const [key, value] of Object.entries(labels)) if (typeof value !== 'string') throw new InvalidArgumentError(`${field}.${key}`, value, 'a string label value');
  return Object.freeze({ ...(labels as Labels) });
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

interface Snapshot {
  readonly timeMs: number;
  readonly byKey: ReadonlyMap<string, readonly number[]>;
}

/**
 * Measures one rule at each sample from the metric's live values (equal to the sample just
 * taken), keeping its own window of recent values: the registry's series lose resolution on a
 * long run, and a rule must not judge from a stale or thinned sample.
 */
export class RuleMeter {
  private readonly window: Snapshot[] = [];

  constructor(readonly rule: CheckedRule, private readonly registry: MetricsRegistry) {}

  /** The measured value at `nowMs`; NaN when no series matches or the window holds one sample. */
  measure(nowMs: number): number {
    const metric = this.registry.metric(this.rule.metric)!;
    const matching = [...metric.children].filter(([, child]) => matches(child.labels, this.rule.labels));
    if (this.rule.measure === 'value') return aggregate(this.rule.aggregate, matching.map(([, child]) => child.value[0]!));
    const oldest = this.remember(nowMs, matching);
    const spanMs = nowMs - oldest.timeMs;
    if (spanMs <= 0 || matching.length === 0) return Number.NaN;
    // A series newer than the window started from zero (counters and histograms do).
    const increase = ([key, child]: [string, { value: number[] }]): number[] => {
      const first = oldest.byKey.get(key);
      return child.value.map((value, index) => value - (first === undefined ? 0 : first[index]!));
    };
    if (typeof this.rule.measure === 'object') {
      const merged = matching.map(increase).reduce((sum, vector) => sum.map((value, index) => value + vector[index]!));
      return histogramQuantile(this.rule.measure.quantile, (metric as Histogram).buckets, merged);
    }
    return aggregate(this.rule.aggregate, matching.map((entry) => (increase(entry)[0]! * 1000) / spanMs));
  }

  /** Adds this sample to the window, drops what fell out of it, and returns the oldest kept. */
  private remember(nowMs: number, matching: ReadonlyArray<[string, { value: number[] }]>): Snapshot {
    this.window.push({ timeMs: nowMs, byKey: new Map(matching.map(([key, child]) => [key, child.value.slice()])) });
    let drop = 0;
    while (this.window[drop]!.timeMs < nowMs - this.rule.windowMs || this.window.length - drop > MAX_WINDOW_SAMPLES + 1) drop++;
    if (drop > 0) this.window.splice(0, drop);
    return this.window[0]!;
  }
}

function matches(labels: Labels, filter: Labels): boolean {
  for (const key in filter) if (labels[key] !== filter[key]) return false;
  return true;
}

function aggregate(how: 'sum' | 'max' | 'min', values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  if (how === 'sum') return values.reduce((a, b) => a + b, 0);
  return values.reduce((a, b) => (how === 'max' ? Math.max(a, b) : Math.min(a, b)));
}
