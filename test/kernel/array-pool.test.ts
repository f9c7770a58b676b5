import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { float64Array, giveBack, int32Array, pooledArrayBytes, uint16Array, uint32Array } from '../../src/kernel/array-pool.js';
import { EventQueue } from '../../src/kernel/event-queue.js';
import { InvalidStateError } from '../../src/errors.js';
import { catchError } from './expect-error.js';

describe('array pool', () => {
  it('hands back a given array, zeroed, for the same type and length only', () => {
    const given = new Float64Array(40).fill(7.5);
    giveBack(given);
    expect(int32Array(80)).not.toBe(given);
    expect(float64Array(41)).not.toBe(given);
    const taken = float64Array(40);
    expect(taken).toBe(given);
    expect([...taken].every((value) => value === 0)).toBe(true);
    expect(float64Array(40)).not.toBe(given); // taken once only
  });

  it('keeps each element type apart', () => {
    const kinds = [new Int32Array(32).fill(-1), new Uint32Array(32).fill(9), new Uint16Array(64).fill(3)] as const;
    for (const array of kinds) giveBack(array);
    expect(uint16Array(64)).toBe(kinds[2]);
    expect(uint32Array(32)).toBe(kinds[1]);
    expect(int32Array(32)).toBe(kinds[0]);
    expect(kinds.every((array) => array.every((value) => value === 0))).toBe(true);
  });

  it('drops arrays of 64 bytes or less (they live in the JS heap), views and huge arrays', () => {
    const small = new Float64Array(8);
    giveBack(small);
    expect(float64Array(8)).not.toBe(small);
    const buffer = new ArrayBuffer(4096);
    const view = new Float64Array(buffer, 0, 100);
    giveBack(view);
    expect(float64Array(100)).not.toBe(view);
    const huge = new Float64Array(64 * 1024);
    const before = pooledArrayBytes();
    giveBack(huge);
    expect(pooledArrayBytes()).toBe(before);
  });

  it('holds at most 1 MiB, whatever is given back', () => {
    for (let index = 0; index < 100; index++) giveBack(new Float64Array(4096)); // 32 KiB each
    expect(pooledArrayBytes()).toBeLessThanOrEqual(1024 * 1024);
    expect(pooledArrayBytes()).toBeGreaterThan(1024 * 1024 - 32 * 1024);
    const before = pooledArrayBytes();
    float64Array(4096);
    expect(pooledArrayBytes()).toBe(before - 32 * 1024); // taking frees budget
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
  const operation = fc.oneof(
    fc.record({ push: fc.integer({ min: 0, max: 50 }) }),
    fc.record({ cancel: fc.nat(200) }),
    fc.constant({ pop: true as const }),
  );
  prop([fc.array(operation, { maxLength: 300 }), fc.array(operation, { maxLength: 300 })], { numRuns: 60 })(
    'a queue on released arrays pops and hands out exactly what a new queue does',
    (dirtying, operations) => {
      const released = new EventQueue();
      replay(released, dirtying);
      released.release();
      expect(replay(new EventQueue(), operations)).toEqual(replay(new EventQueue(), operations));
    },
  );
});

type Operation = { push: number } | { cancel: number } | { pop: true };

/** Runs the operations, returning every handle and popped (time, a) in order. */
function replay(queue: EventQueue, operations: ReadonlyArray<Operation>): number[] {
  const seen: number[] = [];
  const handles: number[] = [];
  let order = 0;
  for (const operation of operations) {
    if ('push' in operation) {
      const handle = queue.push(operation.push, order, 1, 0, order, 0, 0, undefined);
      order++;
      handles.push(handle);
      seen.push(handle);
    } else if ('cancel' in operation) {
      if (handles.length > 0) seen.push(queue.cancel(handles[operation.cancel % handles.length]!) ? 1 : 0);
    } else if (queue.pop()) seen.push(queue.currentTime, queue.currentA);
  }
  while (queue.pop()) seen.push(queue.currentTime, queue.currentA);
  return seen;
}
