// Gray failures: a partial link model laid over chosen links for a duration, then removed so the
// link is exactly as before. The base network here has a constant 2 ms latency, so every change
// is visible as an exact delay.
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/index.js';
import { binomialStandardError, cluster, deliveryDelays, inversions, records, sendSequence, Z, type Seq } from './fixtures.js';

const BASE = { latency: { kind: 'constant', ms: 2 } } as const;

function trio(seed = 1) {
  return cluster<Seq>(['a', 'b', 'c'], { seed, network: { link: BASE } });
}

/** Sends one message a→b at each time and returns [sentMs, delayMs] of what arrived. */
function delaysAt(fault: Fault | Fault[], times: number[]): Array<[number, number]> {
  const { sim, probes } = trio();
  sim.inject(Array.isArray(fault) ? fault : [fault]);
  for (const t of times) sim.schedule(t, () => probes.a!.ctx.send('b', { seq: t }));
  sim.run();
  return deliveryDelays(sim, 'a', 'b')
    .map(({ sentMs, delayMs }): [number, number] => [sentMs, delayMs])
    .sort(([first], [second]) => first - second);
}

describe('link faults', () => {
  it('loss: drops a fraction lossProbability of the messages on the chosen link only, counted as loss', () => {
    const { sim, probes } = trio(21);
    const n = 4_000;
    sim.inject([{ kind: 'link', atMs: 0, durationMs: n, params: { links: [['a', 'b']], model: { lossProbability: 0.4 } } }]);
    sendSequence(sim, probes.a!, 'b', n, 1, 0.5);
    sendSequence(sim, probes.b!, 'a', n, 1, 0.5);
    sendSequence(sim, probes.a!, 'c', n, 1, 0.5);
    sim.run();
    const lost = sim.network.linkStats('a', 'b').dropped.loss;
    expect(Math.abs(lost / n - 0.4)).toBeLessThan(Z * binomialStandardError(0.4, n));
    expect(probes.b!.arrivals).toHaveLength(n - lost);
    expect(sim.network.linkStats('b', 'a').dropped.loss).toBe(0); // directed: b→a untouched
    expect(sim.network.linkStats('a', 'c').dropped.loss).toBe(0);
  });

  it('latencyFactor multiplies every delay while the fault lasts, and the link returns exactly to its old delay', () => {
    const fault: Fault = { kind: 'link', atMs: 100, durationMs: 200, params: { links: [['a', 'b']], model: { latencyFactor: 5 } } };
    expect(delaysAt(fault, [50, 100, 150, 299, 301, 350])).toEqual([
      [50, 2],
      [100, 10],
      [150, 10],
      [299, 10],
      [301, 2],
      [350, 2],
    ]);
  });

  it('another latency distribution replaces the link’s latency for the duration', () => {
    const { sim, probes } = trio(5);
    sim.inject([{ kind: 'link', atMs: 0, durationMs: 1_000, params: { links: [['a', 'b']], model: { latency: { kind: 'uniform', minMs: 20, maxMs: 30 } } } }]);
    sendSequence(sim, probes.a!, 'b', 400, 5, 2.5); // 2.5 … 1997.5
    sim.run();
    const delays = deliveryDelays(sim, 'a', 'b');
    const during = delays.filter(({ sentMs }) => sentMs < 1_000).map(({ delayMs }) => delayMs);
    const after = delays.filter(({ sentMs }) => sentMs >= 1_000).map(({ delayMs }) => delayMs);
    expect(during).toHaveLength(200);
    expect(during.every((delay) => delay >= 20 && delay <= 30)).toBe(true);
    const meanDelay = during.reduce((sum, delay) => sum + delay, 0) / during.length;
    expect(Math.abs(meanDelay - 25)).toBeLessThan((Z * 10) / Math.sqrt(12 * during.length));
    expect(new Set(after)).toEqual(new Set([2]));
  });

  it('duplication: a fraction duplicateProbability of messages arrives twice, with the same messageId', () => {
    const { sim, probes } = trio(6);
    const n = 2_000;
    sim.inject([{ kind: 'link', atMs: 0, durationMs: n, params: { links: [['a', 'b']], model: { duplicateProbability: 0.5 } } }]);
    sendSequence(sim, probes.a!, 'b', n, 1, 0.5);
    sim.run();
    const duplicated = sim.network.linkStats('a', 'b').duplicated;
    expect(Math.abs(duplicated / n - 0.5)).toBeLessThan(Z * binomialStandardError(0.5, n));
    const copies = new Map<number, number>();
    for (const record of records(sim, 'deliver')) copies.set(record.messageId!, (copies.get(record.messageId!) ?? 0) + 1);
    expect(copies.size).toBe(n);
    expect([...copies.values()].filter((count) => count === 2)).toHaveLength(duplicated);
    expect([...copies.values()].every((count) => count === 1 || count === 2)).toBe(true);
  });

  it('reordering: held-back messages are overtaken while the fault lasts; afterwards the link is in order again', () => {
    const { sim, probes } = trio(7);
    sim.inject([{ kind: 'link', atMs: 0, durationMs: 1_000, params: { links: [['a', 'b']], model: { reorderProbability: 0.3, reorderDelay: { kind: 'constant', ms: 20 } } } }]);
    sendSequence(sim, probes.a!, 'b', 400, 5, 2.5); // 200 during, 200 after
    sim.run();
    const seqs = probes.b!.arrivals.map((arrival) => arrival.message.seq);
    expect(inversions(seqs.filter((seq) => seq < 200))).toBeGreaterThan(0);
    expect(inversions(seqs.filter((seq) => seq >= 200))).toBe(0);
    const heldBack = deliveryDelays(sim, 'a', 'b').filter(({ delayMs }) => delayMs === 22).length;
    expect(Math.abs(heldBack / 200 - 0.3)).toBeLessThan(Z * binomialStandardError(0.3, 200));
  });

  it('bandwidth cut: messages are serialised at bandwidthBytesPerMs while the fault lasts', () => {
    const { sim, probes } = trio();
    sim.inject([{ kind: 'link', atMs: 0, durationMs: 1_000, params: { links: [['a', 'b']], model: { bandwidthBytesPerMs: 1 } } }]);
    const burst = (t: number): void => void sim.schedule(t, () => {
      for (let seq = 0; seq < 4; seq++) probes.a!.ctx.send('b', { seq, sizeBytes: 50 } as Seq);
    });
    burst(100);
    burst(2_000);
    sim.run();
    expect(probes.b!.arrivals.map((arrival) => arrival.timeMs)).toEqual([152, 202, 252, 302, 2_002, 2_002, 2_002, 2_002]);
  });

  it('bothWays degrades both directions of each named link; other links are untouched', () => {
    const { sim, probes } = trio();
    sim.inject([{ kind: 'link', atMs: 0, durationMs: 1_000, params: { links: [['a', 'b']], bothWays: true, model: { lossProbability: 1 } } }]);
    for (const [from, to] of [['a', 'b'], ['b', 'a'], ['a', 'c'], ['c', 'b']] as const) sendSequence(sim, probes[from]!, to, 10, 10, 5);
    sim.run();
    expect(sim.network.linkStats('a', 'b').dropped.loss).toBe(10);
    expect(sim.network.linkStats('b', 'a').dropped.loss).toBe(10);
    expect(sim.network.linkStats('a', 'c').delivered).toBe(10);
    expect(sim.network.linkStats('c', 'b').delivered).toBe(10);
  });

  it('reverts exactly: the resolved link model after the fault equals the one before', () => {
    const { sim } = trio();
    sim.network.setLink('a', 'b', { lossProbability: 0.1, fifo: true });
    const before = sim.network.linkModel('a', 'b');
    sim.inject([{ kind: 'link', atMs: 10, durationMs: 100, params: { links: [['a', 'b']], model: { lossProbability: 0.9, latencyFactor: 4, duplicateProbability: 0.2, bandwidthBytesPerMs: 3 } } }]);
    let during: unknown;
    sim.schedule(50, () => (during = sim.network.linkModel('a', 'b')));
    sim.run();
    expect(during).toMatchObject({ lossProbability: 0.9, latencyFactor: 4, duplicateProbability: 0.2, bandwidthBytesPerMs: 3, fifo: true });
    expect(sim.network.linkModel('a', 'b')).toEqual(before);
  });

  it('stacked link faults: a later fault wins field by field while both last; ending one leaves exactly what the others make', () => {
    const links = [['a', 'b']];
    const faults: Fault[] = [
      { kind: 'link', atMs: 0, durationMs: 400, params: { links, model: { latencyFactor: 3 } } }, // F1: 0–400
      { kind: 'link', atMs: 200, durationMs: 600, params: { links, model: { latency: { kind: 'constant', ms: 10 } } } }, // F2: 200–800
      { kind: 'link', atMs: 300, durationMs: 150, params: { links, model: { latencyFactor: 5 } } }, // F3: 300–450
    ];
    expect(delaysAt(faults, [100, 250, 325, 425, 500, 900])).toEqual([
      [100, 6], // F1: 2 × 3
      [250, 30], // F1 + F2: 10 × 3
      [325, 50], // F3's factor over F1's: 10 × 5
      [425, 50], // F1 ended; F2 and F3 remain
      [500, 10], // F2 alone
      [900, 2], // none
    ]);
  });

  it('slow-node degrades every link to and from the node, and no other', () => {
    const { sim, probes } = trio();
    sim.inject([{ kind: 'slow-node', atMs: 0, durationMs: 1_000, target: 'c', params: { model: { latencyFactor: 4 } } }]);
    const pairs = [['a', 'c'], ['c', 'a'], ['b', 'c'], ['c', 'b'], ['a', 'b'], ['b', 'a']] as const;
    for (const [from, to] of pairs) {
      sim.schedule(100, () => probes[from]!.ctx.send(to, { seq: 0 }));
      sim.schedule(1_100, () => probes[from]!.ctx.send(to, { seq: 1 }));
    }
    sim.run();
    const delays = Object.fromEntries(pairs.map(([from, to]) => [`${from}→${to}`, deliveryDelays(sim, from, to).map(({ delayMs }) => delayMs)]));
    expect(delays).toEqual({ 'a→c': [8, 2], 'c→a': [8, 2], 'b→c': [8, 2], 'c→b': [8, 2], 'a→b': [2, 2], 'b→a': [2, 2] });
  });
});
