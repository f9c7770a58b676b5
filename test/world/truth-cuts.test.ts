// The ground truth of cut links: partitions are kept as their groups, not link by link, and the
// answers (`isCut`, `cutIntervals`) are the same as a link-by-link reference computed here from
// the schedule's definition, for overlapping partitions of every shape and manual blocks.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Simulation, type Fault } from '../../src/index.js';

const NODES = ['a', 'b', 'c', 'd', 'e'];
const HORIZON_MS = 1_000;

/** The links a partition-shaped fault cuts, by definition. */
function cutsOf(fault: Fault): Array<[string, string]> {
  const params = fault.params ?? {};
  const between = (from: readonly string[], to: readonly string[], bothWays: boolean): Array<[string, string]> =>
    from.flatMap((a) => to.flatMap((b): Array<[string, string]> => (bothWays ? [[a, b], [b, a]] : [[a, b]])));
  switch (fault.kind) {
    case 'partition': {
      const groups = params['groups'] as string[][];
      return groups.flatMap((group, index) => groups.slice(index + 1).flatMap((other) => between(group, other, true)));
    }
    case 'partition-one-way':
      return between(params['from'] as string[], params['to'] as string[], false);
    case 'isolate':
      return between([fault.target!], NODES.filter((id) => id !== fault.target), true);
    case 'bridge': {
      const [first, second] = params['sides'] as [string[], string[]];
      return between(first, second, true);
    }
    default:
      throw new Error(`not a partition: ${fault.kind}`);
  }
}

/** Was `from → to` cut at `timeMs`, by the schedule's definition (half-open [atMs, atMs + durationMs))? */
function referenceIsCut(schedule: readonly Fault[], from: string, to: string, timeMs: number): boolean {
  return schedule.some(
    (fault) => fault.atMs <= timeMs && timeMs < fault.atMs + fault.durationMs! && cutsOf(fault).some(([a, b]) => a === from && b === to),
  );
}

const split = fc.shuffledSubarray(NODES, { minLength: NODES.length, maxLength: NODES.length }).chain((order) =>
  fc.integer({ min: 1, max: NODES.length - 1 }).map((at) => [order.slice(0, at), order.slice(at)]),
);
const shape: fc.Arbitrary<Omit<Fault, 'atMs' | 'durationMs'>> = fc.oneof(
  split.map((groups) => ({ kind: 'partition', params: { groups } })),
  split.map(([from, to]) => ({ kind: 'partition-one-way', params: { from, to } })),
  fc.constantFrom(...NODES).map((target) => ({ kind: 'isolate', target })),
  fc.shuffledSubarray(NODES, { minLength: 3, maxLength: 3 }).map(([bridge, x, y]) => ({
    kind: 'bridge',
    params: { bridge, sides: [[x!, ...NODES.filter((id) => id !== bridge && id !== x && id !== y).slice(0, 1)], [y!, ...NODES.filter((id) => id !== bridge && id !== x && id !== y).slice(1)]] },
  })),
);
const timed = fc.record({ shape, atMs: fc.integer({ min: 0, max: 900 }), durationMs: fc.integer({ min: 1, max: 400 }) });

function simulationOf(schedule: readonly Fault[]): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of NODES) sim.addNode(id, () => ({}));
  sim.inject([...schedule]);
  sim.run({ until: HORIZON_MS });
  return sim;
}

describe('ground truth of cut links', () => {
  test.prop([fc.array(timed, { minLength: 1, maxLength: 5 }), fc.array(fc.integer({ min: 0, max: HORIZON_MS }), { minLength: 5, maxLength: 10 })], { numRuns: 150 })(
    'isCut and cutIntervals agree with the link-by-link definition for overlapping partitions of every shape',
    (drawn, probeTimes) => {
      const schedule: Fault[] = drawn.map(({ shape, atMs, durationMs }) => ({ ...shape, atMs, durationMs }) as Fault);
      const sim = simulationOf(schedule);
      for (const from of NODES) {
        for (const to of NODES) {
          if (from === to) continue;
          for (const timeMs of [...probeTimes, ...schedule.flatMap((fault) => [fault.atMs, fault.atMs + fault.durationMs! - 1, fault.atMs + fault.durationMs!])]) {
            if (timeMs > HORIZON_MS) continue;
            expect(sim.truth.isCut(from, to, timeMs), `${from}→${to} at ${timeMs}`).toBe(referenceIsCut(schedule, from, to, timeMs));
          }
          // Intervals: the union, sorted, touching ones joined: check each boundary and midpoint.
          const intervals = sim.truth.cutIntervals(from, to, HORIZON_MS);
          intervals.forEach(([start, end], index) => {
            expect(end).toBeGreaterThan(start);
            if (index > 0) expect(start).toBeGreaterThan(intervals[index - 1]![1]);
            expect(referenceIsCut(schedule, from, to, start)).toBe(true);
            expect(referenceIsCut(schedule, from, to, (start + end) / 2)).toBe(true);
            if (end < HORIZON_MS) expect(referenceIsCut(schedule, from, to, end)).toBe(false);
            if (start > 0) expect(referenceIsCut(schedule, from, to, start - 0.5)).toBe(false);
          });
          const cutSomewhere = schedule.some((fault) => cutsOf(fault).some(([a, b]) => a === from && b === to));
          expect(intervals.length > 0).toBe(cutSomewhere);
        }
      }
    },
  );

  test.prop([fc.array(timed, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: HORIZON_MS }), { minLength: 5, maxLength: 20 })], { numRuns: 100 })(
    'asked during the run (partitions still in force, others ending later), the answers are the same',
    (drawn, askTimes) => {
      const schedule: Fault[] = drawn.map(({ shape, atMs, durationMs }) => ({ ...shape, atMs, durationMs }) as Fault);
      const sim = new Simulation({ seed: 1 });
      for (const id of NODES) sim.addNode(id, () => ({}));
      sim.inject([...schedule]);
      const answers: Array<{ timeMs: number; from: string; to: string; cut: boolean; intervals: Array<[number, number]> }> = [];
      for (const askMs of askTimes) {
        sim.scheduleAt(askMs, () => {
          for (const from of NODES) for (const to of NODES) if (from !== to) answers.push({ timeMs: sim.now, from, to, cut: sim.truth.isCut(from, to), intervals: sim.truth.cutIntervals(from, to, sim.now + 1) });
        });
      }
      sim.run({ until: HORIZON_MS });
      expect(answers.length).toBe(askTimes.length * NODES.length * (NODES.length - 1));
      for (const { timeMs, from, to, cut, intervals } of answers) {
        // Faults applied at this instant may run before or after the question: both are true answers.
        if (schedule.some((fault) => fault.atMs === timeMs || fault.atMs + fault.durationMs! === timeMs)) continue;
        expect(cut, `${from}→${to} at ${timeMs}`).toBe(referenceIsCut(schedule, from, to, timeMs));
        const coveredNow = intervals.some(([start, end]) => start <= timeMs && timeMs < end);
        expect(coveredNow).toBe(cut);
      }
    },
  );

  it('joins a manual block and an overlapping partition into one interval', () => {
    const sim = new Simulation({ seed: 1 });
    for (const id of NODES) sim.addNode(id, () => ({}));
    sim.inject([{ kind: 'partition', atMs: 100, durationMs: 200, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } }]);
    sim.schedule(250, () => sim.network.block('a', 'c'));
    sim.schedule(400, () => sim.network.unblock('a', 'c'));
    sim.schedule(600, () => sim.network.block('a', 'c'));
    sim.run({ until: HORIZON_MS });
    expect(sim.truth.cutIntervals('a', 'c', HORIZON_MS)).toEqual([[100, 400], [600, HORIZON_MS]]);
    expect(sim.truth.cutIntervals('c', 'a', HORIZON_MS)).toEqual([[100, 300]]);
    expect(sim.truth.isCut('a', 'c', 350)).toBe(true);
    expect(sim.truth.isCut('c', 'a', 350)).toBe(false);
  });

  it('keeps a partition as its groups: a 100/100 split records no link-by-link history', () => {
    const sim = new Simulation({ seed: 1 });
    const ids = Array.from({ length: 200 }, (_, index) => `n${index}`);
    for (const id of ids) sim.addNode(id, () => ({}));
    for (let round = 0; round < 5; round++) {
      sim.inject([{ kind: 'partition', atMs: sim.now + 10, durationMs: 10, params: { groups: [ids.slice(0, 100), ids.slice(100)] } }]);
      sim.run({ until: sim.now + 30 });
    }
    expect(sim.truth.isCut('n0', 'n150', 15)).toBe(true);
    expect(sim.truth.isCut('n0', 'n50', 15)).toBe(false);
    expect(sim.truth.cutIntervals('n199', 'n0', sim.now)).toEqual([[10, 20], [40, 50], [70, 80], [100, 110], [130, 140]]);
    // The defect this pins: 20,000 per-link histories per partition (about 947 KiB each).
    const perLink = (sim.truth as unknown as { cut: Map<string, unknown> }).cut;
    expect(perLink.size).toBe(0);
  });
});
