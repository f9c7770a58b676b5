/**
 * Observability: a small shop watched from inside the simulation. Four users check out through
 * `gateway`, which asks `catalog` for the price and `orders` for a reservation at once; `orders`
 * reserves stock in `store`, which serves 800 messages a second. Every hop is a `ctx.call`, so
 * one checkout is one trace. The shop runs in two zones: A holds the users, gateway, catalog and
 * the health `checker`; B holds orders, store and `batch`, a nightly import job. Three incidents,
 * given to `sim.inject` as data:
 *   #1  2.0 s to 3.5 s   `catalog` crashes;
 *   #2  5.0 s to 6.5 s   the zones are cut apart (a partition);
 *   #3  8.0 s to 10 s    the import job floods `store` (a traffic spike ramping from 0 to 2,000
 *                        rows a second against its capacity of 800).
 * The shop is watched as production is: request counters and a latency histogram from node code
 * (`ctx.metrics`), the world's own metrics (`watchWorld`: inbox lengths, drops, node up), health
 * checks from `checker`, four alert rules over those series, spans on every call
 * (`sim.enableTracing`) and levelled logs (`ctx.log.warn`, `ctx.log.error`).
 *
 * What to look for:
 * - Which alert catches which incident, and how late: every alert is scored against the fault
 *   log (the truth), every health check against `sim.truth`. The health-check alert is first
 *   (or tied) each time; the latency alert never sees the crash, because the gateway gives up on
 *   catalog (60 ms) sooner than "slow" (100 ms); only the queue alert is specific to the overload.
 * - The spike ramps up: the store only falls behind at about 8.7 s, so every rule's time to fire
 *   for #3 includes some 700 ms in which the extra traffic did no harm.
 * - The store's liveness check fails under the overload too: its probe waits in the same queue as
 *   the requests. The store was never down; the QoS table counts those verdicts as mistakes
 *   caused by `overload`.
 * - One checkout caught by the crash, told by its spans: the call to catalog is dropped (the node
 *   is down) and times out, while the call to orders succeeds; the user is told it failed.
 * The run writes `out/observability.prom` (Prometheus text, checked by `promtool check metrics`),
 * `out/observability.trace.json` (open it in ui.perfetto.dev: a track per node, faults as slices,
 * messages as arrows, spans), `out/observability.log.jsonl` (the log, one JSON object a line) and
 * `out/observability.html` (`writeHtmlReport`, opens offline in any browser: the alert and
 * health tables, the metrics charted with the faults shaded and the alerts marked, the health
 * verdicts against the truth, and the messages around the crash).
 *
 * Tracing follows a node's current span, which an `await` does not carry: the gateway sends both
 * its calls before awaiting, and each user waits for one checkout before starting the next, so
 * every checkout stays one trace of its own.
 *
 * Run: npx tsx examples/observability.ts [--out out] [--seed observability]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  addHealthChecker,
  AlertManager,
  CallTimeoutError,
  measureHealthQoS,
  scoreAlerts,
  Simulation,
  toChromeTrace,
  toJsonLines,
  toPrometheusText,
  watchWorld,
  withHealthEndpoint,
  type AlertEvent,
  type AlertRule,
  type FaultSchedule,
  type HealthChecker,
  type NodeContext,
  type ScoredIncident,
  type SpanRecord,
} from 'faultline';
import { writeHtmlReport, type RunSection } from 'faultline/report';

const RUN_FOR_MS = 12_000;
/** Each user thinks this long between checkouts. */
const THINK_MS = 80;
const USERS = ['user-1', 'user-2', 'user-3', 'user-4'];
const SAMPLE_EVERY_MS = 250;
const PROBE_EVERY_MS = 100;
/** After a fault ends, queues drain and windows roll over: an alert this soon after still counts. */
const GRACE_MS = 1_000;
const ZONE_A = [...USERS, 'gateway', 'catalog', 'checker'];
const ZONE_B = ['orders', 'store', 'batch'];

const faults: FaultSchedule = [
  { kind: 'crash', atMs: 2_000, durationMs: 1_500, target: 'catalog' },
  { kind: 'partition', atMs: 5_000, durationMs: 1_500, params: { groups: [ZONE_A, ZONE_B] } },
  { kind: 'traffic-spike', atMs: 8_000, durationMs: 2_000, target: 'store', params: { from: 'batch', ratePerSec: 0, endRatePerSec: 2_000, message: { type: 'import row' } } },
];

// Metrics node code updates through ctx.metrics (which adds the `node` label); declared up front
// so the alert rules can name them before the first request.
const CHECKOUTS = { name: 'shop_checkouts_total', help: 'Checkouts answered by the gateway, by outcome', labelNames: ['outcome'] };
const CHECKOUT_DURATION = { name: 'shop_checkout_duration_seconds', help: 'Time the gateway took to answer a checkout', buckets: [0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5] };
const STORE_CALLS = { name: 'shop_store_calls_total', help: 'Reservations orders asked of the store, by outcome', labelNames: ['outcome'] };
const BACKEND_HEALTHY = 'shop_backend_healthy';

const alertRules: AlertRule[] = [
  { name: 'CheckoutErrors', metric: CHECKOUTS.name, labels: { outcome: 'error' }, measure: 'rate', windowMs: 1_000, above: 2, forMs: 500 },
  { name: 'CheckoutSlow', metric: CHECKOUT_DURATION.name, measure: { quantile: 0.95 }, windowMs: 1_000, above: 0.1, forMs: 500 },
  { name: 'BackendUnhealthy', metric: BACKEND_HEALTHY, aggregate: 'min', below: 1, forMs: 0 },
  { name: 'StoreQueueBackedUp', metric: 'faultline_inbox_length', labels: { node: 'store' }, above: 40, forMs: 250 },
];

type CheckoutReply = { ok: true; orderId: number } | { ok: false; reason: string };

/** One health check's verdicts scored against the truth. */
export interface HealthCheckScore {
  check: string;
  /** Every flip: when (true ms, rounded), to what, and why. */
  flips: Array<{ timeMs: number; to: string; reason: string }>;
  crashes: number;
  detectionTimeMeanMs: number | undefined;
  mistakes: number;
  mistakesByCause: Record<string, number>;
  queryAccuracyProbability: number | undefined;
}

/** What {@link runObservability} found, for a test to pin. */
export interface ObservabilityResult {
  /** Everything the example prints. */
  report: string;
  checkouts: { ok: number; error: number; p50Ms: number; p99Ms: number };
  alertEvents: AlertEvent[];
  incidents: ScoredIncident[];
  falseAlerts: number;
  missedIncidents: number;
  health: HealthCheckScore[];
  spans: number;
  errorSpans: number;
  /** The spans of the first checkout that lost a message, in the order they started. */
  droppedTrace: SpanRecord[];
  logs: number;
  traceHash: string;
  /** Paths of the files written to `outDir`. */
  files: { prometheus: string; chromeTrace: string; logs: string; html: string };
}

/** Options of {@link runObservability}. */
export interface ObservabilityOptions {
  /** Folder the three exports and the HTML report are written to. Default `out`. */
  outDir?: string;
  /** The simulation's seed. Default `observability`. */
  seed?: string;
}

/** Builds the shop, runs it through the three incidents, writes the exports and reports. */
export async function runObservability(options: ObservabilityOptions = {}): Promise<ObservabilityResult> {
  const sim = new Simulation({ seed: options.seed ?? 'observability', trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } } } });
  sim.metrics.configure({ intervalMs: SAMPLE_EVERY_MS });
  const metrics = declareMetrics(sim);
  const tracing = sim.enableTracing();
  buildShop(sim);
  const health = watchHealth(sim, metrics.backendHealthy);
  watchWorld(sim);
  const alerts = new AlertManager(sim.metrics);
  alerts.add(...alertRules);
  sim.inject(faults);
  await sim.runAsync({ until: RUN_FOR_MS });

  const outDir = options.outDir ?? 'out';
  const score = scoreAlerts(alerts.events, sim.faultLog, { untilMs: sim.now, graceMs: GRACE_MS });
  const checkouts = {
    ok: metrics.checkouts.get({ node: 'gateway', outcome: 'ok' }),
    error: metrics.checkouts.get({ node: 'gateway', outcome: 'error' }),
    p50Ms: metrics.checkoutDuration.quantile(0.5, { node: 'gateway' }) * 1000,
    p99Ms: metrics.checkoutDuration.quantile(0.99, { node: 'gateway' }) * 1000,
  };
  const spans = tracing.spans();
  const result: Omit<ObservabilityResult, 'report'> = {
    checkouts,
    alertEvents: alerts.events,
    incidents: score.incidents,
    falseAlerts: score.falseAlerts.length,
    missedIncidents: score.missed,
    health: health.checkNames.map((check) => scoreHealthCheck(sim, health, check)),
    spans: spans.length,
    errorSpans: spans.filter((span) => span.status === 'error').length,
    droppedTrace: firstTraceWithDrop(spans),
    logs: sim.logs().length,
    traceHash: sim.traceHash(),
    files: { ...writeExports(sim, tracing.spans(), outDir), html: join(outDir, 'observability.html') },
  };
  writeHtml(sim, health, result);
  return { ...result, report: formatReport(sim, result) };
}

/** Every sample of every series as Prometheus text, the run as a Perfetto trace, the log as JSON Lines. */
function writeExports(sim: Simulation, spans: SpanRecord[], outDir: string): Omit<ObservabilityResult['files'], 'html'> {
  mkdirSync(outDir, { recursive: true });
  const files = { prometheus: join(outDir, 'observability.prom'), chromeTrace: join(outDir, 'observability.trace.json'), logs: join(outDir, 'observability.log.jsonl') };
  writeFileSync(files.prometheus, toPrometheusText(sim.metrics, { series: true }));
  writeFileSync(files.chromeTrace, JSON.stringify(toChromeTrace({ nodes: sim.nodeIds(), trace: sim.trace!.records(), faults: sim.faultLog, spans, endMs: sim.now })));
  writeFileSync(files.logs, toJsonLines(sim.logs()));
  return files;
}

const HTML_STORY = [
  'Four users check out through gateway, which asks catalog for the price and orders for a reservation at once; orders reserves stock in store (800 messages a second, at most 150 queued). Zone A holds the users, gateway, catalog and the health checker; zone B holds orders, store and the nightly import job batch.',
  'Three incidents: #1 catalog crashes (2.0 to 3.5 s); #2 the zones are cut apart (5.0 to 6.5 s); #3 the import job floods store, ramping from 0 to 2,000 rows a second (8 to 10 s). Four alert rules watch the metrics, four health checks probe the backends; the tables score them against what really happened.',
  'The first section charts the metrics over the whole run, faults shaded and alerts marked, with the health checks\' verdicts against the truth (the store\'s checks fail under the overload although it never went down). The second shows the messages around the crash.',
].join('\n\n');

/** The HTML report: the alert and health tables, the whole run charted, and the crash up close. */
function writeHtml(sim: Simulation, health: HealthChecker, result: Omit<ObservabilityResult, 'report'>): void {
  const rules = alertRules.map((rule) => rule.name);
  const perRule = rules.map((rule) => scoreAlerts(result.alertEvents, sim.faultLog, { untilMs: sim.now, graceMs: GRACE_MS, rules: [rule] }).incidents);
  const healthVerdicts = health.checkNames.map((check) => ({ checker: health, check }));
  const wholeRun: RunSection = {
    label: 'The whole run: metrics, alerts and health checks',
    sim,
    story: `${result.checkouts.ok} checkouts ok, ${result.checkouts.error} failed; ${result.incidents.length - result.missedIncidents} of ${result.incidents.length} incidents caught, ${result.falseAlerts} false alerts.`,
    metrics: [
      { name: CHECKOUTS.name, show: 'rate', title: 'checkouts per second, by outcome' },
      { name: CHECKOUT_DURATION.name, show: 'mean', title: 'checkout duration, mean seconds' },
      { name: 'faultline_inbox_length', labels: { node: 'store' }, title: 'store inbox length' },
      { name: BACKEND_HEALTHY, title: 'health checks passing (1) or failing (0)' },
    ],
    alerts: result.alertEvents,
    health: healthVerdicts,
  };
  const crash: RunSection = {
    label: 'Incident #1 up close: catalog crashes at 2.0 s',
    sim,
    story: 'The gateway\'s calls to catalog are dropped (the node is down) and time out after 60 ms; the checker\'s probes time out too, and at 2.25 s it marks catalog unhealthy.',
    nodes: ['user-1', 'gateway', 'catalog', 'orders', 'store', 'checker'],
    fromMs: 1_950,
    untilMs: 2_300,
    alerts: result.alertEvents,
    health: healthVerdicts.filter((verdict) => verdict.check.startsWith('catalog')),
  };
  writeHtmlReport(result.files.html, {
    title: 'Observability: a shop through a crash, a partition and an overload',
    story: HTML_STORY,
    tables: [
      {
        caption: `Incidents: time to fire per rule, ms after the fault began (grace ${GRACE_MS} ms; a dash: not caught)`,
        columns: ['fault', 'from ms', 'until ms', ...rules],
        rows: result.incidents.map((incident, index) => [`#${index + 1} ${faultName(incident)}`, incident.startMs, incident.endMs, ...perRule.map((incidents) => incidents[index]!.timeToFireMs ?? null)]),
      },
      {
        caption: 'Health checks, scored against sim.truth (T_D: crash detection time; mistakes: unhealthy while up)',
        columns: ['check', 'flips', 'crashes', 'T_D ms', 'mistakes', 'by cause', 'P_A'],
        rows: result.health.map((score) => [
          score.check, score.flips.length, score.crashes, score.detectionTimeMeanMs ?? null, score.mistakes,
          Object.entries(score.mistakesByCause).filter(([, count]) => count > 0).map(([cause, count]) => `${cause} ${count}`).join(', ') || null,
          score.queryAccuracyProbability ?? null,
        ]),
      },
    ],
    runs: [wholeRun, crash],
  });
}

function declareMetrics(sim: Simulation) {
  return {
    checkouts: sim.metrics.counter(CHECKOUTS.name, { help: CHECKOUTS.help, labelNames: ['node', ...CHECKOUTS.labelNames] }),
    checkoutDuration: sim.metrics.histogram(CHECKOUT_DURATION.name, { help: CHECKOUT_DURATION.help, labelNames: ['node'], buckets: CHECKOUT_DURATION.buckets }),
    storeCalls: sim.metrics.counter(STORE_CALLS.name, { help: STORE_CALLS.help, labelNames: ['node', ...STORE_CALLS.labelNames] }),
    backendHealthy: sim.metrics.gauge(BACKEND_HEALTHY, { help: '1 while the health check passes, 0 while it fails', labelNames: ['check'] }),
  };
}

/** Awaits a call; a timeout becomes `undefined` (and a warning in the log) instead of an exception. */
async function callOrTimeout<T>(ctx: NodeContext, to: string, request: unknown, timeoutMs: number): Promise<T | undefined> {
  try {
    return await ctx.call<T>(to, request, { timeoutMs });
  } catch (error) {
    if (!(error instanceof CallTimeoutError)) throw error;
    ctx.log.warn(`${to} did not answer`, { timeoutMs });
    return undefined;
  }
}

function buildShop(sim: Simulation): void {
  // Each user waits for the answer before the next checkout (a closed loop): a user's spans never
  // overlap, so each checkout is its own trace (see the note on tracing in the header).
  USERS.forEach((user, index) => {
    sim.addNode(user, (ctx) => ({
      onStart() {
        ctx.setTimer(((index + 1) * THINK_MS) / USERS.length, 'checkout');
      },
      async onTimer() {
        await ctx.span('user checkout', async () => {
          const reply = await callOrTimeout<CheckoutReply>(ctx, 'gateway', { cart: ['book'] }, 500);
          if (reply?.ok === false) ctx.log.error('checkout failed', { reason: reply.reason });
        });
        ctx.setTimer(THINK_MS, 'checkout');
      },
    }));
  });

  // The gateway asks catalog (the price) and orders (a reservation) at once: both calls leave
  // while it handles the request, so both carry the request's trace.
  sim.addNode('gateway', (ctx) => ({
    async onCall(): Promise<CheckoutReply> {
      const startedMs = ctx.now();
      const [product, order] = await Promise.all([
        callOrTimeout(ctx, 'catalog', { sku: 'book' }, 60),
        callOrTimeout<CheckoutReply>(ctx, 'orders', { sku: 'book' }, 150),
      ]);
      const reply: CheckoutReply = product === undefined ? { ok: false, reason: 'catalog timeout' } : order ?? { ok: false, reason: 'orders timeout' };
      ctx.metrics.counter(CHECKOUTS.name, { help: CHECKOUTS.help, labelNames: CHECKOUTS.labelNames }).inc(1, { outcome: reply.ok ? 'ok' : 'error' });
      ctx.metrics.histogram(CHECKOUT_DURATION.name, { help: CHECKOUT_DURATION.help, buckets: CHECKOUT_DURATION.buckets }).observe((ctx.now() - startedMs) / 1000);
      return reply;
    },
  }));

  sim.addNode('catalog', withHealthEndpoint((ctx) => ({
    onCall: () => ctx.span('read catalog', () => ({ sku: 'book', priceCents: 1_250 })),
  })));

  sim.addNode('orders', withHealthEndpoint((ctx) => {
    let lastOrderId = 0;
    return {
      async onCall(): Promise<CheckoutReply> {
        const reserved = await callOrTimeout(ctx, 'store', { reserve: 'book' }, 100);
        ctx.metrics.counter(STORE_CALLS.name, { help: STORE_CALLS.help, labelNames: STORE_CALLS.labelNames }).inc(1, { outcome: reserved === undefined ? 'timeout' : 'ok' });
        return reserved === undefined ? { ok: false, reason: 'store timeout' } : { ok: true, orderId: ++lastOrderId };
      },
    };
  }));

  // The store serves 800 messages a second and queues at most 150: the import job's rows, the
  // reservations and the health probes all wait in that one queue.
  sim.addNode('store', withHealthEndpoint((ctx) => ({
    onCall: (_from, request) => (request === 'ready?' ? 'ready' : ctx.span('reserve stock', () => 'reserved')),
    onMessage() {}, // an imported row: stored, nothing to answer
  })), { service: { messagesPerSec: 800, inboxLimit: 150 } });

  sim.addNode('batch', () => ({})); // the import job; the traffic spike sends in its name
}

/** The checker node's probes, and a gauge per check so alert rules can read the verdicts. */
function watchHealth(sim: Simulation, healthy: ReturnType<typeof declareMetrics>['backendHealthy']): HealthChecker {
  const probe = { intervalMs: PROBE_EVERY_MS, timeoutMs: PROBE_EVERY_MS / 2 };
  const health = addHealthChecker(sim, 'checker', {
    checks: [
      { target: 'catalog', kind: 'liveness', ...probe },
      { target: 'orders', kind: 'liveness', ...probe },
      { target: 'store', kind: 'liveness', ...probe },
      // Readiness takes a request's path (the store's queue, its handler) and wants a quick answer.
      { target: 'store', kind: 'readiness', ...probe, request: 'ready?', isHealthy: (reply, latencyMs) => reply === 'ready' && latencyMs < 25, healthyThreshold: 2, initialStatus: 'healthy' },
    ],
  });
  for (const check of health.checkNames) healthy.set(1, { check });
  health.onChange((flip) => healthy.set(flip.to === 'healthy' ? 1 : 0, { check: flip.check }));
  return health;
}

function scoreHealthCheck(sim: Simulation, health: HealthChecker, check: string): HealthCheckScore {
  const qos = measureHealthQoS(health, check, sim.truth, 0, RUN_FOR_MS);
  return {
    check,
    flips: health.transitionsOf(check).map((flip) => ({ timeMs: Math.round(flip.timeMs), to: flip.to, reason: flip.reason })),
    crashes: qos.crashes,
    detectionTimeMeanMs: qos.detectionTime.meanMs,
    mistakes: qos.mistakes.length,
    mistakesByCause: { ...qos.falseSuspicionsByCause },
    queryAccuracyProbability: qos.queryAccuracyProbability,
  };
}

function firstTraceWithDrop(spans: readonly SpanRecord[]): SpanRecord[] {
  const dropped = spans.find((span) => span.events.some((event) => event.name === 'drop'));
  return dropped === undefined ? [] : spans.filter((span) => span.traceId === dropped.traceId);
}

// ------------------------------------------------------------------------------------ report

function faultName(incident: { kind: string; target: string | undefined }): string {
  return incident.kind === 'partition' ? 'partition zone A | zone B' : `${incident.kind} ${incident.target}`;
}

/** The incident a firing at `timeMs` belongs to (its window plus the grace), as scoreAlerts reads it. */
function incidentAt(incidents: readonly ScoredIncident[], timeMs: number): ScoredIncident | undefined {
  return incidents.find((incident) => timeMs >= incident.startMs && timeMs <= incident.endMs + GRACE_MS);
}

function alertTable(result: Omit<ObservabilityResult, 'report'>): string[] {
  const lines = ['Alerts: which fired, when, and against which fault', `  ${'rule'.padEnd(20)}${'fired ms'.padStart(9)}${'resolved ms'.padStart(13)}   against`];
  result.alertEvents.forEach((event, index) => {
    if (event.state !== 'firing') return;
    const resolved = result.alertEvents.slice(index + 1).find((later) => later.rule === event.rule && later.state === 'resolved');
    const incident = incidentAt(result.incidents, event.timeMs);
    const against = incident === undefined ? 'no fault: FALSE ALERT' : `#${result.incidents.indexOf(incident) + 1} ${faultName(incident)} (+${event.timeMs - incident.startMs} ms after it began)`;
    lines.push(`  ${event.rule.padEnd(20)}${String(event.timeMs).padStart(9)}${(resolved === undefined ? 'still firing' : String(resolved.timeMs)).padStart(13)}   ${against}`);
  });
  return lines;
}

function incidentTable(sim: Simulation, result: Omit<ObservabilityResult, 'report'>): string[] {
  const rules = alertRules.map((rule) => rule.name);
  const perRule = rules.map((rule) => scoreAlerts(result.alertEvents, sim.faultLog, { untilMs: sim.now, graceMs: GRACE_MS, rules: [rule] }).incidents);
  const lines = [
    `Incidents: time to fire per rule, ms after the fault began ('-' = not caught, grace ${GRACE_MS} ms)`,
    `  ${'fault'.padEnd(30)}${'window ms'.padEnd(14)}${rules.map((rule) => rule.padStart(19)).join('')}`,
  ];
  result.incidents.forEach((incident, index) => {
    const times = perRule.map((incidents) => incidents[index]!.timeToFireMs);
    lines.push(`  ${`#${index + 1} ${faultName(incident)}`.padEnd(30)}${`${incident.startMs}-${incident.endMs}`.padEnd(14)}${times.map((time) => (time === undefined ? '-' : String(time)).padStart(19)).join('')}`);
  });
  const caught = result.incidents.length - result.missedIncidents;
  lines.push(`  caught ${caught} of ${result.incidents.length} incidents, missed ${result.missedIncidents}; false alerts: ${result.falseAlerts}`);
  return lines;
}

function healthTable(result: Omit<ObservabilityResult, 'report'>): string[] {
  const lines = [
    'Health checks, scored against sim.truth (T_D: crash detection time; mistakes: unhealthy while up)',
    `  ${'check'.padEnd(17)}${'flips'.padStart(6)}${'crashes'.padStart(9)}${'T_D ms'.padStart(8)}${'mistakes'.padStart(10)}   ${'by cause'.padEnd(36)}${'P_A'.padStart(6)}   first flips (ms)`,
  ];
  for (const score of result.health) {
    const causes = Object.entries(score.mistakesByCause).filter(([, count]) => count > 0).map(([cause, count]) => `${cause} ${count}`).join(', ');
    const firstFlips = score.flips.slice(0, 4).map((flip) => `${flip.timeMs} ${flip.to === 'healthy' ? 'up' : 'DOWN'}`).join(', ') + (score.flips.length > 4 ? ', …' : '');
    lines.push(`  ${score.check.padEnd(17)}${String(score.flips.length).padStart(6)}${String(score.crashes).padStart(9)}${(score.detectionTimeMeanMs === undefined ? '-' : score.detectionTimeMeanMs.toFixed(0)).padStart(8)}${String(score.mistakes).padStart(10)}   ${(causes || '-').padEnd(36)}${(score.queryAccuracyProbability ?? Number.NaN).toFixed(3).padStart(6)}   ${firstFlips}`);
  }
  return lines;
}

function traceStory(trace: readonly SpanRecord[]): string[] {
  if (trace.length === 0) return ['No checkout lost a message.'];
  const byId = new Map(trace.map((span) => [span.spanId, span]));
  const depthOf = (span: SpanRecord): number => (span.parentSpanId === undefined || !byId.has(span.parentSpanId) ? 0 : 1 + depthOf(byId.get(span.parentSpanId)!));
  const lines = [`One checkout caught by a fault, as its spans tell it (trace ${trace[0]!.traceId.slice(0, 8)}…, ${trace.length} spans)`];
  for (const span of trace) {
    const drop = span.events.find((event) => event.name === 'drop');
    const timedOut = span.events.some((event) => event.name === 'timeout') ? `, timed out after ${(span.endMs! - span.startMs).toFixed(1)} ms` : '';
    const outcome = drop !== undefined ? `DROPPED (${String(drop.attributes['reason'])})${timedOut}`
      : span.status === 'error' ? `FAILED (${span.statusMessage})`
        : span.endMs === undefined ? 'still open' : `${(span.endMs - span.startMs).toFixed(1)} ms`;
    lines.push(`  ${span.startMs.toFixed(1).padStart(8)} ms  ${span.node.padEnd(8)}${`${' '.repeat(2 * depthOf(span))}${span.name}`.padEnd(30)}${outcome}`);
  }
  return lines;
}

function formatReport(sim: Simulation, result: Omit<ObservabilityResult, 'report'>): string {
  const { checkouts } = result;
  const logs = sim.logs();
  return [
    'Observability: a shop through a crash, a partition and an overload, watched from inside',
    `Four users check out via gateway -> catalog + orders -> store; metrics are sampled every ${SAMPLE_EVERY_MS} ms,`,
    `health probes go every ${PROBE_EVERY_MS} ms; alerts and checks are scored against what really happened.`,
    '',
    ...alertTable(result),
    '',
    ...incidentTable(sim, result),
    '',
    ...healthTable(result),
    '',
    ...traceStory(result.droppedTrace),
    '',
    'Summary',
    `  checkouts: ${checkouts.ok} ok, ${checkouts.error} failed; gateway latency p50 ${checkouts.p50Ms.toFixed(1)} ms, p99 ${checkouts.p99Ms.toFixed(1)} ms (from the histogram)`,
    `  spans: ${result.spans} (${result.errorSpans} failed: drops and timeouts); logs: ${result.logs} (${logs.filter((entry) => entry.level === 'warn').length} warn, ${logs.filter((entry) => entry.level === 'error').length} error)`,
    `  wrote ${result.files.prometheus} (Prometheus text), ${result.files.chromeTrace} (open in ui.perfetto.dev), ${result.files.logs} (JSON Lines)`,
    `  and ${result.files.html} (the HTML report: open it in a browser)`,
    '',
    `trace hash ${result.traceHash}`,
  ].join('\n');
}

function argument(name: string): string | undefined {
  const position = process.argv.indexOf(name);
  return position >= 0 ? process.argv[position + 1] : undefined;
}

// Run from the command line (not when a test imports runObservability).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = argument('--out');
  const seed = argument('--seed');
  const { report } = await runObservability({ ...(outDir === undefined ? {} : { outDir }), ...(seed === undefined ? {} : { seed }) });
  console.log(report);
}
