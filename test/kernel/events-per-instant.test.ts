import { describe, expect, it } from 'vitest';
import { EventLoop, type EventLoopOptions } from '../../src/kernel/event-loop.js';
import { LimitExceededError } from '../../src/errors.js';
import { catchError, catchRejection, expectInvalidArgument } from './expect-error.js';

/** A kind whose events belong to node `n<target>` and re-arm themselves at delay 0, forever. */
function defineSpinner(loop: EventLoop): number {
  const kind: number = loop.defineEvent({
    name: 'timer',
    handle: (target) => void loop.scheduleEvent(0, kind, target),
    describe: (target) => ({ nodeId: `n${target}`, event: "onTimer 'spin'" }),
  });
  return kind;
}

/** Schedules `count` no-op callbacks at `timeMs`. */
function burst(loop: EventLoop, timeMs: number, count: number): void {
  for (let index = 0; index < count; index++) loop.scheduleAt(timeMs, () => undefined);
}

function expectInstantLimit(error: unknown, bound: number, timeMs: number): LimitExceededError {
  expect(error).toBeInstanceOf(LimitExceededError);
  const limit = error as LimitExceededError;
  expect(limit.code).toBe('LIMIT_EXCEEDED');
  expect(limit.limit).toBe('maxEventsPerInstant');
  expect(limit.bound).toBe(bound);
  expect(limit.timeMs).toBe(timeMs);
  expect(limit.message).toContain(`maxEventsPerInstant (${bound}) exceeded`);
  expect(limit.message).toContain(`t=${timeMs}ms`);
  expect(limit.message).toMatch(/raise it/);
  return limit;
}

describe('maxEventsPerInstant', () => {
  it('stops a zero-delay loop of a defined kind by the default bound, naming the node and the event kind', () => {
    // maxEvents only keeps a regression from spinning for the default's 1e8 events.
    const loop = new EventLoop({ seed: 1, maxEvents: 3_000_000 });
    expect(loop.maxEventsPerInstant).toBe(1_000_000);
    loop.scheduleEvent(5, defineSpinner(loop), 7);
    const error = expectInstantLimit(catchError(() => loop.run()), 1_000_000, 5);
    expect(error.nodeId).toBe('n7');
    expect(error.event).toContain("onTimer 'spin'");
    expect(error.event).toContain("event kind 'timer'");
    expect(error.message).toContain("by node 'n7' onTimer 'spin' (event kind 'timer')");
    expect(loop.eventsProcessed).toBe(1_000_000);
    expect(loop.now).toBe(5);
  });

  it('stops a plain schedule callback that re-arms itself at delay 0, naming it as a scheduled callback', () => {
    const loop = new EventLoop({ seed: 1, maxEventsPerInstant: 1_000, maxEvents: 10_000 });
    const spin = (): void => void loop.schedule(0, spin);
    loop.schedule(3, spin);
    const error = expectInstantLimit(catchError(() => loop.runUntilQuiet()), 1_000, 3);
    expect(error.nodeId).toBeUndefined();
    expect(error.event).toBe("scheduled callback (event kind 'callback')");
    expect(loop.eventsProcessed).toBe(1_000);
  });

  it('allows exactly maxEventsPerInstant events at one instant, and throws on one more', () => {
    const fits = new EventLoop({ seed: 1, maxEventsPerInstant: 500 });
    burst(fits, 10, 500);
    expect(fits.run()).toEqual({ eventsProcessed: 500, timeMs: 10, stoppedBy: 'quiet' });

    const over = new EventLoop({ seed: 1, maxEventsPerInstant: 500 });
    burst(over, 10, 501);
    expectInstantLimit(catchError(() => over.run()), 500, 10);
    expect(over.eventsProcessed).toBe(500);
  });

  it('counts events at time 0 before time ever moved', () => {
    const fits = new EventLoop({ seed: 1, maxEventsPerInstant: 50 });
    burst(fits, 0, 50);
    expect(fits.run().eventsProcessed).toBe(50);
    const over = new EventLoop({ seed: 1, maxEventsPerInstant: 50 });
    burst(over, 0, 51);
    expectInstantLimit(catchError(() => over.run()), 50, 0);
  });

  it('gives every instant its own allowance: many full instants in a row are fine', () => {
    const loop = new EventLoop({ seed: 1, maxEventsPerInstant: 200 });
    for (let timeMs = 1; timeMs <= 50; timeMs++) burst(loop, timeMs, 200);
    expect(loop.run()).toEqual({ eventsProcessed: 10_000, timeMs: 50, stoppedBy: 'quiet' });
  });

  it('handles a large burst below the default bound', () => {
    const loop = new EventLoop({ seed: 1 });
    const kind = loop.defineEvent({ name: 'noop', handle: () => undefined });
    for (let target = 0; target < 100_000; target++) loop.scheduleEvent(1, kind, target);
    expect(loop.run()).toEqual({ eventsProcessed: 100_000, timeMs: 1, stoppedBy: 'quiet' });
  });

  it('starts a fresh allowance when run({ until }) moves time to an instant with no event yet', () => {
    const loop = new EventLoop({ seed: 1, maxEventsPerInstant: 100 });
    burst(loop, 3, 80);
    loop.run({ until: 10 });
    expect(loop.now).toBe(10);
    burst(loop, 10, 100);
    expect(loop.run().eventsProcessed).toBe(100);
  });

  it('counts one instant across run calls and step(), so stepping cannot spin forever either', () => {
    const loop = new EventLoop({ seed: 1, maxEventsPerInstant: 30 });
    const spin = (): void => void loop.schedule(0, spin);
    loop.schedule(2, spin);
    let steps = 0;
    const error = catchError(() => {
      while (steps < 1_000 && loop.step()) steps++;
    });
    expectInstantLimit(error, 30, 2);
    expect(steps).toBe(30);
  });

  it('bounds runAsync and stepAsync the same way', async () => {
    const loop = new EventLoop({ seed: 1, maxEventsPerInstant: 40, maxEvents: 1_000 });
    loop.scheduleEvent(4, defineSpinner(loop), 2);
    const error = expectInstantLimit(await catchRejection(() => loop.runAsync()), 40, 4);
    expect(error.nodeId).toBe('n2');

    const stepping = new EventLoop({ seed: 1, maxEventsPerInstant: 40 });
    stepping.scheduleEvent(4, defineSpinner(stepping), 3);
    let steps = 0;
    const stepError = await catchRejection(async () => {
      while (steps < 1_000 && (await stepping.stepAsync())) steps++;
    });
    expect(expectInstantLimit(stepError, 40, 4).nodeId).toBe('n3');
  });

  it('is not tripped by a loop that advances time, however small the step', () => {
    const loop = new EventLoop({ seed: 1, maxEventsPerInstant: 1, maxEvents: 5_000 });
    const tick = (): void => void loop.schedule(0.001, tick);
    loop.schedule(0, tick);
    const error = catchError(() => loop.run());
    expect((error as LimitExceededError).limit).toBe('maxEvents');
  });

  it('is one of the option keys, so a Simulation accepts it', () => {
    expect(EventLoop.optionKeys).toContain('maxEventsPerInstant');
  });

  describe('option validation', () => {
    const cases: Array<[string, unknown]> = [
      ['0', 0],
      ['-1', -1],
      ['1.5', 1.5],
      ['NaN', Number.NaN],
      ['Infinity', Infinity],
      ['a string', '10'],
      ['null', null],
      ['above 2^53', 2 ** 53],
    ];
    for (const [label, value] of cases) {
      it(`rejects ${label}`, () => {
        const error = expectInvalidArgument(() => new EventLoop({ seed: 1, maxEventsPerInstant: value } as EventLoopOptions), 'maxEventsPerInstant');
        expect(error.value).toBe(value);
        expect(error.expected).toContain('an integer in [1,');
      });
    }

    it('accepts 1 and large integers', () => {
      expect(new EventLoop({ seed: 1, maxEventsPerInstant: 1 }).maxEventsPerInstant).toBe(1);
      expect(new EventLoop({ seed: 1, maxEventsPerInstant: 1e12 }).maxEventsPerInstant).toBe(1e12);
    });
  });
});
