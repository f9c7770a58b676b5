import { describe, expect, it } from 'vitest';
import { assertCluster, checkCluster, sweepSeed, type ClusterScenario, type SweepModule } from '../../src/check/index.js';
import { LimitExceededError, NondeterminismError, PropertyFailedError, PropertyViolationError } from '../../src/index.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

const faults = { nodes: ['a', 'b'], kinds: ['crash' as const, 'pause' as const], maxFaults: 3, horizonMs: 1_800 };

/** Fails whenever `b` is down long enough; counts its setups, and the traced ones (report reruns). */
function countingScenario(): { scenario: ClusterScenario<PingPong>; setups: { all: number; traced: number } } {
  const setups = { all: 0, traced: 0 };
  const base = pingPongScenario();
  const scenario = pingPongScenario({
    setup(sim, tools) {
      setups.all++;
      if (sim.trace !== undefined) setups.traced++;
      return base.setup(sim, tools);
    },
    invariants: [{ name: 'no silence over 400 ms', check: (system, sim) => sim.now - (system.pongsAt.at(-1) ?? 0) <= 400 }],
  });
  return { scenario, setups };
}

describe('reports during a search', () => {
  it('assertCluster builds the report of the minimal case only, not of every failing case it shrinks through', async () => {
    const { scenario, setups } = countingScenario();
    const error = await assertCluster(scenario, { faults, numRuns: 200, seed: 77 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(PropertyFailedError);
    expect((error as PropertyFailedError).message).toMatch(/invariant 'no silence over 400 ms' violated/);
    // Shrinking ran many cases; only the minimal one was rerun traced for its report.
    expect(setups.all).toBeGreaterThan(10);
    expect(setups.traced).toBe(1);
  });

  it("gives the same report as checkCluster on the minimal case, which replays to the same error", async () => {
    const { scenario } = countingScenario();
    const error = (await assertCluster(scenario, { faults, numRuns: 200, seed: 77 }).catch((thrown: unknown) => thrown)) as PropertyFailedError;
    const violation = error.cause as PropertyViolationError;
    expect(violation).toBeInstanceOf(PropertyViolationError);
    const replayed = JSON.parse(/checkCluster\(scenario, (.*)\);$/.exec(violation.replay)![1]!) as { seed: number; faults: [] };
    let direct: unknown;
    try {
      checkCluster(scenario, replayed);
    } catch (thrown) {
      direct = thrown;
    }
    expect((direct as PropertyViolationError).message).toBe(violation.message);
  });

  it('sweepSeed reports the minimal case with its property, replay and full message', async () => {
    const { scenario, setups } = countingScenario();
    const sweep = { scenario, options: { faults } } as unknown as SweepModule;
    const result = await sweepSeed(sweep, 77, 200);
    expect(result.ok).toBe(false);
    expect(result.property).toBe('no silence over 400 ms');
    expect(result.message).toMatch(/last events before the failure:/);
    expect(result.replay).toMatch(/^checkCluster\(scenario, /);
    expect(setups.traced).toBe(1);
  });

  it('names nondeterminism when the minimal case passes on its rerun', async () => {
    let calls = 0;
    // Fails on its first evaluation only: not a function of the case.
    const scenario = pingPongScenario({ invariants: [{ name: 'flaky', check: () => ++calls > 1 }], untilMs: 300 });
    const error = (await assertCluster(scenario, { numRuns: 5, seed: 1 }).catch((thrown: unknown) => thrown)) as PropertyFailedError;
    expect(error).toBeInstanceOf(PropertyFailedError);
    expect(error.cause).toBeInstanceOf(NondeterminismError);
    expect(error.message).toMatch(/not deterministic/);
  });
});

describe('a case with nothing to check between events', () => {
  // No `always` invariant and no liveness: the events run in one batch, not one step each.
  const endOnly = pingPongScenario({ invariants: [{ name: 'some pongs', check: (system) => system.pongs > 3, when: 'end' }] });
  const everyEvent = pingPongScenario({ invariants: [{ name: 'some pongs', check: (system, sim) => sim.now < 2_000 || system.pongs > 3 }] });

  it('processes the same events to the same hash as a case checked after every event', () => {
    for (const seed of [1, 2, 3]) {
      const batched = checkCluster(endOnly, { seed, faults: [{ kind: 'crash', atMs: 500, durationMs: 300, target: 'b' }] });
      const stepped = checkCluster(everyEvent, { seed, faults: [{ kind: 'crash', atMs: 500, durationMs: 300, target: 'b' }] });
      expect(batched.traceHash).toBe(stepped.traceHash);
      expect(batched.eventsProcessed).toBe(stepped.eventsProcessed);
      expect(batched.sim.now).toBe(2_000);
    }
  });

  it("stops at scenario.maxEvents with the case's own error, at the event stepping stops at", () => {
    const errors = [endOnly, everyEvent].map((scenario) => {
      try {
        checkCluster({ ...scenario, maxEvents: 25 }, { seed: 4 });
      } catch (error) {
        return error as LimitExceededError;
      }
      throw new Error('expected a LimitExceededError');
    });
    for (const error of errors) {
      expect(error).toBeInstanceOf(LimitExceededError);
      expect(error.bound).toBe(25);
      expect(error.message).toMatch(/raise scenario\.maxEvents/);
    }
    expect(errors[0]!.timeMs).toBe(errors[1]!.timeMs);
  });
});
