// disk-wearout and error-ramp: the disk's write error rate really rises along the ramp (ctx.persist
// fails with DiskError at the stated probability), a monitor reads the rise, and the node fails at
// onset + timeToFailureMs or stays degraded.
import { describe, expect, it } from 'vitest';
import { degradationIncidents, type Fault } from '../../../src/index.js';
import { binomialStandardError, Z } from '../fixtures.js';
import { failedFraction, fleet, signal, writeEvery } from './fleet.js';

const wearout = (params: Record<string, unknown>, extra: Partial<Fault> = {}): Fault => ({
  kind: 'disk-wearout',
  atMs: 10_000,
  target: 'n1',
  params: { timeToFailureMs: 40_000, extraWriteLatencyMs: 200, peakErrorProbability: 0.8, noise: 0, stepMs: 1_000, ...params },
  ...extra,
});

/** The error rate in force over [fromMs, toMs) of a linear ramp stepped every second: the mean of its steps there. */
function steppedRate(peak: number, onsetMs: number, timeToFailureMs: number, fromMs: number, toMs: number): number {
  let sum = 0;
  for (let second = fromMs; second < toMs; second += 1_000) sum += (peak * Math.floor((second - onsetMs) / 1_000) * 1_000) / timeToFailureMs;
  return sum / ((toMs - fromMs) / 1_000);
}

describe('disk-wearout', () => {
  it('raises write latency and error ratio along the ramp, as a monitor reads them', () => {
    const { sim } = fleet([wearout({})]);
    sim.run({ until: 60_000 });
    const latency = signal(sim, 'diskWriteLatency', 'n1');
    const errors = signal(sim, 'diskWriteErrorRatio', 'n1');
    expect(latency.get(9_000)).toBeCloseTo(0.002, 12); // the healthy baseline, 2 ms
    expect(latency.get(30_000)).toBeCloseTo(0.002 + 0.1, 12); // halfway: +100 ms
    expect(errors.get(30_000)).toBeCloseTo(0.4, 12);
    expect(errors.get(49_000)).toBeCloseTo(0.8 * (39 / 40), 12);
    expect(latency.get(50_000)).toBe(0); // crashed
    expect(signal(sim, 'diskWriteErrorRatio', 'n2').get(30_000)).toBe(0);
    expect(sim.truth.downIntervals('n1', 60_000)).toEqual([[50_000, 60_000]]);
    expect(degradationIncidents(sim.faultLog)).toEqual([{ kind: 'disk-wearout', target: 'n1', onsetMs: 10_000, failureMs: 50_000 }]);
  });

  it('really fails ctx.persist with the stated probability, rising as the disk wears', () => {
    const run = fleet([wearout({})]);
    const writes = writeEvery(run, 'n1', 0, 50_000, 5);
    run.sim.run({ until: 60_000 });
    expect(failedFraction(writes, 0, 10_000).fraction).toBe(0); // healthy before onset
    for (const [fromMs, toMs] of [[15_000, 25_000], [30_000, 40_000], [40_000, 50_000]] as const) {
      const { fraction, count } = failedFraction(writes, fromMs, toMs);
      const expected = steppedRate(0.8, 10_000, 40_000, fromMs, toMs);
      expect(Math.abs(fraction - expected)).toBeLessThan(Z * binomialStandardError(expected, count));
    }
    expect(writes.filter((write) => write.timeMs >= 50_000)).toEqual([]); // no writes from a crashed node
  });

  it('a repaired disk (the fault ends before failure) writes without errors again', () => {
    const run = fleet([wearout({}, { durationMs: 30_000 })]);
    const writes = writeEvery(run, 'n1', 0, 60_000, 10);
    run.sim.run({ until: 60_000 });
    expect(failedFraction(writes, 30_000, 40_000).fraction).toBeGreaterThan(0.3);
    expect(failedFraction(writes, 40_000, 60_000).fraction).toBe(0);
    expect(run.sim.truth.downIntervals('n1', 60_000)).toEqual([]);
  });
});

describe('error-ramp', () => {
  it("ramps the persist error rate to its peak and holds it under outcome 'degrade', without crashing", () => {
    const run = fleet([{ kind: 'error-ramp', atMs: 5_000, durationMs: 40_000, target: 'n3', params: { timeToFailureMs: 20_000, peakErrorProbability: 0.6, outcome: 'degrade', noise: 0, stepMs: 1_000 } }]);
    const writes = writeEvery(run, 'n3', 0, 60_000, 5);
    run.sim.run({ until: 60_000 });
    const { fraction, count } = failedFraction(writes, 25_000, 45_000);
    expect(Math.abs(fraction - 0.6)).toBeLessThan(Z * binomialStandardError(0.6, count));
    expect(failedFraction(writes, 45_000, 60_000).fraction).toBe(0);
    const ratio = signal(run.sim, 'diskWriteErrorRatio', 'n3');
    expect(ratio.get(15_000)).toBeCloseTo(0.3, 12);
    expect(ratio.get(30_000)).toBeCloseTo(0.6, 12);
    expect(ratio.get(45_000)).toBe(0);
    expect(signal(run.sim, 'diskWriteLatency', 'n3').get(30_000)).toBeCloseTo(0.002, 12); // only the error rate ramps
    expect(run.sim.truth.downIntervals('n3', 60_000)).toEqual([]);
    expect(degradationIncidents(run.sim.faultLog)).toEqual([{ kind: 'error-ramp', target: 'n3', onsetMs: 5_000, endMs: 45_000 }]);
  });

  it('crashes the target at failure by default', () => {
    const { sim } = fleet([{ kind: 'error-ramp', atMs: 1_000, target: 'n3', params: { timeToFailureMs: 2_500 } }]);
    sim.run({ until: 5_000 });
    expect(sim.truth.isUp('n3', 3_499)).toBe(true);
    expect(sim.truth.isUp('n3', 3_500)).toBe(false);
  });

  it('conflicts with a disk-write-fail on the same disk', () => {
    const { sim } = fleet([]);
    expect(() => sim.inject([
      { kind: 'disk-write-fail', atMs: 0, durationMs: 5_000, target: 'n1' },
      { kind: 'error-ramp', atMs: 1_000, target: 'n1', params: { timeToFailureMs: 1_000 } },
    ])).toThrow(/schedule\[1\] \(error-ramp\) overlaps schedule\[0\]/);
  });
});
