import { InvalidArgumentError } from '../errors.js';

// Internal: gives every distinct model state a small integer id, so the search memo stores
// numbers instead of states. Two states get the same id only if they are equal: by the model's
// own hash when it has one, else by value for primitives and by a canonical encoding for arrays
// and plain objects. Anything else (Map, Set, class instances) has no safe default and needs a
// `hash`, so it is refused rather than guessed at.

export class StateInterner<State> {
  private readonly primitiveIds = new Map<unknown, number>();
  private readonly encodedIds = new Map<string, number>();

  constructor(private readonly hash: ((state: State) => string) | undefined) {}

  /** How many distinct states were seen. */
  get size(): number {
    return this.primitiveIds.size + this.encodedIds.size;
  }

  idOf(state: State): number {
    if (this.hash !== undefined) {
      const hashed: unknown = this.hash(state);
      if (typeof hashed !== 'string') throw new InvalidArgumentError('model.hash', hashed, 'a function returning a string');
      return intern(this.encodedIds, hashed, this.size);
    }
    if (state === null || (typeof state !== 'object' && typeof state !== 'function')) return intern(this.primitiveIds, state, this.size);
    return intern(this.encodedIds, canonicalEncoding(state), this.size);
  }
}

function intern<K>(ids: Map<K, number>, key: K, nextId: number): number {
  const known = ids.get(key);
  if (known !== undefined) return known;
  ids.set(key, nextId);
  return nextId;
}

/** Equal encodings only for equal plain data; object keys are sorted so key order does not matter. */
function canonicalEncoding(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return `n${value}`;
    case 'bigint':
      return `b${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object':
      if (value === null) return 'z';
      if (Array.isArray(value)) return `[${value.map(canonicalEncoding).join(',')}]`;
      if (isPlainObject(value)) {
        const keys = Object.keys(value).sort();
        return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalEncoding((value as Record<string, unknown>)[key])}`).join(',')}}`;
      }
      break;
    default:
      break;
  }
  throw new InvalidArgumentError('model.hash', undefined, `a function (the model's states hold ${describeKind(value)}, which has no default equality: give the model a hash(state) returning equal strings exactly for equal states)`);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describeKind(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'non-plain object'}`;
  return `a ${typeof value}`;
}
