import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFinite, requireObject } from '../../validate.js';
import type { Histogram, Instrument, Labels } from '../metrics/instruments.js';
import type { MetricsRegistry } from '../metrics/registry.js';

/**
 * What {@link toPrometheusText} writes: the current values (default, no timestamps), the sample
 * at or before `atMs` (with its timestamp), or every sample kept (`series: true`, each line
 * with its timestamp). Timestamps are simulated ms, rounded to whole ms.
 *
 * @example
 * ```ts
 * toPrometheusText(sim.metrics, { atMs: 5_000 });
 * ```
 */
export interface PrometheusTextOptions {
  /** Write the latest sample taken at or before this simulated time. */
  atMs?: number;
  /** Write every kept sample of every series. */
  series?: boolean;
  /**
   * Added to every timestamp written: the wall-clock time the run's simulated 0 stands for, in ms
   * since 1970 (an integer in [0, 8.64e15]), so a Prometheus that imports the file sees samples
   * inside its retention rather than in 1970. Default 0: timestamps are simulated ms.
   */
  epochMs?: number;
}

/** The largest time a JavaScript date holds, in ms since 1970. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * The registry in the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE`
 * per metric, histograms as cumulative `_bucket{le=...}` plus `_sum` and `_count`, label values
 * escaped. Feed it to `promtool check metrics`, or to Prometheus via a file or a pushgateway.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('out/metrics.prom', toPrometheusText(sim.metrics, { series: true }));
 * // The same run as if it began at 2026-12-06 00:00 UTC, for importing into a Prometheus:
 * toPrometheusText(sim.metrics, { series: true, epochMs: 1_796_515_200_000 });
 * ```
 */
export function toPrometheusText(registry: MetricsRegistry, options: PrometheusTextOptions = {}): string {
  requireObject(options, 'prometheus options');
  rejectUnknownKeys(options, 'prometheus options', ['atMs', 'series', 'epochMs']);
  const epochMs: unknown = options.epochMs ?? 0;
  if (typeof epochMs !== 'number' || !Number.isInteger(epochMs) || epochMs < 0 || epochMs > MAX_EPOCH_MS) throw new InvalidArgumentError('prometheus options.epochMs', options.epochMs, 'an integer number of ms since 1970 in [0, 8.64e15]');
  if (options.atMs !== undefined) requireFinite(options.atMs, 'prometheus options.atMs');
  if (options.series !== undefined && typeof options.series !== 'boolean') throw new InvalidArgumentError('prometheus options.series', options.series, 'a boolean');
  if (options.series === true && options.atMs !== undefined) throw new InvalidArgumentError('prometheus options.atMs', options.atMs, 'absent when series is true');
  const lines: string[] = [];
  for (const metric of registry.all()) {
    const samples = samplesOf(registry, metric, options);
    if (samples.length === 0) continue;
    lines.push(`# HELP ${metric.name} ${escapeHelp(metric.help)}`, `# TYPE ${metric.name} ${metric.kind}`);
    for (const sample of samples) writeSample(lines, metric, sample, epochMs);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

interface Sample {
  labels: Labels;
  value: readonly number[];
  timeMs: number | undefined;
}

function samplesOf(registry: MetricsRegistry, metric: Instrument, options: PrometheusTextOptions): Sample[] {
  if (options.series !== true && options.atMs === undefined) {
    return [...metric.children.values()].map((child) => ({ labels: child.labels, value: child.value, timeMs: undefined }));
  }
  const samples: Sample[] = [];
  for (const series of registry.seriesOf(metric.name)) {
    if (options.series === true) {
      series.timesMs.forEach((timeMs, index) => samples.push({ labels: series.labels, value: series.values[index]!, timeMs }));
      continue;
    }
    let index = series.timesMs.length - 1;
    while (index >= 0 && series.timesMs[index]! > options.atMs!) index--;
    if (index >= 0) samples.push({ labels: series.labels, value: series.values[index]!, timeMs: series.timesMs[index]! });
  }
  return samples;
}

function writeSample(lines: string[], metric: Instrument, sample: Sample, epochMs: number): void {
  const suffix = sample.timeMs === undefined ? '' : ` ${Math.round(sample.timeMs) + epochMs}`;
  if (metric.kind !== 'histogram') {
    lines.push(`${metric.name}${labelText(sample.labels)} ${numberText(sample.value[0]!)}${suffix}`);
    return;
  }
  const buckets = (metric as Histogram).buckets;
  let cumulative = 0;
  for (let index = 0; index <= buckets.length; index++) {
    cumulative += sample.value[2 + index]!;
    const le = index === buckets.length ? '+Inf' : numberText(buckets[index]!);
    lines.push(`${metric.name}_bucket${labelText(sample.labels, le)} ${cumulative}${suffix}`);
  }
  lines.push(`${metric.name}_sum${labelText(sample.labels)} ${numberText(sample.value[1]!)}${suffix}`);
  lines.push(`${metric.name}_count${labelText(sample.labels)} ${sample.value[0]!}${suffix}`);
}

function labelText(labels: Labels, le?: string): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabelValue(value)}"`);
  if (le !== undefined) parts.push(`le="${le}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Label values escape backslash, double quote and newline (the exposition format's rule). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Help text escapes backslash and newline only. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
