import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireFunction, requireNonNegative, requireObject, requirePositive, requireString } from '../../validate.js';
import type { NodeBehaviour, NodeContext, NodeHandlers } from '../../world/node-context.js';
import { FencedWrite, FencedWriteReply, LeaseReply, LeaseRequest } from './messages.js';

/**
 * Options of {@link withLease}.
 *
 * @example
 * ```ts
 * const options: LeaseHolderOptions = { authority: 'lock', store: 'store', renewIntervalMs: 100, safetyMarginMs: 50 };
 * ```
 */
export interface LeaseHolderOptions {
  /** The lease authority's node id. */
  authority: string;
  /** The fenced store's node id, where `lease.write` sends. */
  store: string;
  /** How often the replica asks for (or renews) the lease, on its clock, in ms (> 0, shorter than the lease minus the margin). */
  renewIntervalMs: number;
  /**
   * Time taken off the lease, in ms (>= 0): the replica stops believing it leads this long before
   * the lease could have run out, for clock drift. Default 0.
   */
  safetyMarginMs?: number;
}

/**
 * What a replica's code sees of its lease.
 *
 * @example
 * ```ts
 * if (lease.isPrimary()) lease.write('x', value);
 * ```
 */
export interface Lease {
  /** True while this replica holds an unexpired lease, by its own clock. */
  isPrimary(): boolean;
  /** The epoch of the lease held now, or of the last one held (0 if never). */
  epoch(): number;
  /**
   * Sends a {@link FencedWrite} to the store stamped with `epoch` (default: the current one) and
   * returns its write id. The reply, a {@link FencedWriteReply}, reaches the replica's `onMessage`;
   * a refusal also ends the replica's belief that it leads.
   */
  write(key: string, value: unknown, epoch?: number): number;
}

/**
 * A replica's behaviour that also gets its {@link Lease}.
 *
 * @example
 * ```ts
 * const replica: LeasedBehaviour = (ctx, lease) => ({ onTimer() { if (lease.isPrimary()) lease.write('x', ctx.now()); } });
 * ```
 */
export type LeasedBehaviour<M = unknown, D = unknown> = (ctx: NodeContext<M, D>, lease: Lease) => NodeHandlers<M>;

const RENEW_TIMER = 'faultline.lease.renew';
const LEASE_KEYS = ['authority', 'store', 'renewIntervalMs', 'safetyMarginMs'];

/**
 * Makes a node a primary-backup replica: from its start (and after every restart) it asks the
 * authority for the lease every `renewIntervalMs`; the one that gets it is primary until the
 * lease, measured from when it asked, runs out on its own clock (minus the margin). Writes go to a
 * fenced store stamped with the epoch, so a primary that was paused past its lease (and still
 * believes, between a check and the write, that it leads) is refused by the store.
 *
 * @example
 * ```ts
 * sim.addNode('r1', withLease((ctx, lease) => ({
 *   onStart() { ctx.setTimer(100, 'work'); },
 *   onTimer() { if (lease.isPrimary()) lease.write('x', ctx.now()); ctx.setTimer(100, 'work'); },
 * }), { authority: 'lock', store: 'store', renewIntervalMs: 100 }));
 * ```
 */
export function withLease<M = unknown, D = unknown>(behaviour: LeasedBehaviour<M, D>, options: LeaseHolderOptions): NodeBehaviour<M, D> {
  requireFunction(behaviour, 'behaviour');
  const { authority, store, renewIntervalMs, safetyMarginMs } = readLeaseHolderOptions(options);
  return (ctx) => {
    let epoch = 0;
    let primaryUntilLocalMs = -Infinity;
    let nextRequestId = 0;
    let nextWriteId = 0;
    const sentLocalMs = new Map<number, number>();
    const lease: Lease = {
      isPrimary: () => ctx.now() < primaryUntilLocalMs,
      epoch: () => epoch,
      write: (key, value, stampedEpoch = epoch) => {
        requireString(key, 'lease.write(key)');
        const writeId = nextWriteId++;
        ctx.send(store, new FencedWrite(writeId, key, value, stampedEpoch) as M);
        return writeId;
      },
    };
    const handlers = behaviour(ctx, lease);
    const renew = (): void => {
      const requestId = nextRequestId++;
      sentLocalMs.set(requestId, ctx.now());
      // Only the answer to a recent request can matter: keep the map small.
      sentLocalMs.delete(requestId - 16);
      ctx.send(authority, new LeaseRequest(requestId) as M);
      ctx.setTimer(renewIntervalMs, RENEW_TIMER);
    };
    const wrapped = Object.create(handlers) as NodeHandlers<M>;
    wrapped.onStart = () => {
      renew();
      return handlers.onStart?.call(handlers);
    };
    wrapped.onRecover = () => {
      renew();
      return (handlers.onRecover ?? handlers.onStart)?.call(handlers);
    };
    wrapped.onTimer = (name, data) => (name === RENEW_TIMER ? renew() : handlers.onTimer?.call(handlers, name, data));
    wrapped.onMessage = (from, message) => {
      if (message instanceof LeaseReply && from === authority) {
        const askedAtMs = sentLocalMs.get(message.requestId);
        if (message.granted && askedAtMs !== undefined && message.epoch >= epoch) {
          epoch = message.epoch;
          primaryUntilLocalMs = Math.max(primaryUntilLocalMs, askedAtMs + message.leaseMs - safetyMarginMs);
        }
        return;
      }
      if (message instanceof FencedWriteReply && from === store && !message.accepted && message.highestEpoch > epoch) primaryUntilLocalMs = -Infinity;
      return handlers.onMessage?.call(handlers, from, message);
    };
    return wrapped;
  };
}

function readLeaseHolderOptions(options: unknown): Required<LeaseHolderOptions> {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', LEASE_KEYS);
  requireString(options['authority'], 'options.authority');
  requireString(options['store'], 'options.store');
  if (options['store'] === options['authority']) throw new InvalidArgumentError('options.store', options['store'], 'a node other than the authority');
  requirePositive(options['renewIntervalMs'], 'options.renewIntervalMs');
  const safetyMarginMs = orDefault(options['safetyMarginMs'], 0);
  requireNonNegative(safetyMarginMs, 'options.safetyMarginMs');
  return { authority: options['authority'], store: options['store'], renewIntervalMs: options['renewIntervalMs'], safetyMarginMs };
}
