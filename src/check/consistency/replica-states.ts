import { InvalidArgumentError } from '../../errors.js';
import { canonicalText, STATE_CHARS_SHOWN } from './describe.js';

// Internal: replica states as a reader returns them, and how they differ.

/**
 * Replica states by replica id, as a state reader returns them: a plain object or a Map.
 *
 * @example
 * ```ts
 * const states: ReplicaStates<number> = { r1: 3, r2: 3, r3: 2 };
 * ```
 */
export type ReplicaStates<State> = Readonly<Record<string, State>> | ReadonlyMap<string, State>;

/** The states as entries in replica order (a Map's order, or an object's key order), checked. */
export function replicaEntries<State>(states: unknown, field: string): Array<readonly [string, State]> {
  if (states instanceof Map) return [...(states as Map<unknown, State>).entries()].map(([id, state]) => [String(id), state] as const);
  if (typeof states !== 'object' || states === null || Array.isArray(states)) {
    throw new InvalidArgumentError(field, states, 'an object or a Map from replica id to that replica\'s state');
  }
  return Object.keys(states).map((id) => [id, (states as Record<string, State>)[id] as State] as const);
}

/** Replicas grouped by equal state, each group with its state; in order of first appearance. */
export function groupByState<State>(entries: ReadonlyArray<readonly [string, State]>, equal: (a: State, b: State) => boolean): Array<{ replicas: string[]; state: State }> {
  const groups: Array<{ replicas: string[]; state: State }> = [];
  for (const [id, state] of entries) {
    const group = groups.find((candidate) => equal(candidate.state, state));
    if (group === undefined) groups.push({ replicas: [id], state });
    else group.replicas.push(id);
  }
  return groups;
}

/** Equality by canonical text: structural, key order and Set order ignored. */
export function structurallyEqual(a: unknown, b: unknown): boolean {
  return a === b || canonicalText(a) === canonicalText(b);
}

/** How the groups differ: each group's replicas and state, and for keyed states the differing keys. */
export function describeGroups<State>(groups: ReadonlyArray<{ replicas: string[]; state: State }>, describe: (state: State) => string): string {
  const lines = groups.map((group) => `  ${group.replicas.join(', ')}: ${clip(describe(group.state))}`);
  const keys = differingKeys(groups.map((group) => group.state));
  if (keys.length > 0) lines.push(`  differing keys: ${keys.slice(0, 10).map((key) => JSON.stringify(key)).join(', ')}${keys.length > 10 ? `, … (${keys.length} in all)` : ''}`);
  return lines.join('\n');
}

function clip(text: string): string {
  return text.length > STATE_CHARS_SHOWN ? `${text.slice(0, STATE_CHARS_SHOWN)}…` : text;
}

/** Keys whose values differ among keyed states (plain objects or Maps); none for other states. */
function differingKeys(states: readonly unknown[]): string[] {
  const asRecords = states.map((state) => (state instanceof Map ? Object.fromEntries([...state.entries()].map(([key, value]) => [String(key), value])) : isPlainObject(state) ? state : undefined));
  if (asRecords.some((record) => record === undefined)) return [];
  const records = asRecords as Array<Record<string, unknown>>;
  const keys = [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
  return keys.filter((key) => records.some((record) => canonicalText(record[key]) !== canonicalText(records[0]![key])));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
