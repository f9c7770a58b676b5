// Byzantine faults: the target's outgoing messages pass through an adversary for the fault's
// duration. Node z is the liar; a, b and c are honest recorders.
import { describe, expect, it } from 'vitest';
import { FaultConflictError, FaultlineError, InvalidArgumentError, type Adversary, type Fault, type Simulation } from '../../src/index.js';
import { binomialStandardError, cluster, records, thrownBy, Z, type Probe } from './fixtures.js';

type Vote = { seq: number; vote: string };
const GARBAGE: unknown[] = [null, -1, 0, 2_147_483_647, 'corrupted', true, {}];

/** Nodes a, b, c, z (in that order); z is under `params` from 0 to `count` × 10 ms and sends `count` messages to each of `to`, 10 ms apart. */
function liar(params: Record<string, unknown>, options: { to?: string[]; count?: number; seed?: number; after?: boolean } = {}): { sim: Simulation; probes: Record<string, Probe<Vote>> } {
  const { sim, probes } = cluster<Vote>(['a', 'b', 'c', 'z'], { seed: options.seed ?? 1 });
  const count = options.count ?? 20;
  sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: count * 10, target: 'z', params }]);
  for (let seq = 0; seq < count; seq++) {
    sim.schedule(5 + seq * 10, () => {
      for (const to of options.to ?? ['a']) probes.z!.ctx.send(to, { seq: 1_000 + seq, vote: 'yes' });
    });
  }
  if (options.after === true) sim.schedule(1_500, () => probes.z!.ctx.send('a', { seq: 9_999, vote: 'yes' }));
  sim.run();
  return { sim, probes };
}

const messagesAt = (probe: Probe<Vote>): Vote[] => probe.arrivals.map((arrival) => arrival.message);

describe('byzantine', () => {
  it('corrupt: each message has one field (or itself) replaced by garbage; after the fault, messages are intact', () => {
    const { probes } = liar({ behaviour: 'corrupt', probability: 1 }, { after: true });
    const got = messagesAt(probes.a!);
    expect(got).toHaveLength(21);
    for (const [index, message] of got.slice(0, 20).entries()) {
      const original: Record<string, unknown> = { seq: 1_000 + index, vote: 'yes' };
      const changed = Object.keys(original).filter((key) => (message as Record<string, unknown>)[key] !== original[key]);
      expect(changed).toHaveLength(1);
      expect(GARBAGE).toContainEqual((message as Record<string, unknown>)[changed[0]!]);
    }
    expect(got[20]).toEqual({ seq: 9_999, vote: 'yes' });
  });

  it('corrupt with a probability corrupts about that fraction', () => {
    const n = 1_000;
    const { probes } = liar({ behaviour: 'corrupt', probability: 0.25 }, { count: n, seed: 3 });
    const corrupted = messagesAt(probes.a!).filter((message) => message.vote !== 'yes' || message.seq < 1_000).length;
    expect(Math.abs(corrupted / n - 0.25)).toBeLessThan(Z * binomialStandardError(0.25, n));
  });

  it('corrupt replaces a message that is not an object by garbage', () => {
    const { sim, probes } = cluster<unknown>(['a', 'z']);
    sim.inject([{ kind: 'byzantine', atMs: 0, target: 'z', params: { behaviour: 'corrupt' } }]);
    sim.schedule(1, () => probes.z!.ctx.send('a', 'hello'));
    sim.run();
    expect(GARBAGE).toContainEqual(probes.a!.arrivals[0]!.message);
  });

  it('drop with `to`: selective silence towards the named peers only', () => {
    const { probes } = liar({ behaviour: 'drop', to: ['a'] }, { to: ['a', 'b', 'c'] });
    expect(probes.a!.arrivals).toEqual([]);
    expect(messagesAt(probes.b!)).toHaveLength(20);
    expect(messagesAt(probes.c!)).toHaveLength(20);
  });

  it('drop with a probability silences about that fraction (the wire never sees them)', () => {
    const n = 1_000;
    const { sim, probes } = liar({ behaviour: 'drop', probability: 0.4 }, { count: n, seed: 4 });
    const droppedFraction = 1 - probes.a!.arrivals.length / n;
    expect(Math.abs(droppedFraction - 0.4)).toBeLessThan(Z * binomialStandardError(0.4, n));
    expect(sim.network.linkStats('z', 'a').sent).toBe(probes.a!.arrivals.length);
  });

  it('duplicate: each message is sent `copies` times', () => {
    const { sim, probes } = liar({ behaviour: 'duplicate', copies: 3 }, { count: 5 });
    expect(messagesAt(probes.a!).map((message) => message.seq)).toEqual([1_000, 1_000, 1_000, 1_001, 1_001, 1_001, 1_002, 1_002, 1_002, 1_003, 1_003, 1_003, 1_004, 1_004, 1_004]);
    expect(records(sim, 'send', (record) => record.node === 'z')).toHaveLength(15);
  });

  it('duplicate defaults to two copies', () => {
    const { probes } = liar({ behaviour: 'duplicate' }, { count: 4 });
    expect(probes.a!.arrivals).toHaveLength(8);
  });

  it('replay: besides each message, an older one to the same peer is sent again', () => {
    const { probes } = liar({ behaviour: 'replay', probability: 1 }, { to: ['a', 'b'] });
    for (const probe of [probes.a!, probes.b!]) {
      const got = messagesAt(probe).map((message) => message.seq);
      expect(got).toHaveLength(39); // the first has nothing to replay
      expect(got[0]).toBe(1_000);
      for (let index = 1; index < 20; index++) {
        const [original, replayed] = got.slice(2 * index - 1, 2 * index + 1);
        expect(original).toBe(1_000 + index);
        expect(replayed).toBeGreaterThanOrEqual(1_000);
        expect(replayed).toBeLessThan(original!); // something it sent this peer before
      }
    }
  });

  it('forge: the receiver sees the forged sender', () => {
    const { sim, probes } = liar({ behaviour: 'forge', as: 'c' }, { count: 3 });
    expect(probes.a!.arrivals.map((arrival) => arrival.from)).toEqual(['c', 'c', 'c']);
    expect(records(sim, 'send').map((record) => [record.node, record.from, record.to])).toEqual([
      ['z', 'c', 'a'],
      ['z', 'c', 'a'],
      ['z', 'c', 'a'],
    ]);
  });

  it('equivocate: different peers get different values of the field, each peer consistently the same one', () => {
    const { probes } = liar({ behaviour: 'equivocate', field: 'vote', values: ['yes', 'no'] }, { to: ['a', 'b', 'c'], count: 5 });
    const votes = Object.fromEntries(['a', 'b', 'c'].map((id) => [id, [...new Set(messagesAt(probes[id]!).map((message) => message.vote))]]));
    expect(votes).toEqual({ a: ['yes'], b: ['no'], c: ['yes'] }); // by node order: a=0, b=1, c=2
    expect(messagesAt(probes.b!).map((message) => message.seq)).toEqual([1_000, 1_001, 1_002, 1_003, 1_004]); // only the field changes
  });

  it('equivocate gives every peer one of the values, also a node added after the fault began', () => {
    const { sim, probes } = cluster<Vote>(['a', 'z']);
    sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 1_000, target: 'z', params: { behaviour: 'equivocate', field: 'vote', values: ['yes', 'no'] } }]);
    sim.run({ until: 10 });
    const late: Vote[] = [];
    sim.addNode<Vote>('late', () => ({ onMessage: (_from, message) => void late.push(message) }));
    sim.schedule(10, () => {
      probes.z!.ctx.send('a', { seq: 1, vote: 'maybe' });
      probes.z!.ctx.send('late', { seq: 2, vote: 'maybe' });
    });
    sim.run();
    expect(['yes', 'no']).toContain(messagesAt(probes.a!)[0]!.vote);
    expect(late).toHaveLength(1);
    expect(['yes', 'no']).toContain(late[0]!.vote);
  });

  it('a custom adversary registered with sim.registerAdversary rewrites, redirects and forges as it likes', () => {
    const { sim, probes } = cluster<Vote>(['a', 'b', 'c', 'z']);
    const calls: Array<[unknown, string]> = [];
    const flipper: Adversary = (message, to, rng) => {
      calls.push([message, to]);
      expect(typeof rng.random()).toBe('number');
      return [
        { to, message: { ...(message as Vote), vote: 'no' } },
        { to: 'b', message: 'gossip', from: 'c' },
      ];
    };
    sim.registerAdversary('flipper', flipper);
    sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 100, target: 'z', params: { behaviour: 'custom', adversary: 'flipper' } }]);
    sim.schedule(10, () => probes.z!.ctx.send('a', { seq: 1, vote: 'yes' }));
    sim.schedule(200, () => probes.z!.ctx.send('a', { seq: 2, vote: 'yes' }));
    sim.run();
    expect(calls).toEqual([[{ seq: 1, vote: 'yes' }, 'a']]);
    expect(messagesAt(probes.a!)).toEqual([
      { seq: 1, vote: 'no' },
      { seq: 2, vote: 'yes' },
    ]);
    expect(probes.b!.arrivals.map((arrival) => [arrival.from, arrival.message])).toEqual([['c', 'gossip']]);
  });

  it('a custom adversary that returns something malformed is a typed error naming the adversary', () => {
    const { sim, probes } = cluster<unknown>(['a', 'z']);
    sim.registerAdversary('broken', (() => 'not an array') as unknown as Adversary);
    sim.inject([{ kind: 'byzantine', atMs: 0, target: 'z', params: { behaviour: 'custom', adversary: 'broken' } }]);
    const error = thrownBy(() => probes.z!.ctx.send('a', 'x'));
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as Error).message).toContain("adversary of node 'z'");
  });

  it('registerAdversary checks its arguments; an unregistered name is rejected at inject, naming the field', () => {
    const { sim } = cluster(['a', 'z']);
    expect(() => sim.registerAdversary('', () => [])).toThrow(InvalidArgumentError);
    expect(() => sim.registerAdversary('x', 'nope' as unknown as Adversary)).toThrow(InvalidArgumentError);
    const error = thrownBy(() => sim.inject([{ kind: 'byzantine', atMs: 0, target: 'z', params: { behaviour: 'custom', adversary: 'ghost' } }]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('schedule[0].params.adversary');
  });

  it('truth.isByzantine is true exactly while the fault lasts, and only for the target', () => {
    const { sim } = liar({ behaviour: 'duplicate' }, { count: 1 });
    sim.run({ until: 2_000 });
    expect([0, 9.99, 10].map((t) => sim.truth.isByzantine('z', t))).toEqual([true, true, false]);
    expect(sim.truth.isByzantine('a', 500)).toBe(false);
  });

  it('two adversaries on one node at once are ambiguous: FAULT_CONFLICT', () => {
    const { sim } = cluster(['a', 'z']);
    const faults: Fault[] = [
      { kind: 'byzantine', atMs: 0, durationMs: 100, target: 'z', params: { behaviour: 'duplicate' } },
      { kind: 'byzantine', atMs: 50, durationMs: 100, target: 'z', params: { behaviour: 'corrupt' } },
    ];
    const error = thrownBy(() => sim.inject(faults));
    expect(error).toBeInstanceOf(FaultConflictError);
    expect((error as FaultConflictError).code).toBe('FAULT_CONFLICT');
  });
});
