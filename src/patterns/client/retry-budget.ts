import { orDefault, rejectUnknownKeys, requireObject, requireProbability } from '../../validate.js';
import { requireIntegerInRange } from './option-checks.js';

/**
 * A retry budget, as Finagle's and Envoy's: retries may be at most a fraction of requests, so
 * when a backend is down the clients add at most that fraction to its load instead of
 * multiplying it by their attempt count.
 *
 * @example
 * ```ts
 * const budget: RetryBudgetOptions = { retryRatio: 0.1, burstRetries: 10 };
 * ```
 */
export interface RetryBudgetOptions {
  /** Retries earned per request, in [0, 1]: 0.1 lets one request in ten be retried. */
  retryRatio: number;
  /** Retries allowed before any request has earned one, and the most that can be saved up (integer in [0, 1,000,000]). Default 10. */
  burstRetries?: number;
}

/**
 * A token bucket for retries: it starts with `burstRetries` tokens, each request deposits
 * `retryRatio` (the bucket holds at most `max(burstRetries, 1)`), each retry withdraws one. So
 * over any run, retries <= burstRetries + retryRatio × requests.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget({ retryRatio: 0.2, burstRetries: 0 });
 * for (let i = 0; i < 5; i++) budget.noteRequest();
 * budget.tryRetry(); // true: five requests earned one retry
 * budget.tryRetry(); // false
 * ```
 */
export class RetryBudget {
  /** Retries earned per request. */
  readonly retryRatio: number;
  /** The bucket's initial fill. */
  readonly burstRetries: number;
  private tokens: number;
  private readonly capacity: number;
  private refused = 0;

  constructor(options: RetryBudgetOptions, field = 'retryBudget') {
    requireObject(options, field);
    rejectUnknownKeys(options, field, ['retryRatio', 'burstRetries']);
    requireProbability(options.retryRatio, `${field}.retryRatio`);
    const burstRetries = orDefault(options.burstRetries, 10);
    requireIntegerInRange(burstRetries, `${field}.burstRetries`, 0, 1_000_000);
    this.retryRatio = options.retryRatio;
    this.burstRetries = burstRetries;
    this.tokens = burstRetries;
    this.capacity = Math.max(burstRetries, 1);
  }

  /** A first attempt was made: it earns `retryRatio` of a retry. */
  noteRequest(): void {
    this.tokens = Math.min(this.capacity, this.tokens + this.retryRatio);
  }

  /** Spends one retry if the budget has one; false (and counted) if not. */
  tryRetry(): boolean {
    // The epsilon forgives float drift: ten deposits of 0.1 must buy a retry.
    if (this.tokens >= 1 - 1e-9) {
      this.tokens = Math.max(0, this.tokens - 1);
      return true;
    }
    this.refused++;
    return false;
  }

  /** Retries the budget has right now (a fraction shows one partly earned). */
  get available(): number {
    return this.tokens;
  }

  /** Retries refused so far for want of budget. */
  get refusedRetries(): number {
    return this.refused;
  }
}
