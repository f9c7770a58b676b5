import { requireTime, type FailureDetector } from './failure-detector.js';

/**
 * What Chen's NFD-S and NFD-E and Bertier's detector share: the process is trusted until a
 * freshness point τ that each heartbeat moves forward, and suspicion is how many heartbeat
 * periods the silence has run past τ. Subclasses only decide where τ goes.
 *
 * @example
 * ```ts
 * const detector: FreshnessPointDetector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
 * detector.heartbeat(30, 0); // τ = 0 + 100 + 50 = 150
 * detector.isAvailable(149); // true
 * detector.suspicion(250);   // 1: one period past τ
 * ```
 */
export abstract class FreshnessPointDetector implements FailureDetector {
  /** A short name for tables. */
  abstract readonly name: string;
  /** η, the heartbeat period in ms (the unit of suspicion). */
  abstract readonly intervalMs: number;
  /** τ: trusted while `now < τ`; Infinity before the first heartbeat. */
  protected freshUntilMs = Infinity;

  /** Records a heartbeat (with its sequence number when known) and moves τ. */
  abstract heartbeat(nowMs: number, sequence?: number): void;

  /** Heartbeat periods past the current freshness point: `max(0, t - τ) / η`. */
  suspicion(nowMs: number): number {
    requireTime(nowMs, 'nowMs');
    return normalisedLateness(nowMs, this.freshUntilMs, this.intervalMs);
  }

  /** True before the first heartbeat and while `nowMs < τ`. */
  isAvailable(nowMs: number): boolean {
    requireTime(nowMs, 'nowMs');
    return !(nowMs >= this.freshUntilMs);
  }
}

/**
 * `max(0, nowMs - freshUntilMs) / intervalMs`, kept finite and never NaN or -0 even when extreme
 * inputs overflowed the estimate. Shared by the Chen-style detectors.
 *
 * @example
 * ```ts
 * normalisedLateness(250, 150, 100); // 1
 * normalisedLateness(100, 150, 100); // 0
 * ```
 */
export function normalisedLateness(nowMs: number, freshUntilMs: number, intervalMs: number): number {
  const lateness = (nowMs - freshUntilMs) / intervalMs;
  if (!(lateness > 0)) return 0; // also NaN and -0
  return lateness > Number.MAX_VALUE ? Number.MAX_VALUE : lateness;
}

