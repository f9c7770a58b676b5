import { Simulation } from '../../../src/simulation.js';
import { addHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import type { HealthCheckOptions } from '../../../src/observe/health/health-check-options.js';

export const INTERVAL_MS = 100;
/** Liveness is lenient (a generous timeout), readiness holds the service to a 20 ms round trip. */
export const LIVENESS: HealthCheckOptions = { target: 'api', kind: 'liveness', intervalMs: INTERVAL_MS, timeoutMs: 80, unhealthyThreshold: 2 };
export const READINESS: HealthCheckOptions = {
  target: 'api', kind: 'readiness', request: 'get', isHealthy: (reply, latencyMs) => reply === 'ok' && latencyMs < 20,
  intervalMs: INTERVAL_MS, timeoutMs: 30, unhealthyThreshold: 2,
};

/** An api node answering 'ok', and a load balancer 'lb' checking it: a ~10 ms round trip when all is well. */
export function healthScenario(seed: number | string, checks: HealthCheckOptions[] = [LIVENESS, READINESS]): { sim: Simulation; health: HealthChecker } {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'normal', meanMs: 5, stdDevMs: 1 } } } });
  sim.addNode('api', withHealthEndpoint(() => ({ onCall: (_from: string, request: unknown) => (request === 'get' ? 'ok' : 'what?') })));
  const health = addHealthChecker(sim, 'lb', { checks });
  return { sim, health };
}
