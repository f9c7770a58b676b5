import alea from 'seedrandom/lib/alea.js';
import { describe, expect, it } from 'vitest';
import { fc, prop } from '../kernel/prop.js';
import { DistributionSampler } from '../../src/kernel/distribution.js';
import { ALEA_STATE_SIZE, nextUniform, Rng, seedAleaState } from '../../src/kernel/rng.js';
import { LinkTable } from '../../src/world/link-table.js';
import { float64Arrays } from '../../src/kernel/array-pool.js';

const seeds = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

describe('Alea states in a table', () => {
  prop([seeds, fc.string()], { numRuns: 200 })('step exactly as seedrandom does for the same (seed, name)', (seed, name) => {
    const reference = alea(JSON.stringify([seed, name]));
    const states = new Float64Array(3 * ALEA_STATE_SIZE);
    seedAleaState(states, ALEA_STATE_SIZE, seed, name);
    for (let draw = 0; draw < 50; draw++) expect(nextUniform(states, ALEA_STATE_SIZE)).toBe(reference());
    expect(states[0]).toBe(0); // neighbouring states untouched
    expect(states[2 * ALEA_STATE_SIZE]).toBe(0);
  });
});

describe('LinkTable', () => {
  it("gives each link the stream sim.rng would give the link's name, also after the table grows", () => {
    const table = new LinkTable();
    const links = Array.from({ length: 200 }, (_, to) => table.add(0, to, 7, `link:${to}`));
    for (const link of links) {
      const reference = new Rng(7, `link:${link}`);
      for (let draw = 0; draw < 5; draw++) expect(table.nextUniform(link)).toBe(reference.random());
    }
  });

  it('gives the records it outgrew to the pool, zeroed', () => {
    const table = new LinkTable();
    table.reserve(8);
    const outgrown = table.states;
    for (let to = 0; to < 9; to++) table.add(0, to, 1, `link:${to}`); // the ninth link grows the table
    expect(table.states).not.toBe(outgrown);
    expect(float64Arrays.take(outgrown.length)).toBe(outgrown);
    expect(outgrown.every((value) => value === 0)).toBe(true);
  });

  it('keeps its streams and counts when two tables grow in turns (the slower takes records the faster outgrew)', () => {
    const tables = [new LinkTable(), new LinkTable()];
    const added = [0, 0];
    for (let step = 0; step < 600; step++) {
      for (const [side, table] of tables.entries()) {
        if (side === 1 && step % 2 === 1) continue; // half as fast: it grows to lengths the other gave back
        const to = added[side]!++;
        const link = table.add(side, to, side, `link:${to}`);
        table.countSent(link);
        table.nextUniform(link);
      }
    }
    for (const [side, table] of tables.entries()) {
      for (let to = 0; to < added[side]!; to += 7) {
        const link = table.find(side, to);
        const reference = new Rng(side, `link:${to}`);
        reference.random();
        expect([table.sent(link), table.nextUniform(link)]).toEqual([1, reference.random()]);
      }
    }
  });

  it('keeps streams independent: drawing on one link never shifts another', () => {
    const quiet = new LinkTable();
    const busy = new LinkTable();
    for (const table of [quiet, busy]) {
      table.add(0, 1, 'seed', 'a');
      table.add(1, 0, 'seed', 'b');
    }
    for (let draw = 0; draw < 100; draw++) busy.nextUniform(0);
    expect([busy.nextUniform(1), busy.nextUniform(1)]).toEqual([quiet.nextUniform(1), quiet.nextUniform(1)]);
  });

  it('samples latency from a link stream exactly as from the equal named Rng', () => {
    const table = new LinkTable();
    const link = table.add(3, 4, 1, 'link:["a","b"]');
    const reference = new Rng(1, 'link:["a","b"]');
    const sampler = DistributionSampler.from({ kind: 'logNormal', medianMs: 40, sigma: 0.3 }, 'latency');
    for (let draw = 0; draw < 20; draw++) expect(sampler.sampleFrom(table.states, table.streamOffset(link))).toBe(sampler.sample(reference));
  });

  it('finds links by (from, to) for small and large node indices, and -1 for links never added', () => {
    const table = new LinkTable();
    const pairs: Array<[number, number]> = [[0, 1], [1, 0], [5, 1023], [1023, 5], [1024, 0], [0, 1024], [2_000_000, 3], [40, 2_000_000]];
    const indices = pairs.map(([from, to]) => table.add(from, to, 1, `${from}->${to}`));
    pairs.forEach(([from, to], position) => expect(table.find(from, to)).toBe(indices[position]));
    for (const [from, to] of [[0, 0], [1, 1], [5, 1022], [1024, 1], [2_000_000, 4], [7, 7]]) expect(table.find(from!, to!)).toBe(-1);
  });

  it('counts sent and delivered messages and the cut flag per link', () => {
    const table = new LinkTable();
    const first = table.add(0, 1, 1, 'x');
    const second = table.add(1, 0, 1, 'y');
    table.countSent(first);
    table.countSent(first);
    table.countDelivered(first);
    table.setBlocked(second, true);
    expect([table.sent(first), table.delivered(first), table.isBlocked(first)]).toEqual([2, 1, false]);
    expect([table.sent(second), table.delivered(second), table.isBlocked(second)]).toEqual([0, 0, true]);
  });
});
