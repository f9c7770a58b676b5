/**
 * Process pauses: a leader frozen by a stop-the-world GC pause, and the fix, fencing tokens. Two
 * workers share a 500 ms lease from a lock service (`addPrimaryBackup`: a lease authority, a
 * store and replicas under `withLease`); each asks for the lease every 100 ms, and believes it
 * leads (`lease.isPrimary()`) until the lease, measured from when it asked, runs out on its own
 * clock less a 100 ms safety margin. Every 100 ms the leader checks its lease, prepares a write
 * for 20 ms, then writes x to the store stamped with the lease's epoch.
 *
 * At 1,010 ms, just after leader w1 checked its lease and before its write, w1 freezes for 1.2 s
 * (a `pause` fault): it is up, but runs nothing. The lease runs out at the lock service and w2
 * takes over under epoch 2. When w1 thaws, everything that waited runs at once, in order: first
 * its write, due 1.2 s ago and decided while it still led. Checking the lease just before
 * writing is not enough: a pause can fall between the check and the write.
 *
 * The system runs twice on the same seed and pause. Broken: the store accepts every write, so
 * the deposed leader's write lands after its successor's. Fixed: the store checks fencing tokens
 * (Kleppmann): it refuses a write whose epoch is below the highest it has seen, and the refusal
 * tells w1 it is no longer primary.
 *
 * What to look for: the late write; STALE LEADER WROTE against FENCED; the lanes, where w1 is
 * frozen while w2 leads; the summary: stale writes accepted, unfenced against fenced.
 *
 * The run writes `out/pause.html` (`--out dir` for another folder): both runs, the pause on a
 * timeline, and the messages as a space-time diagram with w1's frozen stretch hatched.
 *
 * Run: npx tsx examples/pause.ts
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addPrimaryBackup, FencedWriteReply, Simulation, type LeaseAuthority, type FencedStore, type LeasedBehaviour } from 'faultline';
import { writeHtmlReport } from 'faultline/report';

const LEASE_MS = 500;
const SAFETY_MARGIN_MS = 100;
const RENEW_EVERY_MS = 100;
const TICK_MS = 100;
const PREPARE_MS = 20;
const PAUSE = { atMs: 1_010, durationMs: 1_200 };
const RUN_FOR_MS = 3_000;
const COLUMN_MS = 50;

/** A worker: while it holds the lease, it writes x every tick, 20 ms after it checked. */
const worker: LeasedBehaviour = (ctx, lease) => {
  let seq = 0;
  let decidedAtLocalMs = 0;
  return {
    onStart() {
      ctx.setTimer(ctx.id === 'w1' ? TICK_MS : TICK_MS / 2, 'tick');
    },
    onTimer(name, epoch) {
      if (name === 'write') {
        const lateMs = ctx.now() - decidedAtLocalMs - PREPARE_MS;
        if (lateMs > 50) {
          ctx.log(`write fired ${lateMs.toFixed(0)} ms late: sends x with epoch ${epoch as number}, decided when it led ` +
            `(primary now? ${lease.isPrimary() ? 'yes' : 'no'}, but the write is already on its way)`);
        }
        lease.write('x', `${ctx.id}#${++seq}`, epoch as number);
        return;
      }
      if (lease.isPrimary()) {
        decidedAtLocalMs = ctx.now();
        ctx.setTimer(PREPARE_MS, 'write', lease.epoch());
      }
      ctx.setTimer(TICK_MS, 'tick');
    },
    onMessage(_from, message) {
      if (message instanceof FencedWriteReply && !message.accepted) ctx.log(`its write was refused: the store has seen epoch ${message.highestEpoch}; stops acting as primary`);
    },
    get primary() {
      return lease.isPrimary();
    },
  } as ReturnType<LeasedBehaviour> & { readonly primary: boolean };
};

interface Run {
  fencing: boolean;
  sim: Simulation;
  authority: LeaseAuthority;
  store: FencedStore;
  lanes: { w1Primary: string; w1Frozen: string; w2Primary: string };
}

/** Builds the lock service, the store and the workers, freezes w1, runs three seconds. */
function runWith(fencing: boolean): Run {
  const sim = new Simulation({
    seed: 'pause',
    trace: true,
    network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } },
  });
  const { authority, store } = addPrimaryBackup(sim, {
    replicas: ['w1', 'w2'], behaviour: worker, authority: 'lock', store: 'store',
    leaseMs: LEASE_MS, renewIntervalMs: RENEW_EVERY_MS, safetyMarginMs: SAFETY_MARGIN_MS, fencing,
  });
  sim.inject([{ kind: 'pause', ...PAUSE, target: 'w1' }]);
  // Sample who believes what every 50 ms, for the lanes.
  const lanes = { w1Primary: '', w1Frozen: '', w2Primary: '' };
  const primary = (id: string) => (sim.node<{ primary: boolean }>(id).handlers.primary ? 'L' : '·');
  for (let atMs = COLUMN_MS / 2; atMs < RUN_FOR_MS; atMs += COLUMN_MS) {
    sim.scheduleAt(atMs, () => {
      lanes.w1Primary += primary('w1');
      lanes.w1Frozen += sim.truth.isPaused('w1') ? '░' : ' ';
      lanes.w2Primary += primary('w2');
    });
  }
  sim.run({ until: RUN_FOR_MS });
  return { fencing, sim, authority, store, lanes };
}

/** Writes that carried an epoch below one the store had already seen. */
function staleWrites(run: Run) {
  let highestEpoch = 0;
  return run.store.writes.filter((write) => {
    const stale = write.epoch < highestEpoch;
    highestEpoch = Math.max(highestEpoch, write.epoch);
    return stale;
  });
}

/** Grants to a new holder, the pause, the workers' logs and the store's notable writes, in time order. */
function story(run: Run): string[] {
  const at = (timeMs: number, node: string) => `${timeMs.toFixed(1).padStart(8)} ms  ${node.padEnd(5)}`;
  const events: Array<{ timeMs: number; text: string }> = [];
  for (const grant of run.authority.grants.filter((grant) => !grant.renewal)) {
    events.push({ timeMs: grant.timeMs, text: `${at(grant.timeMs, 'lock')} grants the lease to ${grant.holder}, epoch ${grant.epoch}` });
  }
  for (const record of run.sim.trace!.records()) {
    if (record.type === 'log') events.push({ timeMs: record.timeMs, text: `${at(record.timeMs, record.node!)} ${(record.detail as { message: string }).message}` });
    if (record.type === 'pause') events.push({ timeMs: record.timeMs, text: `${at(record.timeMs, record.node!)} ❚❚ frozen: no handler runs; timers and messages wait (it is still up)` });
    if (record.type === 'resume') events.push({ timeMs: record.timeMs, text: `${at(record.timeMs, record.node!)} ▶ thawed: ${(record.detail as { released: number }).released} waiting events run now, in order` });
  }
  let lastWriter = '';
  let highestEpoch = 0;
  for (const write of run.store.writes) {
    if (write.epoch < highestEpoch) {
      const verdict = write.accepted ? 'STALE LEADER WROTE (fencing would refuse it)' : 'FENCED: refused';
      events.push({ timeMs: write.timeMs, text: `${at(write.timeMs, 'store')} ${write.accepted ? 'accepts' : 'refuses'} ${write.from}'s write ${String(write.value)} with epoch ${write.epoch} after epoch ${highestEpoch}: ${verdict}` });
    } else if (write.from !== lastWriter) {
      events.push({ timeMs: write.timeMs, text: `${at(write.timeMs, 'store')} writes now come from ${write.from} (epoch ${write.epoch})` });
    }
    if (write.accepted) lastWriter = write.from;
    highestEpoch = Math.max(highestEpoch, write.epoch);
  }
  return events.sort((a, b) => a.timeMs - b.timeMs).map((event) => event.text);
}

/** The holder of the lease by the lock service's clock (which is true time: it is not faulted). */
function lockLane(authority: LeaseAuthority): string {
  let lane = '';
  for (let atMs = COLUMN_MS / 2; atMs < RUN_FOR_MS; atMs += COLUMN_MS) {
    const grant = authority.grants.filter((candidate) => candidate.timeMs <= atMs).at(-1);
    lane += grant !== undefined && atMs < grant.timeMs + LEASE_MS ? grant.holder.slice(1) : '-';
  }
  return lane;
}

/** What the store did per column: the writer's number, ! a stale write accepted, x one refused. */
function storeLane(run: Run): string {
  const stale = new Set(staleWrites(run));
  let lane = '';
  for (let fromMs = 0; fromMs < RUN_FOR_MS; fromMs += COLUMN_MS) {
    const inColumn = run.store.writes.filter((write) => write.timeMs >= fromMs && write.timeMs < fromMs + COLUMN_MS);
    const staleOne = inColumn.find((write) => stale.has(write));
    lane += staleOne !== undefined ? (staleOne.accepted ? '!' : 'x') : (inColumn.at(-1)?.from.slice(1) ?? '·');
  }
  return lane;
}

/** The key numbers of one run. */
export interface PauseFigures {
  /** Writes the store received from each worker. */
  writes: Record<string, number>;
  /** Writes with an epoch below one already seen that the store applied. */
  staleAccepted: number;
  /** Writes with an epoch below one already seen that the store refused. */
  staleRefused: number;
  /** The successor's value the stale write replaced, if one did. */
  overwritten: string;
  /** The run's trace hash. */
  traceHash: string;
}

function figures(run: Run): PauseFigures {
  const stale = staleWrites(run);
  const firstStaleAccepted = stale.find((write) => write.accepted);
  const before = firstStaleAccepted === undefined ? undefined : run.store.writes.filter((write) => write.accepted && write.timeMs < firstStaleAccepted.timeMs).at(-1);
  return {
    writes: Object.fromEntries(['w1', 'w2'].map((id) => [id, run.store.writes.filter((write) => write.from === id).length])),
    staleAccepted: stale.filter((write) => write.accepted).length,
    staleRefused: stale.filter((write) => !write.accepted).length,
    overwritten: before === undefined ? 'none' : String(before.value),
    traceHash: run.sim.traceHash(),
  };
}

function summaryTable(broken: PauseFigures, fixed: PauseFigures): string[] {
  const row = (label: string, a: string | number, b: string | number) => `  ${label.padEnd(44)}${String(a).padStart(10)}${String(b).padStart(10)}`;
  return [
    row('', 'unfenced', 'fenced'),
    row('writes sent by w1 (epoch 1) / w2 (epoch 2)', `${broken.writes['w1']} / ${broken.writes['w2']}`, `${fixed.writes['w1']} / ${fixed.writes['w2']}`),
    row('stale writes accepted', broken.staleAccepted, fixed.staleAccepted),
    row('stale writes refused', broken.staleRefused, fixed.staleRefused),
    row("successor's write the stale one replaced", broken.overwritten, fixed.overwritten),
  ];
}

/** The example's result: both runs' figures, the report written and the hash of both traces. */
export interface PauseResult {
  broken: PauseFigures;
  fixed: PauseFigures;
  reportPath: string;
  traceHash: string;
}

const REPORT_STORY = [
  'Two workers share a 500 ms lease from a lock service; each asks for it every 100 ms. The leader checks its lease every 100 ms, prepares a write for 20 ms, ' +
    "then writes x to the store stamped with the lease's epoch.",
  `At ${PAUSE.atMs} ms, between its check and its write, leader w1 freezes for ${PAUSE.durationMs} ms (a stop-the-world GC pause). The lease runs out and w2 takes over under epoch 2. ` +
    'When w1 thaws, its overdue write runs first: a deposed leader writes after its successor.',
  'The same workers, pause and seed run twice: with a store that accepts every write (broken), then with one that refuses a write whose epoch is below the highest it has seen (fencing tokens).',
].join('\n\n');

/** Writes the HTML report of both runs; returns its path. */
function writeReport(outDir: string, broken: Run, fixed: Run, figuresOf: [PauseFigures, PauseFigures]): string {
  return writeHtmlReport(join(outDir, 'pause.html'), {
    title: 'Process pause: a leader frozen past its lease, and fencing tokens',
    story: REPORT_STORY,
    tables: [
      {
        caption: 'unfenced store against fenced store, same pause',
        columns: ['store', 'writes by w1', 'writes by w2', 'stale writes accepted', 'stale writes refused', "successor's write replaced"],
        rows: [broken, fixed].map((run, index) => {
          const figures = figuresOf[index]!;
          return [run.fencing ? 'fenced' : 'unfenced', figures.writes['w1']!, figures.writes['w2']!, figures.staleAccepted, figures.staleRefused, figures.overwritten];
        }),
      },
    ],
    runs: [
      { label: 'broken: unfenced store', sim: broken.sim, story: "w1's write, decided before the pause, lands at 2.2 s with epoch 1, after w2's epoch-2 writes, and the store applies it." },
      { label: 'fixed: fenced store', sim: fixed.sim, story: 'The same late write reaches the store, which refuses it (epoch 1 < 2); the refusal tells w1 it no longer leads.' },
    ],
  });
}

/** The folder given with `--out`, else `out`. */
function outDirFrom(argv: readonly string[]): string {
  const position = argv.indexOf('--out');
  return position >= 0 && argv[position + 1] !== undefined ? argv[position + 1]! : 'out';
}

/** Runs the unfenced and the fenced store through the same pause and prints the comparison. */
export function main(argv: readonly string[] = []): PauseResult {
  const broken = runWith(false);
  const fixed = runWith(true);
  const brokenFigures = figures(broken);
  const fixedFigures = figures(fixed);
  const traceHash = createHash('sha256').update(`${brokenFigures.traceHash} ${fixedFigures.traceHash}`).digest('hex').slice(0, 16);
  const reportPath = writeReport(outDirFrom(argv), broken, fixed, [brokenFigures, fixedFigures]);
  const both = [...broken.lanes.w1Primary].filter((cell, index) => cell === 'L' && broken.lanes.w2Primary[index] === 'L').length;
  console.log([
    `Process pause: w1 holds a ${LEASE_MS} ms lease and writes x every ${TICK_MS} ms; at ${PAUSE.atMs} ms, between its lease check and its write, it freezes for ${PAUSE.durationMs} ms (a GC pause).`,
    'Run twice: a store that accepts every write, then one that checks fencing tokens (epochs).',
    'Look for: the late write, STALE LEADER WROTE against FENCED, and w2 leading while w1 is frozen in the lanes.',
    '',
    'What happened, unfenced store:',
    ...story(broken),
    '',
    'What happened, fenced store (the same until the late write):',
    ...story(fixed).filter((line) => Number(line.slice(0, 11).trim().replace(' ms', '')) >= PAUSE.atMs + PAUSE.durationMs),
    '',
    `Lanes (one column per ${COLUMN_MS} ms; L: lease.isPrimary() says yes, ░ frozen; lock: who holds the lease by the lock's clock;`,
    '       store: the writer of the last write in the column, ! a stale write accepted, x one refused):',
    `  w1 primary?       ${broken.lanes.w1Primary}`,
    `  w1 frozen         ${broken.lanes.w1Frozen}`,
    `  w2 primary?       ${broken.lanes.w2Primary}`,
    `  lock holder       ${lockLane(broken.authority)}`,
    `  store, unfenced   ${storeLane(broken)}`,
    `  store, fenced     ${storeLane(fixed)}`,
    `                    0${`${RUN_FOR_MS} ms`.padStart(broken.lanes.w1Primary.length - 1)}`,
    '',
    'Summary (same workers, same pause, same seed; only the store differs):',
    ...summaryTable(brokenFigures, fixedFigures),
    `  both workers believed they led at once for ~${both * COLUMN_MS} ms: the stale write needs no overlap, it was decided before the pause.`,
    `  truth: w1 paused ${JSON.stringify(broken.sim.truth.pausedIntervals('w1', broken.sim.now))}, ` +
      `down ${JSON.stringify(broken.sim.truth.downIntervals('w1', broken.sim.now))} (a paused node is up).`,
    '',
    `wrote ${reportPath} (open it in a browser)`,
    `trace hash ${traceHash}`,
  ].join('\n'));
  return { broken: brokenFigures, fixed: fixedFigures, reportPath, traceHash };
}

// Run from the command line (not when a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
