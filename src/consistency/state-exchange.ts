import { FaultlineError } from '../errors.js';
import { choosePeers, hasType, resolveExchangeOptions, zeroCost, type AntiEntropyExchange, type AntiEntropyHost, type AntiEntropyMessage, type ExchangeOptions } from './anti-entropy.js';
import { mergeStores, requireStore, type ReplicaStore } from './replica-store.js';

/**
 * Periodic full-state anti-entropy (push gossip): every `intervalMs` of local time the node
 * sends its whole store to `fanout` random peers, which merge it into theirs.
 *
 * Message: `anti-entropy/state`. Cost per round, per node: `fanout` messages carrying
 * `fanout × (keys in the store)` entries, whether or not anything differs. Simple and robust;
 * use {@link createDigestExchange} when stores are large and mostly in sync. A malformed
 * incoming store is dropped (counted in `cost.malformedDropped`); the same key holding
 * different CRDT types on two nodes throws (a bug to see, not to paper over).
 *
 * @example
 * ```ts
 * sim.addNode('a', (ctx) => {
 *   let store: ReplicaStore = {};
 *   const exchange = createStateExchange(ctx, { read: () => store, write: (next) => { store = next; }, intervalMs: 100 });
 *   return {
 *     onStart() { exchange.start(); },
 *     onTimer(name) { exchange.handleTimer(name); },
 *     onMessage(from, message) { exchange.handleMessage(from, message); },
 *   };
 * });
 * ```
 */
export function createStateExchange(host: AntiEntropyHost, options: ExchangeOptions): AntiEntropyExchange {
  const resolved = resolveExchangeOptions(options, 'options');
  const cost = zeroCost();

  function round(): void {
    cost.rounds++;
    const store = resolved.read();
    const entries = Object.keys(store).length;
    for (const peer of choosePeers(host, resolved.fanout)) {
      host.send(peer, { type: 'anti-entropy/state', store } satisfies AntiEntropyMessage);
      cost.messagesSent++;
      cost.entriesSent += entries;
    }
  }

  return {
    start() {
      host.setTimer(resolved.intervalMs, resolved.timerName);
    },
    handleTimer(name) {
      if (name !== resolved.timerName) return false;
      round();
      host.setTimer(resolved.intervalMs, resolved.timerName);
      return true;
    },
    handleMessage(_from, message) {
      if (!hasType(message, ['anti-entropy/state'])) return false;
      const incoming = wellFormedStore(message['store']);
      if (incoming === undefined) cost.malformedDropped++;
      else resolved.write(mergeStores(resolved.read(), incoming));
      return true;
    },
    round,
    cost,
  };
}

/** Internal: `value` if it is a well-formed store, else undefined (a message is not an argument: it is dropped, not thrown at). */
export function wellFormedStore(value: unknown): ReplicaStore | undefined {
  try {
    requireStore(value, 'message.store');
    return value;
  } catch (error) {
    if (error instanceof FaultlineError) return undefined;
    throw error;
  }
}
