import { describe, expect, it } from 'vitest';
import { FixedTimeoutDetector } from '../../../src/detectors/fixed-timeout.js';
import { PhiAccrualDetector } from '../../../src/detectors/phi-accrual.js';
import { Simulation } from '../../../src/simulation.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { createDetectorWatch, withHeartbeats } from '../../../src/patterns/supervisor/detector-watch.js';
import { createSupervisor } from '../../../src/patterns/supervisor/supervisor.js';

function watched(seed: number) {
  const sim = new Simulation({ seed, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } });
  for (const id of ['w1', 'w2']) sim.addNode(id, withHeartbeats(() => ({}), { to: 'sup', intervalMs: 100 }));
  const watch = createDetectorWatch(sim, 'sup', { targets: ['w1', 'w2'], detector: () => new FixedTimeoutDetector({ timeoutMs: 300 }), checkIntervalMs: 50 });
  return { sim, watch };
}

describe('detector watch', () => {
  it("flips a target's verdict once its heartbeats stop for the detector's timeout, and back when they resume", () => {
    const { sim, watch } = watched(1);
    sim.addNode('sup', watch.embedIn(() => ({})));
    sim.schedule(1_000, () => sim.crash('w2'));
    sim.schedule(2_000, () => sim.restart('w2'));
    sim.run({ until: 3_000 });
    expect(watch.verdicts.map(({ target, trusted }) => ({ target, trusted }))).toEqual([{ target: 'w2', trusted: false }, { target: 'w2', trusted: true }]);
    expect(watch.verdicts[0]!.timeMs).toBeGreaterThan(1_200);
    expect(watch.verdicts[0]!.timeMs).toBeLessThanOrEqual(1_400);
    expect(watch.isTrusted('w1')).toBe(true);
  });

  it("drives a supervisor: a phi-accrual verdict restarts the child", () => {
    const sim = new Simulation({ seed: 2 });
    sim.addNode('w', withHeartbeats(() => ({}), { to: 'sup', intervalMs: 100 }));
    const watch = createDetectorWatch(sim, 'sup', { targets: ['w'], detector: () => new PhiAccrualDetector({ threshold: 8, firstHeartbeatEstimateMs: 100, minStdDeviationMs: 10 }), checkIntervalMs: 20 });
    const supervisor = createSupervisor(sim, 'sup', { children: ['w'], verdicts: watch, backoff: { initialMs: 50 } });
    sim.addNode('sup', supervisor.embedIn(() => ({})));
    sim.schedule(1_000, () => sim.crash('w'));
    sim.run({ until: 2_000 });
    expect(supervisor.restartsOf('w')).toBe(1);
    expect(sim.isUp('w')).toBe(true);
  });

  it("drives a balancer's rotation", () => {
    const { sim, watch } = watched(3);
    const balancer = new LoadBalancer({ backends: ['w1', 'w2'], verdicts: watch });
    sim.addNode('sup', watch.embedIn(() => ({})));
    sim.schedule(1_000, () => sim.crash('w1'));
    sim.run({ until: 2_000 });
    expect(balancer.inRotation(0)).toEqual(['w2']);
    expect(balancer.events).toMatchObject([{ kind: 'down', backend: 'w1' }]);
  });
});
