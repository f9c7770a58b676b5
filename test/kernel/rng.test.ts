import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import alea from 'seedrandom/lib/alea.js';
import { ALEA_STATE_SIZE, nextUniform, Rng, seedAleaState, simulationSeeded } from '../../src/kernel/rng.js';
import { EventLoop } from '../../src/kernel/event-loop.js';
import { InvalidArgumentError } from '../../src/errors.js';

const DRAWS = 20_000;

function draws(rng: Rng, count: number, draw: (rng: Rng) => number): number[] {
  return Array.from({ length: count }, () => draw(rng));
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function stdDev(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

function expectInvalidArgument(action: () => unknown, field: string, label: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${label} should throw`).toBeInstanceOf(InvalidArgumentError);
  expect((thrown as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
  expect((thrown as InvalidArgumentError).field).toBe(field);
  expect((thrown as InvalidArgumentError).message).toContain(field);
}

describe('Rng', () => {
  describe('determinism and stream independence', () => {
    prop([fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })), fc.string()], { numRuns: 100 })(
      'gives the same sequence for the same (seed, name)',
      (seed, name) => {
        const first = new Rng(seed, name);
        const second = new Rng(seed, name);
        const a = draws(first, 20, (r) => r.random());
        const b = draws(second, 20, (r) => r.random());
        expect(a).toEqual(b);
      },
    );

    it('gives different sequences for different names under the same seed', () => {
      const a = draws(new Rng(42, 'network'), 10, (r) => r.random());
      const b = draws(new Rng(42, 'workload'), 10, (r) => r.random());
      expect(a).not.toEqual(b);
    });

    it('gives different sequences for different seeds under the same name', () => {
      const a = draws(new Rng(1, 'x'), 10, (r) => r.random());
      const b = draws(new Rng(2, 'x'), 10, (r) => r.random());
      expect(a).not.toEqual(b);
    });

    it("treats number seed 1 and string seed '1' as different seeds", () => {
      const a = draws(new Rng(1, 'x'), 10, (r) => r.random());
      const b = draws(new Rng('1', 'x'), 10, (r) => r.random());
      expect(a).not.toEqual(b);
    });

    it("keeps (seed 'a/b', name 'c') apart from (seed 'a', name 'b/c')", () => {
      const a = draws(new Rng('a/b', 'c'), 10, (r) => r.random());
      const b = draws(new Rng('a', 'b/c'), 10, (r) => r.random());
      expect(a).not.toEqual(b);
    });

    it("does not change a stream's numbers when other streams are created or drawn from in between", () => {
      const alone = new Rng('s', 'target');
      const expected = draws(alone, 50, (r) => r.random());

      const others = [new Rng('s', 'zeta'), new Rng('s', 'alpha')];
      const target = new Rng('s', 'target');
      const interleaved: number[] = [];
      for (let index = 0; index < 50; index++) {
        others[index % 2]!.random();
        others[(index + 1) % 2]!.normal(0, 1);
        new Rng('s', `fresh-${index}`).random();
        interleaved.push(target.random());
      }
      expect(interleaved).toEqual(expected);
    });

    it('is not affected by the order in which streams are created', () => {
      const a1 = new Rng(9, 'a');
      const b1 = new Rng(9, 'b');
      const b2 = new Rng(9, 'b');
      const a2 = new Rng(9, 'a');
      expect(draws(a1, 10, (r) => r.random())).toEqual(draws(a2, 10, (r) => r.random()));
      expect(draws(b1, 10, (r) => r.random())).toEqual(draws(b2, 10, (r) => r.random()));
    });

    it('draws uniform numbers in [0, 1)', () => {
      const values = draws(new Rng(3, 'u'), DRAWS, (r) => r.random());
      for (const value of values) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(1);
      }
    });

    it('keeps its name', () => {
      expect(new Rng(1, 'workload').name).toBe('workload');
    });
  });

  describe('argument validation', () => {
    const rng = new Rng(1, 'validation');
    const cases: Array<[string, () => unknown, string]> = [
      ['uniform(NaN, 1)', () => rng.uniform(Number.NaN, 1), 'uniform(min, max)'],
      ['uniform(0, Infinity)', () => rng.uniform(0, Infinity), 'uniform(min, max)'],
      ['uniform(2, 1)', () => rng.uniform(2, 1), 'uniform(min, max)'],
      ['int(1.5, 3)', () => rng.int(1.5, 3), 'int(min, max)'],
      ['int(0, 2.5)', () => rng.int(0, 2.5), 'int(min, max)'],
      ['int(3, 1)', () => rng.int(3, 1), 'int(min, max)'],
      ['int(0, 2^53)', () => rng.int(0, 2 ** 53), 'int(min, max)'],
      ['int(NaN, 1)', () => rng.int(Number.NaN, 1), 'int(min, max)'],
      ['bernoulli(-0.1)', () => rng.bernoulli(-0.1), 'bernoulli(p)'],
      ['bernoulli(1.1)', () => rng.bernoulli(1.1), 'bernoulli(p)'],
      ['bernoulli(NaN)', () => rng.bernoulli(Number.NaN), 'bernoulli(p)'],
      ['exponential(0)', () => rng.exponential(0), 'exponential(mean)'],
      ['exponential(-1)', () => rng.exponential(-1), 'exponential(mean)'],
      ['exponential(Infinity)', () => rng.exponential(Infinity), 'exponential(mean)'],
      ['exponential(NaN)', () => rng.exponential(Number.NaN), 'exponential(mean)'],
      ['normal(NaN, 1)', () => rng.normal(Number.NaN, 1), 'normal(mean, stdDev)'],
      ['normal(0, -1)', () => rng.normal(0, -1), 'normal(mean, stdDev)'],
      ['normal(0, Infinity)', () => rng.normal(0, Infinity), 'normal(mean, stdDev)'],
      ['logNormal(Infinity, 1)', () => rng.logNormal(Infinity, 1), 'logNormal(mu, sigma)'],
      ['logNormal(0, -0.5)', () => rng.logNormal(0, -0.5), 'logNormal(mu, sigma)'],
      ['logNormal(0, NaN)', () => rng.logNormal(0, Number.NaN), 'logNormal(mu, sigma)'],
      ['pareto(0, 1)', () => rng.pareto(0, 1), 'pareto(scale, shape)'],
      ['pareto(1, 0)', () => rng.pareto(1, 0), 'pareto(scale, shape)'],
      ['pareto(1, -2)', () => rng.pareto(1, -2), 'pareto(scale, shape)'],
      ['pareto(Infinity, 1)', () => rng.pareto(Infinity, 1), 'pareto(scale, shape)'],
      ['pareto(1, NaN)', () => rng.pareto(1, Number.NaN), 'pareto(scale, shape)'],
      ['pick([])', () => rng.pick([]), 'pick(items)'],
      ['pick(a string)', () => rng.pick('abc' as never), 'pick(items)'],
      ['pick(null)', () => rng.pick(null as never), 'pick(items)'],
    ];
    for (const [label, action, field] of cases) {
      it(`rejects ${label} with an InvalidArgumentError naming '${field}'`, () => {
        expectInvalidArgument(action, field, label);
      });
    }

    it('rejects shuffle of something that is not an array with an InvalidArgumentError', () => {
      expectInvalidArgument(() => rng.shuffle(null as never), 'shuffle(items)', 'shuffle(null)');
      expectInvalidArgument(() => rng.shuffle('abc' as never), 'shuffle(items)', "shuffle('abc')");
    });

    it('does not consume a draw when it rejects an argument', () => {
      const checked = new Rng(5, 'x');
      const reference = new Rng(5, 'x');
      expect(() => checked.exponential(-1)).toThrow(InvalidArgumentError);
      expect(checked.random()).toBe(reference.random());
    });
  });

  describe('int, pick and shuffle', () => {
    it('int(min, max) includes both bounds and nothing outside them', () => {
      const rng = new Rng(11, 'dice');
      const counts = new Map<number, number>();
      for (let index = 0; index < 6000; index++) {
        const value = rng.int(1, 6);
        expect(Number.isInteger(value)).toBe(true);
        counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6]);
      for (const count of counts.values()) expect(count).toBeGreaterThan(800); // 1000 expected each
    });

    it('int(n, n) always returns n, including negative n', () => {
      const rng = new Rng(1, 'x');
      for (let index = 0; index < 10; index++) {
        expect(rng.int(5, 5)).toBe(5);
        expect(rng.int(-3, -3)).toBe(-3);
      }
    });

    prop([fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.integer()], { numRuns: 200 })(
      'int(min, max) stays within [min, max] for any integer bounds',
      (min, span, seed) => {
        const rng = new Rng(seed, 'int');
        for (let index = 0; index < 20; index++) {
          const value = rng.int(min, min + span);
          expect(Number.isInteger(value)).toBe(true);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(min + span);
        }
      },
    );

    prop([fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer()], { numRuns: 200 })(
      'uniform(min, max) stays within [min, max]',
      (min, span, seed) => {
        const rng = new Rng(seed, 'uniform');
        const max = min + span;
        for (let index = 0; index < 20; index++) {
          const value = rng.uniform(min, max);
          expect(value).toBeGreaterThanOrEqual(min);
          expect(value).toBeLessThanOrEqual(max);
        }
      },
    );

    it('pick returns every element of the array sometimes and nothing else', () => {
      const rng = new Rng(2, 'pick');
      const items = ['x', 'y', 'z'] as const;
      const seen = new Set<string>();
      for (let index = 0; index < 300; index++) {
        const item = rng.pick(items);
        expect(items).toContain(item);
        seen.add(item);
      }
      expect(seen.size).toBe(3);
    });

    it('shuffle permutes in place, returns the same array, and is seed-determined', () => {
      const original = Array.from({ length: 20 }, (_, i) => i);
      const items = [...original];
      const returned = new Rng(4, 'shuffle').shuffle(items);
      expect(returned).toBe(items);
      expect([...items].sort((x, y) => x - y)).toEqual(original);
      expect(items).not.toEqual(original);
      expect(new Rng(4, 'shuffle').shuffle([...original])).toEqual(items);
    });

    it('shuffle leaves empty and one-element arrays alone', () => {
      const rng = new Rng(1, 's');
      expect(rng.shuffle([])).toEqual([]);
      expect(rng.shuffle([7])).toEqual([7]);
    });
  });

  describe('statistical sanity over 20,000 draws from a fixed seed', () => {
    // A fixed seed makes these deterministic; the tolerances are several standard errors wide.
    it('uniform(2, 8) has mean 5', () => {
      const values = draws(new Rng(101, 'uniform'), DRAWS, (r) => r.uniform(2, 8));
      expect(mean(values)).toBeCloseTo(5, 1);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...values)).toBeLessThan(8);
    });

    it('exponential(10) has mean 10 and standard deviation 10', () => {
      const values = draws(new Rng(102, 'exp'), DRAWS, (r) => r.exponential(10));
      expect(Math.abs(mean(values) - 10)).toBeLessThan(0.3);
      expect(Math.abs(stdDev(values) - 10)).toBeLessThan(0.5);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    });

    it('normal(5, 2) has mean 5 and standard deviation 2', () => {
      const values = draws(new Rng(103, 'normal'), DRAWS, (r) => r.normal(5, 2));
      expect(Math.abs(mean(values) - 5)).toBeLessThan(0.05);
      expect(Math.abs(stdDev(values) - 2)).toBeLessThan(0.05);
    });

    it('normal(mean, 0) always returns mean', () => {
      const rng = new Rng(1, 'n');
      for (let index = 0; index < 10; index++) expect(rng.normal(3, 0)).toBe(3);
    });

    it('pareto(2, 3) has minimum 2 and mean 3', () => {
      const values = draws(new Rng(104, 'pareto'), DRAWS, (r) => r.pareto(2, 3));
      expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
      expect(Math.abs(mean(values) - 3)).toBeLessThan(0.06);
    });

    it('logNormal(1, 0.5) has median e and mean exp(1.125)', () => {
      const values = draws(new Rng(105, 'logNormal'), DRAWS, (r) => r.logNormal(1, 0.5));
      const sorted = [...values].sort((x, y) => x - y);
      const median = sorted[DRAWS / 2]!;
      expect(Math.abs(median - Math.E) / Math.E).toBeLessThan(0.03);
      expect(Math.abs(mean(values) - Math.exp(1.125)) / Math.exp(1.125)).toBeLessThan(0.02);
      expect(Math.min(...values)).toBeGreaterThan(0);
    });

    it('bernoulli(0.3) is true about 30% of the time, and bernoulli(0)/bernoulli(1) never/always', () => {
      const rng = new Rng(106, 'coin');
      const values = draws(rng, DRAWS, (r) => (r.bernoulli(0.3) ? 1 : 0));
      expect(Math.abs(mean(values) - 0.3)).toBeLessThan(0.015);
      for (let index = 0; index < 100; index++) {
        expect(rng.bernoulli(0)).toBe(false);
        expect(rng.bernoulli(1)).toBe(true);
      }
    });

    it('random() is roughly uniform across ten buckets', () => {
      const rng = new Rng(107, 'buckets');
      const buckets = new Array<number>(10).fill(0);
      for (let index = 0; index < DRAWS; index++) buckets[Math.floor(rng.random() * 10)]!++;
      for (const count of buckets) expect(Math.abs(count - DRAWS / 10)).toBeLessThan(200);
    });
  });
});

describe('seedAleaState', () => {
  // The state must be seedrandom's, double for double: every trace hash and every drawn latency
  // depends on it, and a stream seeded one way must draw what the other would.
  const seeds = fc.oneof(fc.string({ unit: 'binary' }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
  prop([seeds, fc.string({ unit: 'binary' })], { numRuns: 2_000 })('gives the state seedrandom\'s alea gives for JSON.stringify([seed, name])', (seed, name) => {
    const states = new Float64Array(ALEA_STATE_SIZE + 2);
    seedAleaState(states, 2, seed, name);
    const reference = alea(JSON.stringify([seed, name]), { state: true }).state();
    expect([...states.subarray(2)]).toEqual([reference.s0, reference.s1, reference.s2, reference.c]);
  });

  it('gives an Rng the draws seedrandom gives, including for names that need JSON escapes', () => {
    for (const [seed, name] of [[42, 'node:n1'], ['bug-1234', 'link:["a","b"]'], [-0.5, 'é\u2028"\\']] as const) {
      const rng = new Rng(seed, name);
      const reference = alea(JSON.stringify([seed, name]));
      for (let draw = 0; draw < 50; draw++) expect(rng.random()).toBe(reference());
    }
  });

  it('gives seedrandom\'s state when seeds alternate, -0 follows 0, and names repeat past the remembered bound', () => {
    // streamText remembers the last seed's JSON and up to 4,096 names' JSON: neither may leak
    // from one stream into another.
    const names = Array.from({ length: 5_000 }, (_, index) => (index % 3 === 0 ? `link:["n${index}","m"]` : `node:${index}`));
    const seeds: Array<string | number> = [1, '1', 0, -0, 'x"y', 1e21];
    const states = new Float64Array(ALEA_STATE_SIZE);
    for (let round = 0; round < 2; round++) {
      names.forEach((name, index) => {
        const seed = seeds[(index + round) % seeds.length]!;
        seedAleaState(states, 0, seed, name);
        const reference = alea(JSON.stringify([seed, name]), { state: true }).state();
        expect([...states]).toEqual([reference.s0, reference.s1, reference.s2, reference.c]);
      });
    }
  });

  it('gives seedrandom\'s state for remembered streams: after draws, past the remembered bound, and when the seed changes', () => {
    // Once two simulations in a row have one seed, its streams' states are remembered (a
    // shrinking search seeds the same links case after case): a remembered state must be copied
    // out, never drawn from in place, and must never answer for another seed.
    const names = Array.from({ length: 9_000 }, (_, index) => `link:["n${index % 4_500}","m"]`); // 4,500 names: past the 4,096 kept
    const states = new Float64Array(ALEA_STATE_SIZE);
    for (const seed of [9, 9, 9, 'nine', 'nine', 9, 9]) {
      simulationSeeded(seed);
      for (const name of names) {
        seedAleaState(states, 0, seed, name);
        const reference = alea(JSON.stringify([seed, name]), { state: true }).state();
        expect([...states]).toEqual([reference.s0, reference.s1, reference.s2, reference.c]);
        nextUniform(states, 0);
      }
    }
    // Streams of other seeds while one is remembered (simulations alive at once): 1 and '1' are
    // different seeds, -0 and 0 the same one (both are 0 in JSON).
    for (const [remembered, other] of [[1, '1'], ['1', 1], [0, -0], [-0, 0], [9, 10]] as const) {
      simulationSeeded(remembered);
      simulationSeeded(remembered);
      for (const seed of [remembered, other, remembered]) {
        seedAleaState(states, 0, seed, names[0]!);
        const reference = alea(JSON.stringify([seed, names[0]]), { state: true }).state();
        expect([...states]).toEqual([reference.s0, reference.s1, reference.s2, reference.c]);
      }
    }
  });

  it('gives two simulations with one seed the same streams, whichever are remembered', () => {
    const draws = (): number[] => {
      const sim = new EventLoop({ seed: 'same' });
      return ['a', 'b', 'c'].flatMap((name) => [sim.rng(name).random(), sim.rng(name).random()]);
    };
    const first = draws();
    expect(draws()).toEqual(first);
    expect(draws()).toEqual(first);
  });

  it('seeds a stream only when it is first drawn from, with the same numbers as one seeded at once', () => {
    const lazy = new Rng(7, 'late');
    new Rng(7, 'other').random();
    const eager = new Rng(7, 'late');
    expect(eager.random()).toBe(lazy.random());
    expect(lazy.state).toBe(lazy.state);
  });
});
