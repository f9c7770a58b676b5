import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';

// The story: a balancer follows the checks its node runs; backends join at run time, some with
// checks added first (a readiness check holds them out until they pass), some checked later.

function cluster(): { sim: Simulation; health: HealthChecker; balancer: LoadBalancer } {
  const sim = new Simulation({ seed: 5, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
  for (const id of ['b1', 'b2', 'b3']) sim.addNode(id, withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const health = createHealthChecker(sim, 'lb', { checks: [{ target: 'b1', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
  const balancer = new LoadBalancer({ backends: ['b1'], verdicts: health });
  sim.addNode('lb', health.embedIn(() => ({})));
  return { sim, health, balancer };
}

describe('a load balancer following checks added and removed at run time', () => {
  it('keeps a backend whose readiness check was added first out of rotation until the check passes', () => {
    const { sim, health, balancer } = cluster();
    sim.schedule(1_000, () => {
      health.addCheck({ target: 'b2', kind: 'readiness', intervalMs: 100, timeoutMs: 50 });
      balancer.addBackend('b2', sim.now);
      expect(balancer.inRotation(sim.now)).toEqual(['b1']);
    });
    sim.run({ until: 1_050 });
    // The first probe went out at 1_000 and came back at 1_010.
    expect(balancer.events).toEqual([{ kind: 'added', backend: 'b2', atMs: 1_000 }, { kind: 'up', backend: 'b2', atMs: 1_010 }]);
    expect(balancer.inRotation(sim.now)).toEqual(['b1', 'b2']);
  });

  it('takes out a backend when a check of it added later fails, and puts it back when that check is removed', () => {
    const { sim, health, balancer } = cluster();
    sim.schedule(500, () => balancer.addBackend('b3', sim.now)); // unwatched: up
    sim.schedule(1_000, () => health.addCheck({ target: 'b3', kind: 'liveness', intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2 }));
    sim.schedule(1_230, () => sim.crash('b3'));
    sim.schedule(2_000, () => health.removeCheck('b3/liveness'));
    sim.run({ until: 2_100 });
    // Probes at 1_300 and 1_400 time out at 1_350 and 1_450.
    expect(balancer.events).toEqual([
      { kind: 'added', backend: 'b3', atMs: 500 },
      { kind: 'down', backend: 'b3', atMs: 1_450 },
      { kind: 'up', backend: 'b3', atMs: 2_000 },
    ]);
    expect(balancer.backend('b3').up).toBe(true);
  });

  it('leaves a backend that is leaving out of rotation whatever its checks say', () => {
    const { sim, health, balancer } = cluster();
    sim.schedule(500, () => {
      health.addCheck({ target: 'b2', kind: 'readiness', intervalMs: 100, timeoutMs: 50 });
      balancer.addBackend('b2', sim.now);
    });
    sim.schedule(1_000, () => {
      expect(balancer.pick(sim.now)).toBe('b1');
      expect(balancer.pick(sim.now)).toBe('b2');
      balancer.removeBackend('b2', sim.now); // a request still in flight: b2 lingers
      sim.crash('b2');
    });
    sim.run({ until: 1_500 });
    expect(balancer.backend('b2').up).toBe(true);
    expect(health.status('b2/readiness')).toBe('unhealthy');
    expect(balancer.events.map((event) => event.kind)).toEqual(['added', 'up', 'removed']);
  });
});

describe('outlier ejection counts only the backends still in the balancer', () => {
  const outlierDetection = { windowSize: 10, minRequests: 4, maxErrorRate: 0.5, ejectionMs: 1_000, maxEjectedFraction: 0.5 };

  /** Four backends; b3 and b4 are removed with a request each in flight, so they linger while b1 and b2 fail. */
  function twoLeaving(): LoadBalancer {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2', 'b3', 'b4'], outlierDetection });
    const inFlight = Array.from({ length: 4 }, () => balancer.pick(0)!);
    expect(inFlight).toEqual(['b1', 'b2', 'b3', 'b4']);
    balancer.finish('b1', { ok: false, latencyMs: 5 }, 0);
    balancer.finish('b2', { ok: false, latencyMs: 5 }, 0);
    balancer.removeBackend('b3', 0);
    balancer.removeBackend('b4', 0);
    return balancer;
  }

  it('ejects at most half of the two backends left, not half of four, so one stays in rotation', () => {
    const balancer = twoLeaving();
    for (let t = 1; t < 40; t++) {
      const backend = balancer.pick(t);
      if (backend !== undefined) balancer.finish(backend, { ok: false, latencyMs: 5 }, t);
    }
    expect(balancer.events.filter((event) => event.kind === 'ejected').map((event) => event.backend)).toEqual(['b1']);
    expect(balancer.inRotation(40)).toEqual(['b2']);
  });

  it('does not eject a leaving backend', () => {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2', 'b3', 'b4'], outlierDetection: { ...outlierDetection, minRequests: 2 } });
    // b4 leaves with three requests in flight, which all fail.
    const picked = Array.from({ length: 12 }, () => balancer.pick(0)!);
    expect(picked.filter((backend) => backend === 'b4')).toHaveLength(3);
    balancer.removeBackend('b4', 0);
    for (let count = 0; count < 3; count++) balancer.finish('b4', { ok: false, latencyMs: 5 }, 1);
    expect(balancer.events.map((event) => event.kind)).toEqual(['removed']);
  });

  it('does not count a leaving backend among the ejected either: two leave ejected, two of the four left may still go', () => {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'], outlierDetection: { ...outlierDetection, minRequests: 2 } });
    const picked = Array.from({ length: 18 }, () => balancer.pick(0)!);
    expect(picked.filter((backend) => backend === 'b6')).toHaveLength(3);
    const fail = (backend: string, times: number, atMs: number): void => {
      for (let count = 0; count < times; count++) balancer.finish(backend, { ok: false, latencyMs: 5 }, atMs);
    };
    fail('b5', 2, 0);
    fail('b6', 2, 0);
    balancer.removeBackend('b5', 0);
    balancer.removeBackend('b6', 0);
    for (const backend of ['b1', 'b2', 'b3']) fail(backend, 2, 1);
    // Four members: floor(0.5 x 4) = 2 ejections (counting b5 and b6 against six would allow only one more).
    expect(balancer.events.filter((event) => event.kind === 'ejected').map((event) => event.backend)).toEqual(['b5', 'b6', 'b1', 'b2']);
    expect(balancer.inRotation(1)).toEqual(['b3', 'b4']);
  });
});
