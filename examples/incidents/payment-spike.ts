/**
 * Incident 1, a traffic spike on a payment platform: Black Friday opens in region A first.
 *
 * The platform runs in two regions. Each has three payment nodes; a node has 4 workers and a
 * payment keeps one busy for 80 ms, so a node serves 50 requests/s and a region 150/s. Shoppers
 * reach their region's storefront (`store-a`, `store-b`), which asks its region's balancer
 * (`lb-a`, `lb-b`) to charge the card and waits at most 2 s for the receipt. Both regions carry
 * 75 checkouts/s plus 15/s of batch work (merchant reports, card-token refreshes: work that can
 * wait), 60 % of their capacity, as Poisson arrivals. From 10 s to 22 s region A's checkouts surge
 * by up to 210/s (`traffic-spike` faults: up in 3 s, a plateau, down in 3 s): region A is asked for twice what it
 * can do, and the whole platform for 30 % more than its six nodes serve. The same seed and the same
 * surge are replayed four times, each adding one mitigation:
 *   1. no mitigation: each region's balancer round-robins over its own three nodes;
 *   2. load balancer: `lb-a` spreads over both regions' nodes, fewest requests in flight first
 *      (`least-outstanding`), so region A's overflow goes to region B;
 *   3. + autoscaler: a controller watching requests served per node adds nodes to region A, which
 *      boot for 6 s (the provisioning delay) before they join `lb-a`, and drains them afterwards;
 *   4. + load shedding: each node queues at most 20 requests and drops requests that waited over
 *      500 ms; batch work waits behind checkouts and is pushed out first. A shed request gets a
 *      fast "try later" answer (`ShedReply`) instead of a place in a queue it would time out in.
 *
 * What counts, for checkouts (batch work is load, not payments):
 *   - error rate: checkouts without a receipt within 2 s;
 *   - latency: from the shopper's click to the answer, p50 and p99 (no answer counts as the 2 s
 *     the shopper waited);
 *   - a LOST payment is one where what the shopper was told does not match the ledger: the card
 *     was charged but the shopper never got the receipt (accepted, never completed for them: they
 *     pay again or call support), or it was never charged and the shopper was never told so (the
 *     request vanished in a queue). A fast "try later" is an error but not a loss: nothing was
 *     charged and the shopper knows it.
 * Each is reported for checkouts sent before (0-10 s), during (10-22 s) and after (22-34 s) the surge.
 *
 * What to look for (figures from this seed): without mitigation region A queues without bound.
 * During the surge p99 sits at the 2 s timeout and 2,070 payments are lost, charged after their
 * shoppers gave up; the queue outlives the surge, so "after" still loses 918 (127 of them never
 * charged nor answered: still queued when the run ends). The balancer alone moves 38 % of region
 * A's surge traffic to region B and cuts the losses to 765, at the price of a cross-region hop
 * (p99 before the surge 161 ms instead of 105); the platform as a whole is still short. The
 * autoscaler's first nodes join at 18 s, after their 6 s boot; until then the backlog builds (410
 * lost), then they clear it. Load shedding turns queueing into fast refusals: p99 during the surge
 * 482 ms, 22 % of batch work but only 3.9 % of checkouts shed, and no payment lost.
 *
 * Writes to out/ (or --out): payment-spike-p99.svg (p99 latency per second, one line per
 * configuration, the surge shaded) and payment-spike.html (open it in a browser: the table, then
 * per configuration the surge's faults, a space-time diagram and charts of checkouts by answer,
 * each node's backlog and throughput; last, 200 ms of region A's messages up close, without and
 * with every mitigation). Ends with the trace hash of the fully mitigated run.
 *
 * Run: npx tsx examples/incidents/payment-spike.ts [--out out]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeHtmlReport, type HtmlReportInput, type MetricChart } from 'faultline/report';
import {
  BalancerFailure, ShedReply, Simulation, addAutoscaler, addLoadBalancer, regions, withLoadShedding,
  type Autoscaler, type Fault, type LoadBalancer, type LoadSheddingOptions, type NodeBehaviour, type NodeContext, type NodeHandlers,
} from 'faultline';

const SEED = 'payment-spike';
const WORKERS_PER_NODE = 4;
const PAYMENT_MS = 80; // one request keeps one worker busy this long: 50 requests/s a node
const NODES = { a: ['pay-a1', 'pay-a2', 'pay-a3'], b: ['pay-b1', 'pay-b2', 'pay-b3'] };
const CHECKOUTS_PER_SEC = 75;
const BATCH_PER_SEC = 15;
const SURGE_EXTRA_PER_SEC = 210;
const SURGE_START_MS = 10_000;
const SURGE_END_MS = 22_000;
const SURGE_RAMP_MS = 3_000;
const SENDING_ENDS_MS = 34_000;
const CLIENT_TIMEOUT_MS = 2_000;
/** Longer than the shopper waits: the balancer's own timeout never answers a shopper who is still there. */
const PROXY_TIMEOUT_MS = 5_000;
const RUN_UNTIL_MS = SENDING_ENDS_MS + CLIENT_TIMEOUT_MS + 500;

/** The surge, for reports: when region A's extra traffic starts and ends. */
export const SURGE = { startMs: SURGE_START_MS, endMs: SURGE_END_MS };

/** A node without shedding: its workers plus a first-come first-served queue that takes everything (a thread pool's default). */
const PLAIN_QUEUE: LoadSheddingOptions = { maxConcurrent: WORKERS_PER_NODE, maxQueueLength: 1_000_000 };
/** The same workers behind admission control: a short queue, a deadline, checkouts before batch work. */
const SHEDDING: LoadSheddingOptions = {
  maxConcurrent: WORKERS_PER_NODE, maxQueueLength: 20, queueDeadlineMs: 500,
  priorities: ['checkout', 'batch'], priorityOf: (request) => (request as PaymentRequest).kind,
};

/** Which mitigations a run has; each adds to the one before. */
export type Mitigation = 'none' | 'balancer' | 'autoscaler' | 'shedding';
/** The four configurations, in the order they are run and printed. */
export const CONFIGURATIONS: ReadonlyArray<{ mitigation: Mitigation; label: string }> = [
  { mitigation: 'none', label: '1 no mitigation' },
  { mitigation: 'balancer', label: '2 load balancer' },
  { mitigation: 'autoscaler', label: '3 + autoscaler' },
  { mitigation: 'shedding', label: '4 + load shedding' },
];
const PHASES = [
  { phase: 'before', fromMs: 0, toMs: SURGE_START_MS },
  { phase: 'during', fromMs: SURGE_START_MS, toMs: SURGE_END_MS },
  { phase: 'after', fromMs: SURGE_END_MS, toMs: SENDING_ENDS_MS },
] as const;

type RequestKind = 'checkout' | 'batch';
interface PaymentRequest {
  kind: RequestKind;
  paymentId: string;
}
/** What the storefront heard back: a receipt, a refusal it can show ("try later"), or nothing within 2 s. */
type Answer = 'receipt' | 'try-later' | 'no-answer';

/** One request as the storefront saw it. */
export interface RequestRecord {
  paymentId: string;
  kind: RequestKind;
  region: 'a' | 'b';
  sentMs: number;
  answer: Answer;
  /** The shopper's wait: until the answer, or the 2 s timeout. */
  latencyMs: number;
}

/** A checkout's end, judged against the ledger: paid, refused honestly, or lost (two ways). */
export type Outcome = 'paid' | 'try-later' | 'lost: charged, no receipt' | 'lost: vanished';

/** Checkout figures for one phase of one run. */
export interface PhaseFigures {
  phase: 'before' | 'during' | 'after';
  checkouts: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of checkouts without a receipt, in [0, 1]. */
  errorRate: number;
  lost: number;
  /** Lost because the card was charged after the shopper had stopped waiting (or was told otherwise). */
  chargedNoReceipt: number;
  /** Lost because nothing was charged and the shopper was never told. */
  vanished: number;
}

/** One configuration's run: the simulation, what every request met, and the figures. */
export interface PaymentRun {
  mitigation: Mitigation;
  label: string;
  sim: Simulation;
  requests: RequestRecord[];
  /** Charge time of every charged payment id (true time). */
  ledger: Map<string, number>;
  phases: PhaseFigures[];
  /** p99 checkout latency per second of send time (NaN for a second with no checkout). */
  p99PerSecondMs: number[];
  /** Requests sent by region A's storefront that region B's nodes served or refused, in [0, 1], during the surge. */
  shiftedToB: number;
  /** Batch and checkout requests shed by the payment nodes, by class. */
  shed: Record<RequestKind, number>;
  autoscaler: Autoscaler | undefined;
  balancerA: LoadBalancer;
  traceHash: string;
}

/** Runs the surge once under one configuration. */
export async function runPaymentSpike(mitigation: Mitigation): Promise<PaymentRun> {
  const label = CONFIGURATIONS.find((configuration) => configuration.mitigation === mitigation)!.label;
  const sim = new Simulation({
    seed: SEED, trace: true,
    network: regions({ intra: { latency: { kind: 'uniform', minMs: 0.5, maxMs: 2 } }, inter: { latency: { kind: 'normal', meanMs: 12, stdDevMs: 2 } } }),
  });
  sim.metrics.configure({ intervalMs: 500 });
  const ledger = new Map<string, number>();
  const shed: Record<RequestKind, number> = { checkout: 0, batch: 0 };
  const paymentNode = withLoadShedding(paymentService(sim, ledger), mitigation === 'shedding' ? SHEDDING : PLAIN_QUEUE);
  const countingShed: NodeBehaviour = (ctx) => countShed(ctx, paymentNode(ctx), shed);
  for (const region of ['a', 'b'] as const) for (const id of NODES[region]) sim.addNode(id, countingShed, { region });

  const spreads = mitigation !== 'none';
  const policy = spreads ? 'least-outstanding' : 'round-robin';
  const backendsA = spreads ? [...NODES.a, ...NODES.b] : NODES.a;
  const balancerA = addLoadBalancer(sim, 'lb-a', { backends: backendsA, policy, timeoutMs: PROXY_TIMEOUT_MS });
  addLoadBalancer(sim, 'lb-b', { backends: NODES.b, policy, timeoutMs: PROXY_TIMEOUT_MS });
  const pickedB = countPicksOfB(sim, balancerA);
  const autoscaler = mitigation === 'autoscaler' || mitigation === 'shedding'
    ? addAutoscaler(sim, 'scaler', {
      pool: backendsA, behaviour: countingShed, idPrefix: 'pay-a', nodeOptions: { region: 'a' }, balancer: balancerA,
      metric: { counterRate: 'payment_requests_served_total' }, targetValue: 35, minSize: backendsA.length, maxSize: backendsA.length + 4,
      evaluationIntervalMs: 1_000, startDelayMs: 6_000, scaleOutCooldownMs: 2_000, scaleInCooldownMs: 8_000, drainMs: 2_000,
    })
    : undefined;

  const requests: RequestRecord[] = [];
  for (const region of ['a', 'b'] as const) {
    sim.addNode(`crowd-${region}`, steadyShoppers(region), { region }); // the shoppers; the surge is sent in crowd-a's name
    sim.addNode(`store-${region}`, storefront(sim, region, requests), { region });
  }
  sim.inject(surge());
  await sim.runAsync({ until: RUN_UNTIL_MS });

  requests.sort((first, second) => first.sentMs - second.sentMs || compareIds(first.paymentId, second.paymentId));
  const checkouts = requests.filter((request) => request.kind === 'checkout');
  return {
    mitigation, label, sim, requests, ledger, shed, autoscaler, balancerA,
    phases: PHASES.map(({ phase, fromMs, toMs }) => phaseFigures(phase, checkouts.filter((request) => request.sentMs >= fromMs && request.sentMs < toMs), ledger)),
    p99PerSecondMs: p99PerSecond(checkouts),
    shiftedToB: pickedB.share(),
    traceHash: sim.traceHash(),
  };
}

/** A region's everyday shoppers: checkouts and batch work, each a Poisson stream from the node's own seeded stream. */
function steadyShoppers(region: 'a' | 'b'): NodeBehaviour {
  const meanGapMs: Record<RequestKind, number> = { checkout: 1_000 / CHECKOUTS_PER_SEC, batch: 1_000 / BATCH_PER_SEC };
  return (ctx) => {
    const next = (kind: RequestKind): void => {
      const gapMs = ctx.rng.exponential(meanGapMs[kind]);
      if (ctx.now() + gapMs < SENDING_ENDS_MS) ctx.setTimer(gapMs, kind);
    };
    return {
      onStart() {
        next('checkout');
        next('batch');
      },
      onTimer(kind) {
        ctx.send(`store-${region}`, { kind });
        next(kind as RequestKind);
      },
    };
  };
}

/** Region A's surge, the incident: extra checkouts ramping up in 3 s, a plateau, down in 3 s (`traffic-spike` faults). */
function surge(): Fault[] {
  const extra = (atMs: number, durationMs: number, ratePerSec: number, endRatePerSec: number): Fault => ({
    kind: 'traffic-spike', atMs, durationMs, target: 'store-a', params: { from: 'crowd-a', ratePerSec, endRatePerSec, message: { kind: 'checkout' } },
  });
  const plateauMs = SURGE_END_MS - SURGE_START_MS - 2 * SURGE_RAMP_MS;
  return [
    extra(SURGE_START_MS, SURGE_RAMP_MS, 0, SURGE_EXTRA_PER_SEC),
    extra(SURGE_START_MS + SURGE_RAMP_MS, plateauMs, SURGE_EXTRA_PER_SEC, SURGE_EXTRA_PER_SEC),
    extra(SURGE_END_MS - SURGE_RAMP_MS, SURGE_RAMP_MS, SURGE_EXTRA_PER_SEC, 0),
  ];
}

/** A payment node: each request holds a worker for PAYMENT_MS; a checkout then charges the card (the ledger is the truth). */
function paymentService(sim: Simulation, ledger: Map<string, number>): NodeBehaviour {
  return (ctx) => ({
    async onCall(_from, request) {
      const { kind, paymentId } = request as PaymentRequest;
      await ctx.sleep(PAYMENT_MS);
      ctx.metrics.counter('payment_requests_served_total', { help: 'Requests a payment node finished' }).inc();
      if (kind === 'batch') return 'done';
      ledger.set(paymentId, sim.now);
      return { receipt: paymentId };
    },
  });
}

/**
 * Counts what a node shed, by request class (`handlers.shedding` keeps totals by reason only),
 * and gauges the requests it holds (running or queued): the backlog, for the charts.
 */
function countShed(ctx: NodeContext, handlers: NodeHandlers, shed: Record<RequestKind, number>): NodeHandlers {
  const onCall = handlers.onCall!;
  const counted = Object.create(handlers) as NodeHandlers;
  counted.onCall = async (from, request) => {
    const held = ctx.metrics.gauge('payment_requests_held', { help: 'Requests a payment node holds, running or queued' });
    held.inc();
    const reply = await onCall.call(handlers, from, request);
    held.inc(-1);
    if (reply instanceof ShedReply) shed[(request as PaymentRequest).kind]++;
    return reply;
  };
  return counted;
}

/** The storefront: turns each shopper arriving into a request to its region's balancer, and notes what came back. */
function storefront(sim: Simulation, region: 'a' | 'b', requests: RequestRecord[]): NodeBehaviour {
  let issued = 0;
  return (ctx) => ({
    async onMessage(_from, message) {
      const { kind } = message as { kind: RequestKind };
      const paymentId = `${region}${++issued}`;
      const sentMs = sim.now;
      const reply = await ctx.call(`lb-${region}`, { kind, paymentId } satisfies PaymentRequest, { timeoutMs: CLIENT_TIMEOUT_MS }).catch(() => undefined);
      const answer: Answer = reply === undefined ? 'no-answer' : reply instanceof ShedReply || reply instanceof BalancerFailure ? 'try-later' : 'receipt';
      requests.push({ paymentId, kind, region, sentMs, answer, latencyMs: answer === 'no-answer' ? CLIENT_TIMEOUT_MS : sim.now - sentMs });
      if (kind === 'checkout') ctx.metrics.counter('checkouts_total', { help: 'Checkouts by the answer the shopper got', labelNames: ['answer'] }).inc(1, { answer });
    },
  });
}

/** Share of region A's picks that went to region B's nodes during the surge. */
function countPicksOfB(sim: Simulation, balancer: LoadBalancer): { share(): number } {
  let picks = 0;
  let toB = 0;
  balancer.onPick((backend) => {
    if (sim.now < SURGE_START_MS || sim.now >= SURGE_END_MS) return;
    picks++;
    if (NODES.b.includes(backend)) toB++;
  });
  return { share: () => (picks === 0 ? 0 : toB / picks) };
}

/** A checkout's outcome: what the shopper heard, against whether the card was charged. */
export function outcomeOf(request: RequestRecord, ledger: ReadonlyMap<string, number>): Outcome {
  if (request.answer === 'receipt') return 'paid';
  if (ledger.has(request.paymentId)) return 'lost: charged, no receipt';
  return request.answer === 'no-answer' ? 'lost: vanished' : 'try-later';
}

function phaseFigures(phase: PhaseFigures['phase'], checkouts: RequestRecord[], ledger: ReadonlyMap<string, number>): PhaseFigures {
  const outcomes = checkouts.map((request) => outcomeOf(request, ledger));
  const count = (outcome: Outcome): number => outcomes.filter((each) => each === outcome).length;
  const latencies = checkouts.map((request) => request.latencyMs);
  const chargedNoReceipt = count('lost: charged, no receipt');
  const vanished = count('lost: vanished');
  return {
    phase, checkouts: checkouts.length, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99),
    errorRate: checkouts.length === 0 ? 0 : 1 - count('paid') / checkouts.length,
    lost: chargedNoReceipt + vanished, chargedNoReceipt, vanished,
  };
}

function p99PerSecond(checkouts: RequestRecord[]): number[] {
  const seconds: number[][] = Array.from({ length: SENDING_ENDS_MS / 1_000 }, () => []);
  for (const request of checkouts) seconds[Math.floor(request.sentMs / 1_000)]?.push(request.latencyMs);
  return seconds.map((latencies) => percentile(latencies, 0.99));
}

/** The `fraction` quantile (nearest rank) of `values`; NaN for none. */
function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** Orders 'a9' before 'a10' and region a before b: requests sent at the same instant keep a stable order. */
function compareIds(first: string, second: string): number {
  return first[0]!.localeCompare(second[0]!) || Number(first.slice(1)) - Number(second.slice(1));
}

// ---- printing and pictures ----

/** The summary table: one row per configuration and phase. */
export function summaryTable(runs: readonly PaymentRun[]): string[] {
  const header = `  ${'configuration'.padEnd(19)} ${'phase'.padEnd(7)} ${'checkouts'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'lost'.padStart(6)}  (charged, no receipt / vanished)`;
  const rows = runs.flatMap((run) => run.phases.map((figures, index) =>
    `  ${(index === 0 ? run.label : '').padEnd(19)} ${figures.phase.padEnd(7)} ${String(figures.checkouts).padStart(9)} ${figures.p50Ms.toFixed(1).padStart(8)} ` +
    `${figures.p99Ms.toFixed(1).padStart(8)} ${`${(100 * figures.errorRate).toFixed(1)}%`.padStart(7)} ${String(figures.lost).padStart(6)}  (${figures.chargedNoReceipt} / ${figures.vanished})`));
  return [header, ...rows];
}

function mitigationNotes(run: PaymentRun): string[] {
  const notes = [`  ${run.label}: region A's balancer sent ${(100 * run.shiftedToB).toFixed(1)}% of its surge-time requests to region B`];
  if (run.autoscaler !== undefined) {
    for (const event of run.autoscaler.events.filter((each) => each.kind !== 'ready')) {
      notes.push(`    ${(event.timeMs / 1000).toFixed(1).padStart(5)} s  ${event.kind} ${event.nodes.join(', ')} (pool ${event.poolSize})`);
    }
    const ready = run.autoscaler.events.filter((event) => event.kind === 'ready');
    if (ready.length > 0) notes.push(`    new nodes joined the balancer at ${[...new Set(ready.map((event) => `${(event.timeMs / 1000).toFixed(1)} s`))].join(', ')}`);
  }
  if (run.mitigation === 'shedding') {
    const sent = (kind: RequestKind): number => run.requests.filter((request) => request.kind === kind).length;
    const share = (kind: RequestKind): string => `${run.shed[kind]} of ${sent(kind)} ${kind === 'batch' ? 'batch requests' : 'checkouts'} (${(100 * run.shed[kind] / sent(kind)).toFixed(1)}%)`;
    notes.push(`    shed ${share('batch')} and ${share('checkout')}, each answered "try later" at once`);
  }
  return notes;
}

/** p99 latency per second of send time, one line per configuration, the surge shaded. */
export function p99Svg(runs: readonly PaymentRun[]): string {
  const width = 720;
  const height = 320;
  const left = 56;
  const right = 170;
  const top = 30;
  const bottom = 40;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const seconds = SENDING_ENDS_MS / 1_000;
  const x = (second: number): number => left + (second / seconds) * plotWidth;
  const y = (ms: number): number => top + plotHeight - (Math.min(ms, CLIENT_TIMEOUT_MS) / CLIENT_TIMEOUT_MS) * plotHeight;
  const colours = ['#d62728', '#ff7f0e', '#1f77b4', '#2ca02c'];
  const ticksMs = [0, 500, 1_000, 1_500, 2_000];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14">Payment platform, Black-Friday surge: p99 checkout latency per second</text>`,
    `<rect x="${x(SURGE_START_MS / 1000)}" y="${top}" width="${x(SURGE_END_MS / 1000) - x(SURGE_START_MS / 1000)}" height="${plotHeight}" fill="#f2c94c" fill-opacity="0.25"/>`,
    `<text x="${x(SURGE_START_MS / 1000) + 4}" y="${top + 14}" fill="#8a6d00">surge in region A</text>`,
    ...ticksMs.map((ms) => `<line x1="${left}" x2="${left + plotWidth}" y1="${y(ms)}" y2="${y(ms)}" stroke="#ddd"/><text x="${left - 6}" y="${y(ms) + 4}" text-anchor="end">${ms}</text>`),
    ...Array.from({ length: seconds / 5 + 1 }, (_, index) => index * 5).map((second) => `<text x="${x(second)}" y="${top + plotHeight + 16}" text-anchor="middle">${second}</text>`),
    `<text x="${left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">checkout sent at (s); no answer counts as the 2 s timeout</text>`,
    `<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle">p99 ms</text>`,
    `<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`,
  ];
  runs.forEach((run, index) => {
    const points = run.p99PerSecondMs.flatMap((ms, second) => (Number.isNaN(ms) ? [] : [`${x(second + 0.5).toFixed(1)},${y(ms).toFixed(1)}`]));
    parts.push(`<polyline fill="none" stroke="${colours[index]}" stroke-width="2" points="${points.join(' ')}"/>`);
    parts.push(`<line x1="${width - right + 12}" x2="${width - right + 32}" y1="${top + 10 + index * 20}" y2="${top + 10 + index * 20}" stroke="${colours[index]}" stroke-width="2"/>`);
    parts.push(`<text x="${width - right + 38}" y="${top + 14 + index * 20}">${run.label}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const CHARTS: MetricChart[] = [
  { name: 'checkouts_total', show: 'rate', title: 'checkouts per second, by storefront and the answer the shopper got' },
  { name: 'payment_requests_held', title: 'requests each payment node holds, running or queued (the backlog)' },
  { name: 'payment_requests_served_total', show: 'rate', title: 'requests each payment node serves per second' },
];

/** The HTML report: the story, the summary table, and one section per configuration with its charts. */
export function reportInput(runs: readonly PaymentRun[]): HtmlReportInput {
  const columns = ['configuration', 'phase', 'checkouts', 'p50 ms', 'p99 ms', 'errors %', 'lost', 'charged, no receipt', 'vanished'];
  const rows = runs.flatMap((run) => run.phases.map((figures) => [
    run.label, figures.phase, figures.checkouts, figures.p50Ms, figures.p99Ms, Number((100 * figures.errorRate).toFixed(1)), figures.lost, figures.chargedNoReceipt, figures.vanished,
  ]));
  return {
    title: 'Payment platform: a Black-Friday surge in region A, with and without mitigations',
    story: [
      'Two regions of three payment nodes (50 requests/s each) carry 75 checkouts/s and 15/s of batch work apiece. From 10 s to 22 s region A\'s checkouts surge by up to 210/s (the shaded traffic-spike faults). The same seed is run four times, adding a least-outstanding balancer across regions, an autoscaler (6 s boot) and load shedding (short queue, deadline, checkouts before batch).',
      'A payment is lost when the shopper\'s answer does not match the ledger: charged but no receipt within 2 s, or never charged and never answered. A fast "try later" is an error, not a loss. Watch the backlog chart: without shedding, region A\'s queues outlive the surge.',
    ].join('\n\n'),
    tables: [{ caption: 'Checkouts sent before (0-10 s), during (10-22 s) and after (22-34 s) the surge', columns, rows }],
    runs: [
      ...runs.map((run) => ({
        label: run.label, sim: run.sim, metrics: CHARTS,
        story: mitigationNotes(run).map((line) => line.trim()).join('; '),
        nodes: ['store-a', 'lb-a', ...NODES.a, ...(run.autoscaler?.events.filter((event) => event.kind === 'scale-out').flatMap((event) => event.nodes) ?? []), ...NODES.b, 'lb-b', 'store-b'],
      })),
      // The whole run is too many messages to draw: a fifth of a second at the surge's height, without and with every mitigation.
      ...[runs[0]!, runs.at(-1)!].map((run) => ({
        label: `${run.label}, closer: region A at ${CLOSER_LOOK.fromMs / 1000}-${CLOSER_LOOK.untilMs / 1000} s`, sim: run.sim, ...CLOSER_LOOK,
        story: 'Every message in region A for 200 ms at the surge\'s height. Without mitigation, replies leave the payment nodes long after their requests came in; with shedding, an overflowing node answers "try later" at once.',
        nodes: ['store-a', 'lb-a', ...NODES.a],
      })),
    ],
  };
}

const CLOSER_LOOK = { fromMs: 16_000, untilMs: 16_200 };

/** Runs the four configurations, prints the story and the table, writes the pictures to `--out` (default `out`). */
export async function main(argv: string[]): Promise<void> {
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 && argv[outIndex + 1] !== undefined ? argv[outIndex + 1]! : 'out';
  const runs: PaymentRun[] = [];
  for (const { mitigation } of CONFIGURATIONS) runs.push(await runPaymentSpike(mitigation));
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'payment-spike-p99.svg');
  writeFileSync(svgPath, p99Svg(runs));
  const htmlPath = writeHtmlReport(join(outDir, 'payment-spike.html'), reportInput(runs));

  const lines = [
    'Payment platform, Black Friday: region A\'s checkouts surge from 75/s by up to 210/s (10-22 s);',
    'each region has 3 nodes x 50 requests/s, shoppers wait 2 s. Four runs, same seed, one mitigation more each.',
    'Look for: p99 and lost payments during AND after the surge; a fast "try later" is an error, not a loss.',
    '',
    ...summaryTable(runs),
    '',
    'What each mitigation did:',
    ...runs.flatMap(mitigationNotes),
    '',
    `Wrote ${svgPath} (p99 latency per second, surge shaded) and ${htmlPath} (open it in a browser: one section per configuration).`,
    '',
    `trace hash ${runs.at(-1)!.traceHash}`,
  ];
  console.log(lines.join('\n'));
}

// Run from the command line (not when a test or the showcase imports this file).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
