import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCluster, checkClusterAsync, clusterProperty, faultSchedule, type ClusterScenario, type FaultScheduleOptions } from '../../src/check/index.js';
import { clusterSeed } from '../../src/check/arbitraries/cluster-seed.js';
import { MAX_PASSED_CASES, PassedCases } from '../../src/check/passed-cases.js';
import type { FaultSchedule } from '../../src/index.js';
import { beatingNode } from './fixtures.js';

const NODES = ['n1', 'n2', 'n3'];
const FAULTS: FaultScheduleOptions = { nodes: NODES, kinds: ['crash', 'partition'], maxFaults: 3, horizonMs: 300 };

/**
 * Gossip every 10 ms; the bug: n1 must always have heard from someone in the last 40 ms, which a
 * long enough crash or partition of n1 breaks. `ran` counts the cases that really run.
 */
function gossipScenario(ran: { cases: number }, async = false): ClusterScenario<{ lastHeardMs: number }> {
  return {
    name: 'gossip with a watchdog',
    ...(async ? { async: true } : {}),
    simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 9 } } } },
    setup(sim) {
      ran.cases++;
      const system = { lastHeardMs: 0 };
      for (const id of NODES) {
        sim.addNode(
          id,
          beatingNode((ctx) => {
            if (ctx.id === 'n1') system.lastHeardMs = sim.now;
          }),
        );
      }
      return system;
    },
    invariants: [{ name: 'n1 hears someone every 40 ms', check: (system, sim) => sim.now - system.lastHeardMs <= 40 }],
    untilMs: 400,
  };
}

describe('PassedCases', () => {
  it('keys nothing before the first failure, then keys a case by the JSON of each part', () => {
    const passed = new PassedCases<string>();
    expect(passed.keyOf([1, [], []])).toBeUndefined();
    passed.startShrinking();
    expect(passed.keyOf([1, [{ kind: 'crash' }], []])).toEqual(['1', '[{"kind":"crash"}]', '[]']);
    expect(passed.keyOf([1, [], [{ value: 10n }]])).toBeUndefined();
  });

  it('writes a part it has seen once: a part changed in place keeps its first JSON', () => {
    // fast-check's values are not changed once made; this shows the JSON is remembered by identity.
    const passed = new PassedCases<string>();
    passed.startShrinking();
    const items = [{ atMs: 1 }];
    expect(passed.keyOf([1, [], items])).toEqual(['1', '[]', '[{"atMs":1}]']);
    items.push({ atMs: 2 });
    expect(passed.keyOf([2, [], items])).toEqual(['2', '[]', '[{"atMs":1}]']);
    expect(passed.keyOf([2, [], [...items]])).toEqual(['2', '[]', '[{"atMs":1},{"atMs":2}]']);
  });

  it('remembers the coverage a key passed with, tells keys apart part by part, and forgets everything when full', () => {
    const passed = new PassedCases<number>();
    passed.startShrinking();
    passed.remember(undefined, 1);
    expect(passed.coverageOf(undefined)).toBeUndefined();
    for (let index = 0; index < MAX_PASSED_CASES; index++) passed.remember(['1', `[${index % 64}]`, `[${index}]`], index);
    expect(passed.coverageOf(['1', '[0]', '[0]'])).toBe(0);
    expect(passed.coverageOf(['1', '[1]', '[0]'])).toBeUndefined();
    expect(passed.coverageOf(['2', '[0]', '[0]'])).toBeUndefined();
    expect(passed.coverageOf(['1', `[${(MAX_PASSED_CASES - 1) % 64}]`, `[${MAX_PASSED_CASES - 1}]`])).toBe(MAX_PASSED_CASES - 1);
    passed.remember(['1', '[0]', '[0]'], 7); // the same case again: counted once
    expect(passed.coverageOf(['1', '[0]', '[0]'])).toBe(7);
    passed.remember(['1', 'one', 'too many'], -1);
    expect(passed.coverageOf(['1', '[0]', '[0]'])).toBeUndefined();
    expect(passed.coverageOf(['1', 'one', 'too many'])).toBe(-1);
  });
});

/** What fast-check asked a property for, and whether the search had failed by then. */
interface Asked {
  key: string;
  shrinking: boolean;
}

/** Wraps `property.run` to record each value asked for. */
function recordAsked<T>(property: fc.IAsyncPropertyWithHooks<T>): Asked[] {
  const asked: Asked[] = [];
  let failedYet = false;
  const run = property.run.bind(property);
  property.run = async (value) => {
    asked.push({ key: JSON.stringify(value), shrinking: failedYet });
    const outcome = await run(value);
    if (outcome !== null) failedYet = true;
    return outcome;
  };
  return asked;
}

function repeatsWhileShrinking(asked: readonly Asked[]): number {
  const keys = asked.filter((entry) => entry.shrinking).map((entry) => entry.key);
  return keys.length - new Set(keys).size;
}

/** The same search with a property that runs every case it is asked for. */
type CaseTuple = [number, FaultSchedule, unknown[]];

async function referenceSearch(seed: number, async: boolean): Promise<fc.RunDetails<CaseTuple>> {
  const scenario = gossipScenario({ cases: 0 }, async);
  const everyCase = fc.asyncProperty(clusterSeed(), faultSchedule(FAULTS), fc.constant<unknown[]>([]), async (caseSeed, faults, _items) => {
    if (async) await checkClusterAsync(scenario, { seed: caseSeed, faults });
    else checkCluster(scenario, { seed: caseSeed, faults });
  });
  return fc.check(everyCase, { seed, numRuns: 200 });
}

describe('a shrinking search', () => {
  for (const async of [false, true]) {
    it(`runs each passing case once, and finds what a search running every repeat finds${async ? ' (async scenario)' : ''}`, async () => {
      for (const seed of [3, 11, 29]) {
        const ran = { cases: 0 };
        let passes = 0;
        const property = clusterProperty(gossipScenario(ran, async), { faults: FAULTS }, (coverage) => {
          expect(coverage['faults applied']).toBeDefined();
          passes++;
        });
        const asked = recordAsked(property);
        const ranBefore = ran.cases; // the property built the scenario once for its node ids
        const found = await fc.check(property, { seed, numRuns: 200 });
        expect(found.failed).toBe(true);

        const repeats = repeatsWhileShrinking(asked);
        expect(repeats).toBeGreaterThan(0);
        // Each repeat ran once at most; a repeat of a failed case runs again (only passes are kept).
        expect(ran.cases - ranBefore).toBeLessThan(asked.length);
        expect(ran.cases - ranBefore).toBeGreaterThanOrEqual(asked.length - repeats);
        // Every passing case asked for is reported to onPass, repeats included.
        const reference = await referenceSearch(seed, async);
        expect(passes).toBe(asked.length - failuresOf(reference));
        expect(found.counterexample?.slice(0, 2)).toEqual(reference.counterexample?.slice(0, 2));
        expect([found.counterexamplePath, found.numRuns, found.numShrinks]).toEqual([reference.counterexamplePath, reference.numRuns, reference.numShrinks]);
      }
    });
  }

  it('runs every repeat under selfCheck, which is there to catch cases that are not pure', async () => {
    const ran = { cases: 0 };
    const property = clusterProperty(gossipScenario(ran), { faults: FAULTS, selfCheck: true });
    const asked = recordAsked(property);
    const ranBefore = ran.cases;
    const found = await fc.check(property, { seed: 3, numRuns: 200 });
    expect(found.failed).toBe(true);
    expect(repeatsWhileShrinking(asked)).toBeGreaterThan(0);
    // A self-checked case runs twice, side by side; a failing one is run again for its report.
    expect(ran.cases - ranBefore).toBeGreaterThanOrEqual(2 * asked.length);
  });
});

/** Cases of a search that failed: the first failure and each successful shrink. */
function failuresOf(details: fc.RunDetails<CaseTuple>): number {
  return details.failed ? 1 + details.numShrinks : 0;
}
