import { describe, expect, it } from 'vitest';
import { dropReasons, InvalidArgumentError, Simulation, type Distribution, type DropReason, type LinkModel, type TraceRecord } from '../../src/index.js';
import { addProbe, binomialStandardError, inversions, mean, sendSequence, stdDev, thrownBy, type Probe } from './helpers.js';

// Statistical checks use fixed seeds, so they are deterministic; tolerances are 4 standard
// errors, so a correct implementation passes for all but a negligible fraction of seeds.
const Z = 4;

type Seq = { seq: number };

/** Two recording nodes a and b; returns them after the simulation is built. */
function pair(options: ConstructorParameters<typeof Simulation>[0]): { sim: Simulation; a: Probe<Seq>; b: Probe<Seq> } {
  const sim = new Simulation(options);
  const a = addProbe<Seq>(sim, 'a');
  const b = addProbe<Seq>(sim, 'b');
  return { sim, a, b };
}

/** Delays of `count` messages sent a→b at t=0 over a link with the given latency. */
function sampleDelays(latency: Distribution, count: number, seed = 11): number[] {
  const { sim, a, b } = pair({ seed, network: { link: { latency } } });
  sim.schedule(0, () => {
    for (let seq = 0; seq < count; seq++) a.ctx.send('b', { seq });
  });
  sim.run();
  expect(b.arrivals).toHaveLength(count);
  return b.arrivals.map((arrival) => arrival.timeMs);
}

function records(sim: Simulation, type: TraceRecord['type']): TraceRecord[] {
  return sim.trace!.records().filter((record) => record.type === type);
}

describe('network', () => {
  describe('latency', () => {
    it('delivers after 1 ms by default', () => {
      const { sim, a, b } = pair({ seed: 1 });
      sim.schedule(5, () => a.ctx.send('b', { seq: 0 }));
      sim.run();
      expect(b.arrivals).toEqual([{ timeMs: 6, localTimeMs: 6, from: 'a', message: { seq: 0 } }]);
      expect(sim.network.linkModel('a', 'b').latency).toEqual({ kind: 'constant', ms: 1 });
    });

    it('constant: every message takes exactly ms', () => {
      const delays = sampleDelays({ kind: 'constant', ms: 7.5 }, 50);
      expect(new Set(delays)).toEqual(new Set([7.5]));
    });

    it('uniform: delays lie in [offset+min, offset+max] with mean at the midpoint', () => {
      const n = 3000;
      const delays = sampleDelays({ kind: 'uniform', minMs: 10, maxMs: 30, offsetMs: 5 }, n);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(15);
      expect(Math.max(...delays)).toBeLessThanOrEqual(35);
      const se = 20 / Math.sqrt(12 * n);
      expect(Math.abs(mean(delays) - 25)).toBeLessThan(Z * se);
      // Spread over the whole range, not bunched: both tenths at the ends are populated.
      expect(delays.filter((d) => d < 17).length).toBeGreaterThan(0.1 * n - Z * n * binomialStandardError(0.1, n));
      expect(delays.filter((d) => d > 33).length).toBeGreaterThan(0.1 * n - Z * n * binomialStandardError(0.1, n));
    });

    it('exponential: delays are at least offsetMs with mean offsetMs + meanMs', () => {
      const n = 3000;
      const delays = sampleDelays({ kind: 'exponential', meanMs: 5, offsetMs: 2 }, n);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(2);
      expect(Math.abs(mean(delays) - 7)).toBeLessThan((Z * 5) / Math.sqrt(n));
      // Memoryless tail: P(X - offset > mean) = e^-1.
      const p = Math.exp(-1);
      const tail = delays.filter((d) => d - 2 > 5).length / n;
      expect(Math.abs(tail - p)).toBeLessThan(Z * binomialStandardError(p, n));
    });

    it('normal: mean and standard deviation match', () => {
      const n = 3000;
      const delays = sampleDelays({ kind: 'normal', meanMs: 50, stdDevMs: 5, offsetMs: 10 }, n);
      expect(Math.abs(mean(delays) - 60)).toBeLessThan((Z * 5) / Math.sqrt(n));
      expect(Math.abs(stdDev(delays) - 5)).toBeLessThan((Z * 5) / Math.sqrt(2 * n));
    });

    it('normal: draws below zero are clamped to zero, never negative', () => {
      const n = 2000;
      const delays = sampleDelays({ kind: 'normal', meanMs: 0, stdDevMs: 5 }, n);
      expect(Math.min(...delays)).toBe(0);
      const atZero = delays.filter((d) => d === 0).length / n;
      expect(Math.abs(atZero - 0.5)).toBeLessThan(Z * binomialStandardError(0.5, n));
    });

    it('logNormal: log-delays have mean ln(medianMs) and standard deviation sigma', () => {
      const n = 3000;
      const delays = sampleDelays({ kind: 'logNormal', medianMs: 40, sigma: 0.5 }, n);
      const logs = delays.map((d) => Math.log(d));
      expect(Math.abs(mean(logs) - Math.log(40))).toBeLessThan((Z * 0.5) / Math.sqrt(n));
      expect(Math.abs(stdDev(logs) - 0.5)).toBeLessThan((Z * 0.5) / Math.sqrt(2 * n));
    });

    it('pareto: delays are at least scaleMs with tail P(X > 2 scale) = 2^-shape', () => {
      const n = 3000;
      const delays = sampleDelays({ kind: 'pareto', scaleMs: 4, shape: 1.5 }, n);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(4);
      const p = 2 ** -1.5;
      const tail = delays.filter((d) => d > 8).length / n;
      expect(Math.abs(tail - p)).toBeLessThan(Z * binomialStandardError(p, n));
    });
  });

  describe('loss', () => {
    it('drops a fraction lossProbability of messages, counted as loss', () => {
      const n = 4000;
      const p = 0.25;
      const { sim, a, b } = pair({ seed: 3, network: { link: { lossProbability: p } } });
      sendSequence(sim, a, 'b', n, 0.1);
      sim.run();
      const stats = sim.network.stats();
      expect(stats.sent).toBe(n);
      expect(stats.dropped.loss + b.arrivals.length).toBe(n);
      expect(stats.delivered).toBe(b.arrivals.length);
      expect(Math.abs(stats.dropped.loss / n - p)).toBeLessThan(Z * binomialStandardError(p, n));
    });

    it('lossProbability 1 loses everything and 0 loses nothing', () => {
      const { sim, a, b } = pair({ seed: 3, network: { link: { lossProbability: 1 } } });
      sim.network.setLink('b', 'a', { lossProbability: 0 });
      sendSequence(sim, a, 'b', 100, 1);
      sendSequence(sim, b, 'a', 100, 1);
      sim.run();
      expect(b.arrivals).toHaveLength(0);
      expect(a.arrivals).toHaveLength(100);
    });

    it('records a drop with reason loss in the trace', () => {
      const { sim, a } = pair({ seed: 3, trace: true, network: { link: { lossProbability: 1 } } });
      sim.schedule(2, () => a.ctx.send('b', { seq: 9 }));
      sim.run();
      const [drop] = records(sim, 'drop');
      expect(drop).toMatchObject({ timeMs: 2, from: 'a', to: 'b', reason: 'loss', message: { seq: 9 } });
      expect(records(sim, 'deliver')).toHaveLength(0);
    });
  });

  describe('duplication', () => {
    it('delivers a fraction duplicateProbability of messages twice, with the same messageId', () => {
      const n = 2000;
      const p = 0.3;
      const { sim, a, b } = pair({ seed: 5, trace: true, network: { link: { duplicateProbability: p, latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } });
      sendSequence(sim, a, 'b', n, 0.5);
      sim.run();
      const stats = sim.network.stats();
      expect(stats.sent).toBe(n);
      expect(stats.delivered).toBe(n + stats.duplicated);
      expect(b.arrivals).toHaveLength(n + stats.duplicated);
      expect(Math.abs(stats.duplicated / n - p)).toBeLessThan(Z * binomialStandardError(p, n));

      const copiesById = new Map<number, TraceRecord[]>();
      for (const record of records(sim, 'deliver')) {
        const list = copiesById.get(record.messageId!) ?? [];
        list.push(record);
        copiesById.set(record.messageId!, list);
      }
      expect(copiesById.size).toBe(n);
      const twice = [...copiesById.values()].filter((copies) => copies.length === 2);
      expect(twice).toHaveLength(stats.duplicated);
      expect([...copiesById.values()].every((copies) => copies.length <= 2)).toBe(true);
      for (const [first, second] of twice) expect(second!.message).toEqual(first!.message);
      // Sends are traced once per message, not once per copy.
      expect(records(sim, 'send')).toHaveLength(n);
    });
  });

  describe('reordering', () => {
    it('lets later messages overtake earlier ones when latency is spread out', () => {
      const { sim, a, b } = pair({ seed: 8, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 50 } } } });
      sendSequence(sim, a, 'b', 200, 1);
      sim.run();
      expect(b.arrivals).toHaveLength(200);
      expect(inversions(b.arrivals.map((arrival) => arrival.message.seq))).toBeGreaterThan(0);
    });

    it('fifo: true never reorders, even with jitter', () => {
      const { sim, a, b } = pair({ seed: 8, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 50 }, fifo: true } } });
      sendSequence(sim, a, 'b', 200, 1);
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.message.seq)).toEqual([...Array(200).keys()]);
      const times = b.arrivals.map((arrival) => arrival.timeMs);
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    });

    it('fifo: true keeps send order under a random tie-break, where equal-time deliveries would otherwise be shuffled', () => {
      const run = (fifo: boolean): number[] => {
        const { sim, a, b } = pair({ seed: 21, tieBreak: 'random', network: { link: { latency: { kind: 'constant', ms: 3 }, fifo } } });
        sim.schedule(0, () => {
          for (let seq = 0; seq < 50; seq++) a.ctx.send('b', { seq });
        });
        sim.run();
        return b.arrivals.map((arrival) => arrival.message.seq);
      };
      expect(inversions(run(false))).toBeGreaterThan(0);
      expect(run(true)).toEqual([...Array(50).keys()]);
    });

    it('reorderProbability holds a fraction of messages back by reorderDelay so later ones overtake', () => {
      const n = 2000;
      const p = 0.2;
      const { sim, a, b } = pair({
        seed: 13,
        network: { link: { latency: { kind: 'constant', ms: 1 }, reorderProbability: p, reorderDelay: { kind: 'constant', ms: 10 } } },
      });
      sendSequence(sim, a, 'b', n, 1);
      sim.run();
      expect(b.arrivals).toHaveLength(n);
      const delays = b.arrivals.map((arrival) => arrival.timeMs - arrival.message.seq);
      expect(new Set(delays)).toEqual(new Set([1, 11]));
      const heldBack = delays.filter((d) => d === 11).length / n;
      expect(Math.abs(heldBack - p)).toBeLessThan(Z * binomialStandardError(p, n));
      expect(inversions(b.arrivals.map((arrival) => arrival.message.seq))).toBeGreaterThan(0);
    });

    it('a held-back message skips the FIFO rule; the others stay in order', () => {
      const { sim, a, b } = pair({
        seed: 13,
        network: {
          link: { latency: { kind: 'uniform', minMs: 1, maxMs: 20 }, fifo: true, reorderProbability: 0.2, reorderDelay: { kind: 'constant', ms: 100 } },
        },
      });
      sendSequence(sim, a, 'b', 300, 1);
      sim.run();
      const seqs = b.arrivals.map((arrival) => arrival.message.seq);
      expect(inversions(seqs)).toBeGreaterThan(0);
      // Held-back messages arrive >= 100 ms after sending; the rest keep send order.
      const onTime = b.arrivals.filter((arrival) => arrival.timeMs - arrival.message.seq < 100).map((arrival) => arrival.message.seq);
      expect(onTime.length).toBeGreaterThan(0);
      expect(inversions(onTime)).toBe(0);
    });

    it('reorderProbability > 0 without a reorderDelay is a typed error naming reorderDelay', () => {
      const atConstruction = thrownBy(() => new Simulation({ seed: 1, network: { link: { reorderProbability: 0.1 } } }));
      expect(atConstruction).toBeInstanceOf(InvalidArgumentError);
      expect(atConstruction).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'network.link.reorderDelay' });

      const { sim } = pair({ seed: 1 });
      const viaSetLink = thrownBy(() => sim.network.setLink('a', 'b', { reorderProbability: 0.1 }));
      expect(viaSetLink).toBeInstanceOf(InvalidArgumentError);
      expect((viaSetLink as InvalidArgumentError).field).toMatch(/reorderDelay$/);
      const viaDefault = thrownBy(() => sim.network.setDefaultLink({ reorderProbability: 0.1 }));
      expect(viaDefault).toBeInstanceOf(InvalidArgumentError);
      expect((viaDefault as InvalidArgumentError).message).toContain('reorderDelay');
    });

    it('reorderProbability in a region model without any reorderDelay is rejected when the simulation is built', () => {
      const build = (): Simulation => new Simulation({ seed: 1, network: { intraRegion: { reorderProbability: 0.5 } } });
      const error = thrownBy(build);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toMatch(/^network\.intraRegion.*reorderDelay$/);
    });

    it('a per-link reorderProbability may take its reorderDelay from the default model', () => {
      const { sim, a, b } = pair({ seed: 2, network: { link: { reorderDelay: { kind: 'constant', ms: 50 } } } });
      sim.network.setLink('a', 'b', { reorderProbability: 1 });
      sendSequence(sim, a, 'b', 3, 1);
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([51, 52, 53]);
    });
  });

  describe('bandwidth', () => {
    it('serialises messages: delivery spacing is sizeBytes / bandwidthBytesPerMs', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { bandwidthBytesPerMs: 10, latency: { kind: 'constant', ms: 1 } } } });
      sim.schedule(0, () => {
        for (let seq = 0; seq < 5; seq++) a.ctx.send('b', { seq, sizeBytes: 100 } as Seq);
      });
      sim.run();
      // Each 100-byte message needs 10 ms on the wire, then 1 ms of latency.
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([11, 21, 31, 41, 51]);
    });

    it('uses defaultMessageSizeBytes (64 unless configured) for messages without a numeric sizeBytes', () => {
      const spacing = (network: ConstructorParameters<typeof Simulation>[0]['network']): number[] => {
        const { sim, a, b } = pair({ seed: 1, network });
        sim.schedule(0, () => {
          a.ctx.send('b', { seq: 0 });
          a.ctx.send('b', { seq: 1, sizeBytes: 'big' } as unknown as Seq);
          a.ctx.send('b', 'plain string' as unknown as Seq);
        });
        sim.run();
        return b.arrivals.map((arrival) => arrival.timeMs);
      };
      const link: LinkModel = { bandwidthBytesPerMs: 32, latency: { kind: 'constant', ms: 0 } };
      expect(spacing({ link })).toEqual([2, 4, 6]);
      expect(spacing({ link, defaultMessageSizeBytes: 16 })).toEqual([0.5, 1, 1.5]);
    });

    it('lets a link drain: a message sent after the backlog clears departs at once', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { bandwidthBytesPerMs: 10, latency: { kind: 'constant', ms: 1 } } } });
      sim.schedule(0, () => a.ctx.send('b', { seq: 0, sizeBytes: 100 } as Seq));
      sim.schedule(50, () => a.ctx.send('b', { seq: 1, sizeBytes: 100 } as Seq));
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([11, 61]);
    });

    it('drops a message that would overflow queueLimitBytes, with reason queue-overflow', () => {
      const { sim, a, b } = pair({
        seed: 1,
        trace: true,
        network: { link: { bandwidthBytesPerMs: 10, queueLimitBytes: 250, latency: { kind: 'constant', ms: 1 } } },
      });
      sim.schedule(0, () => {
        for (let seq = 0; seq < 5; seq++) a.ctx.send('b', { seq, sizeBytes: 100 } as Seq);
      });
      sim.schedule(100, () => a.ctx.send('b', { seq: 5, sizeBytes: 100 } as Seq));
      sim.run();
      // At most 250 bytes may be waiting: two 100-byte messages fit, the next three do not.
      expect(b.arrivals.map((arrival) => arrival.message.seq)).toEqual([0, 1, 5]);
      expect(sim.network.stats().dropped['queue-overflow']).toBe(3);
      expect(records(sim, 'drop').map((record) => [record.messageId, record.reason])).toEqual([
        [3, 'queue-overflow'],
        [4, 'queue-overflow'],
        [5, 'queue-overflow'],
      ]);
    });
  });

  describe('regions', () => {
    function regional(): { sim: Simulation; send: (from: string, to: string) => void; delays: Map<string, number> } {
      const sim = new Simulation({
        seed: 1,
        network: {
          link: { latency: { kind: 'constant', ms: 100 } },
          intraRegion: { latency: { kind: 'constant', ms: 2 } },
          interRegion: { latency: { kind: 'constant', ms: 80 } },
          regionLinks: [{ between: ['us', 'eu'], link: { latency: { kind: 'constant', ms: 40 } } }],
        },
      });
      const delays = new Map<string, number>();
      const probes = new Map<string, Probe>();
      const place: Array<[string, string | undefined]> = [
        ['us1', 'us'],
        ['us2', 'us'],
        ['eu1', 'eu'],
        ['ap1', 'ap'],
        ['nowhere', undefined],
      ];
      for (const [id, region] of place) {
        const probe = addProbe(sim, id, region === undefined ? {} : { region });
        probes.set(id, probe);
      }
      const send = (from: string, to: string): void => {
        const sentAt = sim.now;
        const target = probes.get(to)!;
        const before = target.arrivals.length;
        probes.get(from)!.ctx.send(to, 'hi');
        sim.run();
        expect(target.arrivals.length).toBe(before + 1);
        delays.set(`${from}->${to}`, target.arrivals[before]!.timeMs - sentAt);
      };
      return { sim, send, delays };
    }

    it('uses intraRegion within a region, regionLinks for a named pair (both directions), interRegion otherwise', () => {
      const { send, delays, sim } = regional();
      for (const [from, to] of [
        ['us1', 'us2'],
        ['us1', 'eu1'],
        ['eu1', 'us2'],
        ['us1', 'ap1'],
        ['ap1', 'eu1'],
        ['us1', 'nowhere'],
        ['nowhere', 'eu1'],
      ] as const) {
        send(from, to);
      }
      expect(Object.fromEntries(delays)).toEqual({
        'us1->us2': 2,
        'us1->eu1': 40,
        'eu1->us2': 40,
        'us1->ap1': 80,
        'ap1->eu1': 80,
        'us1->nowhere': 100,
        'nowhere->eu1': 100,
      });
      expect(sim.node('us1').region).toBe('us');
      expect(sim.network.linkModel('eu1', 'us1').latency).toEqual({ kind: 'constant', ms: 40 });
    });

    it('lays a region model over the default field by field', () => {
      const sim = new Simulation({ seed: 1, network: { link: { lossProbability: 0.5, latency: { kind: 'constant', ms: 9 } }, intraRegion: { latency: { kind: 'constant', ms: 2 } } } });
      addProbe(sim, 'x', { region: 'r' });
      addProbe(sim, 'y', { region: 'r' });
      expect(sim.network.linkModel('x', 'y')).toMatchObject({ lossProbability: 0.5, latency: { kind: 'constant', ms: 2 } });
    });
  });

  describe('link overrides', () => {
    it('setLink is a partial override over the default, for one direction only', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
      sim.network.setLink('a', 'b', { lossProbability: 1 });
      expect(sim.network.linkModel('a', 'b')).toMatchObject({ lossProbability: 1, latency: { kind: 'constant', ms: 5 } });
      sendSequence(sim, a, 'b', 10, 1);
      sendSequence(sim, b, 'a', 10, 1);
      sim.run();
      expect(b.arrivals).toHaveLength(0);
      expect(a.arrivals.map((arrival) => arrival.timeMs)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    });

    it('setLink(from, to, undefined) removes the override', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
      sim.network.setLink('a', 'b', { lossProbability: 1, latency: { kind: 'constant', ms: 1 } });
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 }));
      sim.run();
      sim.network.setLink('a', 'b', undefined);
      expect(sim.network.linkModel('a', 'b')).toMatchObject({ lossProbability: 0, latency: { kind: 'constant', ms: 5 } });
      a.ctx.send('b', { seq: 1 });
      sim.run();
      expect(b.arrivals.map((arrival) => [arrival.message.seq, arrival.timeMs])).toEqual([[1, 5]]);
    });

    it('setLink takes effect for the next send on a link already in use', () => {
      const { sim, a, b } = pair({ seed: 1 });
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 }));
      sim.schedule(10, () => sim.network.setLink('a', 'b', { latency: { kind: 'constant', ms: 30 } }));
      sim.schedule(10, () => a.ctx.send('b', { seq: 1 }));
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([1, 40]);
    });

    it('an override wins over a region model field by field', () => {
      const sim = new Simulation({ seed: 1, network: { intraRegion: { latency: { kind: 'constant', ms: 2 }, duplicateProbability: 0.5 } } });
      addProbe(sim, 'x', { region: 'r' });
      addProbe(sim, 'y', { region: 'r' });
      sim.network.setLink('x', 'y', { latency: { kind: 'constant', ms: 7 } });
      expect(sim.network.linkModel('x', 'y')).toMatchObject({ duplicateProbability: 0.5, latency: { kind: 'constant', ms: 7 } });
      expect(sim.network.linkModel('y', 'x')).toMatchObject({ duplicateProbability: 0.5, latency: { kind: 'constant', ms: 2 } });
    });

    it('setDefaultLink replaces the default for existing and new links, beneath overrides', () => {
      const sim = new Simulation({ seed: 1 });
      const a = addProbe<Seq>(sim, 'a');
      const b = addProbe<Seq>(sim, 'b');
      const c = addProbe<Seq>(sim, 'c');
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 })); // creates a->b under the old default
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([1]);
      sim.network.setLink('a', 'c', { latency: { kind: 'constant', ms: 7 } });
      sim.network.setDefaultLink({ latency: { kind: 'constant', ms: 20 }, duplicateProbability: 0 });
      const sentAt = sim.now;
      a.ctx.send('b', { seq: 1 }); // existing link
      a.ctx.send('c', { seq: 2 }); // override wins
      b.ctx.send('c', { seq: 3 }); // new link
      sim.run();
      expect(b.arrivals.slice(1).map((arrival) => arrival.timeMs - sentAt)).toEqual([20]);
      expect(c.arrivals.map((arrival) => [arrival.message.seq, arrival.timeMs - sentAt])).toEqual([
        [2, 7],
        [3, 20],
      ]);
    });

    it('a rejected setDefaultLink leaves the previous default in force', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 4 } } } });
      expect(() => sim.network.setDefaultLink({ reorderProbability: 0.5 })).toThrow(InvalidArgumentError);
      expect(sim.network.linkModel('a', 'b')).toMatchObject({ reorderProbability: 0, latency: { kind: 'constant', ms: 4 } });
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 }));
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([4]);
    });

    it('a rejected setLink leaves no override behind', () => {
      const { sim } = pair({ seed: 1 });
      expect(() => sim.network.setLink('a', 'b', { reorderProbability: 0.5 })).toThrow(InvalidArgumentError);
      expect(sim.network.linkModel('a', 'b').reorderProbability).toBe(0);
      // A valid new default must not trip over the rejected override.
      expect(() => sim.network.setDefaultLink({ latency: { kind: 'constant', ms: 3 } })).not.toThrow();
      expect(sim.network.linkModel('a', 'b').latency).toEqual({ kind: 'constant', ms: 3 });
    });
  });

  describe('block and unblock', () => {
    it('drops messages sent over a blocked link at send, with reason link-blocked, in that direction only', () => {
      const { sim, a, b } = pair({ seed: 1, trace: true });
      sim.network.block('a', 'b');
      expect(sim.network.isBlocked('a', 'b')).toBe(true);
      expect(sim.network.isBlocked('b', 'a')).toBe(false);
      sim.schedule(3, () => a.ctx.send('b', { seq: 0 }));
      sim.schedule(3, () => b.ctx.send('a', { seq: 1 }));
      sim.run();
      expect(b.arrivals).toHaveLength(0);
      expect(a.arrivals).toHaveLength(1);
      expect(records(sim, 'drop')).toEqual([expect.objectContaining({ timeMs: 3, from: 'a', to: 'b', reason: 'link-blocked' })]);
      expect(sim.network.linkStats('a', 'b').dropped['link-blocked']).toBe(1);
    });

    it('drops messages already in flight across a new cut on arrival', () => {
      const { sim, a, b } = pair({ seed: 1, trace: true, network: { link: { latency: { kind: 'constant', ms: 10 } } } });
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 }));
      sim.schedule(5, () => sim.network.block('a', 'b'));
      sim.run();
      expect(b.arrivals).toHaveLength(0);
      expect(records(sim, 'drop')).toEqual([expect.objectContaining({ timeMs: 10, to: 'b', reason: 'link-blocked' })]);
    });

    it('delivers again after unblock, keeping the link model', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 10 } } } });
      sim.network.block('a', 'b');
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 }));
      sim.schedule(20, () => sim.network.unblock('a', 'b'));
      sim.schedule(20, () => a.ctx.send('b', { seq: 1 }));
      sim.run();
      expect(sim.network.isBlocked('a', 'b')).toBe(false);
      expect(b.arrivals.map((arrival) => [arrival.message.seq, arrival.timeMs])).toEqual([[1, 30]]);
    });

    it('a message sent before a cut and arriving after it is healed is delivered', () => {
      const { sim, a, b } = pair({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 10 } } } });
      sim.schedule(0, () => a.ctx.send('b', { seq: 0 }));
      sim.schedule(2, () => sim.network.block('a', 'b'));
      sim.schedule(4, () => sim.network.unblock('a', 'b'));
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.timeMs)).toEqual([10]);
    });
  });

  describe('crashed receivers', () => {
    it('drops messages to a crashed node with reason node-down; they are never delivered, even after restart', () => {
      const { sim, a, b } = pair({ seed: 1, trace: true, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
      sim.schedule(1, () => sim.crash('b'));
      sim.schedule(2, () => a.ctx.send('b', { seq: 0 }));
      sim.schedule(3, () => a.ctx.send('b', { seq: 1 }));
      sim.schedule(20, () => sim.restart('b'));
      sim.schedule(30, () => a.ctx.send('b', { seq: 2 }));
      sim.run();
      expect(b.arrivals.map((arrival) => arrival.message.seq)).toEqual([2]);
      expect(sim.network.stats().dropped['node-down']).toBe(2);
      expect(records(sim, 'drop').map((record) => [record.timeMs, record.reason])).toEqual([
        [7, 'node-down'],
        [8, 'node-down'],
      ]);
    });
  });

  describe('stats', () => {
    it('linkStats counts one directed link; stats() sums every link; all reasons are present', () => {
      const { sim, a, b } = pair({ seed: 1 });
      addProbe(sim, 'c');
      sim.network.setLink('b', 'a', { duplicateProbability: 1 });
      sim.network.block('a', 'c');
      sim.schedule(0, () => {
        a.ctx.send('b', { seq: 0 });
        a.ctx.send('b', { seq: 1 });
        b.ctx.send('a', { seq: 2 });
        a.ctx.send('c', { seq: 3 });
      });
      sim.run();
      const zeros = Object.fromEntries(dropReasons.map((reason) => [reason, 0])) as Record<DropReason, number>;
      expect(Object.keys(zeros)).toEqual(expect.arrayContaining(['loss', 'link-blocked', 'node-down', 'queue-overflow', 'mailbox-overflow', 'no-call-handler', 'stale-reply']));
      expect(sim.network.linkStats('a', 'b')).toEqual({ sent: 2, delivered: 2, duplicated: 0, dropped: zeros });
      expect(sim.network.linkStats('b', 'a')).toEqual({ sent: 1, delivered: 2, duplicated: 1, dropped: zeros });
      expect(sim.network.linkStats('a', 'c')).toEqual({ sent: 1, delivered: 0, duplicated: 0, dropped: { ...zeros, 'link-blocked': 1 } });
      expect(sim.network.stats()).toEqual({ sent: 4, delivered: 4, duplicated: 1, dropped: { ...zeros, 'link-blocked': 1 } });
      expect(b.arrivals).toHaveLength(2);
      expect(a.arrivals).toHaveLength(2);
    });

    it('stats of a fresh network are all zero', () => {
      const { sim } = pair({ seed: 1 });
      const stats = sim.network.stats();
      expect(stats.sent + stats.delivered + stats.duplicated).toBe(0);
      expect(Object.values(stats.dropped).every((count) => count === 0)).toBe(true);
    });
  });

  describe('per-link random streams', () => {
    /** Delays on c→d, with `abTraffic` messages (lossy, duplicated, jittered) on a→b interleaved. */
    function cdDelays(abTraffic: number): number[] {
      const sim = new Simulation({ seed: 77, network: { link: { latency: { kind: 'exponential', meanMs: 10 } } } });
      const a = addProbe<Seq>(sim, 'a');
      addProbe<Seq>(sim, 'b');
      const c = addProbe<Seq>(sim, 'c');
      const d = addProbe<Seq>(sim, 'd');
      sim.network.setLink('a', 'b', { lossProbability: 0.3, duplicateProbability: 0.3, reorderProbability: 0.2, reorderDelay: { kind: 'uniform', minMs: 0, maxMs: 9 } });
      sendSequence(sim, a, 'b', abTraffic, 0.7);
      sendSequence(sim, c, 'd', 40, 1);
      sim.run();
      return d.arrivals.map((arrival) => arrival.timeMs - arrival.message.seq).sort((x, y) => x - y);
    }

    it('changing traffic on a→b does not change the delays drawn on c→d', () => {
      const quiet = cdDelays(0);
      expect(new Set(quiet).size).toBeGreaterThan(30); // really random
      expect(cdDelays(5)).toEqual(quiet);
      expect(cdDelays(300)).toEqual(quiet);
    });

    it('links whose endpoint ids contain "->" still get streams of their own', () => {
      // 'p' → '->q' and 'p->' → 'q' are different links; naming both 'link:p->->q' would share one stream.
      const delays = (otherTraffic: number): number[] => {
        const sim = new Simulation({ seed: 5, network: { link: { latency: { kind: 'exponential', meanMs: 10 } } } });
        const p = addProbe<Seq>(sim, 'p');
        const q = addProbe<Seq>(sim, '->q');
        const pArrow = addProbe<Seq>(sim, 'p->');
        addProbe<Seq>(sim, 'q');
        sendSequence(sim, pArrow, 'q', otherTraffic, 1);
        sendSequence(sim, p, '->q', 20, 1);
        sim.run();
        return q.arrivals.map((arrival) => arrival.timeMs - arrival.message.seq).sort((x, y) => x - y);
      };
      expect(delays(20)).toEqual(delays(0));
    });
  });
});
