import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { EventQueue } from '../../src/kernel/event-queue.js';
import { FaultlineError, LimitExceededError } from '../../src/errors.js';

/** Pushes an event whose `a` field carries an id, so a popped event can be identified. */
function pushId(queue: EventQueue, time: number, order: number, id: number, payload?: unknown): number {
  return queue.push(time, order, 1, 0, id, 0, 0, payload);
}

/** Pops every live event and returns their (time, id) pairs. */
function drain(queue: EventQueue): Array<{ time: number; id: number }> {
  const out: Array<{ time: number; id: number }> = [];
  while (queue.pop()) out.push({ time: queue.currentTime, id: queue.currentA });
  return out;
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

/** Reference model: a plain array of live events, popped by sorting on (time, order). */
interface ModelEvent {
  time: number;
  order: number;
  id: number;
}

/** A textbook binary heap of model events by (time, order): the reference for large queues. */
class ReferenceHeap {
  private readonly items: ModelEvent[] = [];

  push(item: ModelEvent): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!ReferenceHeap.before(items[index]!, items[parent]!)) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  pop(): ModelEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let index = 0;
    for (;;) {
      let smallest = index;
      for (const child of [2 * index + 1, 2 * index + 2]) {
        if (child < items.length && ReferenceHeap.before(items[child]!, items[smallest]!)) smallest = child;
      }
      if (smallest === index) return top;
      [items[index], items[smallest]] = [items[smallest]!, items[index]!];
      index = smallest;
    }
  }

  private static before(x: ModelEvent, y: ModelEvent): boolean {
    return x.time < y.time || (x.time === y.time && x.order < y.order);
  }
}

type Op =
  | { type: 'push'; time: number }
  | { type: 'cancel'; pick: number }
  | { type: 'pop' }
  | { type: 'peek' }
  | { type: 'clear' };

const timeArb = fc.oneof(
  // Small integers give many equal times, so FIFO-by-order ties are exercised.
  fc.integer({ min: 0, max: 15 }),
  fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('push' as const), time: timeArb }), weight: 6 },
  { arbitrary: fc.record({ type: fc.constant('cancel' as const), pick: fc.nat() }), weight: 4 },
  { arbitrary: fc.constant({ type: 'pop' as const }), weight: 3 },
  { arbitrary: fc.constant({ type: 'peek' as const }), weight: 1 },
  { arbitrary: fc.constant({ type: 'clear' as const }), weight: 1 },
);

describe('EventQueue', () => {
  describe('ordering', () => {
    it('is empty when created: pop returns false, peekTime is Infinity, size is 0', () => {
      const queue = new EventQueue();
      expect(queue.size).toBe(0);
      expect(queue.peekTime()).toBe(Infinity);
      expect(queue.pop()).toBe(false);
    });

    it('copies every field of the popped event into the current* registers', () => {
      const queue = new EventQueue();
      const payload = { hello: 'world' };
      queue.push(12.5, 0, 7, 11, -3, 42, 2_000_000_000, payload);
      expect(queue.pop()).toBe(true);
      expect(queue.currentTime).toBe(12.5);
      expect(queue.currentKind).toBe(7);
      expect(queue.currentTarget).toBe(11);
      expect(queue.currentA).toBe(-3);
      expect(queue.currentB).toBe(42);
      expect(queue.currentC).toBe(2_000_000_000);
      expect(queue.currentPayload).toBe(payload);
    });

    it('reads zeros for an event without a, b or c, also in a slot an event with them used before', () => {
      const queue = new EventQueue();
      const popped: number[][] = [];
      // Each push reuses the slot the pop before it freed; fields alternate between set and zero.
      queue.push(0, 0, 1, 5, 1, 2, 3, undefined);
      for (let step = 1; step <= 6; step++) {
        expect(queue.pop()).toBe(true);
        popped.push([queue.currentTarget, queue.currentA, queue.currentB, queue.currentC]);
        const withFields = step % 2 === 0;
        queue.push(step, step, 1, 5 + step, withFields ? -step : 0, withFields ? 0 : 0, withFields ? step : 0, undefined);
      }
      expect(popped).toEqual([
        [5, 1, 2, 3],
        [6, 0, 0, 0],
        [7, -2, 0, 2],
        [8, 0, 0, 0],
        [9, -4, 0, 4],
        [10, 0, 0, 0],
      ]);
    });

    it('pops events with equal times in the order of their order key (FIFO when the key is a sequence)', () => {
      const queue = new EventQueue();
      for (let id = 0; id < 50; id++) pushId(queue, 5, id, id);
      expect(drain(queue).map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('orders equal times by the order key even when keys are pushed out of order', () => {
      const queue = new EventQueue();
      const orders = [0.9, 0.1, 0.5, 0.3, 0.7];
      orders.forEach((order, id) => pushId(queue, 1, order, id));
      expect(drain(queue).map((e) => e.id)).toEqual([1, 3, 2, 4, 0]);
    });

    it('orders by time before order key', () => {
      const queue = new EventQueue();
      pushId(queue, 10, 0, 0);
      pushId(queue, 5, 1, 1);
      pushId(queue, 5, 2, 2);
      pushId(queue, 0, 3, 3);
      expect(drain(queue)).toEqual([
        { time: 0, id: 3 },
        { time: 5, id: 1 },
        { time: 5, id: 2 },
        { time: 10, id: 0 },
      ]);
    });

    prop([fc.array(fc.tuple(timeArb, fc.boolean()), { maxLength: 400 })], { numRuns: 150 })(
      'pops any set of events in (time, order) order, skipping cancelled ones, like a sorted reference',
      (entries) => {
        const queue = new EventQueue();
        const model: ModelEvent[] = [];
        entries.forEach(([time], id) => model.push({ time, order: id, id }));
        const handles = entries.map(([time], id) => pushId(queue, time, id, id));
        entries.forEach(([, cancelled], id) => {
          if (cancelled) expect(queue.cancel(handles[id]!)).toBe(true);
        });
        const expected = model
          .filter((e) => !entries[e.id]![1])
          .sort((x, y) => x.time - y.time || x.order - y.order)
          .map((e) => ({ time: e.time, id: e.id }));
        expect(queue.size).toBe(expected.length);
        expect(drain(queue)).toEqual(expected);
        expect(queue.size).toBe(0);
      },
    );

    prop([fc.array(opArb, { maxLength: 500 })], { numRuns: 200 })(
      'behaves like a sorted-array model under any interleaving of push, cancel, pop, peekTime and clear',
      (ops) => {
        const queue = new EventQueue();
        let live: ModelEvent[] = [];
        const handles: Array<{ handle: number; id: number }> = [];
        const byOrder = (x: ModelEvent, y: ModelEvent): number => x.time - y.time || x.order - y.order;
        let nextId = 0;
        for (const op of ops) {
          switch (op.type) {
            case 'push': {
              const id = nextId++;
              handles.push({ handle: pushId(queue, op.time, id, id), id });
              live.push({ time: op.time, order: id, id });
              break;
            }
            case 'cancel': {
              if (handles.length === 0) break;
              const { handle, id } = handles[op.pick % handles.length]!;
              const wasLive = live.some((e) => e.id === id);
              expect(queue.isPending(handle)).toBe(wasLive);
              expect(queue.cancel(handle)).toBe(wasLive);
              live = live.filter((e) => e.id !== id);
              expect(queue.isPending(handle)).toBe(false);
              expect(queue.cancel(handle)).toBe(false);
              break;
            }
            case 'pop': {
              live.sort(byOrder);
              const head = live.shift();
              expect(queue.pop()).toBe(head !== undefined);
              if (head !== undefined) {
                expect(queue.currentTime).toBe(head.time);
                expect(queue.currentA).toBe(head.id);
              }
              break;
            }
            case 'peek': {
              live.sort(byOrder);
              expect(queue.peekTime()).toBe(live[0]?.time ?? Infinity);
              break;
            }
            case 'clear':
              queue.clear();
              live = [];
              break;
          }
          expect(queue.size).toBe(live.length);
        }
        // Every handle ever returned is pending exactly when the model still holds its event.
        for (const { handle, id } of handles) expect(queue.isPending(handle)).toBe(live.some((e) => e.id === id));
        live.sort(byOrder);
        expect(drain(queue)).toEqual(live.map((e) => ({ time: e.time, id: e.id })));
      },
    );
  });

  describe('ties', () => {
    /**
     * Pushes and pops against a sorted model with only four distinct times and shuffled order
     * keys, so nearly every sift step compares two equal times and must fall back to the key,
     * including at the last child of the heap. Returns the number of pops checked.
     */
    function checkTies(queue: EventQueue, steps: Array<{ push: boolean; time: number }>, orders: number[]): number {
      let live: ModelEvent[] = [];
      let checked = 0;
      steps.forEach((step, id) => {
        if (step.push) {
          pushId(queue, step.time, orders[id]!, id);
          live.push({ time: step.time, order: orders[id]!, id });
          return;
        }
        live.sort((x, y) => x.time - y.time || x.order - y.order);
        const head = live.shift();
        expect(queue.pop()).toBe(head !== undefined);
        if (head !== undefined) expect(queue.currentA).toBe(head.id);
        checked++;
      });
      live.sort((x, y) => x.time - y.time || x.order - y.order);
      expect(drain(queue).map((e) => e.id)).toEqual(live.map((e) => e.id));
      return checked;
    }

    prop(
      [
        fc
          .array(fc.record({ push: fc.boolean(), time: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 600 })
          .chain((steps) => fc.tuple(fc.constant(steps), fc.shuffledSubarray([...steps.keys()], { minLength: steps.length, maxLength: steps.length }))),
      ],
      { numRuns: 300 },
    )('breaks ties between equal times by the order key at every position, under any push/pop interleaving', ([steps, orders]) => {
      checkTies(new EventQueue(), steps, orders);
    });

    it('breaks ties by the order key in a heap large enough for the branchy sift (300,000 events)', () => {
      let state = 12345;
      const next = (bound: number): number => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return (state >>> 8) % bound;
      };
      const queue = new EventQueue();
      const reference = new ReferenceHeap();
      let id = 0;
      const push = (time: number): void => {
        // Order keys are distinct but shuffled: the id's bits mixed, so key order is not push order.
        const order = Math.imul(id ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
        pushId(queue, time, order, id);
        reference.push({ time, order, id });
        id++;
      };
      for (let index = 0; index < 300_000; index++) push(next(8));
      // Pop and push in turn (each push lands in the popped root), then drain.
      let popped = 0;
      let outOfOrder = 0;
      while (queue.pop()) {
        if (queue.currentA !== reference.pop()!.id) outOfOrder++;
        if (popped++ < 40_000) push(queue.currentTime + next(3));
      }
      expect(outOfOrder).toBe(0);
      expect(reference.pop()).toBeUndefined();
      expect(popped).toBe(340_000);
    });
  });

  describe('cancellation', () => {
    it('never pops a cancelled event', () => {
      const queue = new EventQueue();
      pushId(queue, 1, 0, 0);
      const handle = pushId(queue, 2, 1, 1);
      pushId(queue, 3, 2, 2);
      expect(queue.cancel(handle)).toBe(true);
      expect(drain(queue).map((e) => e.id)).toEqual([0, 2]);
    });

    it('skips a cancelled event at the head: peekTime reports the next live one', () => {
      const queue = new EventQueue();
      const head = pushId(queue, 1, 0, 0);
      pushId(queue, 4, 1, 1);
      queue.cancel(head);
      expect(queue.peekTime()).toBe(4);
      expect(queue.size).toBe(1);
    });

    it('returns false when the same handle is cancelled twice', () => {
      const queue = new EventQueue();
      const handle = pushId(queue, 1, 0, 0);
      expect(queue.cancel(handle)).toBe(true);
      expect(queue.cancel(handle)).toBe(false);
      expect(queue.size).toBe(0);
    });

    it('returns false for a handle whose event already popped', () => {
      const queue = new EventQueue();
      const handle = pushId(queue, 1, 0, 0);
      expect(queue.pop()).toBe(true);
      expect(queue.isPending(handle)).toBe(false);
      expect(queue.cancel(handle)).toBe(false);
    });

    it('does not let a stale handle cancel a new event that reuses its slot', () => {
      const queue = new EventQueue();
      const stale = pushId(queue, 1, 0, 0);
      expect(queue.pop()).toBe(true);
      const fresh = pushId(queue, 2, 1, 1);
      expect(fresh).not.toBe(stale);
      expect(queue.isPending(stale)).toBe(false);
      expect(queue.cancel(stale)).toBe(false);
      expect(queue.isPending(fresh)).toBe(true);
      expect(queue.size).toBe(1);
      expect(drain(queue).map((e) => e.id)).toEqual([1]);
    });

    it('does not let a stale handle of a cancelled event cancel the event that reuses its slot', () => {
      const queue = new EventQueue();
      const stale = pushId(queue, 1, 0, 0);
      queue.cancel(stale);
      expect(queue.pop()).toBe(false); // drops the cancelled head and frees its slot
      const fresh = pushId(queue, 1, 1, 1);
      expect(queue.cancel(stale)).toBe(false);
      expect(queue.isPending(fresh)).toBe(true);
    });

    it('names slots exactly once handles pass 2^31 (a slot reused for many generations)', () => {
      const queue = new EventQueue();
      let handle = pushId(queue, 0, 0, 0);
      for (let id = 1; id <= 40; id++) {
        expect(queue.pop()).toBe(true);
        handle = pushId(queue, id, id, id);
      }
      expect(handle).toBeGreaterThan(2 ** 31);
      const other = pushId(queue, 100, 100, 100);
      expect(queue.isPending(handle)).toBe(true);
      expect(queue.isPending(handle - 2 ** 26)).toBe(false); // the same slot, one generation back
      expect(queue.cancel(handle + 1)).toBe(false); // the next slot at this generation
      expect(queue.cancel(handle)).toBe(true);
      expect(queue.isPending(other)).toBe(true);
      expect(drain(queue).map(({ id }) => id)).toEqual([100]);
    });

    it('returns false for handles it never gave out', () => {
      const queue = new EventQueue();
      pushId(queue, 1, 0, 0);
      expect(queue.cancel(12345)).toBe(false);
      expect(queue.cancel(2 ** 26 + 0)).toBe(false); // slot 0, a generation that does not exist yet
      expect(queue.isPending(999)).toBe(false);
      expect(queue.size).toBe(1);
    });

    it('reports isPending true exactly while an event waits', () => {
      const queue = new EventQueue();
      const a = pushId(queue, 1, 0, 0);
      const b = pushId(queue, 2, 1, 1);
      expect(queue.isPending(a)).toBe(true);
      expect(queue.isPending(b)).toBe(true);
      queue.cancel(b);
      expect(queue.isPending(b)).toBe(false);
      queue.pop();
      expect(queue.isPending(a)).toBe(false);
    });

    it('hands a cancelled event\'s neighbours their own payloads', () => {
      const queue = new EventQueue();
      const first = { first: true };
      const third = { third: true };
      pushId(queue, 1, 0, 0, first);
      const handle = pushId(queue, 2, 1, 1, { second: true });
      pushId(queue, 3, 2, 2, third);
      queue.cancel(handle);
      expect(queue.pop()).toBe(true);
      expect(queue.currentPayload).toBe(first);
      expect(queue.pop()).toBe(true);
      expect(queue.currentPayload).toBe(third);
      expect(queue.pop()).toBe(false);
    });
  });

  describe('compaction', () => {
    it('keeps size and order right when most events are cancelled', () => {
      const queue = new EventQueue();
      const handles: number[] = [];
      for (let id = 0; id < 2000; id++) handles.push(pushId(queue, (id * 7919) % 1000, id, id));
      const kept: ModelEvent[] = [];
      for (let id = 0; id < 2000; id++) {
        if (id % 10 === 3) kept.push({ time: (id * 7919) % 1000, order: id, id });
        else expect(queue.cancel(handles[id]!)).toBe(true);
      }
      expect(queue.size).toBe(200);
      // Kept handles stay valid and cancelled ones stay dead after compaction moved things around.
      for (let id = 0; id < 2000; id++) expect(queue.isPending(handles[id]!)).toBe(id % 10 === 3);
      kept.sort((x, y) => x.time - y.time || x.order - y.order);
      expect(drain(queue)).toEqual(kept.map((e) => ({ time: e.time, id: e.id })));
    });

    it('still honours a kept handle after compaction', () => {
      const queue = new EventQueue();
      const handles: number[] = [];
      for (let id = 0; id < 500; id++) handles.push(pushId(queue, 1000 - id, id, id));
      for (let id = 0; id < 400; id++) queue.cancel(handles[id]!);
      expect(queue.cancel(handles[450]!)).toBe(true);
      expect(queue.size).toBe(99);
      const ids = drain(queue).map((e) => e.id);
      expect(ids).toHaveLength(99);
      expect(ids).not.toContain(450);
      expect(ids[0]).toBe(499);
    });

    it('does not grow without bound under timer churn (schedule then cancel, repeatedly)', () => {
      const queue = new EventQueue();
      pushId(queue, 0, 0, 0); // a live head keeps cancelled events from being dropped at the top
      for (let i = 1; i <= 1_000; i++) queue.cancel(pushId(queue, 10 + i, i, i));
      const bytesAfterWarmUp = queue.byteLength;
      for (let i = 1_001; i <= 100_000; i++) queue.cancel(pushId(queue, 10 + i, i, i));
      expect(queue.size).toBe(1);
      expect(queue.byteLength).toBe(bytesAfterWarmUp);
      expect(drain(queue).map((e) => e.id)).toEqual([0]);
    });
  });

  describe('growth and bounds', () => {
    it('allocates no slots until the first push, then few', () => {
      // Property tests build thousands of short-lived loops: an empty queue must cost next to nothing.
      const queue = new EventQueue();
      expect(queue.byteLength).toBeLessThan(64);
      pushId(queue, 1, 1, 1);
      expect(queue.byteLength).toBeLessThan(4_096);
      expect(queue.pop()).toBe(true);
      expect(queue.currentA).toBe(1);
    });

    it('grows from nothing to hold 100,000 events in order', () => {
      const queue = new EventQueue();
      const times: number[] = [];
      let state = 12345;
      for (let id = 0; id < 100_000; id++) {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        const time = state % 10_000;
        times.push(time);
        pushId(queue, time, id, id);
      }
      expect(queue.size).toBe(100_000);
      let previousTime = -1;
      let previousId = -1;
      let count = 0;
      while (queue.pop()) {
        const time = queue.currentTime;
        const id = queue.currentA;
        expect(times[id]).toBe(time);
        if (time === previousTime) expect(id).toBeGreaterThan(previousId);
        else expect(time).toBeGreaterThan(previousTime);
        previousTime = time;
        previousId = id;
        count++;
      }
      expect(count).toBe(100_000);
    });

    it('keeps handles valid across growth', () => {
      const queue = new EventQueue();
      const first = pushId(queue, 50, 0, 0);
      for (let id = 1; id < 5000; id++) pushId(queue, id, id, id);
      expect(queue.isPending(first)).toBe(true);
      expect(queue.cancel(first)).toBe(true);
      expect(queue.size).toBe(4999);
    });

    it('throws LimitExceededError with limit maxPendingEvents past its bound', () => {
      const queue = new EventQueue(10);
      for (let id = 0; id < 10; id++) pushId(queue, id, id, id);
      const error = catchError(() => pushId(queue, 99, 99, 99));
      expect(error).toBeInstanceOf(LimitExceededError);
      expect(error).toBeInstanceOf(FaultlineError);
      const limitError = error as LimitExceededError;
      expect(limitError.code).toBe('LIMIT_EXCEEDED');
      expect(limitError.limit).toBe('maxPendingEvents');
      expect(limitError.bound).toBe(10);
      expect(limitError.message).toMatch(/maxPendingEvents/);
      // The failed push left the queue intact.
      expect(queue.size).toBe(10);
      expect(drain(queue).map((e) => e.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('enforces a bound above the initial capacity', () => {
      const queue = new EventQueue(3000);
      for (let id = 0; id < 3000; id++) pushId(queue, id, id, id);
      expect(() => pushId(queue, 0, 0, 0)).toThrow(LimitExceededError);
      expect(queue.size).toBe(3000);
    });

    it('accepts new events again once popped ones free room under the bound', () => {
      const queue = new EventQueue(4);
      for (let id = 0; id < 4; id++) pushId(queue, id, id, id);
      expect(queue.pop()).toBe(true);
      expect(() => pushId(queue, 10, 10, 10)).not.toThrow();
      expect(queue.size).toBe(4);
    });

    it('grows rather than compacting when few of the waiting events are cancelled', () => {
      // A heap kept full by re-armed timers would otherwise be rebuilt every time the free list runs dry.
      const queue = new EventQueue();
      const handles: number[] = [];
      for (let id = 0; id < 32; id++) handles.push(pushId(queue, id, id, id)); // the first allocation, full
      expect(queue.cancel(handles[31]!)).toBe(true);
      const bytesBefore = queue.byteLength;
      pushId(queue, 100, 100, 100);
      expect(queue.byteLength).toBeGreaterThan(bytesBefore);
      expect(queue.isPending(handles[31]!)).toBe(false);
      expect(drain(queue).map(({ id }) => id)).toEqual([...Array.from({ length: 31 }, (_, id) => id), 100]);
    });

    it('compacts rather than growing when most of the waiting events are cancelled', () => {
      const queue = new EventQueue();
      const handles: number[] = [];
      for (let id = 0; id < 32; id++) handles.push(pushId(queue, id, id, id));
      for (let id = 8; id < 32; id++) expect(queue.cancel(handles[id]!)).toBe(true);
      const bytesBefore = queue.byteLength;
      pushId(queue, 100, 100, 100);
      expect(queue.byteLength).toBe(bytesBefore);
      expect(drain(queue).map(({ id }) => id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 100]);
    });

    it('does not count cancelled events against the bound on waiting events', () => {
      // maxPendingEvents bounds events *waiting*; a cancelled event is not waiting.
      const queue = new EventQueue(10);
      const handles: number[] = [];
      for (let id = 0; id < 10; id++) handles.push(pushId(queue, id, id, id));
      expect(queue.cancel(handles[9]!)).toBe(true); // not at the head, so it is not dropped by peek/pop
      expect(queue.size).toBe(9);
      expect(() => pushId(queue, 100, 100, 100)).not.toThrow();
      expect(queue.size).toBe(10);
    });
  });

  describe('clear()', () => {
    it('removes every event and invalidates every handle', () => {
      const queue = new EventQueue();
      const handles: number[] = [];
      for (let id = 0; id < 2000; id++) handles.push(pushId(queue, id % 17, id, id));
      queue.cancel(handles[5]!);
      queue.clear();
      expect(queue.size).toBe(0);
      expect(queue.peekTime()).toBe(Infinity);
      expect(queue.pop()).toBe(false);
      for (const handle of handles) {
        expect(queue.isPending(handle)).toBe(false);
        expect(queue.cancel(handle)).toBe(false);
      }
    });

    it('leaves the queue usable afterwards', () => {
      const queue = new EventQueue();
      const old = pushId(queue, 1, 0, 0);
      queue.clear();
      pushId(queue, 3, 1, 1);
      pushId(queue, 2, 2, 2);
      expect(queue.cancel(old)).toBe(false);
      expect(queue.size).toBe(2);
      expect(drain(queue).map((e) => e.id)).toEqual([2, 1]);
    });
  });
});
