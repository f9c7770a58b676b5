import { InvalidArgumentError } from '../../errors.js';
import { requireFinite } from '../../validate.js';
import { requireLabelName } from './metric-name.js';

/**
 * Label values of one series, by label name.
 *
 * @example
 * ```ts
 * const labels: Labels = { route: '/users', status: '200' };
 * ```
 */
export type Labels = Readonly<Record<string, string>>;

/**
 * The kind of a metric, as Prometheus names it.
 *
 * @example
 * ```ts
 * const kind: MetricKind = 'histogram';
 * ```
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

/** One labelled series of a metric: its label values and its current value vector. */
export interface MetricChild {
  readonly labels: Labels;
  /** Counter and gauge: `[value]`. Histogram: `[count, sum, bucket0, bucket1, ...]` (per bucket, not cumulative). */
  readonly value: number[];
}

/**
 * Series one metric may hold unless its registry says otherwise: labels with unbounded values
 * (a request id, a timestamp) would otherwise grow memory without limit.
 */
export const DEFAULT_MAX_SERIES_PER_METRIC = 10_000;

/**
 * State shared by every instrument: name, help, declared labels and one child per label set
 * (at most `maxSeries` of them). Made by a {@link MetricsRegistry}, not directly.
 *
 * @example
 * ```ts
 * const metric: Instrument = sim.metrics.gauge('queue_depth');
 * metric.children.size; // label sets seen so far
 * ```
 */
export abstract class Instrument {
  /** `counter`, `gauge` or `histogram`. */
  abstract readonly kind: MetricKind;
  /** One series per label set seen, keyed internally; read-only for callers. */
  readonly children = new Map<string, MetricChild>();

  constructor(
    /** The metric's name. */
    readonly name: string,
    /** Its `# HELP` text. */
    readonly help: string,
    /** Labels every update gives values for, in order. */
    readonly labelNames: readonly string[],
    /** Most label sets (series) it may hold. */
    readonly maxSeries: number = DEFAULT_MAX_SERIES_PER_METRIC,
  ) {}

  /** The child for these labels, made on first update. */
  protected child(labels: Labels | undefined, width: number): MetricChild {
    const key = this.keyOf(labels);
    let child = this.children.get(key);
    if (child === undefined) {
      if (this.children.size >= this.maxSeries) this.rejectNewSeries(labels);
      child = { labels: this.normalised(labels), value: new Array<number>(width).fill(0) };
      this.children.set(key, child);
    }
    return child;
  }

  /** The child for these labels if one exists: reading never makes a series. */
  protected existing(labels: Labels | undefined): MetricChild | undefined {
    return this.children.get(this.keyOf(labels));
  }

  private keyOf(labels: Labels | undefined): string {
    if (labels !== undefined && (typeof labels !== 'object' || labels === null)) return this.rejectLabels(labels);
    if (this.labelNames.length === 0) {
      if (labels !== undefined && Object.keys(labels).length > 0) this.rejectLabels(labels);
      return '';
    }
    if (labels === undefined) return this.rejectLabels(labels);
    for (const key of Object.keys(labels)) if (!this.labelNames.includes(key)) this.rejectLabels(labels);
    let key = '';
    for (const name of this.labelNames) {
      const value = labels[name];
      if (typeof value !== 'string') this.rejectLabels(labels);
      // Length-prefixed, so no two label sets share a key whatever characters their values hold.
      key += `${value.length}:${value}`;
    }
    return key;
  }

  private normalised(labels: Labels | undefined): Labels {
    const result: Record<string, string> = {};
    for (const name of this.labelNames) result[name] = labels![name]!;
    return Object.freeze(result);
  }

  private rejectLabels(labels: unknown): never {
    const expected = this.labelNames.length === 0 ? 'no labels' : `string values for exactly the labels ${this.labelNames.join(', ')}`;
    throw new InvalidArgumentError(`labels of metric ${this.name}`, labels, expected);
  }

  private rejectNewSeries(labels: unknown): never {
    throw new InvalidArgumentError(`labels of metric ${this.name}`, labels, `one of the ${this.maxSeries} label sets already in use (the metric's series bound, maxSeriesPerMetric)`);
  }
}

/**
 * A monotonically increasing count (requests served, bytes sent).
 *
 * @example
 * ```ts
 * const served = sim.metrics.counter('requests_total', { help: 'Requests served', labelNames: ['route'] });
 * served.inc(1, { route: '/users' });
 * ```
 */
export class Counter extends Instrument {
  readonly kind = 'counter';

  /** Adds `amount` (default 1, never negative) to the series with these labels. */
  inc(amount = 1, labels?: Labels): void {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new InvalidArgumentError(`increment of counter ${this.name}`, amount, 'a finite number >= 0 (a counter never goes down)');
    }
    this.child(labels, 1).value[0]! += amount;
  }

  /** The current count of the series with these labels (0 if never incremented). */
  get(labels?: Labels): number {
    return this.existing(labels)?.value[0] ?? 0;
  }
}

/**
 * A value that goes up and down (queue length, temperature).
 *
 * @example
 * ```ts
 * const depth = sim.metrics.gauge('queue_depth', { help: 'Jobs waiting' });
 * depth.set(12);
 * depth.inc(-1);
 * ```
 */
export class Gauge extends Instrument {
  readonly kind = 'gauge';

  /** Sets the series with these labels to `value`. */
  set(value: number, labels?: Labels): void {
    requireFinite(value, `value of gauge ${this.name}`);
    this.child(labels, 1).value[0] = value;
  }

  /** Adds `amount` (may be negative). */
  inc(amount = 1, labels?: Labels): void {
    requireFinite(amount, `increment of gauge ${this.name}`);
    this.child(labels, 1).value[0]! += amount;
  }

  /** The current value of the series with these labels (0 if never set). */
  get(labels?: Labels): number {
    return this.existing(labels)?.value[0] ?? 0;
  }
}

/**
 * Observations counted into buckets by upper bound, with their count and sum; quantiles are
 * estimated from the buckets (linear interpolation inside a bucket, as Prometheus's
 * `histogram_quantile` does).
 *
 * @example
 * ```ts
 * const latency = sim.metrics.histogram('latency_ms', { help: 'Request latency', buckets: [5, 10, 50, 100] });
 * latency.observe(7);
 * latency.quantile(0.99);
 * ```
 */
export class Histogram extends Instrument {
  readonly kind = 'histogram';

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[], maxSeries?: number) {
    super(name, help, labelNames, maxSeries);
  }

  /** Records one observation in the series with these labels. */
  observe(value: number, labels?: Labels): void {
    requireFinite(value, `observation of histogram ${this.name}`);
    const child = this.child(labels, this.buckets.length + 3);
    child.value[0]!++;
    child.value[1]! += value;
    child.value[2 + bucketIndex(this.buckets, value)]!++;
  }

  /** Observations so far in the series with these labels. */
  count(labels?: Labels): number {
    return this.existing(labels)?.value[0] ?? 0;
  }

  /** The estimated `q`-quantile (0..1) of the series with these labels; NaN with no observation. */
  quantile(q: number, labels?: Labels): number {
    requireQuantile(q, `quantile of histogram ${this.name}`);
    const child = this.existing(labels);
    return child === undefined ? Number.NaN : histogramQuantile(q, this.buckets, child.value);
  }
}

/** Index of the first bucket whose upper bound holds `value`; the last slot is +Inf. */
function bucketIndex(buckets: readonly number[], value: number): number {
  let low = 0;
  let high = buckets.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= buckets[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The `q`-quantile of a histogram value vector `[count, sum, per-bucket counts..., +Inf count]`,
 * interpolated as Prometheus does: linear inside the bucket, the lowest bucket starting at 0
 * (or at its bound when negative), the +Inf bucket answered by the highest finite bound.
 */
export function histogramQuantile(q: number, buckets: readonly number[], value: readonly number[]): number {
  requireQuantile(q, 'q');
  const count = value[0]!;
  if (count === 0) return Number.NaN;
  const rank = q * count;
  let cumulative = 0;
  for (let index = 0; index <= buckets.length; index++) {
    const inBucket = value[2 + index]!;
    if (cumulative + inBucket >= rank && inBucket > 0) {
      if (index === buckets.length) return buckets[buckets.length - 1]!;
      const upper = buckets[index]!;
      const lower = index === 0 ? Math.min(0, upper) : buckets[index - 1]!;
      return lower + ((upper - lower) * (rank - cumulative)) / inBucket;
    }
    cumulative += inBucket;
  }
  return buckets[buckets.length - 1]!;
}

/** Throws unless `q` is a quantile in [0, 1]. */
export function requireQuantile(q: unknown, field: string): asserts q is number {
  if (typeof q !== 'number' || !(q >= 0 && q <= 1)) throw new InvalidArgumentError(field, q, 'a quantile in [0, 1]');
}

/** Validates histogram bucket bounds: non-empty, finite, strictly increasing. */
export function readBuckets(buckets: unknown, field: string): number[] {
  if (!Array.isArray(buckets) || buckets.length === 0 || buckets.length > 1_000) {
    throw new InvalidArgumentError(field, buckets, 'a non-empty array of at most 1000 finite upper bounds, strictly increasing');
  }
  // An index loop, not forEach: forEach skips the holes of a sparse array.
  for (let index = 0; index < buckets.length; index++) {
    const bound: unknown = buckets[index];
    if (typeof bound !== 'number' || !Number.isFinite(bound) || (index > 0 && bound <= (buckets[index - 1] as number))) {
      throw new InvalidArgumentError(`${field}[${index}]`, bound, 'a finite upper bound greater than the one before it');
    }
  }
  return buckets.slice() as number[];
}

/** Validates declared label names: valid, distinct, and not `le` (reserved by histograms). */
export function readLabelNames(labelNames: unknown, field: string): string[] {
  if (labelNames === undefined) return [];
  if (!Array.isArray(labelNames) || labelNames.length > 32) throw new InvalidArgumentError(field, labelNames, 'an array of at most 32 label names');
  for (let index = 0; index < labelNames.length; index++) {
    const name: unknown = labelNames[index];
    requireLabelName(name, `${field}[${index}]`);
    if (name === 'le' || labelNames.indexOf(name) !== index) throw new InvalidArgumentError(`${field}[${index}]`, name, 'a label name not repeated and not le');
  }
  return labelNames.slice() as string[];
}
