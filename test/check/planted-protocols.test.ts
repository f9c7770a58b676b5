// The planted-bug protocols of test/check/protocols/ (consensus, atomic commit, durable log,
// election, byzantine agreement) as a user would test them: the search finds each bug from
// several fast-check seeds, shrinks it to at most one fault more than its known minimum, and the
// minimal schedule fails on its own when replayed; the fixed variant passes. How fast each is
// found is not pinned here (the generator is tuned against bench/search.ts); that it is found is.
import { describe, expect, it } from 'vitest';
import { assertCluster, checkCluster } from '../../src/check/index.js';
import { PropertyFailedError, PropertyViolationError, type FaultSchedule } from '../../src/index.js';
import { plantedProtocols, SEARCH_WINDOW, type PlantedBug } from './protocols/planted-bugs.js';

/** The budget of issue 21's target: every bug found within 500 runs. */
const BUDGET = 500;
const SEARCH_SEEDS = [1, 2, 3];
const FIXED_RUNS = 100;

async function search(bug: PlantedBug, fixed: boolean, seed: number, numRuns: number): Promise<PropertyFailedError | undefined> {
  try {
    await assertCluster(bug.scenario(fixed), { faults: { ...bug.faults, ...SEARCH_WINDOW }, numRuns, seed });
    return undefined;
  } catch (error) {
    if (error instanceof PropertyFailedError) return error;
    throw error;
  }
}

/** The minimal case of a failed search, read back from its replay line. */
function minimalCase(failure: PropertyFailedError): { seed: number; faults: FaultSchedule } {
  const replay = (failure.cause as PropertyViolationError).replay;
  return JSON.parse(replay.slice(replay.indexOf('{'), replay.lastIndexOf(')'))) as { seed: number; faults: FaultSchedule };
}

describe.each(plantedProtocols)('planted protocol: $name', (bug) => {
  it.each(SEARCH_SEEDS)(`the bug is found within ${BUDGET} runs and shrunk to at most its minimum + 1 faults (fast-check seed %i)`, async (seed) => {
    const failure = await search(bug, false, seed, BUDGET);
    expect(failure, 'the bug was not found').toBeDefined();
    const violation = failure!.cause;
    expect(violation).toBeInstanceOf(PropertyViolationError);
    const minimal = minimalCase(failure!);
    expect(minimal.faults.length).toBeGreaterThanOrEqual(bug.minimumFaults);
    expect(minimal.faults.length).toBeLessThanOrEqual(bug.minimumFaults + 1);
    expect(minimal.faults.some((fault) => bug.faults.kinds.includes(fault.kind as never))).toBe(true);
    // The minimal schedule fails on its own, for the same reason, at the same moment.
    let replayed: unknown;
    try {
      checkCluster(bug.scenario(false), minimal);
    } catch (error) {
      replayed = error;
    }
    expect(replayed).toBeInstanceOf(PropertyViolationError);
    expect((replayed as PropertyViolationError).property).toBe((violation as PropertyViolationError).property);
    expect((replayed as PropertyViolationError).timeMs).toBe((violation as PropertyViolationError).timeMs);
    // ... and the fixed variant survives it.
    expect(() => checkCluster(bug.scenario(true), minimal)).not.toThrow();
  });

  it(`the fixed variant passes ${FIXED_RUNS} runs`, async () => {
    expect(await search(bug, true, SEARCH_SEEDS[0]!, FIXED_RUNS)).toBeUndefined();
  });

  it('the buggy variant passes without faults: the bug needs its faults', () => {
    for (const seed of [1, 2, 3, 4, 5]) expect(() => checkCluster(bug.scenario(false), { seed, faults: [] })).not.toThrow();
  });
});
