/**
 * Gray failure: nothing is down, yet requests fail. A client calls a service every 20 ms through a
 * load balancer `lb` and gives up after 50 ms; `lb` spreads the calls round-robin over three
 * servers (api-1, api-2, api-3) and gives a server 40 ms. A `monitor` probes every server's
 * liveness every 250 ms with a lenient 200 ms timeout, and `lb` takes a server out of rotation
 * only when the monitor says it is down. Two faults degrade the network without taking anything
 * down:
 *
 * - 1.0–2.0 s: the lb↔api-1 link gets 5x slower and loses 20% of messages (a bad cable, a
 *   congested switch port) — the monitor's own path to api-1 is fine;
 * - 2.5–3.5 s: api-2 becomes a slow node (every link to and from it 4x slower: a noisy neighbour,
 *   a dying disk) — the monitor's probes are slower too, but well within their timeout.
 *
 * The same faults, two balancers:
 * - **broken**: health checks only. The monitor stays green, so `lb` keeps sending a third of the
 *   requests to the gray server, and they time out.
 * - **fixed**: the same, plus outlier ejection (`outlierDetection`, as Envoy's): `lb` judges each
 *   server by its own recent requests (error rate, mean latency) and takes a slow or failing one
 *   out of rotation for a while, whatever its health check says; it routes around the gray node.
 *
 * What to look for: in the broken run the client's failures climb while the monitor reports every
 * server healthy and the ground truth says nothing went down; in the fixed run a handful of
 * requests fail before the ejection, then the gray server gets almost no traffic. The table
 * counts, per phase, requests, failures, latency percentiles and the requests sent to the gray
 * server.
 *
 * Writes out/gray-failure.html (`writeHtmlReport`: both runs' messages, the health verdicts
 * against the truth, the client's requests and latency charted with the faults shaded; it opens
 * offline in any browser).
 *
 * Run: npx tsx examples/gray-failure.ts [--out out]
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  addHealthChecker,
  addLoadBalancer,
  CallTimeoutError,
  Simulation,
  withHealthEndpoint,
  type BalancerEvent,
  type FaultSchedule,
  type HealthChecker,
  type LoadBalancer,
} from 'faultline';
import { writeHtmlReport, type RunSection } from 'faultline/report';

const SEED = 'gray-failure';
const CLIENT_TIMEOUT_MS = 50;
const BALANCER_TIMEOUT_MS = 40;
const MONITOR_TIMEOUT_MS = 200;
const PROBE_EVERY_MS = 250;
const REQUEST_EVERY_MS = 20;
const RUN_FOR_MS = 4_000;
const SERVERS = ['api-1', 'api-2', 'api-3'];
const PHASES = [
  { name: 'healthy', fromMs: 0, toMs: 1_000, gray: undefined },
  { name: 'flaky lb<->api-1 link', fromMs: 1_000, toMs: 2_000, gray: 'api-1' },
  { name: 'healed', fromMs: 2_000, toMs: 2_500, gray: undefined },
  { name: 'slow api-2 node', fromMs: 2_500, toMs: 3_500, gray: 'api-2' },
  { name: 'healed', fromMs: 3_500, toMs: 4_000, gray: undefined },
] as const;

const FAULTS: FaultSchedule = [
  { kind: 'link', atMs: 1_000, durationMs: 1_000, params: { links: [['lb', 'api-1']], bothWays: true, model: { latencyFactor: 5, lossProbability: 0.2 } } },
  { kind: 'slow-node', atMs: 2_500, durationMs: 1_000, target: 'api-2', params: { model: { latencyFactor: 4 } } },
];

/** Outlier ejection: out for 1 s after 30% errors or a 15 ms mean over a server's last 10 requests (its usual mean is 10 ms). */
const OUTLIER_DETECTION = { windowSize: 10, minRequests: 5, maxErrorRate: 0.3, maxMeanLatencyMs: 15, ejectionMs: 1_000 };

const REQUESTS = { name: 'client_requests_total', help: 'Requests the client made, by outcome', labelNames: ['outcome'] };
const LATENCY = { name: 'client_request_latency_ms', help: 'Latency of the requests that succeeded, ms', buckets: [5, 10, 15, 20, 30, 40, 50] };

/** One request as the client saw it (its clock is exact here, so local time = true time). */
interface Outcome {
  atMs: number;
  latencyMs: number | undefined;
}

/** One of the two runs. */
export interface GrayRun {
  name: 'broken' | 'fixed';
  outcomes: Outcome[];
  /** Every server `lb` picked, with the true time. */
  picks: Array<{ backend: string; atMs: number }>;
  balancerEvents: BalancerEvent[];
  health: HealthChecker;
  /** Replies to the monitor's probes, and its verdict changes, over every server. */
  probeReplies: number;
  healthFlips: number;
  sim: Simulation;
}

/** Runs the service under the two faults, with outlier ejection (`fixed`) or without. */
export async function runGray(fixed: boolean, seed: string = SEED): Promise<GrayRun> {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'normal', meanMs: 5, stdDevMs: 1.5 } } } });
  sim.metrics.configure({ intervalMs: 100 });
  for (const server of SERVERS) sim.addNode(server, withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const health = addHealthChecker(sim, 'monitor', {
    checks: SERVERS.map((target) => ({ target, kind: 'liveness' as const, intervalMs: PROBE_EVERY_MS, timeoutMs: MONITOR_TIMEOUT_MS })),
  });
  const balancer: LoadBalancer = addLoadBalancer(sim, 'lb', {
    backends: SERVERS, policy: 'round-robin', verdicts: health, timeoutMs: BALANCER_TIMEOUT_MS,
    ...(fixed ? { outlierDetection: OUTLIER_DETECTION } : {}),
  });
  const picks: GrayRun['picks'] = [];
  balancer.onPick((backend) => picks.push({ backend, atMs: sim.now }));
  const outcomes: Outcome[] = [];
  sim.addNode('client', (ctx) => {
    const requests = ctx.metrics.counter(REQUESTS.name, { help: REQUESTS.help, labelNames: REQUESTS.labelNames });
    const latency = ctx.metrics.histogram(LATENCY.name, { help: LATENCY.help, buckets: LATENCY.buckets });
    return {
      onStart() {
        ctx.setTimer(REQUEST_EVERY_MS, 'request');
      },
      async onTimer() {
        ctx.setTimer(REQUEST_EVERY_MS, 'request'); // the next request does not wait for this one
        const sentMs = ctx.now();
        let reply: unknown;
        try {
          reply = await ctx.call('lb', 'get', { timeoutMs: CLIENT_TIMEOUT_MS });
        } catch (error) {
          if (!(error instanceof CallTimeoutError)) throw error;
        }
        // 'ok' from a server; anything else is the balancer giving up on one, or our own timeout.
        const ok = reply === 'ok';
        outcomes.push({ atMs: sentMs, latencyMs: ok ? ctx.now() - sentMs : undefined });
        requests.inc(1, { outcome: ok ? 'ok' : 'failed' });
        if (ok) latency.observe(ctx.now() - sentMs);
      },
    };
  });
  sim.inject(FAULTS);
  await sim.runAsync({ until: RUN_FOR_MS });
  return {
    name: fixed ? 'fixed' : 'broken',
    outcomes,
    picks,
    balancerEvents: [...balancer.events],
    health,
    probeReplies: SERVERS.reduce((sum, server) => sum + health.repliesOf(`${server}/liveness`).length, 0),
    healthFlips: SERVERS.reduce((sum, server) => sum + health.transitionsOf(`${server}/liveness`).length, 0),
    sim,
  };
}

// ---- what the runs say ----

function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/** One phase (or the faults' whole stretch) of one run, from the client's and the balancer's view. */
export interface PhaseNumbers {
  requests: number;
  failed: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  /** Requests `lb` sent to the server that was gray in that phase (0 in a phase with none). */
  toGrayServer: number;
}

function phaseNumbers(run: GrayRun, fromMs: number, toMs: number, gray: string | undefined): PhaseNumbers {
  const mine = run.outcomes.filter((outcome) => outcome.atMs >= fromMs && outcome.atMs < toMs);
  const latencies = mine.flatMap((outcome) => (outcome.latencyMs === undefined ? [] : [outcome.latencyMs]));
  return {
    requests: mine.length,
    failed: mine.length - latencies.length,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    toGrayServer: gray === undefined ? 0 : run.picks.filter((pick) => pick.backend === gray && pick.atMs >= fromMs && pick.atMs < toMs).length,
  };
}

/** Both fault phases together: what the faults cost the client. */
export function underFaults(run: GrayRun): PhaseNumbers {
  const [flaky, slow] = [PHASES[1], PHASES[3]].map((phase) => phaseNumbers(run, phase.fromMs, phase.toMs, phase.gray));
  const latencies = run.outcomes.filter((outcome) => [PHASES[1], PHASES[3]].some((phase) => outcome.atMs >= phase.fromMs && outcome.atMs < phase.toMs));
  const succeeded = latencies.flatMap((outcome) => (outcome.latencyMs === undefined ? [] : [outcome.latencyMs]));
  return {
    requests: flaky!.requests + slow!.requests,
    failed: flaky!.failed + slow!.failed,
    p50Ms: percentile(succeeded, 0.5),
    p99Ms: percentile(succeeded, 0.99),
    toGrayServer: flaky!.toGrayServer + slow!.toGrayServer,
  };
}

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
const percent = (part: number, whole: number): string => `${part} (${Math.round((100 * part) / Math.max(1, whole))}%)`;

function phaseTable(run: GrayRun): string[] {
  const lines = [`  ${'phase'.padEnd(24)}${'requests'.padStart(9)}${'failed'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'to gray server'.padStart(16)}`];
  for (const phase of PHASES) {
    const numbers = phaseNumbers(run, phase.fromMs, phase.toMs, phase.gray);
    lines.push(`  ${phase.name.padEnd(24)}${String(numbers.requests).padStart(9)}${percent(numbers.failed, numbers.requests).padStart(11)}${ms(numbers.p50Ms).padStart(9)}${ms(numbers.p99Ms).padStart(9)}` +
      `${(phase.gray === undefined ? '-' : `${numbers.toGrayServer} (${phase.gray})`).padStart(16)}`);
  }
  return lines;
}

const COMPARISON_COLUMNS = ['balancer', 'requests', 'failed', 'p50 ms', 'p99 ms', 'to gray server', 'health flips', 'ejections'];

function comparisonRow(run: GrayRun): Array<string | number> {
  const numbers = underFaults(run);
  const ejections = run.balancerEvents.filter((event) => event.kind === 'ejected').length;
  return [run.name === 'broken' ? 'broken: health checks only' : 'fixed: + outlier ejection', numbers.requests, numbers.failed, ms(numbers.p50Ms), ms(numbers.p99Ms), numbers.toGrayServer, run.healthFlips, ejections];
}

function comparisonTable(runs: readonly GrayRun[]): string[] {
  const rows = runs.map((run) => comparisonRow(run).map(String));
  const widths = COMPARISON_COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: readonly string[]): string => `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`;
  return [format(COMPARISON_COLUMNS), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)];
}

function ejectionStory(run: GrayRun): string[] {
  return run.balancerEvents
    .filter((event) => event.kind === 'ejected' || event.kind === 'readmitted')
    .map((event) => `  ${event.atMs.toFixed(1).padStart(8)} ms  lb ${event.kind} ${event.backend}${event.reason === undefined ? '' : ` (${event.reason})`}`);
}

// ---- the HTML report ----

const HTML_STORY = [
  `A client calls a service every ${REQUEST_EVERY_MS} ms through a load balancer and gives up after ${CLIENT_TIMEOUT_MS} ms; the balancer spreads the calls round-robin over api-1, api-2 and api-3 and gives a server ${BALANCER_TIMEOUT_MS} ms. A monitor probes each server's liveness every ${PROBE_EVERY_MS} ms (timeout ${MONITOR_TIMEOUT_MS} ms), and the balancer takes a server out only when the monitor says it is down.`,
  'From 1.0 to 2.0 s the link between the balancer and api-1 is 5x slower and loses 20% of messages; from 2.5 to 3.5 s api-2 is a slow node (every link 4x slower). Nothing goes down. The broken balancer follows the health checks only; the fixed one also ejects a server whose own recent requests fail or are slow (outlier ejection).',
  'The first two sections show each run whole: its messages, the monitor\'s verdicts about every server against the truth (they stay green), and the client\'s requests (per second, by outcome) and latency with the faults shaded. The last two show the flaky link\'s first 400 ms up close, where the messages can be followed one by one.',
].join('\n\n');

function reportSection(run: GrayRun): RunSection {
  const numbers = underFaults(run);
  return {
    label: run.name === 'broken' ? 'broken: health checks only' : 'fixed: health checks and outlier ejection',
    sim: run.sim,
    story: `Under the faults: ${numbers.failed} of ${numbers.requests} requests failed, p99 ${ms(numbers.p99Ms)} ms, ${numbers.toGrayServer} sent to the gray server.`,
    nodes: ['client', 'lb', ...SERVERS, 'monitor'],
    metrics: [
      { name: REQUESTS.name, show: 'rate', title: 'client requests per second, by outcome' },
      { name: LATENCY.name, show: 'mean', title: 'client latency of successful requests, mean ms' },
    ],
    health: SERVERS.map((server) => ({ checker: run.health, check: `${server}/liveness`, label: `${server} liveness (monitor)` })),
    maxMessages: 1_500,
  };
}

/** The flaky link's first 400 ms up close: late and lost messages to api-1, and, fixed, the ejection. */
function closeUpSection(run: GrayRun): RunSection {
  const ejection = run.balancerEvents.find((event) => event.kind === 'ejected');
  return {
    label: `${run.name}: the flaky link up close (0.95-1.4 s)`,
    sim: run.sim,
    story: ejection === undefined
      ? 'Every third request still goes to api-1; its replies come late or not at all, and the balancer gives up after 40 ms.'
      : `The balancer ejects api-1 at ${ejection.atMs.toFixed(1)} ms (${ejection.reason}); after that no request goes to it.`,
    nodes: ['client', 'lb', ...SERVERS],
    fromMs: 950,
    untilMs: 1_400,
  };
}

// ---- the run ----

/** Everything the example printed and wrote, for tests. */
export interface GrayFailureResult {
  runs: GrayRun[];
  report: string;
  htmlFile: string;
  traceHash: string;
}

/** Runs both balancers on the same faults, writes the HTML report, returns the printed report. */
export async function runGrayFailure(options: { outDir?: string; seed?: string } = {}): Promise<GrayFailureResult> {
  const seed = options.seed ?? SEED;
  const runs = [await runGray(false, seed), await runGray(true, seed)];
  const [broken, fixed] = runs as [GrayRun, GrayRun];
  const htmlFile = writeHtmlReport(join(options.outDir ?? 'out', 'gray-failure.html'), {
    title: 'Gray failure: nothing is down, yet requests fail',
    story: HTML_STORY,
    tables: [{ caption: 'Both fault phases (1.0-2.0 s and 2.5-3.5 s), the same faults for both balancers', columns: COMPARISON_COLUMNS, rows: runs.map(comparisonRow) }],
    runs: [...runs.map(reportSection), ...runs.map(closeUpSection)],
  });
  const traceHash = createHash('sha256').update(runs.map((run) => run.sim.traceHash()).join(' ')).digest('hex').slice(0, 16);
  const report = [
    'Gray failure: a client (timeout 50 ms) calls three servers through a load balancer (40 ms a server);',
    'a monitor probes their liveness (every 250 ms, timeout 200 ms) and the balancer follows its verdicts.',
    'Faults: 1.0-2.0 s flaky lb<->api-1 link (5x latency, 20% loss); 2.5-3.5 s slow api-2 node (4x latency).',
    'Look for: the broken balancer keeps sending a third of the requests to the gray server while every health check',
    'stays green; the fixed one (outlier ejection) takes it out after a few bad requests.',
    '',
    'Broken: health checks only. Per phase (client view; requests the balancer sent to the gray server):',
    ...phaseTable(broken),
    '',
    'Fixed: health checks and outlier ejection (10-request window, 30% errors or a 15 ms mean, 1 s out):',
    ...phaseTable(fixed),
    ...ejectionStory(fixed),
    '',
    'Under the faults (both phases), broken vs fixed:',
    ...comparisonTable(runs),
    '',
    `Health monitor: ${broken.probeReplies} probe replies, ${broken.healthFlips} verdict changes${broken.healthFlips === 0 ? ': it never noticed anything' : ''}.`,
    `Truth: servers down during ${JSON.stringify(SERVERS.flatMap((server) => broken.sim.truth.downIntervals(server, RUN_FOR_MS)))}; ` +
      `link lb->api-1 cut during ${JSON.stringify(broken.sim.truth.cutIntervals('lb', 'api-1', RUN_FOR_MS))} — nothing was down or cut.`,
    '',
    `wrote ${htmlFile} (open it in a browser)`,
    '',
    `trace hash ${traceHash}`,
  ].join('\n');
  return { runs, report, htmlFile, traceHash };
}

function argument(argv: readonly string[], name: string): string | undefined {
  const position = argv.indexOf(name);
  return position >= 0 ? argv[position + 1] : undefined;
}

// Run from the command line (not when a test imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = argument(process.argv, '--out');
  const { report } = await runGrayFailure(outDir === undefined ? {} : { outDir });
  console.log(report);
}
