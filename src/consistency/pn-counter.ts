import { InvalidArgumentError } from '../errors.js';
import { ownValue, withEntry } from './keyed-record.js';
import { maxCounts, sumCounts } from './g-counter.js';
import { finiteSum, requireCount, requireNodeId, requireNodeRecord, requireTaggedState } from './state-checks.js';

/**
 * A PN-Counter's state: two grow-only tallies per node, of increments and of decrements.
 *
 * @example
 * ```ts
 * const counter: PnCounterState = { type: 'pn-counter', increments: { a: 5 }, decrements: { b: 2 } }; // value 3
 * ```
 */
export interface PnCounterState {
  /** The CRDT type, checked by every merge. */
  readonly type: 'pn-counter';
  /** Each node's total of its own increments (finite, >= 0). */
  readonly increments: Readonly<Record<string, number>>;
  /** Each node's total of its own decrements, as a positive amount (finite, >= 0). */
  readonly decrements: Readonly<Record<string, number>>;
}

/**
 * PN-Counter, a state-based CRDT counter that can go down: two G-Counters, merged entry-wise
 * by maximum; the value is increments minus decrements.
 *
 * @example
 * ```ts
 * let counter = pnCounter.add(pnCounter.empty(), 'a', 5);
 * counter = pnCounter.add(counter, 'b', -2);
 * pnCounter.value(counter); // 3
 * ```
 */
export const pnCounter = {
  /** A counter at 0. */
  empty(): PnCounterState {
    return { type: 'pn-counter', increments: {}, decrements: {} };
  },

  /** The counter after `node` adds `delta` (any finite number; negative decrements). */
  add(state: PnCounterState, node: string, delta: number): PnCounterState {
    requirePnCounter(state, 'state');
    requireNodeId(node, 'node');
    if (typeof delta !== 'number' || !Number.isFinite(delta)) throw new InvalidArgumentError('delta', delta, 'a finite number');
    if (delta >= 0) {
      const total = finiteSum(ownValue(state.increments, node) ?? 0, delta, 'delta');
      return { type: 'pn-counter', increments: withEntry(state.increments, node, total), decrements: state.decrements };
    }
    const total = finiteSum(ownValue(state.decrements, node) ?? 0, -delta, 'delta');
    return { type: 'pn-counter', increments: state.increments, decrements: withEntry(state.decrements, node, total) };
  },

  /** The least counter that has seen both. */
  merge(a: PnCounterState, b: PnCounterState): PnCounterState {
    requirePnCounter(a, 'a');
    requirePnCounter(b, 'b');
    return { type: 'pn-counter', increments: maxCounts(a.increments, b.increments), decrements: maxCounts(a.decrements, b.decrements) };
  },

  /** Increments minus decrements. */
  value(state: PnCounterState): number {
    requirePnCounter(state, 'state');
    return sumCounts(state.increments, 'state.increments') - sumCounts(state.decrements, 'state.decrements');
  },

  /** Throws InvalidArgumentError naming the first malformed field of `state`. */
  validate(state: unknown, field = 'state'): asserts state is PnCounterState {
    requirePnCounter(state, field);
  },
};

/** Internal: checks a PN-Counter's shape. */
export function requirePnCounter(value: unknown, field: string): asserts value is PnCounterState {
  requireTaggedState(value, field, 'pn-counter', ['type', 'increments', 'decrements']);
  requireNodeRecord(value['increments'], `${field}.increments`, requireCount);
  requireNodeRecord(value['decrements'], `${field}.decrements`, requireCount);
}
