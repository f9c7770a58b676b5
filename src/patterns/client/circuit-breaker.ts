import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireFunction, requireObject, requirePositive } from '../../validate.js';
import { requireIntegerInRange } from './option-checks.js';

/**
 * A circuit breaker's state. `closed`: calls pass and outcomes are counted. `open`: calls are
 * refused at once, for `openDurationMs`. `half-open`: a few probe calls pass; if they all
 * succeed the breaker closes, if one fails it opens again.
 *
 * @example
 * ```ts
 * if (breaker.state === 'open') ctx.log('backend is being given a rest');
 * ```
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * When a breaker trips and how it comes back. Give `consecutiveFailures`, `failureRate`, or both
 * (it trips on whichever is reached first).
 *
 * @example
 * ```ts
 * const breaker: CircuitBreakerOptions = {
 *   failureRate: 0.5, windowSize: 20, minimumCalls: 10, openDurationMs: 1_000, halfOpenProbes: 3,
 * };
 * ```
 */
export interface CircuitBreakerOptions {
  /** Trip after this many failures in a row (integer in [1, 10,000]). */
  consecutiveFailures?: number;
  /** Trip when the failed fraction of the last `windowSize` outcomes reaches this, in (0, 1]. */
  failureRate?: number;
  /** Outcomes the failure rate is taken over (integer in [1, 10,000]). Default 20. */
  windowSize?: number;
  /** Outcomes needed before the rate may trip (integer in [1, windowSize]). Default `min(10, windowSize)`. */
  minimumCalls?: number;
  /** How long the breaker stays open before letting probes through, in ms of the caller's clock (> 0). */
  openDurationMs: number;
  /** Probe calls let through when half-open; all must succeed to close (integer in [1, 1,000]). Default 1. */
  halfOpenProbes?: number;
  /** Told of every change of state, with the caller's clock reading. */
  onTransition?: (from: CircuitState, to: CircuitState, atMs: number) => void;
}

/**
 * Leave to make one call through a breaker, from {@link CircuitBreaker.tryAcquire}. Report its
 * outcome with `onSuccess` / `onFailure`; an outcome reported after the breaker changed state
 * (a slow call from before it opened) is ignored, so it cannot close or reopen the breaker.
 *
 * @example
 * ```ts
 * const permit = breaker.tryAcquire(ctx.now());
 * if (permit !== undefined) breaker.onSuccess(permit, ctx.now());
 * ```
 */
export interface BreakerPermit {
  /** The breaker's state period the permit was granted in. */
  readonly generation: number;
}

const MAX_WINDOW = 10_000;
const OPTION_KEYS = ['consecutiveFailures', 'failureRate', 'windowSize', 'minimumCalls', 'openDurationMs', 'halfOpenProbes', 'onTransition'];

/**
 * A circuit breaker (closed / open / half-open), as in Nygard's *Release It!* and Resilience4j,
 * as a state machine driven by the caller's clock readings: it sets no timers of its own.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ consecutiveFailures: 5, openDurationMs: 2_000 });
 * const permit = breaker.tryAcquire(ctx.now());
 * if (permit === undefined) return 'fallback';
 * try { const reply = await ctx.call('db', request, { timeoutMs: 100 }); breaker.onSuccess(permit, ctx.now()); return reply; }
 * catch { breaker.onFailure(permit, ctx.now()); return 'fallback'; }
 * ```
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private generation = 0;
  private openedAtMs = 0;
  private failuresInRow = 0;
  /** The last `windowSize` outcomes of the closed state, as a ring: true = failed. */
  private readonly window: boolean[] = [];
  private windowNext = 0;
  private windowFailures = 0;
  private probesGranted = 0;
  private probesSucceeded = 0;
  private readonly options: Required<Omit<CircuitBreakerOptions, 'consecutiveFailures' | 'failureRate' | 'onTransition'>> &
    Pick<CircuitBreakerOptions, 'consecutiveFailures' | 'failureRate' | 'onTransition'>;

  constructor(options: CircuitBreakerOptions, field = 'breaker') {
    this.options = readBreakerOptions(options, field);
  }

  /** The state, as of the last call to `tryAcquire` (an open breaker turns half-open only there). */
  get state(): CircuitState {
    return this.current;
  }

  /** Grants a permit, or undefined when the breaker refuses the call. */
  tryAcquire(nowMs: number): BreakerPermit | undefined {
    if (this.current === 'open') {
      if (nowMs - this.openedAtMs < this.options.openDurationMs) return undefined;
      this.moveTo('half-open', nowMs);
    }
    if (this.current === 'half-open') {
      if (this.probesGranted >= this.options.halfOpenProbes) return undefined;
      this.probesGranted++;
    }
    return { generation: this.generation };
  }

  /** The permitted call succeeded. */
  onSuccess(permit: BreakerPermit, nowMs: number): void {
    if (permit.generation !== this.generation) return;
    if (this.current === 'half-open') {
      this.probesSucceeded++;
      if (this.probesSucceeded >= this.options.halfOpenProbes) this.moveTo('closed', nowMs);
      return;
    }
    this.failuresInRow = 0;
    this.remember(false);
  }

  /** The permitted call failed (timed out, or its reply was judged a failure). */
  onFailure(permit: BreakerPermit, nowMs: number): void {
    if (permit.generation !== this.generation) return;
    if (this.current === 'half-open') return this.moveTo('open', nowMs);
    this.failuresInRow++;
    this.remember(true);
    if (this.shouldTrip()) this.moveTo('open', nowMs);
  }

  private shouldTrip(): boolean {
    const { consecutiveFailures, failureRate, minimumCalls } = this.options;
    if (consecutiveFailures !== undefined && this.failuresInRow >= consecutiveFailures) return true;
    if (failureRate === undefined || this.window.length < minimumCalls) return false;
    return this.windowFailures >= failureRate * this.window.length;
  }

  private remember(failed: boolean): void {
    const size = this.options.windowSize;
    if (this.window.length < size) this.window.push(failed);
    else {
      if (this.window[this.windowNext]) this.windowFailures--;
      this.window[this.windowNext] = failed;
    }
    if (failed) this.windowFailures++;
    this.windowNext = (this.windowNext + 1) % size;
  }

  private moveTo(next: CircuitState, nowMs: number): void {
    const previous = this.current;
    this.current = next;
    this.generation++;
    this.probesGranted = 0;
    this.probesSucceeded = 0;
    if (next === 'open') this.openedAtMs = nowMs;
    if (next === 'closed') this.resetCounts();
    this.options.onTransition?.(previous, next, nowMs);
  }

  private resetCounts(): void {
    this.failuresInRow = 0;
    this.window.length = 0;
    this.windowNext = 0;
    this.windowFailures = 0;
  }
}

function readBreakerOptions(options: CircuitBreakerOptions, field: string): CircuitBreaker['options'] {
  requireObject(options, field);
  rejectUnknownKeys(options, field, OPTION_KEYS);
  const { consecutiveFailures, failureRate, onTransition } = options;
  if (consecutiveFailures === undefined && failureRate === undefined) {
    throw new InvalidArgumentError(`${field}.consecutiveFailures`, undefined, 'given, or failureRate given: a breaker needs a way to trip');
  }
  if (consecutiveFailures !== undefined) requireIntegerInRange(consecutiveFailures, `${field}.consecutiveFailures`, 1, MAX_WINDOW);
  if (failureRate !== undefined && !(typeof failureRate === 'number' && failureRate > 0 && failureRate <= 1)) {
    throw new InvalidArgumentError(`${field}.failureRate`, failureRate, 'a fraction in (0, 1]');
  }
  const windowSize = orDefault(options.windowSize, 20);
  requireIntegerInRange(windowSize, `${field}.windowSize`, 1, MAX_WINDOW);
  const minimumCalls = orDefault(options.minimumCalls, Math.min(10, windowSize));
  requireIntegerInRange(minimumCalls, `${field}.minimumCalls`, 1, windowSize);
  requirePositive(options.openDurationMs, `${field}.openDurationMs`);
  const halfOpenProbes = orDefault(options.halfOpenProbes, 1);
  requireIntegerInRange(halfOpenProbes, `${field}.halfOpenProbes`, 1, 1_000);
  if (onTransition !== undefined) requireFunction(onTransition, `${field}.onTransition`);
  return { consecutiveFailures, failureRate, windowSize, minimumCalls, openDurationMs: options.openDurationMs, halfOpenProbes, onTransition };
}
