/**
 * Showcase: five nodes heartbeat each other over a lossy, jittery network. Each watches its peers
 * with a fixed timeout on its own (drifting) clock. At 1.2 s node n3 crashes; at 3 s it restarts,
 * its durable boot counter intact. The run prints what each node concluded, a picture of who was
 * down when, and the trace hash that proves the run is reproducible.
 *
 * What to look for: a fixed timeout cannot tell a crashed node from a lossy or slow link. A
 * suspicion of n3 while it is up is a false one (heartbeats lost or late); each peer notices the
 * real crash about 300 ms after it and trusts n3 again once its heartbeats return. The table scores
 * each peer's verdicts about n3 against the ground truth (`measureQoS`).
 *
 * Writes out/heartbeat-cluster.html (`writeHtmlReport`): the table, the whole run's messages and
 * who was down, each peer's verdicts about n3 against the truth, and the crash and the restart up
 * close. It opens offline in any browser. The report is read after the run: it adds no events, so
 * the trace hash is the one the demo always printed.
 *
 * Run: npx tsx examples/heartbeat-cluster.ts [--seed 7] [--out out]   (also the first part of `npm run demo`)
 */
import { join } from 'node:path';
import { formatLanes, formatTimeline, measureQoS, Simulation, type DetectorTransition, type NodeBehaviour } from 'faultline';
import { writeHtmlReport, type DetectorVerdict, type ReportTable } from 'faultline/report';

const HEARTBEAT_INTERVAL_MS = 100;
const CHECK_INTERVAL_MS = 50;
const SUSPECT_AFTER_MS = 350;
const RUN_FOR_MS = 5_000;

type Message = { type: 'heartbeat'; boots: number };
type Durable = { boots: number };

/** A node that heartbeats every peer and suspects any peer silent for longer than the timeout. */
const heartbeatNode: NodeBehaviour<Message, Durable> = (ctx) => {
  const lastHeardMs = new Map<string, number>(); // volatile: forgotten on crash
  const suspected = new Set<string>();

  function checkPeers(): void {
    for (const peer of ctx.peers) {
      const silentMs = ctx.now() - (lastHeardMs.get(peer) ?? 0);
      if (silentMs > SUSPECT_AFTER_MS && !suspected.has(peer)) {
        suspected.add(peer);
        ctx.log(`suspects ${peer} (silent for ${silentMs.toFixed(0)} ms)`);
      }
    }
  }

  function start(): void {
    ctx.persist((state) => {
      state.boots += 1;
    });
    for (const peer of ctx.peers) lastHeardMs.set(peer, ctx.now());
    ctx.setTimer(HEARTBEAT_INTERVAL_MS, 'heartbeat');
    ctx.setTimer(CHECK_INTERVAL_MS, 'check');
  }

  return {
    onStart: start,
    onRecover() {
      start();
      ctx.log(`back up (boot #${ctx.durable.boots}); volatile state was lost, durable kept`);
    },
    onTimer(name) {
      if (name === 'heartbeat') {
        ctx.broadcast({ type: 'heartbeat', boots: ctx.durable.boots });
        ctx.setTimer(HEARTBEAT_INTERVAL_MS, 'heartbeat');
      } else {
        checkPeers();
        ctx.setTimer(CHECK_INTERVAL_MS, 'check');
      }
    },
    onMessage(from, message) {
      lastHeardMs.set(from, ctx.now());
      if (suspected.delete(from)) ctx.log(`trusts ${from} again (boot #${message.boots})`);
    },
  };
};

function argument(name: string, fallback: string): string {
  const position = process.argv.indexOf(name);
  return position >= 0 ? (process.argv[position + 1] ?? fallback) : fallback;
}

const sim = new Simulation({
  seed: argument('--seed', 'demo'),
  trace: true,
  network: {
    link: {
      latency: { kind: 'normal', meanMs: 20, stdDevMs: 8 },
      lossProbability: 0.05,
      duplicateProbability: 0.01,
    },
  },
});

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
ids.forEach((id, index) => {
  sim.addNode(id, heartbeatNode, { durable: { boots: 0 }, clock: { offsetMs: index * 7, driftPpm: (index - 2) * 200 } });
});

sim.scheduleAt(1_200, () => sim.crash('n3'));
sim.scheduleAt(3_000, () => sim.restart('n3'));
sim.run({ until: RUN_FOR_MS });

// ---- the verdicts about n3, the table and the report (read after the run: no events added) ----

/** A peer's verdicts about n3, read from its log lines ("suspects n3", "trusts n3 again"). */
function verdictsAbout(target: string, observer: string): DetectorTransition[] {
  return sim.logs()
    .filter((entry) => entry.node === observer && (entry.message.startsWith(`suspects ${target} `) || entry.message.startsWith(`trusts ${target} `)))
    .map((entry) => ({ kind: entry.message.startsWith('suspects') ? 'suspect' : 'trust', timeMs: entry.timeMs, localTimeMs: entry.localTimeMs }));
}

const OBSERVERS = ids.filter((id) => id !== 'n3');
const verdicts: DetectorVerdict[] = OBSERVERS.map((observer) => {
  const transitions = verdictsAbout('n3', observer);
  return { label: `${observer} watching n3`, node: 'n3', transitions, qos: measureQoS(transitions, sim.truth, 'n3', 0, RUN_FOR_MS) };
});

const VERDICT_COLUMNS = ['peer', 'suspicions', 'false (n3 up)', 'detected after ms', 'trusted again after restart ms'];

function verdictRows(): Array<[string, number, number, number | null, number | null]> {
  return verdicts.map((verdict) => {
    const qos = verdict.qos!;
    const trustedAgain = verdict.transitions.find((transition) => transition.kind === 'trust' && transition.timeMs >= 3_000);
    const detectedMs = qos.detectionTime.count > 0 ? Math.round(qos.detectionTime.meanMs!) : null;
    return [verdict.label.split(' ')[0]!, verdict.transitions.filter((transition) => transition.kind === 'suspect').length, qos.mistakes.length, detectedMs, trustedAgain === undefined ? null : Math.round(trustedAgain.timeMs - 3_000)];
  });
}

function formatVerdictTable(): string {
  const widths = VERDICT_COLUMNS.map((column) => Math.max(4, column.length));
  const format = (cells: ReadonlyArray<string | number | null>) => `  ${cells.map((cell, index) => (index === 0 ? String(cell).padEnd(widths[index]!) : String(cell ?? '-').padStart(widths[index]!))).join('  ')}`;
  return [format(VERDICT_COLUMNS), ...verdictRows().map(format)].join('\n');
}

function writeReport(path: string): string {
  const table: ReportTable = { caption: 'what each peer concluded about n3 (n3 down 1200-3000 ms)', columns: VERDICT_COLUMNS, rows: verdictRows() };
  const messages: ReportTable = {
    caption: 'messages',
    columns: ['sent', 'delivered', 'duplicated', 'lost', 'to a crashed node'],
    rows: [[stats.sent, stats.delivered, stats.duplicated, stats.dropped.loss, stats.dropped['node-down']]],
  };
  return writeHtmlReport(path, {
    title: 'Heartbeats and a crash: five nodes, a fixed timeout',
    story: `Five nodes heartbeat each other every ${HEARTBEAT_INTERVAL_MS} ms over a lossy, jittery network (latency normal(20 ms, sd 8 ms), 5 % loss, 1 % duplication); ` +
      `each suspects a peer silent for ${SUSPECT_AFTER_MS} ms on its own drifting clock. n3 crashes at 1200 ms and restarts at 3000 ms with its durable boot counter.\n\n` +
      'A timeout cannot tell a crash from lost or late heartbeats: suspicions while n3 is up are false ones. Each peer\'s verdicts about n3 are drawn against the truth below.',
    tables: [table, messages],
    runs: [
      { label: 'the whole run', sim, detectors: verdicts },
      { label: 'the crash, closer (1100-1800 ms)', sim, fromMs: 1_100, untilMs: 1_800, detectors: verdicts },
      { label: 'the restart, closer (2900-3400 ms)', sim, fromMs: 2_900, untilMs: 3_400, detectors: verdicts },
    ],
  });
}

// ---- what the demo prints ----

const records = sim.trace!.records();
const stats = sim.network.stats();
console.log(`faultline demo: 5 nodes, heartbeat every ${HEARTBEAT_INTERVAL_MS} ms, suspect after ${SUSPECT_AFTER_MS} ms of silence`);
console.log('network: latency normal(20 ms, sd 8 ms), 5% loss, 1% duplication\n');
console.log('What happened (true time, node, what it saw):');
console.log(formatTimeline(records, { types: ['crash', 'restart', 'log'] }));
console.log('\nWho was up (█ up, ✖ crash, · down, ↻ restart):');
console.log(formatLanes(records, { nodes: ids, untilMs: RUN_FOR_MS, columns: 50 }));
console.log(`\nmessages: ${stats.sent} sent, ${stats.delivered} delivered, ${stats.duplicated} duplicated, ` +
  `${stats.dropped.loss} lost, ${stats.dropped['node-down']} to a crashed node`);
console.log('\nWhat each peer concluded about n3 (scored against the truth; n3 was down 1200-3000 ms):');
console.log(formatVerdictTable());
console.log(`report: ${writeReport(join(argument('--out', 'out'), 'heartbeat-cluster.html'))} (open it in a browser)`);
console.log(`events: ${sim.eventsProcessed}, trace hash ${sim.traceHash()} (same seed, same hash: run it again)`);
