import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireObject, requireOneOf, requireString } from '../../validate.js';
import type { MetricsRegistry, SeriesView } from '../metrics/registry.js';
import { requireSampleValue, type MetricSample, type PredictionStream } from './predictor.js';

/**
 * How a sampled series becomes a stream of numbers.
 *
 * @example
 * ```ts
 * const options: SeriesSampleOptions = { valueIndex: 0, as: 'ratePerSec' };
 * ```
 */
export interface SeriesSampleOptions {
  /** Which entry of each value vector: 0 (the value) for counters and gauges; for histograms 0 is the count, 1 the sum. Default 0. */
  valueIndex?: number;
  /**
   * `value` (default): the sampled values. `ratePerSec`: the change per second between
   * consecutive samples, dated at the later one (the first sample gives none) — what a counter
   * such as `errors_total` means to a monitor.
   */
  as?: 'value' | 'ratePerSec';
}

/**
 * Options of {@link metricStreams}.
 *
 * @example
 * ```ts
 * const options: MetricStreamOptions = { targetLabel: 'disk', as: 'value' };
 * ```
 */
export interface MetricStreamOptions extends SeriesSampleOptions {
  /** The label whose value names each series' target. Default `node` (the label `ctx.metrics` adds). */
  targetLabel?: string;
}

const SAMPLE_KEYS = ['valueIndex', 'as'];
const STREAM_KEYS = [...SAMPLE_KEYS, 'targetLabel'];

/**
 * The samples of one series of the metrics registry (`sim.metrics.series(...)`).
 *
 * @throws InvalidArgumentError if a sampled value is not finite (or beyond ±1e100): a series
 *   with a NaN is refused, never handed on; or if an option is unknown or out of range.
 *
 * @example
 * ```ts
 * const samples = seriesSamples(sim.metrics.series('memory_bytes', { node: 'n1' })!);
 * ```
 */
export function seriesSamples(view: SeriesView, options: SeriesSampleOptions = {}): MetricSample[] {
  requireObject(view, 'series');
  const raw: unknown = options;
  requireObject(raw, 'series options');
  rejectUnknownKeys(raw, 'series options', SAMPLE_KEYS);
  const valueIndex = orDefault(options.valueIndex, 0);
  if (!Number.isSafeInteger(valueIndex) || valueIndex < 0) throw new InvalidArgumentError('series options.valueIndex', valueIndex, 'an integer >= 0');
  const mode = orDefault(options.as, 'value');
  requireOneOf(mode, 'series options.as', ['value', 'ratePerSec'] as const);
  const { timesMs, values } = view;
  if (!Array.isArray(timesMs) || !Array.isArray(values) || timesMs.length !== values.length) {
    throw new InvalidArgumentError('series', view, 'a sampled series (timesMs and values of equal length)');
  }
  const samples: MetricSample[] = [];
  for (let index = 0; index < timesMs.length; index++) {
    const vector = values[index];
    if (!Array.isArray(vector) || valueIndex >= vector.length) throw new InvalidArgumentError('series options.valueIndex', valueIndex, `an index into the series' value vectors (length ${Array.isArray(vector) ? vector.length : 'none'})`);
    const value: unknown = vector[valueIndex];
    requireSampleValue(value, `series.values[${index}][${valueIndex}]`);
    samples.push({ timeMs: timesMs[index]!, value });
  }
  return mode === 'value' ? samples : ratesOf(samples);
}

function ratesOf(samples: readonly MetricSample[]): MetricSample[] {
  const rates: MetricSample[] = [];
  for (let index = 1; index < samples.length; index++) {
    const earlier = samples[index - 1]!;
    const later = samples[index]!;
    rates.push({ timeMs: later.timeMs, value: ((later.value - earlier.value) * 1_000) / (later.timeMs - earlier.timeMs) });
  }
  return rates;
}

/**
 * One stream per sampled series of the metric `name`, each named by its `targetLabel` label:
 * the input of {@link predictStreams}. A metric made but not yet sampled gives no streams.
 *
 * @throws InvalidArgumentError naming the metric if the registry has no metric of that name; if
 *   a series lacks the target label; or as {@link seriesSamples} does.
 *
 * @example
 * ```ts
 * const streams = metricStreams(sim.metrics, 'memory_bytes'); // one per node that set it
 * const alarms = predictStreams(streams, () => new HoltPredictor({ alpha: 0.5, beta: 0.2, threshold: 1e9, horizonMs: 30_000 }));
 * ```
 */
export function metricStreams(registry: MetricsRegistry, name: string, options: MetricStreamOptions = {}): PredictionStream[] {
  if (typeof registry !== 'object' || registry === null || typeof (registry as MetricsRegistry).seriesOf !== 'function') {
    throw new InvalidArgumentError('registry', registry, 'a MetricsRegistry (sim.metrics)');
  }
  requireString(name, 'metric name');
  if (registry.metric(name) === undefined) {
    const known = registry.all().map((metric) => metric.name);
    const shown = known.length > 8 ? `${known.slice(0, 8).join(', ')}, … ${known.length - 8} more` : known.join(', ');
    throw new InvalidArgumentError('metric name', name, `the name of a metric in the registry (known: ${shown || 'none'})`);
  }
  const raw: unknown = options;
  requireObject(raw, 'metric stream options');
  rejectUnknownKeys(raw, 'metric stream options', STREAM_KEYS);
  const targetLabel = orDefault(options.targetLabel, 'node');
  requireString(targetLabel, 'metric stream options.targetLabel');
  const sampleOptions: SeriesSampleOptions = {};
  if (options.valueIndex !== undefined) sampleOptions.valueIndex = options.valueIndex;
  if (options.as !== undefined) sampleOptions.as = options.as;
  return registry.seriesOf(name).map((view) => {
    const target = view.labels[targetLabel];
    if (typeof target !== 'string' || target.length === 0) {
      throw new InvalidArgumentError('metric stream options.targetLabel', targetLabel, `a label every series of '${name}' has (one has labels ${JSON.stringify(view.labels)})`);
    }
    return { target, samples: seriesSamples(view, sampleOptions) };
  });
}
