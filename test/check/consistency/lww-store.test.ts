import { describe, expect, it } from 'vitest';
import { assertCluster, checkCluster } from '../../../src/check/index.js';
import { PropertyFailedError, PropertyViolationError, type FaultSchedule } from '../../../src/index.js';
import { lwwStoreNodes, lwwStoreScenario } from '../protocols/lww-store.js';

const BUDGET = 300;
const options = (seed: number) => ({ faults: { ...lwwStoreNodes, kinds: ['clock-skew' as const], maxFaults: 4, horizonMs: 4_000 }, numRuns: BUDGET, seed });

async function search(crdt: boolean, seed: number): Promise<PropertyFailedError | undefined> {
  try {
    await assertCluster(lwwStoreScenario(crdt), options(seed));
    return undefined;
  } catch (error) {
    if (error instanceof PropertyFailedError) return error;
    throw error;
  }
}

describe('a last-writer-wins replicated set on skewed clocks', () => {
  /** What the search from each fast-check seed gives: deterministic, so pinned exactly. */
  const searches = [
    { seed: 1, failedAtRun: 1, shrunkTo: ['clock-skew'] },
    { seed: 2, failedAtRun: 1, shrunkTo: ['clock-skew'] },
    { seed: 3, failedAtRun: 1, shrunkTo: ['clock-skew'] },
  ];

  it.each(searches)('loses acknowledged adds: found by the lost-update checker and shrunk to one clock skew (fast-check seed $seed)', async ({ seed, failedAtRun, shrunkTo }) => {
    const failure = await search(false, seed);
    expect(failure).toBeDefined();
    const violation = failure!.cause as PropertyViolationError;
    expect(violation.property).toBe('no acknowledged update is lost');
    const replayed = JSON.parse(violation.replay.slice(violation.replay.indexOf('{'), violation.replay.lastIndexOf(')'))) as { seed: number; faults: FaultSchedule };
    expect({ failedAtRun: Number(/after (\d+) runs/.exec(failure!.message)?.[1]), shrunkTo: replayed.faults.map((fault) => fault.kind) }).toEqual({ failedAtRun, shrunkTo });
    expect(() => checkCluster(lwwStoreScenario(true), replayed)).not.toThrow();
  });

  it('its CRDT fix (the library OR-Set) passes the same budget', async () => {
    for (const { seed } of searches) expect(await search(true, seed)).toBeUndefined();
  });
});
