import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';

describe('load balancer membership at run time', () => {
  it('puts an added backend in rotation and records it', () => {
    const balancer = new LoadBalancer({ backends: ['b1'] });
    balancer.addBackend({ id: 'b2', weight: 2 }, 10);
    expect(balancer.inRotation(10)).toEqual(['b1', 'b2']);
    expect(balancer.backend('b2')).toMatchObject({ weight: 2, up: true, outstanding: 0 });
    const picks = Array.from({ length: 3 }, () => balancer.pick(10));
    expect(picks.filter((id) => id === 'b2')).toHaveLength(2);
    expect(balancer.events).toEqual([{ kind: 'added', backend: 'b2', atMs: 10 }]);
  });

  it('never picks a removed backend again, lets its requests in flight finish, then forgets it', () => {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2'], policy: 'least-outstanding' });
    expect(balancer.pick(0)).toBe('b1');
    balancer.removeBackend('b1', 5);
    expect(balancer.inRotation(5)).toEqual(['b2']);
    expect(Array.from({ length: 4 }, () => balancer.pick(5))).toEqual(['b2', 'b2', 'b2', 'b2']);
    expect(balancer.backend('b1').outstanding).toBe(1);
    balancer.finish('b1', { ok: true, latencyMs: 7 }, 7);
    expectInvalidArgument(() => balancer.backend('b1'), 'backend');
    // Its id is free again once forgotten.
    balancer.addBackend('b1', 9);
    expect(balancer.inRotation(9)).toEqual(['b2', 'b1']);
    expect(balancer.events.map((event) => event.kind)).toEqual(['removed', 'added']);
  });

  it('forgets a removed backend with nothing in flight at once; removing the last leaves no backend', () => {
    const balancer = new LoadBalancer({ backends: ['b1'] });
    balancer.removeBackend('b1', 0);
    expect(balancer.pick(0)).toBeUndefined();
    expectInvalidArgument(() => balancer.removeBackend('b1', 0), 'backend');
  });

  it('refuses a duplicate id, a bad weight, a second removal and a non-finite clock', () => {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2'] });
    expectInvalidArgument(() => balancer.addBackend('b1', 0), 'backend.id');
    expectInvalidArgument(() => balancer.addBackend({ id: 'b3', weight: 0 }, 0), 'backend.weight');
    expectInvalidArgument(() => balancer.addBackend({ id: 'b3', speed: 2 } as never, 0), 'backend.speed');
    expectInvalidArgument(() => balancer.addBackend('b3', Number.NaN), 'nowMs');
    balancer.pick(0);
    balancer.removeBackend('b1', 0);
    expectInvalidArgument(() => balancer.removeBackend('b1', 0), 'backend');
    expectInvalidArgument(() => balancer.addBackend('b1', 0), 'backend.id');
  });

  it('follows the verdicts for an added backend its source watches, and keeps an unwatched one up', async () => {
    const sim = new Simulation({ seed: 4 });
    for (const id of ['b1', 'b2']) sim.addNode(id, withHealthEndpoint(() => ({})));
    const health = createHealthChecker(sim, 'lb', { checks: ['b1', 'b2'].map((target) => ({ target, kind: 'liveness' as const, intervalMs: 50, timeoutMs: 20 })) });
    const balancer = new LoadBalancer({ backends: ['b1'], verdicts: health });
    sim.addNode('lb', health.embedIn(() => ({})));
    sim.addNode('x', () => ({}));
    balancer.addBackend('b2', 0);
    balancer.addBackend('x', 0);
    sim.schedule(100, () => sim.crash('b2'));
    sim.run({ until: 400 });
    expect(balancer.backend('b2').up).toBe(false);
    expect(balancer.inRotation(sim.now)).toEqual(['b1', 'x']);
  });
});
