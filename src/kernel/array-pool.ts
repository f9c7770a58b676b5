/**
 * Typed arrays given back by simulations that ended (`EventLoop.dispose`), for the next simulation
 * built in this thread to take instead of making new ones.
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
 * const heapTime = float64Array(33); // zeroed: from the pool if one of 33 is there, else new
 * giveBack(heapTime);                // nothing may read or write it after this
 * ```
 */

/** Arrays larger than this are not kept: they are rare, and one would take much of the budget. */
const MAX_ARRAY_BYTES = 64 * 1024;
/** Bytes the pool holds at most in this thread. */
const MAX_POOLED_BYTES = 1024 * 1024;
/** At most 64 bytes a typed array lives in the JS heap and costs next to nothing to make: not kept. */
const IN_HEAP_BYTES = 64;

type PooledArray = Float64Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | Uint16Array<ArrayBuffer>;

/** Free arrays of one element type, by length. */
class ArraysByLength<T extends PooledArray> {
  private readonly free = new Map<number, T[]>();

  take(length: number): T | undefined {
    return this.free.get(length)?.pop();
  }

  keep(array: T): void {
    const list = this.free.get(array.length);
    if (list === undefined) this.free.set(array.length, [array]);
    else list.push(array);
  }
}

const float64Arrays = new ArraysByLength<Float64Array<ArrayBuffer>>();
const int32Arrays = new ArraysByLength<Int32Array<ArrayBuffer>>();
const uint32Arrays = new ArraysByLength<Uint32Array<ArrayBuffer>>();
const uint16Arrays = new ArraysByLength<Uint16Array<ArrayBuffer>>();
let pooledBytes = 0;

/** A zeroed Float64Array of `length` elements: one given back if the pool has it, else a new one. */
export function float64Array(length: number): Float64Array<ArrayBuffer> {
  return taken(float64Arrays.take(length)) ?? new Float64Array(length);
}

/** A zeroed Int32Array of `length` elements: one given back if the pool has it, else a new one. */
export function int32Array(length: number): Int32Array<ArrayBuffer> {
  return taken(int32Arrays.take(length)) ?? new Int32Array(length);
}

/** A zeroed Uint32Array of `length` elements: one given back if the pool has it, else a new one. */
export function uint32Array(length: number): Uint32Array<ArrayBuffer> {
  return taken(uint32Arrays.take(length)) ?? new Uint32Array(length);
}

/** A zeroed Uint16Array of `length` elements: one given back if the pool has it, else a new one. */
export function uint16Array(length: number): Uint16Array<ArrayBuffer> {
  return taken(uint16Arrays.take(length)) ?? new Uint16Array(length);
}

function taken<T extends PooledArray>(array: T | undefined): T | undefined {
  if (array !== undefined) pooledBytes -= array.byteLength;
  return array;
}

/**
 * Gives `array` to the pool for a later simulation, zeroed. The caller must hold no other
 * reference to it that is ever used again: the next taker owns it. Arrays of at most 64 bytes,
 * larger than MAX_ARRAY_BYTES, or past the pool's budget are simply dropped.
 */
export function giveBack(array: Float64Array | Int32Array | Uint32Array | Uint16Array): void {
  const bytes = array.byteLength;
  if (bytes <= IN_HEAP_BYTES || bytes > MAX_ARRAY_BYTES || pooledBytes + bytes > MAX_POOLED_BYTES) return;
  if (!isPoolable(array)) return;
  array.fill(0);
  pooledBytes += bytes;
  if (array instanceof Float64Array) float64Arrays.keep(array);
  else if (array instanceof Int32Array) int32Arrays.keep(array);
  else if (array instanceof Uint32Array) uint32Arrays.keep(array);
  else uint16Arrays.keep(array);
}

/** Only whole, unshared arrays are kept: a view into a larger or shared buffer is not ours to hand out. */
function isPoolable(array: Float64Array | Int32Array | Uint32Array | Uint16Array): array is PooledArray {
  return array.buffer instanceof ArrayBuffer && array.byteOffset === 0 && array.buffer.byteLength === array.byteLength;
}

/** Bytes the pool holds now (for tests of its bound). */
export function pooledArrayBytes(): number {
  return pooledBytes;
}
