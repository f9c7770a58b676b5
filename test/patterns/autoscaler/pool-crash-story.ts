import { expect } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import type { QoSMeasurement } from '../../../src/detectors/qos.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import type { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler, type Autoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import type { AutoscalerOptions } from '../../../src/patterns/autoscaler/autoscaler-options.js';
import type { VerdictSource } from '../../../src/patterns/supervisor/verdicts.js';
import type { NodeBehaviour, NodeContext } from '../../../src/world/node-context.js';

// The story both launched-crash scenarios tell: two workers sit behind a proxy 'lb' that follows
// a verdict source (health checks, or a failure detector's watch) and balances over the workers
// it believes up. A spike from 5 s to 15 s makes the autoscaler launch workers. At 10 s the first
// worker it launched crashes. Unless the autoscaler hands launched workers to the source, nothing
// watches them: the proxy keeps sending the dead one requests, which time out, until the run ends.

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
/** Link latency is uniform in [1, MAX_LATENCY_MS] ms. */
export const MAX_LATENCY_MS = 4;
export const STARTING_POOL = ['w1', 'w2'];
const WORKER_SERVICE = { messagesPerSec: 100, inboxLimit: 1_000 };

/** A worker's own code: it answers 'ok' and counts what it served. Each scenario wraps it for its source. */
export const serve = (ctx: NodeContext): { onCall(): string } => ({
  onCall() {
    ctx.metrics.counter('requests_total', { help: 'Requests served' }).inc();
    return 'ok';
  },
});

export interface PoolCrashRun<Source extends VerdictSource> {
  sim: Simulation;
  /** What the proxy follows. */
  source: Source;
  balancer: LoadBalancer;
  autoscaler: Autoscaler;
  /** The launched worker crashed at {@link CRASH_MS}: the first the autoscaler launched. */
  crashed: string;
  /** Every client request: when sent, and whether it succeeded. */
  requests: Array<{ sentMs: number; ok: boolean }>;
}

/**
 * Runs the story with `worker` as every worker's behaviour, the proxy following the source
 * `watchPool` builds, and `handOver(source)` as the autoscaler options that give it launched
 * workers (`{}` for the run without).
 */
export async function runPoolCrash<Source extends VerdictSource>(
  seed: number,
  worker: NodeBehaviour,
  watchPool: (sim: Simulation) => Source,
  handOver: (source: Source) => Partial<AutoscalerOptions>,
): Promise<PoolCrashRun<Source>> {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: MAX_LATENCY_MS } } } });
  for (const id of STARTING_POOL) sim.addNode(id, worker, { service: WORKER_SERVICE });
  const source = watchPool(sim);
  const balancer = addLoadBalancer(sim, 'lb', { backends: STARTING_POOL, policy: 'least-outstanding', timeoutMs: PROXY_TIMEOUT_MS, verdicts: source });
  const autoscaler = addAutoscaler(sim, 'scaler', {
    pool: STARTING_POOL, behaviour: worker, idPrefix: 'w', nodeOptions: { service: WORKER_SERVICE },
    metric: { counterRate: 'requests_total' }, targetValue: 60, minSize: 2, maxSize: 8,
    evaluationIntervalMs: 500, startDelayMs: 2_000, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 5_000, drainMs: 1_000, balancer,
    ...handOver(source),
  });
  const run: PoolCrashRun<Source> = { sim, source, balancer, autoscaler, crashed: '', requests: [] };
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
export function failedAfterCrash(run: { requests: ReadonlyArray<{ sentMs: number; ok: boolean }> }): number {
  return run.requests.filter((request) => request.sentMs >= CRASH_MS && request.sentMs < UNTIL_MS - CLIENT_TIMEOUT_MS && !request.ok).length;
}

/**
 * What both scenarios show with the hand-over: the proxy took the crashed worker out of rotation
 * at `downAtMs`, after the crash and within `boundMs` of it, and `failed` requests failed.
 */
export function expectTakenOut(run: PoolCrashRun<VerdictSource>, boundMs: number, downAtMs: number, failed: number): void {
  const down = run.balancer.events.find((event) => event.backend === run.crashed && event.kind === 'down')!;
  expect(down.atMs - CRASH_MS).toBeGreaterThan(0);
  expect(down.atMs - CRASH_MS).toBeLessThanOrEqual(boundMs);
  expect(down.atMs).toBe(downAtMs);
  expect(run.balancer.inRotation(run.sim.now)).not.toContain(run.crashed);
  expect(failedAfterCrash(run)).toBe(failed);
}

/** The crashed worker's monitor, scored from `fromMs`: its one crash caught in `detectionMs` (within `boundMs`), no mistakes. */
export function expectCrashCaught(score: QoSMeasurement, fromMs: number, detectionMs: number, boundMs: number): void {
  expect(score.fromMs).toBe(fromMs);
  expect(score.crashes).toBe(1);
  expect(score.undetectedCrashes).toBe(0);
  expect(score.detectionTime.maxMs).toBe(detectionMs);
  expect(score.detectionTime.maxMs!).toBeLessThanOrEqual(boundMs);
  expect(score.mistakes).toEqual([]);
  expect(score.queryAccuracyProbability).toBe(1);
}
