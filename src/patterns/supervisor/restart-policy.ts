import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireInRange, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from '../../validate.js';

/**
 * How long a supervisor waits before restarting a child: `initialMs`, then `multiplier` times
 * longer for each restart of that child still inside the intensity window, capped at `maxMs`.
 *
 * @example
 * ```ts
 * const backoff: RestartBackoffOptions = { initialMs: 100, maxMs: 5_000, multiplier: 2 }; // 100, 200, 400, ... 5000
 * ```
 */
export interface RestartBackoffOptions {
  /** Wait before the first restart, in ms (>= 0). Default 100. */
  initialMs?: number;
  /** Longest wait, in ms (>= initialMs). Default 10,000. */
  maxMs?: number;
  /** Growth per restart in the window, in [1, 100]. Default 2. */
  multiplier?: number;
}

/**
 * The restart intensity, as Erlang/OTP's supervisors have it: at most `maxRestarts` restarts of
 * one child within any `windowMs`; the restart that would exceed it is not made, and the
 * supervisor gives up on the child. This bounds a crash loop.
 *
 * @example
 * ```ts
 * const intensity: RestartIntensityOptions = { maxRestarts: 3, windowMs: 10_000 };
 * ```
 */
export interface RestartIntensityOptions {
  /** Restarts allowed in any window (integer in [1, 10,000]). Default 3. */
  maxRestarts?: number;
  /** The window's length, in ms (> 0). Default 10,000. */
  windowMs?: number;
}

/** Bounds the restart history a policy keeps: one timestamp per allowed restart. */
const MAX_RESTARTS = 10_000;
const MAX_MULTIPLIER = 100;

/**
 * A restart policy's options with every default filled in.
 *
 * @example
 * ```ts
 * const { initialMs, maxRestarts }: ResolvedRestartPolicy = new RestartPolicy().options; // 100, 3
 * ```
 */
export interface ResolvedRestartPolicy {
  /** Wait before the first restart, in ms. */
  initialMs: number;
  /** Longest wait, in ms. */
  maxMs: number;
  /** Growth per restart in the window. */
  multiplier: number;
  /** Restarts allowed in any window. */
  maxRestarts: number;
  /** The window's length, in ms. */
  windowMs: number;
}

/** Validates back-off and intensity options, naming the field under `field`. */
export function resolveRestartPolicy(backoff: unknown, intensity: unknown, field: string): ResolvedRestartPolicy {
  const b = orDefault(backoff, {}) as Record<string, unknown>;
  const i = orDefault(intensity, {}) as Record<string, unknown>;
  requireObject(b, `${field}.backoff`);
  rejectUnknownKeys(b, `${field}.backoff`, ['initialMs', 'maxMs', 'multiplier']);
  requireObject(i, `${field}.intensity`);
  rejectUnknownKeys(i, `${field}.intensity`, ['maxRestarts', 'windowMs']);
  const initialMs = orDefault(b['initialMs'], 100);
  requireNonNegative(initialMs, `${field}.backoff.initialMs`);
  const maxMs = orDefault(b['maxMs'], Math.max(10_000, initialMs));
  requireNonNegative(maxMs, `${field}.backoff.maxMs`);
  if (initialMs > maxMs) throw new InvalidArgumentError(`${field}.backoff.initialMs`, initialMs, `at most backoff.maxMs (${maxMs})`);
  const multiplier = orDefault(b['multiplier'], 2);
  requireInRange(multiplier, `${field}.backoff.multiplier`, 1, MAX_MULTIPLIER);
  const maxRestarts = orDefault(i['maxRestarts'], 3);
  requirePositiveInteger(maxRestarts, `${field}.intensity.maxRestarts`, MAX_RESTARTS);
  const windowMs = orDefault(i['windowMs'], 10_000);
  requirePositive(windowMs, `${field}.intensity.windowMs`);
  return { initialMs, maxMs, multiplier, maxRestarts, windowMs };
}

/**
 * The supervisor's decision for one child, as a pure state machine over time: how long to wait
 * before the next restart, and whether one more restart now stays within the intensity. It keeps
 * at most `maxRestarts` timestamps.
 *
 * @example
 * ```ts
 * const policy = new RestartPolicy({ backoff: { initialMs: 100, maxMs: 1_000 }, intensity: { maxRestarts: 2, windowMs: 5_000 } });
 * policy.delayMs(0);      // 100
 * policy.tryRestart(100); // true
 * policy.delayMs(100);    // 200
 * policy.tryRestart(300); // true
 * policy.tryRestart(400); // false: a third restart within 5 s
 * policy.tryRestart(5_200); // true: the first one has left the window
 * ```
 */
export class RestartPolicy {
  /** The options with defaults filled in. */
  readonly options: Readonly<ResolvedRestartPolicy>;
  /** Times of the restarts still inside the window, oldest first. */
  private readonly restartTimesMs: number[] = [];

  constructor(options: { backoff?: RestartBackoffOptions; intensity?: RestartIntensityOptions } = {}) {
    requireObject(options, 'options');
    rejectUnknownKeys(options, 'options', ['backoff', 'intensity']);
    this.options = resolveRestartPolicy(options.backoff, options.intensity, 'options');
  }

  /** Restarts inside the window that ends at `nowMs` (those at times > nowMs - windowMs). */
  restartsInWindow(nowMs: number): number {
    this.forget(nowMs);
    return this.restartTimesMs.length;
  }

  /** The back-off before the next restart, given the restarts still inside the window at `nowMs`. */
  delayMs(nowMs: number): number {
    const { initialMs, maxMs, multiplier } = this.options;
    return Math.min(maxMs, initialMs * multiplier ** this.restartsInWindow(nowMs));
  }

  /** Records a restart at `nowMs` and returns true, or returns false if it would exceed the intensity. */
  tryRestart(nowMs: number): boolean {
    if (this.restartsInWindow(nowMs) >= this.options.maxRestarts) return false;
    this.restartTimesMs.push(nowMs);
    return true;
  }

  private forget(nowMs: number): void {
    const oldestKeptMs = nowMs - this.options.windowMs;
    while (this.restartTimesMs.length > 0 && this.restartTimesMs[0]! <= oldestKeptMs) this.restartTimesMs.shift();
  }
}
