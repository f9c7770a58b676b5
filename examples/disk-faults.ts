/**
 * Disk faults: a write-ahead log that acknowledges too early. A client appends entry #1, #2, …
 * every 40 ms to two log servers, and counts an entry as safe once a server acknowledges it. Both
 * disks cache writes (`disk-unsynced-loss`): `ctx.persist` reaches the cache, and only
 * `ctx.sync()` (fsync) makes it durable.
 *
 * - `lazy` acknowledges right after `ctx.persist` and syncs every 500 ms in the background;
 * - `safe` calls `ctx.sync()` before every acknowledgement.
 *
 * At 990 ms both crash for 200 ms. Later `safe`'s disk fills up for 300 ms (`disk-full`): its
 * persist throws a `DiskError` with code DISK_FULL, which the node turns into a refusal.
 *
 * What to look for: `lazy` comes back without entries it had acknowledged — the client was told
 * "safe" and the data is gone. `safe` loses nothing it acknowledged; while its disk is full it
 * says no instead of lying.
 *
 * Writes out/disk-faults.html (`writeHtmlReport`): the summary table, then ack-before-fsync
 * (`lazy`) and sync-first (`safe`) as two sections, each with the messages, the disk faults and
 * the crash, and the entries acknowledged, held in the log, and acknowledged but lost charted over
 * time. It opens offline in any browser.
 *
 * Run: npx tsx examples/disk-faults.ts [--out out]
 */
import { join } from 'node:path';
import { DiskError, formatTimeline, Simulation, type NodeBehaviour } from 'faultline';
import { writeHtmlReport, type ReportTable } from 'faultline/report';

const SERVERS = ['lazy', 'safe'];
const APPEND_EVERY_MS = 40;
const LAZY_SYNC_EVERY_MS = 500;
const RUN_FOR_MS = 2_400;

type Message = { type: 'append'; entry: number } | { type: 'ack'; entry: number } | { type: 'refused'; entry: number; reason: string };
type Durable = { entries: number[] };

const logServer =
  (syncBeforeAck: boolean): NodeBehaviour<Message, Durable> =>
  (ctx) => ({
    onStart() {
      if (!syncBeforeAck) ctx.setTimer(LAZY_SYNC_EVERY_MS, 'background-sync');
    },
    onRecover() {
      const entries = ctx.durable.entries;
      ctx.log(`recovered: its log holds ${entries.length} entries, the last is #${entries.at(-1) ?? 'none'}`);
      if (!syncBeforeAck) ctx.setTimer(LAZY_SYNC_EVERY_MS, 'background-sync');
    },
    onTimer() {
      ctx.sync(); // group commit: cheap on average, but everything since the last one is at risk
      ctx.log(`background fsync: ${ctx.durable.entries.length} entries now on disk`);
      ctx.setTimer(LAZY_SYNC_EVERY_MS, 'background-sync');
    },
    onMessage(from, message) {
      if (message.type !== 'append') return;
      try {
        ctx.persist((log) => {
          log.entries.push(message.entry);
        });
      } catch (error) {
        if (!(error instanceof DiskError)) throw error;
        ctx.send(from, { type: 'refused', entry: message.entry, reason: error.code });
        return;
      }
      if (syncBeforeAck) ctx.sync();
      ctx.send(from, { type: 'ack', entry: message.entry });
    },
  });

const acknowledged = new Map<string, number[]>(SERVERS.map((id) => [id, []]));
const client: NodeBehaviour<Message> = (ctx) => {
  let next = 1;
  const refusing = new Set<string>();
  return {
    onStart() {
      ctx.setTimer(APPEND_EVERY_MS, 'append');
    },
    onTimer() {
      for (const server of SERVERS) ctx.send(server, { type: 'append', entry: next });
      next++;
      ctx.setTimer(APPEND_EVERY_MS, 'append');
    },
    onMessage(from, message) {
      if (message.type === 'ack') {
        acknowledged.get(from)!.push(message.entry);
        if (refusing.delete(from)) ctx.log(`${from} accepts appends again (#${message.entry})`);
      } else if (message.type === 'refused' && !refusing.has(from)) {
        refusing.add(from);
        ctx.log(`${from} refused #${message.entry}: ${message.reason} — not acknowledged, so the client knows`);
      }
    },
  };
};

const sim = new Simulation({
  seed: 'disk-faults',
  trace: true,
  network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } },
});
sim.addNode('lazy', logServer(false), { durable: { entries: [] } });
sim.addNode('safe', logServer(true), { durable: { entries: [] } });
sim.addNode('client', client);

sim.inject([
  { kind: 'disk-unsynced-loss', atMs: 0, target: 'lazy' },
  { kind: 'disk-unsynced-loss', atMs: 0, target: 'safe' },
  { kind: 'crash', atMs: 990, durationMs: 200, target: 'lazy' },
  { kind: 'crash', atMs: 990, durationMs: 200, target: 'safe' },
  { kind: 'disk-full', atMs: 1_600, durationMs: 300, target: 'safe' },
]);

/** Acknowledged entries the server's log no longer holds: the client was told "safe" and they are gone. */
function lostEntries(id: string): number[] {
  const kept = new Set(sim.node<unknown, Durable>(id).durable.entries);
  return acknowledged.get(id)!.filter((entry) => !kept.has(entry));
}

// An observer outside the nodes samples, every 20 ms, what each server acknowledged and what its
// log holds, for the report's charts (the samples are events of the run, in its hash).
sim.metrics.configure({ intervalMs: 20 });
// One metric a server, so each section charts its server's three lines together.
const entriesGauges = new Map(SERVERS.map((id) => [id, sim.metrics.gauge(`entries_${id}`, { help: `${id}'s entries, by what is counted`, labelNames: ['count'] })]));
sim.metrics.addCollector(() => {
  for (const id of SERVERS) {
    const gauge = entriesGauges.get(id)!;
    gauge.set(acknowledged.get(id)!.length, { count: 'acknowledged' });
    gauge.set(sim.node<unknown, Durable>(id).durable.entries.length, { count: 'in its log' });
    gauge.set(lostEntries(id).length, { count: 'acknowledged but lost' });
  }
});
sim.run({ until: RUN_FOR_MS });

console.log('Disk faults: a client appends to two write-ahead logs whose disks cache writes until fsync.');
console.log('`lazy` acks after persist and fsyncs every 500 ms; `safe` fsyncs before each ack. Both crash at 990 ms; `safe`\'s disk is full 1600-1900 ms.');
console.log('Look for: acknowledged entries that `lazy` no longer has after the crash; `safe` refusing, not lying, when its disk is full.\n');

console.log('What happened:');
const faultLines = sim.faultLog
  .filter(({ fault }) => fault.kind !== 'crash' && fault.atMs > 0)
  .map(({ timeMs, phase, fault }) => ({ timeMs, text: `${fault.target!.padEnd(6)} -- ${fault.kind} ${phase === 'apply' ? 'begins' : 'ends'}` }));
const traceLines = formatTimeline(sim.trace!.records(), { types: ['crash', 'restart', 'log'] })
  .split('\n')
  .map((line) => ({ timeMs: Number.parseFloat(line), text: line.slice(16) }));
for (const { timeMs, text } of [...faultLines, ...traceLines].sort((a, b) => a.timeMs - b.timeMs)) {
  console.log(`${timeMs.toFixed(3).padStart(11)} ms  ${text}`);
}

const refusedBy = (id: string) => sim.trace!.records().filter((record) => record.type === 'send' && record.node === id && (record.message as Message).type === 'refused').length;
console.log('\nFigures (acknowledged = the client was told the entry was safe):');
for (const id of SERVERS) {
  const lost = lostEntries(id);
  const range = lost.length === 0 ? '' : ` (#${lost[0]}-#${lost.at(-1)})`;
  console.log(`  ${id.padEnd(5)} acknowledged ${acknowledged.get(id)!.length}, in its log now ${sim.node<unknown, Durable>(id).durable.entries.length}, acknowledged but LOST ${lost.length}${range}, refused (disk full) ${refusedBy(id)}`);
}

const SUMMARY_COLUMNS = ['server', 'acks', 'acknowledged', 'in its log', 'acknowledged but lost', 'refused (disk full)'];
const summaryRows = SERVERS.map((id) => [
  id, id === 'lazy' ? 'before fsync' : 'after fsync', acknowledged.get(id)!.length, sim.node<unknown, Durable>(id).durable.entries.length, lostEntries(id).length, refusedBy(id),
] as [string, string, number, number, number, number]);
const widths = SUMMARY_COLUMNS.map((column, index) => (index === 1 ? 12 : column.length));
const formatRow = (cells: ReadonlyArray<string | number>) => `  ${cells.map((cell, index) => (index < 2 ? String(cell).padEnd(widths[index]!) : String(cell).padStart(widths[index]!))).join('  ')}`;
console.log('\nSummary:');
console.log([formatRow(SUMMARY_COLUMNS), ...summaryRows.map(formatRow)].join('\n'));

function writeReport(path: string): string {
  const table: ReportTable = { caption: 'ack-before-fsync against sync-first (both crash at 990 ms; safe\'s disk is full 1600-1900 ms)', columns: SUMMARY_COLUMNS, rows: summaryRows };
  const charts = (server: string) => [{ name: `entries_${server}`, title: `${server}: entries acknowledged, in its log, and acknowledged but lost` }];
  return writeHtmlReport(path, {
    title: 'Disk faults: acknowledging before fsync',
    story: `A client appends entry #1, #2, … every ${APPEND_EVERY_MS} ms to two write-ahead logs whose disks cache writes until fsync (disk-unsynced-loss). ` +
      `\`lazy\` acknowledges right after persist and fsyncs every ${LAZY_SYNC_EVERY_MS} ms; \`safe\` fsyncs before every acknowledgement. Both crash at 990 ms for 200 ms; ` +
      'safe\'s disk is full from 1600 to 1900 ms.\n\n' +
      'lazy comes back without entries it had acknowledged: the client was told "safe" and the data is gone. safe loses nothing it acknowledged; while its disk is full it refuses instead of lying.',
    tables: [table],
    runs: [
      { label: 'ack before fsync (lazy)', sim, nodes: ['client', 'lazy'], untilMs: 1_400, metrics: charts('lazy'), story: 'Everything acknowledged since the last background fsync (500 ms) is lost in the crash at 990 ms.' },
      { label: 'sync first (safe)', sim, nodes: ['client', 'safe'], metrics: charts('safe'), story: 'Nothing acknowledged is lost in the crash; while the disk is full (1600-1900 ms) appends are refused with DISK_FULL.' },
    ],
  });
}
const outDir = process.argv.includes('--out') ? (process.argv[process.argv.indexOf('--out') + 1] ?? 'out') : 'out';
console.log(`\nreport: ${writeReport(join(outDir, 'disk-faults.html'))} (open it in a browser)`);
console.log(`\ntrace hash ${sim.traceHash()}`);
