import { InvalidArgumentError } from './errors.js';

// Internal: argument checks shared by every configuration entry point. Each throws an
// InvalidArgumentError that names the field, the value and the accepted range.

/**
 * `value`, or `fallback` when `value` is `undefined` (a missing option). Unlike `??` it keeps
 * `null`, so the check that follows refuses it: across the library `undefined` means absent and
 * `null` is an error.
 *
 * @example
 * ```ts
 * const startMs = orDefault(options.startMs, 0); // null stays null
 * requireNonNegative(startMs, 'startMs'); // throws: startMs must be a finite number >= 0; got null
 * ```
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

export function requireObject(value: unknown, field: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(field, value, 'an object');
  }
}

export function requireFinite(value: unknown, field: string, expected = 'a finite number'): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidArgumentError(field, value, expected);
}

export function requireNonNegative(value: unknown, field: string): asserts value is number {
  const expected = 'a finite number >= 0';
  requireFinite(value, field, expected);
  if (value < 0) throw new InvalidArgumentError(field, value, expected);
}

export function requirePositive(value: unknown, field: string): asserts value is number {
  const expected = 'a finite number > 0';
  requireFinite(value, field, expected);
  if (value <= 0) throw new InvalidArgumentError(field, value, expected);
}

export function requirePositiveInteger(value: unknown, field: string, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  // The message is written only for an error: writing `max` as text cost more than the check,
  // on every simulation's run options and every recorded history.
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(field, value, `an integer in [1, ${max}]`);
  }
}

export function requireProbability(value: unknown, field: string): asserts value is number {
  const expected = 'a probability in [0, 1]';
  requireFinite(value, field, expected);
  if (value < 0 || value > 1) throw new InvalidArgumentError(field, value, expected);
}

export function requireInRange(value: unknown, field: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, value, `a number in [${min}, ${max}]`);
  }
}

export function requireString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError(field, value, 'a non-empty string');
}

export function requireFunction(value: unknown, field: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new InvalidArgumentError(field, value, 'a function');
}

export function requireBoolean(value: unknown, field: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, value, 'true or false');
}

export function requireOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): asserts value is T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(field, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
}

/**
 * Rejects keys the caller did not mean: a typo such as `lossProbabilty` must not be silently
 * ignored. Symbol keys and non-enumerable properties are rejected too, known names or not: no
 * option is a symbol, and spreads and JSON copies of options drop both, so they would be
 * silently lost.
 *
 * @example
 * ```ts
 * rejectUnknownKeys({ lossProbabilty: 0.1 }, 'link', ['lossProbability']); // throws, field 'link.lossProbabilty'
 * rejectUnknownKeys({ [Symbol('x')]: 1 }, 'link', ['lossProbability']); // throws, field 'link[Symbol(x)]'
 * ```
 */
export function rejectUnknownKeys(value: Record<string, unknown>, field: string, known: readonly string[]): void {
  // Every option object of every simulation comes through here: the common case (enumerable
  // string keys, all known) is checked with the engine's fast key lists; anything else takes the
  // walk below, which names the first offending key.
  const keys = Object.keys(value);
  let allKnown = true;
  for (let index = 0; index < keys.length && allKnown; index++) allKnown = known.includes(keys[index]!);
  if (allKnown && Object.getOwnPropertyNames(value).length === keys.length && Object.getOwnPropertySymbols(value).length === 0) return;
  for (const key of Reflect.ownKeys(value)) {
    if (typeof key === 'symbol') {
      throw new InvalidArgumentError(`${field}[${String(key)}]`, '(a symbol key)', `absent (options are named by strings; known: ${known.join(', ')})`);
    }
    // The path is built only for an error: this runs for every option of every simulation.
    if (!known.includes(key)) throw new InvalidArgumentError(optionPath(field, key), value[key], `absent (unknown option; known: ${known.join(', ')})`);
    if (!Object.prototype.propertyIsEnumerable.call(value, key)) {
      throw new InvalidArgumentError(optionPath(field, key), '(a non-enumerable property)', 'an enumerable property (copies of the options would drop it)');
    }
  }
}

function optionPath(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}
