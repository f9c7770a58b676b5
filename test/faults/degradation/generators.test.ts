// The nemesis and faultSchedule draw degradation faults when asked for them by `kinds`, with
// params in the documented ranges, and every drawn schedule injects and runs cleanly. The default
// mixes do not draw them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { degradationKinds, nemesis, Simulation, type Fault } from '../../../src/index.js';
import { faultSchedule } from '../../../src/check/index.js';

const NODES = ['a', 'b', 'c'];
const MiB = 2 ** 20;

function cluster(): Simulation {
  const sim = new Simulation({ seed: 3 });
  for (const id of NODES) sim.addNode(id, () => ({}), { durable: {} });
  return sim;
}

/** Throws unless `fault`'s params sit in the ranges the generators document. */
function expectInRanges(fault: Fault, timeToFailureRangeMs: readonly [number, number]): void {
  const params = fault.params as Record<string, number | string>;
  expect(NODES).toContain(fault.target);
  expect(params['timeToFailureMs']).toBeGreaterThanOrEqual(timeToFailureRangeMs[0]);
  expect(params['timeToFailureMs']).toBeLessThanOrEqual(timeToFailureRangeMs[1]);
  expect(['linear', 'exponential']).toContain(params['shape']);
  expect(['crash', 'degrade']).toContain(params['outcome']);
  expect(params['noise']).toBeGreaterThanOrEqual(0);
  expect(params['noise']).toBeLessThanOrEqual(0.2);
  const peaks: Record<string, [number, number]> = { leakBytes: [64 * MiB, 4_096 * MiB], extraWriteLatencyMs: [10, 500], peakErrorProbability: [0.1, 1], extraServiceMs: [1, 100] };
  for (const [key, [min, max]] of Object.entries(peaks)) {
    if (params[key] === undefined) continue;
    expect(params[key]).toBeGreaterThanOrEqual(min);
    expect(params[key]).toBeLessThanOrEqual(max);
  }
}

describe('nemesis with degradation kinds', () => {
  it('draws each kind when asked, in the documented ranges, and the schedule runs', () => {
    const schedule = nemesis({ seed: 5, nodes: NODES, horizonMs: 60_000, ratePerSec: 1, meanDurationMs: 5_000, kinds: [...degradationKinds] });
    expect(new Set(schedule.map((fault) => fault.kind))).toEqual(new Set(degradationKinds));
    for (const fault of schedule) expectInRanges(fault, [1, Math.round(fault.durationMs! * 1.2)]);
    const outcomes = new Set(schedule.map((fault) => fault.params!['outcome']));
    expect(outcomes).toEqual(new Set(['crash', 'degrade']));
    const sim = cluster();
    sim.inject(schedule);
    sim.run({ until: 61_000 });
    // Every fault ended by the horizon: each node it crashed is back up.
    for (const id of NODES) expect(sim.truth.isUp(id)).toBe(true);
  });

  it('needs only one node, and respects a budget of nodes down', () => {
    expect(nemesis({ seed: 1, nodes: ['solo'], horizonMs: 20_000, kinds: ['memory-leak'] }).length).toBeGreaterThan(0);
    const schedule = nemesis({ seed: 2, nodes: NODES, horizonMs: 60_000, ratePerSec: 2, kinds: [...degradationKinds], budget: { maxNodesDown: 1 } });
    const sim = cluster();
    expect(() => sim.inject(schedule, { budget: { maxNodesDown: 1 } })).not.toThrow();
  });

  it('leaves them out of the default mix', () => {
    const schedule = nemesis({ seed: 5, nodes: NODES, horizonMs: 600_000, ratePerSec: 1 });
    expect(schedule.length).toBeGreaterThan(100);
    expect(schedule.filter((fault) => (degradationKinds as readonly string[]).includes(fault.kind))).toEqual([]);
  });
});

describe('faultSchedule with degradation kinds', () => {
  it('reaches each kind, in the documented ranges, and every schedule injects and runs', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(faultSchedule({ nodes: NODES, kinds: [...degradationKinds], maxFaults: 4, horizonMs: 10_000, minDurationMs: 50, maxDurationMs: 5_000 }), (schedule) => {
        for (const fault of schedule) {
          seen.add(fault.kind);
          expectInRanges(fault, [50, 5_000]);
        }
        const sim = cluster();
        sim.inject(schedule);
        sim.run({ until: 11_000 });
      }),
      { numRuns: 100, seed: 14 },
    );
    expect(seen).toEqual(new Set(degradationKinds));
  });

  it('mixes them with other kinds and leaves them out of the default', () => {
    const mixed = fc.sample(faultSchedule({ nodes: NODES, kinds: ['crash', 'memory-leak'], minFaults: 3, maxFaults: 6, horizonMs: 10_000 }), { numRuns: 30, seed: 1 }).flat();
    expect(new Set(mixed.map((fault) => fault.kind))).toEqual(new Set(['crash', 'memory-leak']));
    const usual = fc.sample(faultSchedule({ nodes: NODES, minFaults: 3, maxFaults: 6, horizonMs: 10_000 }), { numRuns: 30, seed: 1 }).flat();
    expect(usual.filter((fault) => (degradationKinds as readonly string[]).includes(fault.kind))).toEqual([]);
  });
});
