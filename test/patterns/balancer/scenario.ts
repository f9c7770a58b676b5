import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { addLoadBalancer, BalancerFailure } from '../../../src/patterns/balancer/balancer-proxy.js';
import type { OutlierDetectionOptions, BalancingPolicy } from '../../../src/patterns/balancer/balancer-options.js';
import type { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';

export const BACKENDS = ['b1', 'b2', 'b3'];
export const CHECK_INTERVAL_MS = 100;
export const REQUEST_EVERY_MS = 10;

/** What the client saw: per request, when it was sent, how long it took, and whether it failed. */
export interface ClientRecord {
  sentMs: number;
  latencyMs: number;
  failed: boolean;
}

export interface BalancedCluster {
  sim: Simulation;
  balancer: LoadBalancer;
  health: HealthChecker;
  /** Every pick, with its true time. */
  picks: Array<{ backend: string; timeMs: number }>;
  requests: ClientRecord[];
}

/**
 * Three backends answering 'ok', a proxy 'lb' that checks their liveness itself (every 100 ms,
 * down after 2 misses) and balances over them, and a client 'c' calling the proxy every 10 ms.
 */
export function balancedCluster(sim: Simulation, options: { policy?: BalancingPolicy; outlierDetection?: OutlierDetectionOptions; healthChecks?: boolean } = {}): BalancedCluster {
  for (const id of BACKENDS) sim.addNode(id, withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const checks = BACKENDS.map((target) => ({ target, kind: 'liveness' as const, intervalMs: CHECK_INTERVAL_MS, timeoutMs: 50, unhealthyThreshold: 2 }));
  const health = createHealthChecker(sim, 'lb', { checks });
  const balancer = addLoadBalancer(sim, 'lb', {
    backends: BACKENDS, policy: options.policy ?? 'round-robin', timeoutMs: 200,
    ...(options.healthChecks === false ? {} : { verdicts: health }),
    ...(options.outlierDetection === undefined ? {} : { outlierDetection: options.outlierDetection }),
  });
  const picks: BalancedCluster['picks'] = [];
  balancer.onPick((backend) => picks.push({ backend, timeMs: sim.now }));
  const requests: ClientRecord[] = [];
  sim.addNode('c', (ctx) => ({
    onStart() {
      ctx.setTimer(REQUEST_EVERY_MS, 'request');
    },
    async onTimer() {
      ctx.setTimer(REQUEST_EVERY_MS, 'request');
      const sentMs = sim.now;
      const reply = await ctx.call('lb', 'get', { timeoutMs: 500 }).catch(() => new BalancerFailure('timeout'));
      requests.push({ sentMs, latencyMs: sim.now - sentMs, failed: reply !== 'ok' });
    },
  }));
  return { sim, balancer, health, picks, requests };
}
