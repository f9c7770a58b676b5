// Anti-entropy as node behaviour pieces: replicas that diverge during a partition converge after
// the heal within a bound; digest exchange sends far fewer entries than full state when few keys
// differ; read repair fixes the stale replicas a quorum read finds.
import { describe, expect, it } from 'vitest';
import {
  Simulation,
  createDigestExchange,
  createReadRepair,
  createStateExchange,
  gCounter,
  type AntiEntropyExchange,
  type AntiEntropyMessage,
  type ExchangeOptions,
  type NodeContext,
  type ReplicaStore,
} from '../../src/index.js';

const NODES = ['a', 'b', 'c', 'd'];
const INTERVAL_MS = 100;
type Piece = (ctx: NodeContext<AntiEntropyMessage>, options: ExchangeOptions) => AntiEntropyExchange;
const pieces: Array<[string, Piece]> = [
  ['state exchange', createStateExchange],
  ['digest exchange', (ctx, options) => createDigestExchange(ctx, { ...options, bucketCount: 16 })],
];

interface Replica {
  store: ReplicaStore;
  exchange: AntiEntropyExchange;
}

/** Four replicas of a keyed store of G-Counters; each bumps a random key every `writeEveryMs` until `writesUntilMs`. */
function cluster(piece: Piece, options: { initial?: ReplicaStore; writeEveryMs: number; writesUntilMs: number; seed?: number }) {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  for (const id of NODES) {
    sim.addNode<AntiEntropyMessage>(id, (ctx) => {
      const replica: Replica = { store: options.initial ?? {}, exchange: undefined! };
      replica.exchange = piece(ctx, { read: () => replica.store, write: (next) => { replica.store = next; }, intervalMs: INTERVAL_MS });
      return Object.assign(replica, {
        onStart() {
          replica.exchange.start();
          ctx.setTimer(options.writeEveryMs, 'write');
        },
        onTimer(name: string) {
          if (replica.exchange.handleTimer(name)) return;
          const key = `k${ctx.rng.int(0, 39)}`;
          replica.store = { ...replica.store, [key]: gCounter.increment((replica.store[key] as never) ?? gCounter.empty(), ctx.id) };
          if (sim.now + options.writeEveryMs < options.writesUntilMs) ctx.setTimer(options.writeEveryMs, 'write');
        },
        onMessage(from: string, message: AntiEntropyMessage) {
          replica.exchange.handleMessage(from, message);
        },
      });
    });
  }
  const replica = (id: string) => sim.node<Replica>(id).handlers;
  const agree = () => NODES.every((id) => JSON.stringify(replica(id).store) === JSON.stringify(replica('a').store));
  return { sim, replica, agree };
}

describe.each(pieces)('%s', (_name, piece) => {
  it('converges within 1 s of the heal after a partition that lasted 1 s of writes on both sides', () => {
    const { sim, replica, agree } = cluster(piece, { writeEveryMs: 30, writesUntilMs: 1_200 });
    sim.run({ until: 200 });
    sim.partition(['a', 'b'], ['c', 'd']);
    sim.run({ until: 1_200 });
    expect(agree()).toBe(false); // the sides diverged
    sim.heal();
    let convergedAtMs: number | undefined;
    while (sim.now < 3_000 && convergedAtMs === undefined) {
      sim.run({ until: sim.now + 10 });
      if (agree()) convergedAtMs = sim.now;
    }
    expect(convergedAtMs).toBeDefined();
    expect(convergedAtMs! - 1_200).toBeLessThanOrEqual(1_000);
    // Nothing was lost: the counters add up to every write made on either side.
    const writes = Math.floor(1_200 / 30) - 1;
    const total = Object.values(replica('a').store).reduce((sum, state) => sum + gCounter.value(state as never), 0);
    expect(total).toBeGreaterThanOrEqual(NODES.length * (writes - 1));
    expect(total).toBeLessThanOrEqual(NODES.length * writes);
  });
});

describe('digest exchange against full state', () => {
  it('sends far fewer entries when few keys differ', () => {
    let initial: ReplicaStore = {};
    for (let key = 0; key < 200; key++) initial = { ...initial, [`k${key}`]: gCounter.increment(gCounter.empty(), 'seed', key + 1) };
    const entriesSent = (piece: Piece) => {
      // A few writes early on (every 400 ms until 1 s: two per node), then a second of exchange.
      const { sim, replica, agree } = cluster(piece, { initial, writeEveryMs: 400, writesUntilMs: 1_000 });
      sim.run({ until: 2_000 });
      expect(agree()).toBe(true);
      return NODES.reduce((sum, id) => sum + replica(id).exchange.cost.entriesSent, 0);
    };
    const full = entriesSent(createStateExchange);
    const digest = entriesSent((ctx, options) => createDigestExchange(ctx, { ...options, bucketCount: 64 }));
    // Full state: 4 nodes × ~20 rounds × 200 entries. Digest: only keys in the few differing buckets.
    expect(full).toBeGreaterThan(4 * 19 * 200);
    expect(digest).toBeLessThan(full / 50);
    expect(digest).toBeGreaterThan(0);
  });

  it('sends only the digest, no entries, when the replicas already agree', () => {
    const initial: ReplicaStore = { x: gCounter.increment(gCounter.empty(), 'seed', 3) };
    const { sim, replica } = cluster((ctx, options) => createDigestExchange(ctx, options), { initial, writeEveryMs: 10_000, writesUntilMs: 0 });
    sim.run({ until: 1_050 });
    const cost = replica('a').exchange.cost;
    expect(cost.rounds).toBe(10);
    expect(cost.messagesSent).toBe(cost.rounds + 0); // 'a' answers digests with nothing: no entries anywhere
    expect(cost.entriesSent).toBe(0);
    expect(cost.hashesSent).toBe(10 * 64);
  });
});

describe('read repair', () => {
  it('sends the merged state to each stale replica, and only to them', async () => {
    const sim = new Simulation({ seed: 3 });
    const stores: Record<string, ReplicaStore> = {
      a: { x: gCounter.increment(gCounter.empty(), 'a', 2) },
      b: { x: gCounter.increment(gCounter.empty(), 'b', 5) },
      c: { x: gCounter.merge(gCounter.increment(gCounter.empty(), 'a', 2), gCounter.increment(gCounter.empty(), 'b', 5)) },
      d: {},
    };
    let repairCost: { messagesSent: number; entriesSent: number } | undefined;
    for (const id of ['a', 'b', 'c', 'd']) {
      sim.addNode<AntiEntropyMessage | { type: 'get'; key: string }>(id, (ctx) => {
        const access = { read: () => stores[id]!, write: (next: ReplicaStore) => { stores[id] = next; } };
        const repairs = createReadRepair(ctx, access);
        return {
          async onStart() {
            if (id !== 'd') return;
            const replies = await Promise.all(['a', 'b', 'c'].map(async (peer) => ({ from: peer, state: await ctx.call<ReplicaStore[string] | null>(peer, { type: 'get', key: 'x' }, { timeoutMs: 50 }) })));
            const merged = repairs.repair('x', [...replies, { from: 'd', state: null }]);
            expect(gCounter.value(merged as never)).toBe(7);
            repairCost = repairs.cost;
          },
          onCall(_from, request) {
            return (request.type === 'get' && stores[id]![request.key]) || null;
          },
          onMessage(from, message) {
            repairs.handleMessage(from, message);
          },
        };
      });
    }
    await sim.runAsync({ until: 500 });
    expect(repairCost).toEqual(expect.objectContaining({ messagesSent: 2, entriesSent: 2 })); // a and b; c agreed; d repaired itself
    for (const id of ['a', 'b', 'c', 'd']) expect(gCounter.value(stores[id]!['x'] as never)).toBe(7);
  });
});
