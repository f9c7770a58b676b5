import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireFunction, requireObject, requireString } from '../validate.js';
import { FAILURE_DETECTOR_EXPECTED, isFailureDetector, type FailureDetector } from './failure-detector.js';
import { HARNESS_OPTION_KEYS, runDetectorHarness, type DetectorHarnessOptions } from './harness.js';
import { measureQoS, type QoSMeasurement } from './qos.js';

/**
 * One family of detectors swept over one parameter by {@link thresholdSweep}: `create(value)`
 * builds the detector for each value in `values`.
 *
 * @example
 * ```ts
 * const family: SweepFamily = {
 *   name: 'phi', parameter: 'threshold', values: [1, 2, 4, 8, 16],
 *   create: (threshold) => new PhiAccrualDetector({ threshold, firstHeartbeatEstimateMs: 100 }),
 * };
 * ```
 */
export interface SweepFamily {
  /** Name of the family (e.g. `phi`), unique within a sweep; used in the points and the legend. */
  name: string;
  /** Name of the swept parameter (e.g. `threshold`). */
  parameter: string;
  /** The values of the parameter, each a finite number; at least one. */
  values: number[];
  /** Builds a fresh detector with the parameter set to `value`. */
  create: (value: number) => FailureDetector;
}

/**
 * Options of {@link thresholdSweep}: those of {@link runDetectorHarness} without `detectors`
 * (the families build them), plus the families and the measurement window.
 *
 * @example
 * ```ts
 * const options: ThresholdSweepOptions = {
 *   seed: 1, monitored: ['p'], monitor: 'q', intervalMs: 100, durationMs: 120_000, sampleEveryMs: 10,
 *   network: { latency: { kind: 'exponential', meanMs: 20 }, lossProbability: 0.02 },
 *   faults: [{ kind: 'crash', atMs: 30_000, durationMs: 3_000, target: 'p' }],
 *   families: [{ name: 'fixed', parameter: 'timeoutMs', values: [200, 400], create: (timeoutMs) => new FixedTimeoutDetector({ timeoutMs }) }],
 * };
 * ```
 */
export interface ThresholdSweepOptions extends Omit<DetectorHarnessOptions, 'detectors'> {
  /** The detector families to sweep; at least one, with distinct names. */
  families: SweepFamily[];
  /** Start of the measurement window in true ms (e.g. to skip the warm-up). Default 0. */
  fromMs?: number;
  /** End of the measurement window in true ms, after `fromMs`. Default `durationMs`. */
  untilMs?: number;
}

/**
 * One point of a detection-time / mistake-rate trade-off curve: the QoS of one detector of a
 * family with its parameter at `value`, pooled over every monitored node.
 *
 * @example
 * ```ts
 * const point: SweepPoint = {
 *   family: 'fixed', parameter: 'timeoutMs', value: 300, detectionTimeMs: 248.7, maxDetectionTimeMs: 296.1,
 *   detections: 10, undetectedCrashes: 0, mistakes: 3, mistakeRatePerSec: 0.026, lambdaMPerSec: 0.03,
 *   queryAccuracy: 0.9994, mistakeDurationMs: 41.2, upTimeMs: 116_000, traceHash: '0123456789abcdef',
 * };
 * ```
 */
export interface SweepPoint {
  /** The family's name. */
  family: string;
  /** The swept parameter's name. */
  parameter: string;
  /** The parameter's value. */
  value: number;
  /** Mean detection time T_D over every detected crash, in ms; `undefined` if no crash was detected. */
  detectionTimeMs: number | undefined;
  /** Largest detection time, in ms; `undefined` if no crash was detected. */
  maxDetectionTimeMs: number | undefined;
  /** Number of detected crashes (T_D samples). */
  detections: number;
  /** Crashes never permanently suspected before the node recovered or the window ended. */
  undetectedCrashes: number;
  /** Number of mistakes (S-transitions while the node was up). */
  mistakes: number;
  /**
   * The mistake rate used for the curve: mistakes per second of up time (pooled), so lone
   * mistakes count and a mistake-free detector gives 0 rather than `undefined`.
   */
  mistakeRatePerSec: number;
  /**
   * λ_M of Chen et al., 1 / E(T_MR) over the pooled mistake-recurrence samples, per second;
   * `undefined` with no two mistakes in the same up period.
   */
  lambdaMPerSec: number | undefined;
  /** P_A, query accuracy probability: trusted up time over up time, pooled; `undefined` with no up time. */
  queryAccuracy: number | undefined;
  /** Mean mistake duration T_M, in ms; `undefined` with no corrected mistake. */
  mistakeDurationMs: number | undefined;
  /** Total up time measured, in ms, over every monitored node. */
  upTimeMs: number;
  /** Trace hash of the harness run this point came from (one run per family). */
  traceHash: string;
}

/** The harness options a sweep passes through (the families build the detectors). */
const HARNESS_KEYS = HARNESS_OPTION_KEYS.filter((key) => key !== 'detectors');
const SWEEP_KEYS: readonly string[] = [...HARNESS_KEYS, 'families', 'fromMs', 'untilMs'];

/**
 * Sweeps the parameter of each detector family over its values on the same faulty run and
 * measures, for each (family, value), the QoS that sets the family's trade-off between speed and
 * accuracy: mean detection time T_D against mistake rate (and P_A, T_M). This is the data of the
 * curves Hayashibara et al. ("The φ Accrual Failure Detector", SRDS 2004) drew to compare φ with
 * Chen's and Bertier's detectors.
 *
 * The harness ({@link runDetectorHarness}) runs once per family, with one detector instance per
 * value (and per monitored node), all fed the very same heartbeat arrivals; so within a family
 * the points differ only by the parameter. Detectors only observe, so every family's run sees
 * the very same messages and faults (same seed, same trace hash). QoS is measured with
 * {@link measureQoS} over `[fromMs, untilMs)` for every monitored node and pooled: counts and
 * up time are summed, means are weighted by their sample counts.
 *
 * Deterministic: the same options give the same points.
 *
 * @returns One point per (family, value), families in the given order, values in the given order.
 * @throws InvalidArgumentError on a malformed family, a duplicate family name, a non-finite value,
 *   a factory that does not return a detector, an unknown option, or any harness option the
 *   harness rejects.
 *
 * @example
 * ```ts
 * const points = thresholdSweep({
 *   seed: 7, monitored: ['p'], monitor: 'q', intervalMs: 100, durationMs: 120_000, sampleEveryMs: 10,
 *   network: { latency: { kind: 'exponential', meanMs: 20 }, lossProbability: 0.02 },
 *   faults: Array.from({ length: 10 }, (_, i) => ({ kind: 'crash', atMs: 10_000 + i * 10_000, durationMs: 2_000, target: 'p' })),
 *   fromMs: 2_000,
 *   families: [
 *     { name: 'fixed', parameter: 'timeoutMs', values: [150, 250, 400], create: (timeoutMs) => new FixedTimeoutDetector({ timeoutMs }) },
 *     { name: 'phi', parameter: 'threshold', values: [1, 4, 8], create: (threshold) => new PhiAccrualDetector({ threshold }) },
 *   ],
 * });
 * for (const p of points) console.log(p.family, p.value, p.detectionTimeMs, p.mistakeRatePerSec);
 * const svg = tradeoffSvg(points, { title: 'T_D vs mistake rate' });
 * ```
 */
export function thresholdSweep(options: ThresholdSweepOptions): SweepPoint[] {
  requireObject(options, 'options');
  rejectUnknownKeys(options as unknown as Record<string, unknown>, '', SWEEP_KEYS);
  const { families } = options;
  if (!Array.isArray(families) || families.length === 0) throw new InvalidArgumentError('families', families, 'a non-empty array of detector families');
  const names = new Set<string>();
  families.forEach((family, index) => {
    const field = `families[${index}]`;
    requireObject(family, field);
    rejectUnknownKeys(family as unknown as Record<string, unknown>, field, ['name', 'parameter', 'values', 'create']);
    requireString(family.name, `${field}.name`);
    if (names.has(family.name)) throw new InvalidArgumentError(`${field}.name`, family.name, 'a family name not used by another family');
    names.add(family.name);
    requireString(family.parameter, `${field}.parameter`);
    if (!Array.isArray(family.values) || family.values.length === 0) throw new InvalidArgumentError(`${field}.values`, family.values, 'a non-empty array of finite numbers');
    family.values.forEach((value, position) => requireFinite(value, `${field}.values[${position}]`));
    requireFunction(family.create, `${field}.create`);
  });
  // `null` is an error, not "absent".
  const fromMs = options.fromMs === undefined ? 0 : options.fromMs;
  requireFinite(fromMs, 'fromMs', 'a finite time >= 0 in ms');
  if (fromMs < 0) throw new InvalidArgumentError('fromMs', fromMs, 'a finite time >= 0 in ms');
  const untilMs = options.untilMs === undefined ? options.durationMs : options.untilMs;
  if (options.untilMs !== undefined) {
    requireFinite(untilMs, 'untilMs', `a time in (fromMs, durationMs]`);
    if (untilMs <= fromMs || (typeof options.durationMs === 'number' && untilMs > options.durationMs)) {
      throw new InvalidArgumentError('untilMs', untilMs, `a time in (fromMs, durationMs] = (${fromMs}, ${options.durationMs}]`);
    }
  } else if (typeof untilMs === 'number' && untilMs <= fromMs) {
    throw new InvalidArgumentError('fromMs', fromMs, `a time before durationMs (${untilMs}ms)`);
  }

  const harnessBase: Record<string, unknown> = {};
  for (const key of HARNESS_KEYS) if ((options as unknown as Record<string, unknown>)[key] !== undefined) harnessBase[key] = (options as unknown as Record<string, unknown>)[key];

  const points: SweepPoint[] = [];
  families.forEach((family, index) => {
    const detectors: Record<string, () => FailureDetector> = {};
    // Checked here so the error names the family, not the harness's internal `v0`, `v1`, ….
    const built = new Set<unknown>();
    family.values.forEach((value, position) => {
      detectors[`v${position}`] = () => {
        const detector = family.create(value);
        if (!isFailureDetector(detector) || built.has(detector)) {
          throw new InvalidArgumentError(`families[${index}].create`, detector, `a factory returning ${FAILURE_DETECTOR_EXPECTED}, a new one on every call (for value ${value})`);
        }
        built.add(detector);
        return detector;
      };
    });
    const result = runDetectorHarness({ ...(harnessBase as unknown as Omit<DetectorHarnessOptions, 'detectors'>), detectors });
    family.values.forEach((value, position) => {
      const measurements = options.monitored.map((node) =>
        measureQoS(result.transitions[`v${position}`]![node]!, result.sim.truth, node, fromMs, untilMs as number, {
          monitor: options.monitor,
          arrivals: result.arrivals[node]!,
          intervalMs: options.intervalMs,
        }),
      );
      points.push({ family: family.name, parameter: family.parameter, value, ...poolQoS(measurements), traceHash: result.traceHash });
    });
  });
  return points;
}

/**
 * The QoS of one detector over several monitored nodes (or windows), pooled: counts and up time
 * are summed, means weighted by their sample counts, P_A weighted by up time, and the mistake
 * rate is total mistakes over total up time.
 *
 * @example
 * ```ts
 * const pooled = poolQoS(['a', 'b'].map((node) => measureQoS(result.transitions['phi']![node]!, result.sim.truth, node, 0, 60_000)));
 * pooled.mistakeRatePerSec; // mistakes per up-second over both nodes
 * ```
 */
export function poolQoS(measurements: readonly QoSMeasurement[]): Omit<SweepPoint, 'family' | 'parameter' | 'value' | 'traceHash'> {
  let detections = 0;
  let detectionSum = 0;
  let maxDetection: number | undefined;
  let undetectedCrashes = 0;
  let mistakes = 0;
  let upTimeMs = 0;
  let trustedUpMs = 0;
  let recurrences = 0;
  let recurrenceSum = 0;
  let durations = 0;
  let durationSum = 0;
  for (const qos of measurements) {
    const td = qos.detectionTime;
    if (td.count > 0) {
      detections += td.count;
      detectionSum += td.meanMs! * td.count;
      maxDetection = Math.max(maxDetection ?? -Infinity, td.maxMs!);
    }
    undetectedCrashes += qos.undetectedCrashes;
    mistakes += qos.mistakes.length;
    upTimeMs += qos.upTimeMs;
    if (qos.queryAccuracyProbability !== undefined) trustedUpMs += qos.queryAccuracyProbability * qos.upTimeMs;
    if (qos.mistakeRecurrence.count > 0) {
      recurrences += qos.mistakeRecurrence.count;
      recurrenceSum += qos.mistakeRecurrence.meanMs! * qos.mistakeRecurrence.count;
    }
    if (qos.mistakeDuration.count > 0) {
      durations += qos.mistakeDuration.count;
      durationSum += qos.mistakeDuration.meanMs! * qos.mistakeDuration.count;
    }
  }
  return {
    detectionTimeMs: detections > 0 ? detectionSum / detections : undefined,
    maxDetectionTimeMs: maxDetection,
    detections,
    undetectedCrashes,
    mistakes,
    mistakeRatePerSec: upTimeMs > 0 ? (mistakes * 1_000) / upTimeMs : 0,
    lambdaMPerSec: recurrences > 0 ? 1_000 / (recurrenceSum / recurrences) : undefined,
    queryAccuracy: upTimeMs > 0 ? trustedUpMs / upTimeMs : undefined,
    mistakeDurationMs: durations > 0 ? durationSum / durations : undefined,
    upTimeMs,
  };
}
