import { InvalidArgumentError, InvalidStateError } from '../../errors.js';
import { rejectUnknownKeys, requireFunction, requireObject, requirePositiveInteger, requireString } from '../../validate.js';
import { Counter, DEFAULT_MAX_SERIES_PER_METRIC, Gauge, Histogram, readBuckets, readLabelNames, type Instrument, type Labels, type MetricKind } from './instruments.js';
import { requireMetricName } from './metric-name.js';
import { BoundedSeries } from './series.js';

/**
 * The clock and scheduler a registry samples by: a `Simulation` or an `EventLoop`.
 *
 * @example
 * ```ts
 * const registry = new MetricsRegistry(new EventLoop({ seed: 1 }) satisfies SamplingClock);
 * ```
 */
export interface SamplingClock {
  /** Simulated time now, in ms. */
  readonly now: number;
  /** Events waiting to run. */
  readonly pendingEvents: number;
  /** Runs `callback` after `delayMs`; returns a handle for `cancel`. */
  schedule(delayMs: number, callback: () => void): number;
  /** Cancels a scheduled callback. */
  cancel(handle: number): boolean;
}

/**
 * How a {@link MetricsRegistry} samples.
 *
 * @example
 * ```ts
 * sim.metrics.configure({ intervalMs: 250, maxSamplesPerSeries: 512 });
 * ```
 */
export interface MetricsOptions {
  /** Simulated ms between samples (a positive integer). Default 1000. */
  intervalMs?: number;
  /** Samples kept per series (an even integer >= 2); past it the series halves its resolution. Default 1024. */
  maxSamplesPerSeries?: number;
  /** Label sets (series) one metric may hold; a new one past it is an `InvalidArgumentError`. Default 10000. */
  maxSeriesPerMetric?: number;
}

/**
 * Options of a new metric.
 *
 * @example
 * ```ts
 * sim.metrics.histogram('latency_ms', { help: 'Request latency', labelNames: ['route'], buckets: [1, 10, 100] });
 * ```
 */
export interface MetricOptions {
  /** One line of help text, exported as `# HELP`. Default: the name. */
  help?: string;
  /** Label names every update must give values for. Default none. */
  labelNames?: readonly string[];
  /** Histograms only: finite upper bounds, strictly increasing. Default {@link defaultBucketsMs}. */
  buckets?: readonly number[];
}

/**
 * Default histogram buckets, in ms: 1 ms to 5 s.
 *
 * @example
 * ```ts
 * sim.metrics.histogram('rtt_ms', { buckets: defaultBucketsMs });
 * ```
 */
export const defaultBucketsMs: readonly number[] = Object.freeze([1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000]);

/**
 * A sampled series: sample times (true simulated ms) and one value vector per sample.
 *
 * @example
 * ```ts
 * const { timesMs, values } = sim.metrics.series('queue_depth')!;
 * ```
 */
export interface SeriesView {
  /** The series' labels. */
  readonly labels: Labels;
  /** Sample times in simulated ms, increasing. */
  readonly timesMs: readonly number[];
  /** Counter or gauge: `[value]`; histogram: `[count, sum, per-bucket counts..., +Inf count]`. */
  readonly values: ReadonlyArray<readonly number[]>;
  /** 1 at full resolution; 2^k after the series halved its resolution k times to stay bounded. */
  readonly resolution: number;
}

const OPTION_KEYS = ['intervalMs', 'maxSamplesPerSeries', 'maxSeriesPerMetric'];
const METRIC_OPTION_KEYS = ['help', 'labelNames', 'buckets'];
const MAX_METRICS = 10_000;


/**
 * Every metric of one simulation, sampled into bounded time series every `intervalMs` of
 * simulated time, at its multiples (0, intervalMs, 2 intervalMs, ...). Sampling starts with the
 * first metric (a scheduled event, so a run that makes no metric pays nothing). It covers the
 * whole window each `sim.run({ until })` asks for; when the simulation has no other event left
 * and no run window to fill (`runUntilQuiet`, `run()` without `until`) it pauses, so such runs
 * still end. The next run, or `start()`, resumes it.
 *
 * Memory is bounded: at most 10000 metrics, each with at most `maxSeriesPerMetric` label sets,
 * each series keeping at most `maxSamplesPerSeries` samples. A full series drops every other
 * sample and records at half the rate from then on, so it always spans the whole run.
 *
 * @example
 * ```ts
 * const requests = sim.metrics.counter('requests_total', { labelNames: ['node'] });
 * sim.run({ until: 10_000 });
 * sim.metrics.series('requests_total', { node: 'api' })?.values.at(-1);
 * ```
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Instrument>();
  private readonly store = new Map<string, Map<string, BoundedSeries>>();
  private readonly collectors: Array<(timeMs: number) => void> = [];
  private readonly sampleListeners: Array<(timeMs: number) => void> = [];
  private intervalMs = 1_000;
  private maxSamples = 1_024;
  private maxSeries = DEFAULT_MAX_SERIES_PER_METRIC;
  private armedHandle: number | undefined;
  private sampled = false;
  private lastSampleMs = -Infinity;
  private runUntilMs = -Infinity;

  constructor(private readonly clock: SamplingClock) {}

  /** Sets the sampling interval and bounds; only before the first sample. */
  configure(options: MetricsOptions): void {
    requireObject(options, 'metrics options');
    rejectUnknownKeys(options, 'metrics options', OPTION_KEYS);
    if (this.sampled) throw new InvalidStateError('metrics options can only change before the first sample');
    const intervalMs = options.intervalMs ?? this.intervalMs;
    requirePositiveInteger(intervalMs, 'metrics options.intervalMs');
    const maxSamples = options.maxSamplesPerSeries ?? this.maxSamples;
    requirePositiveInteger(maxSamples, 'metrics options.maxSamplesPerSeries', 10_000_000);
    if (maxSamples < 2 || maxSamples % 2 !== 0) throw new InvalidArgumentError('metrics options.maxSamplesPerSeries', maxSamples, 'an even integer in [2, 10000000]');
    const maxSeries = options.maxSeriesPerMetric ?? this.maxSeries;
    requirePositiveInteger(maxSeries, 'metrics options.maxSeriesPerMetric', 1_000_000);
    if (this.metrics.size > 0 && maxSeries !== this.maxSeries) throw new InvalidStateError('metrics options.maxSeriesPerMetric can only change before the first metric is made');
    this.maxSamples = maxSamples;
    this.maxSeries = maxSeries;
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    // Already armed on the old grid (a metric came first): move the first sample to the new one.
    if (this.armedHandle !== undefined) {
      this.clock.cancel(this.armedHandle);
      this.armedHandle = undefined;
      this.start();
    }
  }

  /** The sampling interval in simulated ms. */
  get sampleIntervalMs(): number {
    return this.intervalMs;
  }

  /** A counter; the same name again returns the same counter (its kind and labels must match). */
  counter(name: string, options: MetricOptions = {}): Counter {
    return this.define(name, 'counter', options) as Counter;
  }

  /** A gauge; the same name again returns the same gauge. */
  gauge(name: string, options: MetricOptions = {}): Gauge {
    return this.define(name, 'gauge', options) as Gauge;
  }

  /** A histogram; the same name again returns the same histogram. */
  histogram(name: string, options: MetricOptions = {}): Histogram {
    return this.define(name, 'histogram', options) as Histogram;
  }

  /** The metric named `name`, or undefined. */
  metric(name: string): Counter | Gauge | Histogram | undefined {
    return this.metrics.get(name) as Counter | Gauge | Histogram | undefined;
  }

  /** Every metric, in the order they were made. */
  all(): Array<Counter | Gauge | Histogram> {
    return [...this.metrics.values()] as Array<Counter | Gauge | Histogram>;
  }

  /** The sampled series of `name` with exactly these labels, or undefined if never sampled. */
  series(name: string, labels: Labels = {}): SeriesView | undefined {
    return this.seriesOf(name).find((view) => sameLabels(view.labels, labels));
  }

  /** Every sampled series of `name`, in the order they first appeared. */
  seriesOf(name: string): SeriesView[] {
    const metric = this.metrics.get(name);
    const byChild = this.store.get(name);
    if (metric === undefined || byChild === undefined) return [];
    return [...byChild].map(([key, series]) => ({ labels: metric.children.get(key)!.labels, timesMs: series.timesMs, values: series.values, resolution: series.resolution }));
  }

  /** Runs `listener(timeMs)` after each sample (alert rules evaluate here). Returns an unsubscribe function. */
  onSample(listener: (timeMs: number) => void): () => void {
    requireFunction(listener, 'sample listener');
    this.sampleListeners.push(listener);
    this.start();
    return () => {
      const index = this.sampleListeners.indexOf(listener);
      if (index >= 0) this.sampleListeners.splice(index, 1);
    };
  }

  /** Runs `collect(timeMs)` just before each sample, to set metrics read from elsewhere. */
  addCollector(collect: (timeMs: number) => void): void {
    requireFunction(collect, 'metrics collector');
    this.collectors.push(collect);
    this.start();
  }

  /** Arms sampling at the next multiple of the interval (idempotent); resumes it after a pause. */
  start(): void {
    if (this.armedHandle !== undefined) return;
    let nextMs = Math.ceil(this.clock.now / this.intervalMs) * this.intervalMs;
    // Never twice at one instant: re-arming right after a sample would otherwise loop at `now`.
    if (nextMs <= this.lastSampleMs) nextMs += this.intervalMs;
    this.armedHandle = this.clock.schedule(nextMs - this.clock.now, () => this.tick());
  }

  /**
   * @internal Called by `Simulation.run` before each run: sampling goes on to `untilMs` (or
   * pauses when the run goes quiet, for `Infinity`), resumed if it had paused.
   */
  noteRunUntil(untilMs: number): void {
    this.runUntilMs = untilMs;
    if (this.isInUse()) this.start();
  }

  /** Takes one sample of every series now (the scheduled sampler calls this); at most one per instant. */
  sampleNow(): void {
    const timeMs = this.clock.now;
    if (timeMs === this.lastSampleMs) return;
    this.sampled = true;
    this.lastSampleMs = timeMs;
    for (const collect of this.collectors) collect(timeMs);
    for (const [name, metric] of this.metrics) {
      let byChild = this.store.get(name);
      if (byChild === undefined) this.store.set(name, (byChild = new Map()));
      for (const [key, child] of metric.children) {
        let series = byChild.get(key);
        if (series === undefined) byChild.set(key, (series = new BoundedSeries(this.maxSamples)));
        series.offer(timeMs, child.value);
      }
    }
    for (const listener of this.sampleListeners) listener(timeMs);
  }

  private tick(): void {
    this.armedHandle = undefined;
    this.sampleNow();
    // Nothing else pending and no run window left to fill: sampling pauses rather than run forever.
    if (this.clock.pendingEvents > 0 || this.clock.now + this.intervalMs <= this.runUntilMs) this.start();
  }

  private isInUse(): boolean {
    return this.metrics.size > 0 || this.collectors.length > 0 || this.sampleListeners.length > 0;
  }

  private define(name: string, kind: MetricKind, options: MetricOptions): Instrument {
    requireMetricName(name, 'metric name');
    const field = `options of metric ${name}`;
    requireObject(options, field);
    rejectUnknownKeys(options, field, METRIC_OPTION_KEYS);
    const help = options.help ?? name;
    requireString(help, `${field}.help`);
    const labelNames = readLabelNames(options.labelNames, `${field}.labelNames`);
    if (options.buckets !== undefined && kind !== 'histogram') throw new InvalidArgumentError(`${field}.buckets`, options.buckets, 'absent (only histograms have buckets)');
    const buckets = kind === 'histogram' && options.buckets !== undefined ? readBuckets(options.buckets, `${field}.buckets`) : defaultBucketsMs;
    const existing = this.metrics.get(name);
    if (existing !== undefined) return this.reuse(existing, kind, labelNames, options.buckets === undefined ? undefined : buckets);
    if (this.metrics.size >= MAX_METRICS) throw new InvalidArgumentError('metric name', name, `one of the ${MAX_METRICS} metrics already made (the registry is full)`);
    const metric = kind === 'counter' ? new Counter(name, help, labelNames, this.maxSeries)
      : kind === 'gauge' ? new Gauge(name, help, labelNames, this.maxSeries)
        : new Histogram(name, help, labelNames, buckets, this.maxSeries);
    this.metrics.set(name, metric);
    this.start();
    return metric;
  }

  private reuse(existing: Instrument, kind: MetricKind, labelNames: readonly string[], buckets: readonly number[] | undefined): Instrument {
    if (existing.kind !== kind || existing.labelNames.join(',') !== labelNames.join(',')) {
      throw new InvalidArgumentError('metric name', existing.name, `a name not already used by a ${existing.kind} with labels [${existing.labelNames.join(', ')}]`);
    }
    if (buckets !== undefined && (existing as Histogram).buckets.join(',') !== buckets.join(',')) {
      throw new InvalidArgumentError(`options of metric ${existing.name}.buckets`, buckets, `the buckets it was made with ([${(existing as Histogram).buckets.join(', ')}]) or absent`);
    }
    return existing;
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
