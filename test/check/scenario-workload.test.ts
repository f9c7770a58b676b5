import { describe, expect, it } from 'vitest';
import { assertCluster, checkCluster, fc, workload, type ClusterScenario, type WorkloadOperation } from '../../src/check/index.js';
import { PropertyFailedError, PropertyViolationError } from '../../src/index.js';
import { catchError, expectInvalidArgument } from '../detectors/expect-invalid.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

const fixed: Array<WorkloadOperation<number>> = [
  { atMs: 100, client: 'a', operation: 1 },
  { atMs: 400, client: 'b', operation: 2 },
];

function recording(issued: Array<[number, number]>, overrides: Partial<ClusterScenario<PingPong, number>> = {}): ClusterScenario<PingPong, number> {
  return { ...pingPongScenario(), workload: fixed, operate: (_system, item, sim) => void issued.push([sim.now, item.operation]), ...overrides };
}

describe('scenario.workload: a fixed workload given once', () => {
  it('issues the fixed operations in every case, and a case’s own after them at equal times', () => {
    const issued: Array<[number, number]> = [];
    checkCluster(recording(issued), { seed: 1, workload: [{ atMs: 100, client: 'c', operation: 9 }, { atMs: 250, client: 'c', operation: 8 }] });
    expect(issued).toEqual([[100, 1], [100, 9], [250, 8], [400, 2]]);
  });

  it('is not repeated in the replay line', () => {
    const scenario = recording([], { invariants: [{ name: 'never', when: 'end', check: () => false }] });
    const error = catchError(() => checkCluster(scenario, { seed: 4, workload: [{ atMs: 5, client: 'c', operation: 7 }] })) as PropertyViolationError;
    expect(error.replay).toBe('checkCluster(scenario, {"seed":4,"faults":[],"workload":[{"atMs":5,"client":"c","operation":7}]});');
    expect(error.message).toContain('workload: 1 operations (and 2 from the scenario)');
    const bare = catchError(() => checkCluster(scenario, { seed: 4 })) as PropertyViolationError;
    expect(bare.replay).toBe('checkCluster(scenario, {"seed":4,"faults":[]});');
  });

  it('runs under assertCluster with a generated workload on top, and leaves it out of the counterexample', async () => {
    const issued: Array<[number, number]> = [];
    const scenario = recording(issued, { invariants: [{ name: 'fewer than 4 operations', when: 'end', check: () => issued.length < 4 }], setup: (sim, tools) => ((issued.length = 0), pingPongScenario().setup(sim, tools)) });
    const generated = workload({ clients: ['c'], operation: fc.integer({ min: 10, max: 20 }), horizonMs: 1_000, maxOperations: 5 });
    const error = (await assertCluster(scenario, { workload: generated, numRuns: 50, seed: 8 }).catch((caught: unknown) => caught)) as PropertyFailedError;
    expect(error).toBeInstanceOf(PropertyFailedError);
    // Two fixed operations, so two generated ones are the least that breaks it.
    expect(error.counterexample!.workload).toHaveLength(2);
    expect(error.counterexample!.workload.every((item) => item.client === 'c')).toBe(true);
  });

  it('is validated like a case workload', () => {
    const base = recording([]);
    expectInvalidArgument(() => checkCluster({ ...base, workload: 'x' as never }, { seed: 1 }), 'scenario.workload');
    expectInvalidArgument(() => checkCluster({ ...base, workload: [{ atMs: 2_001, client: 'a', operation: 1 }] }, { seed: 1 }), 'scenario.workload[0].atMs');
    expectInvalidArgument(() => checkCluster({ ...base, workload: [{ atMs: Number.NaN, client: 'a', operation: 1 }] }, { seed: 1 }), 'scenario.workload[0].atMs');
    expectInvalidArgument(() => checkCluster({ ...base, workload: [{ atMs: 1, client: 3 as never, operation: 1 }] }, { seed: 1 }), 'scenario.workload[0].client');
    expectInvalidArgument(() => checkCluster({ ...base, workload: [{ atMs: 1, client: 'a', operation: 1, extra: 1 } as never] }, { seed: 1 }), 'scenario.workload[0].extra');
    expect(() => checkCluster({ ...base, workload: [{ atMs: 1, client: 'a', operation: Number.NaN }] }, { seed: 1 })).toThrow(/scenario\.workload\[0\]\.operation must be plain data/);
    const { operate: _operate, ...withoutOperate } = base;
    expectInvalidArgument(() => checkCluster(withoutOperate, { seed: 1 }), 'scenario.operate');
  });
});
