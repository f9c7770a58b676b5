import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { float64Arrays, int32Arrays, pooledArrayBytes, uint16Arrays, uint32Arrays } from '../../src/kernel/array-pool.js';
import { EventQueue } from '../../src/kernel/event-queue.js';
import { InvalidStateError } from '../../src/errors.js';
import { catchError } from './expect-error.js';

describe('array pools', () => {
  it('hand back a given array, zeroed, for the same length only', () => {
    const given = float64Arrays.take(40).fill(7.5);
    float64Arrays.give(given);
    const taken = float64Arrays.take(40);
    expect(taken).toBe(given);
    expect([...taken].every((value) => value === 0)).toBe(true);
    expect(float64Arrays.take(40)).not.toBe(given); // taken once only
  });

  it('keep each element type apart', () => {
    const int32 = int32Arrays.take(32).fill(-1);
    const uint32 = uint32Arrays.take(32).fill(9);
    const uint16 = uint16Arrays.take(64).fill(3);
    int32Arrays.give(int32);
    uint32Arrays.give(uint32);
    uint16Arrays.give(uint16);
    expect(uint16Arrays.take(64)).toBe(uint16);
    expect(uint32Arrays.take(32)).toBe(uint32);
    expect(int32Arrays.take(32)).toBe(int32);
    expect([int32, uint32, uint16].every((array) => array.every((value) => value === 0))).toBe(true);
  });

  it('drop arrays of 64 bytes or less (they live in the JS heap) and arrays over 64 KiB', () => {
    const small = float64Arrays.take(8);
    float64Arrays.give(small);
    expect(float64Arrays.take(8)).not.toBe(small);
    const largest = float64Arrays.take(8192); // 64 KiB: kept
    float64Arrays.give(largest);
    expect(float64Arrays.take(8192)).toBe(largest);
    const tooLarge = float64Arrays.take(8193); // 8 bytes more: dropped
    const before = pooledArrayBytes();
    float64Arrays.give(tooLarge);
    expect(pooledArrayBytes()).toBe(before);
    expect(float64Arrays.take(8193)).not.toBe(tooLarge);
  });
});

describe('EventQueue.release', () => {
  it('leaves the queue empty and refuses later events with InvalidStateError', () => {
    const queue = new EventQueue();
    queue.push(5, 0, 1, 0, 0, 0, 0, 'payload');
    queue.release();
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Infinity);
    expect(queue.pop()).toBe(false);
    const error = catchError(() => queue.push(1, 0, 1, 0, 0, 0, 0, undefined));
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as Error).message).toMatch(/disposed/);
    queue.release(); // twice: nothing more happens
  });

  // A queue built on released arrays must behave exactly as a new one: same pops, same handles
  // (a handle carries its slot's generation, so an array not zeroed would show up here).
  prop([fc.array(operation(), { maxLength: 300 }), fc.array(operation(), { maxLength: 300 })], { numRuns: 60 })(
    'a queue on released arrays pops and hands out exactly what a new queue does',
    (dirtying, operations) => {
      const released = new EventQueue();
      replay(released, dirtying);
      released.release();
      expect(replay(new EventQueue(), operations)).toEqual(replay(new EventQueue(), operations));
    },
  );
});

describe('EventQueue growth', () => {
  it('gives the arrays it outgrew to the pool, zeroed, and the next growth of that length takes them', () => {
    const queue = new EventQueue();
    for (let index = 0; index < 32; index++) queue.push(index, index, 1, 0, 0, 0, 0, undefined); // 32 slots, full
    const outgrown = Reflect.get(queue, 'heapTime') as Float64Array; // private: read here to follow it
    queue.push(32, 32, 1, 0, 0, 0, 0, undefined); // 32 -> 64 slots
    expect(Reflect.get(queue, 'heapTime')).not.toBe(outgrown);
    expect(float64Arrays.take(outgrown.length)).toBe(outgrown); // the last one given of its length
    expect(outgrown.every((value) => value === 0)).toBe(true);
  });

  // Two queues growing in turns: each takes arrays the other just outgrew, and neither may see
  // the other's events, or a slot generation left behind.
  prop([fc.array(operation(), { maxLength: 400 }), fc.array(operation(), { maxLength: 400 })], { numRuns: 60 })(
    'two queues growing in turns pop and hand out what each would alone',
    (left, right) => {
      const alone = [replay(new EventQueue(), left), replay(new EventQueue(), right)];
      const queues = [new EventQueue(), new EventQueue()];
      const seen: number[][] = [[], []];
      const steps = [left, right];
      for (let index = 0; index < Math.max(left.length, right.length); index++) {
        for (const side of [0, 1]) {
          const step = steps[side]![index];
          if (step !== undefined) stepQueue(queues[side]!, step, seen[side]!);
        }
      }
      for (const side of [0, 1]) while (queues[side]!.pop()) seen[side]!.push(queues[side]!.currentTime, queues[side]!.currentA);
      expect(seen).toEqual(alone);
    },
  );
});

type Operation = { push: number } | { cancel: number } | { pop: true };

function operation(): fc.Arbitrary<Operation> {
  return fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 50 }) }), fc.record({ cancel: fc.nat(200) }), fc.constant({ pop: true as const }));
}

/** Runs the operations, returning every handle and popped (time, a) in order. */
function replay(queue: EventQueue, operations: ReadonlyArray<Operation>): number[] {
  const seen: number[] = [];
  for (const step of operations) stepQueue(queue, step, seen);
  while (queue.pop()) seen.push(queue.currentTime, queue.currentA);
  return seen;
}

/** Handles pushed so far, per queue (a cancel picks one of them). */
const handlesOf = new WeakMap<EventQueue, number[]>();

/** One operation on `queue`; what it returns or pops goes to `seen`. */
function stepQueue(queue: EventQueue, step: Operation, seen: number[]): void {
  let handles = handlesOf.get(queue);
  if (handles === undefined) handlesOf.set(queue, (handles = []));
  if ('push' in step) {
    const order = handles.length;
    const handle = queue.push(step.push, order, 1, 0, order, 0, 0, undefined);
    handles.push(handle);
    seen.push(handle);
  } else if ('cancel' in step) {
    if (handles.length > 0) seen.push(queue.cancel(handles[step.cancel % handles.length]!) ? 1 : 0);
  } else if (queue.pop()) seen.push(queue.currentTime, queue.currentA);
}

// Last: it leaves the pool at its budget, which the tests above must not start from.
describe('array pool budget', () => {
  it('hold at most 1 MiB, whatever is given back', () => {
    for (let index = 0; index < 100; index++) {
      float64Arrays.give(new Float64Array(4096)); // 32 KiB each
      expect(pooledArrayBytes()).toBeLessThanOrEqual(1024 * 1024);
    }
    const before = pooledArrayBytes();
    expect(before).toBeGreaterThan(0);
    float64Arrays.take(4096);
    expect(pooledArrayBytes()).toBe(before - 32 * 1024); // taking frees budget
  });

  it('empties itself when full, so arrays of a new length are kept after a run of others', () => {
    for (let index = 0; index < 40; index++) float64Arrays.give(new Float64Array(4096));
    const newLength = int32Arrays.take(1000);
    int32Arrays.give(newLength);
    expect(int32Arrays.take(1000)).toBe(newLength);
    expect(pooledArrayBytes()).toBeLessThanOrEqual(1024 * 1024);
  });
});
