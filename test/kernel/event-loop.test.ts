import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { EventLoop, type EventLoopOptions } from '../../src/kernel/event-loop.js';
import { TraceRecorder } from '../../src/kernel/trace-recorder.js';
import { catchError, catchRejection, expectInvalidArgument, expectInvalidArgumentError } from './expect-error.js';
import {
  FaultlineError,
  HandlerError,
  InvalidArgumentError,
  InvalidStateError,
  LimitExceededError,
} from '../../src/errors.js';

/** Schedules `count` callbacks at the same time that record their index, runs, and returns the order. */
function sameTimeOrder(options: EventLoopOptions, count: number): number[] {
  const loop = new EventLoop(options);
  const order: number[] = [];
  for (let index = 0; index < count; index++) loop.schedule(5, () => order.push(index));
  loop.runUntilQuiet();
  return order;
}

describe('EventLoop', () => {
  describe('scheduling and time', () => {
    it('starts at time 0 with nothing pending and nothing processed', () => {
      const loop = new EventLoop({ seed: 1 });
      expect(loop.now).toBe(0);
      expect(loop.pendingEvents).toBe(0);
      expect(loop.eventsProcessed).toBe(0);
      expect(loop.isRunning).toBe(false);
    });

    it('runs a scheduled callback after its delay, with now advanced to its time', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(10, () => seen.push(loop.now));
      loop.schedule(2.5, () => seen.push(loop.now));
      expect(loop.pendingEvents).toBe(2);
      const result = loop.run();
      expect(seen).toEqual([2.5, 10]);
      expect(loop.now).toBe(10);
      expect(result).toEqual({ eventsProcessed: 2, timeMs: 10, stoppedBy: 'quiet' });
      expect(loop.pendingEvents).toBe(0);
      expect(loop.eventsProcessed).toBe(2);
    });

    it('measures delays from the current time when scheduling from a handler', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(10, () => loop.schedule(5, () => seen.push(loop.now)));
      loop.runUntilQuiet();
      expect(seen).toEqual([15]);
    });

    it('runs a zero-delay callback at the current time', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(7, () => loop.schedule(0, () => seen.push(loop.now)));
      loop.runUntilQuiet();
      expect(seen).toEqual([7]);
    });

    it('scheduleAt runs a callback at an absolute time', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(10, () => loop.scheduleAt(12.25, () => seen.push(loop.now)));
      loop.scheduleAt(3, () => seen.push(loop.now));
      loop.runUntilQuiet();
      expect(seen).toEqual([3, 12.25]);
    });

    it('scheduleAt accepts exactly now and rejects a time before now', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.run({ until: 50 });
      expect(() => loop.scheduleAt(50, () => undefined)).not.toThrow();
      const error = expectInvalidArgument(() => loop.scheduleAt(49.9, () => undefined), 'timeMs');
      expect(error.message).toContain('50ms');
    });

    it('scheduleEvent delivers the integer fields and the payload to the kind\'s handler', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: unknown[] = [];
      const kind = loop.defineEvent({
        name: 'probe',
        handle: (target, a, b, c, payload) => seen.push({ now: loop.now, target, a, b, c, payload }),
      });
      const payload = { id: 'x' };
      loop.scheduleEvent(4, kind, 1, 2, 3, 4, payload);
      loop.scheduleEvent(1, kind);
      loop.runUntilQuiet();
      expect(seen).toEqual([
        { now: 1, target: 0, a: 0, b: 0, c: 0, payload: undefined },
        { now: 4, target: 1, a: 2, b: 3, c: 4, payload },
      ]);
      expect((seen[1] as { payload: unknown }).payload).toBe(payload);
    });

    it('scheduleEventAt schedules a defined kind at an absolute time', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      const kind = loop.defineEvent({ name: 'at', handle: (target) => seen.push(target, loop.now) });
      loop.run({ until: 5 });
      loop.scheduleEventAt(8, kind, 9);
      loop.runUntilQuiet();
      expect(seen).toEqual([9, 8]);
      expectInvalidArgument(() => loop.scheduleEventAt(7, kind), 'timeMs');
    });

    it('defineEvent returns distinct kind numbers and rejects a definition without a handle', () => {
      const loop = new EventLoop({ seed: 1 });
      const first = loop.defineEvent({ name: 'first', handle: () => undefined });
      const second = loop.defineEvent({ name: 'second', handle: () => undefined });
      expect(first).not.toBe(second);
      expectInvalidArgument(() => loop.defineEvent({ name: 'bad' } as never), 'definition.handle');
      expectInvalidArgument(() => loop.defineEvent(null as never), 'definition');
    });

    it('defineEvent rejects an unknown key and a name that is not a string, naming them', () => {
      const loop = new EventLoop({ seed: 1 });
      const handle = (): void => undefined;
      const misspelt = expectInvalidArgument(() => loop.defineEvent({ name: 'x', handle, descibe: () => ({ event: 'x' }) } as never), 'definition.descibe');
      expect(misspelt.expected).toContain('unknown option');
      expectInvalidArgument(() => loop.defineEvent({ handle } as never), 'definition.name');
      expectInvalidArgument(() => loop.defineEvent({ name: null, handle } as never), 'definition.name');
    });

    it('allows at most 254 kinds besides the built-in callback kind (kind 255 marks cancelled events)', () => {
      const loop = new EventLoop({ seed: 1 });
      const kinds: number[] = [];
      for (let index = 0; index < 254; index++) kinds.push(loop.defineEvent({ name: `k${index}`, handle: () => undefined }));
      const error = catchError(() => loop.defineEvent({ name: 'one-too-many', handle: () => undefined }));
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as InvalidStateError).message).toContain('one-too-many');
      // The highest kind still runs its own handler.
      const seen: number[] = [];
      const last = kinds[kinds.length - 1]!;
      const loop2 = new EventLoop({ seed: 1 });
      for (let index = 0; index < 254; index++) loop2.defineEvent({ name: `k${index}`, handle: (target) => seen.push(index, target) });
      loop2.scheduleEvent(1, last, 77);
      loop2.runUntilQuiet();
      expect(seen).toEqual([253, 77]);
    });
  });

  describe('cancel and isPending', () => {
    it('a cancelled callback never runs', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: string[] = [];
      const handle = loop.schedule(5, () => seen.push('cancelled'));
      loop.schedule(6, () => seen.push('kept'));
      expect(loop.isPending(handle)).toBe(true);
      expect(loop.cancel(handle)).toBe(true);
      expect(loop.isPending(handle)).toBe(false);
      expect(loop.pendingEvents).toBe(1);
      loop.runUntilQuiet();
      expect(seen).toEqual(['kept']);
    });

    it('cancel returns false for a second cancel, a handle that already ran, and garbage handles', () => {
      const loop = new EventLoop({ seed: 1 });
      const ran = loop.schedule(1, () => undefined);
      const cancelled = loop.schedule(2, () => undefined);
      loop.cancel(cancelled);
      expect(loop.cancel(cancelled)).toBe(false);
      loop.runUntilQuiet();
      expect(loop.cancel(ran)).toBe(false);
      expect(loop.isPending(ran)).toBe(false);
      for (const garbage of [-1, 1.5, Number.NaN, Infinity, 2 ** 60, '0', null, undefined, {}]) {
        expect(loop.cancel(garbage as number)).toBe(false);
        expect(loop.isPending(garbage as number)).toBe(false);
      }
    });

    it('a handler can cancel a later event at the same time', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: string[] = [];
      let second = -1;
      loop.schedule(5, () => {
        seen.push('first');
        loop.cancel(second);
      });
      second = loop.schedule(5, () => seen.push('second'));
      loop.runUntilQuiet();
      expect(seen).toEqual(['first']);
    });

    it('a stale handle does not cancel the event that later reuses its slot', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: string[] = [];
      const stale = loop.schedule(1, () => seen.push('old'));
      loop.runUntilQuiet();
      const fresh = loop.schedule(1, () => seen.push('new'));
      expect(loop.cancel(stale)).toBe(false);
      expect(loop.isPending(fresh)).toBe(true);
      loop.runUntilQuiet();
      expect(seen).toEqual(['old', 'new']);
    });
  });

  describe('ordering of simultaneous events', () => {
    it('runs events at the same time in the order they were scheduled (fifo, the default)', () => {
      expect(sameTimeOrder({ seed: 1 }, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(sameTimeOrder({ seed: 1, tieBreak: 'fifo' }, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('runs an event scheduled from a handler at the current time after those already waiting then', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: string[] = [];
      loop.schedule(5, () => {
        seen.push('a');
        loop.schedule(0, () => seen.push('c'));
      });
      loop.schedule(5, () => seen.push('b'));
      loop.runUntilQuiet();
      expect(seen).toEqual(['a', 'b', 'c']);
    });

    it("tieBreak 'random' gives a permutation that differs from fifo for some seed", () => {
      const fifo = Array.from({ length: 10 }, (_, i) => i);
      const orders = Array.from({ length: 10 }, (_, seed) => sameTimeOrder({ seed, tieBreak: 'random' }, 10));
      for (const order of orders) expect([...order].sort((x, y) => x - y)).toEqual(fifo);
      expect(orders.some((order) => order.join() !== fifo.join())).toBe(true);
      // Different seeds explore different interleavings.
      expect(new Set(orders.map((order) => order.join())).size).toBeGreaterThan(1);
    });

    it("tieBreak 'random' gives the same order in two runs with the same seed", () => {
      for (const seed of [0, 7, 'abc']) {
        expect(sameTimeOrder({ seed, tieBreak: 'random' }, 30)).toEqual(sameTimeOrder({ seed, tieBreak: 'random' }, 30));
      }
    });

    it("tieBreak 'random' never reorders events at different times", () => {
      const loop = new EventLoop({ seed: 3, tieBreak: 'random' });
      const times: number[] = [];
      for (let index = 0; index < 200; index++) loop.schedule((index * 37) % 50, () => times.push(loop.now));
      loop.runUntilQuiet();
      expect(times).toHaveLength(200);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    });

    prop(
      [
        fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 100, noNaN: true })), { minLength: 1, maxLength: 150 }),
        fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 150 }),
      ],
      { numRuns: 150 },
    )('processes events in (time, scheduling sequence) order, including events scheduled by handlers', (delays, childDelays) => {
      const loop = new EventLoop({ seed: 1 });
      const scheduledAt = new Map<number, number>(); // seq -> due time
      const ran: Array<{ now: number; seq: number }> = [];
      let seq = 0;
      let children = 0;
      const scheduleOne = (delay: number): void => {
        const mySeq = seq++;
        scheduledAt.set(mySeq, loop.now + delay);
        loop.schedule(delay, () => {
          ran.push({ now: loop.now, seq: mySeq });
          if (children < childDelays.length) scheduleOne(childDelays[children++]!);
        });
      };
      for (const delay of delays) scheduleOne(delay);
      loop.runUntilQuiet();
      expect(ran).toHaveLength(seq);
      for (const { now, seq: s } of ran) expect(now).toBe(scheduledAt.get(s));
      for (let index = 1; index < ran.length; index++) {
        const previous = ran[index - 1]!;
        const current = ran[index]!;
        expect(current.now).toBeGreaterThanOrEqual(previous.now);
        if (current.now === previous.now) expect(current.seq).toBeGreaterThan(previous.seq);
      }
    });
  });

  describe('run, runUntilQuiet and step', () => {
    it('run({ until }) stops before later events and sets now to until', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      for (const time of [10, 20, 30]) loop.schedule(time, () => seen.push(time));
      const result = loop.run({ until: 25 });
      expect(seen).toEqual([10, 20]);
      expect(loop.now).toBe(25);
      expect(result).toEqual({ eventsProcessed: 2, timeMs: 25, stoppedBy: 'until' });
      expect(loop.pendingEvents).toBe(1);
    });

    it('run({ until }) processes an event due exactly at until', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(25, () => seen.push(loop.now));
      loop.schedule(25.000001, () => seen.push(loop.now));
      loop.run({ until: 25 });
      expect(seen).toEqual([25]);
    });

    it("reports stoppedBy 'quiet' when no event is left, and still advances now to until", () => {
      const loop = new EventLoop({ seed: 1 });
      loop.schedule(10, () => undefined);
      const result = loop.run({ until: 100 });
      expect(result).toEqual({ eventsProcessed: 1, timeMs: 100, stoppedBy: 'quiet' });
      expect(loop.now).toBe(100);
    });

    it('continues from where a bounded run stopped', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      for (const time of [10, 20, 30]) loop.schedule(time, () => seen.push(time));
      loop.run({ until: 15 });
      loop.run({ until: 15 }); // until equal to now is allowed and does nothing
      expect(seen).toEqual([10]);
      const result = loop.run();
      expect(seen).toEqual([10, 20, 30]);
      expect(result).toEqual({ eventsProcessed: 2, timeMs: 30, stoppedBy: 'quiet' });
      expect(loop.eventsProcessed).toBe(3);
    });

    it('run() without until leaves now at the last event time', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.schedule(42, () => undefined);
      expect(loop.run().timeMs).toBe(42);
      expect(loop.now).toBe(42);
      expect(loop.run()).toEqual({ eventsProcessed: 0, timeMs: 42, stoppedBy: 'quiet' });
    });

    it('runUntilQuiet processes everything, including events scheduled by handlers', () => {
      const loop = new EventLoop({ seed: 1 });
      let remaining = 100;
      const tick = (): void => {
        if (--remaining > 0) loop.schedule(1, tick);
      };
      loop.schedule(1, tick);
      const result = loop.runUntilQuiet();
      expect(result).toEqual({ eventsProcessed: 100, timeMs: 100, stoppedBy: 'quiet' });
    });

    it('step() processes exactly one event and returns false when none is left', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(3, () => seen.push(3));
      loop.schedule(1, () => seen.push(1));
      expect(loop.step()).toBe(true);
      expect(seen).toEqual([1]);
      expect(loop.now).toBe(1);
      expect(loop.isRunning).toBe(false);
      expect(loop.step()).toBe(true);
      expect(seen).toEqual([1, 3]);
      expect(loop.step()).toBe(false);
      expect(loop.now).toBe(3);
      expect(loop.eventsProcessed).toBe(2);
    });

    it('isRunning is true inside a handler and false outside', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: boolean[] = [];
      loop.schedule(1, () => seen.push(loop.isRunning));
      loop.runUntilQuiet();
      expect(seen).toEqual([true]);
      expect(loop.isRunning).toBe(false);
    });

    it('runAsync processes events like run', async () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      for (const time of [5, 1, 3]) loop.schedule(time, () => seen.push(loop.now));
      const result = await loop.runAsync({ until: 4 });
      expect(seen).toEqual([1, 3]);
      expect(result).toEqual({ eventsProcessed: 2, timeMs: 4, stoppedBy: 'until' });
      expect(loop.isRunning).toBe(false);
    });
  });

  describe('bounds', () => {
    it('throws LimitExceededError past maxEvents, naming the bound and how to raise it', () => {
      const loop = new EventLoop({ seed: 1 });
      const tick = (): void => void loop.schedule(1, tick);
      loop.schedule(1, tick);
      const error = catchError(() => loop.run({ maxEvents: 10 }));
      expect(error).toBeInstanceOf(LimitExceededError);
      const limit = error as LimitExceededError;
      expect(limit.code).toBe('LIMIT_EXCEEDED');
      expect(limit.limit).toBe('maxEvents');
      expect(limit.bound).toBe(10);
      expect(limit.timeMs).toBe(10);
      expect(limit.message).toContain('maxEvents');
      expect(limit.message).toContain('10');
      expect(limit.message).toMatch(/raise it with run\(\{ maxEvents \}\)/);
      expect(loop.eventsProcessed).toBe(10);
      expect(loop.isRunning).toBe(false);
    });

    it('does not throw when exactly maxEvents events are processed', () => {
      const loop = new EventLoop({ seed: 1 });
      for (let index = 0; index < 10; index++) loop.schedule(index, () => undefined);
      expect(loop.run({ maxEvents: 10 }).eventsProcessed).toBe(10);
    });

    it('applies the maxEvents bound per call', () => {
      const loop = new EventLoop({ seed: 1, maxEvents: 5 });
      for (let index = 0; index < 8; index++) loop.schedule(index, () => undefined);
      expect(() => loop.run({ until: 4 })).not.toThrow();
      expect(loop.eventsProcessed).toBe(5);
      expect(loop.run().eventsProcessed).toBe(3);
    });

    it('uses the constructor maxEvents as the default for run and runUntilQuiet', () => {
      const loop = new EventLoop({ seed: 1, maxEvents: 3 });
      const tick = (): void => void loop.schedule(1, tick);
      loop.schedule(1, tick);
      expect(() => loop.run()).toThrow(LimitExceededError);
      expect(loop.eventsProcessed).toBe(3);
      const error = catchError(() => loop.runUntilQuiet());
      expect((error as LimitExceededError).limit).toBe('maxEvents');
      expect(loop.eventsProcessed).toBe(6);
      expect(() => loop.runUntilQuiet({ maxEvents: 10 })).toThrow(LimitExceededError);
      expect(loop.eventsProcessed).toBe(16);
    });

    it('throws LimitExceededError when the next event is past maxTimeMs', () => {
      const loop = new EventLoop({ seed: 1, maxTimeMs: 100 });
      const seen: number[] = [];
      loop.schedule(50, () => seen.push(50));
      loop.schedule(150, () => seen.push(150));
      const error = catchError(() => loop.run());
      expect(error).toBeInstanceOf(LimitExceededError);
      const limit = error as LimitExceededError;
      expect(limit.code).toBe('LIMIT_EXCEEDED');
      expect(limit.limit).toBe('maxTimeMs');
      expect(limit.bound).toBe(100);
      expect(limit.timeMs).toBe(50);
      expect(limit.message).toContain('maxTimeMs');
      expect(limit.message).toMatch(/raise it/);
      expect(seen).toEqual([50]);
      expect(loop.now).toBe(50);
    });

    it('rejects run({ until }) beyond maxTimeMs', () => {
      const loop = new EventLoop({ seed: 1, maxTimeMs: 100 });
      expectInvalidArgument(() => loop.run({ until: 101 }), 'until');
      expect(() => loop.run({ until: 100 })).not.toThrow();
    });

    it('passes LimitExceededError from a handler through unwrapped (maxPendingEvents)', () => {
      const loop = new EventLoop({ seed: 1, maxPendingEvents: 3 });
      loop.schedule(1, () => {
        for (let index = 0; index < 5; index++) loop.schedule(1, () => undefined);
      });
      const error = catchError(() => loop.run());
      expect(error).toBeInstanceOf(LimitExceededError);
      expect((error as LimitExceededError).limit).toBe('maxPendingEvents');
      expect((error as LimitExceededError).bound).toBe(3);
      expect((error as LimitExceededError).message).toContain('maxPendingEvents');
    });
  });

  describe('handler failures', () => {
    it('wraps a throwing callback in HandlerError with the original error as cause and the time in the message', () => {
      const loop = new EventLoop({ seed: 1 });
      const boom = new RangeError('boom');
      loop.schedule(12.5, () => {
        throw boom;
      });
      const error = catchError(() => loop.run());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toBeInstanceOf(FaultlineError);
      const failure = error as HandlerError;
      expect(failure.code).toBe('HANDLER_FAILED');
      expect(failure.cause).toBe(boom);
      expect(failure.timeMs).toBe(12.5);
      expect(failure.nodeId).toBeUndefined();
      expect(failure.message).toContain('t=12.5ms');
      expect(failure.message).toContain('boom');
      expect(loop.isRunning).toBe(false);
    });

    it('keeps a thrown non-Error value as the cause', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.schedule(1, () => {
        throw 'plain string';
      });
      const error = catchError(() => loop.run()) as HandlerError;
      expect(error).toBeInstanceOf(HandlerError);
      expect(error.cause).toBe('plain string');
      expect(error.message).toContain('plain string');
    });

    it("uses the kind's describe() for the node and event of a HandlerError", () => {
      const loop = new EventLoop({ seed: 1 });
      const kind = loop.defineEvent({
        name: 'deliver',
        handle: () => {
          throw new Error('bad message');
        },
        describe: (target, a) => ({ nodeId: `n${target}`, event: `onMessage from n${a}` }),
      });
      loop.scheduleEvent(3, kind, 2, 1);
      const error = catchError(() => loop.run()) as HandlerError;
      expect(error).toBeInstanceOf(HandlerError);
      expect(error.nodeId).toBe('n2');
      expect(error.event).toBe('onMessage from n1');
      expect(error.message).toContain("node 'n2'");
      expect(error.message).toContain('onMessage from n1');
      expect(error.message).toContain('t=3ms');
    });

    it('names the event kind when it has no describe()', () => {
      const loop = new EventLoop({ seed: 1 });
      const kind = loop.defineEvent({
        name: 'tick',
        handle: () => {
          throw new Error('x');
        },
      });
      loop.scheduleEvent(1, kind);
      const error = catchError(() => loop.run()) as HandlerError;
      expect(error.event).toContain('tick');
    });

    it('can run on after a handler failed, with the failed event consumed', () => {
      const loop = new EventLoop({ seed: 1 });
      const seen: number[] = [];
      loop.schedule(1, () => {
        throw new Error('once');
      });
      loop.schedule(2, () => seen.push(loop.now));
      expect(() => loop.run()).toThrow(HandlerError);
      expect(loop.isRunning).toBe(false);
      expect(loop.run()).toEqual({ eventsProcessed: 1, timeMs: 2, stoppedBy: 'quiet' });
      expect(seen).toEqual([2]);
    });

    it('throws InvalidStateError when run, runUntilQuiet or step is called from inside a handler', () => {
      const loop = new EventLoop({ seed: 1 });
      const caught: unknown[] = [];
      loop.schedule(1, () => {
        for (const reenter of [() => loop.run(), () => loop.runUntilQuiet(), () => loop.step()]) {
          try {
            reenter();
          } catch (error) {
            caught.push(error);
          }
        }
      });
      loop.schedule(2, () => undefined);
      const result = loop.run();
      expect(caught).toHaveLength(3);
      for (const error of caught) {
        expect(error).toBeInstanceOf(InvalidStateError);
        expect((error as InvalidStateError).code).toBe('INVALID_STATE');
      }
      // The outer run was not disturbed.
      expect(result.eventsProcessed).toBe(2);
    });

    it('reports an uncaught re-entrant run as a handler failure caused by InvalidStateError', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.schedule(1, () => loop.run());
      const error = catchError(() => loop.run());
      expect(error).toBeInstanceOf(FaultlineError);
      const cause = error instanceof HandlerError ? error.cause : error;
      expect(cause).toBeInstanceOf(InvalidStateError);
    });

    it('rejects runAsync while a synchronous run is in progress', async () => {
      const loop = new EventLoop({ seed: 1 });
      let pending: Promise<unknown> | undefined;
      loop.schedule(1, () => {
        pending = loop.runAsync();
      });
      loop.run();
      await expect(pending).rejects.toBeInstanceOf(InvalidStateError);
    });
  });

  describe('argument validation', () => {
    it('rejects a bad delay: negative, NaN, Infinity', () => {
      const loop = new EventLoop({ seed: 1 });
      for (const delay of [-1, -0.001, Number.NaN, Infinity, -Infinity]) {
        expectInvalidArgument(() => loop.schedule(delay, () => undefined), 'delayMs');
      }
      expect(loop.pendingEvents).toBe(0);
    });

    it('rejects a delay that is not a number', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.run({ until: 10 });
      for (const delay of ['5', null, true, [1], undefined]) {
        expectInvalidArgument(() => loop.schedule(delay as unknown as number, () => undefined), 'delayMs', `schedule(${JSON.stringify(delay)}, ...)`);
      }
      expect(loop.pendingEvents).toBe(0);
    });

    it('rejects a callback that is not a function', () => {
      const loop = new EventLoop({ seed: 1 });
      expectInvalidArgument(() => loop.schedule(1, 'nope' as never), 'callback');
    });

    it('rejects an unknown event kind', () => {
      const loop = new EventLoop({ seed: 1 });
      const kind = loop.defineEvent({ name: 'one', handle: () => undefined });
      for (const bad of [kind + 1, -1, 999, Number.NaN]) {
        const error = expectInvalidArgument(() => loop.scheduleEvent(1, bad), 'kind');
        expect(error.message).toContain('defineEvent');
      }
    });

    it('rejects an event kind that is not an integer', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.defineEvent({ name: 'one', handle: () => undefined });
      for (const bad of [0.5, 1.5, '1']) {
        expectInvalidArgument(() => loop.scheduleEvent(1, bad as number), 'kind', `scheduleEvent(1, ${JSON.stringify(bad)})`);
      }
      expect(loop.pendingEvents).toBe(0);
    });

    it('rejects scheduleAt/scheduleEventAt times that are NaN, Infinity or not numbers', () => {
      const loop = new EventLoop({ seed: 1 });
      for (const time of [Number.NaN, Infinity, -1, '3', null]) {
        expectInvalidArgument(() => loop.scheduleAt(time as number, () => undefined), 'timeMs');
        expectInvalidArgument(() => loop.scheduleEventAt(time as number, 0), 'timeMs');
      }
    });

    it('rejects run({ until }) that is NaN, Infinity, not a number, or before now', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.run({ until: 10 });
      for (const until of [Number.NaN, Infinity, -Infinity, '20', null, 9.99]) {
        expectInvalidArgument(() => loop.run({ until: until as number }), 'until');
      }
      expect(loop.now).toBe(10);
    });

    it('rejects run({ maxEvents }) that is 0, fractional, negative or not a number', () => {
      const loop = new EventLoop({ seed: 1 });
      for (const maxEvents of [0, 1.5, -1, Number.NaN, Infinity, '5']) {
        expectInvalidArgument(() => loop.run({ maxEvents: maxEvents as number }), 'maxEvents');
        expectInvalidArgument(() => loop.runUntilQuiet({ maxEvents: maxEvents as number }), 'maxEvents');
      }
    });

    it('rejects unknown run option keys and non-object run options', () => {
      const loop = new EventLoop({ seed: 1 });
      const error = expectInvalidArgument(() => loop.run({ untill: 5 } as never), 'untill');
      expect(error.message).toContain('unknown option');
      expectInvalidArgument(() => loop.run(null as never), 'options');
      expectInvalidArgument(() => loop.run(5 as never), 'options');
    });

    it('rejects unknown runUntilQuiet option keys instead of silently ignoring them', () => {
      const loop = new EventLoop({ seed: 1 });
      loop.schedule(100, () => undefined);
      expectInvalidArgument(() => loop.runUntilQuiet({ maxEvent: 5 } as never), 'maxEvent');
      expectInvalidArgument(() => loop.runUntilQuiet({ until: 5 } as never), 'until');
      expect(loop.eventsProcessed).toBe(0);
    });

    it('rejects runUntilQuiet options that are not an object', () => {
      const loop = new EventLoop({ seed: 1 });
      expectInvalidArgument(() => loop.runUntilQuiet(null as never), 'options');
    });

    it('rejects rng names that are not strings', () => {
      const loop = new EventLoop({ seed: 1 });
      expectInvalidArgument(() => loop.rng(5 as never), 'rng(name)');
    });

    describe('constructor options', () => {
      const cases: Array<[string, unknown, string]> = [
        ['seed NaN', { seed: Number.NaN }, 'seed'],
        ['seed Infinity', { seed: Infinity }, 'seed'],
        ['seed an object', { seed: {} }, 'seed'],
        ['seed missing', {}, 'seed'],
        ['seed a boolean', { seed: true }, 'seed'],
        ['seed a bigint', { seed: 1n }, 'seed'],
        ['tieBreak unknown', { seed: 1, tieBreak: 'lifo' }, 'tieBreak'],
        ['maxEvents 0', { seed: 1, maxEvents: 0 }, 'maxEvents'],
        ['maxEvents 1.5', { seed: 1, maxEvents: 1.5 }, 'maxEvents'],
        ['maxEvents -1', { seed: 1, maxEvents: -1 }, 'maxEvents'],
        ['maxEvents a string', { seed: 1, maxEvents: '10' }, 'maxEvents'],
        ['maxTimeMs 0', { seed: 1, maxTimeMs: 0 }, 'maxTimeMs'],
        ['maxTimeMs NaN', { seed: 1, maxTimeMs: Number.NaN }, 'maxTimeMs'],
        ['maxTimeMs Infinity', { seed: 1, maxTimeMs: Infinity }, 'maxTimeMs'],
        ['maxPendingEvents 0', { seed: 1, maxPendingEvents: 0 }, 'maxPendingEvents'],
        ['maxPendingEvents above 2^26', { seed: 1, maxPendingEvents: 2 ** 26 + 1 }, 'maxPendingEvents'],
        ['trace limit 0', { seed: 1, trace: { limit: 0 } }, 'trace.limit'],
        ['trace limit 2.5', { seed: 1, trace: { limit: 2.5 } }, 'trace.limit'],
        ['trace with an unknown key', { seed: 1, trace: { limit: 5, size: 3 } }, 'trace.size'],
        ['trace a string', { seed: 1, trace: 'yes' }, 'trace'],
        ['trace null', { seed: 1, trace: null }, 'trace'],
        ['an unknown option key', { seed: 1, maxEvent: 5 }, 'maxEvent'],
        ['options null', null, 'options'],
        ['options a number', 42, 'options'],
        ['options an array', [1], 'options'],
      ];
      for (const [label, options, field] of cases) {
        it(`rejects ${label} with an InvalidArgumentError naming '${field}'`, () => {
          expectInvalidArgument(() => new EventLoop(options as EventLoopOptions), field);
        });
      }

      it('accepts string and finite number seeds and every documented option', () => {
        for (const seed of [0, -3, 1.5, '', 'bug-1234']) expect(new EventLoop({ seed }).seed).toBe(seed);
        const loop = new EventLoop({ seed: 1, tieBreak: 'random', maxEvents: 10, maxTimeMs: 1000, maxPendingEvents: 5, trace: { limit: 3 } });
        expect(loop.tieBreak).toBe('random');
        expect(loop.maxEvents).toBe(10);
        expect(loop.maxTimeMs).toBe(1000);
        expect(loop.trace?.limit).toBe(3);
      });

      it('lets a subclass accept more option keys through optionKeys', () => {
        class Extended extends EventLoop {
          static override readonly optionKeys = [...EventLoop.optionKeys, 'extra'];
        }
        expect(() => new Extended({ seed: 1, extra: true } as EventLoopOptions)).not.toThrow();
        expectInvalidArgument(() => new EventLoop({ seed: 1, extra: true } as EventLoopOptions), 'extra');
      });

      const validOptions = fc.record(
        {
          seed: fc.oneof(fc.integer(), fc.string()),
          tieBreak: fc.constantFrom('fifo', 'random'),
          maxEvents: fc.integer({ min: 1, max: 1_000_000 }),
          maxTimeMs: fc.integer({ min: 1, max: 1e9 }),
          maxPendingEvents: fc.integer({ min: 1, max: 100_000 }),
          maxEventsPerInstant: fc.integer({ min: 1, max: 1_000_000 }),
          trace: fc.oneof(fc.boolean(), fc.record({ limit: fc.integer({ min: 1, max: 1_000 }) })),
        },
        { requiredKeys: ['seed'] },
      );

      prop([validOptions, fc.constantFrom(...EventLoop.optionKeys)], { numRuns: 200 })(
        'rejects null for any option, naming that option, rather than reading it as absent',
        (options, key) => {
          expect(() => new EventLoop(options as EventLoopOptions)).not.toThrow();
          const error = expectInvalidArgument(() => new EventLoop({ ...options, [key]: null } as EventLoopOptions), key);
          expect(error.value).toBeNull();
          expect(error.message).toContain('got null');
        },
      );

      /** An options object with `key` as an own property, even when the key is `__proto__`. */
      const withOwnKey = (options: object, key: string, value: unknown): Record<string, unknown> => {
        const copy: Record<string, unknown> = { ...options };
        Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
        return copy;
      };
      // Symbol-keyed options are left to rejectUnknownKeys in src/validate.ts, which reads Object.keys.
      const unknownKey = fc.string().filter((key) => !EventLoop.optionKeys.includes(key));

      prop([validOptions, unknownKey], { numRuns: 200 })('rejects any unknown string option key, naming it', (options, key) => {
        const error = expectInvalidArgument(() => new EventLoop(withOwnKey(options, key, 1) as unknown as EventLoopOptions), key);
        expect(error.expected).toContain('unknown option');
      });

      const optionValue = fc.oneof(
        fc.anything(),
        fc.constantFrom(0, 1, -1, 1.5, 2 ** 26, 2 ** 27, Number.NaN, Infinity, 'fifo', 'random', true, false, null, undefined),
        fc.record({ limit: fc.anything() }),
      );
      const garbageOptions = fc.oneof(
        fc.anything(),
        fc.record(
          {
            seed: fc.oneof(fc.anything(), fc.integer(), fc.string()),
            tieBreak: optionValue,
            maxEvents: optionValue,
            maxTimeMs: optionValue,
            maxPendingEvents: optionValue,
            trace: optionValue,
          },
          { requiredKeys: [] },
        ),
        fc.dictionary(fc.constantFrom('seed', 'tieBreak', 'maxEvents', 'trace', 'bogus', '__proto__', 'constructor'), optionValue),
      );

      prop([garbageOptions], { numRuns: 400 })('never fails with anything but a FaultlineError on garbage options', (options) => {
        try {
          const loop = new EventLoop(options as EventLoopOptions);
          // A loop that was accepted must be usable.
          loop.schedule(1, () => undefined);
          loop.runUntilQuiet();
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
        }
      });

      const runOptionCases: Array<{ name: string; keys: ReadonlyArray<'until' | 'maxEvents'>; run: (loop: EventLoop, options: object) => Promise<unknown> }> = [
        { name: 'run', keys: ['until', 'maxEvents'], run: async (loop, options) => loop.run(options) },
        { name: 'runAsync', keys: ['until', 'maxEvents'], run: (loop, options) => loop.runAsync(options) },
        { name: 'runUntilQuiet', keys: ['maxEvents'], run: async (loop, options) => loop.runUntilQuiet(options) },
      ];
      for (const { name, keys, run } of runOptionCases) {
        for (const key of keys) {
          it(`${name} rejects ${key}: null, naming it, instead of running with the default`, async () => {
            const loop = new EventLoop({ seed: 1 });
            loop.schedule(1, () => undefined);
            const valid = { until: 10, maxEvents: 5 };
            const options = name === 'runUntilQuiet' ? { [key]: null } : { ...valid, [key]: null };
            const error = await catchRejection(() => run(loop, options), `${name} with ${key}: null`);
            expect(expectInvalidArgumentError(error, key).value).toBeNull();
            expect((error as Error).message).toContain('got null');
            expect(loop.eventsProcessed).toBe(0);
          });
        }
      }

      const unknownRunKey = unknownKey.filter((key) => key !== 'until' && key !== 'maxEvents');
      prop([unknownRunKey], { numRuns: 100 })('run and runUntilQuiet reject any unknown string option key, naming it', (key) => {
        const loop = new EventLoop({ seed: 1 });
        for (const run of [() => loop.run(withOwnKey({}, key, 1)), () => loop.runUntilQuiet(withOwnKey({}, key, 1))]) {
          expect(expectInvalidArgumentError(catchError(run), key).expected).toContain('unknown option');
        }
      });

      it('rejects a trace option with an unknown string key, naming it', () => {
        expectInvalidArgument(() => new EventLoop({ seed: 1, trace: { limit: 5, limt: 5 } as never }), 'trace.limt');
      });

      prop([fc.anything()], { numRuns: 300 })('never fails with anything but a FaultlineError on garbage run options', (options) => {
        const loop = new EventLoop({ seed: 1 });
        loop.schedule(1, () => undefined);
        try {
          loop.run(options as never);
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
        }
        try {
          loop.runUntilQuiet(options as never);
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
        }
      });
    });
  });

  describe('random streams', () => {
    it('rng(name) returns the same stream object for the same name', () => {
      const loop = new EventLoop({ seed: 1 });
      expect(loop.rng('a')).toBe(loop.rng('a'));
      expect(loop.rng('a')).not.toBe(loop.rng('b'));
      expect(loop.rng('a').name).toBe('a');
    });

    it("gives a stream the same numbers whatever other streams are used, and the tie-break stream doesn't disturb them", () => {
      const draw = (loop: EventLoop): number[] => Array.from({ length: 5 }, () => loop.rng('workload').random());
      const plain = new EventLoop({ seed: 'x' });
      const busy = new EventLoop({ seed: 'x', tieBreak: 'random' });
      busy.rng('other').random();
      for (let index = 0; index < 10; index++) busy.schedule(1, () => undefined);
      busy.runUntilQuiet();
      expect(draw(busy)).toEqual(draw(plain));
    });
  });

  describe('trace option', () => {
    it('has no trace recorder by default or with trace: false', () => {
      expect(new EventLoop({ seed: 1 }).trace).toBeUndefined();
      expect(new EventLoop({ seed: 1, trace: false }).trace).toBeUndefined();
    });

    it('trace: true keeps the last 100,000 records', () => {
      const loop = new EventLoop({ seed: 1, trace: true });
      expect(loop.trace).toBeInstanceOf(TraceRecorder);
      expect(loop.trace!.limit).toBe(100_000);
    });

    it('trace: { limit } chooses how many records are kept', () => {
      const loop = new EventLoop({ seed: 1, trace: { limit: 7 } });
      expect(loop.trace).toBeInstanceOf(TraceRecorder);
      expect(loop.trace!.limit).toBe(7);
    });

    it('records world records pushed through record(), keeping the last limit of them', () => {
      class Recording extends EventLoop {
        note(timeMs: number): void {
          this.record({ timeMs, type: 'log', node: 'a' });
        }
      }
      const loop = new Recording({ seed: 1, trace: { limit: 3 } });
      for (let time = 0; time < 5; time++) loop.note(time);
      expect(loop.trace!.records().map((r) => r.timeMs)).toEqual([2, 3, 4]);
      // Without tracing, record() is a no-op rather than an error.
      expect(() => new Recording({ seed: 1 }).note(1)).not.toThrow();
    });

    it("records each scheduled callback as a 'callback' record at its time (the kernel's own records)", () => {
      // TraceRecordType documents: "The kernel records `callback` events; the world records the rest."
      const loop = new EventLoop({ seed: 1, trace: true });
      loop.schedule(1, () => undefined);
      loop.schedule(2, () => undefined);
      loop.runUntilQuiet();
      const records = loop.trace!.records();
      expect(records.map((r) => [r.type, r.timeMs])).toEqual([
        ['callback', 1],
        ['callback', 2],
      ]);
    });
  });
});

describe('runWatched (for runners that check after every event)', () => {
  function churn(seed: number): EventLoop {
    const loop = new EventLoop({ seed });
    const rng = loop.rng('churn');
    const tick = (): void => {
      if (loop.now < 500) loop.schedule(rng.int(0, 20), tick);
    };
    for (let index = 0; index < 5; index++) loop.schedule(index, tick);
    return loop;
  }

  it('processes exactly the events a step per event would, calling back outside the run after each', () => {
    const stepped = churn(3);
    const stepTimes: number[] = [];
    while (stepped.nextEventTime() <= 400) {
      stepped.step();
      stepTimes.push(stepped.now);
    }
    const watched = churn(3);
    const watchTimes: number[] = [];
    const processed = watched.runWatched(400, 1e6, () => {
      expect(watched.isRunning).toBe(false);
      watchTimes.push(watched.now);
      return true;
    });
    expect(processed).toBe(stepTimes.length);
    expect(watchTimes).toEqual(stepTimes);
    expect(watched.traceHash()).toBe(stepped.traceHash());
    expect(watched.now).toBe(stepped.now); // time stays at the last event, unlike run({ until })
  });

  it('stops after the event at which the callback returns false, or at maxEvents', () => {
    const loop = churn(4);
    let seen = 0;
    expect(loop.runWatched(1_000, 1e6, () => ++seen < 7)).toBe(7);
    expect(loop.eventsProcessed).toBe(7);
    expect(loop.runWatched(1_000, 3, () => true)).toBe(3);
    expect(loop.eventsProcessed).toBe(10);
    expect(loop.isRunning).toBe(false);
  });
});
