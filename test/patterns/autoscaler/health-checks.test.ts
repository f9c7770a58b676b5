import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError } from '../../../src/errors.js';
import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler, type Autoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import type { AutoscalerOptions } from '../../../src/patterns/autoscaler/autoscaler-options.js';
import type { PoolHealthCheck, PoolHealthChecks } from '../../../src/patterns/autoscaler/pool-health-checks.js';
import type { NodeBehaviour } from '../../../src/world/node-context.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';

// The story: two workers behind a proxy 'lb' that health-checks them itself; an autoscaler
// launches 'w3' and 'w4' when the load doubles, and gives each the pool's checks as it starts:
// liveness, and readiness, which holds it out of rotation until it answers.

const answer: NodeBehaviour = withHealthEndpoint(() => ({ onCall: () => 'ok' }));
const LIVENESS: PoolHealthCheck = { kind: 'liveness', intervalMs: 100, timeoutMs: 50 };
const READINESS: PoolHealthCheck = { kind: 'readiness', request: 'ready?', intervalMs: 100, timeoutMs: 50 };

interface Pool {
  sim: Simulation;
  health: HealthChecker;
  balancer: LoadBalancer;
  autoscaler: Autoscaler;
  load: { value: number };
  picks: Array<{ backend: string; timeMs: number }>;
}

function pool(options: Partial<AutoscalerOptions> = {}, checks: PoolHealthCheck[] = [LIVENESS, READINESS]): Pool {
  const sim = new Simulation({ seed: 7, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
  for (const id of ['w1', 'w2']) sim.addNode(id, answer);
  const health = createHealthChecker(sim, 'lb', { checks: ['w1', 'w2'].map((target) => ({ ...LIVENESS, target })) });
  const balancer = addLoadBalancer(sim, 'lb', { backends: ['w1', 'w2'], policy: 'least-outstanding', timeoutMs: 1_000, verdicts: health });
  const load = { value: 20 };
  const autoscaler = addAutoscaler(sim, 'scaler', {
    pool: ['w1', 'w2'], behaviour: answer, idPrefix: 'w', metric: { read: (serving) => load.value / serving.length }, targetValue: 10, minSize: 2, maxSize: 6,
    evaluationIntervalMs: 100, startDelayMs: 1_000, scaleOutCooldownMs: 300, scaleInCooldownMs: 2_000, drainMs: 500, balancer,
    healthChecks: { checker: health, checks }, ...options,
  });
  const picks: Pool['picks'] = [];
  balancer.onPick((backend) => picks.push({ backend, timeMs: sim.now }));
  sim.addNode('c', (ctx) => ({
    onStart() { ctx.setTimer(10, 'go'); },
    async onTimer() {
      ctx.setTimer(10, 'go');
      await ctx.call('lb', 'get', { timeoutMs: 2_000 }).catch(() => 'timeout');
    },
  }));
  return { sim, health, balancer, autoscaler, load, picks };
}

describe('autoscaler healthChecks: launched nodes are health-checked', () => {
  it('adds the checks as a launched node starts, before it joins the balancer, which waits for readiness', async () => {
    const { sim, health, balancer, autoscaler, load, picks } = pool();
    sim.schedule(450, () => { load.value = 40; });
    await sim.runAsync({ until: 2_000 });
    expect(autoscaler.events.filter((event) => event.kind === 'ready').map((event) => [event.nodes[0], event.timeMs])).toEqual([['w3', 1_500], ['w4', 1_500]]);
    expect(health.checkNames).toEqual(['w1/liveness', 'w2/liveness', 'w3/liveness', 'w3/readiness', 'w4/liveness', 'w4/readiness']);
    expect(health.lifetimeOf('w3/readiness')).toEqual({ addedMs: 1_500, fromMs: 1_500, untilMs: undefined });
    expect(health.checkOptions('w4/readiness')).toMatchObject({ target: 'w4', kind: 'readiness', request: 'ready?', intervalMs: 100 });
    // Added at 1_500 while readiness was still unhealthy; up when the first probe's reply came back 2 ms later.
    const w3 = balancer.events.filter((event) => event.backend === 'w3').map((event) => [event.kind, event.atMs]);
    expect(w3).toEqual([['added', 1_500], ['up', 1_502]]);
    const firstPick = picks.find((pick) => pick.backend === 'w3')!;
    expect(firstPick.timeMs).toBeGreaterThanOrEqual(1_502);
  });

  it('removes a node\'s checks as it is scaled in, and keeps them readable', async () => {
    const { sim, health, autoscaler, load } = pool();
    sim.schedule(450, () => { load.value = 40; });
    sim.schedule(2_000, () => { load.value = 20; });
    await sim.runAsync({ until: 6_000 });
    const scaleIn = autoscaler.events.find((event) => event.kind === 'scale-in')!;
    expect(scaleIn.nodes).toEqual(['w4', 'w3']);
    expect(health.checkNames).toEqual(['w1/liveness', 'w2/liveness']);
    expect(health.removedCheckNames).toEqual(['w3/liveness', 'w3/readiness', 'w4/liveness', 'w4/readiness']);
    expect(health.lifetimeOf('w4/liveness')).toEqual({ addedMs: 1_500, fromMs: 1_500, untilMs: scaleIn.timeMs });
    // Draining refuses probes: removed first, the checks saw no failure.
    expect(health.transitionsOf('w4/liveness')).toEqual([]);
    const lastReply = health.repliesOf('w4/liveness').at(-1)!;
    expect(lastReply.sentMs).toBeLessThan(scaleIn.timeMs);
  });

  it('names the checks by suffix when two are of one kind', async () => {
    const { sim, health, load } = pool({}, [READINESS, { ...READINESS, suffix: 'deep', request: 'deep?' }]);
    load.value = 40;
    await sim.runAsync({ until: 1_600 });
    expect(health.checkNames).toEqual(['w1/liveness', 'w2/liveness', 'w3/readiness', 'w3/deep', 'w4/readiness', 'w4/deep']);
    expect(health.checkOptions('w3/deep').request).toBe('deep?');
  });
});

describe('autoscaler healthChecks option', () => {
  const sim = (): Simulation => {
    const world = new Simulation({ seed: 1 });
    for (const id of ['w1', 'w2']) world.addNode(id, () => ({}));
    return world;
  };
  const autoscale = (healthChecks: unknown, world = sim()) =>
    addAutoscaler(world, 'scaler', { pool: ['w1', 'w2'], behaviour: () => ({}), metric: { read: () => 1 }, targetValue: 10, minSize: 1, maxSize: 4, healthChecks } as never);
  const checker = (world: Simulation): HealthChecker => createHealthChecker(world, 'lb', { checks: [{ target: 'w1', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });

  it.each([
    ['not an object', 5, 'options.healthChecks'],
    ['an unknown key', { checks: [LIVENESS], every: 5 }, 'options.healthChecks.every'],
    ['no checker', { checker: undefined, checks: [LIVENESS] }, 'options.healthChecks.checker'],
    ['a checker that is not one', { checker: { addCheck() {} }, checks: [LIVENESS] }, 'options.healthChecks.checker'],
    ['no checks', { checks: [] }, 'options.healthChecks.checks'],
    ['too many checks', { checks: Array.from({ length: 17 }, (_, index) => ({ ...LIVENESS, suffix: `l${index}` })) }, 'options.healthChecks.checks'],
    ['a target', { checks: [{ ...LIVENESS, target: 'w9' }] }, 'options.healthChecks.checks[0].target'],
    ['a name', { checks: [LIVENESS, { ...READINESS, name: 'ready' }] }, 'options.healthChecks.checks[1].name'],
    ['an unknown check key', { checks: [{ ...LIVENESS, intervalMS: 100 }] }, 'options.healthChecks.checks[0].intervalMS'],
    ['a timeout not below the interval', { checks: [{ ...LIVENESS, timeoutMs: 200 }] }, 'options.healthChecks.checks[0].timeoutMs'],
    ['a liveness check with a request', { checks: [{ ...LIVENESS, request: 'x' }] }, 'options.healthChecks.checks[0].request'],
    ['a bad kind', { checks: [{ ...LIVENESS, kind: 'startup' }] }, 'options.healthChecks.checks[0].kind'],
    ['an empty suffix', { checks: [{ ...LIVENESS, suffix: '' }] }, 'options.healthChecks.checks[0].suffix'],
    ['two checks of one kind without suffixes', { checks: [READINESS, READINESS] }, 'options.healthChecks.checks[1].suffix'],
    ['a suffix equal to another check\'s kind', { checks: [LIVENESS, { ...READINESS, suffix: 'liveness' }] }, 'options.healthChecks.checks[1].suffix'],
  ])('%s', (_name, healthChecks, field) => {
    const world = sim();
    const value = typeof healthChecks === 'object' && !('checker' in healthChecks) ? { checker: checker(world), ...healthChecks } : healthChecks;
    expectInvalidArgument(() => autoscale(value, world), field);
    expect(world.nodeIds()).toEqual(['w1', 'w2']);
  });

  it('refuses a checker other than the one the balancer follows, which would never see the checks', () => {
    const world = sim();
    const followed = createHealthChecker(world, 'lb', { checks: ['w1', 'w2'].map((target) => ({ ...LIVENESS, target })) });
    const other = createHealthChecker(world, 'other', { checks: [{ target: 'w2', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
    const balancer = new LoadBalancer({ backends: ['w1', 'w2'], verdicts: followed });
    const autoscaleBehind = (healthChecks: PoolHealthChecks) =>
      addAutoscaler(world, 'scaler', { pool: ['w1', 'w2'], behaviour: () => ({}), metric: { read: () => 1 }, targetValue: 10, minSize: 1, maxSize: 4, balancer, healthChecks });
    expectInvalidArgument(() => autoscaleBehind({ checker: other, checks: [LIVENESS] }), 'options.healthChecks.checker');
    expect(world.nodeIds()).toEqual(['w1', 'w2']);
    // The followed checker is accepted, and so is any checker behind a balancer that follows none.
    expect(() => autoscaleBehind({ checker: followed, checks: [LIVENESS] })).not.toThrow();
    const blind = new LoadBalancer({ backends: ['w1', 'w2'] });
    expect(() => addAutoscaler(world, 'scaler-2', { pool: ['w1', 'w2'], behaviour: () => ({}), metric: { read: () => 1 }, targetValue: 10, minSize: 1, maxSize: 4, balancer: blind, healthChecks: { checker: other, checks: [LIVENESS] } })).not.toThrow();
  });

  fcTest.prop([fc.record({ checker: fc.option(fc.constant('checker'), { nil: undefined }), checks: fc.oneof(fc.anything(), fc.array(fc.oneof(fc.anything(), fc.record({ kind: fc.constantFrom('liveness', 'readiness', 'x'), intervalMs: fc.oneof(fc.double(), fc.constant(100)), timeoutMs: fc.oneof(fc.double(), fc.constant(50)), suffix: fc.anything(), request: fc.anything() }, { requiredKeys: ['kind'] })), { maxLength: 3 })), extra: fc.anything() }, { requiredKeys: [] })])(
    'hostile healthChecks throw a FaultlineError (and add no node), never another error',
    (options) => {
      const world = sim();
      const value = options.checker === undefined ? options : { ...options, checker: checker(world) };
      try {
        autoscale(value, world);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
        expect(world.nodeIds()).toEqual(['w1', 'w2']);
      }
    },
  );
});
