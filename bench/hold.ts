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
import { EventQueue } from '../src/kernel/event-queue.js';
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

/** Where a hold loop is in its stream of increments and sequence numbers, between batches. */
interface HoldCursor {
  increment: number;
  sequence: number;
}

/**
 * One batch of faultline's EventQueue; `order` is the increasing sequence number, as the event loop
 * uses it. The queue comes in as an argument, as an event loop reaches its queue through a field.
 */
function faultlineBatch(queue: EventQueue, cursor: HoldCursor): number {
  let increment = cursor.increment;
  let sequence = cursor.sequence;
  for (let op = 0; op < BATCH; op++) {
    queue.pop();
    queue.push(queue.currentTime + increments[increment]!, sequence++, 1, queue.currentTarget, 0, 0, 0, undefined);
    increment = (increment + 1) & INCREMENT_MASK;
  }
  cursor.increment = increment;
  cursor.sequence = sequence;
  return BATCH;
}

/** One batch of flatqueue, shaped like {@link faultlineBatch}. */
function flatqueueBatch(queue: FlatQueue<number>, cursor: HoldCursor): number {
  let increment = cursor.increment;
  for (let op = 0; op < BATCH; op++) {
    const time = queue.peekValue()!;
    const id = queue.pop()!;
    queue.push(id, time + increments[increment]!);
    increment = (increment + 1) & INCREMENT_MASK;
  }
  cursor.increment = increment;
  return BATCH;
}

/**
 * Hands a batch function its queue from an array slot rather than a captured constant. A queue
 * captured as a constant lets V8 specialise the loop to that one object and, for a queue whose
 * arrays are never replaced (flatqueue at a fixed capacity), build the arrays' addresses and
 * lengths into the machine code. An event loop that holds its queue in a field of an object, as
 * EventLoop does, never gets that. Both queues go through this same indirection.
 */
function workloadOf<Queue>(queue: Queue, batch: (queue: Queue, cursor: HoldCursor) => number, sequence: number): Workload {
  const holder = [queue];
  const cursor: HoldCursor = { increment: 0, sequence };
  return { iterate: () => batch(holder[0]!, cursor) };
}

function faultlineHold(pending: number): Workload {
  const queue = new EventQueue();
  const times = prefillTimes(pending);
  for (let index = 0; index < pending; index++) queue.push(times[index]!, index, 1, index, 0, 0, 0, undefined);
  return workloadOf(queue, faultlineBatch, pending);
}

/** flatqueue with fixed capacity (its typed-array mode, the fastest it offers); ids are event numbers. */
function flatqueueHold(pending: number): Workload {
  const queue = new FlatQueue<number>(pending);
  const times = prefillTimes(pending);
  for (let index = 0; index < pending; index++) queue.push(index, times[index]!);
  return workloadOf(queue, flatqueueBatch, pending);
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
