import { InvalidArgumentError } from '../errors.js';
import { requirePlainData } from '../plain-data.js';
import { canonicalJson } from './canonical-json.js';
import { compareStrings } from './keyed-record.js';
import { requireNodeId, requireTaggedState } from './state-checks.js';
import { compareVectors, mergeVectors, requireVersionVector, type VersionVector } from './version-vector.js';

/**
 * One write kept by a multi-value register: its value and the version vector it was written at.
 *
 * @example
 * ```ts
 * const write: MvRegisterEntry<string> = { value: 'blue', version: { a: 1 } };
 * ```
 */
export interface MvRegisterEntry<T> {
  /** The written value (plain data). */
  readonly value: T;
  /** What the writer had seen, its own write included. */
  readonly version: VersionVector;
}

/**
 * A multi-value register's state: the writes no other write has seen, sorted by version.
 *
 * @example
 * ```ts
 * const register: MvRegisterState<string> = { type: 'mv-register', entries: [{ value: 'blue', version: { a: 1 } }] };
 * ```
 */
export interface MvRegisterState<T> {
  /** The CRDT type, checked by every merge. */
  readonly type: 'mv-register';
  /** Concurrent writes (none `before` another), in a canonical order. */
  readonly entries: ReadonlyArray<MvRegisterEntry<T>>;
}

/**
 * MV-Register, a state-based CRDT (Dynamo's and Riak's siblings): a write supersedes every
 * write its node had seen; concurrent writes are all kept, so nothing is lost silently and the
 * reader resolves the conflict (by writing again).
 *
 * @example
 * ```ts
 * const a = mvRegister.set(mvRegister.empty(), 'a', 'blue');
 * const b = mvRegister.set(mvRegister.empty(), 'b', 'green');
 * const both = mvRegister.merge(a, b);
 * mvRegister.values(both);                           // ['blue', 'green']
 * mvRegister.values(mvRegister.set(both, 'a', 'teal')); // ['teal']
 * ```
 */
export const mvRegister = {
  /** A register never written. */
  empty<T>(): MvRegisterState<T> {
    return { type: 'mv-register', entries: [] };
  },

  /** The register after `node` writes `value`, superseding every write in `state`. */
  set<T>(state: MvRegisterState<T>, node: string, value: T): MvRegisterState<T> {
    requireMvRegister(state, 'state');
    requireNodeId(node, 'node');
    requirePlainData(value, 'value');
    const seen = state.entries.reduce<VersionVector>((vector, entry) => mergeVectors(vector, entry.version), {});
    const own = Object.prototype.hasOwnProperty.call(seen, node) ? seen[node]! : 0;
    if (own >= Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`state.entries[].version[${JSON.stringify(node)}]`, own, 'below 9007199254740991');
    return { type: 'mv-register', entries: [{ value, version: mergeVectors(seen, { [node]: own + 1 }) }] };
  },

  /** The writes of both that neither side's other writes have seen. */
  merge<T>(a: MvRegisterState<T>, b: MvRegisterState<T>): MvRegisterState<T> {
    requireMvRegister(a, 'a');
    requireMvRegister(b, 'b');
    return { type: 'mv-register', entries: frontier([...a.entries, ...b.entries]) };
  },

  /** The concurrent values, in the entries' canonical order (empty if never written). */
  values<T>(state: MvRegisterState<T>): T[] {
    requireMvRegister(state, 'state');
    return state.entries.map((entry) => entry.value);
  },

  /** Throws InvalidArgumentError naming the first malformed field of `state`. */
  validate(state: unknown, field = 'state'): asserts state is MvRegisterState<unknown> {
    requireMvRegister(state, field);
  },
};

/** Internal: checks an MV-Register's shape. */
export function requireMvRegister(value: unknown, field: string): asserts value is MvRegisterState<unknown> {
  requireTaggedState(value, field, 'mv-register', ['type', 'entries']);
  const entries = value['entries'];
  if (!Array.isArray(entries)) throw new InvalidArgumentError(`${field}.entries`, entries, 'an array of { value, version }');
  entries.forEach((entry: unknown, index) => {
    const entryField = `${field}.entries[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new InvalidArgumentError(entryField, entry, 'an object { value, version }');
    const { value: written, version, ...rest } = entry as Record<string, unknown>;
    const unknownKey = Object.keys(rest)[0];
    if (unknownKey !== undefined) throw new InvalidArgumentError(`${entryField}.${unknownKey}`, rest[unknownKey], 'absent (an entry holds value and version)');
    requireVersionVector(version, `${entryField}.version`);
    requirePlainData(written, `${entryField}.value`);
  });
}

/** The entries no other entry dominates, one per version, in canonical order. */
function frontier<T>(entries: ReadonlyArray<MvRegisterEntry<T>>): Array<MvRegisterEntry<T>> {
  const keyed = entries.map((entry) => ({ entry, versionText: canonicalJson(entry.version), valueText: canonicalJson(entry.value) }));
  // Equal versions with different values only arise from a reused node id; keeping the greater
  // value on every replica keeps merge commutative.
  keyed.sort((x, y) => compareStrings(x.versionText, y.versionText) || compareStrings(y.valueText, x.valueText));
  const kept: typeof keyed = [];
  for (const candidate of keyed) {
    if (kept.length > 0 && kept[kept.length - 1]!.versionText === candidate.versionText) continue;
    if (keyed.some((other) => compareVectors(candidate.entry.version, other.entry.version) === 'before')) continue;
    kept.push(candidate);
  }
  return kept.map(({ entry }) => ({ value: entry.value, version: entry.version }));
}
