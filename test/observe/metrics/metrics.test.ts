import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { Simulation } from '../../../src/simulation.js';

function expectInvalid(action: () => unknown, field: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect((caught as InvalidArgumentError).field).toMatch(field);
}

describe('metric definitions', () => {
  it('rejects names and label names that break the Prometheus rules, naming the field', () => {
    const sim = new Simulation({ seed: 1 });
    expectInvalid(() => sim.metrics.counter('2xx_total'), /metric name/);
    expectInvalid(() => sim.metrics.counter('requests-total'), /metric name/);
    expectInvalid(() => sim.metrics.gauge('depth', { labelNames: ['bad-label'] }), /labelNames\[0\]/);
    expectInvalid(() => sim.metrics.gauge('depth', { labelNames: ['__reserved'] }), /labelNames\[0\]/);
    expectInvalid(() => sim.metrics.histogram('latency_seconds', { labelNames: ['le'] }), /labelNames\[0\]/);
    expectInvalid(() => sim.metrics.gauge('depth', { labelNames: ['a', 'a'] }), /labelNames\[1\]/);
    expectInvalid(() => sim.metrics.gauge('depth', { help: 'x', typo: 1 } as never), /typo/);
  });

  it('rejects negative or non-finite counter increments, and labels that were not declared', () => {
    const sim = new Simulation({ seed: 1 });
    const counter = sim.metrics.counter('requests_total', { labelNames: ['route'] });
    expectInvalid(() => counter.inc(-1, { route: '/' }), /increment of counter requests_total/);
    expectInvalid(() => counter.inc(Number.NaN, { route: '/' }), /increment/);
    expectInvalid(() => counter.inc(1, { path: '/' }), /labels of metric requests_total/);
    expectInvalid(() => counter.inc(1), /labels of metric requests_total/);
    counter.inc(2, { route: '/' });
    expect(counter.get({ route: '/' })).toBe(2);
  });

  it('rejects histogram buckets that are empty, unsorted, repeated or not finite', () => {
    const sim = new Simulation({ seed: 1 });
    expectInvalid(() => sim.metrics.histogram('a_seconds', { buckets: [] }), /buckets/);
    expectInvalid(() => sim.metrics.histogram('b_seconds', { buckets: [1, 0.5] }), /buckets\[1\]/);
    expectInvalid(() => sim.metrics.histogram('c_seconds', { buckets: [1, 1] }), /buckets\[1\]/);
    expectInvalid(() => sim.metrics.histogram('d_seconds', { buckets: [1, Infinity] }), /buckets\[1\]/);
    expectInvalid(() => sim.metrics.gauge('e', { buckets: [1] }), /buckets/);
  });

  it('refuses one name for two kinds', () => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.counter('jobs_total');
    expectInvalid(() => sim.metrics.gauge('jobs_total'), /metric name/);
    expect(sim.metrics.counter('jobs_total')).toBe(sim.metrics.counter('jobs_total'));
  });

  fcTest.prop([fc.string({ maxLength: 12 })])('accepts a name exactly when it matches the Prometheus pattern, else a typed error', (name) => {
    const registry = new Simulation({ seed: 1 }).metrics;
    const valid = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name);
    if (valid) expect(registry.gauge(name).name).toBe(name);
    else expect(() => registry.gauge(name)).toThrow(InvalidArgumentError);
  });

  fcTest.prop([fc.anything()])('answers any malformed options object with a typed error, never another kind', (options) => {
    const registry = new Simulation({ seed: 1 }).metrics;
    try {
      registry.histogram('h_seconds', options as never);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe('histogram quantiles', () => {
  it('estimates p50 and p99 from the buckets, without the caller sorting anything', () => {
    const sim = new Simulation({ seed: 1 });
    const latency = sim.metrics.histogram('latency_seconds', { buckets: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] });
    for (let value = 1; value <= 100; value++) latency.observe(value);
    expect(latency.quantile(0.5)).toBeCloseTo(50, 6);
    expect(latency.quantile(0.99)).toBeCloseTo(99, 6);
    expect(latency.count()).toBe(100);
    expect(Number.isNaN(sim.metrics.histogram('empty_seconds').quantile(0.5))).toBe(true);
  });
});

