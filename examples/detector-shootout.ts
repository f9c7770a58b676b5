/**
 * Detector shootout: eight failure detectors watch the same four nodes over the same faulty
 * network (2% loss, exponential jitter) — node a crashes and restarts, b is partitioned from the
 * monitor, c is paused, d just suffers the network. The run prints each detector's QoS (Chen,
 * Toueg & Aguilera 2002), then sweeps the threshold of five detector families on a crash-heavy
 * run and draws the detection-time / mistake-rate trade-off (as Hayashibara et al. 2004 did) to
 * an SVG file.
 *
 * Run: npx tsx examples/detector-shootout.ts [--out /path/to/tradeoff.svg] [--seed 7]
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const outPath = argument('--out') ?? join(tmpdir(), 'detector-tradeoff.svg');

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
console.log(`detector shootout: η = ${ETA} ms, exponential latency (mean 15 ms), 2% loss, ${RUN_FOR_MS / 1_000} s`);
console.log('faults: a crashes at 12 s (4 s) and 40 s (3 s); b partitioned at 20 s (2 s); c paused at 30 s (1.5 s)');
console.log(`QoS over [${WARM_UP_MS / 1_000} s, ${RUN_FOR_MS / 1_000} s), pooled over ${NODES.join(', ')}:\n`);
const header = ['detector'.padEnd(16), 'T_D mean', ' T_D max', 'mistakes', ' λ_M /s', ' T_M ms', '     P_A', ...mistakeCauses.slice(0, 5).map((cause) => cause.padStart(9))];
console.log(header.join(' '));
for (const name of Object.keys(detectors)) {
  const measurements = NODES.map((node) =>
    measureQoS(shootout.transitions[name]![node]!, shootout.sim.truth, node, WARM_UP_MS, RUN_FOR_MS, { monitor: MONITOR, arrivals: shootout.arrivals[node]!, intervalMs: ETA }),
  );
  const pooled = poolQoS(measurements);
  const byCause = mistakeCauses.slice(0, 5).map((cause) => String(measurements.reduce((sum, qos) => sum + qos.falseSuspicionsByCause[cause], 0)).padStart(9));
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
writeFileSync(outPath, tradeoffSvg(points, { title: `Detection time vs mistake rate (η ${ETA} ms, 2% loss, exp. latency 15 ms)` }));
console.log(`\nwrote trade-off SVG to ${outPath}`);
console.log(`trace hash ${shootout.traceHash}`);
