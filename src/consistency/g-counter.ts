import { InvalidArgumentError } from '../errors.js';
import { ownValue, sortedRecord, unionKeys, withEntry } from './keyed-record.js';
import { finiteSum, requireCount, requireNodeId, requireNodeRecord, requireTaggedState } from './state-checks.js';

/**
 * A grow-only counter's state: each node's own running total. Plain data.
 *
 * @example
 * ```ts
 * const counter: GCounterState = { type: 'g-counter', counts: { a: 2, b: 5 } }; // value 7
 * ```
 */
export interface GCounterState {
  /** The CRDT type, checked by every merge. */
  readonly type: 'g-counter';
  /** Each node's total of its own increments (finite, >= 0). */
  readonly counts: Readonly<Record<string, number>>;
}

/**
 * G-Counter, a state-based CRDT: a node only raises its own entry, `merge` takes each entry's
 * maximum, and the value is the sum. Merge is commutative, associative and idempotent, so
 * replicas that have exchanged states agree on the sum of every increment.
 *
 * @example
 * ```ts
 * const a = gCounter.increment(gCounter.empty(), 'a', 2);
 * const b = gCounter.increment(gCounter.empty(), 'b', 3);
 * gCounter.value(gCounter.merge(a, b)); // 5
 * ```
 */
export const gCounter = {
  /** A counter at 0. */
  empty(): GCounterState {
    return { type: 'g-counter', counts: {} };
  },

  /** The counter after `node` adds `amount` (finite, >= 0; default 1). */
  increment(state: GCounterState, node: string, amount = 1): GCounterState {
    requireGCounter(state, 'state');
    requireNodeId(node, 'node');
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      throw new InvalidArgumentError('amount', amount, 'a finite number >= 0 (a G-Counter only grows; use a PN-Counter to decrement)');
    }
    const total = finiteSum(ownValue(state.counts, node) ?? 0, amount, 'amount');
    return { type: 'g-counter', counts: withEntry(state.counts, node, total) };
  },

  /** The least counter that has seen both: each node's larger total. */
  merge(a: GCounterState, b: GCounterState): GCounterState {
    requireGCounter(a, 'a');
    requireGCounter(b, 'b');
    return { type: 'g-counter', counts: maxCounts(a.counts, b.counts) };
  },

  /** The sum of every node's total. */
  value(state: GCounterState): number {
    requireGCounter(state, 'state');
    return sumCounts(state.counts, 'state.counts');
  },

  /** Throws InvalidArgumentError naming the first malformed field of `state`. */
  validate(state: unknown, field = 'state'): asserts state is GCounterState {
    requireGCounter(state, field);
  },
};

/** Internal: checks a G-Counter's shape. */
export function requireGCounter(value: unknown, field: string): asserts value is GCounterState {
  requireTaggedState(value, field, 'g-counter', ['type', 'counts']);
  requireNodeRecord(value['counts'], `${field}.counts`, requireCount);
}

/** Internal: the entry-wise maximum of two checked count records. */
export function maxCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  return sortedRecord(unionKeys(a, b).map((node) => [node, Math.max(ownValue(a, node) ?? 0, ownValue(b, node) ?? 0)] as const));
}

/** Internal: the sum of a checked count record, in key order so every replica adds alike. */
export function sumCounts(counts: Readonly<Record<string, number>>, field: string): number {
  let sum = 0;
  for (const node of Object.keys(counts).sort()) sum += counts[node]!;
  if (!Number.isFinite(sum)) throw new InvalidArgumentError(field, counts, 'totals whose sum is a finite number');
  return sum;
}
