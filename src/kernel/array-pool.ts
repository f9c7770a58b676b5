/**
 * Typed arrays given back by the event queue and the link table, when they outgrow one and when
 * their simulation ends (`EventLoop.dispose`), for the next simulation built in this thread to
 * take instead of making new ones.
 *
 * Why: on Node 20 a typed array of more than 64 bytes keeps its memory outside the JS heap and
 * costs about 1–3 µs to make (measured), against tens of ns for a smaller one. A property test
 * builds thousands of short simulations, and each grows its event queue (eight arrays) and its
 * link table the same way, so making them was the largest single cost of setting up a case.
 *
 * An array comes back zeroed, exactly as a new one starts, so a simulation cannot tell a taken
 * array from a new one: no run, stream or trace hash depends on the pool. The pool is bounded
 * (arrays of at most MAX_ARRAY_BYTES, MAX_POOLED_BYTES in all) and per thread (module state; each
 * worker has its own).
 *
 * @example
 * ```ts
 * let heapTime = float64Arrays.take(33);     // zeroed: from the pool if one of 33 is there, else new
 * heapTime = float64Arrays.grown(heapTime, 65); // its values in a longer array; the old one is given
 * float64Arrays.give(heapTime);              // nothing may read or write it after this
 * ```
 */

/** Arrays larger than this are not kept: they are rare, and one would take much of the budget. */
const MAX_ARRAY_BYTES = 64 * 1024;
/** Bytes the pools hold at most in this thread, all element types together. */
const MAX_POOLED_BYTES = 1024 * 1024;
/** At most 64 bytes a typed array lives in the JS heap and costs next to nothing to make: not kept. */
const IN_HEAP_BYTES = 64;

let pooledBytes = 0;

type TypedArray = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>;

/** Free arrays of one element type, by length. */
class ArrayPool<T extends TypedArray> {
  private readonly free = new Map<number, T[]>();

  constructor(private readonly make: (length: number) => T) {}

  /** A zeroed array of `length` elements: one given back if the pool has it, else a new one. */
  take(length: number): T {
    const array = this.free.get(length)?.pop();
    if (array === undefined) return this.make(length);
    pooledBytes -= array.byteLength;
    return array;
  }

  /**
   * Keeps `array`, zeroed, for a later simulation. The caller must have made it with
   * {@link ArrayPool.take} (a whole array of its own, never a view) and must not touch it again:
   * the next taker owns it. Arrays of at most 64 bytes or larger than MAX_ARRAY_BYTES are simply
   * dropped. One that would pass the budget empties every pool first: what was kept may be of
   * lengths no later simulation asks for (one large scenario, then many small cases), and
   * keeping it would stop all reuse for good.
   */
  give(array: T): void {
    const bytes = array.byteLength;
    if (bytes <= IN_HEAP_BYTES || bytes > MAX_ARRAY_BYTES) return;
    if (pooledBytes + bytes > MAX_POOLED_BYTES) emptyPools();
    array.fill(0);
    pooledBytes += bytes;
    const list = this.free.get(array.length);
    if (list === undefined) this.free.set(array.length, [array]);
    else list.push(array);
  }

  /**
   * An array of `length` elements that starts with `array`'s (the rest zero), taken from the
   * pool; `array` is given to the pool, so nothing may read or write it after this.
   */
  grown(array: T, length: number): T {
    const next = this.take(length);
    next.set(array);
    this.give(array);
    return next;
  }

  /** Drops every array kept. */
  empty(): void {
    this.free.clear();
  }
}

/** Float64Arrays given back. */
export const float64Arrays = new ArrayPool((length) => new Float64Array(length));
/** Int32Arrays given back. */
export const int32Arrays = new ArrayPool((length) => new Int32Array(length));
/** Uint32Arrays given back. */
export const uint32Arrays = new ArrayPool((length) => new Uint32Array(length));
/** Uint16Arrays given back. */
export const uint16Arrays = new ArrayPool((length) => new Uint16Array(length));

const pools = [float64Arrays, int32Arrays, uint32Arrays, uint16Arrays];

function emptyPools(): void {
  for (const pool of pools) pool.empty();
  pooledBytes = 0;
}

/** Bytes the pools hold now (for tests of the bound). */
export function pooledArrayBytes(): number {
  return pooledBytes;
}
