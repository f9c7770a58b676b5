/**
 * Gray failure: nothing is down, yet requests fail. A client calls a server every 20 ms and gives
 * up after 50 ms; a health monitor pings the same server every 100 ms with a lenient 500 ms
 * timeout. Two faults degrade the network without taking anything down:
 *
 * - 1.0–2.0 s: the client↔server link gets 5x slower and loses 20% of messages (a bad cable, a
 *   congested switch port) — the monitor's own path is fine;
 * - 2.5–3.5 s: the server becomes a slow node (every link to and from it 4x slower: a noisy
 *   neighbour, a dying disk) — the monitor's pings are slower too, but within its timeout.
 *
 * What to look for: the client's timeouts climb while the monitor keeps reporting the server
 * healthy and the ground truth says it never went down. Replies that arrive after the client gave
 * up are dropped as `stale-reply`: the server did the work, nobody used it.
 *
 * Run: npx tsx examples/gray-failure.ts
 */
import { CallTimeoutError, Simulation } from 'faultline';

const CLIENT_TIMEOUT_MS = 50;
const MONITOR_TIMEOUT_MS = 500;
const PHASES = [
  { name: 'healthy', fromMs: 0, toMs: 1_000 },
  { name: 'flaky client<->server link', fromMs: 1_000, toMs: 2_000 },
  { name: 'healed', fromMs: 2_000, toMs: 2_500 },
  { name: 'slow server node', fromMs: 2_500, toMs: 3_500 },
  { name: 'healed', fromMs: 3_500, toMs: 4_000 },
];
const RUN_FOR_MS = 4_000;

// What the client saw, request by request (its clock is exact here, so local time = true time).
const outcomes: Array<{ atMs: number; latencyMs: number | undefined }> = [];

const sim = new Simulation({
  seed: 'gray-failure',
  trace: true,
  network: { link: { latency: { kind: 'normal', meanMs: 5, stdDevMs: 1.5 } } },
});

sim.addNode('server', () => ({ onCall: () => 'ok' }));

sim.addNode('client', (ctx) => {
  // The client judges the service by its error rate over the last 10 requests.
  const recent: boolean[] = [];
  let degraded = false;
  function note(ok: boolean): void {
    recent.push(ok);
    if (recent.length > 10) recent.shift();
    const errorRate = recent.filter((success) => !success).length / recent.length;
    if (!degraded && errorRate >= 0.3) ctx.log(`${Math.round(errorRate * 100)}% of the last ${recent.length} requests timed out: users see errors`);
    if (degraded && errorRate === 0) ctx.log('the last 10 requests all succeeded again');
    degraded = errorRate >= 0.3 || (degraded && errorRate > 0);
  }
  return {
    onStart() {
      ctx.setTimer(20, 'request');
    },
    async onTimer() {
      ctx.setTimer(20, 'request'); // the next request does not wait for this one
      const sentMs = ctx.now();
      try {
        await ctx.call('server', 'get', { timeoutMs: CLIENT_TIMEOUT_MS });
        outcomes.push({ atMs: sentMs, latencyMs: ctx.now() - sentMs });
        note(true);
      } catch (error) {
        if (!(error instanceof CallTimeoutError)) throw error;
        outcomes.push({ atMs: sentMs, latencyMs: undefined });
        note(false);
      }
    },
  };
});

let pings = 0;
let pingsFailed = 0;
sim.addNode('monitor', (ctx) => {
  let healthy = true;
  return {
    async onStart() {
      ctx.log('health check: server healthy');
      for (;;) {
        await ctx.sleep(100);
        const ok = await ctx.call('server', 'ping', { timeoutMs: MONITOR_TIMEOUT_MS }).then(() => true, () => false);
        pings++;
        if (!ok) pingsFailed++;
        if (ok !== healthy) ctx.log(`health check: server ${ok ? 'healthy again' : 'SUSPECTED'}`);
        healthy = ok;
      }
    },
  };
});

sim.inject([
  { kind: 'link', atMs: 1_000, durationMs: 1_000, params: { links: [['client', 'server']], bothWays: true, model: { latencyFactor: 5, lossProbability: 0.2 } } },
  { kind: 'slow-node', atMs: 2_500, durationMs: 1_000, target: 'server', params: { model: { latencyFactor: 4 } } },
]);

// Snapshot the per-link counters at each phase boundary, to report each phase on its own.
const snapshots: Array<ReturnType<typeof linkCounters>> = [];
function linkCounters() {
  const request = sim.network.linkStats('client', 'server');
  const reply = sim.network.linkStats('server', 'client');
  return { requestsSent: request.sent, requestsLost: request.dropped.loss, repliesLost: reply.dropped.loss, repliesStale: reply.dropped['stale-reply'] };
}
for (const phase of PHASES) sim.scheduleAt(phase.toMs, () => snapshots.push(linkCounters()));
await sim.runAsync({ until: RUN_FOR_MS });

console.log('Gray failure: a client (timeout 50 ms) and a health monitor (timeout 500 ms) call the same server.');
console.log('Faults: 1.0-2.0 s flaky client<->server link (5x latency, 20% loss); 2.5-3.5 s slow server node (4x latency).');
console.log('Look for: client timeouts rise while the health check stays green and the server is never down.\n');

console.log('What happened:');
const story = [
  ...sim.faultLog.map((entry) => ({ timeMs: entry.timeMs, text: `-- ${entry.phase === 'apply' ? 'fault' : 'healed'}: ${[entry.fault.kind, entry.fault.target, JSON.stringify(entry.fault.params)].filter(Boolean).join(' ')}` })),
  ...sim.logs().map((entry) => ({ timeMs: entry.timeMs, text: `${entry.node.padEnd(7)} ${entry.message}` })),
].sort((a, b) => a.timeMs - b.timeMs);
for (const { timeMs, text } of story) console.log(`${timeMs.toFixed(1).padStart(8)} ms  ${text}`);

const percentile = (values: number[], p: number): string => {
  if (values.length === 0) return '-';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1);
};
console.log('\nPer phase (client view, then client->server / server->client link counters):');
console.log('  phase                          requests  timed out   p50 ms   p99 ms | req lost  reply lost  reply too late');
PHASES.forEach((phase, index) => {
  const mine = outcomes.filter((outcome) => outcome.atMs >= phase.fromMs && outcome.atMs < phase.toMs);
  const latencies = mine.flatMap((outcome) => (outcome.latencyMs === undefined ? [] : [outcome.latencyMs]));
  const before = index === 0 ? { requestsLost: 0, repliesLost: 0, repliesStale: 0 } : snapshots[index - 1]!;
  const after = snapshots[index]!;
  const timedOut = mine.length - latencies.length;
  console.log(`  ${phase.name.padEnd(29)} ${String(mine.length).padStart(9)} ${`${timedOut} (${Math.round((100 * timedOut) / Math.max(1, mine.length))}%)`.padStart(10)} ` +
    `${percentile(latencies, 0.5).padStart(8)} ${percentile(latencies, 0.99).padStart(8)} | ${String(after.requestsLost - before.requestsLost).padStart(8)} ` +
    `${String(after.repliesLost - before.repliesLost).padStart(11)} ${String(after.repliesStale - before.repliesStale).padStart(15)}`);
});
console.log(`\nHealth monitor: ${pings} pings, ${pingsFailed} failed${pingsFailed === 0 ? ': it never noticed anything' : ''}.`);
console.log(`Truth: server down during ${JSON.stringify(sim.truth.downIntervals('server', sim.now))}; ` +
  `link client->server cut during ${JSON.stringify(sim.truth.cutIntervals('client', 'server', sim.now))} — nothing was down or cut.`);
console.log(`\ntrace hash ${sim.traceHash()}`);
