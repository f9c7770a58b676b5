import { describe, expect, it } from 'vitest';
import { runSpike, summarise, successRate, SPIKE_END_MS, SPIKE_START_MS, type SpikeRun } from './spike-scenario.js';

// The story of spike-scenario.ts (seed 15): 2 workers at 100 requests a second behind a
// balancer, 100 requests a second offered, 400 from 5 s to 15 s. Every figure is from the
// simulated run, so it is pinned exactly: a change that moves one should say why.

let fixedRun: SpikeRun;
let scaledRun: SpikeRun;

describe('autoscaler in a traffic spike behind the balancer', () => {
  it('a fixed pool of two queues the spike until most requests time out, and takes 13 s after it to recover', async () => {
    fixedRun = await runSpike({ autoscale: false });
    const figures = summarise(fixedRun);
    expect(figures).toMatchObject({ requests: 7_299, lost: 5_402, recoverMs: 28_000, peakPool: 2 });
    expect(figures.errorRate).toBeCloseTo(0.7401, 4);
    expect(figures.p50Ms).toBeCloseTo(1_004.4, 1);
  });

  it('the autoscaler launches workers as the load shows, they join the rotation after booting, and it drains them after the spike', async () => {
    scaledRun = await runSpike({ autoscale: true });
    const autoscaler = scaledRun.autoscaler!;
    const steps = autoscaler.events.filter((event) => event.kind !== 'ready').map((event) => [event.kind, event.timeMs, event.nodes.join(','), event.poolSize]);
    expect(steps).toEqual([
      ['scale-out', 5_500, 'w3,w4', 4],
      ['scale-out', 7_500, 'w5,w6,w7', 7],
      // The backlog keeps the first workers saturated: target tracking overshoots by one...
      ['scale-out', 9_500, 'w8', 8],
      // ...and takes it back once the backlog is gone (7 × 57 a second is within 10 % of 60).
      ['scale-in', 12_000, 'w8', 7],
      // The spike ends at 15 s; the scale-in cool-down (5 s from 12 s) holds the pool until 17 s.
      ['scale-in', 17_000, 'w7,w6,w5,w4,w3', 2],
    ]);
    const added = scaledRun.balancer.events.filter((event) => event.kind === 'added').map((event) => [event.backend, event.atMs]);
    expect(added).toEqual([['w3', 7_500], ['w4', 7_500], ['w5', 9_500], ['w6', 9_500], ['w7', 9_500], ['w8', 11_500]]);
    expect(autoscaler.decisions.filter((decision) => decision.timeMs > 15_000 && decision.timeMs < 17_000).every((decision) => decision.reason === 'cooling down')).toBe(true);
  });

  it('lowers the error rate from 74 % to 11.7 %, the median latency from the 1 s timeout to 11 ms, and recovers 23 s sooner', () => {
    const fixed = summarise(fixedRun);
    const scaled = summarise(scaledRun);
    expect(scaled).toMatchObject({ requests: 7_299, lost: 851, recoverMs: 5_000, peakPool: 8 });
    expect(scaled.errorRate).toBeCloseTo(0.1166, 4);
    expect(scaled.p50Ms).toBeCloseTo(11.1, 1);
    expect(scaled.errorRate).toBeLessThan(fixed.errorRate / 6);
    expect(scaled.p50Ms).toBeLessThan(fixed.p50Ms / 50);
    expect(fixed.recoverMs - scaled.recoverMs).toBe(23_000);
    // Every request after the new workers are all in (10 s) succeeds, through the drain at 17 s.
    expect(successRate(scaledRun.requests, 10_000, 40_000)).toBe(1);
    expect(successRate(fixedRun.requests, SPIKE_END_MS, SPIKE_END_MS + 10_000)).toBeLessThan(0.2);
    expect(successRate(scaledRun.requests, 0, SPIKE_START_MS)).toBe(1);
  });

  it('is deterministic: the same seed gives the same trace hash and decisions', async () => {
    const again = await runSpike({ autoscale: true });
    expect(again.sim.traceHash()).toBe(scaledRun.sim.traceHash());
    expect(again.autoscaler!.decisions).toEqual(scaledRun.autoscaler!.decisions);
    expect(scaledRun.sim.traceHash()).not.toBe(fixedRun.sim.traceHash());
  });
});
