import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { assertCluster, checkCluster, clusterProperty, clusterSeed, faultSchedule, workload, type ClusterScenario } from '../../src/check/index.js';
import { CoverageError, PropertyFailedError, PropertyViolationError } from '../../src/index.js';
import { expectInvalidArgument } from '../detectors/expect-invalid.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

const faults = { nodes: ['a', 'b'], kinds: ['crash' as const, 'pause' as const], maxFaults: 3, horizonMs: 1_800 };
/** Breaks as soon as `b` is down for more than 250 ms in a row: pongs stop for that long. */
const noLongSilence = pingPongScenario({
  invariants: [
    {
      name: 'no silence over 400 ms',
      check: (system: PingPong, sim) => sim.now - (system.pongsAt[system.pongsAt.length - 1] ?? 0) <= 400 || `last pong at ${system.pongsAt[system.pongsAt.length - 1]} ms`,
    },
  ],
});

describe('with @fast-check/vitest', () => {
  // One fault of at most 150 ms: silence is at most ~100 (ping period) + 150 + 100 (restart delay) ms.
  test.prop([clusterSeed(), faultSchedule({ ...faults, maxFaults: 1, maxDurationMs: 150 })], { numRuns: 30, seed: 7 })('a scenario whose faults are short never goes silent', (seed, schedule) => {
    // checkCluster throws if the invariant breaks; the expectations below show the run was real.
    const outcome = checkCluster(noLongSilence, { seed, faults: schedule });
    expect(outcome.sim.faultLog.filter((entry) => entry.phase === 'apply')).toHaveLength(schedule.length);
    const pongsAt = [0, ...outcome.system.pongsAt, outcome.sim.now];
    const longestSilenceMs = Math.max(...pongsAt.slice(1).map((atMs, index) => atMs - pongsAt[index]!));
    expect(longestSilenceMs).toBeLessThanOrEqual(400);
    expect(outcome.system.pongs).toBeGreaterThan(10);
  });
});

describe('inside fc.assert', () => {
  it("fast-check reports its seed, path and the shrunk case; the report is the error's cause", () => {
    const property = fc.property(clusterSeed(), faultSchedule(faults), (seed, schedule) => {
      checkCluster(noLongSilence, { seed, faults: schedule });
    });
    let thrown: unknown;
    try {
      fc.assert(property, { seed: 77, numRuns: 200 });
    } catch (error) {
      thrown = error;
    }
    const message = (thrown as Error).message;
    expect(message).toMatch(/^Property failed after \d+ tests\n\{ seed: 77, path: "[\d:]+", endOnFailure: true \}\nCounterexample: \[\d+,\[\{"kind":/);
    const cause = (thrown as Error).cause as PropertyViolationError;
    expect(cause).toBeInstanceOf(PropertyViolationError);
    expect(cause.message).toContain('replay:\n  checkCluster(scenario, {"seed":');
  });
});

describe('assertCluster', () => {
  it('finds and shrinks a failure, and reports fast-check seed and path with the replay lines', async () => {
    const error = await assertCluster(noLongSilence, { faults, numRuns: 200, seed: 77 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PropertyFailedError);
    const failure = error as PropertyFailedError;
    expect(failure.code).toBe('PROPERTY_FAILED');
    expect(failure.seed).toBe(77);
    expect(failure.message).toContain(`property failed: fast-check seed 77, path "${failure.path}"`);
    expect(failure.message).toContain("invariant 'no silence over 400 ms' violated");
    expect(failure.message).toMatch(/faults \(1\):\n {2}t=0 ms (crash|pause) [ab] for \d+ ms/);
    expect(failure.message).toContain('replay:\n  checkCluster(scenario, {"seed":');
    expect(failure.message).toContain(`await assertCluster(scenario, { ...options, seed: 77, path: "${failure.path}" });`);
    expect(failure.cause).toBeInstanceOf(PropertyViolationError);
    // fast-check's seed and path jump straight back to the same minimal case.
    const again = (await assertCluster(noLongSilence, { faults, seed: 77, path: failure.path }).catch((caught: unknown) => caught)) as PropertyFailedError;
    expect((again.cause as PropertyViolationError).replay).toBe((failure.cause as PropertyViolationError).replay);
  });

  it('passes and summarises coverage when nothing breaks', async () => {
    const summary = await assertCluster(pingPongScenario(), { faults, numRuns: 40, seed: 1, requireCoverage: { sometimes: ['faults applied'] } });
    expect(summary.runs).toBe(40);
    expect(summary.coverage['faults applied']).toBeGreaterThan(10);
    expect(summary.coverage['faults applied']).toBeLessThanOrEqual(40);
  });

  it('fails a vacuous pass with CoverageError', async () => {
    const quiet = pingPongScenario({ setup: (sim, tools) => (tools.coverage.sometimes('pong lost', false), pingPongScenario().setup(sim, tools)) });
    const error = await assertCluster(quiet, { numRuns: 10, seed: 1, requireCoverage: { sometimes: ['faults applied', 'pong lost'] } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CoverageError);
    expect((error as CoverageError).message).toContain("'faults applied', 'pong lost' never happened (met in 0 runs");
  });

  it('reports a case that throws something other than a violation, with its replay', async () => {
    const crashing = pingPongScenario({ setup: (sim, tools) => { const system = pingPongScenario().setup(sim, tools); sim.addNode('boom', (ctx) => ({ onStart: () => ctx.setTimer(5, 'x'), onTimer: () => { throw new Error('handler bug'); } })); return system; } });
    const error = (await assertCluster(crashing, { numRuns: 5, seed: 2 }).catch((caught: unknown) => caught)) as PropertyFailedError;
    expect(error).toBeInstanceOf(PropertyFailedError);
    expect(error.message).toMatch(/the case threw: HandlerError: .*handler bug/);
    expect(error.message).toContain('replay:\n  checkCluster(scenario, {"seed":');
  });

  it('exposes the property for fast-check runners of your own', async () => {
    const details = await fc.check(clusterProperty(noLongSilence, { faults }), { seed: 77, numRuns: 200 });
    expect(details.failed).toBe(true);
  });
});

describe('bad input', () => {
  const valid = pingPongScenario();
  const withScenario = (overrides: Record<string, unknown>) => ({ ...valid, ...overrides }) as ClusterScenario<PingPong>;

  it('names the bad field of a scenario', () => {
    expectInvalidArgument(() => checkCluster(withScenario({ setup: undefined }), { seed: 1 }), 'scenario.setup');
    expectInvalidArgument(() => checkCluster(withScenario({ untilMs: Number.NaN }), { seed: 1 }), 'scenario.untilMs');
    expectInvalidArgument(() => checkCluster(withScenario({ invariants: [{ name: 'x' }] }), { seed: 1 }), 'scenario.invariants[0].check');
    expectInvalidArgument(() => checkCluster(withScenario({ invariants: [{ name: 'x', check: () => true, when: 'sometimes' }] }), { seed: 1 }), 'scenario.invariants[0].when');
    expectInvalidArgument(() => checkCluster(withScenario({ liveness: { fromMs: 1_500, withinMs: 1_000, eventually: [] } }), { seed: 1 }), 'scenario.liveness.withinMs');
    expectInvalidArgument(() => checkCluster(withScenario({ simulation: { seed: 4 } }), { seed: 1 }), 'scenario.simulation.seed');
    expectInvalidArgument(() => checkCluster(withScenario({ colour: 'red' }), { seed: 1 }), 'scenario.colour');
    expectInvalidArgument(() => checkCluster(withScenario({ async: true }), { seed: 1 }), 'scenario.async');
  });

  it('names the bad field of a case and of the options', () => {
    expectInvalidArgument(() => checkCluster(valid, { seed: Number.NaN }), 'case.seed');
    expectInvalidArgument(() => checkCluster(valid, { seed: 1, faults: 'none' as never }), 'case.faults');
    expectInvalidArgument(() => checkCluster(valid, { seed: 1, faults: [{ kind: 'crash', atMs: -5, target: 'a' }] }), 'schedule[0].atMs');
    expectInvalidArgument(() => checkCluster(valid, { seed: 1, workload: [{ atMs: 5, client: 'a', operation: 1 }] }), 'scenario.operate');
    const operating = { ...valid, operate: () => {} };
    expectInvalidArgument(() => checkCluster(operating, { seed: 1, workload: [{ atMs: 5_000, client: 'a', operation: 1 }] }), 'case.workload[0].atMs');
    expectInvalidArgument(() => checkCluster(valid, { seed: 1 }, { timelineLines: 0 }), 'options.timelineLines');
    expectInvalidArgument(() => checkCluster(valid, { seed: 1 }, { verbose: true } as never), 'options.verbose');
  });

  it('reports mistakes in the scenario or the options as themselves, not as a failing case', async () => {
    await expect(assertCluster(withScenario({ budget: { maxNodesDown: -1 } }), { faults })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'scenario.budget.maxNodesDown' });
    await expect(assertCluster(valid, { faults: { ...faults, nodes: ['a', 'ghost'] } })).rejects.toMatchObject({ field: 'options.faults.nodes' });
    await expect(assertCluster(valid, { faults: { nodes: ['a'], kinds: ['partition', 'crash'], horizonMs: 1_000 } })).rejects.toMatchObject({ field: 'options.faults.clients' });
    const operating = { ...valid, operate: () => {} };
    const lateWork = workload({ clients: ['a'], operation: fc.constant(1), horizonMs: 5_000 });
    await expect(assertCluster(operating, { workload: lateWork, numRuns: 50, seed: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: expect.stringMatching(/^case\.workload\[\d+\]\.atMs$/) });
    const throwing = pingPongScenario({ invariants: [{ name: 'buggy', check: () => { throw new Error('bug in the check'); } }] });
    await expect(assertCluster(throwing, { numRuns: 5, seed: 1 })).rejects.toMatchObject({ code: 'INVARIANT_THREW' });
  });

  it("draws schedules within the scenario's budget", async () => {
    const budgeted = pingPongScenario({ budget: { maxNodesDown: 1 } });
    const summary = await assertCluster(budgeted, { faults: { nodes: ['a', 'b'], kinds: ['crash'], maxFaults: 4, horizonMs: 1_800 }, numRuns: 60, seed: 3 });
    expect(summary.runs).toBe(60);
  });

  it('names the bad field of assertCluster options', async () => {
    await expect(assertCluster(valid, { numRuns: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'options.numRuns' });
    await expect(assertCluster(valid, { workload: [] as never })).rejects.toMatchObject({ field: 'options.workload' });
    await expect(assertCluster(valid, { requireCoverage: { sometimes: [3] } as never })).rejects.toMatchObject({ field: 'options.requireCoverage.sometimes' });
    await expect(assertCluster(valid, { seed: 1.5 })).rejects.toMatchObject({ field: 'options.seed' });
  });
});
