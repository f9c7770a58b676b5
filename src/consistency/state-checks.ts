import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireObject } from '../validate.js';

// Internal: the shape checks every clock and CRDT runs on its inputs, so a state of the wrong
// type, a malformed entry or a non-finite count is refused with an InvalidArgumentError naming
// the field and the value, instead of merging into a silently wrong state.

/** Checks `value` is a state object tagged `type` with exactly the fields `keys` (type included). */
export function requireTaggedState(value: unknown, field: string, type: string, keys: readonly string[]): asserts value is Record<string, unknown> {
  requireObject(value, field);
  if (value['type'] !== type) throw new InvalidArgumentError(`${field}.type`, value['type'], `'${type}' (states of different CRDT types cannot be merged)`);
  rejectUnknownKeys(value, field, keys);
}

/** Checks `value` is a plain record (not an array, not null). */
export function requireRecord(value: unknown, field: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(field, value, 'an object keyed by string');
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) throw new InvalidArgumentError(field, value, 'a plain object keyed by string');
}

/** Checks `value` is a node id: a non-empty string. */
export function requireNodeId(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError(field, value, 'a node id (a non-empty string)');
}

/** Checks `value` is a finite number >= 0 (a counter's total, an increment). */
export function requireCount(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(field, value, 'a finite number >= 0');
}

/** Checks `value` is an integer in [0, 2^53 - 1] (a version, a Lamport time, an HLC logical counter). */
export function requireVersion(value: unknown, field: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError(field, value, 'an integer in [0, 9007199254740991]');
}

/** Checks every entry of a record keyed by node id with `check`. */
export function requireNodeRecord(value: unknown, field: string, check: (entry: unknown, entryField: string) => void): asserts value is Record<string, number> {
  requireRecord(value, field);
  for (const key of Object.keys(value)) {
    const entryField = `${field}[${JSON.stringify(key)}]`;
    if (key.length === 0) throw new InvalidArgumentError(entryField, value[key], 'keyed by a node id (a non-empty string)');
    check(value[key], entryField);
  }
}

/** The sum `left + right`, refused when it is no longer a finite number. */
export function finiteSum(left: number, right: number, field: string): number {
  const sum = left + right;
  if (!Number.isFinite(sum)) throw new InvalidArgumentError(field, right, `an amount that keeps the total finite (total ${left})`);
  return sum;
}
