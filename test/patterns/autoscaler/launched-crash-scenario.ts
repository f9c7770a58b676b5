import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import type { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler, type Autoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import type { PoolHealthCheck } from '../../../src/patterns/autoscaler/pool-health-checks.js';
import type { NodeBehaviour } from '../../../src/world/node-context.js';

// The story: two workers sit behind a proxy 'lb' that health-checks them (liveness every 100 ms,
// down after 3 misses) and balances over the ones its checks call up. A spike from 5 s to 15 s
// makes the autoscaler launch workers. At 10 s the first worker it launched crashes. Without
// `healthChecks`, nothing checks a launched worker: the proxy keeps sending it requests, which
// time out, until the run ends. With them, the autoscaler gave the worker the pool's liveness
// check as it started, so the proxy takes it out of rotation within 3 x 100 + 50 ms.

export const SEED = 21;
export const SPIKE_START_MS = 5_000;
export const SPIKE_END_MS = 15_000;
export const CRASH_MS = 10_000;
/** Clients send a request every 10 ms (100 a second), every 6 ms (about 167 a second) in the spike. */
export const BASE_EVERY_MS = 10;
export const SPIKE_EVERY_MS = 6;
export const UNTIL_MS = 25_000;
export const PROXY_TIMEOUT_MS = 1_000;
export const CLIENT_TIMEOUT_MS = 2_000;
export const LIVENESS: PoolHealthCheck = { kind: 'liveness', intervalMs: 100, timeoutMs: 50 };
/** Detection bound of {@link LIVENESS}: the last probe before the crash answered, then 3 probes an interval apart fail, the last after its timeout. */
export const DETECTION_BOUND_MS = 3 * 100 + 50;
const WORKER_SERVICE = { messagesPerSec: 100, inboxLimit: 1_000 };
const STARTING_POOL = ['w1', 'w2'];

/** A worker answers 'ok' and counts what it served (liveness probes do not reach its handler). */
const worker: NodeBehaviour = withHealthEndpoint((ctx) => ({
  onCall() {
    ctx.metrics.counter('requests_total', { help: 'Requests served' }).inc();
    return 'ok';
  },
}));

export interface LaunchedCrashRun {
  sim: Simulation;
  health: HealthChecker;
  balancer: LoadBalancer;
  autoscaler: Autoscaler;
  /** The launched worker crashed at {@link CRASH_MS}: the first the autoscaler launched. */
  crashed: string;
  /** Every client request: when sent, and whether it succeeded. */
  requests: Array<{ sentMs: number; ok: boolean }>;
}

/** Runs the story, with or without the autoscaler's `healthChecks`. */
export async function runLaunchedCrash(options: { healthChecks: boolean; seed?: number }): Promise<LaunchedCrashRun> {
  const sim = new Simulation({ seed: options.seed ?? SEED, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } } });
  for (const id of STARTING_POOL) sim.addNode(id, worker, { service: WORKER_SERVICE });
  const health = createHealthChecker(sim, 'lb', { checks: STARTING_POOL.map((target) => ({ ...LIVENESS, target })) });
  const balancer = addLoadBalancer(sim, 'lb', { backends: STARTING_POOL, policy: 'least-outstanding', timeoutMs: PROXY_TIMEOUT_MS, verdicts: health });
  const autoscaler = addAutoscaler(sim, 'scaler', {
    pool: STARTING_POOL, behaviour: worker, idPrefix: 'w', nodeOptions: { service: WORKER_SERVICE },
    metric: { counterRate: 'requests_total' }, targetValue: 60, minSize: 2, maxSize: 8,
    evaluationIntervalMs: 500, startDelayMs: 2_000, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 5_000, drainMs: 1_000, balancer,
    ...(options.healthChecks ? { healthChecks: { checker: health, checks: [LIVENESS] } } : {}),
  });
  const run: LaunchedCrashRun = { sim, health, balancer, autoscaler, crashed: '', requests: [] };
  sim.schedule(CRASH_MS, () => {
    run.crashed = autoscaler.events.find((event) => event.kind === 'ready')!.nodes[0]!;
    sim.crash(run.crashed);
  });
  sim.addNode('c', (ctx) => ({
    onStart() {
      ctx.setTimer(10, 'request');
    },
    async onTimer() {
      const spiking = sim.now >= SPIKE_START_MS && sim.now < SPIKE_END_MS;
      ctx.setTimer(spiking ? SPIKE_EVERY_MS : BASE_EVERY_MS, 'request');
      const sentMs = sim.now;
      const reply = await ctx.call('lb', 'get', { timeoutMs: CLIENT_TIMEOUT_MS }).catch(() => 'timeout');
      run.requests.push({ sentMs, ok: reply === 'ok' });
    },
  }));
  await sim.runAsync({ until: UNTIL_MS });
  return run;
}

/** Requests sent from the crash until the last ones that could settle, that failed. */
export function failedAfterCrash(run: LaunchedCrashRun): number {
  return run.requests.filter((request) => request.sentMs >= CRASH_MS && request.sentMs < UNTIL_MS - CLIENT_TIMEOUT_MS && !request.ok).length;
}
