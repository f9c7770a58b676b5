import { FaultlineError } from '../../errors.js';

/**
 * Why a resilient call gave up. `circuit-open`: the breaker refused it without sending.
 * `budget-exhausted`: an attempt failed and the retry budget had no retry left.
 * `attempts-exhausted`: every one of `maxAttempts` attempts failed.
 *
 * @example
 * ```ts
 * const reason: ResilientCallFailure = 'circuit-open';
 * ```
 */
export type ResilientCallFailure = 'circuit-open' | 'budget-exhausted' | 'attempts-exhausted';

/**
 * A call through a resilient client failed for good: a normal outcome under faults, to catch in
 * node code. `code` is `CIRCUIT_OPEN`, `RETRY_BUDGET_EXHAUSTED` or `ATTEMPTS_EXHAUSTED`; `cause`
 * is the last attempt's failure (a `CallTimeoutError`, or a {@link FailedReplyError}).
 *
 * @example
 * ```ts
 * try { await client.call('api', request); }
 * catch (e) { if (e instanceof ResilientCallError && e.reason === 'circuit-open') serveFromCache(); }
 * ```
 */
export class ResilientCallError extends FaultlineError {
  /** Why the call gave up. */
  readonly reason: ResilientCallFailure;
  /** The node called. */
  readonly to: string;
  /** Attempts sent (hedges not counted); 0 when the breaker refused the first. */
  readonly attempts: number;

  constructor(reason: ResilientCallFailure, to: string, attempts: number, cause: unknown) {
    super(CODES[reason], `call to '${to}' failed (${reason}) after ${attempts} attempt(s)`, { cause });
    this.reason = reason;
    this.to = to;
    this.attempts = attempts;
  }
}

/**
 * An attempt whose reply came back but was judged a failure by the client's `isFailure` (an
 * "overloaded" answer, say). It is the `cause` of a {@link ResilientCallError}.
 *
 * @example
 * ```ts
 * if (error.cause instanceof FailedReplyError) ctx.log('last reply', { reply: error.cause.reply });
 * ```
 */
export class FailedReplyError extends FaultlineError {
  /** The reply judged a failure. */
  readonly reply: unknown;

  constructor(to: string, reply: unknown) {
    super('FAILED_REPLY', `'${to}' answered with a reply judged a failure`);
    this.reply = reply;
  }
}

const CODES: Record<ResilientCallFailure, string> = {
  'circuit-open': 'CIRCUIT_OPEN',
  'budget-exhausted': 'RETRY_BUDGET_EXHAUSTED',
  'attempts-exhausted': 'ATTEMPTS_EXHAUSTED',
};
