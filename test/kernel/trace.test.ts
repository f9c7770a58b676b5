import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { TraceHash } from '../../src/kernel/trace-hash.js';
import { TraceRecorder, type TraceRecord } from '../../src/kernel/trace-recorder.js';
import { RingBuffer } from '../../src/kernel/ring-buffer.js';
import { EventLoop, type EventLoopOptions } from '../../src/kernel/event-loop.js';

type Mix = { type: 'int'; value: number } | { type: 'number'; value: number } | { type: 'string'; value: string };

const mixArb: fc.Arbitrary<Mix> = fc.oneof(
  fc.record({ type: fc.constant('int' as const), value: fc.integer() }),
  fc.record({ type: fc.constant('number' as const), value: fc.double() }),
  fc.record({ type: fc.constant('string' as const), value: fc.string() }),
);

function hashOf(mixes: readonly Mix[]): string {
  const hash = new TraceHash();
  for (const mix of mixes) {
    if (mix.type === 'int') hash.mixInt(mix.value);
    else if (mix.type === 'number') hash.mixNumber(mix.value);
    else hash.mixString(mix.value);
  }
  return hash.hex();
}

/** A small deterministic workload: a few timers that reschedule with seeded random delays. */
function workloadHash(options: EventLoopOptions, tweak?: (loop: EventLoop) => void): string {
  const loop = new EventLoop(options);
  const rng = loop.rng('workload');
  const kind = loop.defineEvent({
    name: 'work',
    handle: (target, a) => {
      if (a < 20) loop.scheduleEvent(rng.exponential(5), kind, target, a + 1, rng.int(0, 3));
    },
  });
  for (let target = 0; target < 5; target++) loop.scheduleEvent(rng.uniform(0, 10), kind, target, 0);
  tweak?.(loop);
  loop.runUntilQuiet();
  return loop.traceHash();
}

describe('TraceHash', () => {
  it('is 16 lowercase hex digits', () => {
    expect(new TraceHash().hex()).toMatch(/^[0-9a-f]{16}$/);
    const hash = new TraceHash();
    hash.mixNumber(12.5);
    hash.mixInt(3);
    expect(hash.hex()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('starts from the same value in every instance', () => {
    expect(new TraceHash().hex()).toBe(new TraceHash().hex());
  });

  prop([fc.array(mixArb, { maxLength: 30 })], { numRuns: 200 })('gives equal hashes for equal inputs', (mixes) => {
    expect(hashOf(mixes)).toBe(hashOf(mixes));
    expect(hashOf(mixes)).toMatch(/^[0-9a-f]{16}$/);
  });

  prop([fc.array(mixArb, { maxLength: 30 }), mixArb], { numRuns: 200 })('changes when anything more is mixed in', (mixes, extra) => {
    expect(hashOf([...mixes, extra])).not.toBe(hashOf(mixes));
  });

  prop([fc.array(fc.integer(), { minLength: 1, maxLength: 20 }), fc.nat(), fc.integer()], { numRuns: 200 })(
    'changes when one integer of a sequence changes',
    (values, at, delta) => {
      const index = at % values.length;
      const changed = [...values];
      changed[index] = (changed[index]! + (delta === 0 ? 1 : delta)) | 0;
      fc.pre(changed[index] !== values[index]);
      const ints = (list: number[]): Mix[] => list.map((value) => ({ type: 'int', value }));
      expect(hashOf(ints(changed))).not.toBe(hashOf(ints(values)));
    },
  );

  it('depends on the order of inputs', () => {
    const ab = hashOf([{ type: 'int', value: 1 }, { type: 'int', value: 2 }]);
    const ba = hashOf([{ type: 'int', value: 2 }, { type: 'int', value: 1 }]);
    expect(ab).not.toBe(ba);
  });

  it('distinguishes numbers that differ only in low bits or fraction', () => {
    const values = [0, 1, 1.5, 0.1 + 0.2, 0.3, 2 ** 40, 2 ** 40 + 1, -1, 1e-300, Infinity];
    const hashes = values.map((value) => hashOf([{ type: 'number', value }]));
    expect(new Set(hashes).size).toBe(values.length);
  });

  it("keeps string boundaries: mixString('ab') differs from mixString('a') + mixString('b')", () => {
    const whole = hashOf([{ type: 'string', value: 'ab' }]);
    const split = hashOf([
      { type: 'string', value: 'a' },
      { type: 'string', value: 'b' },
    ]);
    expect(whole).not.toBe(split);
    expect(hashOf([{ type: 'string', value: '' }])).not.toBe(new TraceHash().hex());
  });

  it('has no collisions among 10,000 single-integer inputs', () => {
    const hashes = new Set<string>();
    for (let value = 0; value < 10_000; value++) hashes.add(hashOf([{ type: 'int', value }]));
    expect(hashes.size).toBe(10_000);
  });
});

describe('EventLoop trace hash', () => {
  it('is the same for two runs with the same seed and inputs', () => {
    expect(workloadHash({ seed: 7 })).toBe(workloadHash({ seed: 7 }));
    expect(workloadHash({ seed: 'bug-1234', tieBreak: 'random' })).toBe(workloadHash({ seed: 'bug-1234', tieBreak: 'random' }));
  });

  it('differs between seeds that drive different event times', () => {
    const hashes = new Set([1, 2, 3, 4, 5].map((seed) => workloadHash({ seed })));
    expect(hashes.size).toBe(5);
  });

  it('changes as events are processed and not before', () => {
    const loop = new EventLoop({ seed: 1 });
    const initial = loop.traceHash();
    expect(initial).toBe(new EventLoop({ seed: 2 }).traceHash());
    loop.schedule(5, () => undefined);
    expect(loop.traceHash()).toBe(initial);
    loop.runUntilQuiet();
    expect(loop.traceHash()).not.toBe(initial);
  });

  it('does not change when a run processes no event', () => {
    const loop = new EventLoop({ seed: 1 });
    loop.schedule(5, () => undefined);
    loop.runUntilQuiet();
    const after = loop.traceHash();
    loop.run({ until: 100 });
    expect(loop.traceHash()).toBe(after);
  });

  it('differs when an event happens at a different time', () => {
    const at = (time: number): string => {
      const loop = new EventLoop({ seed: 1 });
      loop.schedule(time, () => undefined);
      loop.runUntilQuiet();
      return loop.traceHash();
    };
    expect(at(5)).not.toBe(at(5.000001));
    expect(at(5)).toBe(at(5));
  });

  it("differs when an event's kind, target, a or b differs", () => {
    const withEvent = (kindIndex: number, target: number, a: number, b: number): string => {
      const loop = new EventLoop({ seed: 1 });
      const kinds = [loop.defineEvent({ name: 'x', handle: () => undefined }), loop.defineEvent({ name: 'y', handle: () => undefined })];
      loop.scheduleEvent(1, kinds[kindIndex]!, target, a, b);
      loop.runUntilQuiet();
      return loop.traceHash();
    };
    const base = withEvent(0, 1, 2, 3);
    expect(withEvent(0, 1, 2, 3)).toBe(base);
    expect(withEvent(1, 1, 2, 3)).not.toBe(base);
    expect(withEvent(0, 9, 2, 3)).not.toBe(base);
    expect(withEvent(0, 1, 9, 3)).not.toBe(base);
    expect(withEvent(0, 1, 2, 9)).not.toBe(base);
  });

  it('differs when the order of simultaneous events differs', () => {
    const ordered = (first: number, second: number): string => {
      const loop = new EventLoop({ seed: 1 });
      const kind = loop.defineEvent({ name: 'x', handle: () => undefined });
      loop.scheduleEvent(1, kind, first);
      loop.scheduleEvent(1, kind, second);
      loop.runUntilQuiet();
      return loop.traceHash();
    };
    expect(ordered(1, 2)).not.toBe(ordered(2, 1));
  });

  it('differs when an extra event runs', () => {
    expect(workloadHash({ seed: 7 }, (loop) => loop.schedule(3, () => undefined))).not.toBe(workloadHash({ seed: 7 }));
  });

  it('does not depend on whether tracing is on', () => {
    expect(workloadHash({ seed: 7, trace: true })).toBe(workloadHash({ seed: 7 }));
  });
});

describe('TraceRecorder', () => {
  const record = (timeMs: number): TraceRecord => ({ timeMs, type: 'log', node: 'a' });

  it('keeps every record, oldest first, while under its limit', () => {
    const recorder = new TraceRecorder(5);
    for (let time = 0; time < 3; time++) recorder.push(record(time));
    expect(recorder.records().map((r) => r.timeMs)).toEqual([0, 1, 2]);
    expect(recorder.pushedCount).toBe(3);
    expect(recorder.discardedCount).toBe(0);
  });

  it('keeps only the last limit records, in order, once full', () => {
    const recorder = new TraceRecorder(3);
    for (let time = 0; time < 10; time++) recorder.push(record(time));
    expect(recorder.records().map((r) => r.timeMs)).toEqual([7, 8, 9]);
    expect(recorder.pushedCount).toBe(10);
    expect(recorder.discardedCount).toBe(7);
    expect(recorder.limit).toBe(3);
  });

  it('keeps the very last record with a limit of 1', () => {
    const recorder = new TraceRecorder(1);
    for (let time = 0; time < 4; time++) recorder.push(record(time));
    expect(recorder.records()).toEqual([record(3)]);
  });

  it('returns a copy: changing the returned array does not change the recorder', () => {
    const recorder = new TraceRecorder(3);
    recorder.push(record(1));
    recorder.records().push(record(99));
    expect(recorder.records()).toHaveLength(1);
  });

  prop([fc.integer({ min: 1, max: 50 }), fc.array(fc.integer(), { maxLength: 200 })], { numRuns: 200 })(
    'always holds exactly the last min(limit, pushed) items, oldest first (like a sliced array)',
    (limit, items) => {
      const ring = new RingBuffer<number>(limit);
      for (const item of items) ring.push(item);
      expect(ring.items()).toEqual(items.slice(Math.max(0, items.length - limit)));
      expect(ring.pushedCount).toBe(items.length);
      expect(ring.discardedCount).toBe(Math.max(0, items.length - limit));
    },
  );
});
