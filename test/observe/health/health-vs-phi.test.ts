import { describe, expect, it } from 'vitest';
import { PhiAccrualDetector } from '../../../src/detectors/phi-accrual.js';
import type { DetectorTransition } from '../../../src/detectors/harness.js';
import { measureQoS } from '../../../src/detectors/qos.js';
import { addHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { measureHealthQoS } from '../../../src/observe/health/health-qos.js';
import { Simulation } from '../../../src/simulation.js';
import { LIVENESS, READINESS } from './scenario.js';

const RUN_MS = 8_000;
const FROM_MS = 1_000;
const HEARTBEAT_MS = 100;
const SAMPLE_MS = 5;

/**
 * One run, two monitors of the same api node: 'lb' runs health checks, 'mon' runs phi-accrual
 * on heartbeats the api sends it (sampled every 5 ms, as a user would poll it).
 */
function sideBySide(seed: number): { sim: Simulation; phi: DetectorTransition[]; health: ReturnType<typeof addHealthChecker> } {
  const sim = new Simulation({ seed, network: { link: { latency: { kind: 'normal', meanMs: 5, stdDevMs: 1 } } } });
  sim.addNode('api', withHealthEndpoint((ctx) => ({
    onStart: () => ctx.setTimer(HEARTBEAT_MS, 'beat'),
    onTimer: () => { ctx.send('mon', 'heartbeat'); ctx.setTimer(HEARTBEAT_MS, 'beat'); },
    onCall: () => 'ok',
  })));
  const phi: DetectorTransition[] = [];
  sim.addNode('mon', (ctx) => {
    const detector = new PhiAccrualDetector({ threshold: 8, minStdDeviationMs: 20, firstHeartbeatEstimateMs: HEARTBEAT_MS });
    let trusted = true;
    const sample = (): void => {
      const available = detector.isAvailable(ctx.now());
      if (available !== trusted) phi.push({ kind: available ? 'trust' : 'suspect', timeMs: sim.now, localTimeMs: ctx.now() });
      trusted = available;
    };
    return {
      onStart: () => ctx.setTimer(SAMPLE_MS, 'sample'),
      onTimer: () => { sample(); ctx.setTimer(SAMPLE_MS, 'sample'); },
      onMessage: () => { detector.heartbeat(ctx.now()); sample(); },
    };
  });
  const health = addHealthChecker(sim, 'lb', { checks: [LIVENESS, READINESS] });
  return { sim, phi, health };
}

describe('a health check side by side with phi-accrual on the same run', () => {
  it('scores both on the same crash with the same QoS figures', () => {
    const { sim, phi, health } = sideBySide(11);
    sim.schedule(3_000, () => sim.crash('api'));
    sim.schedule(5_000, () => sim.restart('api'));
    sim.run({ until: RUN_MS });
    const phiQoS = measureQoS(phi, sim.truth, 'api', FROM_MS, RUN_MS, { monitor: 'mon', intervalMs: HEARTBEAT_MS });
    const livenessQoS = measureHealthQoS(health, 'api/liveness', sim.truth, FROM_MS, RUN_MS);
    for (const qos of [phiQoS, livenessQoS]) {
      expect(qos.crashes).toBe(1);
      expect(qos.undetectedCrashes).toBe(0);
      expect(qos.mistakes).toEqual([]);
      expect(qos.upTimeMs).toBe(RUN_MS - FROM_MS - 2_000);
    }
    // Both detect within a few intervals; the figures are comparable because they are the same kind.
    expect(phiQoS.detectionTime.maxMs!).toBeLessThan(5 * HEARTBEAT_MS);
    expect(livenessQoS.detectionTime.maxMs!).toBeLessThan(3 * HEARTBEAT_MS);
  });

  it('on a slow node, readiness reports the gray failure that neither phi-accrual nor liveness sees', () => {
    const { sim, phi, health } = sideBySide(12);
    sim.inject([{ kind: 'slow-node', atMs: 3_000, durationMs: 2_000, target: 'api', params: { model: { latencyFactor: 5 } } }]);
    sim.run({ until: RUN_MS });
    const phiQoS = measureQoS(phi, sim.truth, 'api', FROM_MS, RUN_MS, { monitor: 'mon', intervalMs: HEARTBEAT_MS });
    expect(phiQoS.queryAccuracyProbability).toBe(1);
    expect(measureHealthQoS(health, 'api/liveness', sim.truth, FROM_MS, RUN_MS).queryAccuracyProbability).toBe(1);
    const readiness = measureHealthQoS(health, 'api/readiness', sim.truth, FROM_MS, RUN_MS);
    expect(readiness.mistakes).toHaveLength(1);
    expect(readiness.queryAccuracyProbability!).toBeLessThan(0.75);
  });
});
