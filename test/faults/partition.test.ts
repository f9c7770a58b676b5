// Partitions: every shape is a set of directed cuts. Checked three ways: the ground truth
// (`truth.isCut`), what was delivered while the cut held, and what was dropped at the cut.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, majorityMinority, type Fault, type Simulation } from '../../src/index.js';
import { chatter, cluster, deliveryDelays, FIVE, records, sendSequence, thrownBy, type Seq } from './fixtures.js';

type CutRule = (from: string, to: string) => boolean;

const START = 100;
const END = 500;

/**
 * Five chattering nodes (everyone broadcasts every 10 ms at 5, 15, …; latency 1 ms) under one
 * fault from START to END; returns the simulation after running to 1 s.
 */
function underFault(fault: Omit<Fault, 'atMs' | 'durationMs'>): Simulation {
  const { sim, probes } = cluster<Seq>(FIVE);
  chatter(sim, probes, 10, 5, 1_000);
  sim.inject([{ ...fault, atMs: START, durationMs: END - START }]);
  sim.run({ until: 1_000 });
  return sim;
}

/** The cut holds exactly from START to END on the links `cut` names, and on no other. */
function expectShape(sim: Simulation, cut: CutRule): void {
  const pairs = FIVE.flatMap((from) => FIVE.filter((to) => to !== from).map((to) => [from, to] as const));
  for (const [from, to] of pairs) {
    const expected = cut(from, to);
    // Ground truth, asked after the run about past times.
    expect(sim.truth.isCut(from, to, START - 1), `${from}→${to} before`).toBe(false);
    expect(sim.truth.isCut(from, to, START), `${from}→${to} at start`).toBe(expected);
    expect(sim.truth.isCut(from, to, END - 0.001), `${from}→${to} just before the end`).toBe(expected);
    expect(sim.truth.isCut(from, to, END), `${from}→${to} at the end`).toBe(false);
    expect(sim.truth.cutIntervals(from, to, 1_000)).toEqual(expected ? [[START, END]] : []);
    // What crossed, and what did not.
    const during = records(sim, 'deliver', (record) => record.from === from && record.to === to && record.timeMs > START && record.timeMs < END);
    const blocked = records(sim, 'drop', (record) => record.from === from && record.to === to && record.reason === 'link-blocked');
    if (expected) {
      expect(during, `${from}→${to} delivered across the cut`).toEqual([]);
      expect(blocked.length, `${from}→${to} drops`).toBe(40); // one broadcast every 10 ms for 400 ms
      expect(blocked.every((record) => record.timeMs >= START && record.timeMs < END)).toBe(true);
    } else {
      expect(during.length, `${from}→${to} delivered inside a group`).toBe(40);
      expect(blocked).toEqual([]);
    }
    // Before and after, everything flows.
    expect(records(sim, 'deliver', (record) => record.from === from && record.to === to && record.timeMs > END).length).toBe(50);
  }
}

const groupOf = (groups: string[][]) => (id: string): number => groups.findIndex((group) => group.includes(id));

describe('partition', () => {
  it('symmetric groups: nothing crosses the cut in either direction; inside a group everything flows', () => {
    const groups = [['a', 'b'], ['c', 'd', 'e']];
    const sim = underFault({ kind: 'partition', params: { groups } });
    const of = groupOf(groups);
    expectShape(sim, (from, to) => of(from) !== of(to));
  });

  it('custom groups: three groups, each cut off from the other two', () => {
    const groups = [['a'], ['b', 'd'], ['c', 'e']];
    const sim = underFault({ kind: 'partition', params: { groups } });
    const of = groupOf(groups);
    expectShape(sim, (from, to) => of(from) !== of(to));
  });

  it('majority/minority via majorityMinority(): the last ⌊(n−1)/2⌋ nodes against the rest', () => {
    expect(majorityMinority([...FIVE])).toEqual([['a', 'b', 'c'], ['d', 'e']]);
    expect(majorityMinority([...FIVE], 1)).toEqual([['a', 'b', 'c', 'd'], ['e']]);
    expect(majorityMinority(['a', 'b', 'c', 'd'])).toEqual([['a', 'b', 'c'], ['d']]);
    const groups = majorityMinority([...FIVE]);
    const sim = underFault({ kind: 'partition', params: { groups } });
    const of = groupOf(groups);
    expectShape(sim, (from, to) => of(from) !== of(to));
  });

  it('majorityMinority rejects a minority that is not one: 0, half or more, or not an integer', () => {
    for (const size of [0, 3, 2.5, -1]) {
      const error = thrownBy(() => majorityMinority([...FIVE], size));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe('minoritySize');
    }
    expect(() => majorityMinority(['a', 'b'])).toThrow(InvalidArgumentError);
  });

  it('one-way: a can reach b, b cannot reach a', () => {
    const sim = underFault({ kind: 'partition-one-way', params: { from: ['b'], to: ['a'] } });
    expectShape(sim, (from, to) => from === 'b' && to === 'a');
  });

  it('one-way with several nodes per side cuts every from→to link and no to→from link', () => {
    const sim = underFault({ kind: 'partition-one-way', params: { from: ['a', 'b'], to: ['c', 'd'] } });
    expectShape(sim, (from, to) => ['a', 'b'].includes(from) && ['c', 'd'].includes(to));
  });

  it('isolate: the target can neither reach nor be reached by anyone', () => {
    const sim = underFault({ kind: 'isolate', target: 'c' });
    expectShape(sim, (from, to) => from === 'c' || to === 'c');
  });

  it('bridge: the two sides cannot talk, and both still reach the bridge node', () => {
    const sim = underFault({ kind: 'bridge', params: { sides: [['a', 'b'], ['d', 'e']], bridge: 'c' } });
    const side = (id: string): number => (['a', 'b'].includes(id) ? 0 : ['d', 'e'].includes(id) ? 1 : -1);
    expectShape(sim, (from, to) => side(from) >= 0 && side(to) >= 0 && side(from) !== side(to));
  });

  it('drops messages already in flight across a new cut on arrival (link-blocked); those inside a group arrive', () => {
    const { sim, probes } = cluster<Seq>(['a', 'b', 'c'], { network: { link: { latency: { kind: 'constant', ms: 50 } } } });
    sim.schedule(80, () => {
      probes.a!.ctx.send('c', { seq: 1 }); // arrives at 130, after the cut at 100
      probes.a!.ctx.send('b', { seq: 2 }); // same group
    });
    sim.inject([{ kind: 'partition', atMs: 100, durationMs: 1_000, params: { groups: [['a', 'b'], ['c']] } }]);
    sim.run({ until: 2_000 });
    expect(probes.c!.arrivals).toEqual([]);
    expect(probes.b!.arrivals.map((arrival) => [arrival.timeMs, arrival.message])).toEqual([[130, { seq: 2 }]]);
    const drops = records(sim, 'drop');
    expect(drops.map((record) => [record.timeMs, record.from, record.to, record.reason])).toEqual([[130, 'a', 'c', 'link-blocked']]);
    expect(sim.network.linkStats('a', 'c').dropped['link-blocked']).toBe(1);
  });

  it('healing restores the links as they were: a setLink override and a link-fault layer laid before the partition are still in force after it', () => {
    const { sim, probes } = cluster<Seq>(['a', 'b', 'c'], { network: { link: { latency: { kind: 'constant', ms: 2 } } } });
    sim.network.setLink('a', 'b', { latency: { kind: 'constant', ms: 7 } });
    sim.inject([
      { kind: 'link', atMs: 0, durationMs: 5_000, params: { links: [['a', 'b']], model: { latencyFactor: 3 } } },
      { kind: 'partition', atMs: 100, durationMs: 400, params: { groups: [['a'], ['b', 'c']] } },
    ]);
    const before = sim.network.linkModel('a', 'b');
    expect(before).toMatchObject({ latency: { kind: 'constant', ms: 7 }, latencyFactor: 3 });
    for (const t of [50, 300, 600, 5_500]) sim.schedule(t, () => probes.a!.ctx.send('b', { seq: t }));
    let after: unknown;
    sim.schedule(600, () => (after = sim.network.linkModel('a', 'b')));
    sim.run({ until: 6_000 });

    expect(after).toEqual(before);
    expect(deliveryDelays(sim, 'a', 'b').map(({ sentMs, delayMs }) => [sentMs, delayMs])).toEqual([
      [50, 21], // override 7 ms × factor 3
      [600, 21], // after the partition healed: both still in force
      [5_500, 7], // after the link fault ended: the override alone
    ]);
    expect(records(sim, 'drop').map((record) => [record.timeMs, record.reason])).toEqual([[300, 'link-blocked']]);
  });

  it('heal() likewise restores the links as they were before the partition', () => {
    const { sim } = cluster<Seq>(['a', 'b', 'c']);
    sim.network.setLink('a', 'b', { latency: { kind: 'constant', ms: 7 }, lossProbability: 0.2 });
    sim.degrade([['a', 'b']], { latencyFactor: 3 });
    const before = sim.network.linkModel('a', 'b');
    sim.partition(['a'], ['b', 'c']);
    sim.run({ until: 100 });
    expect(sim.network.isBlocked('a', 'b')).toBe(true);
    sim.heal();
    expect(sim.network.isBlocked('a', 'b')).toBe(false);
    expect(sim.network.linkModel('a', 'b')).toMatchObject({ latency: { kind: 'constant', ms: 7 }, lossProbability: 0.2 });
    expect(sim.network.linkModel('a', 'b')).not.toEqual(before); // the degrade was a network fault too: heal ended it
    expect(sim.network.linkModel('a', 'b').latencyFactor ?? 1).toBe(1);
  });

  it('healing leaves a manual network.block in place: a link blocked by hand stays blocked', () => {
    const { sim } = cluster<Seq>(['a', 'b', 'c']);
    sim.network.block('c', 'a');
    sim.inject([{ kind: 'partition', atMs: 100, durationMs: 400, params: { groups: [['a'], ['b', 'c']] } }]);
    sim.run({ until: 1_000 });
    expect(sim.network.isBlocked('c', 'a')).toBe(true);
    expect(sim.network.isBlocked('b', 'a')).toBe(false);
    expect(sim.network.isBlocked('a', 'c')).toBe(false);
    expect(sim.truth.isCut('c', 'a', 800)).toBe(true);
    expect(sim.truth.isCut('b', 'a', 800)).toBe(false);
  });

  it('overlapping partitions nest: a link cut by two stays cut until both have ended', () => {
    const { sim, probes } = cluster<Seq>(FIVE);
    sim.inject([
      { kind: 'partition', atMs: 100, durationMs: 400, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } }, // 100–500
      { kind: 'partition', atMs: 300, durationMs: 500, params: { groups: [['a'], ['b', 'c', 'd', 'e']] } }, // 300–800
    ]);
    sendSequence(sim, probes.a!, 'c', 100, 10, 5);
    sim.run({ until: 1_000 });
    // a–c is cut by both: from 100 until the second ends at 800.
    expect(sim.truth.cutIntervals('a', 'c', 1_000)).toEqual([[100, 800]]);
    expect(sim.truth.cutIntervals('c', 'a', 1_000)).toEqual([[100, 800]]);
    // b–c only by the first; a–b only by the second.
    expect(sim.truth.cutIntervals('b', 'c', 1_000)).toEqual([[100, 500]]);
    expect(sim.truth.cutIntervals('a', 'b', 1_000)).toEqual([[300, 800]]);
    expect(probes.c!.arrivals.map((arrival) => arrival.timeMs).filter((t) => t > 100 && t < 800)).toEqual([]);
    expect(probes.c!.arrivals.some((arrival) => arrival.timeMs > 800)).toBe(true);
  });

  it('a partition without durationMs lasts until heal()', () => {
    const { sim } = cluster<Seq>(FIVE);
    sim.inject([{ kind: 'partition', atMs: 100, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } }]);
    sim.run({ until: 5_000 });
    expect(sim.truth.isCut('a', 'c')).toBe(true);
    sim.heal();
    expect(sim.truth.isCut('a', 'c')).toBe(false);
    expect(sim.truth.cutIntervals('a', 'c', 5_000)).toEqual([[100, 5_000]]);
  });
});
