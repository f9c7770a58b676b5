import { describe, expect, it } from 'vitest';
import { fc, prop } from './prop.js';
import { DistributionSampler, distributionKinds, type Distribution } from '../../src/kernel/distribution.js';
import { Rng } from '../../src/kernel/rng.js';
import { FaultlineError, InvalidArgumentError } from '../../src/errors.js';

const FIELD = 'latency';

function expectInvalidField(distribution: unknown, field: string): InvalidArgumentError {
  let thrown: unknown;
  try {
    DistributionSampler.from(distribution, FIELD);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${JSON.stringify(distribution)} should be rejected`).toBeInstanceOf(InvalidArgumentError);
  const invalid = thrown as InvalidArgumentError;
  expect(invalid.code).toBe('INVALID_ARGUMENT');
  expect(invalid.field).toBe(field);
  expect(invalid.message).toContain(field);
  return invalid;
}

function empiricalMean(sampler: DistributionSampler, seed: number, count = 20_000): number {
  const rng = new Rng(seed, 'distribution');
  let sum = 0;
  for (let index = 0; index < count; index++) sum += sampler.sample(rng);
  return sum / count;
}

/** One valid distribution of every kind, with the fields each requires. */
const validExamples: Record<(typeof distributionKinds)[number], Distribution> = {
  constant: { kind: 'constant', ms: 5 },
  uniform: { kind: 'uniform', minMs: 1, maxMs: 3 },
  exponential: { kind: 'exponential', meanMs: 5 },
  normal: { kind: 'normal', meanMs: 10, stdDevMs: 2 },
  logNormal: { kind: 'logNormal', medianMs: 40, sigma: 0.3 },
  pareto: { kind: 'pareto', scaleMs: 5, shape: 3 },
};

/** Fields of each kind that must be finite numbers >= 0 (or > 0), i.e. reject negatives. */
const nonNegativeFields: Record<(typeof distributionKinds)[number], string[]> = {
  constant: ['ms'],
  uniform: ['minMs', 'maxMs', 'offsetMs'],
  exponential: ['meanMs', 'offsetMs'],
  normal: ['stdDevMs', 'offsetMs'],
  logNormal: ['medianMs', 'sigma', 'offsetMs'],
  pareto: ['scaleMs', 'shape', 'offsetMs'],
};

const requiredFields: Record<(typeof distributionKinds)[number], string[]> = {
  constant: ['ms'],
  uniform: ['minMs', 'maxMs'],
  exponential: ['meanMs'],
  normal: ['meanMs', 'stdDevMs'],
  logNormal: ['medianMs', 'sigma'],
  pareto: ['scaleMs', 'shape'],
};

describe('DistributionSampler', () => {
  describe('validation', () => {
    it('lists the six kinds', () => {
      expect([...distributionKinds].sort()).toEqual(['constant', 'exponential', 'logNormal', 'normal', 'pareto', 'uniform']);
    });

    for (const kind of distributionKinds) {
      describe(`kind '${kind}'`, () => {
        it('accepts a valid definition and keeps it as frozen plain data', () => {
          const sampler = DistributionSampler.from(validExamples[kind], FIELD);
          expect(sampler.distribution).toEqual(validExamples[kind]);
          expect(Object.isFrozen(sampler.distribution)).toBe(true);
        });

        for (const field of requiredFields[kind]) {
          it(`rejects a missing '${field}', naming '${FIELD}.${field}'`, () => {
            const broken: Record<string, unknown> = { ...validExamples[kind] };
            delete broken[field];
            expectInvalidField(broken, `${FIELD}.${field}`);
          });

          for (const [label, value] of [
            ['NaN', Number.NaN],
            ['Infinity', Infinity],
            ['a string', '5'],
            ['null', null],
          ] as const) {
            it(`rejects '${field}' = ${label}, naming '${FIELD}.${field}'`, () => {
              expectInvalidField({ ...validExamples[kind], [field]: value }, `${FIELD}.${field}`);
            });
          }
        }

        for (const field of nonNegativeFields[kind]) {
          it(`rejects a negative '${field}', naming '${FIELD}.${field}'`, () => {
            expectInvalidField({ ...validExamples[kind], [field]: -1 }, `${FIELD}.${field}`);
          });
        }

        it('rejects an unknown key, naming it', () => {
          const error = expectInvalidField({ ...validExamples[kind], meanMS: 3 }, `${FIELD}.meanMS`);
          expect(error.message).toContain('unknown');
        });
      });
    }

    it("rejects offsetMs on a 'constant' distribution (fold the offset into ms instead)", () => {
      expectInvalidField({ kind: 'constant', ms: 5, offsetMs: 1 }, `${FIELD}.offsetMs`);
    });

    it('rejects zero where a strictly positive value is required', () => {
      expectInvalidField({ kind: 'exponential', meanMs: 0 }, `${FIELD}.meanMs`);
      expectInvalidField({ kind: 'logNormal', medianMs: 0, sigma: 1 }, `${FIELD}.medianMs`);
      expectInvalidField({ kind: 'pareto', scaleMs: 0, shape: 1 }, `${FIELD}.scaleMs`);
      expectInvalidField({ kind: 'pareto', scaleMs: 1, shape: 0 }, `${FIELD}.shape`);
    });

    it('accepts zero where it is allowed', () => {
      for (const distribution of [
        { kind: 'constant', ms: 0 },
        { kind: 'uniform', minMs: 0, maxMs: 0 },
        { kind: 'normal', meanMs: 0, stdDevMs: 0 },
        { kind: 'logNormal', medianMs: 1, sigma: 0 },
        { kind: 'exponential', meanMs: 1, offsetMs: 0 },
      ]) {
        expect(() => DistributionSampler.from(distribution, FIELD)).not.toThrow();
      }
    });

    it('accepts a negative normal mean (draws are clamped at 0)', () => {
      expect(() => DistributionSampler.from({ kind: 'normal', meanMs: -5, stdDevMs: 1 }, FIELD)).not.toThrow();
    });

    it('rejects a uniform maxMs below minMs, naming maxMs', () => {
      const error = expectInvalidField({ kind: 'uniform', minMs: 5, maxMs: 4 }, `${FIELD}.maxMs`);
      expect(error.message).toContain('minMs');
    });

    it("rejects an unknown kind, naming '<field>.kind' and listing the kinds", () => {
      const error = expectInvalidField({ kind: 'gaussian', meanMs: 5 }, `${FIELD}.kind`);
      for (const kind of distributionKinds) expect(error.message).toContain(kind);
      expectInvalidField({ meanMs: 5 }, `${FIELD}.kind`);
    });

    it('rejects a distribution that is not an object, naming the field', () => {
      for (const value of [null, undefined, 5, 'exponential', [1, 2]]) expectInvalidField(value, FIELD);
    });

    it('uses the given field path in errors', () => {
      let thrown: unknown;
      try {
        DistributionSampler.from({ kind: 'exponential', meanMs: -1 }, 'network.link.latency');
      } catch (error) {
        thrown = error;
      }
      expect((thrown as InvalidArgumentError).field).toBe('network.link.latency.meanMs');
    });

    prop([fc.anything()], { numRuns: 300 })('never fails with anything but a FaultlineError on garbage input', (value) => {
      try {
        DistributionSampler.from(value, FIELD);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
      }
    });

    prop(
      [
        fc.record(
          {
            kind: fc.constantFrom(...distributionKinds, 'bogus'),
            ms: fc.anything(),
            minMs: fc.anything(),
            maxMs: fc.anything(),
            meanMs: fc.anything(),
            stdDevMs: fc.anything(),
            medianMs: fc.anything(),
            sigma: fc.anything(),
            scaleMs: fc.anything(),
            shape: fc.anything(),
            offsetMs: fc.anything(),
          },
          { requiredKeys: ['kind'] },
        ),
      ],
      { numRuns: 300 },
    )('never fails with anything but a FaultlineError on garbage fields', (value) => {
      try {
        DistributionSampler.from(value, FIELD);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
      }
    });
  });

  describe('sampling', () => {
    const offset = fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: undefined });
    const validDistribution: fc.Arbitrary<Distribution> = fc.oneof(
      fc.record({ kind: fc.constant('constant' as const), ms: fc.double({ min: 0, max: 1e6, noNaN: true }) }),
      fc
        .record({
          kind: fc.constant('uniform' as const),
          minMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
          spanMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
          offsetMs: offset,
        })
        .map(({ kind, minMs, spanMs, offsetMs }) => ({ kind, minMs, maxMs: minMs + spanMs, ...(offsetMs === undefined ? {} : { offsetMs }) })),
      fc.record({ kind: fc.constant('exponential' as const), meanMs: fc.double({ min: 1e-6, max: 1e6, noNaN: true }), offsetMs: offset }, { requiredKeys: ['kind', 'meanMs'] }),
      fc.record(
        {
          kind: fc.constant('normal' as const),
          meanMs: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          stdDevMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
          offsetMs: offset,
        },
        { requiredKeys: ['kind', 'meanMs', 'stdDevMs'] },
      ),
      fc.record(
        {
          kind: fc.constant('logNormal' as const),
          medianMs: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
          sigma: fc.double({ min: 0, max: 3, noNaN: true }),
          offsetMs: offset,
        },
        { requiredKeys: ['kind', 'medianMs', 'sigma'] },
      ),
      fc.record(
        {
          kind: fc.constant('pareto' as const),
          scaleMs: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
          shape: fc.double({ min: 0.1, max: 10, noNaN: true }),
          offsetMs: offset,
        },
        { requiredKeys: ['kind', 'scaleMs', 'shape'] },
      ),
    ) as fc.Arbitrary<Distribution>;

    prop([validDistribution, fc.integer()], { numRuns: 300 })('never draws a negative number or NaN from valid parameters', (distribution, seed) => {
      const sampler = DistributionSampler.from(distribution, FIELD);
      const rng = new Rng(seed, 'samples');
      const floor = distribution.kind === 'constant' ? distribution.ms : (distribution.offsetMs ?? 0);
      for (let index = 0; index < 50; index++) {
        const value = sampler.sample(rng);
        expect(Number.isNaN(value)).toBe(false);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeGreaterThanOrEqual(floor);
      }
    });

    prop([validDistribution, fc.integer()], { numRuns: 100 })('draws the same numbers from the same seed', (distribution, seed) => {
      const sampler = DistributionSampler.from(distribution, FIELD);
      const first = new Rng(seed, 's');
      const second = new Rng(seed, 's');
      for (let index = 0; index < 10; index++) expect(sampler.sample(first)).toBe(sampler.sample(second));
    });

    it('constant always draws ms', () => {
      const sampler = DistributionSampler.from({ kind: 'constant', ms: 7.5 }, FIELD);
      const rng = new Rng(1, 'c');
      for (let index = 0; index < 10; index++) expect(sampler.sample(rng)).toBe(7.5);
      expect(sampler.mean()).toBe(7.5);
    });

    it('uniform draws within [minMs, maxMs)', () => {
      const sampler = DistributionSampler.from({ kind: 'uniform', minMs: 2, maxMs: 4 }, FIELD);
      const rng = new Rng(1, 'u');
      for (let index = 0; index < 2000; index++) {
        const value = sampler.sample(rng);
        expect(value).toBeGreaterThanOrEqual(2);
        expect(value).toBeLessThan(4);
      }
    });

    it('pareto draws are never below scaleMs', () => {
      const sampler = DistributionSampler.from({ kind: 'pareto', scaleMs: 5, shape: 1.5 }, FIELD);
      const rng = new Rng(1, 'p');
      for (let index = 0; index < 2000; index++) expect(sampler.sample(rng)).toBeGreaterThanOrEqual(5);
    });

    it('normal draws are clamped at 0 when the mean is negative', () => {
      const sampler = DistributionSampler.from({ kind: 'normal', meanMs: -100, stdDevMs: 1 }, FIELD);
      const rng = new Rng(1, 'n');
      for (let index = 0; index < 100; index++) expect(sampler.sample(rng)).toBe(0);
      expect(sampler.mean()).toBeCloseTo(0, 10);
    });

    describe('offsetMs adds to every draw and to the mean', () => {
      const withoutOffset: Distribution[] = [
        { kind: 'uniform', minMs: 1, maxMs: 3 },
        { kind: 'exponential', meanMs: 5 },
        { kind: 'normal', meanMs: 10, stdDevMs: 2 },
        { kind: 'logNormal', medianMs: 40, sigma: 0.3 },
        { kind: 'pareto', scaleMs: 5, shape: 3 },
      ];
      for (const distribution of withoutOffset) {
        it(`for '${distribution.kind}'`, () => {
          const plain = DistributionSampler.from(distribution, FIELD);
          const shifted = DistributionSampler.from({ ...distribution, offsetMs: 20 }, FIELD);
          const plainRng = new Rng(8, 'offset');
          const shiftedRng = new Rng(8, 'offset');
          for (let index = 0; index < 100; index++) {
            expect(shifted.sample(shiftedRng)).toBeCloseTo(plain.sample(plainRng) + 20, 9);
          }
          expect(shifted.mean()).toBeCloseTo(plain.mean() + 20, 9);
        });
      }
    });
  });

  describe('mean()', () => {
    const cases: Array<[string, Distribution, number]> = [
      ['uniform', { kind: 'uniform', minMs: 2, maxMs: 8 }, 5],
      ['uniform with offset', { kind: 'uniform', minMs: 2, maxMs: 8, offsetMs: 10 }, 15],
      ['exponential', { kind: 'exponential', meanMs: 5 }, 5],
      ['exponential with offset', { kind: 'exponential', meanMs: 5, offsetMs: 10 }, 15],
      ['normal', { kind: 'normal', meanMs: 10, stdDevMs: 2 }, 10],
      // max(0, N(1, 2)): mu * Phi(mu/sigma) + sigma * phi(mu/sigma)
      ['normal clamped at 0', { kind: 'normal', meanMs: 1, stdDevMs: 2 }, 1 * 0.691462461 + 2 * 0.352065327],
      ['normal with stdDev 0', { kind: 'normal', meanMs: 3, stdDevMs: 0 }, 3],
      ['logNormal', { kind: 'logNormal', medianMs: 40, sigma: 0.3 }, 40 * Math.exp(0.045)],
      ['pareto', { kind: 'pareto', scaleMs: 2, shape: 3 }, 3],
      ['pareto with offset', { kind: 'pareto', scaleMs: 2, shape: 3, offsetMs: 1 }, 4],
    ];
    for (const [label, distribution, expected] of cases) {
      it(`gives the analytic mean for ${label}`, () => {
        expect(DistributionSampler.from(distribution, FIELD).mean()).toBeCloseTo(expected, 5);
      });
    }

    it('is Infinity for a pareto tail with shape <= 1', () => {
      expect(DistributionSampler.from({ kind: 'pareto', scaleMs: 2, shape: 1 }, FIELD).mean()).toBe(Infinity);
      expect(DistributionSampler.from({ kind: 'pareto', scaleMs: 2, shape: 0.5 }, FIELD).mean()).toBe(Infinity);
    });

    // Fixed seeds make these deterministic; tolerances are a few standard errors of 20,000 draws.
    const empirical: Array<[string, Distribution, number]> = [
      ['uniform', { kind: 'uniform', minMs: 2, maxMs: 8, offsetMs: 1 }, 0.01],
      ['exponential', { kind: 'exponential', meanMs: 5, offsetMs: 3 }, 0.02],
      ['normal', { kind: 'normal', meanMs: 10, stdDevMs: 2 }, 0.01],
      ['normal clamped at 0', { kind: 'normal', meanMs: 1, stdDevMs: 2 }, 0.03],
      ['logNormal', { kind: 'logNormal', medianMs: 40, sigma: 0.5, offsetMs: 5 }, 0.02],
      ['pareto', { kind: 'pareto', scaleMs: 2, shape: 4, offsetMs: 1 }, 0.02],
    ];
    for (const [label, distribution, relativeTolerance] of empirical) {
      it(`matches the empirical mean of 20,000 draws for ${label}`, () => {
        const sampler = DistributionSampler.from(distribution, FIELD);
        const expected = sampler.mean();
        const observed = empiricalMean(sampler, 2024);
        expect(Math.abs(observed - expected) / expected).toBeLessThan(relativeTolerance);
      });
    }
  });
});
