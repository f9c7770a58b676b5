import { isDraftable } from 'immer';
import { InvalidArgumentError } from './errors.js';

// Internal: checks of user values that are walked, copied or frozen as a whole (fault records,
// link models, durable state). Every walk here is iterative, with limits checked before the
// work, so a value nested thousands of levels deep or holding millions of entries is refused
// with an InvalidArgumentError instead of overflowing the stack or copying for minutes.

/**
 * How large a value that is walked as a whole may be.
 *
 * @example
 * ```ts
 * const limits: ShapeLimits = { maxDepth: 10, maxValues: 1_000 };
 * requireBoundedShape({ a: [1, 2] }, 'state', limits); // depth 2, 4 values
 * ```
 */
export interface ShapeLimits {
  /** Containers nested inside one another; the outermost counts 1, a scalar 0. */
  readonly maxDepth: number;
  /** Containers and entries in all, each counted every time it is reached. */
  readonly maxValues: number;
}

/**
 * Limits of plain data (fault records, link models), which is copied through JSON and printed.
 *
 * @example
 * ```ts
 * plainDataLimits.maxDepth; // 100
 * ```
 */
export interface PlainDataLimits extends ShapeLimits {
  /** Characters of every string and key, summed. */
  readonly maxChars: number;
}

/**
 * The limits of {@link requirePlainData}: far beyond any real fault schedule or link model
 * (the deepest built-in one nests 4 levels), far below where a recursive copy overflows the
 * stack (a few thousand levels) or takes seconds.
 *
 * @example
 * ```ts
 * requirePlainData(value, 'params', { ...plainDataLimits, maxDepth: 10 });
 * ```
 */
export const plainDataLimits: PlainDataLimits = Object.freeze({ maxDepth: 100, maxValues: 1_000_000, maxChars: 10_000_000 });

/**
 * The limits of {@link requireBoundedShape} for durable state, frozen deeply by immer at
 * `addNode`. Immer's recursive freeze overflows the stack between 1,500 and 2,000 levels (Node 20,
 * default stack), so 1,000 levels leave room for the caller's own frames; 10 million values
 * take seconds to freeze and are no node's initial state.
 *
 * @example
 * ```ts
 * requireBoundedShape(options.durable, `options of node '${id}'.durable`, durableStateLimits);
 * ```
 */
export const durableStateLimits: ShapeLimits = Object.freeze({ maxDepth: 1_000, maxValues: 10_000_000 });

const PLAIN_DATA = 'plain data (JSON objects, arrays, strings, finite numbers, booleans, null), so the fault survives JSON.stringify unchanged';

/**
 * A container being walked: its entries, a cursor, and the way back to the root (so a path is
 * built only for an error). The walk keeps one frame per level on an explicit stack, so its
 * memory grows with the depth, never with the number of entries.
 */
interface Frame {
  readonly value: object;
  readonly entries: readonly unknown[];
  /** The entries' keys, or undefined when they are indices. */
  readonly keys: readonly string[] | undefined;
  next: number;
  /** Containers from the root down to this one: the root is 1. */
  readonly depth: number;
  readonly key: string | number | undefined;
  readonly parent: Frame | undefined;
}

/** Path segments of a depth error kept past the root field: enough to name the culprit parameter. */
const DEPTH_PATH_SEGMENTS = 3;

/**
 * A JSON copy of `value`, after checking it is plain data that survives JSON unchanged and
 * stays within {@link plainDataLimits}.
 *
 * @example
 * ```ts
 * const copy = plainCopy({ groups: [['a'], ['b']] }, 'params'); // a deep copy
 * plainCopy({ at: new Date() }, 'params'); // throws InvalidArgumentError naming params.at
 * ```
 */
export function plainCopy(value: unknown, field: string): unknown {
  const flat = flatPlainCopy(value);
  if (flat !== undefined) return flat;
  requirePlainData(value, field);
  return JSON.parse(JSON.stringify(value));
}

/** Keys of an object that {@link flatPlainCopy} copies itself; larger ones take the general walk. */
const FLAT_COPY_MAX_KEYS = 32;
const FLAT_COPY_MAX_CHARS = 4096;

/**
 * The JSON copy of a small plain object whose values are all scalars JSON keeps (the shape of
 * nearly every fault record), made without the general walk and JSON's text: or `undefined`
 * when `value` is anything else, valid or not, which the general walk then copies or refuses.
 * What JSON would do is done here: `undefined` values are left out and `-0` becomes `0`.
 */
function flatPlainCopy(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const keys = Reflect.ownKeys(value);
  if (keys.length > FLAT_COPY_MAX_KEYS) return undefined;
  const copy: Record<string, unknown> = {};
  let chars = 0;
  for (const key of keys) {
    // A '__proto__' key would set the copy's prototype instead of a property.
    if (typeof key !== 'string' || key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(value, key)) return undefined;
    chars += key.length;
    const entry = (value as Record<string, unknown>)[key];
    if (typeof entry === 'string') chars += entry.length;
    else if (typeof entry === 'number') {
      if (!Number.isFinite(entry)) return undefined;
    } else if (entry !== undefined && entry !== null && typeof entry !== 'boolean') return undefined;
    if (entry !== undefined) copy[key] = entry === 0 ? 0 : entry;
  }
  return chars > FLAT_COPY_MAX_CHARS ? undefined : copy;
}

/**
 * Throws InvalidArgumentError naming the first part of `value` that JSON would not carry
 * unchanged (a function, a class instance, NaN, a symbol key, a non-enumerable property, a
 * cycle, an `undefined` array element), or the part where `value` goes past `limits`. Object
 * keys whose value is `undefined` are absent, as JSON makes them.
 *
 * @example
 * ```ts
 * requirePlainData({ ok: [1, 'two', null] }, 'params'); // fine
 * requirePlainData({ bad: Number.NaN }, 'params'); // throws, field 'params.bad'
 * ```
 */
export function requirePlainData(value: unknown, field: string, limits: PlainDataLimits = plainDataLimits): void {
  new PlainDataCheck(field, limits).run(value);
}

/** One walk of {@link requirePlainData}: depth-first over an explicit stack, counting as it goes. */
class PlainDataCheck {
  private readonly ancestors = new Set<unknown>();
  private values = 1;
  private chars = 0;

  constructor(
    private readonly field: string,
    private readonly limits: PlainDataLimits,
  ) {}

  run(value: unknown): void {
    if (!isContainer(value)) return this.checkScalar(value, undefined, undefined);
    const stack = [this.open(value, undefined, undefined)];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next === frame.entries.length) {
        stack.pop();
        this.ancestors.delete(frame.value);
        continue;
      }
      const index = frame.next++;
      const key = frame.keys === undefined ? index : frame.keys[index]!;
      const child = frame.entries[index];
      if (typeof key === 'string') this.countChars(frame, key, key.length);
      // An object key whose value is undefined is absent, as in JSON; an array hole is an error.
      if (child === undefined && typeof key === 'string') continue;
      if (isContainer(child)) stack.push(this.open(child, frame, key));
      else this.checkScalar(child, frame, key);
    }
  }

  /** Checks a container as a whole (cycle, depth, JSON-dropped parts, size) and returns its frame. */
  private open(value: object, parent: Frame | undefined, key: string | number | undefined): Frame {
    if (this.ancestors.has(value)) throw new InvalidArgumentError(pathOf(parent, key, this.field), '(a cycle)', PLAIN_DATA);
    const depth = (parent?.depth ?? 0) + 1;
    if (depth > this.limits.maxDepth) throw tooDeep(parent, key, this.field, this.limits.maxDepth);
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    refuseWhatJsonDrops(value, keys, parent, key, this.field);
    // Counted before the entries are listed: a 1e7-element array is refused at once.
    this.values += keys === undefined ? (value as unknown[]).length : keys.length;
    if (this.values > this.limits.maxValues) throw tooManyValues(pathOf(parent, key, this.field), this.limits.maxValues);
    const entries = keys === undefined ? (value as unknown[]) : keys.map((name) => (value as Record<string, unknown>)[name]);
    this.ancestors.add(value);
    return { value, entries, keys, next: 0, depth, key, parent };
  }

  private checkScalar(value: unknown, parent: Frame | undefined, key: string | number | undefined): void {
    if (typeof value === 'string') this.countChars(parent, key, value.length);
    // undefined here is an array hole or element, which JSON would write as null.
    else if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'boolean' && value !== null) {
      throw new InvalidArgumentError(pathOf(parent, key, this.field), value, PLAIN_DATA);
    }
  }

  private countChars(parent: Frame | undefined, key: string | number | undefined, count: number): void {
    this.chars += count;
    const { maxChars } = this.limits;
    if (this.chars > maxChars) throw new InvalidArgumentError(pathOf(parent, key, this.field), `(more than ${maxChars} characters)`, `plain data of at most ${maxChars} characters in strings and keys`);
  }
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * Refuses a container whose JSON copy would differ: symbol keys, class instances, non-enumerable
 * properties. `keys` are its enumerable keys (undefined for an array).
 */
function refuseWhatJsonDrops(value: object, keys: readonly string[] | undefined, parent: Frame | undefined, key: string | number | undefined, field: string): void {
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) throw new InvalidArgumentError(`${pathOf(parent, key, field)}[${String(symbols[0])}]`, '(a symbol key)', `${PLAIN_DATA}; JSON drops symbol keys`);
  if (keys === undefined) return;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new InvalidArgumentError(pathOf(parent, key, field), value, PLAIN_DATA);
  const names = Object.getOwnPropertyNames(value);
  if (names.length === keys.length) return;
  const hidden = names.find((name) => !Object.prototype.propertyIsEnumerable.call(value, name))!;
  throw new InvalidArgumentError(`${pathOf(parent, key, field)}.${hidden}`, '(a non-enumerable property)', `${PLAIN_DATA}; JSON drops non-enumerable properties`);
}

/**
 * Throws InvalidArgumentError if `value` nests containers deeper than `limits.maxDepth` or
 * holds more than `limits.maxValues` values. It walks what immer's deep `freeze` walks (plain
 * objects' enumerable properties, arrays, Map and Set values, immerable class instances) and
 * accepts everything else as it is, so a check before `freeze(value, true)` refuses only what
 * would overflow the stack or be absurdly large. Cycles and shared parts are walked once, as
 * immer freezes them once; parts already frozen are walked too (immer skips them, but a later
 * `produce` may not).
 *
 * @example
 * ```ts
 * requireBoundedShape(options.durable, `options of node '${id}'.durable`);
 * const durable = freeze(options.durable, true); // cannot overflow now
 * ```
 */
export function requireBoundedShape(value: unknown, field: string, limits: ShapeLimits = durableStateLimits): void {
  if (!isDraftable(value)) return;
  const seen = new Set<unknown>();
  let values = 1;
  const open = (container: object, parent: Frame | undefined, key: string | number | undefined): Frame => {
    seen.add(container);
    const depth = (parent?.depth ?? 0) + 1;
    if (depth > limits.maxDepth) throw tooDeep(parent, key, field, limits.maxDepth);
    // Counted before the entries are listed: a 1e8-element array is refused at once.
    values += entryCount(container);
    if (values > limits.maxValues) throw tooManyValues(pathOf(parent, key, field), limits.maxValues);
    return { value: container, ...draftableEntries(container), next: 0, depth, key, parent };
  };
  const stack = [open(value as object, undefined, undefined)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.entries.length) {
      stack.pop();
      continue;
    }
    const index = frame.next++;
    const child = frame.entries[index];
    if (isDraftable(child) && !seen.has(child)) stack.push(open(child as object, frame, frame.keys === undefined ? index : frame.keys[index]!));
  }
}

function entryCount(value: object): number {
  if (value instanceof Map || value instanceof Set) return value.size;
  return Array.isArray(value) ? value.length : Object.keys(value).length;
}

/** What immer's deep freeze recurses into: Map and Set values, array elements, enumerable own properties. */
function draftableEntries(value: object): { entries: readonly unknown[]; keys: readonly string[] | undefined } {
  if (value instanceof Map) return { entries: [...value.values()], keys: [...value.keys()].map(mapKeyLabel) };
  if (value instanceof Set) return { entries: [...value], keys: undefined };
  if (Array.isArray(value)) return { entries: value, keys: undefined };
  const keys = Object.keys(value);
  return { entries: keys.map((key) => (value as Record<string, unknown>)[key]), keys };
}

/** A path segment for a Map entry; an object key is not printed (it may not even convert to a string). */
function mapKeyLabel(key: unknown): string {
  return typeof key === 'object' || typeof key === 'function' ? 'get(an object)' : `get(${String(key)})`;
}

function tooDeep(parent: Frame | undefined, key: string | number | undefined, field: string, maxDepth: number): InvalidArgumentError {
  return new InvalidArgumentError(pathOf(parent, key, field, DEPTH_PATH_SEGMENTS), `(nested more than ${maxDepth} levels deep)`, `a value nested at most ${maxDepth} levels deep`);
}

function tooManyValues(path: string, maxValues: number): InvalidArgumentError {
  return new InvalidArgumentError(path, `(more than ${maxValues} values)`, `a value of at most ${maxValues} values (entries of arrays and objects, counted wherever they appear)`);
}

/**
 * `field` followed by the keys from the root down to entry `key` of `parent`
 * (`field.params.groups[1]`); with `maxSegments`, only the first ones, since a path thousands of
 * levels long names nothing.
 */
function pathOf(parent: Frame | undefined, key: string | number | undefined, field: string, maxSegments = Infinity): string {
  const keys: Array<string | number> = key === undefined ? [] : [key];
  for (let at = parent; at !== undefined && at.key !== undefined; at = at.parent) keys.push(at.key);
  keys.reverse();
  return field + keys.slice(0, maxSegments).map((segment) => (typeof segment === 'number' ? `[${segment}]` : `.${segment}`)).join('');
}

/**
 * Freezes `value` and everything reachable through its enumerable properties. Only for values
 * that passed {@link requirePlainData} (its recursion is bounded by their depth).
 *
 * @example
 * ```ts
 * const fault = deepFreeze(plainCopy(raw, 'schedule[0]'));
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** How far {@link ShapeSnapshot.of} walks: options trees are small; anything larger is not cached. */
const SNAPSHOT_MAX_DEPTH = 8;
const SNAPSHOT_MAX_ITEMS = 1024;

/**
 * What an options value held when it was read, as validation reads it: every plain object's
 * identity, prototype, keys and values, and every array's identity, prototype, length and
 * elements, in order (functions and other scalars by identity). {@link ShapeSnapshot.matches}
 * reads the value again the same way and says whether it still holds exactly that, so work
 * derived from the value (validation, compilation) can be reused across simulations built from
 * one options object, and is redone as soon as the user changed anything in it.
 *
 * @example
 * ```ts
 * const network = { link: { lossProbability: 0.1 } };
 * const snapshot = ShapeSnapshot.of(network)!;
 * snapshot.matches(network); // true
 * network.link.lossProbability = 0.2;
 * snapshot.matches(network); // false
 * ```
 */
export class ShapeSnapshot {
  private at = 0;

  private constructor(private readonly items: readonly unknown[]) {}

  /**
   * A snapshot of `value`, or `undefined` if it is nested deeper or holds more than a small
   * options tree does, or holds anything validation may read in a way the snapshot does not
   * follow: a container other than a plain object or array (a class instance may read its
   * values from its prototype), a symbol or non-enumerable key, or an array with holes or
   * extra properties.
   */
  static of(value: unknown): ShapeSnapshot | undefined {
    const items: unknown[] = [];
    return recordShape(value, 1, items) ? new ShapeSnapshot(items) : undefined;
  }

  /** True if `value` holds now exactly what it held when the snapshot was taken. */
  matches(value: unknown): boolean {
    this.at = 0;
    return this.same(value);
  }

  private same(current: unknown): boolean {
    if (!isContainer(current)) return true;
    const items = this.items;
    if (items[this.at++] !== current || items[this.at++] !== Object.getPrototypeOf(current)) return false;
    if (Array.isArray(current)) {
      if (items[this.at++] !== current.length) return false;
      for (let index = 0; index < current.length; index++) {
        const element: unknown = current[index];
        if (!Object.is(items[this.at++], element) || !this.same(element)) return false;
      }
      return true;
    }
    // Object.keys and the two length checks are the engine's fast paths (Reflect.ownKeys is not).
    const keys = Object.keys(current);
    if (items[this.at++] !== keys.length) return false;
    for (const key of keys) {
      const child: unknown = (current as Record<string, unknown>)[key];
      if (items[this.at++] !== key || !Object.is(items[this.at++], child) || !this.same(child)) return false;
    }
    return Object.getOwnPropertyNames(current).length === keys.length && Object.getOwnPropertySymbols(current).length === 0;
  }
}

/** Appends what {@link ShapeSnapshot.matches} compares; false if the value cannot be snapshot. */
function recordShape(current: unknown, depth: number, items: unknown[]): boolean {
  if (!isContainer(current)) return true;
  const prototype: unknown = Object.getPrototypeOf(current);
  if (depth > SNAPSHOT_MAX_DEPTH) return false;
  const keys = Object.keys(current);
  if (Object.getOwnPropertySymbols(current).length > 0) return false;
  items.push(current, prototype);
  if (Array.isArray(current)) {
    if (prototype !== Array.prototype || keys.length !== current.length || Object.getOwnPropertyNames(current).length !== keys.length + 1) return false;
    items.push(current.length);
    for (const element of current) {
      items.push(element);
      if (items.length > SNAPSHOT_MAX_ITEMS || !recordShape(element, depth + 1, items)) return false;
    }
    return true;
  }
  if ((prototype !== Object.prototype && prototype !== null) || Object.getOwnPropertyNames(current).length !== keys.length) return false;
  items.push(keys.length);
  for (const key of keys) {
    const child: unknown = (current as Record<string, unknown>)[key];
    items.push(key, child);
    if (items.length > SNAPSHOT_MAX_ITEMS || !recordShape(child, depth + 1, items)) return false;
  }
  return true;
}
