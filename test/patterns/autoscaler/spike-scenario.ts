import { Simulation } from '../../../src/simulation.js';
import { watchWorld } from '../../../src/observe/metrics/world-metrics.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import type { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler, type Autoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import type { AutoscalerOptions } from '../../../src/patterns/autoscaler/autoscaler-options.js';
import type { NodeBehaviour } from '../../../src/world/node-context.js';

// The story: two workers, each serving 100 requests a second, sit behind a least-outstanding
// balancer. Clients send 100 requests a second; from 5 s to 15 s a spike quadruples that. A fixed
// pool queues the excess until requests time out; an autoscaler tracking 60 requests served per
// second per worker launches workers (2 s to boot), then drains them once the spike is over.

export const SEED = 15;
export const SPIKE_START_MS = 5_000;
export const SPIKE_END_MS = 15_000;
export const UNTIL_MS = 45_000;
export const BASE_EVERY_MS = 10;
export const SPIKE_EVERY_MS = 2.5;
export const PROXY_TIMEOUT_MS = 1_000;
export const CLIENT_TIMEOUT_MS = 2_000;
export const WORKER_SERVICE = { messagesPerSec: 100, inboxLimit: 1_000 };
export const STARTING_POOL = ['w1', 'w2'];

/** The autoscaler of the story; a test or the bench may change any option. */
export const SCALING: Omit<AutoscalerOptions, 'pool' | 'behaviour' | 'balancer'> = {
  idPrefix: 'w', nodeOptions: { service: WORKER_SERVICE },
  metric: { counterRate: 'requests_total' }, targetValue: 60, minSize: 2, maxSize: 8,
  evaluationIntervalMs: 500, startDelayMs: 2_000, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 5_000, drainMs: 1_000,
};

/** One client request: when it was sent, how long until its answer or failure, and whether it succeeded. */
export interface RequestRecord {
  sentMs: number;
  latencyMs: number;
  ok: boolean;
}

export interface SpikeRun {
  sim: Simulation;
  balancer: LoadBalancer;
  autoscaler: Autoscaler | undefined;
  requests: RequestRecord[];
  /** Pool size (serving, booting or crashed) after each autoscaler event, with its time; one entry for a fixed pool. */
  poolSizes: Array<{ timeMs: number; size: number }>;
}

/** A worker answers 'ok' and counts what it served. */
export const worker: NodeBehaviour = (ctx) => ({
  onCall() {
    ctx.metrics.counter('requests_total', { help: 'Requests served' }).inc();
    return 'ok';
  },
});

/** Options of {@link runSpike}. */
export interface SpikeOptions {
  /** Run the autoscaler (options merged over {@link SCALING}). */
  autoscale: boolean;
  scaling?: Partial<AutoscalerOptions>;
  seed?: number;
  /** Workers at the start (default 2: w1, w2). */
  poolSize?: number;
  /** Register watchWorld's metrics, sampled every 250 ms (for a queue-length metric). */
  watchWorld?: boolean;
}

/** Runs the story with or without the autoscaler. */
export async function runSpike(options: SpikeOptions): Promise<SpikeRun> {
  const sim = new Simulation({ seed: options.seed ?? SEED, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } } });
  if (options.watchWorld === true) {
    sim.metrics.configure({ intervalMs: 250 });
    watchWorld(sim);
  }
  const pool = options.poolSize === undefined ? STARTING_POOL : Array.from({ length: options.poolSize }, (_, index) => `w${index + 1}`);
  for (const id of pool) sim.addNode(id, worker, { service: WORKER_SERVICE });
  const balancer = addLoadBalancer(sim, 'lb', { backends: pool, policy: 'least-outstanding', timeoutMs: PROXY_TIMEOUT_MS });
  const autoscaler = options.autoscale
    ? addAutoscaler(sim, 'scaler', { ...SCALING, ...options.scaling, pool, behaviour: worker, balancer })
    : undefined;
  const poolSizes = [{ timeMs: 0, size: pool.length }];
  autoscaler?.onEvent((event) => poolSizes.push({ timeMs: event.timeMs, size: event.poolSize }));
  const requests: RequestRecord[] = [];
  sim.addNode('c', (ctx) => ({
    onStart() {
      ctx.setTimer(BASE_EVERY_MS, 'request');
    },
    async onTimer() {
      const spiking = sim.now >= SPIKE_START_MS && sim.now < SPIKE_END_MS;
      ctx.setTimer(spiking ? SPIKE_EVERY_MS : BASE_EVERY_MS, 'request');
      const sentMs = sim.now;
      const reply = await ctx.call('lb', 'get', { timeoutMs: CLIENT_TIMEOUT_MS }).catch(() => 'timeout');
      requests.push({ sentMs, latencyMs: sim.now - sentMs, ok: reply === 'ok' });
    },
  }));
  await sim.runAsync({ until: UNTIL_MS });
  return { sim, balancer, autoscaler, requests, poolSizes };
}

/** Requests sent in [fromMs, toMs) that succeeded, as a fraction (1 when none were sent). */
export function successRate(requests: readonly RequestRecord[], fromMs: number, toMs: number): number {
  const inWindow = requests.filter((request) => request.sentMs >= fromMs && request.sentMs < toMs);
  return inWindow.length === 0 ? 1 : inWindow.filter((request) => request.ok).length / inWindow.length;
}

/** Ms after the spike starts until every later whole second of the run has >= 90 % of its requests succeed. */
export function timeToRecoverMs(requests: readonly RequestRecord[]): number {
  const lastSecondMs = UNTIL_MS - CLIENT_TIMEOUT_MS - 1_000;
  let recoveredAtMs = Infinity;
  for (let startMs = lastSecondMs; startMs >= SPIKE_START_MS; startMs -= 1_000) {
    if (successRate(requests, startMs, startMs + 1_000) < 0.9) break;
    recoveredAtMs = startMs;
  }
  return recoveredAtMs - SPIKE_START_MS;
}

/** The `fraction` quantile (nearest rank) of `values`. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** The figures the bench prints and the scenario test pins. */
export function summarise(run: SpikeRun): { requests: number; errorRate: number; p50Ms: number; p99Ms: number; lost: number; recoverMs: number; peakPool: number; nodeSeconds: number } {
  // Requests sent in the last CLIENT_TIMEOUT_MS may still be waiting when the run stops: left out.
  const settled = run.requests.filter((request) => request.sentMs < UNTIL_MS - CLIENT_TIMEOUT_MS);
  const lost = settled.filter((request) => !request.ok).length;
  const latencies = settled.map((request) => request.latencyMs);
  return {
    requests: settled.length, errorRate: lost / settled.length, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99),
    lost, recoverMs: timeToRecoverMs(settled), peakPool: Math.max(...run.poolSizes.map((entry) => entry.size)), nodeSeconds: nodeSeconds(run.poolSizes),
  };
}

/** Pool size integrated over the run, in node-seconds: what the pool cost (booting nodes count; draining ones do not). */
function nodeSeconds(poolSizes: ReadonlyArray<{ timeMs: number; size: number }>): number {
  let total = 0;
  poolSizes.forEach((entry, index) => {
    const endMs = poolSizes[index + 1]?.timeMs ?? UNTIL_MS;
    total += (entry.size * (endMs - entry.timeMs)) / 1000;
  });
  return total;
}
