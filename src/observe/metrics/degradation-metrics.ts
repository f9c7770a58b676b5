import { InvalidArgumentError, InvalidStateError } from '../../errors.js';
import type { Rng } from '../../kernel/rng.js';
import { orDefault, rejectUnknownKeys, requireObject, requireProbability } from '../../validate.js';
import type { FaultLogEntry } from '../../faults/fault.js';
import { degradationSpec, isDegradationKind } from '../../faults/models/degradation/kinds.js';
import { levelAt } from '../../faults/models/degradation/ramp.js';
import type { DegradationSpec } from '../../faults/models/degradation/signals.js';
import type { Simulation } from '../../simulation.js';

/**
 * Names of the per-node metrics {@link watchDegradation} registers, each labelled `node`: the
 * signals a monitor would read off a machine, and all a predictor should see of a degradation.
 *
 * @example
 * ```ts
 * sim.metrics.series(degradationMetricNames.memory, { node: 'api' })?.values.map(([bytes]) => bytes);
 * ```
 */
export const degradationMetricNames = Object.freeze({
  /** Gauge: resident memory, in bytes (baseline, plus a `memory-leak`'s growth). */
  memory: 'faultline_node_memory_bytes',
  /** Gauge: disk write latency, in seconds (baseline, plus a `disk-wearout`'s rise). */
  diskWriteLatency: 'faultline_disk_write_latency_seconds',
  /** Gauge: fraction of disk writes failing, 0..1 (a `disk-wearout`'s or `error-ramp`'s rate). */
  diskWriteErrorRatio: 'faultline_disk_write_error_ratio',
  /** Gauge: time a request arriving now spends at the node, in seconds (baseline, plus a `latency-creep`'s service time, plus the node's real queueing delay). */
  serviceLatency: 'faultline_service_latency_seconds',
  /**
   * Counter: disk writes (`ctx.persist`) that really failed with `DiskError`, whatever the cause
   * (`disk-wearout`, `error-ramp`, `disk-write-fail`, `disk-full`). Unlike the error ratio (the
   * disk's failure probability, which a monitor could not read) this is what node code saw; read
   * it as a rate (`metricStreams(..., { as: 'ratePerSec' })`). It keeps its count while the node
   * is down and stops being sampled once the node is removed.
   */
  diskWriteErrors: 'faultline_disk_write_errors_total',
});

/**
 * What a healthy node reads, for {@link watchDegradation}.
 *
 * @example
 * ```ts
 * watchDegradation(sim, { memoryBaselineBytes: 2 ** 30, baselineNoise: 0.05 });
 * ```
 */
export interface WatchDegradationOptions {
  /** Resident memory of a healthy node, in bytes, >= 0. Default 512 MiB. */
  memoryBaselineBytes?: number;
  /** Disk write latency of a healthy disk, in ms, >= 0. Default 2. */
  diskWriteLatencyBaselineMs?: number;
  /** Service latency of a healthy node with an empty queue, in ms, >= 0. Default 5. */
  serviceLatencyBaselineMs?: number;
  /** Relative standard deviation of each baseline reading, in [0, 1]. Default 0.02. */
  baselineNoise?: number;
}

const OPTION_KEYS = ['memoryBaselineBytes', 'diskWriteLatencyBaselineMs', 'serviceLatencyBaselineMs', 'baselineNoise'];
const MAX_BASELINE = 2 ** 50;
const watched = new WeakSet<Simulation>();

interface ActiveDegradation {
  readonly target: string;
  readonly onsetMs: number;
  readonly spec: DegradationSpec;
  readonly noise: Rng;
}

type Baselines = Required<WatchDegradationOptions>;

/**
 * Registers the degradation signals ({@link degradationMetricNames}) for every node and fills them
 * at each sample: four gauges, and the counter of writes that failed with `DiskError`, read from
 * a count the world keeps anyway (a failed write pays one increment; nothing else runs unless
 * this is called). A healthy node reads its baseline with Gaussian noise (`baselineNoise`, from the
 * stream `metrics:degradation:<node>`); each degradation fault in force on it (`sim.faultLog`)
 * adds its ramp's current level of its peak (for stepped kinds, the level the world is in since
 * the last step), read with noise of relative standard deviation `params.noise` from the stream
 * `fault:<kind>:<target>:<atMs>:noise`. Service latency adds the node's real queueing delay. A
 * crashed node reads 0 on every signal (there is no process to measure). Readings are clamped to
 * [0, ∞) (the error ratio to [0, 1]).
 *
 * @example
 * ```ts
 * watchDegradation(sim);
 * sim.inject([{ kind: 'memory-leak', atMs: 10_000, target: 'api', params: { timeToFailureMs: 60_000 } }]);
 * sim.run({ until: 80_000 });
 * sim.metrics.series('faultline_node_memory_bytes', { node: 'api' });
 * ```
 */
export function watchDegradation(sim: Simulation, options: WatchDegradationOptions = {}): void {
  const baselines = readOptions(options);
  if (watched.has(sim)) throw new InvalidStateError('watchDegradation was already called on this simulation; its signals are in sim.metrics');
  watched.add(sim);
  const registry = sim.metrics;
  const node = ['node'];
  const memory = registry.gauge(degradationMetricNames.memory, { help: 'Resident memory, in bytes', labelNames: node });
  const diskLatency = registry.gauge(degradationMetricNames.diskWriteLatency, { help: 'Disk write latency, in seconds', labelNames: node });
  const errorRatio = registry.gauge(degradationMetricNames.diskWriteErrorRatio, { help: 'Fraction of disk writes failing', labelNames: node });
  const serviceLatency = registry.gauge(degradationMetricNames.serviceLatency, { help: 'Time a request arriving now spends at the node, in seconds', labelNames: node });
  const writeErrors = registry.counter(degradationMetricNames.diskWriteErrors, { help: 'Disk writes that failed with DiskError', labelNames: node });
  const active = activeDegradations(sim);
  registry.addCollector((timeMs) => {
    const degradations = active();
    for (const id of sim.nodeIds()) {
      const labels = { node: id };
      // The world counts failed writes as they happen; the counter catches up here, at sampling time.
      writeErrors.inc(sim.node(id).diskWriteErrors - writeErrors.get(labels), labels);
      const reading = sim.truth.isUp(id) ? readNode(sim, id, timeMs, baselines, degradations) : { memoryBytes: 0, diskLatencyMs: 0, errorRatio: 0, serviceLatencyMs: 0 };
      memory.set(reading.memoryBytes, labels);
      diskLatency.set(reading.diskLatencyMs / 1000, labels);
      errorRatio.set(reading.errorRatio, labels);
      serviceLatency.set(reading.serviceLatencyMs / 1000, labels);
    }
  });
}

function readOptions(options: WatchDegradationOptions): Baselines {
  const raw: unknown = options;
  requireObject(raw, 'watchDegradation options');
  rejectUnknownKeys(raw, 'watchDegradation options', OPTION_KEYS);
  const baseline = (key: string, fallback: number): number => {
    const value = orDefault(raw[key], fallback);
    const field = `watchDegradation options.${key}`;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_BASELINE) throw new InvalidArgumentError(field, value, `a number in [0, ${MAX_BASELINE}]`);
    return value;
  };
  const baselineNoise = orDefault(raw['baselineNoise'], 0.02);
  requireProbability(baselineNoise, 'watchDegradation options.baselineNoise');
  return {
    memoryBaselineBytes: baseline('memoryBaselineBytes', 2 ** 29),
    diskWriteLatencyBaselineMs: baseline('diskWriteLatencyBaselineMs', 2),
    serviceLatencyBaselineMs: baseline('serviceLatencyBaselineMs', 5),
    baselineNoise,
  };
}

/** The degradation faults in force, kept up to date from the fault log entries added since the last call. */
function activeDegradations(sim: Simulation): () => readonly ActiveDegradation[] {
  const byFaultId = new Map<number, ActiveDegradation>();
  let seen = 0;
  return () => {
    const log = sim.faultLog;
    for (; seen < log.length; seen++) note(sim, log[seen]!, byFaultId);
    return [...byFaultId.values()];
  };
}

function note(sim: Simulation, entry: FaultLogEntry, byFaultId: Map<number, ActiveDegradation>): void {
  const { fault } = entry;
  if (!isDegradationKind(fault.kind)) return;
  if (entry.phase === 'revert') return void byFaultId.delete(entry.faultId);
  const noise = sim.rng(`fault:${fault.kind}:${fault.target}:${fault.atMs}:noise`);
  byFaultId.set(entry.faultId, { target: fault.target!, onsetMs: entry.timeMs, spec: degradationSpec(fault), noise });
}

interface NodeReading {
  memoryBytes: number;
  diskLatencyMs: number;
  errorRatio: number;
  serviceLatencyMs: number;
}

function readNode(sim: Simulation, id: string, timeMs: number, baselines: Baselines, degradations: readonly ActiveDegradation[]): NodeReading {
  const rng = sim.rng(`metrics:degradation:${id}`);
  const noisy = (value: number, relativeStdDev: number, stream: Rng): number => Math.max(0, value * (1 + (relativeStdDev * stream.standardNormal())));
  const reading: NodeReading = {
    memoryBytes: noisy(baselines.memoryBaselineBytes, baselines.baselineNoise, rng),
    diskLatencyMs: noisy(baselines.diskWriteLatencyBaselineMs, baselines.baselineNoise, rng),
    errorRatio: 0,
    serviceLatencyMs: noisy(baselines.serviceLatencyBaselineMs, baselines.baselineNoise, rng) + sim.node(id).queueDelayMs,
  };
  for (const degradation of degradations) {
    if (degradation.target !== id) continue;
    const level = levelAt(degradation.spec.ramp, timeMs - degradation.onsetMs);
    if (level === 0) continue;
    const { peaks, ramp } = degradation.spec;
    const rise = (peak: number | undefined): number => (peak === undefined ? 0 : noisy(peak * level, ramp.noise, degradation.noise));
    reading.memoryBytes += rise(peaks.leakBytes);
    reading.diskLatencyMs += rise(peaks.extraWriteLatencyMs);
    reading.errorRatio = Math.min(1, reading.errorRatio + rise(peaks.writeErrorProbability));
    reading.serviceLatencyMs += rise(peaks.extraServiceMs);
  }
  return reading;
}
