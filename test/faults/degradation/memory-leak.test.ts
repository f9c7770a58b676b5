// memory-leak: resident memory grows along the ramp until the node runs out of memory and
// crashes, at exactly onset + timeToFailureMs in sim.truth.
import { describe, expect, it } from 'vitest';
import { degradationIncidents, type Fault } from '../../../src/index.js';
import { fleet, signal } from './fleet.js';

const MiB = 2 ** 20;
const BASELINE = 512 * MiB;
const leak = (params: Record<string, unknown>, extra: Partial<Fault> = {}): Fault => ({ kind: 'memory-leak', atMs: 10_000, target: 'n2', params: { timeToFailureMs: 40_000, leakBytes: 1024 * MiB, noise: 0, ...params }, ...extra });

describe('memory-leak', () => {
  it('grows the target memory linearly from onset and crashes it out of memory at onset + timeToFailureMs', () => {
    const { sim } = fleet([leak({})]);
    sim.run({ until: 60_000 });
    const memory = signal(sim, 'memory', 'n2');
    expect(memory.get(10_000)).toBe(BASELINE);
    expect(memory.get(20_000)).toBe(BASELINE + 256 * MiB);
    expect(memory.get(30_000)).toBe(BASELINE + 512 * MiB);
    expect(memory.get(49_000)).toBe(BASELINE + (1024 * MiB * 39) / 40);
    expect(memory.get(50_000)).toBe(0); // crashed: no process to measure
    expect(sim.truth.isUp('n2', 49_999)).toBe(true);
    expect(sim.truth.downIntervals('n2', 60_000)).toEqual([[50_000, 60_000]]);
    // Healthy nodes read their baseline throughout.
    expect(new Set(signal(sim, 'memory', 'n1').values())).toEqual(new Set([BASELINE]));
    expect(degradationIncidents(sim.faultLog)).toEqual([{ kind: 'memory-leak', target: 'n2', onsetMs: 10_000, failureMs: 50_000 }]);
  });

  it('follows the exponential shape: about 3% of the leak a quarter of the way, 36% three quarters of the way', () => {
    const { sim } = fleet([leak({ shape: 'exponential' })]);
    sim.run({ until: 45_000 });
    const leaked = (timeMs: number): number => (signal(sim, 'memory', 'n2').get(timeMs)! - BASELINE) / (1024 * MiB);
    expect(leaked(20_000)).toBeCloseTo(Math.expm1(1) / Math.expm1(4), 10);
    expect(leaked(40_000)).toBeCloseTo(Math.expm1(3) / Math.expm1(4), 10);
    expect(leaked(20_000)).toBeCloseTo(0.032, 3);
    expect(leaked(40_000)).toBeCloseTo(0.356, 3);
  });

  it("stays bloated at the peak without crashing under outcome 'degrade', until the fault ends", () => {
    const { sim } = fleet([leak({ outcome: 'degrade' }, { durationMs: 60_000 })]);
    sim.run({ until: 80_000 });
    const memory = signal(sim, 'memory', 'n2');
    expect(memory.get(55_000)).toBe(BASELINE + 1024 * MiB);
    expect(memory.get(69_000)).toBe(BASELINE + 1024 * MiB);
    expect(memory.get(70_000)).toBe(BASELINE); // the leak was fixed at the end
    expect(sim.truth.downIntervals('n2', 80_000)).toEqual([]);
    expect(degradationIncidents(sim.faultLog)).toEqual([{ kind: 'memory-leak', target: 'n2', onsetMs: 10_000, endMs: 70_000 }]);
  });

  it('is repaired without a crash when the fault ends before the failure time', () => {
    const { sim } = fleet([leak({}, { durationMs: 20_000 })]);
    sim.run({ until: 60_000 });
    expect(sim.truth.downIntervals('n2', 60_000)).toEqual([]);
    expect(signal(sim, 'memory', 'n2').get(35_000)).toBe(BASELINE);
    expect(degradationIncidents(sim.faultLog)).toEqual([{ kind: 'memory-leak', target: 'n2', onsetMs: 10_000, endMs: 30_000 }]);
  });

  it('crash-recovery: with a duration past the failure the node crashes at failure and restarts at the end', () => {
    const { sim } = fleet([leak({}, { durationMs: 45_000 })]);
    sim.run({ until: 60_000 });
    expect(sim.truth.downIntervals('n2', 60_000)).toEqual([[50_000, 55_000]]);
    expect(signal(sim, 'memory', 'n2').get(56_000)).toBe(BASELINE); // a fresh process
    expect(degradationIncidents(sim.faultLog)).toEqual([{ kind: 'memory-leak', target: 'n2', onsetMs: 10_000, failureMs: 50_000, endMs: 55_000 }]);
  });

  it('does not restart a target another fault had already crashed at the failure time', () => {
    const { sim } = fleet([leak({}, { durationMs: 45_000 }), { kind: 'crash', atMs: 45_000, durationMs: 13_000, target: 'n2' }]);
    sim.run({ until: 70_000 });
    // Down from the crash fault at 45 s to its end at 58 s; the leak's end at 55 s left it down.
    expect(sim.truth.downIntervals('n2', 70_000)).toEqual([[45_000, 58_000]]);
  });

  it('leaves failures after untilMs out of the ground truth', () => {
    const { sim } = fleet([leak({})]);
    sim.run({ until: 30_000 });
    expect(degradationIncidents(sim.faultLog, sim.now)).toEqual([{ kind: 'memory-leak', target: 'n2', onsetMs: 10_000 }]);
    expect(degradationIncidents(sim.faultLog)[0]!.failureMs).toBe(50_000);
  });

  it('reads noise around the ramp from the fault stream: spread as documented, centred on the ramp', () => {
    const { sim } = fleet([leak({ noise: 0.2, outcome: 'degrade', timeToFailureMs: 1_000 })], { intervalMs: 10 });
    sim.run({ until: 30_000 });
    const peak = [...signal(sim, 'memory', 'n2')].filter(([timeMs]) => timeMs >= 11_000).map(([, bytes]) => (bytes - BASELINE) / (1024 * MiB));
    const mean = peak.reduce((sum, value) => sum + value, 0) / peak.length;
    const spread = Math.sqrt(peak.reduce((sum, value) => sum + (value - mean) ** 2, 0) / peak.length);
    // Once at the peak, readings are 1 ± 0.2 (relative standard deviation `noise`).
    expect(peak.length).toBe(1_901);
    expect(Math.abs(mean - 1)).toBeLessThan((4 * 0.2) / Math.sqrt(peak.length));
    expect(spread).toBeGreaterThan(0.18);
    expect(spread).toBeLessThan(0.22);
  });
});
