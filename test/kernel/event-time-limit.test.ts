import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { EventLoop } from '../../src/kernel/event-loop.js';
import { InvalidArgumentError, LimitExceededError } from '../../src/errors.js';
import { catchError, catchRejection, expectInvalidArgument } from './expect-error.js';

const MAX = EventLoop.maxSimulatedTimeMs;

/** A loop whose clock stands at `nowMs`, with room to schedule up to the largest simulated time. */
function loopAt(nowMs: number): EventLoop {
  const loop = new EventLoop({ seed: 1, maxTimeMs: MAX });
  loop.run({ until: nowMs });
  return loop;
}

/** Every way to schedule one event, by the argument that carries its time; the event records `now` in `seen`. */
const schedulePaths: Array<{
  name: string;
  field: 'delayMs' | 'timeMs';
  schedule: (loop: EventLoop, value: number, seen?: number[]) => number;
}> = [
  { name: 'schedule', field: 'delayMs', schedule: (loop, delayMs, seen = []) => loop.schedule(delayMs, () => seen.push(loop.now)) },
  { name: 'scheduleAt', field: 'timeMs', schedule: (loop, timeMs, seen = []) => loop.scheduleAt(timeMs, () => seen.push(loop.now)) },
  { name: 'scheduleEvent', field: 'delayMs', schedule: (loop, delayMs, seen = []) => loop.scheduleEvent(delayMs, defineProbe(loop, seen), 1) },
  { name: 'scheduleEventAt', field: 'timeMs', schedule: (loop, timeMs, seen = []) => loop.scheduleEventAt(timeMs, defineProbe(loop, seen), 1) },
];

function defineProbe(loop: EventLoop, seen: number[]): number {
  return loop.defineEvent({ name: 'probe', handle: () => seen.push(loop.now) });
}

describe('event times are bounded by EventLoop.maxSimulatedTimeMs', () => {
  it('documents the bound as 2^53 - 1 ms, the largest time at which every whole ms is exact', () => {
    expect(MAX).toBe(Number.MAX_SAFE_INTEGER);
    expect(MAX + 1).not.toBe(MAX);
    expect(MAX + 2).toBe(MAX + 1); // past it, adding 1 ms can leave time where it was
  });

  for (const path of schedulePaths) {
    describe(path.name, () => {
      /** The argument that puts the event at `timeMs`, from a loop at time 1000. */
      const argumentFor = (timeMs: number): number => (path.field === 'delayMs' ? timeMs - 1000 : timeMs);

      it('accepts an event at exactly the bound, and it runs there', () => {
        const loop = loopAt(1000);
        const seen: number[] = [];
        const handle = path.schedule(loop, argumentFor(MAX), seen);
        expect(loop.isPending(handle)).toBe(true);
        expect(loop.runUntilQuiet()).toEqual({ eventsProcessed: 1, timeMs: MAX, stoppedBy: 'quiet' });
        expect(seen).toEqual([MAX]);
      });

      for (const [label, value] of [
        ['one ms past the bound', argumentFor(MAX + 1)],
        ['Number.MAX_VALUE', Number.MAX_VALUE],
        ['Infinity', Infinity],
      ] as const) {
        it(`rejects ${label} at scheduling time, naming ${path.field}, the value and the bound`, () => {
          const loop = loopAt(1000);
          const error = expectInvalidArgument(() => path.schedule(loop, value), path.field);
          expect(error.value).toBe(value);
          expect(error.message).toContain(`got ${value}`);
          expect(error.expected).toContain(String(MAX));
          expect(error.expected).toContain('maxSimulatedTimeMs');
          expect(loop.pendingEvents).toBe(0);
          expect(loop.runUntilQuiet()).toEqual({ eventsProcessed: 0, timeMs: 1000, stoppedBy: 'quiet' });
        });
      }

      it('measures the bound from now when scheduling from a handler', () => {
        const loop = new EventLoop({ seed: 1, maxTimeMs: MAX });
        const caught: unknown[] = [];
        loop.schedule(250, () => {
          const last = path.field === 'delayMs' ? MAX - 250 : MAX;
          path.schedule(loop, last);
          caught.push(catchError(() => path.schedule(loop, last + 1)));
        });
        loop.run({ until: 250 });
        expect(caught).toHaveLength(1);
        expect(caught[0]).toBeInstanceOf(InvalidArgumentError);
        expect((caught[0] as InvalidArgumentError).field).toBe(path.field);
        expect(loop.pendingEvents).toBe(1);
      });
    });
  }

  it('gives the whole accepted range, from now to the bound, for any bad delay', () => {
    const loop = loopAt(1000);
    for (const delayMs of [-1, Number.NaN, -Infinity, Infinity, MAX]) {
      const error = expectInvalidArgument(() => loop.schedule(delayMs, () => undefined), 'delayMs');
      expect(error.expected).toBe(`a finite number >= 0, with now (1000ms) + delayMs <= ${MAX}ms (EventLoop.maxSimulatedTimeMs)`);
    }
  });

  it('rejects maxTimeMs past the bound, and accepts the bound itself', () => {
    for (const maxTimeMs of [MAX + 2, Number.MAX_VALUE]) {
      const error = expectInvalidArgument(() => new EventLoop({ seed: 1, maxTimeMs }), 'maxTimeMs');
      expect(error.expected).toContain(String(MAX));
    }
    expect(new EventLoop({ seed: 1, maxTimeMs: MAX }).maxTimeMs).toBe(MAX);
  });
});

describe('run never reports quiet while an event is pending', () => {
  it("reports 'until' for an event pending past until, and keeps it", () => {
    const loop = new EventLoop({ seed: 1 });
    const handle = loop.schedule(5_000, () => undefined);
    expect(loop.run({ until: 4_999 })).toEqual({ eventsProcessed: 0, timeMs: 4_999, stoppedBy: 'until' });
    expect(loop.isPending(handle)).toBe(true);
  });

  it("throws maxTimeMs for an event pending past maxTimeMs, keeps it, and reports 'until' when until stops short of it", async () => {
    const loop = new EventLoop({ seed: 1, maxTimeMs: 100 });
    const handle = loop.schedule(101, () => undefined);
    const error = catchError(() => loop.run());
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).limit).toBe('maxTimeMs');
    const asyncError = await catchRejection(() => loop.runAsync());
    expect((asyncError as LimitExceededError).limit).toBe('maxTimeMs');
    expect(loop.isPending(handle)).toBe(true);
    expect(loop.run({ until: 100 })).toEqual({ eventsProcessed: 0, timeMs: 100, stoppedBy: 'until' });
    expect(await loop.runAsync({ until: 100 })).toEqual({ eventsProcessed: 0, timeMs: 100, stoppedBy: 'until' });
    expect(loop.isPending(handle)).toBe(true);
  });

  it('the overflow that used to lose an event: now + delay reaching Infinity is rejected, not queued', () => {
    // The old kernel accepted a maxTimeMs near Number.MAX_VALUE, and then 1e308 + 1e308 = Infinity,
    // an event indistinguishable from an empty queue: run() said 'quiet' with it pending.
    expectInvalidArgument(() => new EventLoop({ seed: 1, maxTimeMs: Number.MAX_VALUE }), 'maxTimeMs');
    const loop = loopAt(MAX);
    expectInvalidArgument(() => loop.schedule(Number.MAX_VALUE, () => undefined), 'delayMs');
    expect(loop.pendingEvents).toBe(0);
  });

  const maxTimeMs = fc.constantFrom(undefined, 1_000, 1e15, MAX, Number.MAX_VALUE);
  const time = fc.oneof(
    fc.double({ min: 0, max: 2e16, noNaN: true }),
    fc.constantFrom(0, 1, MAX, MAX + 1, MAX + 2, 1e300, Number.MAX_VALUE, Infinity, Number.NaN, -1),
  );
  const step = fc.record({ absolute: fc.boolean(), value: time });

  prop([maxTimeMs, time, fc.array(step, { maxLength: 8 })], { numRuns: 300 })(
    'whatever the times, each schedule call is accepted or rejected with InvalidArgumentError, and a run is quiet only with nothing pending',
    (maxTimeMsOption, startMs, steps) => {
      let loop: EventLoop;
      try {
        loop = new EventLoop({ seed: 1, maxTimeMs: maxTimeMsOption });
        loop.run({ until: Math.min(startMs, loop.maxTimeMs) });
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return;
      }
      let accepted = 0;
      for (const { absolute, value } of steps) {
        try {
          if (absolute) loop.scheduleAt(value, () => undefined);
          else loop.schedule(value, () => undefined);
          accepted++;
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidArgumentError);
        }
      }
      expect(loop.pendingEvents).toBe(accepted);
      expect(loop.nextEventTime() === Infinity).toBe(accepted === 0);
      try {
        const result = loop.run();
        expect(result.stoppedBy).toBe('quiet');
        expect(loop.pendingEvents).toBe(0);
        expect(result.eventsProcessed).toBe(accepted);
      } catch (error) {
        expect(error).toBeInstanceOf(LimitExceededError);
        expect((error as LimitExceededError).limit).toBe('maxTimeMs');
        expect(loop.pendingEvents).toBeGreaterThan(0);
      }
    },
  );
});
