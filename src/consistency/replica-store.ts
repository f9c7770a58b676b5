import { InvalidArgumentError } from '../errors.js';
import { canonicalJson, hash53 } from './canonical-json.js';
import { crdtTypes, mergeCrdt, type CrdtState } from './crdt.js';
import { gCounter } from './g-counter.js';
import { compareStrings, ownValue, sortedRecord, unionKeys } from './keyed-record.js';
import { lwwRegister } from './lww-register.js';
import { mvRegister } from './mv-register.js';
import { orSet } from './or-set.js';
import { pnCounter } from './pn-counter.js';
import { requireRecord } from './state-checks.js';

/**
 * A replica's keyed store: one CRDT state per key, what anti-entropy exchanges. Plain data.
 *
 * @example
 * ```ts
 * const store: ReplicaStore = { visits: gCounter.increment(gCounter.empty(), 'a'), tags: orSet.empty() };
 * ```
 */
export type ReplicaStore = Readonly<Record<string, CrdtState>>;

/**
 * A store's digest: one hash per bucket of keys (a key's bucket is a hash of the key), so two
 * replicas find which buckets differ by exchanging `bucketCount` numbers, not the store.
 *
 * @example
 * ```ts
 * const digest: StoreDigest = storeDigest(store, 64);
 * digest.hashes.length; // 64
 * ```
 */
export interface StoreDigest {
  /** How many buckets keys are spread over. */
  readonly bucketCount: number;
  /** Each bucket's hash of its keys and states (0 for an empty bucket). */
  readonly hashes: readonly number[];
}

const validators: Record<CrdtState['type'], (state: unknown, field: string) => void> = {
  'g-counter': gCounter.validate,
  'pn-counter': pnCounter.validate,
  'lww-register': lwwRegister.validate,
  'mv-register': mvRegister.validate,
  'or-set': orSet.validate,
};

/** The most buckets a digest may have: a digest is sent whole in every round. */
export const MAX_BUCKET_COUNT = 65_536;

/**
 * Merges two replicas' stores key by key: a key in one store only is taken as it is; a key in
 * both is merged with {@link mergeCrdt}. The same key holding different CRDT types is refused.
 *
 * @example
 * ```ts
 * const merged = mergeStores({ x: gCounter.increment(gCounter.empty(), 'a') }, { y: orSet.empty() });
 * Object.keys(merged); // ['x', 'y']
 * ```
 */
export function mergeStores(a: ReplicaStore, b: ReplicaStore): ReplicaStore {
  requireStore(a, 'a');
  requireStore(b, 'b');
  return sortedRecord(
    unionKeys(a, b).map((key) => {
      const left = ownValue(a, key);
      const right = ownValue(b, key);
      if (left === undefined) return [key, right!] as const;
      if (right === undefined) return [key, left] as const;
      if (left.type !== right.type) throw new InvalidArgumentError(`b[${JSON.stringify(key)}].type`, right.type, `'${left.type}' (the type of a[${JSON.stringify(key)}])`);
      return [key, mergeCrdt(left, right)] as const;
    }),
  );
}

/**
 * The digest of `store` over `bucketCount` buckets (an integer in [1, 65536]).
 *
 * @example
 * ```ts
 * const mine = storeDigest(store, 16);
 * const differing = differingBuckets(mine, theirs); // e.g. [3, 11]
 * ```
 */
export function storeDigest(store: ReplicaStore, bucketCount: number): StoreDigest {
  requireStore(store, 'store');
  requireBucketCount(bucketCount, 'bucketCount');
  const texts: string[] = new Array<string>(bucketCount).fill('');
  for (const key of Object.keys(store).sort(compareStrings)) {
    const bucket = bucketOf(key, bucketCount);
    texts[bucket] += `${JSON.stringify(key)}:${canonicalJson(store[key])};`;
  }
  return { bucketCount, hashes: texts.map((text) => (text === '' ? 0 : hash53(text))) };
}

/**
 * The buckets whose hashes differ between two digests of the same bucket count, ascending.
 *
 * @example
 * ```ts
 * differingBuckets({ bucketCount: 2, hashes: [1, 2] }, { bucketCount: 2, hashes: [1, 3] }); // [1]
 * ```
 */
export function differingBuckets(a: StoreDigest, b: StoreDigest): number[] {
  requireDigest(a, 'a');
  requireDigest(b, 'b');
  if (a.bucketCount !== b.bucketCount) throw new InvalidArgumentError('b.bucketCount', b.bucketCount, `${a.bucketCount} (the bucket count of a)`);
  const differing: number[] = [];
  for (let bucket = 0; bucket < a.bucketCount; bucket++) if (a.hashes[bucket] !== b.hashes[bucket]) differing.push(bucket);
  return differing;
}

/**
 * The entries of `store` whose keys fall in `buckets` (of `bucketCount`).
 *
 * @example
 * ```ts
 * const toSend = storeSlice(store, [3, 11], 16);
 * ```
 */
export function storeSlice(store: ReplicaStore, buckets: readonly number[], bucketCount: number): ReplicaStore {
  requireStore(store, 'store');
  requireBucketCount(bucketCount, 'bucketCount');
  const wanted = new Set(buckets);
  buckets.forEach((bucket, index) => {
    if (!Number.isInteger(bucket) || bucket < 0 || bucket >= bucketCount) throw new InvalidArgumentError(`buckets[${index}]`, bucket, `an integer in [0, ${bucketCount - 1}]`);
  });
  return sortedRecord(Object.entries(store).filter(([key]) => wanted.has(bucketOf(key, bucketCount))));
}

/** Internal: the bucket a key falls in. */
export function bucketOf(key: string, bucketCount: number): number {
  return hash53(key) % bucketCount;
}

/** Internal: checks a store and every state in it. */
export function requireStore(value: unknown, field: string): asserts value is ReplicaStore {
  requireRecord(value, field);
  for (const key of Object.keys(value)) requireCrdt(value[key], `${field}[${JSON.stringify(key)}]`);
}

/** Internal: checks a state of any CRDT type. */
export function requireCrdt(value: unknown, field: string): asserts value is CrdtState {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(validators, type)) {
    throw new InvalidArgumentError(`${field}.type`, type, `one of ${crdtTypes.map((known) => `'${known}'`).join(', ')}`);
  }
  validators[type as CrdtState['type']](value, field);
}

/** Internal: checks a bucket count. */
export function requireBucketCount(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_BUCKET_COUNT) {
    throw new InvalidArgumentError(field, value, `an integer in [1, ${MAX_BUCKET_COUNT}]`);
  }
}

function requireDigest(value: unknown, field: string): asserts value is StoreDigest {
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(field, value, 'a digest { bucketCount, hashes }');
  const { bucketCount, hashes } = value as Record<string, unknown>;
  requireBucketCount(bucketCount, `${field}.bucketCount`);
  if (!Array.isArray(hashes) || hashes.length !== bucketCount) throw new InvalidArgumentError(`${field}.hashes`, hashes, `an array of ${bucketCount} numbers`);
  hashes.forEach((hash: unknown, index) => {
    if (typeof hash !== 'number' || !Number.isSafeInteger(hash) || hash < 0) throw new InvalidArgumentError(`${field}.hashes[${index}]`, hash, 'an integer in [0, 2^53)');
  });
}
