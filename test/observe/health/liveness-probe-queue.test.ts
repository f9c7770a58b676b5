import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import { addHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';

describe('a liveness probe to a node with a limited service', () => {
  it('waits in the inbox behind the backlog, as the health endpoint documents, and times out under overload', () => {
    const sim = new Simulation({ seed: 2, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
    // 100 messages a second: 10 ms each.
    sim.addNode('api', withHealthEndpoint(() => ({ onMessage() {} })), { service: { messagesPerSec: 100 } });
    sim.addNode('client', (ctx) => ({ onStart: () => ctx.setTimer(150, 'flood'), onTimer: () => { for (let i = 0; i < 30; i++) ctx.send('api', i); } }));
    const health = addHealthChecker(sim, 'lb', { checks: [{ target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 80, unhealthyThreshold: 2 }] });
    sim.run({ until: 1_000 });
    const latencies = health.repliesOf('api/liveness').map((reply) => [reply.sentMs, reply.timeMs - reply.sentMs!]);
    // Before the flood: the round trip only. During it: 300 ms of backlog ahead of the probe.
    expect(latencies.find(([sentMs]) => sentMs! < 150)![1]).toBe(10);
    expect(Math.max(...latencies.map(([, latencyMs]) => latencyMs!))).toBeGreaterThan(200);
    expect(health.transitionsOf('api/liveness').map((flip) => [flip.to, flip.reason])).toEqual([
      ['unhealthy', 'timeout'],
      ['healthy', 'ok'],
    ]);
  });
});
