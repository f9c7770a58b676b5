// faultSchedule reaches every built-in fault kind: each kind's schedules inject cleanly (alone,
// and all mixed under a budget), its parameters stay in their documented ranges, and shrinking
// a failing schedule only ever tries schedules that inject.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, generatedKinds, type GeneratedKind } from '../../src/check/index.js';
import { builtInFailureModels, degradationKinds, findBudgetViolation, Simulation, type Fault, type FaultSchedule } from '../../src/index.js';

const nodes = ['n1', 'n2', 'n3', 'n4'];
const clients = ['c1'];
const HORIZON_MS = 5_000;
const models = new Map(builtInFailureModels.map((model) => [model.kind, model]));

function injected(schedule: FaultSchedule): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of [...nodes, ...clients]) sim.addNode(id, () => ({ onMessage: () => undefined }));
  sim.inject(schedule);
  sim.run({ until: HORIZON_MS + 1 });
  return sim;
}

/** The documented ranges of each kind's parameters. */
function expectInRange(fault: Fault): void {
  const params = fault.params ?? {};
  const between = (value: unknown, min: number, max: number): void => {
    expect(typeof value).toBe('number');
    expect(value as number).toBeGreaterThanOrEqual(min);
    expect(value as number).toBeLessThanOrEqual(max);
  };
  switch (fault.kind) {
    case 'byzantine':
      expect(['corrupt', 'drop', 'duplicate', 'replay', 'forge']).toContain(params['behaviour']);
      if (params['probability'] !== undefined) between(params['probability'], 0.1, 1);
      if (params['copies'] !== undefined) between(params['copies'], 2, 3);
      if (params['as'] !== undefined) expect(params['as']).not.toBe(fault.target);
      break;
    case 'capacity':
      between(params['messagesPerSec'], 10, 1_000);
      between(params['inboxLimit'], 10, 1_000);
      break;
    case 'traffic-spike':
      between(params['ratePerSec'], 100, 5_000);
      expect(params['from']).not.toBe(fault.target);
      break;
    case 'clock-jump':
      between(params['deltaMs'], -2_000, 2_000);
      expect(fault.durationMs).toBeUndefined();
      break;
    case 'disk-write-fail':
      between(params['probability'], 0.1, 1);
      break;
    case 'bridge': {
      const [first, second] = params['sides'] as string[][];
      expect(first!.length).toBeGreaterThan(0);
      expect(second!.length).toBeGreaterThan(0);
      expect([...first!, ...second!, params['bridge']].sort()).toEqual([...nodes, ...clients].sort());
      break;
    }
    default:
      break;
  }
  if (fault.kind !== 'clock-jump') expect(fault.atMs + fault.durationMs!).toBeLessThanOrEqual(HORIZON_MS);
}

describe('faultSchedule generates every built-in kind', () => {
  it('lists every built-in model (degradation kinds are generated only when named: test/faults/degradation/generators.test.ts)', () => {
    expect([...generatedKinds, ...degradationKinds].sort()).toEqual([...models.keys()].sort());
  });

  it.each(generatedKinds.map((kind) => [kind]))('%s: schedules inject and run, with parameters in range', (kind) => {
    let faults = 0;
    fc.assert(
      fc.property(faultSchedule({ nodes, clients, kinds: [kind as GeneratedKind], maxFaults: 3, horizonMs: HORIZON_MS }), (schedule) => {
        for (const fault of schedule) {
          expect(fault.kind).toBe(kind);
          expect(fault.target === undefined || nodes.includes(fault.target)).toBe(true);
          expectInRange(fault);
        }
        faults += schedule.length;
        injected(schedule);
      }),
      { seed: 7, numRuns: 40 },
    );
    expect(faults).toBeGreaterThan(20);
  });

  it('every kind mixed under a budget: accepted, within the budget, every kind seen', () => {
    const seen = new Set<string>();
    const budget = { maxNodesDown: 1, keepMajorityConnected: true };
    fc.assert(
      fc.property(faultSchedule({ nodes, clients, kinds: [...generatedKinds], maxFaults: 8, horizonMs: HORIZON_MS, budget }), (schedule) => {
        const sim = new Simulation({ seed: 1 });
        for (const id of [...nodes, ...clients]) sim.addNode(id, () => ({}));
        sim.inject(schedule, { budget });
        expect(findBudgetViolation(schedule.map((fault) => ({ fault, model: models.get(fault.kind)! })), { nodeIds: () => [...nodes, ...clients] }, budget)).toBeUndefined();
        for (const fault of schedule) seen.add(fault.kind);
      }),
      { seed: 11, numRuns: 150 },
    );
    expect([...seen].sort()).toEqual([...generatedKinds].sort());
  });

  it('shrinking a failing schedule only tries schedules that inject, down to one fault', () => {
    for (const kind of generatedKinds) {
      let tried = 0;
      const refused: unknown[] = [];
      const details = fc.check(
        fc.property(faultSchedule({ nodes, clients, kinds: [kind], maxFaults: 4, horizonMs: HORIZON_MS }), (schedule) => {
          tried++;
          try {
            injected(schedule);
          } catch (error) {
            refused.push(error);
          }
          return schedule.length === 0; // "any fault breaks it": the minimum is one fault
        }),
        { seed: 3, numRuns: 50 },
      );
      expect(details.failed, kind).toBe(true);
      expect(refused, kind).toEqual([]);
      expect(details.counterexample![0], kind).toHaveLength(1);
      expect(details.numShrinks, kind).toBeGreaterThan(0);
      expect(tried, kind).toBeGreaterThan(details.numRuns);
    }
  });
});
