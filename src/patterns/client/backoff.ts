import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireObject, requireOneOf, requirePositive } from '../../validate.js';

/**
 * How a retry's wait is randomised. `none`: the exponential delay itself. `full`: uniform in
 * [0, delay) (AWS's "full jitter", which spreads a synchronised crowd of clients the most).
 * `equal`: half the delay plus uniform in [0, delay/2), so a retry never comes back at once.
 *
 * @example
 * ```ts
 * const jitter: BackoffJitter = 'full';
 * ```
 */
export type BackoffJitter = 'none' | 'full' | 'equal';

/**
 * Exponential back-off between retries: before retry `n` (1 for the first retry) the client
 * waits `min(maxDelayMs, initialDelayMs * multiplier^(n-1))`, jittered.
 *
 * @example
 * ```ts
 * const backoff: BackoffOptions = { initialDelayMs: 50, maxDelayMs: 2_000, multiplier: 2, jitter: 'full' };
 * ```
 */
export interface BackoffOptions {
  /** The delay before the first retry, before jitter, in ms (> 0). */
  initialDelayMs: number;
  /** The cap on the delay, before jitter, in ms (>= `initialDelayMs`). */
  maxDelayMs: number;
  /** Growth per retry (finite, >= 1). Default 2. */
  multiplier?: number;
  /** See {@link BackoffJitter}. Default `full`. */
  jitter?: BackoffJitter;
}

/**
 * A source of uniform numbers in [0, 1): a node's `ctx.rng` or a named stream `sim.rng(name)`.
 * Never the host's random source, so a run replays.
 *
 * @example
 * ```ts
 * const random: UniformSource = sim.rng('client-a:retry-jitter');
 * ```
 */
export interface UniformSource {
  /** A uniform number in [0, 1). */
  random(): number;
}

const JITTERS: readonly BackoffJitter[] = ['none', 'full', 'equal'];

/**
 * The back-off schedule of one client, checked once: {@link BackoffOptions} with defaults filled.
 *
 * @example
 * ```ts
 * const backoff = new Backoff({ initialDelayMs: 50, maxDelayMs: 1_000 });
 * backoff.ceilingMs(3); // 200: the third retry waits up to 200 ms
 * backoff.delayMs(3, ctx.rng); // a draw in [0, 200)
 * ```
 */
export class Backoff {
  /** The delay before the first retry, before jitter, in ms. */
  readonly initialDelayMs: number;
  /** The cap on the delay, before jitter, in ms. */
  readonly maxDelayMs: number;
  /** Growth per retry. */
  readonly multiplier: number;
  /** How the delay is randomised. */
  readonly jitter: BackoffJitter;

  constructor(options: BackoffOptions, field = 'backoff') {
    requireObject(options, field);
    rejectUnknownKeys(options, field, ['initialDelayMs', 'maxDelayMs', 'multiplier', 'jitter']);
    requirePositive(options.initialDelayMs, `${field}.initialDelayMs`);
    requirePositive(options.maxDelayMs, `${field}.maxDelayMs`);
    if (options.maxDelayMs < options.initialDelayMs) {
      throw new InvalidArgumentError(`${field}.maxDelayMs`, options.maxDelayMs, `a number >= initialDelayMs (${options.initialDelayMs})`);
    }
    const multiplier = orDefault(options.multiplier, 2);
    requireFinite(multiplier, `${field}.multiplier`, 'a finite number >= 1');
    if (multiplier < 1) throw new InvalidArgumentError(`${field}.multiplier`, multiplier, 'a finite number >= 1');
    const jitter = orDefault(options.jitter, 'full');
    requireOneOf(jitter, `${field}.jitter`, JITTERS);
    this.initialDelayMs = options.initialDelayMs;
    this.maxDelayMs = options.maxDelayMs;
    this.multiplier = multiplier;
    this.jitter = jitter;
  }

  /** The un-jittered delay before retry `retry` (1 for the first retry), capped at `maxDelayMs`. */
  ceilingMs(retry: number): number {
    if (!Number.isSafeInteger(retry) || retry < 1) throw new InvalidArgumentError('retry', retry, 'an integer >= 1');
    // A huge multiplier overflows to Infinity, which the cap absorbs.
    return Math.min(this.maxDelayMs, this.initialDelayMs * Math.pow(this.multiplier, retry - 1));
  }

  /** The jittered delay before retry `retry`, drawing at most one number from `random`. */
  delayMs(retry: number, random: UniformSource): number {
    const ceilingMs = this.ceilingMs(retry);
    if (this.jitter === 'none') return ceilingMs;
    const draw = random.random();
    if (this.jitter === 'full') return ceilingMs * draw;
    return ceilingMs / 2 + (ceilingMs / 2) * draw;
  }
}
