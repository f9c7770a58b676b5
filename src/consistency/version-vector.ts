import { InvalidArgumentError } from '../errors.js';
import { ownValue, sortedRecord, unionKeys, withEntry } from './keyed-record.js';
import { requireNodeId, requireNodeRecord, requireVersion } from './state-checks.js';

/**
 * A version vector (vector clock): for each node id, how many of that node's events are known.
 * A missing node counts 0. Plain data: a record of integers, keys kept sorted.
 *
 * @example
 * ```ts
 * const seen: VersionVector = { a: 2, b: 1 };
 * ```
 */
export type VersionVector = Readonly<Record<string, number>>;

/**
 * How two version vectors relate: `before` (every entry <=, one <), `after`, `equal`, or
 * `concurrent` (neither saw all of the other).
 *
 * @example
 * ```ts
 * const order: CausalOrder = versionVector.compare({ a: 1 }, { b: 1 }); // 'concurrent'
 * ```
 */
export type CausalOrder = 'before' | 'after' | 'equal' | 'concurrent';

/**
 * Version vectors as pure functions: `increment` for a local event, `merge` (entry-wise max) on
 * receipt, `compare` for the causal order. Every function checks its inputs (entries must be
 * integers >= 0 keyed by non-empty node ids) and returns a new vector with sorted keys.
 *
 * @example
 * ```ts
 * const a = versionVector.increment({}, 'a');        // { a: 1 }
 * const b = versionVector.increment(a, 'b');         // { a: 1, b: 1 }
 * versionVector.compare(a, b);                       // 'before'
 * versionVector.merge({ a: 3 }, { a: 1, b: 2 });     // { a: 3, b: 2 }
 * ```
 */
export const versionVector = {
  /** The vector with `node`'s entry one higher. */
  increment(vector: VersionVector, node: string): VersionVector {
    requireVersionVector(vector, 'vector');
    requireNodeId(node, 'node');
    const current = ownValue(vector, node) ?? 0;
    if (current >= Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`vector[${JSON.stringify(node)}]`, current, 'below 9007199254740991');
    return withEntry(vector, node, current + 1);
  },

  /** The entry-wise maximum: the least vector that has seen both. */
  merge(a: VersionVector, b: VersionVector): VersionVector {
    requireVersionVector(a, 'a');
    requireVersionVector(b, 'b');
    return mergeVectors(a, b);
  },

  /** How `a` relates to `b` in the causal order. */
  compare(a: VersionVector, b: VersionVector): CausalOrder {
    requireVersionVector(a, 'a');
    requireVersionVector(b, 'b');
    return compareVectors(a, b);
  },

  /** True when `a` is `before` or `equal` to `b`: `b` has seen everything `a` has. */
  dominatedBy(a: VersionVector, b: VersionVector): boolean {
    const order = versionVector.compare(a, b);
    return order === 'before' || order === 'equal';
  },

  /** Throws InvalidArgumentError naming the first malformed entry of `vector`. */
  validate(vector: unknown, field = 'vector'): asserts vector is VersionVector {
    requireVersionVector(vector, field);
  },
};

/** Internal: checks a version vector's shape and entries. */
export function requireVersionVector(value: unknown, field: string): asserts value is VersionVector {
  requireNodeRecord(value, field, requireVersion);
}

/** Internal: merge without the checks, for callers that checked already. */
export function mergeVectors(a: VersionVector, b: VersionVector): VersionVector {
  return sortedRecord(unionKeys(a, b).map((node) => [node, Math.max(ownValue(a, node) ?? 0, ownValue(b, node) ?? 0)] as const));
}

/** Internal: compare without the checks. */
export function compareVectors(a: VersionVector, b: VersionVector): CausalOrder {
  let aAhead = false;
  let bAhead = false;
  for (const node of unionKeys(a, b)) {
    const left = ownValue(a, node) ?? 0;
    const right = ownValue(b, node) ?? 0;
    if (left > right) aAhead = true;
    else if (right > left) bAhead = true;
  }
  if (aAhead && bAhead) return 'concurrent';
  if (aAhead) return 'after';
  return bAhead ? 'before' : 'equal';
}

/** Internal: `vector` with `node` raised, unchecked. */
export function bumpVector(vector: VersionVector, node: string): VersionVector {
  return withEntry(vector, node, (ownValue(vector, node) ?? 0) + 1);
}
