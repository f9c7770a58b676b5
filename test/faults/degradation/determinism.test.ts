// Degradation runs are deterministic: same seed and schedule, same trace hash and same signals;
// the noise comes from named streams, so another seed reads differently.
import { describe, expect, it } from 'vitest';
import { degradationIncidents, degradationMetricNames, type Fault } from '../../../src/index.js';
import { fleet, writeEvery } from './fleet.js';

const schedule: Fault[] = [
  { kind: 'disk-wearout', atMs: 1_000, durationMs: 9_500, target: 'n1', params: { timeToFailureMs: 8_000, shape: 'exponential', noise: 0.3 } },
  { kind: 'memory-leak', atMs: 2_000, durationMs: 9_000, target: 'n2', params: { timeToFailureMs: 6_000, noise: 0.1 } },
  { kind: 'latency-creep', atMs: 500, target: 'n3', params: { timeToFailureMs: 5_000, outcome: 'degrade', noise: 0.2 } },
  { kind: 'error-ramp', atMs: 10_500, target: 'n1', durationMs: 1_000, params: { timeToFailureMs: 500, outcome: 'degrade' } },
];

function run(seed: number): { hash: string; signals: unknown; incidents: unknown; failedWritesMs: number[] } {
  const built = fleet(schedule, { seed, trace: true, intervalMs: 250, watch: { baselineNoise: 0.05 } });
  const writes = writeEvery(built, 'n1', 0, 12_000, 7);
  built.sim.run({ until: 12_000 });
  const signals = Object.values(degradationMetricNames).map((name) => built.sim.metrics.seriesOf(name));
  return { hash: built.sim.traceHash(), signals, incidents: degradationIncidents(built.sim.faultLog), failedWritesMs: writes.filter((write) => write.failed).map((write) => write.timeMs) };
}

describe('degradation determinism', () => {
  it('the same seed gives the same trace hash, the same signals and the same ground truth', () => {
    const first = run(7);
    const second = run(7);
    expect(second.hash).toBe(first.hash);
    expect(second.signals).toEqual(first.signals);
    expect(second.incidents).toEqual(first.incidents);
    expect(second.failedWritesMs).toEqual(first.failedWritesMs);
    expect(first.failedWritesMs.length).toBeGreaterThan(100);
  });

  it('another seed reads other noise and draws other write errors, with the same ground truth', () => {
    const first = run(7);
    const other = run(8);
    expect(other.failedWritesMs).not.toEqual(first.failedWritesMs);
    expect(other.signals).not.toEqual(first.signals);
    expect(other.incidents).toEqual(first.incidents);
    expect(first.incidents).toEqual([
      { kind: 'latency-creep', target: 'n3', onsetMs: 500 },
      { kind: 'disk-wearout', target: 'n1', onsetMs: 1_000, failureMs: 9_000, endMs: 10_500 },
      { kind: 'memory-leak', target: 'n2', onsetMs: 2_000, failureMs: 8_000, endMs: 11_000 },
      { kind: 'error-ramp', target: 'n1', onsetMs: 10_500, endMs: 11_500 },
    ]);
  });

  it('a fault ending at its failure instant fails first, then restarts the target', () => {
    const { sim } = fleet([{ kind: 'memory-leak', atMs: 1_000, durationMs: 2_000, target: 'n1', params: { timeToFailureMs: 2_000 } }]);
    sim.run({ until: 5_000 });
    expect(degradationIncidents(sim.faultLog)).toEqual([{ kind: 'memory-leak', target: 'n1', onsetMs: 1_000, failureMs: 3_000, endMs: 3_000 }]);
    expect(sim.truth.isUp('n1', 5_000)).toBe(true);
    expect(sim.node('n1').incarnation).toBe(1); // crashed once, restarted
  });
});
