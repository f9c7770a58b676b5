/**
 * Reconcile (issue 16): the cost of one merge of each CRDT at a few sizes, and of one
 * anti-entropy round (full state against digest) between two replicas of a keyed store.
 *
 *   npm run bench:consistency                 a table (a few seconds per case)
 *   npm run bench:consistency -- --time 200   measured wall-clock budget per case, in ms
 *
 * Merge sizes are the number of entries a state holds (nodes of a counter, elements of a set,
 * concurrent writes of an MV-Register). A round is everything both replicas compute, messages
 * handed over synchronously (no simulation): for state exchange, merging the whole store; for
 * digest exchange, both digests, the differing buckets' slices and their merges. Each round starts
 * from the same two stores, `differing` of whose keys differ. Figures are operations per second
 * (one op = one merge, or one round).
 */
import { parseArgs } from 'node:util';
import {
  Rng,
  createDigestExchange,
  createStateExchange,
  gCounter,
  lwwRegister,
  mvRegister,
  orSet,
  pnCounter,
  type AntiEntropyExchange,
  type AntiEntropyHost,
  type CrdtState,
  type ReplicaStore,
} from '../src/index.js';
import { defaultMeasureOptions, measureTogether, type BenchCase, type Workload } from './measure.js';
import { resultsTable } from './report.js';

/** Entries merged per measured batch, about: small states merge many times a batch. */
const BATCH_ENTRIES = 20_000;
const SIZES = [10, 100, 1_000];
/** An MV-Register's merge compares every pair of concurrent writes (quadratic): 1,000 siblings is no real register. */
const MV_SIZES = [2, 10, 100];

/** Two states of one CRDT, each holding `size` entries, half of them shared. */
const pairs: Record<string, (size: number) => [CrdtState, CrdtState]> = {
  'G-Counter': (size) => {
    let a = gCounter.empty();
    let b = gCounter.empty();
    for (let node = 0; node < size; node++) {
      a = gCounter.increment(a, `n${node}`, node);
      b = gCounter.increment(b, `n${node + size / 2}`, node + 1);
    }
    return [a, b];
  },
  'PN-Counter': (size) => {
    let a = pnCounter.empty();
    let b = pnCounter.empty();
    for (let node = 0; node < size; node++) {
      a = pnCounter.add(a, `n${node}`, node % 2 === 0 ? node : -node);
      b = pnCounter.add(b, `n${node + size / 2}`, node + 1);
    }
    return [a, b];
  },
  'LWW-Register': (size) => [
    lwwRegister.set(lwwRegister.empty(), { items: Array.from({ length: size }, (_, index) => index) }, { wallMs: 5, logical: 0, node: 'a' }),
    lwwRegister.set(lwwRegister.empty(), { items: Array.from({ length: size }, (_, index) => -index) }, { wallMs: 9, logical: 0, node: 'b' }),
  ],
  'MV-Register': (size) => {
    let a = mvRegister.empty<number>();
    let b = mvRegister.empty<number>();
    for (let node = 0; node < size; node++) {
      const write = mvRegister.set(mvRegister.empty<number>(), `n${node}`, node);
      if (node < (size * 3) / 4) a = mvRegister.merge(a, write);
      if (node >= size / 4) b = mvRegister.merge(b, write);
    }
    return [a, b];
  },
  'OR-Set': (size) => {
    let a = orSet.empty();
    let b = orSet.empty();
    for (let element = 0; element < size; element++) {
      a = orSet.add(a, 'a', `e${element}`);
      b = orSet.add(b, 'b', `e${element + size / 2}`);
      if (element % 4 === 0) b = orSet.remove(b, `e${element + size / 2}`);
    }
    return [a, b];
  },
};

function mergeWorkload(a: CrdtState, b: CrdtState, merge: (x: never, y: never) => unknown, size: number): Workload {
  const batch = Math.max(1, Math.round(BATCH_ENTRIES / size));
  return {
    iterate() {
      for (let op = 0; op < batch; op++) merge(a as never, b as never);
      return batch;
    },
  };
}

const merges: Record<string, (x: never, y: never) => unknown> = {
  'G-Counter': gCounter.merge,
  'PN-Counter': pnCounter.merge,
  'LWW-Register': lwwRegister.merge,
  'MV-Register': mvRegister.merge,
  'OR-Set': orSet.merge,
};

/** Two stores of `keys` G-Counters, `differing` of them ahead on the second. */
function stores(keys: number, differing: number): [ReplicaStore, ReplicaStore] {
  const a: Record<string, CrdtState> = {};
  const b: Record<string, CrdtState> = {};
  for (let key = 0; key < keys; key++) {
    const state = gCounter.increment(gCounter.empty(), 'seed', key + 1);
    a[`k${key}`] = state;
    b[`k${key}`] = key < differing ? gCounter.increment(state, 'b') : state;
  }
  return [a, b];
}

type PieceFactory = (host: AntiEntropyHost, read: () => ReplicaStore, write: (store: ReplicaStore) => void) => AntiEntropyExchange;

/** Two replicas whose messages are handed over at once; each iteration is one round from 'a'. */
function roundWorkload(create: PieceFactory, keys: number, differing: number): Workload {
  const [initialA, initialB] = stores(keys, differing);
  const current: Record<string, ReplicaStore> = { a: initialA, b: initialB };
  const pieces: Record<string, AntiEntropyExchange> = {};
  for (const [id, peer] of [['a', 'b'], ['b', 'a']] as const) {
    const host: AntiEntropyHost = {
      id,
      peers: [peer],
      rng: new Rng(1, id),
      send: (to, message) => pieces[to]!.handleMessage(id, message),
      setTimer: () => {},
    };
    pieces[id] = create(host, () => current[id]!, (next) => { current[id] = next; });
  }
  return {
    iterate() {
      current['a'] = initialA;
      current['b'] = initialB;
      pieces['a']!.round();
      return 1;
    },
  };
}

const exchanges: Record<string, PieceFactory> = {
  'state exchange': (host, read, write) => createStateExchange(host, { read, write, intervalMs: 100 }),
  'digest exchange (64 buckets)': (host, read, write) => createDigestExchange(host, { read, write, intervalMs: 100, bucketCount: 64 }),
};

export function consistencyCases(): BenchCase[] {
  const mergeCases = Object.keys(pairs).flatMap((name) =>
    (name === 'MV-Register' ? MV_SIZES : SIZES).map((size) => ({
      group: 'crdt merge',
      name,
      parameters: { entries: size },
      metric: 'opsPerSec' as const,
      create: () => {
        const [a, b] = pairs[name]!(size);
        return mergeWorkload(a, b, merges[name]!, size);
      },
    })),
  );
  const roundCases = Object.entries(exchanges).flatMap(([name, create]) =>
    [
      { keys: 1_000, differing: 0 },
      { keys: 1_000, differing: 10 },
      { keys: 1_000, differing: 1_000 },
    ].map(({ keys, differing }) => ({
      group: 'anti-entropy round',
      name,
      parameters: { keys, differing },
      metric: 'opsPerSec' as const,
      create: () => roundWorkload(create, keys, differing),
    })),
  );
  return [...mergeCases, ...roundCases];
}

function main(): void {
  const { values } = parseArgs({ options: { time: { type: 'string', default: String(defaultMeasureOptions.timeMs) } } });
  const timeMs = Number(values.time);
  if (!(timeMs > 0)) throw new Error(`--time must be a number of ms > 0; got ${values.time}`);
  const options = { ...defaultMeasureOptions, timeMs, warmupMs: Math.min(defaultMeasureOptions.warmupMs, timeMs / 3) };
  const results = consistencyCases().flatMap((benchCase) => measureTogether([benchCase], options));
  console.log(resultsTable(results));
}

main();
