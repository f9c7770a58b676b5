// latency-creep: the target's service time per message really grows along the ramp, so under a
// steady load it saturates and its queue (and the latency its callers see) climbs; a monitor reads
// the service latency rising before the failure.
import { describe, expect, it } from 'vitest';
import { degradationIncidents, type Fault } from '../../../src/index.js';
import { fleet, signal } from './fleet.js';

const GAP_MS = 10;

/** n1 sends n2 `{ seq }` every 10 ms from 0 to `untilMs`; returns, per message handled by n2, its send time and its lag to handling. */
function steadyLoad(faults: Fault[], untilMs: number, service?: { messagesPerSec: number }): { run: ReturnType<typeof fleet>; lags: () => Array<{ sentMs: number; lagMs: number }> } {
  const run = fleet(faults, service === undefined ? {} : { service });
  for (let sentMs = 0; sentMs < untilMs; sentMs += GAP_MS) run.sim.schedule(sentMs, () => run.probes['n1']!.ctx.send('n2', { seq: sentMs / GAP_MS }));
  const lags = (): Array<{ sentMs: number; lagMs: number }> =>
    run.probes['n2']!.arrivals.map((arrival) => {
      const sentMs = (arrival.message as { seq: number }).seq * GAP_MS;
      return { sentMs, lagMs: arrival.timeMs - sentMs };
    });
  return { run, lags };
}

const creep: Fault = { kind: 'latency-creep', atMs: 1_000, durationMs: 12_000, target: 'n2', params: { timeToFailureMs: 10_000, extraServiceMs: 40, outcome: 'degrade', noise: 0 } };

describe('latency-creep', () => {
  it('slows the service for real: under a steady load the target saturates and its lag climbs', () => {
    const { run, lags } = steadyLoad([creep], 16_000);
    run.sim.run({ until: 16_000 });
    const lagOf = (fromMs: number, toMs: number): number[] => lags().filter(({ sentMs }) => sentMs >= fromMs && sentMs < toMs).map(({ lagMs }) => lagMs);
    // Service time stays under the 10 ms gap until a quarter of the way (3.5 s): no queue.
    expect(Math.max(...lagOf(0, 3_000))).toBe(1);
    expect(Math.min(...lagOf(8_000, 9_000))).toBeGreaterThan(1_000);
    // Repaired at 13 s: the queue drains and the lag is back to the link's 1 ms.
    expect(Math.max(...lagOf(14_000, 16_000))).toBe(1);
  });

  it('is read as rising service latency: baseline, plus the added service time, plus the real queueing delay', () => {
    const { run } = steadyLoad([creep], 16_000);
    run.sim.run({ until: 16_000 });
    const latency = signal(run.sim, 'serviceLatency', 'n2');
    expect(latency.get(0)).toBeCloseTo(0.005, 12);
    expect(latency.get(2_000)).toBeGreaterThan(0.009 - 1e-9);
    expect(latency.get(2_000)).toBeLessThan(0.005 + 0.004 + 0.004); // at most one service time of queueing
    expect(latency.get(9_000)).toBeGreaterThan(1); // a saturated queue: seconds
    expect(latency.get(15_000)).toBeCloseTo(0.005, 12);
    expect(signal(run.sim, 'serviceLatency', 'n3').get(9_000)).toBeCloseTo(0.005, 12);
    expect(degradationIncidents(run.sim.faultLog)).toEqual([{ kind: 'latency-creep', target: 'n2', onsetMs: 1_000, endMs: 13_000 }]);
  });

  it('adds to the service time the node already had', () => {
    // 8 ms of service plus 4 ms of creep passes the 10 ms gap halfway to failure (6 s): then a queue builds.
    const { run, lags } = steadyLoad([{ ...creep, params: { ...creep.params, extraServiceMs: 4 } }], 12_000, { messagesPerSec: 125 });
    run.sim.run({ until: 12_000 });
    const lagOf = (fromMs: number, toMs: number): number[] => lags().filter(({ sentMs }) => sentMs >= fromMs && sentMs < toMs).map(({ lagMs }) => lagMs);
    expect(Math.max(...lagOf(0, 5_500))).toBe(1);
    expect(Math.min(...lagOf(10_000, 10_500))).toBeGreaterThan(100);
  });

  it('crashes the target at failure by default, and conflicts with a capacity fault on it', () => {
    const { sim } = fleet([{ kind: 'latency-creep', atMs: 0, target: 'n2', params: { timeToFailureMs: 3_000 } }]);
    sim.run({ until: 4_000 });
    expect(sim.truth.downIntervals('n2', 4_000)).toEqual([[3_000, 4_000]]);
    expect(() => sim.inject([{ kind: 'capacity', atMs: 5_000, target: 'n3', params: { messagesPerSec: 10 } }, { kind: 'latency-creep', atMs: 6_000, target: 'n3', params: { timeToFailureMs: 100 } }])).toThrow(/overlaps/);
  });
});
