/**
 * Detector shootout: eight failure detectors watch the same four nodes over the same faulty
 * network (2% loss, exponential jitter) — node a crashes and restarts, b is partitioned from the
 * monitor, c is paused, d just suffers the network. The run prints each detector's QoS (Chen,
 * Toueg & Aguilera 2002), then sweeps the threshold of five detector families on a crash-heavy
 * run and draws the detection-time / mistake-rate trade-off (as Hayashibara et al. 2004 did) to
 * an SVG file.
 *
 * It also writes an HTML report (`writeHtmlReport`, opens offline in any browser): the QoS table,
 * then one section per fault (a's first crash, b's partition, c's pause) with every detector's
 * verdicts about that node against the truth, and one for d, which only suffers the network.
 *
 * Run: npx tsx examples/detector-shootout.ts [--out dir] [--report file.html] [--seed 7]
 * (`--out` names the folder, default out/, for detector-tradeoff.svg and detector-shootout.html,
 * or a .svg path for the picture alone; `--report` names the HTML report.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BertierDetector,
  ExponentialAccrualDetector,
  FixedTimeoutDetector,
  measureQoS,
  mistakeCauses,
  NfdEDetector,
  NfdSDetector,
  PhiAccrualDetector,
  runDetectorHarness,
  SatzgerDetector,
  type FailureDetector,
  type FaultSchedule,
  type LinkModel,
  poolQoS,
  Simulation,
  swimNode,
  thresholdSweep,
  tradeoffSvg,
  type SwimHandlers,
} from 'faultline';
import { writeHtmlReport, type DetectorVerdict, type ReportTable, type RunSection } from 'faultline/report';

const ETA = 100; // heartbeat interval η, ms
const RUN_FOR_MS = 60_000;
const WARM_UP_MS = 2_000;
const MONITOR = 'q';
const NODES = ['a', 'b', 'c', 'd'];

function argument(name: string): string | undefined {
  const position = process.argv.indexOf(name);
  return position >= 0 ? process.argv[position + 1] : undefined;
}
const seed = argument('--seed') ?? 'shootout';
// `--out` names a folder, as for the other examples, or (ending in .svg) the picture itself.
const out = argument('--out') ?? 'out';
const outDir = out.endsWith('.svg') ? dirname(out) : out;
const outPath = out.endsWith('.svg') ? out : join(out, 'detector-tradeoff.svg');
const reportPath = argument('--report') ?? join(outDir, 'detector-shootout.html');

const network: LinkModel = { latency: { kind: 'exponential', meanMs: 15 }, lossProbability: 0.02 };

const detectors: Record<string, () => FailureDetector> = {
  'fixed 300ms': () => new FixedTimeoutDetector({ timeoutMs: 300 }),
  'phi logistic 8': () => new PhiAccrualDetector({ threshold: 8, minStdDeviationMs: 20, firstHeartbeatEstimateMs: ETA }),
  'phi exact 8': () => new PhiAccrualDetector({ threshold: 8, minStdDeviationMs: 20, firstHeartbeatEstimateMs: ETA, cdf: 'exact' }),
  'exp-accrual 1.5': () => new ExponentialAccrualDetector({ threshold: 1.5, firstHeartbeatEstimateMs: ETA }),
  'NFD-S δ=150': () => new NfdSDetector({ intervalMs: ETA, shiftMs: 150 }),
  'NFD-E α=150': () => new NfdEDetector({ intervalMs: ETA, safetyMarginMs: 150, windowSize: 100 }),
  'Bertier': () => new BertierDetector({ intervalMs: ETA, windowSize: 100 }),
  'Satzger 0.99': () => new SatzgerDetector({ windowSize: 100, threshold: 0.99 }),
};

const faults: FaultSchedule = [
  { kind: 'crash', atMs: 12_000, durationMs: 4_000, target: 'a' },
  { kind: 'crash', atMs: 40_050, durationMs: 3_000, target: 'a' },
  { kind: 'partition', atMs: 20_030, durationMs: 2_000, params: { groups: [['b'], [MONITOR, 'a', 'c', 'd']] } },
  { kind: 'pause', atMs: 30_070, durationMs: 1_500, target: 'c' },
];

const shootout = runDetectorHarness({
  seed, monitored: NODES, monitor: MONITOR, intervalMs: ETA, network, faults, detectors, durationMs: RUN_FOR_MS, sampleEveryMs: 10,
});

const ms = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(1));
const round = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value * 10) / 10);
console.log(`detector shootout: η = ${ETA} ms, exponential latency (mean 15 ms), 2% loss, ${RUN_FOR_MS / 1_000} s`);
console.log('faults: a crashes at 12 s (4 s) and 40 s (3 s); b partitioned at 20 s (2 s); c paused at 30 s (1.5 s)');
console.log(`QoS over [${WARM_UP_MS / 1_000} s, ${RUN_FOR_MS / 1_000} s), pooled over ${NODES.join(', ')}:\n`);
const header = ['detector'.padEnd(16), 'T_D mean', ' T_D max', 'mistakes', ' λ_M /s', ' T_M ms', '     P_A', ...mistakeCauses.slice(0, 5).map((cause) => cause.padStart(9))];
console.log(header.join(' '));
const qosRows: ReportTable['rows'][number][] = [];
for (const name of Object.keys(detectors)) {
  const measurements = NODES.map((node) =>
    measureQoS(shootout.transitions[name]![node]!, shootout.sim.truth, node, WARM_UP_MS, RUN_FOR_MS, { monitor: MONITOR, arrivals: shootout.arrivals[node]!, intervalMs: ETA }),
  );
  const pooled = poolQoS(measurements);
  const causeCounts = mistakeCauses.slice(0, 5).map((cause) => measurements.reduce((sum, qos) => sum + qos.falseSuspicionsByCause[cause], 0));
  const byCause = causeCounts.map((count) => String(count).padStart(9));
  qosRows.push([name, round(pooled.detectionTimeMs), round(pooled.maxDetectionTimeMs), pooled.mistakes, Number(pooled.mistakeRatePerSec.toFixed(4)), round(pooled.mistakeDurationMs), Number((pooled.queryAccuracy ?? 0).toFixed(5)), ...causeCounts]);
  console.log([
    name.padEnd(16),
    ms(pooled.detectionTimeMs).padStart(8),
    ms(pooled.maxDetectionTimeMs).padStart(8),
    String(pooled.mistakes).padStart(8),
    pooled.mistakeRatePerSec.toFixed(4).padStart(8),
    ms(pooled.mistakeDurationMs).padStart(7),
    (pooled.queryAccuracy ?? 0).toFixed(5).padStart(8),
    ...byCause,
  ].join(' '));
}

// SWIM is a protocol, not a heartbeat consumer: run it on the same network and faults (every node
// a member, q included) and score the members' views of a, b, c and d against the ground truth.
const swim = new Simulation({ seed, network: { link: network } });
for (const id of [MONITOR, ...NODES]) swim.addNode(id, swimNode({ probeIntervalMs: 200, probeTimeoutMs: 100, gossipIntervalMs: 50 }));
swim.inject(faults);
const swimVerdicts: Array<{ observer: string; node: string; state: string; atMs: number }> = [];
const lastView = new Map<string, string>();
swim.schedule(0, function watch(): void {
  for (const observer of swim.nodeIds()) {
    if (!swim.isUp(observer)) continue;
    for (const [node, member] of swim.node<SwimHandlers>(observer).handlers.members()) {
      const key = `${observer}>${node}`;
      if (node === observer || member.state === (lastView.get(key) ?? 'alive')) continue;
      lastView.set(key, member.state);
      swimVerdicts.push({ observer, node, state: member.state, atMs: swim.now });
    }
  }
  if (swim.now < RUN_FOR_MS) swim.schedule(10, watch);
});
swim.run({ until: RUN_FOR_MS });
const wronglySuspected = swimVerdicts.filter((verdict) => verdict.state !== 'alive' && swim.truth.isUp(verdict.node, verdict.atMs));
const wronglyDead = wronglySuspected.filter((verdict) => verdict.state === 'dead');
const firstDeadAfterCrash = [12_000, 40_050].map((crashMs) => swimVerdicts.find((verdict) => verdict.node === 'a' && verdict.state === 'dead' && verdict.atMs >= crashMs)?.atMs);
console.log('\nSWIM with Lifeguard (probe 200 ms, the same network and faults, every node a member):');
console.log(`  a's crashes first seen dead after ${firstDeadAfterCrash.map((atMs, index) => (atMs === undefined ? 'never' : `${(atMs - [12_000, 40_050][index]!).toFixed(0)} ms`)).join(' and ')}`);
console.log(`  views of a live member: ${wronglySuspected.length - wronglyDead.length} suspect, ${wronglyDead.length} dead (by cause: ${['partition', 'pause', 'other'].map((cause) => `${cause} ${wronglySuspected.filter((verdict) => swimCause(verdict) === cause).length}`).join(', ')})`);

function swimCause(verdict: { node: string; atMs: number }): string {
  const windowStartMs = verdict.atMs - 2_000;
  if (swim.truth.pausedIntervals(verdict.node, verdict.atMs + 1).some(([, endMs]) => endMs > windowStartMs)) return 'pause';
  if (swim.truth.cutIntervals(verdict.node, MONITOR, verdict.atMs + 1).some(([, endMs]) => endMs > windowStartMs)) return 'partition';
  return 'other';
}

// The sweep: one node crashing every 8 s for 1.5 s over the same network, for 160 s.
const SWEEP_FOR_MS = 160_000;
const sweepFaults: FaultSchedule = Array.from({ length: 19 }, (_, index) => ({ kind: 'crash', atMs: 5_000 + index * 8_000 + index * 13.7, durationMs: 1_500, target: 'p' }));
const points = thresholdSweep({
  seed, monitored: ['p'], monitor: MONITOR, intervalMs: ETA, network, faults: sweepFaults, durationMs: SWEEP_FOR_MS, sampleEveryMs: 10, fromMs: WARM_UP_MS,
  families: [
    { name: 'fixed timeout', parameter: 'timeoutMs', values: [150, 200, 250, 300, 400, 600], create: (timeoutMs) => new FixedTimeoutDetector({ timeoutMs }) },
    { name: 'phi (logistic)', parameter: 'threshold', values: [0.5, 1, 2, 4, 8, 16], create: (threshold) => new PhiAccrualDetector({ threshold, minStdDeviationMs: 20, firstHeartbeatEstimateMs: ETA }) },
    { name: 'NFD-E', parameter: 'α ms', values: [20, 50, 100, 150, 250, 400], create: (safetyMarginMs) => new NfdEDetector({ intervalMs: ETA, safetyMarginMs, windowSize: 100 }) },
    { name: 'Bertier', parameter: 'φ', values: [1, 2, 4, 8, 16], create: (phi) => new BertierDetector({ intervalMs: ETA, windowSize: 100, phi }) },
    { name: 'Satzger', parameter: 'threshold', values: [0.5, 0.9, 0.99, 1], create: (threshold) => new SatzgerDetector({ windowSize: 100, threshold }) },
  ],
});
console.log('\nthreshold sweep (node p crashes 19 times in 160 s; T_D mean ms, mistakes per up-second, P_A, undetected crashes):');
for (const point of points) {
  console.log(`  ${point.family.padEnd(15)} ${point.parameter.padEnd(10)} ${String(point.value).padStart(5)}  T_D ${ms(point.detectionTimeMs).padStart(7)}  rate ${point.mistakeRatePerSec.toFixed(4)}  P_A ${(point.queryAccuracy ?? 0).toFixed(5)}  undetected ${point.undetectedCrashes}`);
}
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, tradeoffSvg(points, { title: `Detection time vs mistake rate (η ${ETA} ms, 2% loss, exp. latency 15 ms)` }));
console.log(`\nwrote trade-off SVG to ${outPath}`);

// The HTML report: the QoS table, then each fault with every detector's verdicts about its node.
/** One section: the detectors' verdicts about `node` over a window around its fault. */
function faultSection(label: string, node: string, fromMs: number, untilMs: number, story: string): RunSection {
  const verdicts: DetectorVerdict[] = Object.keys(detectors).map((name) => {
    const transitions = shootout.transitions[name]![node]!;
    // Scored with the heartbeats' arrivals, so each mistake gets its cause (partition, pause, loss, delay).
    const qos = measureQoS(transitions, shootout.sim.truth, node, fromMs, untilMs, { monitor: MONITOR, arrivals: shootout.arrivals[node]!, intervalMs: ETA });
    return { label: name, node, transitions, qos };
  });
  return { label, sim: shootout.sim, story, nodes: [MONITOR, ...NODES], fromMs, untilMs, detectors: verdicts };
}
const htmlFile = writeHtmlReport(reportPath, {
  title: 'Detector shootout: eight failure detectors, one faulty network',
  story: [
    `A monitor q receives heartbeats every ${ETA} ms from a, b, c and d over a network with exponential latency (mean 15 ms) and 2% loss, for ${RUN_FOR_MS / 1_000} s. Node a crashes at 12 s (for 4 s) and at 40 s (3 s); b is partitioned from q at 20 s (2 s); c is paused at 30 s (1.5 s); d only suffers the network.`,
    'Eight detectors read the same heartbeats. The table scores them against the truth (Chen, Toueg and Aguilera\'s QoS: detection time T_D, mistakes, mistake rate λ_M, mistake duration T_M, query accuracy P_A, and the false suspicions by cause). Each section below shows one fault: every detector\'s verdict about the node, against whether it was really up.',
  ].join('\n\n'),
  tables: [{ caption: `QoS over [${WARM_UP_MS / 1_000} s, ${RUN_FOR_MS / 1_000} s), pooled over ${NODES.join(', ')}`, columns: ['detector', 'T_D mean ms', 'T_D max ms', 'mistakes', 'λ_M /s', 'T_M ms', 'P_A', ...mistakeCauses.slice(0, 5)], rows: qosRows }],
  runs: [
    faultSection('a crashes at 12 s for 4 s', 'a', 11_000, 17_000, 'Every detector should suspect a soon after 12 s and trust it again once it restarts and its heartbeats return.'),
    faultSection('b is partitioned from q at 20.03 s for 2 s', 'b', 19_000, 23_000, 'b is up all along: a suspicion here is a mistake caused by the partition.'),
    faultSection('c is paused at 30.07 s for 1.5 s', 'c', 29_000, 32_500, 'c is up but silent (a long GC pause): a suspicion here is a mistake caused by the pause.'),
    faultSection('d only suffers the network', 'd', WARM_UP_MS, RUN_FOR_MS, 'No fault targets d: every suspicion is a mistake caused by a lost or late heartbeat.'),
  ],
});
console.log(`wrote the HTML report to ${htmlFile} (open it in a browser)`);
console.log(`trace hash ${shootout.traceHash}`);
