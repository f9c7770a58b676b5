import { rejectUnknownKeys, requireObject, requirePositive, requireString } from '../../validate.js';

/**
 * A lease as its authority records it: who holds it, under which epoch, until when (on the
 * authority's clock). Plain data, so it persists.
 *
 * @example
 * ```ts
 * const lease: LeaseRecord = { holder: 'r1', epoch: 3, expiresAtMs: 12_500 };
 * ```
 */
export interface LeaseRecord {
  /** The holder, or undefined before the first grant. */
  holder: string | undefined;
  /** Epoch of the current (or last) lease: 0 before the first grant, +1 with every new holder. */
  epoch: number;
  /** When the lease ends, on the authority's clock, in ms. */
  expiresAtMs: number;
}

/**
 * The answer to a lease request: granted (a renewal keeps the epoch; a new holder gets the next
 * one), or refused while another holder's lease runs.
 *
 * @example
 * ```ts
 * const answer: LeaseAnswer = table.acquire('r2', 1_000);
 * if (answer.granted) console.log(`r2 leads epoch ${answer.epoch} for ${answer.leaseMs} ms`);
 * ```
 */
export interface LeaseAnswer {
  /** True if the candidate holds the lease now. */
  granted: boolean;
  /** The lease's holder after the request. */
  holder: string | undefined;
  /** Its epoch. */
  epoch: number;
  /** How long the lease lasts from the request, in ms (the authority's `leaseMs`). */
  leaseMs: number;
}

/**
 * The lease authority's state machine, pure over time: one lease, `leaseMs` long; renewals by
 * the holder extend it under the same epoch; once it has expired, the next candidate gets it
 * under a new epoch (the fencing token stores check).
 *
 * @example
 * ```ts
 * const table = new LeaseTable({ leaseMs: 500 });
 * table.acquire('r1', 0);   // granted, epoch 1
 * table.acquire('r2', 300); // refused: r1 holds it until 500
 * table.acquire('r2', 500); // granted, epoch 2
 * ```
 */
export class LeaseTable {
  /** The lease's length, in ms. */
  readonly leaseMs: number;
  private lease: LeaseRecord;

  constructor(options: { leaseMs: number }, restored?: LeaseRecord) {
    requireObject(options, 'options');
    rejectUnknownKeys(options, 'options', ['leaseMs']);
    requirePositive(options.leaseMs, 'options.leaseMs');
    this.leaseMs = options.leaseMs;
    this.lease = restored === undefined ? { holder: undefined, epoch: 0, expiresAtMs: -Infinity } : { ...restored };
  }

  /** The lease as recorded (a copy). */
  get record(): LeaseRecord {
    return { ...this.lease };
  }

  /** The holder at `nowMs`, or undefined if the lease has expired. */
  holderAt(nowMs: number): string | undefined {
    return nowMs < this.lease.expiresAtMs ? this.lease.holder : undefined;
  }

  /** Asks for the lease at `nowMs` on behalf of `candidate`. */
  acquire(candidate: string, nowMs: number): LeaseAnswer {
    requireString(candidate, 'candidate');
    const holder = this.holderAt(nowMs);
    if (holder !== undefined && holder !== candidate) return { granted: false, holder, epoch: this.lease.epoch, leaseMs: this.leaseMs };
    const epoch = holder === candidate ? this.lease.epoch : this.lease.epoch + 1;
    this.lease = { holder: candidate, epoch, expiresAtMs: nowMs + this.leaseMs };
    return { granted: true, holder: candidate, epoch, leaseMs: this.leaseMs };
  }
}
