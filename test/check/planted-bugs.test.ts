import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertCluster, checkCluster, clusterProperty, type ClusterScenario } from '../../src/check/index.js';
import { PropertyFailedError, PropertyViolationError, type FaultSchedule } from '../../src/index.js';
import type { NemesisKind } from '../../src/faults/nemesis.js';
import { lwwNodes, lwwScenario } from './protocols/lww-register.js';
import { primaryBackupNodes, primaryBackupScenario } from './protocols/primary-backup.js';
import { quorumNodes, quorumScenario } from './protocols/quorum-store.js';

/** Runs per search: "a few hundred". */
const BUDGET = 300;
/** fast-check seeds: each bug must be found from every one of them. */
const SEARCH_SEEDS = [1, 2, 3, 4, 5];

interface PlantedBug {
  name: string;
  scenario: (fixed: boolean) => ClusterScenario<unknown>;
  nodes: { nodes: string[]; clients: string[] };
  kinds: NemesisKind[];
  knownMinimumFaults: number;
  /**
   * What each search (one per fast-check seed, in SEARCH_SEEDS order) gives: the run that first
   * failed and the kinds of the shrunk schedule. Deterministic, and the source of the figures in
   * docs-src/property-testing.md (checked below).
   */
  searches: Array<{ failedAtRun: number; shrunkTo: string[] }>;
}

const bugs: PlantedBug[] = [
  { name: 'primary-backup without fencing, under pauses, crashes and partitions', scenario: primaryBackupScenario as PlantedBug['scenario'], nodes: primaryBackupNodes, kinds: ['crash', 'pause', 'partition'], knownMinimumFaults: 1,
    searches: [
      { failedAtRun: 1, shrunkTo: ['crash', 'partition'] },
      { failedAtRun: 2, shrunkTo: ['pause'] },
      { failedAtRun: 1, shrunkTo: ['pause'] },
      { failedAtRun: 1, shrunkTo: ['pause'] },
      { failedAtRun: 3, shrunkTo: ['pause'] },
    ] },
  { name: 'last-writer-wins with wall-clock stamps, under clock skew', scenario: lwwScenario as PlantedBug['scenario'], nodes: lwwNodes, kinds: ['clock-skew', 'partition', 'pause'], knownMinimumFaults: 1,
    searches: [
      { failedAtRun: 1, shrunkTo: ['clock-skew'] },
      { failedAtRun: 1, shrunkTo: ['clock-skew'] },
      { failedAtRun: 1, shrunkTo: ['clock-skew'] },
      { failedAtRun: 2, shrunkTo: ['clock-skew'] },
      { failedAtRun: 1, shrunkTo: ['clock-skew'] },
    ] },
  { name: 'quorum store with R + W <= N, under crashes and partitions', scenario: quorumScenario as PlantedBug['scenario'], nodes: quorumNodes, kinds: ['crash', 'partition', 'pause'], knownMinimumFaults: 1,
    searches: [
      { failedAtRun: 1, shrunkTo: ['partition'] },
      { failedAtRun: 3, shrunkTo: ['crash'] },
      { failedAtRun: 1, shrunkTo: ['partition'] },
      { failedAtRun: 4, shrunkTo: ['partition'] },
      { failedAtRun: 1, shrunkTo: ['partition'] },
    ] },
];

function options(bug: PlantedBug, seed: number) {
  return { faults: { ...bug.nodes, kinds: bug.kinds, maxFaults: 4, horizonMs: 5_000 }, numRuns: BUDGET, seed };
}

function searchOptions(bug: PlantedBug) {
  return { faults: { ...bug.nodes, kinds: bug.kinds, maxFaults: 4, horizonMs: 5_000 } };
}

async function search(bug: PlantedBug, fixed: boolean, seed: number): Promise<PropertyFailedError | undefined> {
  try {
    await assertCluster(bug.scenario(fixed), options(bug, seed));
    return undefined;
  } catch (error) {
    if (error instanceof PropertyFailedError) return error;
    throw error;
  }
}

describe.each(bugs)('planted bug: $name', (bug) => {
  it.each(SEARCH_SEEDS)(`is found within ${BUDGET} runs and shrunk to at most one fault more than the minimum (fast-check seed %i)`, async (seed) => {
    const failure = await search(bug, false, seed);
    expect(failure, 'the bug was not found').toBeDefined();
    const violation = failure!.cause as PropertyViolationError;
    expect(violation).toBeInstanceOf(PropertyViolationError);
    const replayed = JSON.parse(violation.replay.slice(violation.replay.indexOf('{'), violation.replay.lastIndexOf(')'))) as { seed: number; faults: FaultSchedule };
    expect(replayed.faults.length).toBeLessThanOrEqual(bug.knownMinimumFaults + 1);
    expect(replayed.faults.length).toBeGreaterThanOrEqual(bug.knownMinimumFaults);
    const expected = bug.searches[SEARCH_SEEDS.indexOf(seed)]!;
    expect(Number(/after (\d+) runs/.exec(failure!.message)?.[1])).toBe(expected.failedAtRun);
    expect(replayed.faults.map((fault) => fault.kind)).toEqual(expected.shrunkTo);
    // Faithful shrinking: the first failing case fast-check found (before shrinking) broke the same
    // property, and the minimal case, rerun on its own, breaks it at the same moment.
    const unshrunk = await fc.check(clusterProperty(bug.scenario(false), searchOptions(bug)), { seed, numRuns: BUDGET, endOnFailure: true });
    expect((unshrunk.errorInstance as PropertyViolationError).property).toBe(violation.property);
    expect(unshrunk.counterexample![1].length).toBeGreaterThanOrEqual(replayed.faults.length);
    expect(() => checkCluster(bug.scenario(false), replayed)).toThrow(PropertyViolationError);
    try {
      checkCluster(bug.scenario(false), replayed);
    } catch (error) {
      expect((error as PropertyViolationError).property).toBe(violation.property);
      expect((error as PropertyViolationError).timeMs).toBe(violation.timeMs);
    }
  });

  it('the fixed variant passes the same budget', async () => {
    for (const seed of SEARCH_SEEDS) expect(await search(bug, true, seed)).toBeUndefined();
  });

  it('the minimal case of the bug passes on the fixed variant', async () => {
    const failure = await search(bug, false, SEARCH_SEEDS[0]!);
    const violation = failure!.cause as PropertyViolationError;
    const replayed = JSON.parse(violation.replay.slice(violation.replay.indexOf('{'), violation.replay.lastIndexOf(')'))) as { seed: number; faults: FaultSchedule };
    expect(() => checkCluster(bug.scenario(true), replayed)).not.toThrow();
  });
});

describe('the figures for the planted bugs in docs-src/property-testing.md', () => {
  it('are the ones the searches above pin', () => {
    const searches = bugs.flatMap((bug) => bug.searches);
    const singleFault = searches.filter((search) => search.shrunkTo.length === 1);
    const others = searches.filter((search) => search.shrunkTo.length !== 1);
    expect(others.map((search) => search.shrunkTo)).toEqual([['crash', 'partition']]);
    const claim = `each of ${searches.length} searches (five fast-check seeds per bug, budget ${BUDGET} runs) found the bug within ${Math.max(...searches.map((search) => search.failedAtRun))} runs; ${singleFault.length} shrank it to one fault, the known minimum, and one to two (a crash and a partition)`;
    const page = readFileSync('docs-src/property-testing.md', 'utf8').replace(/\s+/g, ' ');
    expect(/each of \d+ searches .*? and one to two \(a crash and a partition\)/.exec(page)?.[0]).toBe(claim);
  });
});
