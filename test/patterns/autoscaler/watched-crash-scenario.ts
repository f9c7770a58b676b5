import { Simulation } from '../../../src/simulation.js';
import { FixedTimeoutDetector } from '../../../src/detectors/fixed-timeout.js';
import { createDetectorWatch, withHeartbeats, type DetectorWatch } from '../../../src/patterns/supervisor/detector-watch.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import type { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler, type Autoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import type { NodeBehaviour } from '../../../src/world/node-context.js';
import { BASE_EVERY_MS, CLIENT_TIMEOUT_MS, CRASH_MS, PROXY_TIMEOUT_MS, SEED, SPIKE_END_MS, SPIKE_EVERY_MS, SPIKE_START_MS, UNTIL_MS } from './launched-crash-scenario.js';

// The story of launched-crash-scenario.ts, with a failure detector in place of health checks:
// two workers behind a proxy 'lb' send it a heartbeat every 100 ms, and the proxy's watch
// suspects a worker silent for more than 300 ms (checked every 50 ms). A spike from 5 s to 15 s
// makes the autoscaler launch workers; at 10 s the first one it launched crashes. Without
// `watch`, the watch never hears of launched workers (their heartbeats are ignored): the proxy
// keeps sending the dead one requests. With it, the autoscaler made each launched worker a
// target as it started, so the proxy takes the dead one out of rotation within
// DETECTION_BOUND_MS.

export const HEARTBEAT_INTERVAL_MS = 100;
export const TIMEOUT_MS = 300;
export const CHECK_INTERVAL_MS = 50;
/** Link latency is uniform in [1, 4] ms. */
const MAX_LATENCY_MS = 4;
/**
 * Detection bound: the last heartbeat before the crash arrives at most MAX_LATENCY_MS after it;
 * the detector suspects once more than TIMEOUT_MS has passed since, and the watch asks at most
 * CHECK_INTERVAL_MS later.
 */
export const DETECTION_BOUND_MS = MAX_LATENCY_MS + TIMEOUT_MS + CHECK_INTERVAL_MS;
const WORKER_SERVICE = { messagesPerSec: 100, inboxLimit: 1_000 };
const STARTING_POOL = ['w1', 'w2'];

/** A worker answers 'ok', counts what it served, and sends the proxy heartbeats. */
const worker: NodeBehaviour = withHeartbeats((ctx) => ({
  onCall() {
    ctx.metrics.counter('requests_total', { help: 'Requests served' }).inc();
    return 'ok';
  },
}), { to: 'lb', intervalMs: HEARTBEAT_INTERVAL_MS });

export interface WatchedCrashRun {
  sim: Simulation;
  watch: DetectorWatch;
  balancer: LoadBalancer;
  autoscaler: Autoscaler;
  /** The launched worker crashed at {@link CRASH_MS}: the first the autoscaler launched. */
  crashed: string;
  /** Every client request: when sent, and whether it succeeded. */
  requests: Array<{ sentMs: number; ok: boolean }>;
}

/** Runs the story, with or without the autoscaler's `watch`. */
export async function runWatchedCrash(options: { watch: boolean; seed?: number }): Promise<WatchedCrashRun> {
  const sim = new Simulation({ seed: options.seed ?? SEED, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: MAX_LATENCY_MS } } } });
  for (const id of STARTING_POOL) sim.addNode(id, worker, { service: WORKER_SERVICE });
  const watch = createDetectorWatch(sim, 'lb', { targets: STARTING_POOL, detector: () => new FixedTimeoutDetector({ timeoutMs: TIMEOUT_MS }), checkIntervalMs: CHECK_INTERVAL_MS });
  const balancer = addLoadBalancer(sim, 'lb', { backends: STARTING_POOL, policy: 'least-outstanding', timeoutMs: PROXY_TIMEOUT_MS, verdicts: watch });
  const autoscaler = addAutoscaler(sim, 'scaler', {
    pool: STARTING_POOL, behaviour: worker, idPrefix: 'w', nodeOptions: { service: WORKER_SERVICE },
    metric: { counterRate: 'requests_total' }, targetValue: 60, minSize: 2, maxSize: 8,
    evaluationIntervalMs: 500, startDelayMs: 2_000, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 5_000, drainMs: 1_000, balancer,
    ...(options.watch ? { watch } : {}),
  });
  const run: WatchedCrashRun = { sim, watch, balancer, autoscaler, crashed: '', requests: [] };
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
export function failedAfterCrash(run: WatchedCrashRun): number {
  return run.requests.filter((request) => request.sentMs >= CRASH_MS && request.sentMs < UNTIL_MS - CLIENT_TIMEOUT_MS && !request.ok).length;
}
