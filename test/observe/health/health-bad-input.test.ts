import { describe, expect, it } from 'vitest';
import { DuplicateNodeError, FaultlineError, InvalidArgumentError } from '../../../src/errors.js';
import { addHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { measureHealthQoS } from '../../../src/observe/health/health-qos.js';
import { Simulation } from '../../../src/simulation.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';
import { fc, prop } from '../../kernel/prop.js';
import { LIVENESS, READINESS } from './scenario.js';

const newSim = (): Simulation => new Simulation({ seed: 1 });
const check = (overrides: Record<string, unknown>): unknown => ({ checks: [{ ...LIVENESS, ...overrides }] });
const add = (options: unknown): unknown => addHealthChecker(newSim(), 'lb', options as never);

describe('health checker options', () => {
  it('rejects a timeout that is not shorter than the interval, naming the field and the interval', () => {
    expectInvalidArgument(() => add(check({ timeoutMs: 100 })), 'options.checks[0].timeoutMs');
    expectInvalidArgument(() => add(check({ timeoutMs: 150 })), 'options.checks[0].timeoutMs');
    expect(() => add(check({ timeoutMs: 150 }))).toThrow(/shorter than intervalMs \(100ms\)/);
  });

  it('rejects unknown keys, at the top and in a check', () => {
    expectInvalidArgument(() => add({ checks: [LIVENESS], interval: 1 }), 'options.interval');
    expectInvalidArgument(() => add(check({ intervalMS: 100 })), 'options.checks[0].intervalMS');
  });

  it('rejects a request or a predicate on a liveness check, which would be silently ignored', () => {
    expectInvalidArgument(() => add(check({ request: 'get' })), 'options.checks[0].request');
    expectInvalidArgument(() => add(check({ isHealthy: () => true })), 'options.checks[0].isHealthy');
  });

  it('rejects bad thresholds, kinds, statuses, targets and predicates', () => {
    expectInvalidArgument(() => add(check({ unhealthyThreshold: 0 })), 'options.checks[0].unhealthyThreshold');
    expectInvalidArgument(() => add(check({ healthyThreshold: 1.5 })), 'options.checks[0].healthyThreshold');
    expectInvalidArgument(() => add(check({ kind: 'ping' })), 'options.checks[0].kind');
    expectInvalidArgument(() => add(check({ initialStatus: 'up' })), 'options.checks[0].initialStatus');
    expectInvalidArgument(() => add(check({ target: '' })), 'options.checks[0].target');
    expectInvalidArgument(() => add({ checks: [{ ...READINESS, isHealthy: 'yes' }] }), 'options.checks[0].isHealthy');
    expectInvalidArgument(() => add({ checks: [] }), 'options.checks');
    expectInvalidArgument(() => add(undefined), 'options');
  });

  it('rejects two checks with the same name', () => {
    expectInvalidArgument(() => add({ checks: [LIVENESS, { ...LIVENESS, intervalMs: 200 }] }), 'options.checks[1].name');
  });

  it('rejects a checker id that is taken, an unknown check name, a non-function listener or behaviour', () => {
    const sim = newSim();
    sim.addNode('lb', () => ({}));
    expect(() => addHealthChecker(sim, 'lb', { checks: [LIVENESS] })).toThrow(DuplicateNodeError);
    const health = addHealthChecker(newSim(), 'lb', { checks: [LIVENESS] });
    expectInvalidArgument(() => health.status('api/readyness'), 'check');
    expectInvalidArgument(() => measureHealthQoS(health, 'nope', newSim().truth, 0, 1), 'check');
    expectInvalidArgument(() => health.onChange('listener' as never), 'listener');
    expectInvalidArgument(() => withHealthEndpoint(undefined as never), 'behaviour');
  });

  it('fails the run with a typed error when a readiness target has no onCall to answer', () => {
    const sim = newSim();
    sim.addNode('api', withHealthEndpoint(() => ({})));
    addHealthChecker(sim, 'lb', { checks: [READINESS] });
    expect(() => sim.run({ until: 1_000 })).toThrow(FaultlineError);
  });
});

describe('fuzzed health checker options', () => {
  const hostileNumber = fc.oneof(
    fc.double(), fc.integer(), fc.constantFrom(0, -1, 1e-300, Number.MAX_VALUE, Infinity, -Infinity, NaN),
    fc.constantFrom<unknown>('100', null, undefined, true, {}, [], 10n),
  );
  const anyCheck = fc.record(
    {
      target: fc.oneof(fc.constant('api'), fc.string(), fc.anything()),
      kind: fc.oneof(fc.constantFrom('liveness', 'readiness'), fc.anything()),
      intervalMs: hostileNumber,
      timeoutMs: hostileNumber,
      healthyThreshold: hostileNumber,
      unhealthyThreshold: hostileNumber,
      initialStatus: fc.oneof(fc.constantFrom('healthy', 'unhealthy'), fc.anything()),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  );
  // Mostly valid checks with their numbers replaced: the timeout-vs-interval rule is reached often.
  const nearlyValidCheck = fc.record({ intervalMs: hostileNumber, timeoutMs: hostileNumber, unhealthyThreshold: hostileNumber }, { requiredKeys: [] })
    .map((numbers) => ({ ...LIVENESS, ...numbers }));
  const checks = fc.array(fc.oneof(anyCheck, nearlyValidCheck), { maxLength: 3 });
  prop([fc.oneof(fc.record({ checks }), fc.anything())], { numRuns: 300 })(
    'either throws an InvalidArgumentError at configuration or builds a checker whose every timeout is below its interval',
    (options) => {
      let health;
      try {
        health = add(options) as ReturnType<typeof addHealthChecker>;
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return;
      }
      for (const name of health.checkNames) {
        const resolved = health.checkOptions(name);
        expect(resolved.timeoutMs).toBeLessThan(resolved.intervalMs);
        expect(resolved.timeoutMs).toBeGreaterThan(0);
        expect(Number.isInteger(resolved.healthyThreshold) && Number.isInteger(resolved.unhealthyThreshold)).toBe(true);
      }
    },
  );
});
