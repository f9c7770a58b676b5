/**
 * Overload: a checkout API meets Black Friday, and the remedy, load shedding. The `api` serves
 * 1,000 requests per second (1 ms each, one at a time) and lets up to 1,000 wait. A steady 400
 * requests/s arrive all along; from 0.5 s to 2.5 s a Black-Friday ramp adds traffic from 0 to
 * 2,000/s, then stops. Every client gives up on its request after 500 ms. Nothing crashes and no
 * link fails.
 *
 * The same crowd (the same arrivals, on the same seed) meets the api three times:
 * - no remedy: the api's inbox queues everything until it is full (`service: { messagesPerSec,
 *   inboxLimit }`); past that, requests are dropped unseen;
 * - queue deadline: `withLoadShedding` admits one request at a time and sheds, with a fast
 *   `ShedReply`, any request that has waited more than 100 ms, long before its client gives up;
 * - CoDel: `withLoadShedding` with CoDel (RFC 8289, target 5 ms over 100 ms) sheds from a queue
 *   that stands above the target.
 *
 * What to look for: without a remedy, latency climbs with the queue until requests wait longer
 * than their clients do; from then on the api works at full speed on requests nobody waits for
 * (served too late), goodput falls to nothing, and it stays bad after the spike while the queue
 * drains. With a queue deadline the excess gets a fast "try again" instead, the requests served
 * are served in time, goodput stays at capacity, and the api is healthy the moment the spike
 * ends. CoDel, made for TCP senders that slow down when a packet is dropped, sheds one request
 * per interval / sqrt(count): against a crowd that does not slow down it sheds far too few, and
 * does little better than no remedy. Pair it with clients that back off, or use a deadline.
 *
 * The run writes `out/overload.html` (`--out dir` for another folder): the per-phase table, and
 * per run charts of the outcomes at the client and of the work the api did, over time.
 *
 * Run: npx tsx examples/overload.ts
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CallTimeoutError, ShedReply, Simulation, withLoadShedding, type LoadSheddingHandlers, type LoadSheddingOptions, type NodeBehaviour, type ShedReason } from 'faultline';
import { writeHtmlReport, type RunSection } from 'faultline/report';

const CAPACITY_PER_SEC = 1_000;
const SERVICE_MS = 1_000 / CAPACITY_PER_SEC;
const QUEUE_LIMIT = 1_000;
const STEADY_PER_SEC = 400;
const SPIKE = { fromMs: 500, toMs: 2_500, peakPerSec: 2_000 };
const CLIENT_TIMEOUT_MS = 500;
const SEND_UNTIL_MS = 4_000;
const RUN_FOR_MS = SEND_UNTIL_MS + CLIENT_TIMEOUT_MS + 100;
const PHASES = [
  { name: 'before', fromMs: 0, toMs: SPIKE.fromMs },
  { name: 'during', fromMs: SPIKE.fromMs, toMs: SPIKE.toMs },
  { name: 'after', fromMs: SPIKE.toMs, toMs: SEND_UNTIL_MS },
];
const WINDOW_MS = 250;

/** The arrival rate at `timeMs`: the steady crowd plus the linear Black-Friday ramp. */
function ratePerSec(timeMs: number): number {
  const inSpike = timeMs >= SPIKE.fromMs && timeMs < SPIKE.toMs;
  return STEADY_PER_SEC + (inSpike ? (SPIKE.peakPerSec * (timeMs - SPIKE.fromMs)) / (SPIKE.toMs - SPIKE.fromMs) : 0);
}

/** What became of one request: at the client (`outcome`, `latencyMs`) and at the api (served or shed, when). */
interface Request {
  id: number;
  startMs: number;
  outcome: 'pending' | 'ok' | 'shed' | 'timeout';
  latencyMs: number;
  servedAtMs: number | undefined;
  shedAtMs: number | undefined;
}

/**
 * The crowd: Poisson arrivals at `ratePerSec` (by thinning a process at the peak rate), each an
 * RPC with a client timeout. Its clock is not faulted, so its readings are true time.
 */
function crowd(requests: Request[]): NodeBehaviour {
  const peakPerMs = (STEADY_PER_SEC + SPIKE.peakPerSec) / 1_000;
  return (ctx) => {
    const scheduleNext = () => ctx.setTimer(ctx.rng.exponential(1 / peakPerMs), 'arrival');
    const outcomes = ctx.metrics.counter('checkout_requests_total', { help: 'Checkout requests by outcome, at the client', labelNames: ['outcome'] });
    const send = async (request: Request) => {
      try {
        const reply = await ctx.call('api', { type: 'GET /checkout', id: request.id }, { timeoutMs: CLIENT_TIMEOUT_MS });
        request.outcome = reply instanceof ShedReply ? 'shed' : 'ok';
        request.latencyMs = ctx.now() - request.startMs;
      } catch (error) {
        if (!(error instanceof CallTimeoutError)) throw error;
        request.outcome = 'timeout';
      }
      outcomes.inc(1, { outcome: request.outcome });
    };
    return {
      onStart() {
        scheduleNext();
      },
      async onTimer() {
        if (ctx.now() >= SEND_UNTIL_MS) return;
        scheduleNext();
        if (ctx.rng.random() * peakPerMs >= ratePerSec(ctx.now()) / 1_000) return;
        const request: Request = { id: requests.length, startMs: ctx.now(), outcome: 'pending', latencyMs: NaN, servedAtMs: undefined, shedAtMs: undefined };
        requests.push(request);
        await send(request);
      },
    };
  };
}

interface Variant {
  name: string;
  /** Load-shedding options, or none: the api's own inbox queues until it is full. */
  shedding: LoadSheddingOptions | undefined;
}

const VARIANTS: Variant[] = [
  { name: 'no remedy', shedding: undefined },
  { name: 'queue deadline 100 ms', shedding: { maxConcurrent: 1, maxQueueLength: QUEUE_LIMIT, queueDeadlineMs: 100 } },
  { name: 'CoDel 5 ms / 100 ms', shedding: { maxConcurrent: 1, maxQueueLength: QUEUE_LIMIT, codel: { targetDelayMs: 5, intervalMs: 100 } } },
];

interface Run {
  variant: Variant;
  sim: Simulation;
  requests: Request[];
}

/** Builds the crowd and the api (with or without shedding) and runs the spike. */
async function runWith(variant: Variant): Promise<Run> {
  const requests: Request[] = [];
  const sim = new Simulation({
    seed: 'overload',
    trace: true,
    network: { link: { latency: { kind: 'normal', meanMs: 2, stdDevMs: 0.5 } } },
  });
  sim.metrics.configure({ intervalMs: 100 });
  sim.addNode('crowd', crowd(requests));
  const served = sim.metrics.counter('api_served_total', { help: 'Requests the api began to serve' });
  const markServed = (request: unknown) => {
    requests[(request as { id: number }).id]!.servedAtMs = sim.now;
    served.inc();
  };
  // The shed answer is the default one; `degrade` is only the place to note which request it was.
  const degrade = (request: unknown, reason: ShedReason) => {
    requests[(request as { id: number }).id]!.shedAtMs = sim.now;
    return new ShedReply(reason);
  };
  if (variant.shedding === undefined) {
    sim.addNode('api', () => ({ onCall: (_from, request) => (markServed(request), 'ok') }), { service: { messagesPerSec: CAPACITY_PER_SEC, inboxLimit: QUEUE_LIMIT } });
  } else {
    const api: NodeBehaviour = (ctx) => ({
      async onCall(_from, request) {
        markServed(request);
        await ctx.sleep(SERVICE_MS);
        return 'ok';
      },
    });
    sim.addNode('api', withLoadShedding(api, { ...variant.shedding, degrade }));
  }
  await sim.runAsync({ until: RUN_FOR_MS });
  return { variant, sim, requests };
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));

/** The key numbers of requests started in [fromMs, toMs). */
export interface PhaseFigures {
  requests: number;
  ok: number;
  p50Ms: number;
  p99Ms: number;
  /** Lost unseen: the inbox was full (the client times out). */
  dropped: number;
  /** Shed by the api (answered with a ShedReply, perhaps after the client gave up). */
  shed: number;
  /** The client gave up: dropped, or queued past its timeout. */
  timedOut: number;
  /** Served after the client had given up: work nobody waited for. */
  servedTooLate: number;
  /** Successful replies per second of the phase. */
  goodputPerSec: number;
}

function phaseFigures(run: Run, fromMs: number, toMs: number): PhaseFigures {
  const mine = run.requests.filter((request) => request.startMs >= fromMs && request.startMs < toMs);
  const latencies = mine.filter((request) => request.outcome === 'ok').map((request) => request.latencyMs).sort((a, b) => a - b);
  const timedOut = mine.filter((request) => request.outcome === 'timeout');
  return {
    requests: mine.length,
    ok: latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    dropped: mine.filter((request) => request.servedAtMs === undefined && request.shedAtMs === undefined).length,
    shed: mine.filter((request) => request.shedAtMs !== undefined).length,
    timedOut: timedOut.length,
    servedTooLate: timedOut.filter((request) => request.servedAtMs !== undefined).length,
    goodputPerSec: Math.round((latencies.length * 1_000) / (toMs - fromMs)),
  };
}

function phaseTable(runs: Run[]): string[] {
  const header = `  ${'api'.padEnd(23)}${'phase'.padEnd(8)}${['requests', 'ok', 'p50 ms', 'p99 ms', 'dropped', 'shed', 'timed out', 'too late', 'goodput/s'].map((title) => title.padStart(10)).join('')}`;
  const rows = runs.flatMap((run) =>
    PHASES.map(({ name, fromMs, toMs }, index) => {
      const figures = phaseFigures(run, fromMs, toMs);
      const cells = [figures.requests, figures.ok, ms(figures.p50Ms), ms(figures.p99Ms), figures.dropped, figures.shed, figures.timedOut, figures.servedTooLate, figures.goodputPerSec];
      return `  ${(index === 0 ? run.variant.name : '').padEnd(23)}${name.padEnd(8)}${cells.map((cell) => String(cell).padStart(10)).join('')}`;
    }),
  );
  return [header, ...rows];
}

/** Per window: arrivals, then each run's p99 and goodput, with a bar of the p99 (one # per 40 ms). */
function windowTable(runs: Run[]): string[] {
  const BAR = 13;
  const column = (p99: string, goodput: string, bar: string) => `${p99.padStart(7)}${goodput.padStart(10)}  ${bar.padEnd(BAR)}`;
  const rows: string[] = [];
  for (let fromMs = 0; fromMs < SEND_UNTIL_MS; fromMs += WINDOW_MS) {
    const cells = runs.map((run) => {
      const figures = phaseFigures(run, fromMs, fromMs + WINDOW_MS);
      return column(ms(figures.p99Ms), String(figures.goodputPerSec), '#'.repeat(Math.round((Number.isNaN(figures.p99Ms) ? 0 : figures.p99Ms) / 40)));
    });
    const arrivals = phaseFigures(runs[0]!, fromMs, fromMs + WINDOW_MS).requests * (1_000 / WINDOW_MS);
    rows.push(`  ${`${fromMs}-${fromMs + WINDOW_MS}`.padEnd(10)}${String(arrivals).padStart(9)} ${cells.join(' ')}`.trimEnd());
  }
  const width = column('', '', '').length + 1;
  return [
    `  ${''.padEnd(20)}${runs.map((run) => ` ${run.variant.name}`.padEnd(width)).join('')}`.trimEnd(),
    `  ${'window ms'.padEnd(10)}${'arrived/s'.padStart(9)} ${runs.map(() => column('p99 ms', 'goodput/s', 'p99')).join(' ')}`.trimEnd(),
    ...rows,
  ];
}

/** The moments a reader should notice, in the run without a remedy. */
function story(run: Run): string[] {
  const events: Array<{ timeMs: number; text: string }> = [];
  const first = (text: string, request: Request | undefined) => {
    if (request !== undefined) events.push({ timeMs: request.startMs, text });
  };
  const byStart = run.requests;
  events.push({ timeMs: SPIKE.fromMs, text: `-- Black Friday starts: extra traffic ramps 0 -> ${SPIKE.peakPerSec}/s` });
  events.push({ timeMs: SPIKE.toMs, text: '-- Black Friday ends: back to the steady crowd' });
  first('requests start to queue: one waits more than 20 ms', byStart.find((request) => request.outcome === 'ok' && request.latencyMs > 20));
  first(`requests outwait their clients (${CLIENT_TIMEOUT_MS} ms): the api serves requests nobody waits for`, byStart.find((request) => request.outcome === 'timeout' && request.servedAtMs !== undefined));
  first(`inbox full (${QUEUE_LIMIT} waiting): requests are dropped unseen`, byStart.find((request) => request.servedAtMs === undefined && request.shedAtMs === undefined));
  const lastFailed = byStart.filter((request) => request.outcome !== 'ok').at(-1);
  first('last request to fail', lastFailed);
  if (lastFailed !== undefined) first('recovered: every later request succeeds', byStart.find((request) => request.startMs > lastFailed.startMs));
  return events.sort((a, b) => a.timeMs - b.timeMs).map(({ timeMs, text }) => `${timeMs.toFixed(1).padStart(8)} ms  ${text}`);
}

/** The example's result: each run's figures per phase, the report written and the hash of all the traces. */
export interface OverloadResult {
  runs: Array<{ name: string; phases: Record<string, PhaseFigures>; shedding: LoadSheddingHandlers['shedding'] | undefined; traceHash: string }>;
  reportPath: string;
  traceHash: string;
}

const REPORT_STORY = [
  `A checkout api serves ${CAPACITY_PER_SEC} requests/s (1 ms each, one at a time) with room for ${QUEUE_LIMIT} waiting. A steady ${STEADY_PER_SEC} requests/s arrive; ` +
    `from ${SPIKE.fromMs} ms to ${SPIKE.toMs} ms a Black-Friday ramp adds 0 to ${SPIKE.peakPerSec} more per second. Clients give up after ${CLIENT_TIMEOUT_MS} ms. Nothing crashes.`,
  'The same arrivals meet the api three times: with no remedy (its inbox queues until full, then drops), with load shedding on a 100 ms queue deadline, and with CoDel (target 5 ms over 100 ms).',
  'Without a remedy the queue outgrows the client timeout: the api works flat out on requests nobody waits for, and nothing is answered in time for about a second. ' +
    'The queue deadline answers the excess at once with "try again" and serves the rest in time. CoDel, made for senders that slow down when dropped, sheds too few against a crowd that does not.',
].join('\n\n');

/** Writes the HTML report of the three runs; returns its path. */
function writeReport(outDir: string, runs: Run[]): string {
  const charts = [
    { name: 'checkout_requests_total', show: 'rate' as const, title: 'requests per second by outcome, at the client (ok, shed, timeout), when the outcome is known' },
    { name: 'api_served_total', show: 'rate' as const, title: 'requests per second the api began to serve (in time or not)' },
  ];
  // Thousands of requests make the space-time diagram a solid block: it shows the first few only.
  const story = 'The charts are the picture here; the space-time diagram shows only the first 100 of the run\'s messages.';
  const sections: RunSection[] = runs.map((run) => ({ label: run.variant.name, sim: run.sim, story, untilMs: SEND_UNTIL_MS, metrics: charts, maxMessages: 100 }));
  return writeHtmlReport(join(outDir, 'overload.html'), {
    title: 'Overload: a checkout api meets Black Friday, without a remedy and with load shedding',
    story: REPORT_STORY,
    tables: [
      {
        caption: 'before, during and after the spike, by request start',
        columns: ['api', 'phase', 'requests', 'ok', 'p50 ms', 'p99 ms', 'dropped', 'shed', 'timed out', 'served too late', 'goodput/s'],
        rows: runs.flatMap((run) =>
          PHASES.map(({ name, fromMs, toMs }) => {
            const figures = phaseFigures(run, fromMs, toMs);
            const latency = (value: number) => (Number.isNaN(value) ? null : Number(value.toFixed(1)));
            return [run.variant.name, name, figures.requests, figures.ok, latency(figures.p50Ms), latency(figures.p99Ms), figures.dropped, figures.shed, figures.timedOut, figures.servedTooLate, figures.goodputPerSec];
          }),
        ),
      },
    ],
    runs: sections,
  });
}

/** The folder given with `--out`, else `out`. */
function outDirFrom(argv: readonly string[]): string {
  const position = argv.indexOf('--out');
  return position >= 0 && argv[position + 1] !== undefined ? argv[position + 1]! : 'out';
}

/** Runs the spike against the api without a remedy and with each kind of shedding, and prints the comparison. */
export async function main(argv: readonly string[] = []): Promise<OverloadResult> {
  const runs: Run[] = [];
  for (const variant of VARIANTS) runs.push(await runWith(variant));
  const traceHash = createHash('sha256').update(runs.map((run) => run.sim.traceHash()).join(' ')).digest('hex').slice(0, 16);
  const shedCounts = runs.slice(1).map((run) => {
    const { admitted, shed } = run.sim.node<LoadSheddingHandlers>('api').handlers.shedding;
    return `  ${run.variant.name}: admitted ${admitted}, shed ${Object.entries(shed).filter(([, count]) => count > 0).map(([reason, count]) => `${count} (${reason})`).join(', ') || 0}`;
  });
  const broken = runs[0]!;
  const reportPath = writeReport(outDirFrom(argv), runs);
  const brokenDrops = broken.sim.network.linkStats('crowd', 'api').dropped['inbox-overflow'];
  console.log([
    `Overload: api serves ${CAPACITY_PER_SEC} requests/s, up to ${QUEUE_LIMIT} waiting; ${STEADY_PER_SEC}/s steady, plus a Black-Friday ramp 0 -> ${SPIKE.peakPerSec}/s from ${SPIKE.fromMs / 1_000} s to ${SPIKE.toMs / 1_000} s.`,
    `Clients give up after ${CLIENT_TIMEOUT_MS} ms. The same arrivals meet the api without a remedy, with a queue deadline, and with CoDel.`,
    'Look for: goodput (answers in time) falling to nothing without a remedy while the api works flat out, and staying there after the spike;',
    'a queue deadline keeps it at capacity; CoDel, against clients that do not back off, sheds too few.',
    '',
    'What happened without a remedy:',
    ...story(broken),
    '',
    `Per ${WINDOW_MS} ms window, by request start (latency: send to reply, at the client; bar: p99, one # per 40 ms):`,
    ...windowTable(runs),
    '',
    'Before, during and after the spike, by request start (dropped: lost unseen in a full inbox; shed: answered "try again" by the api;',
    '  timed out: the client gave up; too late: served after that, work nobody waited for; goodput: answers in time per second):',
    ...phaseTable(runs),
    '',
    'Figures:',
    `  no remedy: ${brokenDrops} dropped because the inbox was full; the api was up the whole time (down intervals: ${JSON.stringify(broken.sim.truth.downIntervals('api', broken.sim.now))}).`,
    ...shedCounts,
    '',
    `wrote ${reportPath} (open it in a browser)`,
    `trace hash ${traceHash}`,
  ].join('\n'));
  return {
    runs: runs.map((run) => ({
      name: run.variant.name,
      phases: Object.fromEntries(PHASES.map(({ name, fromMs, toMs }) => [name, phaseFigures(run, fromMs, toMs)])),
      shedding: run.variant.shedding === undefined ? undefined : run.sim.node<LoadSheddingHandlers>('api').handlers.shedding,
      traceHash: run.sim.traceHash(),
    })),
    reportPath,
    traceHash,
  };
}

// Run from the command line (not when a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
