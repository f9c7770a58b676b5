import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireObject, requirePositive } from '../../validate.js';

/**
 * CoDel's two settings (Nichols and Jacobson, RFC 8289): a queue whose requests have waited at
 * least `targetDelayMs` for a whole `intervalMs` is a standing queue, and CoDel starts shedding
 * from its head, faster and faster (interval / √count), until the wait falls below the target.
 *
 * @example
 * ```ts
 * const codel: CoDelOptions = { targetDelayMs: 5, intervalMs: 100 };
 * ```
 */
export interface CoDelOptions {
  /** The acceptable standing wait, in ms (> 0, <= `intervalMs`). */
  targetDelayMs: number;
  /** How long the wait must stay above target before shedding starts, in ms (> 0). */
  intervalMs: number;
}

/**
 * CoDel's state machine, asked once per request taken from the head of a queue: serve it or
 * shed it. It keeps no queue itself and reads no clock: the caller passes the request's wait
 * (its sojourn time) and the time now.
 *
 * @example
 * ```ts
 * const codel = new CoDel({ targetDelayMs: 5, intervalMs: 100 });
 * codel.shouldDrop(2, 0); // false: the wait is under target
 * codel.shouldDrop(50, 10); // false: above target, but not yet for a whole interval
 * codel.shouldDrop(50, 110); // true: a standing queue; codel.dropping is now true
 * ```
 */
export class CoDel {
  /** The acceptable standing wait, in ms. */
  readonly targetDelayMs: number;
  /** The interval, in ms. */
  readonly intervalMs: number;
  private isDropping = false;
  /** When the wait will have been above target for an interval; undefined while it is below. */
  private firstAboveMs: number | undefined = undefined;
  private dropNextMs = 0;
  private count = 0;
  private lastCount = 0;
  private drops = 0;

  constructor(options: CoDelOptions, field = 'codel') {
    requireObject(options, field);
    rejectUnknownKeys(options, field, ['targetDelayMs', 'intervalMs']);
    requirePositive(options.targetDelayMs, `${field}.targetDelayMs`);
    requirePositive(options.intervalMs, `${field}.intervalMs`);
    if (options.targetDelayMs > options.intervalMs) {
      throw new InvalidArgumentError(`${field}.targetDelayMs`, options.targetDelayMs, `a delay <= intervalMs (${options.intervalMs})`);
    }
    this.targetDelayMs = options.targetDelayMs;
    this.intervalMs = options.intervalMs;
  }

  /** True while CoDel is in its dropping state. */
  get dropping(): boolean {
    return this.isDropping;
  }

  /** Requests shed so far. */
  get dropped(): number {
    return this.drops;
  }

  /** The queue ran empty: no standing queue. */
  noteEmpty(): void {
    this.firstAboveMs = undefined;
  }

  /** Decides for the request at the head of the queue, which has waited `sojournMs`. */
  shouldDrop(sojournMs: number, nowMs: number): boolean {
    const okToDrop = this.aboveTargetForInterval(sojournMs, nowMs);
    if (this.isDropping) return this.whileDropping(okToDrop, nowMs);
    if (!okToDrop) return false;
    this.isDropping = true;
    // Re-entering soon after leaving resumes near the old rate rather than starting over (RFC 8289).
    const delta = this.count - this.lastCount;
    this.count = delta > 1 && nowMs - this.dropNextMs < 16 * this.intervalMs ? delta : 1;
    this.lastCount = this.count;
    this.dropNextMs = this.controlLaw(nowMs);
    return this.drop();
  }

  private whileDropping(okToDrop: boolean, nowMs: number): boolean {
    if (!okToDrop) {
      this.isDropping = false;
      return false;
    }
    if (nowMs < this.dropNextMs) return false;
    this.count++;
    this.dropNextMs = this.controlLaw(this.dropNextMs);
    return this.drop();
  }

  private aboveTargetForInterval(sojournMs: number, nowMs: number): boolean {
    if (sojournMs < this.targetDelayMs) {
      this.firstAboveMs = undefined;
      return false;
    }
    if (this.firstAboveMs === undefined) {
      this.firstAboveMs = nowMs + this.intervalMs;
      return false;
    }
    return nowMs >= this.firstAboveMs;
  }

  private controlLaw(fromMs: number): number {
    return fromMs + this.intervalMs / Math.sqrt(this.count);
  }

  private drop(): boolean {
    this.drops++;
    return true;
  }
}
