import { rejectUnknownKeys, requireObject, requirePositive } from '../validate.js';
import { requireTime, type FailureDetector } from './failure-detector.js';
import { toSuspicion } from './interval-window.js';

/**
 * Options of a {@link FixedTimeoutDetector}.
 *
 * @example
 * ```ts
 * const options: FixedTimeoutDetectorOptions = { timeoutMs: 500 };
 * ```
 */
export interface FixedTimeoutDetectorOptions {
  /** Silence since the last heartbeat, in ms, beyond which the process is suspected; > 0. */
  timeoutMs: number;
}

/**
 * The classic timeout detector: the process is suspected once the silence since its last
 * heartbeat exceeds `timeoutMs`. Suspicion is the silence over the timeout, so 1 is the edge:
 * available while `elapsed <= timeoutMs`, suspected from the first moment after. It does not
 * adapt to the network; compare it with the accrual detectors to see what adapting buys.
 *
 * @example
 * ```ts
 * const detector = new FixedTimeoutDetector({ timeoutMs: 500 });
 * detector.heartbeat(1_000);
 * detector.suspicion(1_250); // 0.5
 * detector.isAvailable(1_500); // true: exactly at the timeout
 * detector.isAvailable(1_501); // false
 * ```
 */
export class FixedTimeoutDetector implements FailureDetector {
  /** `fixed-timeout`. */
  readonly name = 'fixed-timeout';
  /** Silence beyond which the process is suspected, in ms. */
  readonly timeoutMs: number;
  private monitoring = false;
  private lastHeartbeatMs = 0;

  constructor(options: FixedTimeoutDetectorOptions) {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, '', ['timeoutMs']);
    requirePositive(options.timeoutMs, 'timeoutMs');
    this.timeoutMs = options.timeoutMs;
  }

  heartbeat(nowMs: number): void {
    requireTime(nowMs, 'nowMs', this.monitoring ? this.lastHeartbeatMs : -Infinity);
    this.monitoring = true;
    this.lastHeartbeatMs = nowMs;
  }

  /** Silence since the last heartbeat over `timeoutMs`; 0 before the first heartbeat or before the last one. */
  suspicion(nowMs: number): number {
    requireTime(nowMs, 'nowMs');
    return this.monitoring ? toSuspicion((nowMs - this.lastHeartbeatMs) / this.timeoutMs) : 0;
  }

  /** True while the silence is at most `timeoutMs` (and before the first heartbeat). */
  isAvailable(nowMs: number): boolean {
    requireTime(nowMs, 'nowMs');
    return !this.monitoring || nowMs - this.lastHeartbeatMs <= this.timeoutMs;
  }
}
