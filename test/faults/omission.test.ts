// Omission faults: a node that silently fails to send and/or to receive. Rates are measured with
// fixed seeds; tolerances are Z standard errors of a binomial proportion.
import { describe, expect, it } from 'vitest';
import { binomialStandardError, cluster, records, sendSequence, Z } from './fixtures.js';

const N = 4_000;

describe('omission', () => {
  it('send omission: the target fails to send a fraction sendProbability of its messages, counted as send-omission', () => {
    const { sim, probes } = cluster(['a', 'b'], { seed: 7 });
    sim.inject([{ kind: 'omission', atMs: 0, durationMs: N, target: 'a', params: { sendProbability: 0.3 } }]);
    sendSequence(sim, probes.a!, 'b', N, 1, 0.5);
    sendSequence(sim, probes.b!, 'a', N, 1, 0.5);
    sim.run();

    const ab = sim.network.linkStats('a', 'b');
    expect(ab.sent).toBe(N);
    const omitted = ab.dropped['send-omission'];
    expect(Math.abs(omitted / N - 0.3)).toBeLessThan(Z * binomialStandardError(0.3, N));
    expect(ab.delivered).toBe(N - omitted);
    expect(probes.b!.arrivals).toHaveLength(N - omitted);
    expect(ab.dropped['receive-omission']).toBe(0);
    // Dropped at the sender, and said so in the trace.
    const drops = records(sim, 'drop', (record) => record.reason === 'send-omission');
    expect(drops).toHaveLength(omitted);
    expect(drops.every((record) => record.node === 'a' && record.from === 'a' && record.to === 'b')).toBe(true);
    // The other direction is untouched.
    expect(sim.network.linkStats('b', 'a').delivered).toBe(N);
  });

  it('receive omission: the target fails to receive a fraction receiveProbability of what reaches it, counted as receive-omission', () => {
    const { sim, probes } = cluster(['a', 'b', 'c'], { seed: 8 });
    sim.inject([{ kind: 'omission', atMs: 0, durationMs: N, target: 'b', params: { receiveProbability: 0.2 } }]);
    sendSequence(sim, probes.a!, 'b', N / 2, 2, 0.5);
    sendSequence(sim, probes.c!, 'b', N / 2, 2, 1.5);
    sendSequence(sim, probes.b!, 'a', N / 2, 2, 0.5);
    sim.run();

    const toB = [sim.network.linkStats('a', 'b'), sim.network.linkStats('c', 'b')];
    const omitted = toB.reduce((sum, stats) => sum + stats.dropped['receive-omission'], 0);
    expect(Math.abs(omitted / N - 0.2)).toBeLessThan(Z * binomialStandardError(0.2, N));
    expect(toB.every((stats) => stats.dropped['receive-omission'] > 0)).toBe(true); // from every sender
    expect(probes.b!.arrivals).toHaveLength(N - omitted);
    expect(toB.every((stats) => stats.dropped['send-omission'] === 0)).toBe(true);
    // Dropped on arrival at b.
    const drops = records(sim, 'drop', (record) => record.reason === 'receive-omission');
    expect(drops).toHaveLength(omitted);
    expect(drops.every((record) => record.node === 'b' && record.to === 'b')).toBe(true);
    // What b sends is untouched.
    expect(sim.network.linkStats('b', 'a').delivered).toBe(N / 2);
  });

  it('both at once: send and receive omission on one node, each at its own rate', () => {
    const { sim, probes } = cluster(['a', 'b'], { seed: 9 });
    sim.inject([{ kind: 'omission', atMs: 0, durationMs: N, target: 'a', params: { sendProbability: 0.5, receiveProbability: 0.1 } }]);
    sendSequence(sim, probes.a!, 'b', N, 1, 0.5);
    sendSequence(sim, probes.b!, 'a', N, 1, 0.5);
    sim.run();
    const sendRate = sim.network.linkStats('a', 'b').dropped['send-omission'] / N;
    const receiveRate = sim.network.linkStats('b', 'a').dropped['receive-omission'] / N;
    expect(Math.abs(sendRate - 0.5)).toBeLessThan(Z * binomialStandardError(0.5, N));
    expect(Math.abs(receiveRate - 0.1)).toBeLessThan(Z * binomialStandardError(0.1, N));
  });

  it('ends exactly at atMs + durationMs: afterwards nothing is omitted', () => {
    const { sim, probes } = cluster(['a', 'b'], { seed: 10 });
    sim.inject([{ kind: 'omission', atMs: 0, durationMs: 1_000, target: 'a', params: { sendProbability: 1, receiveProbability: 1 } }]);
    sendSequence(sim, probes.a!, 'b', 200, 10, 5); // 5 … 1995
    sendSequence(sim, probes.b!, 'a', 200, 10, 5);
    sim.run();
    expect(sim.network.linkStats('a', 'b').dropped['send-omission']).toBe(100);
    expect(sim.network.linkStats('b', 'a').dropped['receive-omission']).toBe(100);
    expect(probes.b!.arrivals.every((arrival) => arrival.timeMs > 1_000)).toBe(true);
    expect(probes.b!.arrivals).toHaveLength(100);
    expect(probes.a!.arrivals).toHaveLength(100);
  });

  it('is deterministic: the same seed omits the same messages', () => {
    const omittedSeqs = (seed: number): number[] => {
      const { sim, probes } = cluster(['a', 'b'], { seed });
      sim.inject([{ kind: 'omission', atMs: 0, target: 'a', params: { sendProbability: 0.5 } }]);
      sendSequence(sim, probes.a!, 'b', 200, 1, 0.5);
      sim.run();
      return records(sim, 'drop').map((record) => (record.message as { seq: number }).seq);
    };
    expect(omittedSeqs(3)).toEqual(omittedSeqs(3));
    expect(omittedSeqs(3)).not.toEqual(omittedSeqs(4));
  });
});
