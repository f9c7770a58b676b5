import { InvalidArgumentError } from '../errors.js';
import { requirePlainData } from '../plain-data.js';
import { canonicalJson } from './canonical-json.js';
import { compareStrings } from './keyed-record.js';
import { compareHlc, requireHlc, type HlcTimestamp } from './hybrid-logical-clock.js';
import { requireTaggedState } from './state-checks.js';

/**
 * A last-writer-wins register's state: the value written with the greatest timestamp, or
 * `null` for both before any write. The value must be plain data (what JSON carries).
 *
 * @example
 * ```ts
 * const register: LwwRegisterState<string> = { type: 'lww-register', value: 'blue', timestamp: { wallMs: 5, logical: 0, node: 'a' } };
 * ```
 */
export interface LwwRegisterState<T> {
  /** The CRDT type, checked by every merge. */
  readonly type: 'lww-register';
  /** The winning write's value; `null` before any write. */
  readonly value: T | null;
  /** The winning write's timestamp; `null` before any write. */
  readonly timestamp: HlcTimestamp | null;
}

/**
 * LWW-Register, a state-based CRDT: every write carries a hybrid-logical-clock timestamp and
 * the greatest one wins (ties between equal wall times and counters go to the greater node id).
 * Replicas converge, but a write whose timestamp is behind a concurrent one is silently lost:
 * that is the data type, and on badly skewed clocks it loses acknowledged writes.
 *
 * @example
 * ```ts
 * const early = lwwRegister.set(lwwRegister.empty(), 'blue', { wallMs: 5, logical: 0, node: 'a' });
 * const late = lwwRegister.set(lwwRegister.empty(), 'green', { wallMs: 9, logical: 0, node: 'b' });
 * lwwRegister.merge(early, late).value; // 'green'
 * ```
 */
export const lwwRegister = {
  /** A register never written. */
  empty<T>(): LwwRegisterState<T> {
    return { type: 'lww-register', value: null, timestamp: null };
  },

  /** The register after writing `value` at `timestamp`; unchanged if its write is later. */
  set<T>(state: LwwRegisterState<T>, value: T, timestamp: HlcTimestamp): LwwRegisterState<T> {
    requireLwwRegister(state, 'state');
    requirePlainData(value, 'value');
    requireHlc(timestamp, 'timestamp');
    return later(state, { type: 'lww-register', value, timestamp });
  },

  /** The state holding whichever write is later. */
  merge<T>(a: LwwRegisterState<T>, b: LwwRegisterState<T>): LwwRegisterState<T> {
    requireLwwRegister(a, 'a');
    requireLwwRegister(b, 'b');
    return later(a, b);
  },

  /** The current value, `null` if never written. */
  value<T>(state: LwwRegisterState<T>): T | null {
    requireLwwRegister(state, 'state');
    return state.value;
  },

  /** Throws InvalidArgumentError naming the first malformed field of `state`. */
  validate(state: unknown, field = 'state'): asserts state is LwwRegisterState<unknown> {
    requireLwwRegister(state, field);
  },
};

/** Internal: checks an LWW-Register's shape. */
export function requireLwwRegister(value: unknown, field: string): asserts value is LwwRegisterState<unknown> {
  requireTaggedState(value, field, 'lww-register', ['type', 'value', 'timestamp']);
  if (value['timestamp'] === null) {
    if (value['value'] !== null) throw new InvalidArgumentError(`${field}.value`, value['value'], 'null while the timestamp is null (a register never written)');
    return;
  }
  requireHlc(value['timestamp'], `${field}.timestamp`);
  requirePlainData(value['value'], `${field}.value`);
}

function later<T>(a: LwwRegisterState<T>, b: LwwRegisterState<T>): LwwRegisterState<T> {
  if (b.timestamp === null) return a;
  if (a.timestamp === null) return b;
  const order = compareHlc(a.timestamp, b.timestamp);
  if (order !== 0) return order > 0 ? a : b;
  // Equal timestamps with different values (a clock reused after a crash, say): the same pick
  // on every replica keeps merge commutative.
  return compareStrings(canonicalJson(a.value), canonicalJson(b.value)) >= 0 ? a : b;
}
