import { CallTimeoutError, InvalidArgumentError } from '../../errors.js';
import type { NodeContext } from '../../world/node-context.js';
import { orDefault, rejectUnknownKeys, requireFunction, requireObject, requirePositive } from '../../validate.js';
import { Backoff, type BackoffOptions, type UniformSource } from './backoff.js';
import { CircuitBreaker, type BreakerPermit, type CircuitBreakerOptions } from './circuit-breaker.js';
import { FailedReplyError, ResilientCallError, type ResilientCallFailure } from './client-errors.js';
import { requireIntegerInRange, requireUniformSource } from './option-checks.js';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';

/**
 * Hedged requests: when an attempt has no answer after `delayMs`, a second copy is sent and the
 * first good answer wins; the other is ignored when it comes (a `ctx.call` cannot be recalled).
 *
 * @example
 * ```ts
 * const hedge: HedgeOptions = { delayMs: 30 }; // about the p95 latency
 * ```
 */
export interface HedgeOptions {
  /** Wait before sending the hedge, in ms of the caller's clock (> 0 and < `timeoutMs`). */
  delayMs: number;
}

/**
 * A client's resilience policy. Each part is optional except `timeoutMs`; with only a timeout
 * the client makes one attempt.
 *
 * @example
 * ```ts
 * const options: ResilientClientOptions = {
 *   timeoutMs: 200, maxAttempts: 3,
 *   backoff: { initialDelayMs: 50, maxDelayMs: 1_000, jitter: 'full' },
 *   retryBudget: { retryRatio: 0.1 },
 *   breaker: { failureRate: 0.5, openDurationMs: 2_000 },
 *   isFailure: (reply) => reply === 'overloaded',
 * };
 * ```
 */
export interface ResilientClientOptions {
  /** Each attempt's timeout, in ms of the caller's clock (> 0). */
  timeoutMs: number;
  /** Attempts per call, the first included (integer in [1, 100]). Default 1. */
  maxAttempts?: number;
  /** Wait between attempts. Default: none (an immediate retry, as a naive client does). */
  backoff?: BackoffOptions;
  /** Caps retries (and hedges) at a fraction of calls. Default: no cap but `maxAttempts`. */
  retryBudget?: RetryBudgetOptions;
  /** One breaker per node called. Default: none. */
  breaker?: CircuitBreakerOptions;
  /** Hedged requests. Default: none. */
  hedge?: HedgeOptions;
  /** Judges a reply that came back: true makes the attempt a failure (retried, counted by the breaker). Default: every reply is good. */
  isFailure?: (reply: unknown) => boolean;
  /** The stream jitter is drawn from. Default the node's `ctx.rng`; pass `sim.rng(name)` to keep it apart. */
  random?: UniformSource;
}

/**
 * What a resilient client did, counted since it was made.
 *
 * @example
 * ```ts
 * const { calls, retries } = client.stats;
 * console.log(`retry ratio ${(retries / calls).toFixed(2)}`);
 * ```
 */
export interface ResilientClientStats {
  /** Calls made through `call`. */
  calls: number;
  /** Calls that returned a good reply. */
  succeeded: number;
  /** Calls that threw a {@link ResilientCallError}. */
  failed: number;
  /** Attempts sent (first attempts and retries, not hedges). */
  attempts: number;
  /** Retries sent. */
  retries: number;
  /** Hedges sent. */
  hedges: number;
  /** Retries and hedges refused by the retry budget. */
  budgetRefusals: number;
  /** Attempts refused by an open or half-open breaker. */
  breakerRefusals: number;
}

type Outcome = { ok: true; reply: unknown } | { ok: false; error: unknown };

const OPTION_KEYS = ['timeoutMs', 'maxAttempts', 'backoff', 'retryBudget', 'breaker', 'hedge', 'isFailure', 'random'];

/**
 * Calls from one node with a resilience policy around `ctx.call`: per-attempt timeout, retries
 * with jittered exponential back-off, a retry budget, a circuit breaker per destination and
 * hedging. Made with {@link resilientClient}; its `call` needs `sim.runAsync()`.
 *
 * @example
 * ```ts
 * const client = resilientClient(ctx, { timeoutMs: 100, maxAttempts: 3 });
 * const reply = await client.call('api', { get: 'x' });
 * ```
 */
export class ResilientClient<M = unknown> {
  /** Counts of what the client did. */
  readonly stats: ResilientClientStats = { calls: 0, succeeded: 0, failed: 0, attempts: 0, retries: 0, hedges: 0, budgetRefusals: 0, breakerRefusals: 0 };
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: Backoff | undefined;
  private readonly budget: RetryBudget | undefined;
  private readonly breakerOptions: CircuitBreakerOptions | undefined;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly hedgeDelayMs: number | undefined;
  private readonly isFailure: ((reply: unknown) => boolean) | undefined;
  private readonly random: UniformSource;

  constructor(
    private readonly ctx: NodeContext<M>,
    options: ResilientClientOptions,
  ) {
    requireObject(ctx, 'ctx');
    requireObject(options, 'options');
    rejectUnknownKeys(options, 'options', OPTION_KEYS);
    requirePositive(options.timeoutMs, 'options.timeoutMs');
    this.timeoutMs = options.timeoutMs;
    this.maxAttempts = orDefault(options.maxAttempts, 1);
    requireIntegerInRange(this.maxAttempts, 'options.maxAttempts', 1, 100);
    this.backoff = options.backoff === undefined ? undefined : new Backoff(options.backoff, 'options.backoff');
    this.budget = options.retryBudget === undefined ? undefined : new RetryBudget(options.retryBudget, 'options.retryBudget');
    // One breaker is built now so bad breaker options fail here, not at the first call.
    if (options.breaker !== undefined) new CircuitBreaker(options.breaker, 'options.breaker');
    this.breakerOptions = options.breaker;
    this.hedgeDelayMs = readHedge(options.hedge, options.timeoutMs);
    if (options.isFailure !== undefined) requireFunction(options.isFailure, 'options.isFailure');
    this.isFailure = options.isFailure;
    this.random = orDefault(options.random, ctx.rng);
    requireUniformSource(this.random, 'options.random');
  }

  /** The breaker guarding calls to `to` (made at the first call there), or undefined without `breaker` options. */
  breakerFor(to: string): CircuitBreaker | undefined {
    if (this.breakerOptions === undefined) return undefined;
    let breaker = this.breakers.get(to);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.breakerOptions, 'options.breaker');
      this.breakers.set(to, breaker);
    }
    return breaker;
  }

  /** Calls `to`'s `onCall` under the policy: resolves with the first good reply or rejects with a {@link ResilientCallError}. */
  async call<R = unknown>(to: string, request: M): Promise<R> {
    this.stats.calls++;
    this.budget?.noteRequest();
    const breaker = this.breakerFor(to);
    let lastFailure: unknown = undefined;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      // The budget is asked before the back-off wait, so a client out of budget fails at once.
      if (attempt > 1 && !this.spendRetry()) return this.fail('budget-exhausted', to, attempt - 1, lastFailure);
      if (attempt > 1 && this.backoff !== undefined) await this.ctx.sleep(this.backoff.delayMs(attempt - 1, this.random));
      const permit = breaker?.tryAcquire(this.ctx.now());
      if (breaker !== undefined && permit === undefined) {
        this.stats.breakerRefusals++;
        return this.fail('circuit-open', to, attempt - 1, lastFailure);
      }
      this.stats.attempts++;
      if (attempt > 1) this.stats.retries++;
      const outcome = await this.attempt(to, request);
      this.report(breaker, permit, outcome.ok);
      if (outcome.ok) {
        this.stats.succeeded++;
        return outcome.reply as R;
      }
      lastFailure = outcome.error;
    }
    return this.fail('attempts-exhausted', to, this.maxAttempts, lastFailure);
  }

  private spendRetry(): boolean {
    if (this.budget === undefined || this.budget.tryRetry()) return true;
    this.stats.budgetRefusals++;
    return false;
  }

  private report(breaker: CircuitBreaker | undefined, permit: BreakerPermit | undefined, ok: boolean): void {
    if (breaker === undefined || permit === undefined) return;
    if (ok) breaker.onSuccess(permit, this.ctx.now());
    else breaker.onFailure(permit, this.ctx.now());
  }

  private fail(reason: ResilientCallFailure, to: string, attempts: number, cause: unknown): never {
    this.stats.failed++;
    throw new ResilientCallError(reason, to, attempts, cause);
  }

  /** One attempt, hedged when configured: the first good answer of the copies sent. */
  private attempt(to: string, request: M): Promise<Outcome> {
    const hedgeDelayMs = this.hedgeDelayMs;
    if (hedgeDelayMs === undefined) return this.send(to, request);
    return new Promise((resolve, reject) => {
      let settled = false;
      let outstanding = 1;
      const onOutcome = (outcome: Outcome): void => {
        outstanding--;
        if (settled || (!outcome.ok && outstanding > 0)) return;
        settled = true;
        resolve(outcome);
      };
      this.send(to, request).then(onOutcome, reject);
      this.ctx.sleep(hedgeDelayMs).then(() => {
        if (settled || !this.spendRetry()) return;
        this.stats.hedges++;
        outstanding++;
        this.send(to, request).then(onOutcome, reject);
      }, reject);
    });
  }

  private async send(to: string, request: M): Promise<Outcome> {
    try {
      const reply = await this.ctx.call(to, request, { timeoutMs: this.timeoutMs });
      if (this.isFailure !== undefined && this.isFailure(reply)) return { ok: false, error: new FailedReplyError(to, reply) };
      return { ok: true, reply };
    } catch (error) {
      if (error instanceof CallTimeoutError) return { ok: false, error };
      throw error;
    }
  }
}

/**
 * Makes a {@link ResilientClient} for node code, checking every option now.
 *
 * @example
 * ```ts
 * sim.addNode('web', (ctx) => {
 *   const client = resilientClient(ctx, { timeoutMs: 100, maxAttempts: 3, retryBudget: { retryRatio: 0.1 } });
 *   return { async onStart() { await client.call('api', 'hello'); } };
 * });
 * ```
 */
export function resilientClient<M = unknown>(ctx: NodeContext<M>, options: ResilientClientOptions): ResilientClient<M> {
  return new ResilientClient(ctx, options);
}

function readHedge(hedge: HedgeOptions | undefined, timeoutMs: number): number | undefined {
  if (hedge === undefined) return undefined;
  requireObject(hedge, 'options.hedge');
  rejectUnknownKeys(hedge, 'options.hedge', ['delayMs']);
  requirePositive(hedge.delayMs, 'options.hedge.delayMs');
  if (hedge.delayMs >= timeoutMs) throw new InvalidArgumentError('options.hedge.delayMs', hedge.delayMs, `a delay < timeoutMs (${timeoutMs}): a later hedge is never sent`);
  return hedge.delayMs;
}
