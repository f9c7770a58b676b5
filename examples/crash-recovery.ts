/**
 * Crash faults: crash-stop versus crash-recovery. A client sends "+1" to two identical counter
 * services every 100 ms. Each counts twice: in memory (volatile, a closure variable) and on disk
 * (durable, `ctx.persist`). At 1 s both crash; `stop` never comes back (crash-stop: a `crash`
 * fault without a duration), `revive` restarts 0.7 s later (crash-recovery: with a duration).
 *
 * What to look for: while a server is down the client only sees silence — it cannot tell a dead
 * server from a slow one. The recovered server has lost its in-memory count but kept its durable
 * total. The ground truth (`sim.truth`) knows exactly when each node was down.
 *
 * Writes out/crash-recovery.html (`writeHtmlReport`): the summary table, then crash-stop and
 * crash-recovery as two sections, each with the client's messages, who was down, and the server's
 * durable total and in-memory count charted over the crash. It opens offline in any browser.
 *
 * Run: npx tsx examples/crash-recovery.ts [--out out]
 */
import { join } from 'node:path';
import { formatLanes, formatTimeline, Simulation, type FaultSchedule, type NodeBehaviour, type NodeHandlers } from 'faultline';
import { writeHtmlReport, type ReportTable } from 'faultline/report';

const SERVERS = ['stop', 'revive'];
const SEND_EVERY_MS = 100;
const SILENT_AFTER_MS = 300;
const RUN_FOR_MS = 3_000;

type Message = { type: 'inc' } | { type: 'ack'; total: number };
type Durable = { total: number };

/** A counter service. What survives a crash is exactly what went through ctx.persist. */
const counter: NodeBehaviour<Message, Durable> = (ctx) => {
  let sinceBoot = 0; // volatile: a new incarnation starts again from 0
  const handlers: NodeHandlers<Message> & { readonly sinceBoot: number } = {
    onRecover() {
      ctx.log(`back up: in-memory count starts again at ${sinceBoot}, durable total still ${ctx.durable.total}`);
    },
    onMessage(from, message) {
      if (message.type !== 'inc') return;
      sinceBoot++;
      ctx.persist((state) => {
        state.total++;
      });
      ctx.send(from, { type: 'ack', total: ctx.durable.total });
    },
    // Exposed so the report can read the volatile state from outside (sim.node(id).handlers).
    get sinceBoot() {
      return sinceBoot;
    },
  };
  return handlers;
};

/** The client only has its own observations: when it last heard an ack from each server. */
const client: NodeBehaviour<Message> = (ctx) => {
  const lastAckMs = new Map(SERVERS.map((id) => [id, 0]));
  const silent = new Set<string>();
  return {
    onStart() {
      ctx.setTimer(SEND_EVERY_MS, 'send');
    },
    onTimer() {
      for (const server of SERVERS) {
        ctx.send(server, { type: 'inc' });
        const quietMs = ctx.now() - lastAckMs.get(server)!;
        if (quietMs > SILENT_AFTER_MS && !silent.has(server)) {
          silent.add(server);
          ctx.log(`no ack from ${server} for ${quietMs.toFixed(0)} ms: crashed? slow? lost messages? it cannot tell`);
        }
      }
      ctx.setTimer(SEND_EVERY_MS, 'send');
    },
    onMessage(from, message) {
      if (message.type !== 'ack') return;
      lastAckMs.set(from, ctx.now());
      if (silent.delete(from)) ctx.log(`${from} answers again: durable total ${message.total}`);
    },
  };
};

const sim = new Simulation({
  seed: 'crash-recovery',
  trace: true,
  network: { link: { latency: { kind: 'uniform', minMs: 2, maxMs: 8 } } },
});
for (const id of SERVERS) sim.addNode(id, counter, { durable: { total: 0 } });
sim.addNode('client', client);

// A schedule is plain data: the same record with or without durationMs is crash-recovery or crash-stop.
const schedule: FaultSchedule = [
  { kind: 'crash', atMs: 1_000, target: 'stop' },
  { kind: 'crash', atMs: 1_000, durationMs: 700, target: 'revive' },
];
sim.inject(schedule);

// An observer outside the nodes samples each server's two counts every 50 ms for the report's
// charts (the samples are events of the run, in its hash). A crashed server's memory is gone: 0.
sim.metrics.configure({ intervalMs: 50 });
const durableGauge = sim.metrics.gauge('durable_total', { help: 'the count on disk (ctx.persist)', labelNames: ['server'] });
const memoryGauge = sim.metrics.gauge('in_memory_count', { help: 'the count in memory since the last boot', labelNames: ['server'] });
sim.metrics.addCollector(() => {
  for (const id of SERVERS) {
    const view = sim.node<{ sinceBoot?: number }, Durable>(id);
    durableGauge.set(view.durable.total, { server: id });
    memoryGauge.set(view.up ? (view.handlers.sinceBoot ?? 0) : 0, { server: id });
  }
});
sim.run({ until: RUN_FOR_MS });

const outDir = process.argv.includes('--out') ? (process.argv[process.argv.indexOf('--out') + 1] ?? 'out') : 'out';
const SUMMARY_COLUMNS = ['server', 'failure model', 'incs sent', 'acked', 'lost to a down node', 'durable total', 'in-memory count', 'down ms'];
const summaryRows = SERVERS.map((id) => {
  const view = sim.node<{ sinceBoot?: number }, Durable>(id);
  const link = sim.network.linkStats('client', id);
  const downMs = sim.truth.downIntervals(id, sim.now).reduce((sum, [from, to]) => sum + to - from, 0);
  const acked = sim.network.linkStats(id, 'client').delivered;
  return [id, id === 'stop' ? 'crash-stop' : 'crash-recovery', link.sent, acked, link.dropped['node-down'], view.durable.total, view.up ? (view.handlers.sinceBoot ?? 0) : null, downMs] as [string, string, number, number, number, number, number | null, number];
});

function formatSummaryTable(): string {
  const widths = SUMMARY_COLUMNS.map((column) => column.length);
  widths[1] = 14;
  const format = (cells: ReadonlyArray<string | number | null>) => `  ${cells.map((cell, index) => (index < 2 ? String(cell).padEnd(widths[index]!) : String(cell ?? '-').padStart(widths[index]!))).join('  ')}`;
  return [format(SUMMARY_COLUMNS), ...summaryRows.map(format)].join('\n');
}

function writeReport(path: string): string {
  const table: ReportTable = { caption: 'crash-stop against crash-recovery (both crash at 1000 ms; - : the memory is gone)', columns: SUMMARY_COLUMNS, rows: summaryRows };
  const charts = (server: string) => [
    { name: 'durable_total', labels: { server }, title: `${server}: the durable total (on disk)` },
    { name: 'in_memory_count', labels: { server }, title: `${server}: the in-memory count (since its last boot)` },
  ];
  return writeHtmlReport(path, {
    title: 'Crash-stop against crash-recovery',
    story: `A client sends +1 to two identical counter services every ${SEND_EVERY_MS} ms; each counts in memory and on disk (ctx.persist). ` +
      'Both crash at 1000 ms: `stop` never comes back (crash-stop), `revive` restarts at 1700 ms (crash-recovery).\n\n' +
      'While a server is down the client sees only silence: it cannot tell a dead server from a slow one. The restarted server has lost its in-memory count and kept its durable total.',
    tables: [table],
    runs: [
      { label: 'crash-stop: stop never comes back', sim, nodes: ['client', 'stop'], metrics: charts('stop'), story: 'Every +1 sent after the crash is lost; the durable total stays where the crash left it.' },
      { label: 'crash-recovery: revive restarts at 1700 ms', sim, nodes: ['client', 'revive'], metrics: charts('revive'), story: 'The new incarnation counts in memory from 0 again; the durable total picks up where it was.' },
    ],
  });
}

console.log('Crash-stop vs crash-recovery: a client sends +1 to two counter services every 100 ms.');
console.log('Both crash at 1000 ms; `stop` stays down (crash-stop), `revive` restarts at 1700 ms (crash-recovery).');
console.log('Look for: silence is all the client sees; the restarted node lost its in-memory count, kept its durable total.\n');
console.log('Schedule:');
for (const fault of schedule) console.log(`  ${JSON.stringify(fault)}`);

console.log('\nWhat happened:');
console.log(formatTimeline(sim.trace!.records(), { types: ['crash', 'restart', 'log'] }));
console.log('\nWho was up (█ up, ✖ crash, · down, ↻ restart):');
console.log(formatLanes(sim.trace!.records(), { nodes: sim.nodeIds(), untilMs: RUN_FOR_MS, columns: 60 }));

console.log('\nFigures:');
for (const id of SERVERS) {
  const view = sim.node<{ sinceBoot?: number }, Durable>(id);
  const link = sim.network.linkStats('client', id);
  const down = sim.truth.downIntervals(id, sim.now).map(([from, to]) => `[${from}, ${to})`).join(' ');
  console.log(`  ${id.padEnd(8)} sent ${link.sent}, lost to a down node ${link.dropped['node-down']}, ` +
    `durable total ${view.durable.total}, in-memory count ${view.up ? `${view.handlers.sinceBoot} (since its restart)` : '(gone)'}; truth: down ${down}`);
}
console.log('\nSummary:');
console.log(formatSummaryTable());
console.log(`\nreport: ${writeReport(join(outDir, 'crash-recovery.html'))} (open it in a browser)`);
console.log(`\ntrace hash ${sim.traceHash()}`);
