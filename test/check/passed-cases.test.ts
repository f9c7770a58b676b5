import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCluster, clusterProperty, faultSchedule, type ClusterScenario, type FaultScheduleOptions } from '../../src/check/index.js';
import { clusterSeed } from '../../src/check/arbitraries/cluster-seed.js';
import { MAX_PASSED_CASES, PassedCases } from '../../src/check/passed-cases.js';

const NODES = ['n1', 'n2', 'n3'];
const FAULTS: FaultScheduleOptions = { nodes: NODES, kinds: ['crash', 'partition'], maxFaults: 3, horizonMs: 300 };

/**
 * Gossip every 10 ms; the bug: n1 must always have heard from someone in the last 40 ms, which a
 * long enough crash or partition of n1 breaks. `ran` counts the cases that really run.
 */
function gossipScenario(ran: { cases: number }): ClusterScenario<{ lastHeardMs: number }> {
  return {
    name: 'gossip with a watchdog',
    simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 9 } } } },
    setup(sim) {
      ran.cases++;
      const system = { lastHeardMs: 0 };
      for (const id of NODES) {
        sim.addNode(id, (ctx) => ({
          onStart: () => ctx.setTimer(10, 'beat'),
          onRecover: () => ctx.setTimer(10, 'beat'),
          onTimer() {
            ctx.broadcast('beat');
            ctx.setTimer(10, 'beat');
          },
          onMessage: () => {
            if (ctx.id === 'n1') system.lastHeardMs = sim.now;
          },
        }));
      }
      return system;
    },
    invariants: [{ name: 'n1 hears someone every 40 ms', check: (system, sim) => sim.now - system.lastHeardMs <= 40 }],
    untilMs: 400,
  };
}

describe('PassedCases', () => {
  it('keys nothing before the first failure, then keys a case by its JSON', () => {
    const passed = new PassedCases<string>();
    expect(passed.keyOf([1, [], []])).toBeUndefined();
    passed.failed();
    expect(passed.keyOf([1, [{ kind: 'crash' }], []])).toBe('[1,[{"kind":"crash"}],[]]');
    expect(passed.keyOf([1, [], [{ value: 10n }]])).toBeUndefined();
  });

  it('remembers the coverage a key passed with, and forgets everything when full', () => {
    const passed = new PassedCases<number>();
    passed.failed();
    passed.passed(undefined, 1);
    expect(passed.coverageOf(undefined)).toBeUndefined();
    for (let index = 0; index < MAX_PASSED_CASES; index++) passed.passed(`case ${index}`, index);
    expect(passed.coverageOf('case 0')).toBe(0);
    expect(passed.coverageOf(`case ${MAX_PASSED_CASES - 1}`)).toBe(MAX_PASSED_CASES - 1);
    passed.passed('one too many', -1);
    expect(passed.coverageOf('case 0')).toBeUndefined();
    expect(passed.coverageOf('one too many')).toBe(-1);
  });
});

describe('a shrinking search', () => {
  it('runs each passing case once, and finds what a search running every repeat finds', async () => {
    for (const seed of [3, 11, 29]) {
      const ran = { cases: 0 };
      const scenario = gossipScenario(ran);
      const property = clusterProperty(scenario, { faults: FAULTS });
      // What fast-check asks for: every value, and whether the search had failed by then.
      const asked: Array<{ key: string; shrinking: boolean }> = [];
      let failedYet = false;
      const run = property.run.bind(property);
      property.run = async (value) => {
        asked.push({ key: JSON.stringify(value), shrinking: failedYet });
        const outcome = await run(value);
        if (outcome !== null) failedYet = true;
        return outcome;
      };
      const ranBefore = ran.cases; // the property built the scenario once for its node ids
      const found = await fc.check(property, { seed, numRuns: 200 });
      expect(found.failed).toBe(true);

      const shrinkKeys = asked.filter((entry) => entry.shrinking).map((entry) => entry.key);
      const repeats = shrinkKeys.length - new Set(shrinkKeys).size;
      expect(repeats).toBeGreaterThan(0);
      // Each repeat ran once at most; a repeat of a failed case runs again (only passes are kept).
      expect(ran.cases - ranBefore).toBeLessThan(asked.length);
      expect(ran.cases - ranBefore).toBeGreaterThanOrEqual(asked.length - repeats);

      // The same search with a property that runs every case it is asked for.
      const everyCase = fc.asyncProperty(clusterSeed(), faultSchedule(FAULTS), fc.constant<unknown[]>([]), (caseSeed, faults, _items) => {
        checkCluster(gossipScenario({ cases: 0 }), { seed: caseSeed, faults });
      });
      const reference = await fc.check(everyCase, { seed, numRuns: 200 });
      expect(found.counterexample?.slice(0, 2)).toEqual(reference.counterexample?.slice(0, 2));
      expect([found.counterexamplePath, found.numRuns, found.numShrinks]).toEqual([reference.counterexamplePath, reference.numRuns, reference.numShrinks]);
    }
  });
});
