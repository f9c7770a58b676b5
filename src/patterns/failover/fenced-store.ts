import type { Simulation } from '../../simulation.js';
import { orDefault, rejectUnknownKeys, requireBoolean, requireObject, requireString } from '../../validate.js';
import type { NodeBehaviour } from '../../world/node-context.js';
import { FencedWrite, FencedWriteReply } from './messages.js';

/**
 * One write a fenced store received.
 *
 * @example
 * ```ts
 * const stale = store.writes.filter((write: StoreWrite) => !write.accepted);
 * ```
 */
export interface StoreWrite {
  /** The writer. */
  from: string;
  /** The key. */
  key: string;
  /** The value. */
  value: unknown;
  /** The epoch the write carried. */
  epoch: number;
  /** True if the store applied it. */
  accepted: boolean;
  /** True (simulated) time it arrived, in ms. */
  timeMs: number;
}

/**
 * The durable state of a fenced store.
 *
 * @example
 * ```ts
 * sim.node<unknown, FencedStoreState>('store').durable.values['x'];
 * ```
 */
export interface FencedStoreState {
  /** The highest epoch any write carried (accepted writes only raise it). */
  highestEpoch: number;
  /** The stored values by key. */
  values: Record<string, unknown>;
}

/**
 * Options of {@link addFencedStore}.
 *
 * @example
 * ```ts
 * const options: FencedStoreOptions = { fencing: false }; // the broken store, for a comparison
 * ```
 */
export interface FencedStoreOptions {
  /** Refuse writes whose epoch is below the highest seen. Default true; false is the unfenced store. */
  fencing?: boolean;
}

/**
 * A storage node that checks fencing tokens (Kleppmann's fix for a paused lease holder): a
 * {@link FencedWrite} whose epoch is below the highest the store has seen is refused, so a
 * primary that lost its lease during a pause cannot overwrite its successor's writes. The highest
 * epoch and the values are durable. Every write received is recorded in `writes`.
 *
 * @example
 * ```ts
 * const store = addFencedStore(sim, 'store');
 * sim.run({ until: 10_000 });
 * store.writes.filter((write) => write.accepted).map((write) => write.epoch); // never decreasing
 * ```
 */
export class FencedStore {
  /** Every write received, accepted or refused, in arrival order. */
  readonly writes: StoreWrite[] = [];

  /** @internal Built by {@link addFencedStore}. */
  constructor(
    /** The store node's id. */
    readonly id: string,
    /** Whether stale epochs are refused. */
    readonly fencing: boolean,
    private readonly sim: Simulation,
  ) {}

  /** The node's behaviour. */
  behaviour(): NodeBehaviour<unknown, FencedStoreState> {
    return (ctx) => ({
      onMessage: (from, message) => {
        if (!(message instanceof FencedWrite)) return;
        const accepted = !this.fencing || message.epoch >= ctx.durable.highestEpoch;
        if (accepted) {
          ctx.persist((state) => {
            state.highestEpoch = Math.max(state.highestEpoch, message.epoch);
            state.values[message.key] = message.value;
          });
        }
        this.writes.push({ from, key: message.key, value: message.value, epoch: message.epoch, accepted, timeMs: this.sim.now });
        ctx.send(from, new FencedWriteReply(message.writeId, accepted, ctx.durable.highestEpoch));
      },
    });
  }
}

/**
 * Adds a {@link FencedStore} node `id` to `sim`.
 *
 * @example
 * ```ts
 * const store = addFencedStore(sim, 'store', { fencing: true });
 * ```
 */
export function addFencedStore(sim: Simulation, id: string, options: FencedStoreOptions = {}): FencedStore {
  requireString(id, 'id');
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', ['fencing']);
  const fencing = orDefault(raw['fencing'], true);
  requireBoolean(fencing, 'options.fencing');
  const store = new FencedStore(id, fencing, sim);
  sim.addNode(id, store.behaviour(), { durable: { highestEpoch: 0, values: {} } });
  return store;
}
