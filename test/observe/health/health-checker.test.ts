import { describe, expect, it } from 'vitest';
import { measureHealthQoS, healthDetectorTransitions } from '../../../src/observe/health/health-qos.js';
import { addHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { Simulation } from '../../../src/simulation.js';
import { healthScenario, INTERVAL_MS, LIVENESS, READINESS } from './scenario.js';

const RUN_MS = 6_000;
const FROM_MS = 500; // after readiness has come up

describe('health checks on a healthy service', () => {
  it('keep liveness healthy throughout and bring readiness up from unhealthy after the first good probe', () => {
    const { sim, health } = healthScenario(1);
    sim.run({ until: RUN_MS });
    expect(health.transitionsOf('api/liveness')).toEqual([]);
    const readiness = health.transitionsOf('api/readiness');
    expect(readiness).toHaveLength(1);
    expect(readiness[0]).toMatchObject({ from: 'unhealthy', to: 'healthy', reason: 'ok' });
    expect(readiness[0]!.timeMs).toBeLessThan(20);
    expect(health.status('api/readiness')).toBe('healthy');
    expect(measureHealthQoS(health, 'api/readiness', sim.truth, FROM_MS, RUN_MS).queryAccuracyProbability).toBe(1);
  });

  it('counts the readiness start-up as unhealthy time when scored from the beginning', () => {
    const { sim, health } = healthScenario(1);
    sim.run({ until: RUN_MS });
    expect(healthDetectorTransitions(health, 'api/readiness')[0]).toEqual({ kind: 'suspect', timeMs: 0, localTimeMs: 0 });
    expect(measureHealthQoS(health, 'api/readiness', sim.truth, 0, RUN_MS).queryAccuracyProbability).toBeLessThan(1);
  });
});

describe('health check QoS against the truth', () => {
  it('detects a crash within unhealthyThreshold intervals plus the timeout, with no mistakes, and recovers after restart', () => {
    const { sim, health } = healthScenario(2);
    sim.schedule(2_000, () => sim.crash('api'));
    sim.schedule(4_000, () => sim.restart('api'));
    sim.run({ until: RUN_MS });
    for (const check of ['api/liveness', 'api/readiness']) {
      const qos = measureHealthQoS(health, check, sim.truth, FROM_MS, RUN_MS);
      expect(qos.crashes).toBe(1);
      expect(qos.undetectedCrashes).toBe(0);
      expect(qos.mistakes).toEqual([]);
      expect(qos.detectionTime.maxMs!).toBeGreaterThan(0);
      expect(qos.detectionTime.maxMs!).toBeLessThanOrEqual(2 * INTERVAL_MS + 80);
      expect(health.status(check)).toBe('healthy');
    }
  });

  it('flags a partition between checker and target as mistakes caused by the partition', () => {
    const { sim, health } = healthScenario(3);
    sim.schedule(2_000, () => sim.partition(['lb'], ['api']));
    sim.schedule(3_000, () => sim.heal());
    sim.run({ until: RUN_MS });
    for (const check of ['api/liveness', 'api/readiness']) {
      const qos = measureHealthQoS(health, check, sim.truth, FROM_MS, RUN_MS);
      expect(qos.crashes).toBe(0);
      expect(qos.mistakes).toHaveLength(1);
      expect(qos.mistakes[0]!.cause).toBe('partition');
      expect(qos.mistakes[0]!.startMs).toBeGreaterThan(2_000);
      expect(qos.mistakes[0]!.endMs!).toBeGreaterThan(3_000);
      expect(health.transitionsOf(check).at(-2)?.reason).toBe('timeout');
    }
  });

  it('catches a slow node with readiness (the user path) while liveness stays healthy', () => {
    const { sim, health } = healthScenario(4);
    sim.inject([{ kind: 'slow-node', atMs: 2_000, durationMs: 1_000, target: 'api', params: { model: { latencyFactor: 5 } } }]);
    sim.run({ until: RUN_MS });
    const liveness = measureHealthQoS(health, 'api/liveness', sim.truth, FROM_MS, RUN_MS);
    const readiness = measureHealthQoS(health, 'api/readiness', sim.truth, FROM_MS, RUN_MS);
    expect(liveness.mistakes).toEqual([]);
    expect(liveness.queryAccuracyProbability).toBe(1);
    expect(readiness.mistakes).toHaveLength(1);
    const [mistake] = readiness.mistakes;
    expect(mistake!.startMs).toBeGreaterThan(2_000);
    expect(mistake!.startMs).toBeLessThan(2_000 + 3 * INTERVAL_MS);
    expect(mistake!.endMs!).toBeGreaterThan(3_000);
    // Nothing was down, cut, paused or backlogged: the replies came back, only too late.
    expect(mistake!.cause).toBe('delay');
    expect(readiness.queryAccuracyProbability!).toBeLessThan(0.9);
  });

  it('counts a reply that comes back after the timeout as a failure, not a late success', () => {
    // No latency rule in the predicate: only the timeout can tell a 50 ms round trip from a good one.
    const { sim, health } = healthScenario(9, [{ ...READINESS, isHealthy: (reply) => reply === 'ok' }]);
    sim.inject([{ kind: 'slow-node', atMs: 2_000, durationMs: 1_000, target: 'api', params: { model: { latencyFactor: 5 } } }]);
    sim.run({ until: 4_000 });
    const flips = health.transitionsOf('api/readiness').slice(1);
    expect(flips.map((flip) => [flip.to, flip.reason])).toEqual([['unhealthy', 'timeout'], ['healthy', 'ok']]);
    const late = health.repliesOf('api/readiness').filter((reply) => reply.timeMs - reply.sentMs! > 30);
    expect(late.length).toBeGreaterThanOrEqual(5);
  });

  it('fails liveness during a pause of the target, a mistake the truth puts down to the pause', () => {
    const { sim, health } = healthScenario(10, [LIVENESS]);
    sim.schedule(2_000, () => sim.pause('api'));
    sim.schedule(2_600, () => sim.resume('api'));
    sim.run({ until: RUN_MS });
    const qos = measureHealthQoS(health, 'api/liveness', sim.truth, FROM_MS, RUN_MS);
    expect(qos.mistakes.map((mistake) => mistake.cause)).toEqual(['pause']);
    expect(qos.crashes).toBe(0);
  });

  it('runs an async onCall under runAsync: a handler that takes 40 ms fails a 30 ms readiness timeout', async () => {
    const sim = new Simulation({ seed: 11, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
    let handlerMs = 0;
    sim.addNode('api', withHealthEndpoint((ctx) => ({
      async onCall() { await ctx.sleep(handlerMs); return 'ok'; },
    })));
    const health = addHealthChecker(sim, 'lb', { checks: [READINESS] });
    sim.schedule(1_000, () => { handlerMs = 40; });
    await sim.runAsync({ until: 2_000 });
    expect(health.transitionsOf('api/readiness').map((flip) => [flip.to, flip.reason])).toEqual([['healthy', 'ok'], ['unhealthy', 'timeout']]);
  });

  it('judges readiness by the reply: a wrong answer in time is unhealthy with reason rejected', () => {
    const { sim, health } = healthScenario(5, [{ ...READINESS, request: 'nonsense' }]);
    sim.run({ until: 1_000 });
    expect(health.status('api/readiness')).toBe('unhealthy');
    expect(health.transitions).toEqual([]);
    expect(health.repliesOf('api/readiness').length).toBeGreaterThanOrEqual(9);
  });

  it('catches an overloaded service with readiness, the probe waiting in the same inbox as the traffic', () => {
    const sim = new Simulation({ seed: 6, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
    sim.addNode('api', withHealthEndpoint(() => ({ onCall: () => 'ok', onMessage: () => {} })), { service: { messagesPerSec: 1_000, inboxLimit: 1_000 } });
    sim.addNode('flood', (ctx) => ({
      onStart: () => ctx.setTimer(2_000, 'burst'),
      onTimer: () => { for (let index = 0; index < 300; index++) ctx.send('api', 'work'); },
    }));
    const health = addHealthChecker(sim, 'lb', { checks: [READINESS] });
    sim.run({ until: 4_000 });
    const qos = measureHealthQoS(health, 'api/readiness', sim.truth, FROM_MS, 4_000);
    expect(qos.mistakes.length).toBeGreaterThanOrEqual(1);
    expect(qos.mistakes[0]!.cause).toBe('overload');
  });
});

describe('thresholds and subscriptions', () => {
  it('waits for unhealthyThreshold consecutive failures and healthyThreshold successes before flipping', () => {
    const { sim, health } = healthScenario(7, [{ ...LIVENESS, unhealthyThreshold: 5, healthyThreshold: 3 }]);
    sim.schedule(1_000, () => sim.crash('api'));
    sim.schedule(2_000, () => sim.restart('api'));
    sim.run({ until: 3_000 });
    const [down, up] = health.transitionsOf('api/liveness');
    // Probes go out at 0, 100, …: the first lost one is sent at 1000, the fifth at 1400, and times out 80 ms later.
    expect(down!.timeMs).toBeCloseTo(1_480, 6);
    // Three good probes in a row after the restart at 2000: the third one, sent at 2200, answers ~10 ms later.
    expect(up!.timeMs).toBeGreaterThan(2_200);
    expect(up!.timeMs).toBeLessThan(2_300);
  });

  it('tells subscribers about every flip, in order, and stops after unsubscribe', () => {
    const { sim, health } = healthScenario(8);
    const seen: string[] = [];
    const unsubscribe = health.onChange((transition) => seen.push(`${transition.check}:${transition.to}@${Math.round(transition.timeMs)}`));
    sim.schedule(1_000, () => sim.crash('api'));
    sim.schedule(2_000, () => sim.restart('api'));
    sim.run({ until: 2_500 });
    expect(seen).toEqual(health.transitions.map((transition) => `${transition.check}:${transition.to}@${Math.round(transition.timeMs)}`));
    expect(seen.length).toBe(5); // readiness up, both down, both up
    unsubscribe();
    sim.schedule(500, () => sim.crash('api'));
    sim.run({ until: 4_000 });
    expect(seen.length).toBe(5);
    expect(health.transitions.length).toBe(7);
  });
});

describe('determinism', () => {
  it('gives the same transitions and trace hash for the same seed, under a crash, a partition and a slow node', () => {
    const run = (): { transitions: unknown; hash: string } => {
      const { sim, health } = healthScenario('determinism');
      sim.network.setLink('lb', 'api', { latency: { kind: 'exponential', meanMs: 6 }, lossProbability: 0.05 });
      sim.schedule(1_000, () => sim.crash('api'));
      sim.schedule(1_500, () => sim.restart('api'));
      sim.schedule(2_500, () => sim.partition(['lb'], ['api']));
      sim.schedule(3_000, () => sim.heal());
      sim.inject([{ kind: 'slow-node', atMs: 3_500, durationMs: 500, target: 'api', params: { model: { latencyFactor: 4 } } }]);
      sim.run({ until: RUN_MS });
      return { transitions: health.transitions, hash: sim.traceHash() };
    };
    const first = run();
    expect((first.transitions as unknown[]).length).toBeGreaterThan(4);
    expect(run()).toEqual(first);
  });
});
