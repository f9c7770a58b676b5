// The retry-storm story, shared by its test and bench/patterns-client.ts: four clients send an
// open-loop stream of calls to one server that can serve 100 a second; a crowd adds a spike of
// 200 calls a second from 5 s to 8 s; requests stop at 30 s. What the clients do on failure
// decides whether the server recovers when the spike ends.
import { ResilientCallError, Simulation, resilientClient, withLoadShedding, ShedReply, type LoadSheddingOptions, type ResilientClientOptions } from '../../../src/index.js';

export const SPIKE_START_MS = 5_000;
export const SPIKE_END_MS = 8_000;
export const LOAD_END_MS = 30_000;
const CLIENTS = 4;
const CALLS_PER_SEC_PER_CLIENT = 15;
const SPIKE_CALLS_PER_SEC = 200;
const SERVICE_MS = 10;

export interface StormOptions {
  seed?: number;
  client: Omit<ResilientClientOptions, 'random'>;
  /** Server-side admission control in front of the one worker; default a plain FIFO queue. */
  shedding?: Omit<LoadSheddingOptions, 'maxConcurrent'>;
}

export interface CallRecord {
  startMs: number;
  endMs: number;
  ok: boolean;
}

export interface StormResult {
  calls: CallRecord[];
  attempts: number;
  hashHex: string;
}

export async function runStorm(options: StormOptions): Promise<StormResult> {
  const sim = new Simulation({ seed: options.seed ?? 7 });
  const calls: CallRecord[] = [];
  const clients: { stats: { attempts: number; hedges: number } }[] = [];
  const server = withLoadShedding(
    (ctx) => ({
      async onCall() {
        await ctx.sleep(SERVICE_MS);
        return 'ok';
      },
    }),
    { maxConcurrent: 1, maxQueueLength: 100_000, ...options.shedding },
  );
  sim.addNode('api', server);
  sim.addNode('crowd', (ctx) => ({
    onStart() {
      ctx.setTimer(SPIKE_START_MS, 'spike');
    },
    onTimer() {
      if (ctx.now() >= SPIKE_END_MS) return;
      ctx.setTimer(ctx.rng.exponential(1000 / SPIKE_CALLS_PER_SEC), 'spike');
      return ctx.call('api', 'spike', { timeoutMs: 1_000 }).then(
        () => undefined,
        () => undefined,
      );
    },
  }));
  for (let index = 0; index < CLIENTS; index++) {
    sim.addNode(`client-${index}`, (ctx) => {
      const client = resilientClient(ctx, { ...options.client, random: sim.rng(`client-${index}:jitter`) });
      clients[index] = client;
      return {
        onStart() {
          ctx.setTimer(ctx.rng.exponential(1000 / CALLS_PER_SEC_PER_CLIENT), 'send');
        },
        async onTimer() {
          if (ctx.now() >= LOAD_END_MS) return;
          ctx.setTimer(ctx.rng.exponential(1000 / CALLS_PER_SEC_PER_CLIENT), 'send');
          const startMs = sim.now;
          let ok = true;
          try {
            await client.call('api', 'work');
          } catch (error) {
            if (!(error instanceof ResilientCallError)) throw error;
            ok = false;
          }
          calls.push({ startMs, endMs: sim.now, ok });
        },
      };
    });
  }
  await sim.runAsync({ until: LOAD_END_MS + 20_000 });
  const attempts = clients.reduce((sum, client) => sum + client.stats.attempts + client.stats.hedges, 0);
  return { calls, attempts, hashHex: sim.traceHash() };
}

/** Fraction of calls started in [fromMs, toMs) that succeeded. */
export function goodput(calls: readonly CallRecord[], fromMs: number, toMs: number): number {
  const inWindow = calls.filter((call) => call.startMs >= fromMs && call.startMs < toMs);
  return inWindow.filter((call) => call.ok).length / Math.max(1, inWindow.length);
}

/** Ms after the spike's end until every later 1 s bucket has >= 90 % of its calls succeed; Infinity if never. */
export function timeToRecoverMs(calls: readonly CallRecord[]): number {
  const bucketMs = 1_000;
  let recoveredAtMs = Infinity;
  for (let startMs = LOAD_END_MS - bucketMs; startMs >= SPIKE_END_MS; startMs -= bucketMs) {
    if (goodput(calls, startMs, startMs + bucketMs) < 0.9) break;
    recoveredAtMs = startMs;
  }
  return recoveredAtMs - SPIKE_END_MS;
}

export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

export const isShed = (reply: unknown): boolean => reply instanceof ShedReply;
