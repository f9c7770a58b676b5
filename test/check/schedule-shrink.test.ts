// faultSchedule's shrinker aims at the true minimum: it tries each fault alone first, widens one
// fault to cover a deleted one, simplifies faults of the same kind, keeps minFaults, and only ever
// tries schedules that respect the budget and inject. Each property below has a known minimum
// that deleting faults one at a time cannot reach.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, type FaultScheduleOptions, type GeneratedFailureModel } from '../../src/check/index.js';
import { builtInFailureModels, findBudgetViolation, Simulation, type Fault, type FaultSchedule } from '../../src/index.js';

const nodes = ['n1', 'n2', 'n3'];
const models = new Map(builtInFailureModels.map((model) => [model.kind, model]));
const SEEDS = Array.from({ length: 12 }, (_, index) => index + 1);

function shrunk(options: Partial<FaultScheduleOptions>, fails: (schedule: FaultSchedule) => boolean, seed: number): FaultSchedule {
  const details = fc.check(fc.property(faultSchedule({ nodes, horizonMs: 5_000, ...options }), (schedule) => !fails(schedule)), { seed, numRuns: 5_000 });
  expect(details.failed, `seed ${seed}: no failing case`).toBe(true);
  return details.counterexample![0];
}

/** Is `node` down (crashed) at true time `atMs` under the schedule? */
function downAt(schedule: FaultSchedule, node: string, atMs: number): boolean {
  return schedule.some((fault) => fault.kind === 'crash' && fault.target === node && fault.atMs <= atMs && atMs < fault.atMs + fault.durationMs!);
}

describe('shrinking fault schedules to the true minimum', () => {
  it('tries each fault alone first: a 3-fault case that no deletion shrinks goes to the single crash that fails alone', () => {
    // Fails with exactly three faults among them a crash, or with one crash alone: deleting one
    // fault from three passes.
    const crashes = (schedule: FaultSchedule) => schedule.some((fault) => fault.kind === 'crash');
    const fails = (schedule: FaultSchedule) => (schedule.length === 3 || schedule.length === 1) && crashes(schedule);
    const firstFailures = SEEDS.map((seed) => fc.check(fc.property(faultSchedule({ nodes, horizonMs: 5_000, maxFaults: 3 }), (schedule) => !fails(schedule)), { seed, endOnFailure: true }).counterexample![0].length);
    expect(firstFailures, 'some searches must first fail with three faults').toContain(3);
    for (const seed of SEEDS) {
      const minimal = shrunk({ maxFaults: 3 }, fails, seed);
      expect(minimal, `seed ${seed}`).toHaveLength(1);
      expect(minimal[0]).toMatchObject({ kind: 'crash', atMs: 0, durationMs: 10, target: 'n1' });
    }
  });

  it('widens one fault to cover a deleted one: two crashes of a node become one that spans both, on the first node', () => {
    // Fails when one node is down at both 1 s and 3 s: two short crashes, or one long one.
    const fails = (schedule: FaultSchedule) => nodes.some((node) => downAt(schedule, node, 1_000) && downAt(schedule, node, 3_000));
    const options = { kinds: ['crash' as const], maxFaults: 4, nodes: ['n1', 'n2'] };
    const twoCrashFirst = SEEDS.filter((seed) => {
      const first = fc.check(fc.property(faultSchedule({ horizonMs: 5_000, ...options }), (schedule) => !fails(schedule)), { seed, numRuns: 1_000, endOnFailure: true }).counterexample![0];
      return !nodes.some((node) => first.some((fault) => fault.target === node && fault.atMs <= 1_000 && 3_000 < fault.atMs + fault.durationMs!));
    });
    expect(twoCrashFirst.length, 'some searches must first fail with two separate crashes').toBeGreaterThan(0);
    for (const seed of SEEDS) {
      const minimal = shrunk(options, fails, seed);
      expect(minimal, `seed ${seed}`).toHaveLength(1);
      expect(minimal[0]!.target, `seed ${seed}`).toBe('n1');
      expect(fails(minimal)).toBe(true);
    }
  });

  it('replaces a fault by the simplest of its kind', () => {
    const minimal = shrunk({ kinds: ['byzantine'] }, (schedule) => schedule.length > 0, 5);
    expect(minimal).toEqual([{ kind: 'byzantine', atMs: 0, durationMs: 10, target: 'n1', params: { behaviour: 'corrupt', probability: 1 } }]);
  });

  it('never shrinks below minFaults', () => {
    for (const seed of SEEDS.slice(0, 4)) expect(shrunk({ kinds: ['pause', 'clock-skew'], minFaults: 2 }, () => true, seed)).toHaveLength(2);
  });

  it('tries only schedules that keep the budget and inject, widened ones included', () => {
    // n2 down at 1 s and 3 s, n1 down at 2 s, at most one node down: widening n2's first crash
    // over its second would take both nodes down at 2 s, so the shrinker must not try it.
    const budget = { maxNodesDown: 1 };
    const tried: FaultSchedule[] = [];
    const fails = (schedule: FaultSchedule) => {
      tried.push(schedule);
      return downAt(schedule, 'n2', 1_000) && downAt(schedule, 'n2', 3_000) && downAt(schedule, 'n1', 2_000);
    };
    for (const seed of SEEDS.slice(0, 4)) expect(shrunk({ nodes: ['n1', 'n2'], kinds: ['crash'], maxFaults: 6, budget }, fails, seed)).toHaveLength(3);
    expect(tried.length).toBeGreaterThan(100);
    for (const schedule of tried) {
      expect(findBudgetViolation(schedule.map((fault: Fault) => ({ fault, model: models.get(fault.kind)! })), { nodeIds: () => nodes }, budget)).toBeUndefined();
      const sim = new Simulation({ seed: 1 });
      for (const id of nodes) sim.addNode(id, () => ({}));
      expect(() => sim.inject(schedule, { budget })).not.toThrow();
    }
  });

  it('moves a fault drawn in a focused case onto the first nodes as a valid fault of its kind', () => {
    // Fails while some node other than n1 stands apart or crashes: focused cases draw those on
    // n3 or n4 alone, and the shrinker must carry them to n2 (the first node that still fails)
    // without breaking a partition's groups or a link's pair.
    const everyone = ['n1', 'n2', 'n3', 'n4', 'c1'];
    const tried: FaultSchedule[] = [];
    const fails = (schedule: FaultSchedule) => {
      tried.push(schedule);
      return schedule.some((fault) => (fault.kind === 'crash' && fault.target !== 'n1') || (fault.kind === 'partition' && !(fault.params!['groups'] as string[][])[0]!.includes('n1')));
    };
    const options = { nodes: ['n1', 'n2', 'n3', 'n4'], clients: ['c1'], kinds: ['crash' as const, 'partition' as const, 'link' as const, 'bridge' as const, 'byzantine' as const], maxFaults: 4 };
    for (const seed of SEEDS) {
      const minimal = fc.check(fc.property(faultSchedule({ horizonMs: 5_000, ...options }), (schedule) => !fails(schedule)), { seed }).counterexample![0];
      expect(minimal, `seed ${seed}`).toHaveLength(1);
      const [fault] = minimal;
      if (fault!.kind === 'crash') expect(fault!.target).toBe('n2');
      else expect(fault!.params!['groups']).toEqual([['n2'], ['n1', 'n3', 'n4', 'c1']]);
    }
    for (const schedule of tried) {
      const sim = new Simulation({ seed: 1 });
      for (const id of everyone) sim.addNode(id, () => ({}));
      expect(() => sim.inject(schedule), JSON.stringify(schedule)).not.toThrow();
    }
  });

  it("leaves a custom kind's nodes alone: its params may tie them together", () => {
    // A model whose peer must differ from its target: swapping only the target would break it.
    const tie: GeneratedFailureModel = {
      kind: 'tie',
      validate: (fault) => {
        if (fault.params?.['peer'] === fault.target) throw new Error('peer must differ from target');
      },
      apply: () => undefined,
      revert: () => undefined,
      arbitrary: ({ nodes: ids }) => fc.tuple(fc.nat({ max: ids.length - 1 }), fc.nat({ max: ids.length - 2 })).map(([first, offset]) => ({ target: ids[first]!, params: { peer: ids[(first + 1 + offset) % ids.length]! } })),
    };
    const tried: FaultSchedule[] = [];
    const fails = (schedule: FaultSchedule) => {
      tried.push(schedule);
      return schedule.some((fault) => fault.kind === 'tie' && fault.params!['peer'] === 'n1');
    };
    for (const seed of SEEDS) {
      const details = fc.check(fc.property(faultSchedule({ nodes, horizonMs: 5_000, kinds: ['tie', 'crash'], models: [tie] }), (schedule) => !fails(schedule)), { seed });
      expect(details.counterexample![0]).toHaveLength(1);
    }
    for (const schedule of tried) {
      const sim = new Simulation({ seed: 1 });
      for (const id of nodes) sim.addNode(id, () => ({}));
      sim.registerFailureModel(tie);
      expect(() => sim.inject(schedule), JSON.stringify(schedule)).not.toThrow();
    }
  });
});
