import { InvalidArgumentError } from '../errors.js';

/**
 * A failure detector: fed the arrival times of one monitored process's heartbeats, measured on
 * the monitor's own (local) clock, it answers at any time how suspicious the silence is and
 * whether the process is still trusted. Detectors never see the ground truth; their quality is
 * measured against it.
 *
 * @example
 * ```ts
 * const detector: FailureDetector = new FixedTimeoutDetector({ timeoutMs: 500 });
 * detector.heartbeat(1_000);
 * detector.isAvailable(1_400); // true
 * detector.isAvailable(1_600); // false
 * ```
 */
export interface FailureDetector {
  /** A short name for tables, e.g. `phi-accrual`. */
  readonly name: string;
  /** Records a heartbeat that arrived at local time `nowMs` (never earlier than the previous one). */
  heartbeat(nowMs: number): void;
  /**
   * How suspicious the silence is at `nowMs` (phi for accrual detectors, elapsed over timeout for
   * timeout detectors). Finite, never NaN, never negative; 0 before the first heartbeat.
   */
  suspicion(nowMs: number): number;
  /** True while the process is trusted at `nowMs`. Before the first heartbeat: true. */
  isAvailable(nowMs: number): boolean;
}

/**
 * Checks a heartbeat or query time: finite and, for heartbeats, not before the previous one.
 * Shared by every detector so each reports bad input the same way.
 */
export function requireTime(nowMs: unknown, field: string, notBeforeMs = -Infinity): number {
  if (typeof nowMs !== 'number' || !Number.isFinite(nowMs)) throw new InvalidArgumentError(field, nowMs, 'a finite time in ms');
  if (nowMs < notBeforeMs) throw new InvalidArgumentError(field, nowMs, `a time >= the previous heartbeat (${notBeforeMs}ms): heartbeats cannot go back in time`);
  return nowMs;
}

/** The methods every {@link FailureDetector} has, in the order error messages list them. */
const DETECTOR_METHODS = ['heartbeat', 'suspicion', 'isAvailable'] as const;

/**
 * True if `value` has the {@link FailureDetector} methods. Factories are user code: checking what
 * they return up front turns a TypeError deep inside a run into a configuration error.
 *
 * @example
 * ```ts
 * isFailureDetector(new FixedTimeoutDetector({ timeoutMs: 500 })); // true
 * isFailureDetector({ heartbeat() {} });                          // false
 * ```
 */
export function isFailureDetector(value: unknown): value is FailureDetector {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return DETECTOR_METHODS.every((method) => typeof candidate[method] === 'function');
}

/**
 * What a detector factory must return, for error messages.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('detectors.phi()', 42, FAILURE_DETECTOR_EXPECTED);
 * ```
 */
export const FAILURE_DETECTOR_EXPECTED = `a FailureDetector (an object with methods ${DETECTOR_METHODS.join(', ')})`;
