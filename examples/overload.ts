/**
 * Overload: a service with finite capacity meets Black Friday. The `api` node handles at most
 * 1,000 requests per second and lets at most 200 wait in its inbox. A steady 400 requests/s
 * arrive all along; from 0.5 s a `traffic-spike` ramps extra traffic from 0 to 1,500/s over two
 * seconds, then stops. Nothing crashes and no link fails.
 *
 * What to look for: while arrivals stay below capacity, latency is just the network (~2 ms). Past
 * capacity, requests queue, so latency climbs (queueing delay) until the inbox is full (200
 * waiting = 200 ms at 1,000/s); after that, latency stops growing and requests are dropped
 * (`inbox-overflow`). When the spike ends, the queue drains and latency falls back.
 *
 * Run: npx tsx examples/overload.ts
 */
import { Simulation, type TraceRecord } from 'faultline';

const CAPACITY_PER_SEC = 1_000;
const INBOX_LIMIT = 200;
const WINDOW_MS = 100;
const RUN_FOR_MS = 3_000;

const sim = new Simulation({
  seed: 'overload',
  trace: true,
  network: { link: { latency: { kind: 'normal', meanMs: 2, stdDevMs: 0.5 } } },
});
sim.addNode('crowd', () => ({})); // stands for the many clients; the faults send in its name
sim.addNode('api', () => ({ onMessage() {} }), { service: { messagesPerSec: CAPACITY_PER_SEC, inboxLimit: INBOX_LIMIT } });

const request = { type: 'GET /checkout' };
sim.inject([
  { kind: 'traffic-spike', atMs: 0, durationMs: 3_000, target: 'api', params: { from: 'crowd', ratePerSec: 400, message: request } },
  { kind: 'traffic-spike', atMs: 500, durationMs: 2_000, target: 'api', params: { from: 'crowd', ratePerSec: 0, endRatePerSec: 1_500, message: request } },
]);
sim.run({ until: RUN_FOR_MS });

// Latency from the trace: a request's `send` and its `deliver` (taken from the inbox) share a messageId.
const sentAt = new Map<number, number>();
type Window = { arrivals: number; latencies: number[]; dropped: number };
const windows: Window[] = Array.from({ length: Math.ceil(RUN_FOR_MS / WINDOW_MS) }, () => ({ arrivals: 0, latencies: [], dropped: 0 }));
const windowOf = (record: TraceRecord) => windows[Math.min(windows.length - 1, Math.floor(record.timeMs / WINDOW_MS))]!;
const keyEvents: Array<{ timeMs: number; text: string }> = [];
const firstTime = (text: string, timeMs: number) => {
  if (!keyEvents.some((event) => event.text === text)) keyEvents.push({ timeMs, text });
};
for (const record of sim.trace!.records()) {
  if (record.type === 'send' && record.to === 'api') {
    sentAt.set(record.messageId!, record.timeMs);
    windowOf(record).arrivals++;
  } else if (record.type === 'deliver' && record.to === 'api') {
    const latencyMs = record.timeMs - sentAt.get(record.messageId!)!;
    windowOf(record).latencies.push(latencyMs);
    if (latencyMs > 20) firstTime('requests start to queue: a request waited more than 20 ms', record.timeMs);
  } else if (record.type === 'drop' && record.reason === 'inbox-overflow') {
    windowOf(record).dropped++;
    firstTime('inbox full (200 waiting): requests are dropped', record.timeMs);
  }
}
for (const { timeMs, phase, fault } of sim.faultLog) {
  const rate = fault.params!['endRatePerSec'] === undefined ? `${fault.params!['ratePerSec']}/s` : `${fault.params!['ratePerSec']} -> ${fault.params!['endRatePerSec']}/s`;
  keyEvents.push({ timeMs, text: `-- ${phase === 'apply' ? 'starts' : 'ends'}: traffic ${rate}` });
}
const lastDrop = sim.trace!.records().filter((record) => record.type === 'drop' && record.reason === 'inbox-overflow').at(-1);
if (lastDrop !== undefined) {
  keyEvents.push({ timeMs: lastDrop.timeMs, text: 'last request dropped' });
  const drained = sim.trace!.records().find((record) => record.type === 'deliver' && record.timeMs > lastDrop.timeMs && record.timeMs - sentAt.get(record.messageId!)! < 10);
  if (drained !== undefined) keyEvents.push({ timeMs: drained.timeMs, text: 'queue drained: latency back under 10 ms' });
}
keyEvents.sort((a, b) => a.timeMs - b.timeMs);

console.log(`Overload: api serves ${CAPACITY_PER_SEC} requests/s with an inbox of ${INBOX_LIMIT}; 400/s steady, plus a Black-Friday ramp 0 -> 1500/s from 0.5 s to 2.5 s.`);
console.log('Look for: latency grows with the queue (queueing delay), tops out near 200 ms when the inbox is full, then requests are dropped.\n');
console.log('What happened:');
for (const { timeMs, text } of keyEvents) console.log(`${timeMs.toFixed(1).padStart(8)} ms  ${text}`);

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
console.log('\nPer 100 ms window (latency = send to taken from the inbox; bar: p99, one # per 10 ms):');
console.log('   window ms  arrived/s  served  dropped   p50 ms   p99 ms   max ms');
windows.forEach((window, index) => {
  const sorted = [...window.latencies].sort((a, b) => a - b);
  const cell = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1)).padStart(8);
  const p99 = percentile(sorted, 0.99);
  console.log(`  ${String(index * WINDOW_MS).padStart(5)}-${String((index + 1) * WINDOW_MS).padEnd(5)} ${String(window.arrivals * (1000 / WINDOW_MS)).padStart(8)} ` +
    `${String(sorted.length).padStart(7)} ${String(window.dropped).padStart(8)} ${cell(percentile(sorted, 0.5))} ${cell(p99)} ${cell(sorted.at(-1) ?? NaN)}  ${'#'.repeat(Math.round((Number.isNaN(p99) ? 0 : p99) / 10))}`);
});

const stats = sim.network.linkStats('crowd', 'api');
console.log(`\nFigures: ${stats.sent} requests, ${stats.delivered} served, ${stats.dropped['inbox-overflow']} dropped because the inbox was full; ` +
  `the api was up the whole time (down intervals: ${JSON.stringify(sim.truth.downIntervals('api', sim.now))}).`);
console.log(`\ntrace hash ${sim.traceHash()}`);
