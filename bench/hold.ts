/**
 * The "hold" model of priority-queue benchmarks: prefill `pending` events with random times,
 * then repeat { pop the earliest; push a new event at popped time + increment }. The queue size
 * stays constant, so a batch measures steady-state pop+push cost at that size.
 *
 * faultline's EventQueue and the `flatqueue` package do the same pushes and pops: the same
 * prefill times and the same precomputed increments in the same order, so random-number cost is
 * identical (zero) for both. One op = one pop + one push.
 */
import FlatQueue from 'flatqueue';
import { EventQueue } from '../src/index.js';
import type { BenchCase, Workload } from './measure.js';
import { exponentialDraws } from './random.js';

/** Hold operations per measured batch. */
const BATCH = 1 << 16;
const INCREMENT_COUNT = 1 << 16;
const INCREMENT_MASK = INCREMENT_COUNT - 1;
const PREFILL_SEED = 0x5eed;
const INCREMENT_SEED = 0xbeef;

const increments = exponentialDraws(INCREMENT_COUNT, 1, INCREMENT_SEED);

function prefillTimes(pending: number): Float64Array {
  return exponentialDraws(pending, 1, PREFILL_SEED);
}

/** faultline's EventQueue; `order` is the increasing sequence number, as the event loop uses it. */
function faultlineHold(pending: number): Workload {
  const queue = new EventQueue();
  const times = prefillTimes(pending);
  let sequence = 0;
  for (let index = 0; index < pending; index++) queue.push(times[index]!, sequence++, 1, index, 0, 0, 0, undefined);
  let cursor = 0;
  return {
    iterate() {
      for (let op = 0; op < BATCH; op++) {
        queue.pop();
        queue.push(queue.currentTime + increments[cursor]!, sequence++, 1, queue.currentTarget, 0, 0, 0, undefined);
        cursor = (cursor + 1) & INCREMENT_MASK;
      }
      return BATCH;
    },
  };
}

/** flatqueue with fixed capacity (its typed-array mode, the fastest it offers); ids are event numbers. */
function flatqueueHold(pending: number): Workload {
  const queue = new FlatQueue<number>(pending);
  const times = prefillTimes(pending);
  for (let index = 0; index < pending; index++) queue.push(index, times[index]!);
  let cursor = 0;
  return {
    iterate() {
      for (let op = 0; op < BATCH; op++) {
        const time = queue.peekValue()!;
        const id = queue.pop()!;
        queue.push(id, time + increments[cursor]!);
        cursor = (cursor + 1) & INCREMENT_MASK;
      }
      return BATCH;
    },
  };
}

export const holdSizes = [1e3, 1e4, 1e5, 1e6] as const;

export const FAULTLINE_QUEUE = 'faultline EventQueue';
export const FLATQUEUE = 'flatqueue';

/** One case per (implementation, size); the two at one size form a comparison set (see measure.ts). */
export function holdCases(sizes: readonly number[] = holdSizes): BenchCase[] {
  return sizes.flatMap((pending) => [
    { group: 'queue hold', name: FAULTLINE_QUEUE, parameters: { pending }, metric: 'opsPerSec', create: () => faultlineHold(pending) },
    { group: 'queue hold', name: FLATQUEUE, parameters: { pending }, metric: 'opsPerSec', create: () => flatqueueHold(pending) },
  ]);
}
