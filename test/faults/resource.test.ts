// Resource exhaustion: a node that can handle only so many messages per second (its queueing
// delay shows up as latency, its bounded inbox overflows), and traffic spikes that overload it.
import { describe, expect, it } from 'vitest';
import { Simulation, type Fault } from '../../src/index.js';
import { addProbe, cluster, deliveryDelays, records, Z, type Seq } from './fixtures.js';

/** a sends `count` messages to b at once, at `atMs`. */
function burst(sim: Simulation, from: ReturnType<typeof addProbe<Seq>>, atMs: number, count: number, firstSeq = 0): void {
  sim.schedule(atMs - sim.now, () => {
    for (let seq = firstSeq; seq < firstSeq + count; seq++) from.ctx.send('b', { seq });
  });
}

describe('capacity', () => {
  it('messages wait for service: the k-th of a burst is handled k service times later, which shows up as latency', () => {
    const { sim, probes } = cluster(['a', 'b']);
    sim.inject([{ kind: 'capacity', atMs: 0, durationMs: 10_000, target: 'b', params: { messagesPerSec: 100 } }]);
    burst(sim, probes.a!, 10, 20);
    sim.run();
    expect(deliveryDelays(sim, 'a', 'b').map(({ delayMs }) => delayMs)).toEqual(Array.from({ length: 20 }, (_, k) => 1 + 10 * k));
    expect(probes.b!.arrivals.map((arrival) => arrival.message.seq)).toEqual(Array.from({ length: 20 }, (_, k) => k)); // in order
  });

  it('under a steady overload the delivery delay grows with every message (arrivals every 5 ms, service every 10 ms)', () => {
    const { sim, probes } = cluster(['a', 'b']);
    sim.inject([{ kind: 'capacity', atMs: 0, durationMs: 10_000, target: 'b', params: { messagesPerSec: 100 } }]);
    for (let seq = 0; seq < 100; seq++) sim.schedule(seq * 5, () => probes.a!.ctx.send('b', { seq }));
    sim.run();
    const delays = deliveryDelays(sim, 'a', 'b').map(({ delayMs }) => delayMs);
    expect(delays).toEqual(Array.from({ length: 100 }, (_, k) => 1 + 5 * k));
  });

  it('a full inbox overflows: arrivals beyond inboxLimit are dropped and counted as inbox-overflow', () => {
    const { sim, probes } = cluster(['a', 'b']);
    sim.inject([{ kind: 'capacity', atMs: 0, durationMs: 10_000, target: 'b', params: { messagesPerSec: 100, inboxLimit: 10 } }]);
    burst(sim, probes.a!, 10, 50);
    sim.run();
    const stats = sim.network.linkStats('a', 'b');
    expect(stats.dropped['inbox-overflow']).toBe(40); // all 50 arrive at once: 10 fit
    expect(stats.delivered).toBe(10);
    expect(probes.b!.arrivals.map((arrival) => arrival.message.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const drops = records(sim, 'drop', (record) => record.reason === 'inbox-overflow');
    expect(drops).toHaveLength(40);
    expect(drops.every((record) => record.node === 'b')).toBe(true);
  });

  it('ends at atMs + durationMs: the node is unlimited again', () => {
    const { sim, probes } = cluster(['a', 'b']);
    sim.inject([{ kind: 'capacity', atMs: 0, durationMs: 1_000, target: 'b', params: { messagesPerSec: 100 } }]);
    burst(sim, probes.a!, 100, 5);
    burst(sim, probes.a!, 2_000, 5, 5);
    sim.run();
    expect(deliveryDelays(sim, 'a', 'b').map(({ delayMs }) => delayMs)).toEqual([1, 11, 21, 31, 41, 1, 1, 1, 1, 1]);
  });

  it('when the fault ends, the backlog is still handled in arrival order: a later message does not overtake queued ones', () => {
    const { sim, probes } = cluster(['a', 'b']);
    sim.inject([{ kind: 'capacity', atMs: 0, durationMs: 95, target: 'b', params: { messagesPerSec: 100 } }]);
    burst(sim, probes.a!, 10, 20); // 10 handled by 95, 10 still queued
    burst(sim, probes.a!, 100, 1, 99); // arrives at 101, after the fault
    sim.run();
    expect(probes.b!.arrivals.map((arrival) => arrival.message.seq)).toEqual([...Array.from({ length: 20 }, (_, k) => k), 99]);
  });

  it('the node option `service` sets a capacity from the start; a capacity fault overrides it and the revert restores it', () => {
    const sim = new Simulation({ seed: 1, trace: true });
    const a = addProbe<Seq>(sim, 'a');
    addProbe<Seq>(sim, 'b', { service: { messagesPerSec: 1_000, inboxLimit: 3 } });
    burst(sim, a, 100, 5); // node option: 1 ms each; inbox of 3
    sim.inject([{ kind: 'capacity', atMs: 1_000, durationMs: 1_000, target: 'b', params: { messagesPerSec: 100 } }]);
    burst(sim, a, 1_100, 5, 10); // fault: 10 ms each, default inbox 1,000
    burst(sim, a, 3_000, 5, 20); // restored
    sim.run();
    const delays = deliveryDelays(sim, 'a', 'b').map(({ message, delayMs }) => [(message as Seq).seq, delayMs]);
    expect(delays).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [10, 1],
      [11, 11],
      [12, 21],
      [13, 31],
      [14, 41],
      [20, 1],
      [21, 2],
      [22, 3],
    ]);
    expect(sim.network.linkStats('a', 'b').dropped['inbox-overflow']).toBe(4);
  });
});

describe('traffic-spike', () => {
  function spike(params: Record<string, unknown>, durationMs: number, seed = 1, extra: Fault[] = []): Simulation {
    const sim = new Simulation({ seed, trace: true });
    addProbe(sim, 'api');
    addProbe(sim, 'clients');
    sim.inject([{ kind: 'traffic-spike', atMs: 1_000, durationMs, target: 'api', params: { from: 'clients', message: { type: 'request' }, ...params } }, ...extra]);
    sim.run();
    return sim;
  }

  const arrivalTimes = (sim: Simulation): number[] => records(sim, 'send', (record) => record.from === 'clients' && record.to === 'api').map((record) => record.timeMs);

  it('sends messages from `from` to the target at a Poisson rate: count ≈ rate × duration', () => {
    const sim = spike({ ratePerSec: 200 }, 5_000, 11);
    const times = arrivalTimes(sim);
    const expected = 200 * 5;
    expect(Math.abs(times.length - expected)).toBeLessThan(Z * Math.sqrt(expected));
    expect(times.every((t) => t >= 1_000 && t <= 6_000)).toBe(true);
    const deliveries = records(sim, 'deliver', (record) => record.to === 'api');
    expect(deliveries).toHaveLength(times.length);
    expect(deliveries.every((record) => record.from === 'clients')).toBe(true);
    for (const record of deliveries) expect(record.message).toMatchObject({ type: 'request' }); // params.message
    // Poisson: gaps are exponential, so their standard deviation is about their mean.
    const gaps = times.slice(1).map((t, index) => t - times[index]!);
    const meanGap = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
    const sdGap = Math.sqrt(gaps.reduce((sum, gap) => sum + (gap - meanGap) ** 2, 0) / (gaps.length - 1));
    expect(Math.abs(meanGap - 5)).toBeLessThan((Z * 5) / Math.sqrt(gaps.length));
    expect(sdGap / meanGap).toBeGreaterThan(0.8);
    expect(sdGap / meanGap).toBeLessThan(1.2);
  });

  it('ramps linearly from ratePerSec to endRatePerSec: from 0 to 400 per second over 5 s, a quarter of the load falls in the first half', () => {
    const sim = spike({ ratePerSec: 0, endRatePerSec: 400 }, 5_000, 12);
    const times = arrivalTimes(sim);
    const firstHalf = times.filter((t) => t < 3_500).length;
    const secondHalf = times.length - firstHalf;
    // ∫ rate dt: 400/5 × 2.5²/2 = 250 in the first half, 750 in the second.
    expect(Math.abs(firstHalf - 250)).toBeLessThan(Z * Math.sqrt(250));
    expect(Math.abs(secondHalf - 750)).toBeLessThan(Z * Math.sqrt(750));
  });

  it('stops at atMs + durationMs', () => {
    const sim = spike({ ratePerSec: 1_000 }, 500, 13);
    sim.run({ until: 10_000 });
    const times = arrivalTimes(sim);
    expect(times.length).toBeGreaterThan(0);
    expect(Math.max(...times)).toBeLessThanOrEqual(1_500);
  });

  it('with a capacity on the target the spike becomes an observable overload: queueing, then inbox overflow', () => {
    const sim = spike({ ratePerSec: 1_000 }, 1_000, 14, [{ kind: 'capacity', atMs: 0, durationMs: 10_000, target: 'api', params: { messagesPerSec: 100, inboxLimit: 50 } }]);
    const stats = sim.network.linkStats('clients', 'api');
    expect(stats.dropped['inbox-overflow']).toBeGreaterThan(700);
    expect(stats.delivered).toBeLessThanOrEqual(100 + 50 + 1); // ~1 s of service, then the inbox drains
    expect(stats.delivered + stats.dropped['inbox-overflow']).toBe(stats.sent);
    const delays = deliveryDelays(sim, 'clients', 'api').map(({ delayMs }) => delayMs);
    expect(Math.max(...delays)).toBeGreaterThan(400); // a full inbox of 50 at 10 ms each
  });
});
