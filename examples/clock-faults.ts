/**
 * Clock faults: last-writer-wins on wall-clock timestamps, and the fix, hybrid logical clocks.
 * Two writers take turns updating key x every 50 ms. Each update is a read-modify-write: the
 * writer reads x from the store, then writes a new value based on it, stamped with a timestamp;
 * the store keeps the write with the highest stamp (an `lwwRegister`) and silently discards the
 * rest. Every write has seen the value it replaces, so it is causally later: discarding it is a
 * lost update. Three clock faults, one after another:
 *
 * - 1.0–2.0 s clock-skew: w1's clock is set 800 ms back (then NTP corrects it);
 * - 2.0–3.5 s clock-drift: w2's oscillator runs 10% fast, so it creeps ahead of true time;
 * - 4.0 s clock-jump: NTP steps w2's clock back by the 150 ms it gained.
 *
 * The system runs twice on the same seed and faults. Broken: the stamp is the writer's wall
 * clock (`ctx.now()`), so a writer whose clock is behind loses to the write it has just read.
 * Fixed: the stamp is a hybrid logical clock (`hybridLogicalClock`, Kulkarni et al.): the writer
 * `receive`s the stamp it read, then `tick`s, so its write is stamped after everything it has
 * seen, whatever its wall clock says, and stays close to physical time.
 *
 * What to look for: the store starting and stopping discarding each writer's writes in the broken
 * run; the clocks that read wrong while their nodes trust them (`sim.truth.clockOffset`); the
 * summary: writes lost and causally-later writes overwritten, wall clock against HLC. No message
 * is lost and no node is down: the data loss comes entirely from trusting wall clocks. (An HLC
 * orders writes that saw each other; two truly concurrent writes still lose one, by design: keep
 * both with an `mvRegister`.)
 *
 * The run writes `out/clock-faults.html` (`--out dir` for another folder): both runs, their
 * faults on a timeline, the messages as a space-time diagram, and writes kept and lost over time.
 *
 * Run: npx tsx examples/clock-faults.ts
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hybridLogicalClock, lwwRegister, Simulation, type HlcTimestamp, type LwwRegisterState, type NodeBehaviour } from 'faultline';
import { writeHtmlReport } from 'faultline/report';

const WRITERS = ['w1', 'w2'];
const WRITE_EVERY_MS = 100; // per writer; w2 is offset by 50 ms, so a write every 50 ms overall
const RUN_FOR_MS = 5_000;
const PHASES = [
  { name: 'clocks in sync', fromMs: 0, toMs: 1_000 },
  { name: 'w1 skewed -800 ms', fromMs: 1_000, toMs: 2_000 },
  { name: 'w2 drifting +10%', fromMs: 2_000, toMs: 3_500 },
  { name: 'w2 ahead, not drifting', fromMs: 3_500, toMs: 4_000 },
  { name: 'w2 jumped back', fromMs: 4_000, toMs: RUN_FOR_MS },
];

/** How a writer stamps its writes: its wall clock (broken) or a hybrid logical clock (fixed). */
type Stamping = 'wall clock' | 'HLC';

type Message =
  | { type: 'read' }
  | { type: 'value'; value: string | null; stamp: HlcTimestamp | null }
  | { type: 'write'; value: string; basedOn: string | null; stamp: HlcTimestamp };

/** One write as the store decided it; `timeMs` is the store's clock, which is never faulted. */
interface Decision {
  timeMs: number;
  writer: string;
  kept: boolean;
  /** The writer had read the write this one competed with: it is causally later. */
  causallyLater: boolean;
  /** The stamp's wall time minus the true time it arrived (stamps are at most ~3 ms old). */
  stampErrorMs: number;
}

/** A writer: reads x, then writes a value based on what it read, stamped per `stamping`. */
function writer(stamping: Stamping): NodeBehaviour<Message> {
  return (ctx) => {
    let seq = 0;
    let clock = hybridLogicalClock.create(ctx);
    const stampAfterReading = (seen: HlcTimestamp | null): HlcTimestamp => {
      if (stamping === 'wall clock') return { wallMs: ctx.now(), logical: 0, node: ctx.id };
      if (seen !== null) clock = hybridLogicalClock.receive(clock, seen, ctx);
      clock = hybridLogicalClock.tick(clock, ctx);
      return clock;
    };
    return {
      onStart() {
        ctx.setTimer(ctx.id === 'w1' ? WRITE_EVERY_MS : WRITE_EVERY_MS / 2, 'write');
      },
      onTimer() {
        ctx.send('store', { type: 'read' });
        ctx.setTimer(WRITE_EVERY_MS, 'write');
      },
      onMessage(_from, message) {
        if (message.type !== 'value') return;
        ctx.send('store', { type: 'write', value: `${ctx.id}#${++seq}`, basedOn: message.value, stamp: stampAfterReading(message.stamp) });
      },
    };
  };
}

/** Last-writer-wins by timestamp: the textbook way to resolve concurrent writes without coordination. */
function store(decisions: Decision[]): NodeBehaviour<Message> {
  return (ctx) => {
    let register: LwwRegisterState<string> = lwwRegister.empty();
    const writes = ctx.metrics.counter('lww_writes_total', { help: 'Writes the store received, by whether last-writer-wins kept them', labelNames: ['outcome'] });
    const discardedInARow = new Map(WRITERS.map((id) => [id, 0]));
    return {
      onMessage(from, message) {
        if (message.type === 'read') return ctx.send(from, { type: 'value', value: register.value, stamp: register.timestamp });
        if (message.type !== 'write') return;
        const current = register;
        register = lwwRegister.set(register, message.value, message.stamp);
        const kept = lwwRegister.value(register) === message.value;
        writes.inc(1, { outcome: kept ? 'kept' : 'lost' });
        decisions.push({ timeMs: ctx.now(), writer: from, kept, causallyLater: message.basedOn === current.value, stampErrorMs: message.stamp.wallMs - ctx.now() });
        const streak = discardedInARow.get(from)!;
        discardedInARow.set(from, kept ? 0 : streak + 1);
        if (kept && streak > 0) ctx.log(`accepts ${from}'s writes again, after discarding ${streak}`);
        if (!kept && streak === 0) {
          ctx.log(`starts discarding ${from}'s writes: ${message.value} stamped ${message.stamp.wallMs.toFixed(0)} ms ` +
            `loses to ${current.value} stamped ${current.timestamp!.wallMs.toFixed(0)} ms, the write it had just read`);
        }
      },
    };
  };
}

interface Run {
  stamping: Stamping;
  sim: Simulation;
  decisions: Decision[];
}

/** Builds the writers and the store, injects the three clock faults, runs five seconds. */
function runWith(stamping: Stamping): Run {
  const decisions: Decision[] = [];
  const sim = new Simulation({
    seed: 'clock-faults',
    trace: true,
    network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } } },
  });
  sim.metrics.configure({ intervalMs: 100 });
  for (const id of WRITERS) sim.addNode(id, writer(stamping));
  sim.addNode('store', store(decisions));
  sim.inject([
    { kind: 'clock-skew', atMs: 1_000, durationMs: 1_000, target: 'w1', params: { deltaMs: -800 } },
    { kind: 'clock-drift', atMs: 2_000, durationMs: 1_500, target: 'w2', params: { driftPpm: 100_000 } },
    { kind: 'clock-jump', atMs: 4_000, target: 'w2', params: { deltaMs: -150 } },
  ]);
  sim.run({ until: RUN_FOR_MS });
  return { stamping, sim, decisions };
}

/** The faults and the store's notable decisions, in time order. */
function story(run: Run): string[] {
  const lines = [
    ...run.sim.faultLog.map(({ timeMs, phase, fault }) => ({ timeMs, text: `-- ${phase === 'apply' ? 'fault' : 'reverted'}: ${fault.kind} ${fault.target} ${JSON.stringify(fault.params)}` })),
    ...run.sim.logs().map((entry) => ({ timeMs: entry.timeMs, text: `${entry.node}  ${entry.message}` })),
  ].sort((a, b) => a.timeMs - b.timeMs);
  return lines.map(({ timeMs, text }) => `${timeMs.toFixed(1).padStart(8)} ms  ${text}`);
}

/** What each writer's clock read against the truth, at a few moments. */
function clockTable(sim: Simulation): string[] {
  const rows = [500, 1_500, 2_500, 3_000, 3_500, 3_999, 4_000, 4_500].map((atMs) => {
    const cells = WRITERS.map((id) => {
      const offsetMs = sim.truth.clockOffset(id, atMs);
      return `${(atMs + offsetMs).toFixed(0).padStart(8)} ${`${offsetMs >= 0 ? '+' : ''}${offsetMs.toFixed(0)} ms`.padStart(11)}`;
    });
    return `  ${String(atMs).padStart(7)} ms  ${cells.join(' ')}`;
  });
  return ['   true time   w1 read   w1 off by   w2 read   w2 off by', ...rows];
}

/** Kept / lost writes per writer and phase, both runs side by side. */
function phaseTable(broken: Run, fixed: Run): string[] {
  const cells = (run: Run, fromMs: number, toMs: number) =>
    WRITERS.map((id) => {
      const mine = run.decisions.filter((decision) => decision.writer === id && decision.timeMs >= fromMs && decision.timeMs < toMs);
      return `${id} ${mine.filter((decision) => decision.kept).length} / ${mine.filter((decision) => !decision.kept).length}`.padEnd(11);
    }).join(' ');
  return [
    `  ${'phase'.padEnd(39)}${'wall clock (kept / lost)'.padEnd(26)}HLC (kept / lost)`,
    ...PHASES.map(({ name, fromMs, toMs }) => `  ${`${fromMs}-${toMs} ms`.padEnd(13)} ${name.padEnd(24)} ${cells(broken, fromMs, toMs)}  ${cells(fixed, fromMs, toMs)}`.trimEnd()),
  ];
}

/** The key numbers of one run. */
export interface ClockFaultsFigures {
  /** Writes the store received. */
  writes: number;
  /** Writes the store discarded: each was really the newest, so each is a lost update. */
  lost: number;
  /** Discarded writes whose writer had read the write that beat them. */
  causallyLaterOverwritten: number;
  /** The smallest and largest stamp minus true arrival time, in ms. */
  stampErrorMs: [number, number];
  /** The run's trace hash (the same in both runs: same messages at the same times, other stamps). */
  traceHash: string;
}

function figures(run: Run): ClockFaultsFigures {
  const errors = run.decisions.map((decision) => decision.stampErrorMs);
  return {
    writes: run.decisions.length,
    lost: run.decisions.filter((decision) => !decision.kept).length,
    causallyLaterOverwritten: run.decisions.filter((decision) => !decision.kept && decision.causallyLater).length,
    stampErrorMs: [Math.min(...errors), Math.max(...errors)],
    traceHash: run.sim.traceHash(),
  };
}

function summaryTable(broken: ClockFaultsFigures, fixed: ClockFaultsFigures): string[] {
  const range = ([low, high]: [number, number]) => `${low.toFixed(0)} .. +${high.toFixed(0)}`;
  const row = (label: string, a: string | number, b: string | number) => `  ${label.padEnd(40)}${String(a).padStart(14)}${String(b).padStart(14)}`;
  return [
    row('', 'wall clock', 'HLC'),
    row('writes', broken.writes, fixed.writes),
    row('writes lost (discarded by the store)', broken.lost, fixed.lost),
    row('causally-later writes overwritten', broken.causallyLaterOverwritten, fixed.causallyLaterOverwritten),
    row('stamp minus true time, ms (min .. max)', range(broken.stampErrorMs), range(fixed.stampErrorMs)),
  ];
}

/** The example's result: both runs' figures, the report written and the hash of both traces. */
export interface ClockFaultsResult {
  broken: ClockFaultsFigures;
  fixed: ClockFaultsFigures;
  reportPath: string;
  traceHash: string;
}

const REPORT_STORY = [
  'Two writers take turns updating key x every 50 ms: each reads x, then writes a new value based on it, stamped with a timestamp. ' +
    'The store keeps the write with the highest stamp (last-writer-wins) and silently discards the rest, so every discarded write is a lost update.',
  "Faults: w1's clock is set 800 ms back from 1 s to 2 s; w2's runs 10% fast from 2 s to 3.5 s; at 4 s NTP steps w2 back 150 ms. No message is lost and no node is down.",
  "The same writers, faults and seed run twice: stamped with the writer's wall clock (broken), then with a hybrid logical clock that has received the stamp it read (fixed).",
].join('\n\n');

/** Writes the HTML report of both runs; returns its path. */
function writeReport(outDir: string, broken: Run, fixed: Run, figuresOf: [ClockFaultsFigures, ClockFaultsFigures]): string {
  const writesChart = { name: 'lww_writes_total', show: 'rate' as const, title: 'writes per second at the store, kept and lost' };
  return writeHtmlReport(join(outDir, 'clock-faults.html'), {
    title: 'Clock faults: last-writer-wins on wall clocks, and on hybrid logical clocks',
    story: REPORT_STORY,
    tables: [
      {
        caption: 'wall-clock stamps against HLC stamps, same faults',
        columns: ['stamps', 'writes', 'writes lost', 'causally-later writes overwritten', 'stamp minus true time, min ms', 'max ms'],
        rows: [broken, fixed].map((run, index) => {
          const figures = figuresOf[index]!;
          return [run.stamping, figures.writes, figures.lost, figures.causallyLaterOverwritten, Math.round(figures.stampErrorMs[0]), Math.round(figures.stampErrorMs[1])];
        }),
      },
    ],
    runs: [
      { label: 'broken: wall-clock stamps', sim: broken.sim, story: 'The store discards w1\'s writes while its clock is behind, and w2\'s after its clock steps back.', metrics: [writesChart] },
      { label: 'fixed: HLC stamps', sim: fixed.sim, story: 'Each write is stamped after the stamp its writer read: the store keeps every one.', metrics: [writesChart] },
    ],
  });
}

/** The folder given with `--out`, else `out`. */
function outDirFrom(argv: readonly string[]): string {
  const position = argv.indexOf('--out');
  return position >= 0 && argv[position + 1] !== undefined ? argv[position + 1]! : 'out';
}

/** Runs the broken and the fixed system on the same faults and prints the comparison. */
export function main(argv: readonly string[] = []): ClockFaultsResult {
  const broken = runWith('wall clock');
  const fixed = runWith('HLC');
  const brokenFigures = figures(broken);
  const fixedFigures = figures(fixed);
  const traceHash = createHash('sha256').update(`${brokenFigures.traceHash} ${fixedFigures.traceHash}`).digest('hex').slice(0, 16);
  const fixedStory = story(fixed).filter((line) => line.includes('store  '));
  const reportPath = writeReport(outDirFrom(argv), broken, fixed, [brokenFigures, fixedFigures]);
  console.log([
    'Clock faults vs last-writer-wins: w1 and w2 take turns updating x every 50 ms (read, then write), stamped with their own clocks.',
    'Faults: w1 skewed -800 ms (1-2 s); w2 drifts +10% (2-3.5 s); w2 jumps back 150 ms (4 s). Run twice: wall-clock stamps, then HLC stamps.',
    'Look for: the store discarding writes that were really the newest; clocks that read wrong while their nodes trust them; HLC losing none.',
    '',
    'What happened with wall-clock stamps:',
    ...story(broken),
    '',
    `With HLC stamps, on the same faults: ${fixedStory.length === 0 ? 'the store never discarded a write.' : ''}`,
    ...fixedStory,
    '',
    'What each clock said vs the truth (a node cannot see its own error; it believes its reading):',
    ...clockTable(broken.sim),
    '',
    'Writes kept / lost per phase (every lost write was the newest, and its writer had read the one that beat it):',
    ...phaseTable(broken, fixed),
    '',
    'Summary (same writers, same faults, same seed; only the timestamp differs):',
    ...summaryTable(brokenFigures, fixedFigures),
    `  (an HLC stamp is never behind the stamp its writer read: with w1's clock 800 ms slow it lagged true time by at most ${(-fixedFigures.stampErrorMs[0]).toFixed(0)} ms,`,
    '   about the gap since the write read; it runs ahead only as far as the fastest clock heard from; a wall-clock stamp is as wrong as its clock)',
    `  messages: ${broken.sim.network.stats().sent} sent, ${broken.sim.network.stats().delivered} delivered; nodes down: none.`,
    '',
    `wrote ${reportPath} (open it in a browser)`,
    `trace hash ${traceHash}`,
  ].join('\n'));
  return { broken: brokenFigures, fixed: fixedFigures, reportPath, traceHash };
}

// Run from the command line (not when a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
