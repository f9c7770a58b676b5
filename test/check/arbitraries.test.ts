import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkCluster, clusterSeed, faultSchedule, workload } from '../../src/check/index.js';
import { findBudgetViolation, builtInFailureModels, nemesisKinds, Simulation, type FaultSchedule } from '../../src/index.js';
import { expectInvalidArgument } from '../detectors/expect-invalid.js';
import { pingPongScenario } from './fixtures.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const clients = ['c1'];
const models = new Map(builtInFailureModels.map((model) => [model.kind, model]));

function simulationWith(ids: readonly string[]): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of ids) sim.addNode(id, () => ({}));
  return sim;
}

describe('faultSchedule', () => {
  const everyKind = faultSchedule({ nodes, clients, kinds: [...nemesisKinds], maxFaults: 8, horizonMs: 10_000, budget: { maxNodesDown: 2, keepMajorityConnected: true } });

  it('generates schedules that inject cleanly, respect the budget and end by the horizon', () => {
    // A fixed seed and tallies across runs: the per-fault checks below must have had faults, of every kind, to check.
    const kindsSeen = new Set<string>();
    let nonEmpty = 0;
    const property = fc.property(everyKind, (schedule) => {
      expect(schedule.length).toBeLessThanOrEqual(8);
      const sim = simulationWith([...nodes, ...clients]);
      sim.inject(schedule, { budget: { maxNodesDown: 2, keepMajorityConnected: true } });
      for (const fault of schedule) {
        expect(fault.atMs + fault.durationMs!).toBeLessThanOrEqual(10_000);
        expect(fault.target === undefined || nodes.includes(fault.target)).toBe(true);
        kindsSeen.add(fault.kind);
      }
      if (schedule.length > 0) nonEmpty++;
      expect(schedule.map((fault) => fault.atMs)).toEqual([...schedule.map((fault) => fault.atMs)].sort((a, b) => a - b));
      expect(findBudgetViolation(schedule.map((fault) => ({ fault, model: models.get(fault.kind)! })), { nodeIds: () => [...nodes, ...clients] }, { maxNodesDown: 2 })).toBeUndefined();
      expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
    });
    fc.assert(property, { seed: 5, numRuns: 100 });
    expect(nonEmpty).toBeGreaterThan(50);
    expect(kindsSeen).toEqual(new Set(nemesisKinds));
  });

  it('shrinks a failure to the fewest, simplest faults', () => {
    // "No schedule crashes n3 and partitions": the minimal counterexample is exactly one crash of n3 and one partition.
    const details = fc.check(
      fc.property(faultSchedule({ nodes, kinds: ['crash', 'partition'], maxFaults: 6, horizonMs: 5_000 }), (schedule) => !(schedule.some((fault) => fault.kind === 'crash' && fault.target === 'n3') && schedule.some((fault) => fault.kind === 'partition'))),
      { seed: 11, numRuns: 500 },
    );
    expect(details.failed).toBe(true);
    const minimal = details.counterexample![0] as FaultSchedule;
    expect(minimal).toHaveLength(2);
    expect(minimal.map((fault) => fault.atMs)).toEqual([0, 0]);
    expect(minimal.every((fault) => fault.durationMs === 10)).toBe(true);
    const partition = minimal.find((fault) => fault.kind === 'partition')!;
    expect(partition.params).toEqual({ groups: [['n1'], ['n2', 'n3', 'n4', 'n5']] });
  });

  it('rejects bad options with typed errors naming the field', () => {
    expectInvalidArgument(() => faultSchedule({ nodes: [], horizonMs: 10 }), 'nodes');
    expectInvalidArgument(() => faultSchedule({ nodes: ['a', 'a'], horizonMs: 10 }), 'nodes');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: 10, kinds: ['meteor' as never] }), 'kinds[0]');
    expectInvalidArgument(() => faultSchedule({ nodes: ['solo'], horizonMs: 10, kinds: ['partition'] }), 'kinds[0]');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: Number.NaN }), 'horizonMs');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: 100, startMs: 100 }), 'horizonMs');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: 100, maxFaults: 0 }), 'maxFaults');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: 100, minDurationMs: 50, maxDurationMs: 10 }), 'maxDurationMs');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: 100, budget: { maxNodesDown: -1 } }), 'budget.maxNodesDown');
    expectInvalidArgument(() => faultSchedule({ nodes, horizonMs: 100, colour: 'red' } as never), 'faultSchedule(options).colour');
  });
});

describe('clusterSeed', () => {
  it('never shrinks: a smaller seed is not a simpler case', () => {
    const details = fc.check(fc.property(clusterSeed(), (seed) => seed < 0), { seed: 3 });
    expect(details.failed).toBe(true);
    expect(details.numShrinks).toBe(0);
  });
});

describe('workload', () => {
  test.prop([workload({ clients: ['c1', 'c2'], operation: fc.nat(9), maxOperations: 12, horizonMs: 1_000 })])('is sorted by time, within the window, from the given clients', (items) => {
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items.length).toBeLessThanOrEqual(12);
    expect(items.map((item) => item.atMs)).toEqual([...items.map((item) => item.atMs)].sort((a, b) => a - b));
    for (const item of items) {
      expect(item.atMs).toBeGreaterThanOrEqual(0);
      expect(item.atMs).toBeLessThan(1_000);
      expect(['c1', 'c2']).toContain(item.client);
    }
  });

  it('rejects bad options with typed errors naming the field', () => {
    expectInvalidArgument(() => workload({ clients: [], operation: fc.nat(), horizonMs: 10 }), 'clients');
    expectInvalidArgument(() => workload({ clients: ['c'], operation: 5 as never, horizonMs: 10 }), 'operation');
    expectInvalidArgument(() => workload({ clients: ['c'], operation: fc.nat(), horizonMs: 10, minOperations: 30, maxOperations: 5 }), 'minOperations');
    expectInvalidArgument(() => workload({ clients: ['c'], operation: fc.nat(), horizonMs: 0 }), 'horizonMs');
  });
});

describe('faithful shrinking', () => {
  it('deleting a fault leaves the draws of links it did not touch unchanged', () => {
    // Two independent pairs on one network with random latencies: a-b and c-d. Removing a crash
    // of d (which changes everything c-d does) must not move a single a-b delivery.
    const scenario = pingPongScenario({
      setup(sim, tools) {
        const system = pingPongScenario().setup(sim, tools);
        sim.addNode('c', (ctx) => ({ onStart: () => ctx.setTimer(70, 't'), onRecover: () => ctx.setTimer(70, 't'), onTimer: () => (ctx.send('d', 'x'), ctx.setTimer(70, 't')) }));
        sim.addNode('d', (ctx) => ({ onMessage: (from) => ctx.send(from, 'y') }));
        return system;
      },
    });
    const keep = { kind: 'crash', atMs: 300, durationMs: 200, target: 'b' };
    const drop = { kind: 'crash', atMs: 900, durationMs: 400, target: 'd' };
    const both = checkCluster(scenario, { seed: 8, faults: [keep, drop] });
    const one = checkCluster(scenario, { seed: 8, faults: [keep] });
    expect(one.traceHash).not.toBe(both.traceHash);
    expect(one.system.pongsAt).toEqual(both.system.pongsAt);
  });
});
