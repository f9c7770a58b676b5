import { FaultlineError } from '../errors.js';
import { orDefault } from '../validate.js';
import { choosePeers, hasType, resolveExchangeOptions, zeroCost, type AntiEntropyExchange, type AntiEntropyHost, type AntiEntropyMessage, type ExchangeOptions } from './anti-entropy.js';
import { canonicalJson } from './canonical-json.js';
import { bucketOf, differingBuckets, mergeStores, requireBucketCount, storeDigest, storeSlice } from './replica-store.js';
import { ownValue, sortedRecord } from './keyed-record.js';
import { wellFormedStore } from './state-exchange.js';

/**
 * Options of {@link createDigestExchange}: those of every exchange, and the digest's size.
 *
 * @example
 * ```ts
 * const options: DigestExchangeOptions = { read: () => store, write: (next) => { store = next; }, intervalMs: 200, bucketCount: 32 };
 * ```
 */
export interface DigestExchangeOptions extends ExchangeOptions {
  /** Buckets keys are hashed into (an integer in [1, 65536]; default 64). Every node must use the same. */
  bucketCount?: number;
}

/**
 * Periodic digest anti-entropy (hash-range digests, as in Dynamo and Cassandra's repair): every
 * `intervalMs` the node sends each of `fanout` random peers the hashes of its store's buckets;
 * only buckets whose hashes differ are exchanged, both ways, in one round trip.
 *
 * Messages per round, per peer contacted: 1 `anti-entropy/digest` (carrying `bucketCount`
 * hashes, no entries) when the stores agree; otherwise also 1 `anti-entropy/entries` back with
 * the peer's entries in the differing buckets, and 1 `anti-entropy/entries` with the entries
 * the peer lacked or held stale (left out when there are none). Entries per round: the keys in
 * differing buckets, at most twice, instead of the whole store. Malformed messages are dropped
 * and counted; a key holding different CRDT types on two nodes throws.
 *
 * @example
 * ```ts
 * sim.addNode('a', (ctx) => {
 *   let store: ReplicaStore = {};
 *   const exchange = createDigestExchange(ctx, { read: () => store, write: (next) => { store = next; }, intervalMs: 100, bucketCount: 16 });
 *   return {
 *     onStart() { exchange.start(); },
 *     onTimer(name) { exchange.handleTimer(name); },
 *     onMessage(from, message) { exchange.handleMessage(from, message); },
 *   };
 * });
 * ```
 */
export function createDigestExchange(host: AntiEntropyHost, options: DigestExchangeOptions): AntiEntropyExchange {
  const resolved = resolveExchangeOptions(options, 'options', ['bucketCount']);
  const bucketCount = orDefault(options.bucketCount, 64);
  requireBucketCount(bucketCount, 'options.bucketCount');
  const cost = zeroCost();

  function send(to: string, message: AntiEntropyMessage): void {
    host.send(to, message);
    cost.messagesSent++;
    if (message.type === 'anti-entropy/digest') cost.hashesSent += message.hashes.length;
    if (message.type === 'anti-entropy/entries') cost.entriesSent += Object.keys(message.store).length;
  }

  function round(): void {
    cost.rounds++;
    const { hashes } = storeDigest(resolved.read(), bucketCount);
    for (const peer of choosePeers(host, resolved.fanout)) send(peer, { type: 'anti-entropy/digest', bucketCount, hashes });
  }

  function onDigest(from: string, message: Record<string, unknown>): void {
    const theirs = { bucketCount: message['bucketCount'] as number, hashes: message['hashes'] as number[] };
    const mine = storeDigest(resolved.read(), bucketCount);
    const buckets = wellFormed(() => differingBuckets(mine, theirs));
    if (buckets === undefined) cost.malformedDropped++;
    else if (buckets.length > 0) send(from, { type: 'anti-entropy/entries', buckets, store: storeSlice(resolved.read(), buckets, bucketCount), reply: true });
  }

  function onEntries(from: string, message: Record<string, unknown>): void {
    const buckets = wellFormed(() => requireBuckets(message['buckets'], bucketCount));
    const incoming = wellFormedStore(message['store']);
    if (buckets === undefined || incoming === undefined || !Object.keys(incoming).every((key) => buckets.includes(bucketOf(key, bucketCount)))) {
      cost.malformedDropped++;
      return;
    }
    const merged = mergeStores(resolved.read(), incoming);
    resolved.write(merged);
    if (message['reply'] !== true) return;
    const lacking = Object.entries(storeSlice(merged, buckets, bucketCount)).filter(([key, state]) => !sameState(ownValue(incoming, key), state));
    if (lacking.length > 0) send(from, { type: 'anti-entropy/entries', buckets, store: sortedRecord(lacking), reply: false });
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
    handleMessage(from, message) {
      if (!hasType(message, ['anti-entropy/digest', 'anti-entropy/entries'])) return false;
      if (message.type === 'anti-entropy/digest') onDigest(from, message);
      else onEntries(from, message);
      return true;
    },
    round,
    cost,
  };
}

function requireBuckets(value: unknown, bucketCount: number): number[] {
  if (!Array.isArray(value) || value.length > bucketCount) throw new FaultlineError('MALFORMED', 'buckets');
  for (const bucket of value) if (!Number.isInteger(bucket) || bucket < 0 || bucket >= bucketCount) throw new FaultlineError('MALFORMED', 'bucket');
  return value as number[];
}

function wellFormed<T>(compute: () => T): T | undefined {
  try {
    return compute();
  } catch (error) {
    if (error instanceof FaultlineError) return undefined;
    throw error;
  }
}

function sameState(left: unknown, right: unknown): boolean {
  return left !== undefined && canonicalJson(left) === canonicalJson(right);
}
