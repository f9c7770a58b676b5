import { describe, expect, it } from 'vitest';
import { createHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { Simulation } from '../../../src/simulation.js';
import { HandlerError, InvalidArgumentError } from '../../../src/errors.js';
import { catchError } from '../../detectors/expect-invalid.js';
import { LIVENESS } from './scenario.js';

describe('a health checker embedded in a load balancer', () => {
  it('routes around a crashed backend once its check flips, while the balancer keeps its own timers and messages', () => {
    const sim = new Simulation({ seed: 21, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
    const served: Record<string, number[]> = { 'api-1': [], 'api-2': [] };
    for (const id of ['api-1', 'api-2']) {
      sim.addNode(id, withHealthEndpoint(() => ({ onMessage: (_from: string, request: unknown) => { if (request === 'work') served[id]!.push(sim.now); } })));
    }
    const health = createHealthChecker(sim, 'lb', { checks: [{ ...LIVENESS, target: 'api-1' }, { ...LIVENESS, target: 'api-2' }] });
    const healthy = new Set(['api-1', 'api-2']);
    health.onChange((transition) => (transition.to === 'healthy' ? healthy.add(transition.target) : healthy.delete(transition.target)));
    let ticks = 0;
    sim.addNode('lb', health.embedIn((ctx) => ({
      onStart: () => ctx.setTimer(10, 'tick'),
      onTimer: (name) => {
        expect(name).toBe('tick');
        ticks++;
        // Always the first healthy backend, so a failover is visible.
        const backend = ['api-1', 'api-2'].find((id) => healthy.has(id));
        if (backend !== undefined) ctx.send(backend, 'work');
        ctx.setTimer(10, 'tick');
      },
    })));
    sim.schedule(1_000, () => sim.crash('api-1'));
    sim.run({ until: 2_000 });
    const flip = health.transitionsOf('api-1/liveness')[0]!;
    expect(flip.to).toBe('unhealthy');
    expect(served['api-2']!.length).toBeGreaterThan(0);
    expect(Math.min(...served['api-2']!)).toBeGreaterThan(flip.timeMs);
    expect(served['api-2']!.length).toBeGreaterThan(60); // every tick after the flip, ~10 ms apart
    expect(ticks).toBeGreaterThanOrEqual(199);
    expect(health.transitionsOf('api-2/liveness')).toEqual([]);
  });

  it('refuses to run in a node whose id is not the checker\'s', () => {
    const sim = new Simulation({ seed: 1 });
    const health = createHealthChecker(sim, 'lb', { checks: [LIVENESS] });
    sim.addNode('api', withHealthEndpoint(() => ({})));
    // The behaviour runs inside addNode, which reports what it threw as a HandlerError.
    const error = catchError(() => sim.addNode('other', health.embedIn(() => ({}))));
    expect(error).toBeInstanceOf(HandlerError);
    expect((error as HandlerError).cause).toBeInstanceOf(InvalidArgumentError);
    expect((error as HandlerError).message).toContain("the checker's id 'lb'");
  });
});
