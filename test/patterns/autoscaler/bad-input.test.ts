import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, HandlerError, InvalidArgumentError, UnknownNodeError } from '../../../src/errors.js';
import { Simulation } from '../../../src/simulation.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import { ScalingPolicy } from '../../../src/patterns/autoscaler/scaling-policy.js';
import { catchError, expectInvalidArgument } from '../../detectors/expect-invalid.js';

const POLICY = { targetValue: 10, minSize: 1, maxSize: 4 };

function world(): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of ['w1', 'w2']) sim.addNode(id, () => ({}));
  return sim;
}

const autoscale = (options: Record<string, unknown>, sim = world()) =>
  addAutoscaler(sim, 'scaler', { pool: ['w1', 'w2'], behaviour: () => ({}), metric: { read: () => 1 }, ...POLICY, ...options } as never);

describe('scaling policy options', () => {
  it.each([
    ['targetValue 0', { targetValue: 0 }, 'options.targetValue'],
    ['targetValue Infinity', { targetValue: Infinity }, 'options.targetValue'],
    ['targetValue a string', { targetValue: '10' }, 'options.targetValue'],
    ['minSize 0', { minSize: 0 }, 'options.minSize'],
    ['fractional minSize', { minSize: 1.5 }, 'options.minSize'],
    ['maxSize below minSize', { minSize: 3, maxSize: 2 }, 'options.maxSize'],
    ['maxSize above the bound', { maxSize: 10_001 }, 'options.maxSize'],
    ['tolerance 1', { tolerance: 1 }, 'options.tolerance'],
    ['negative tolerance', { tolerance: -0.1 }, 'options.tolerance'],
    ['negative scale-out cool-down', { scaleOutCooldownMs: -1 }, 'options.scaleOutCooldownMs'],
    ['NaN scale-in cool-down', { scaleInCooldownMs: Number.NaN }, 'options.scaleInCooldownMs'],
    ['a typo', { scaleUpCooldownMs: 5 }, 'options.scaleUpCooldownMs'],
    ['null for a default', { tolerance: null }, 'options.tolerance'],
  ])('%s', (_name, options, field) => {
    expectInvalidArgument(() => new ScalingPolicy({ ...POLICY, ...options } as never), field);
  });

  it('refuses a malformed reading or clock at decision time', () => {
    const policy = new ScalingPolicy(POLICY);
    expectInvalidArgument(() => policy.decide(Number.NaN, { metric: 1, serving: 1, provisioning: 0, members: 1 }), 'nowMs');
    expectInvalidArgument(() => policy.decide(0, { metric: 1, serving: 2, provisioning: 1, members: 2 }), 'reading.members');
    expectInvalidArgument(() => policy.decide(0, { metric: -1, serving: 2, provisioning: 0, members: 2 }), 'reading.metric');
    expectInvalidArgument(() => policy.decide(0, { metric: Infinity, serving: 2, provisioning: 0, members: 2 }), 'reading.metric');
    expectInvalidArgument(() => policy.decide(0, { metric: '1', serving: 2, provisioning: 0, members: 2 } as never), 'reading.metric');
    expectInvalidArgument(() => policy.decide(0, { metric: 1, serving: 1.5, provisioning: 0, members: 2 }), 'reading.serving');
    expectInvalidArgument(() => policy.decide(0, { metric: 1, serving: 1, provisioning: 0, members: 1, load: 3 } as never), 'reading.load');
  });

  fcTest.prop([fc.record({ targetValue: fc.anything(), minSize: fc.anything(), maxSize: fc.anything(), tolerance: fc.anything(), scaleOutCooldownMs: fc.anything(), scaleInCooldownMs: fc.anything() }, { requiredKeys: [] })])(
    'any options either build a policy whose decisions keep the pool in [minSize, maxSize], or throw InvalidArgumentError',
    (options) => {
      let policy: ScalingPolicy;
      try {
        policy = new ScalingPolicy(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return;
      }
      const { minSize, maxSize } = policy.options;
      const decision = policy.decide(0, { metric: 1e9, serving: minSize, provisioning: 0, members: minSize });
      expect(minSize + (decision.action === 'out' ? decision.count : 0)).toBeLessThanOrEqual(maxSize);
    },
  );

  fcTest.prop([fc.double(), fc.nat(40), fc.nat(40), fc.nat(40)])(
    'any reading either decides within the bounds or throws InvalidArgumentError',
    (metric, serving, provisioning, crashed) => {
      const policy = new ScalingPolicy({ targetValue: 3, minSize: 2, maxSize: 30, scaleOutCooldownMs: 0, scaleInCooldownMs: 0 });
      const members = serving + provisioning + crashed;
      try {
        const decision = policy.decide(0, { metric, serving, provisioning, members });
        const after = members + (decision.action === 'out' ? decision.count : decision.action === 'in' ? -decision.count : 0);
        if (decision.action === 'out') expect(after).toBeLessThanOrEqual(30);
        if (decision.action === 'in') {
          expect(after).toBeGreaterThanOrEqual(2);
          expect(decision.count).toBeLessThanOrEqual(serving);
        }
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(Number.isNaN(metric) || metric < 0 || !Number.isFinite(metric)).toBe(true);
      }
    },
  );
});

describe('autoscaler options', () => {
  it.each([
    ['pool below minSize', { pool: ['w1'], minSize: 2 }, 'options.pool'],
    ['pool above maxSize', { maxSize: 1 }, 'options.pool'],
    ['a repeated pool node', { pool: ['w1', 'w1'] }, 'options.pool[1]'],
    ['no behaviour', { behaviour: undefined }, 'options.behaviour'],
    ['an empty id prefix', { idPrefix: '' }, 'options.idPrefix'],
    ['no metric', { metric: {} }, 'options.metric'],
    ['two metrics', { metric: { gauge: 'queue', read: () => 1 } }, 'options.metric'],
    ['a bad metric name', { metric: { gauge: 'queue length' } }, 'options.metric.gauge'],
    ['a bad counter name', { metric: { counterRate: '9lives' } }, 'options.metric.counterRate'],
    ['a reader that is not a function', { metric: { read: 3 } }, 'options.metric.read'],
    ['an unknown metric kind', { metric: { histogram: 'latency' } }, 'options.metric.histogram'],
    ['a start delay in the node options', { nodeOptions: { startDelayMs: 5 } }, 'options.nodeOptions.startDelayMs'],
    ['a bad service model', { nodeOptions: { service: { messagesPerSec: 0 } } }, 'options.nodeOptions.service.messagesPerSec'],
    ['an unknown domain kind', { nodeOptions: { domains: { planet: 'earth' } } }, 'options.nodeOptions.domains.planet'],
    ['a fractional mailbox', { nodeOptions: { mailboxLimit: 2.5 } }, 'options.nodeOptions.mailboxLimit'],
    ['evaluation every 0 ms', { evaluationIntervalMs: 0 }, 'options.evaluationIntervalMs'],
    ['a negative start delay', { startDelayMs: -1 }, 'options.startDelayMs'],
    ['an endless start delay', { startDelayMs: 1e300 }, 'options.startDelayMs'],
    ['no drain', { drainMs: 0 }, 'options.drainMs'],
    ['a balancer that is not one', { balancer: { pick() {} } }, 'options.balancer'],
    ['a typo', { drainTimeMs: 5 }, 'options.drainTimeMs'],
    ['a policy typo', { targetValu: 5 }, 'options.targetValu'],
  ])('%s', (_name, options, field) => {
    expectInvalidArgument(() => autoscale(options), field);
  });

  it('refuses an unknown pool node, a pool node the balancer lacks, and an id already taken', () => {
    expect(catchError(() => autoscale({ pool: ['w1', 'ghost'] }))).toBeInstanceOf(UnknownNodeError);
    expectInvalidArgument(() => autoscale({ balancer: new LoadBalancer({ backends: ['w1'] }) }), 'options.pool[1]');
    const sim = world();
    sim.addNode('scaler', () => ({}));
    expectInvalidArgument(() => autoscale({}, sim), 'id');
    expectInvalidArgument(() => addAutoscaler(sim, '', {} as never), 'id');
  });

  it('adds no node when its options are refused', () => {
    const sim = world();
    expect(() => autoscale({ drainMs: -5 }, sim)).toThrow(InvalidArgumentError);
    expect(sim.nodeIds()).toEqual(['w1', 'w2']);
  });

  it('stops the run with the field named when a reader returns a bad value, or a metric name is of the wrong kind', () => {
    const reading = (read: () => number): unknown => {
      const sim = world();
      autoscale({ metric: { read } }, sim);
      return catchError(() => sim.run({ until: 2_000 }));
    };
    for (const bad of [-1, Infinity]) {
      const error = reading(() => bad);
      expect(error).toBeInstanceOf(HandlerError);
      expect((error as HandlerError).cause).toMatchObject({ field: 'options.metric.read()', value: bad });
    }
    const sim = world();
    sim.metrics.counter('queue_total', { labelNames: ['node'] });
    autoscale({ metric: { gauge: 'queue_total' } }, sim);
    const error = catchError(() => sim.run({ until: 2_000 }));
    expect((error as HandlerError).cause).toMatchObject({ field: 'options.metric.gauge', value: 'queue_total' });
  });

  fcTest.prop([fc.dictionary(fc.constantFrom('pool', 'idPrefix', 'nodeOptions', 'metric', 'evaluationIntervalMs', 'startDelayMs', 'drainMs', 'balancer', 'minSize', 'tolerance', 'extra'), fc.anything())])(
    'hostile options throw a FaultlineError (and add no node), never another error',
    (options) => {
      const sim = world();
      try {
        autoscale(options);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
        expect(sim.nodeIds()).toEqual(['w1', 'w2']);
      }
    },
  );
});
