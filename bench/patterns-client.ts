/**
 * Client resilience and load shedding, measured with and without each pattern on one story: the
 * retry storm of test/patterns/client/storm-scenario.ts (same seed, same offered calls, same spike
 * from 5 s to 8 s; only the clients' policy or the server's admission control changes).
 *
 *   npm run bench:patterns-client
 *
 * Not a timed benchmark: every figure comes from the simulated run. Latency is per call (all its
 * attempts and waits), in simulated ms; "lost" counts calls that failed for good; "recover" is
 * the time after the spike until every later second has >= 90 % of its calls succeed.
 */
import type { ResilientClientOptions, LoadSheddingOptions } from '../src/index.js';
import { SPIKE_END_MS, LOAD_END_MS, goodput, isShed, percentile, runStorm, timeToRecoverMs } from '../test/patterns/client/storm-scenario.js';

const TIMEOUT = { timeoutMs: 500, isFailure: isShed };
const NAIVE = { ...TIMEOUT, maxAttempts: 4 };
const BACKOFF = { initialDelayMs: 100, maxDelayMs: 2_000, jitter: 'full' as const };
const BUDGET = { retryRatio: 0.1 };
const BREAKER = { failureRate: 0.5, windowSize: 20, openDurationMs: 1_000 };

const rows: [string, Omit<ResilientClientOptions, 'random'>, Omit<LoadSheddingOptions, 'maxConcurrent'>?][] = [
  ['one attempt, no retries', TIMEOUT],
  ['naive: 4 immediate attempts', NAIVE],
  ['naive + jittered back-off', { ...NAIVE, backoff: BACKOFF }],
  ['naive + retry budget 10 %', { ...NAIVE, retryBudget: BUDGET }],
  ['naive + circuit breaker', { ...NAIVE, breaker: BREAKER }],
  ['budget + back-off + breaker', { ...NAIVE, backoff: BACKOFF, retryBudget: BUDGET, breaker: BREAKER }],
  ['fix + hedge after 100 ms', { ...NAIVE, backoff: BACKOFF, retryBudget: BUDGET, breaker: BREAKER, hedge: { delayMs: 100 } }],
  ['naive; server queue deadline 200 ms', NAIVE, { queueDeadlineMs: 200 }],
  ['naive; server CoDel 20 ms / 200 ms', NAIVE, { codel: { targetDelayMs: 20, intervalMs: 200 } }],
];

const header = ['policy', 'error rate', 'p50 ms', 'p99 ms', 'lost', 'goodput after', 'recover ms', 'attempts/call'];
const table: string[][] = [];
for (const [name, client, shedding] of rows) {
  const { calls, attempts } = await runStorm({ client, shedding });
  const lost = calls.filter((call) => !call.ok).length;
  const latencies = calls.map((call) => call.endMs - call.startMs);
  const recoverMs = timeToRecoverMs(calls);
  table.push([
    name,
    (lost / calls.length).toFixed(3),
    percentile(latencies, 0.5).toFixed(0),
    percentile(latencies, 0.99).toFixed(0),
    String(lost),
    goodput(calls, SPIKE_END_MS + 5_000, LOAD_END_MS).toFixed(3),
    Number.isFinite(recoverMs) ? String(recoverMs) : 'never',
    (attempts / calls.length).toFixed(2),
  ]);
}
const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => row[column]!.length)));
const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
console.log(line(header));
console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
for (const row of table) console.log(line(row));
