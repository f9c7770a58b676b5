import { InvalidArgumentError } from '../errors.js';
import { compareStrings, ownValue, sortedRecord, unionKeys, withEntry } from './keyed-record.js';
import { requireNodeId, requireNodeRecord, requireRecord, requireTaggedState, requireVersion } from './state-checks.js';

/**
 * An observed-remove set's state. Each add makes a unique tag `<sequence>@<node>`; an element is
 * in the set while one of its tags is not removed.
 *
 * @example
 * ```ts
 * const set: OrSetState = { type: 'or-set', sequences: { a: 1 }, added: { apple: ['1@a'] }, removed: [] };
 * ```
 */
export interface OrSetState {
  /** The CRDT type, checked by every merge. */
  readonly type: 'or-set';
  /** Adds made by each node so far: the next tag's sequence is one more. */
  readonly sequences: Readonly<Record<string, number>>;
  /** Each present element's live tags, sorted. Elements with no live tag are absent. */
  readonly added: Readonly<Record<string, readonly string[]>>;
  /** Tags removed so far (tombstones), sorted. They keep a removed add from coming back. */
  readonly removed: readonly string[];
}

/**
 * OR-Set (observed-remove, add-wins), a state-based CRDT set of strings: `remove` drops only the
 * tags its replica has seen, so an add concurrent with a remove survives the merge. Removed tags
 * are kept as tombstones: the state grows with every removal. Keep the state durable: a node
 * that forgets its `sequences` entry would reuse tags.
 *
 * @example
 * ```ts
 * const both = orSet.add(orSet.empty(), 'a', 'apple');
 * const removed = orSet.remove(both, 'apple');            // on one replica
 * const readded = orSet.add(both, 'b', 'apple');          // concurrently, on another
 * orSet.has(orSet.merge(removed, readded), 'apple');      // true: add wins
 * ```
 */
export const orSet = {
  /** A set with no elements. */
  empty(): OrSetState {
    return { type: 'or-set', sequences: {}, added: {}, removed: [] };
  },

  /** The set after `node` adds `element`, under a fresh tag. */
  add(state: OrSetState, node: string, element: string): OrSetState {
    requireOrSet(state, 'state');
    requireNodeId(node, 'node');
    requireElement(element, 'element');
    const sequence = (ownValue(state.sequences, node) ?? 0) + 1;
    if (sequence > Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(`state.sequences[${JSON.stringify(node)}]`, sequence - 1, 'below 9007199254740991');
    const tags = [...(ownValue(state.added, element) ?? []), `${sequence}@${node}`].sort(compareStrings);
    return { type: 'or-set', sequences: withEntry(state.sequences, node, sequence), added: withEntry(state.added, element, tags), removed: state.removed };
  },

  /** The set after removing `element` as this replica sees it: its tags become tombstones. */
  remove(state: OrSetState, element: string): OrSetState {
    requireOrSet(state, 'state');
    requireElement(element, 'element');
    const tags = ownValue(state.added, element);
    if (tags === undefined) return state;
    const added = sortedRecord(Object.entries(state.added).filter(([other]) => other !== element));
    return { type: 'or-set', sequences: state.sequences, added, removed: sortedUnion(state.removed, tags) };
  },

  /** The set holding both sides' adds minus both sides' removes. */
  merge(a: OrSetState, b: OrSetState): OrSetState {
    requireOrSet(a, 'a');
    requireOrSet(b, 'b');
    const removed = sortedUnion(a.removed, b.removed);
    const tombstones = new Set(removed);
    const added: Array<[string, string[]]> = [];
    for (const element of unionKeys(a.added, b.added)) {
      const live = sortedUnion(ownValue(a.added, element) ?? [], ownValue(b.added, element) ?? []).filter((tag) => !tombstones.has(tag));
      if (live.length > 0) added.push([element, live]);
    }
    const sequences = sortedRecord(unionKeys(a.sequences, b.sequences).map((node) => [node, Math.max(ownValue(a.sequences, node) ?? 0, ownValue(b.sequences, node) ?? 0)] as const));
    return { type: 'or-set', sequences, added: sortedRecord(added), removed };
  },

  /** True while `element` has a live tag. */
  has(state: OrSetState, element: string): boolean {
    requireOrSet(state, 'state');
    requireElement(element, 'element');
    return ownValue(state.added, element) !== undefined;
  },

  /** The elements, sorted. */
  elements(state: OrSetState): string[] {
    requireOrSet(state, 'state');
    return Object.keys(state.added).sort(compareStrings);
  },

  /** Throws InvalidArgumentError naming the first malformed field of `state`. */
  validate(state: unknown, field = 'state'): asserts state is OrSetState {
    requireOrSet(state, field);
  },
};

/** Internal: checks an OR-Set's shape. */
export function requireOrSet(value: unknown, field: string): asserts value is OrSetState {
  requireTaggedState(value, field, 'or-set', ['type', 'sequences', 'added', 'removed']);
  requireNodeRecord(value['sequences'], `${field}.sequences`, requireVersion);
  const added = value['added'];
  requireRecord(added, `${field}.added`);
  for (const element of Object.keys(added)) {
    const tagsField = `${field}.added[${JSON.stringify(element)}]`;
    const tags = added[element];
    requireTags(tags, tagsField);
    if (tags.length === 0) throw new InvalidArgumentError(tagsField, tags, 'a non-empty array of tags (an absent element has no entry)');
  }
  requireTags(value['removed'], `${field}.removed`);
}

function requireTags(value: unknown, field: string): asserts value is string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, value, 'an array of tags (strings)');
  value.forEach((tag: unknown, index) => {
    if (typeof tag !== 'string' || tag.length === 0) throw new InvalidArgumentError(`${field}[${index}]`, tag, "a tag (a non-empty string such as '3@a')");
  });
}

function requireElement(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string') throw new InvalidArgumentError(field, value, 'a string (OR-Set elements are strings)');
}

function sortedUnion(left: readonly string[], right: readonly string[]): string[] {
  return [...new Set([...left, ...right])].sort(compareStrings);
}
