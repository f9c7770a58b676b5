/**
 * Predicting disk failure: twelve storage nodes (s01–s12) each take a steady stream of writes, two
 * a second, into their own shard. Over three hours three of their disks wear out
 * (`disk-wearout`): from its onset a worn disk's write latency rises and more and more of its
 * writes fail with `DiskError`, until the drive dies and takes its node, and its shard's data,
 * with it:
 *   s03  wears from 0:30, dies at 1:30 (exponential: quiet for a long time, then steep)
 *   s08  wears from 1:00, dies at 1:40 (linear)
 *   s11  wears from 1:40, dies at 2:30 (exponential)
 * The other nine stay healthy, with noisy readings like any machine; s05 has one flaky moment
 * (0:45, two minutes of 20% failed writes: a loose cable, not a dying disk) that predicts nothing.
 *
 * A monitor sees what it would in production (`watchDegradation`): each node's disk write latency,
 * its count of failed writes (`faultline_disk_write_errors_total`) and the `write failed` lines
 * in its log, sampled every 10 s. Five predictors read them, each on a signal it suits:
 *   EWMA z-score  on write latency    (a control chart: has the mean moved?)
 *   Holt          on write latency    (a trend forecast: will it cross 40 ms within 20 minutes?)
 *   CUSUM         on write latency    (a change detector: has a small shift built up?)
 *   CUSUM         on write errors /s  (the same, on the errors node code really saw)
 *   log rate      on `write failed: <*>` lines per minute, against their baseline
 * Each is scored against the truth (`degradationIncidents`) like a failure detector: precision,
 * recall, false alarms per hour, and lead time (how long before the drive died the first true
 * alarm came). Then each predictor's threshold is swept and drawn as a lead-time / false-alarm
 * trade-off (`leadTimeTradeoffSvg`, written to out/predict-disk-failure.svg; lower right is better).
 * The run report, out/predict-disk-failure.html (`writeHtmlReport`), shows both runs below: every
 * node's write latency and failed writes per second charted, the faults shaded.
 *
 * What to look for:
 * - Latency warns first. The control charts on write latency (EWMA, CUSUM) catch all three drives
 *   39 to 57 minutes ahead, close to the onset of wear. The error signals (the counter, the log)
 *   only move once the disk already fails writes, so they warn later (18 to 38 minutes), and both
 *   fall for s05's flaky cable: a false alarm the latency charts never see.
 * - The trade-off (the SVG). Lowering a chart's threshold buys almost no lead here (the rise is
 *   caught near onset anyway) and costs false alarms by the dozen: EWMA has none an hour at 5σ,
 *   43 at 2.5σ. Holt raises none at any horizon but warns later: it waits until the forecast
 *   crossing of 40 ms is within its horizon, and a straight line under-forecasts an exponential
 *   wear. Its alarms say when the crossing is due. CUSUM restarts after each signal, so a lasting
 *   shift (or the two flaky minutes) raises an alarm every few samples. The log detector lets its
 *   baseline follow normal buckets, so a slow ramp becomes its new normal: above 4σ it misses drives.
 * - Broken and fixed. Without prediction the first signal anyone acts on is the crash: lead time
 *   0, three drives lost with every write they held, and their shards down to the end of the run.
 *   With the best predictor (every drive caught, then fewest false alarms, then longest lead)
 *   watching online, its first alarm on a node drains it: the shard is copied to a spare (10
 *   minutes), the spare takes over the writes, and the node is removed gracefully
 *   (`sim.removeNode(id, { graceful: true })`) before its drive dies. No acknowledged write is
 *   lost. A warning is worth it only if it comes more than the copy time ahead.
 *
 * Run: npx tsx examples/predict-disk-failure.ts [--out dir] (default out/) [--seed predict-disk-failure]
 * (the run report is written next to the picture, with the extension .html)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CusumPredictor,
  degradationIncidents,
  degradationMetricNames,
  detectLogAnomalies,
  DiskError,
  EwmaPredictor,
  HoltPredictor,
  leadTimeTradeoffSvg,
  LogRatePredictor,
  logRateStreams,
  metricStreams,
  predictorSweep,
  predictStreams,
  scorePredictions,
  Simulation,
  watchDegradation,
  type DegradationIncident,
  type Fault,
  type MetricStreamOptions,
  type NodeContext,
  type NodeHandlers,
  type PredictionAlarm,
  type PredictionScore,
  type PredictionStream,
  type Predictor,
  type PredictorFamily,
  type PredictorSweepPoint,
} from 'faultline';
import { writeHtmlReport } from 'faultline/report';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const RUN_MS = 3 * HOUR_MS;
const SAMPLE_MS = 10_000;
const WRITE_EVERY_MS = 500;
/** Copying a shard to a spare: a warning later than this before the drive dies saves nothing. */
const COPY_MS = 10 * MINUTE_MS;
/** Holt's failure threshold: a disk this slow on writes is failing (its healthy latency is 2 ms). */
const LATENCY_LIMIT_SECONDS = 0.04;
const STORAGE = Array.from({ length: 12 }, (_, index) => `s${String(index + 1).padStart(2, '0')}`);
const SPARES = ['spare1', 'spare2', 'spare3'];
const OPS = 'ops';
const LOG_TEMPLATE = 'write failed: <*>';

const wearout = (target: string, onsetMinutes: number, lifeMinutes: number, shape: 'linear' | 'exponential', extraWriteLatencyMs: number, peakErrorProbability: number): Fault => ({
  kind: 'disk-wearout',
  atMs: onsetMinutes * MINUTE_MS,
  target,
  params: { timeToFailureMs: lifeMinutes * MINUTE_MS, shape, extraWriteLatencyMs, peakErrorProbability, stepMs: 1_000 },
});

const faults: Fault[] = [
  wearout('s03', 30, 60, 'exponential', 80, 0.3),
  wearout('s08', 60, 40, 'linear', 50, 0.2),
  wearout('s11', 100, 50, 'exponential', 120, 0.4),
  { kind: 'disk-write-fail', atMs: 45 * MINUTE_MS, durationMs: 2 * MINUTE_MS, target: 's05', params: { probability: 0.2 } },
];

// ------------------------------------------------------------------------------------ the fleet

type Message = { type: 'drain'; to: string } | { type: 'handoff'; stored: number } | { type: 'migrated'; from: string };
interface Shard {
  stored: number;
}

/**
 * A storage node: while it serves a shard it persists one write every 500 ms (a failed write is
 * logged and not acknowledged). Told to drain, it copies its shard to a spare for COPY_MS, then
 * hands over; a spare handed a shard takes over its writes.
 */
function storageNode(serving: boolean, counts: { acknowledged: number }) {
  return (ctx: NodeContext<Message, Shard>): NodeHandlers<Message> => {
    let spare: string | undefined;
    const write = (): void => {
      try {
        ctx.persist((shard) => void (shard.stored += 1));
        counts.acknowledged++;
      } catch (error) {
        if (!(error instanceof DiskError)) throw error;
        ctx.log.warn(`write failed: ${error.code}`);
      }
    };
    return {
      onStart() {
        if (serving) ctx.setTimer(WRITE_EVERY_MS, 'write');
      },
      onTimer(name) {
        if (name === 'write') {
          write();
          ctx.setTimer(WRITE_EVERY_MS, 'write');
        } else if (name === 'copied' && spare !== undefined) {
          // The copy is done: the spare gets the shard as it stands now, and the writes with it.
          ctx.cancelTimer('write');
          ctx.send(spare, { type: 'handoff', stored: ctx.durable.stored });
        }
      },
      onMessage(from, message) {
        if (message.type === 'drain') {
          spare = message.to;
          ctx.setTimer(COPY_MS, 'copied');
        } else if (message.type === 'handoff') {
          ctx.persist((shard) => void (shard.stored = message.stored));
          ctx.setTimer(WRITE_EVERY_MS, 'write');
          ctx.send(OPS, { type: 'migrated', from });
        }
      },
    };
  };
}

interface Fleet {
  sim: Simulation;
  counts: { acknowledged: number };
  /** The ops automation's context: how the online monitor reaches the fleet. */
  ops: () => NodeContext<Message>;
}

function buildFleet(seed: string): Fleet {
  const sim = new Simulation({ seed, logLimit: 1_000_000, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
  sim.metrics.configure({ intervalMs: SAMPLE_MS, maxSamplesPerSeries: 4_096 });
  const counts = { acknowledged: 0 };
  for (const id of STORAGE) sim.addNode<Message, Shard>(id, storageNode(true, counts), { durable: { stored: 0 } });
  for (const id of SPARES) sim.addNode<Message, Shard>(id, storageNode(false, counts), { durable: { stored: 0 } });
  let opsContext: NodeContext<Message> | undefined;
  sim.addNode<Message>(OPS, (ctx) => {
    opsContext = ctx;
    return {
      // The shard is safe on the spare: take the worn node out of service for good.
      onMessage: (_from, message) => void (message.type === 'migrated' && sim.removeNode(message.from, { graceful: true, drainMs: 1_000 })),
    };
  });
  watchDegradation(sim, { baselineNoise: 0.1 });
  sim.inject(faults);
  return { sim, counts, ops: () => opsContext! };
}

// ------------------------------------------------------------------------------------ predictors

interface MetricPredictor {
  name: string;
  signal: string;
  /** Its name in the picture's legend. */
  legend: string;
  metric: string;
  streamOptions: MetricStreamOptions;
  create: () => Predictor;
  /** The swept parameter, for the trade-off picture. */
  sweep: Omit<PredictorFamily, 'name' | 'create'> & { create: (value: number) => Predictor };
}

const latency = degradationMetricNames.diskWriteLatency;
const errors = degradationMetricNames.diskWriteErrors;
const errorBaseline = { mean: 0, stdDev: 0.05 }; // a healthy disk fails no writes; 0.05/s is one failure in 20 s

const metricPredictors: MetricPredictor[] = [
  {
    name: 'EWMA z-score', signal: 'write latency', legend: 'EWMA (latency)', metric: latency, streamOptions: {},
    create: () => new EwmaPredictor({ lambda: 0.2, threshold: 5, warmupSamples: 30 }),
    sweep: { parameter: 'threshold', values: [2.5, 3, 3.5, 4, 5, 6, 8, 12], create: (threshold) => new EwmaPredictor({ lambda: 0.2, threshold, warmupSamples: 30 }) },
  },
  {
    name: 'Holt', signal: 'write latency', legend: 'Holt (latency)', metric: latency, streamOptions: {},
    create: () => new HoltPredictor({ alpha: 0.3, beta: 0.1, threshold: LATENCY_LIMIT_SECONDS, horizonMs: 20 * MINUTE_MS }),
    sweep: { parameter: 'horizonMs', values: [5, 10, 20, 30, 45, 60].map((minutes) => minutes * MINUTE_MS), create: (horizonMs) => new HoltPredictor({ alpha: 0.3, beta: 0.1, threshold: LATENCY_LIMIT_SECONDS, horizonMs }) },
  },
  {
    name: 'CUSUM', signal: 'write latency', legend: 'CUSUM (latency)', metric: latency, streamOptions: {},
    create: () => new CusumPredictor({ k: 0.5, h: 12, warmupSamples: 30 }),
    sweep: { parameter: 'h', values: [3, 4, 5, 6, 8, 12, 20, 40], create: (h) => new CusumPredictor({ k: 0.5, h, warmupSamples: 30 }) },
  },
  {
    name: 'CUSUM', signal: 'write errors /s', legend: 'CUSUM (errors)', metric: errors, streamOptions: { as: 'ratePerSec' },
    create: () => new CusumPredictor({ k: 0.5, h: 5, baseline: errorBaseline }),
    sweep: { parameter: 'h', values: [2, 5, 10, 20, 40, 80], create: (h) => new CusumPredictor({ k: 0.5, h, baseline: errorBaseline }) },
  },
];

const LOG_DETECTOR = { threshold: 4 };
const logWindow = { template: LOG_TEMPLATE, bucketMs: MINUTE_MS, fromMs: 0, untilMs: RUN_MS };

/** The storage nodes' streams of a metric: what the fleet's monitor reads (spares and ops idle). */
function fleetStreams(sim: Simulation, metric: string, options: MetricStreamOptions): PredictionStream[] {
  return metricStreams(sim.metrics, metric, options).filter((stream) => STORAGE.includes(stream.target));
}

// ------------------------------------------------------------------------------------ runs

/** One predictor's row of the table, scored on the unmanaged run. */
export interface PredictorRow {
  predictor: string;
  signal: string;
  alarms: number;
  precision: number | undefined;
  recall: number | undefined;
  falseAlarmsPerHour: number;
  medianLeadTimeMs: number | undefined;
  /** Lead time per incident, in incident order (undefined: missed). */
  leadTimesMs: Array<number | undefined>;
  /** Where and when the false alarms came. */
  falseAlarms: Array<{ target: string; timeMs: number }>;
  /** Per incident, the time to failure the first true alarm forecast, if the predictor forecasts (Holt). */
  forecastTimesToFailureMs: Array<number | undefined>;
}

/** What one run did to the data. */
export interface RunOutcome {
  label: string;
  /** Drives that died while their node still served a shard. */
  drivesFailedInService: number;
  /** Nodes drained to a spare after an alarm, with the alarm's time. */
  drained: Array<{ node: string; atMs: number }>;
  /** Writes acknowledged over the run. */
  acknowledgedWrites: number;
  /** Acknowledged writes on no live node at the end: lost with a dead drive. */
  acknowledgedWritesLost: number;
  /** Writes that failed with DiskError (sum of faultline_disk_write_errors_total). */
  writeErrors: number;
  /** Minutes shards spent with no node to take their writes (a dead drive's shard, to the end of the run). */
  shardDownMinutes: number;
  traceHash: string;
}

export interface PredictDiskFailureResult {
  incidents: DegradationIncident[];
  rows: PredictorRow[];
  /** The predictor the managed run acts on. */
  best: string;
  sweep: PredictorSweepPoint[];
  without: RunOutcome;
  with: RunOutcome;
  svgPath: string;
  htmlPath: string;
  traceHash: string;
}

function outcomeOf(label: string, fleet: Fleet, drained: Array<{ node: string; atMs: number }>): RunOutcome {
  const { sim, counts } = fleet;
  const inService = [...STORAGE, ...SPARES].filter((id) => sim.truth.isUp(id));
  const surviving = inService.reduce((sum, id) => sum + sim.node<NodeHandlers, Shard>(id).durable.stored, 0);
  const failedInService = degradationIncidents(sim.faultLog, sim.now).filter((incident) => incident.failureMs !== undefined && !sim.truth.isRemoved(incident.target));
  const writeErrors = sim.metrics.seriesOf(errors).reduce((sum, series) => sum + series.values.at(-1)![0]!, 0);
  return {
    label,
    drivesFailedInService: failedInService.length,
    drained,
    acknowledgedWrites: counts.acknowledged,
    acknowledgedWritesLost: counts.acknowledged - surviving,
    writeErrors,
    shardDownMinutes: failedInService.reduce((sum, incident) => sum + (sim.now - incident.failureMs!) / MINUTE_MS, 0),
    traceHash: sim.traceHash(),
  };
}

function rowOf(predictor: string, signal: string, alarms: readonly PredictionAlarm[], score: PredictionScore): PredictorRow {
  const forecastOf = (firstAlarmMs: number | undefined, target: string): number | undefined => {
    const alarm = alarms.find((candidate) => candidate.target === target && candidate.timeMs === firstAlarmMs);
    return alarm?.estimatedFailureMs === undefined ? undefined : alarm.estimatedFailureMs - alarm.timeMs;
  };
  return {
    predictor,
    signal,
    alarms: score.alarms,
    precision: score.precision,
    recall: score.recall,
    falseAlarmsPerHour: score.falseAlarmsPerHour,
    medianLeadTimeMs: score.leadTime.p50Ms,
    leadTimesMs: score.incidents.map((incident) => incident.leadTimeMs),
    falseAlarms: score.falseAlarms.map((alarm) => ({ target: alarm.target, timeMs: alarm.timeMs })),
    forecastTimesToFailureMs: score.incidents.map((incident) => forecastOf(incident.firstAlarmMs, incident.incident.target)),
  };
}

/** The row to act on: catches every drive, then fewest false alarms, then longest median lead. */
function bestOf(rows: readonly PredictorRow[]): number {
  let best = 0;
  rows.forEach((row, index) => {
    const other = rows[best]!;
    const better = (row.recall ?? 0) !== (other.recall ?? 0) ? (row.recall ?? 0) > (other.recall ?? 0)
      : row.falseAlarmsPerHour !== other.falseAlarmsPerHour ? row.falseAlarmsPerHour < other.falseAlarmsPerHour
        : (row.medianLeadTimeMs ?? 0) > (other.medianLeadTimeMs ?? 0);
    if (better) best = index;
  });
  return best;
}

/**
 * The managed run: `chosen` watches each storage node online, sample by sample, and its first
 * alarm on a node drains that node to the next free spare.
 */
function runManaged(seed: string, chosen: MetricPredictor): { fleet: Fleet; drained: Array<{ node: string; atMs: number }> } {
  const fleet = buildFleet(seed);
  const { sim } = fleet;
  const predictors = new Map(STORAGE.map((id) => [id, chosen.create()]));
  const previous = new Map<string, number>();
  const drained: Array<{ node: string; atMs: number }> = [];
  const spares = [...SPARES];
  sim.metrics.onSample((timeMs) => {
    for (const id of STORAGE) {
      if (drained.some((entry) => entry.node === id) || !sim.truth.isUp(id)) continue;
      const value = sampleOf(sim, chosen, id, previous);
      if (value === undefined || !predictors.get(id)!.update(timeMs, value).alarm) continue;
      const spare = spares.shift();
      if (spare === undefined) continue; // no spare left: the alarm goes unanswered
      drained.push({ node: id, atMs: timeMs });
      fleet.ops().send(id, { type: 'drain', to: spare });
    }
  });
  sim.run({ until: RUN_MS });
  return { fleet, drained };
}

/** The newest sample of a node's stream, as `metricStreams` would give it (a rate needs the previous reading). */
function sampleOf(sim: Simulation, chosen: MetricPredictor, id: string, previous: Map<string, number>): number | undefined {
  const series = sim.metrics.series(chosen.metric, { node: id })!;
  const reading = series.values.at(-1)![0]!;
  if (chosen.streamOptions.as !== 'ratePerSec') return reading;
  const before = previous.get(id);
  previous.set(id, reading);
  return before === undefined ? undefined : ((reading - before) * 1_000) / SAMPLE_MS;
}

/** Builds and runs both fleets, scores the predictors, sweeps them and writes the trade-off SVG. */
export function runPredictDiskFailure(options: { seed?: string; svgPath?: string; htmlPath?: string } = {}): PredictDiskFailureResult {
  const seed = options.seed ?? 'predict-disk-failure';
  const svgPath = options.svgPath ?? 'out/predict-disk-failure.svg';
  const htmlPath = options.htmlPath ?? 'out/predict-disk-failure.html';

  // Without prediction: every worn drive runs to failure; the predictors only watch.
  const unmanaged = buildFleet(seed);
  unmanaged.sim.run({ until: RUN_MS });
  const { sim } = unmanaged;
  const incidents = degradationIncidents(sim.faultLog, sim.now);
  const window = { fromMs: 0, untilMs: RUN_MS };
  const rows = metricPredictors.map((predictor) => {
    const alarms = predictStreams(fleetStreams(sim, predictor.metric, predictor.streamOptions), predictor.create);
    return rowOf(predictor.name, predictor.signal, alarms, scorePredictions(alarms, incidents, window));
  });
  const logAlarms: PredictionAlarm[] = detectLogAnomalies(sim.logs(), { ...logWindow, detector: LOG_DETECTOR });
  rows.push(rowOf('log rate', `'${LOG_TEMPLATE}' /min`, logAlarms, scorePredictions(logAlarms, incidents, window)));

  const sweep = [
    ...metricPredictors.flatMap((predictor) => predictorSweep({
      streams: fleetStreams(sim, predictor.metric, predictor.streamOptions), incidents, ...window,
      families: [{ name: predictor.legend, parameter: predictor.sweep.parameter, values: predictor.sweep.values, create: predictor.sweep.create }],
    })),
    ...predictorSweep({
      streams: logRateStreams(sim.logs(), logWindow), incidents, ...window,
      families: [{ name: 'log rate (lines)', parameter: 'threshold', values: [2, 3, 4, 6, 8, 12], create: (threshold) => new LogRatePredictor({ threshold }) }],
    }),
  ];
  mkdirSync(dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, leadTimeTradeoffSvg(sweep, { width: 960, title: 'Predicting disk failure: lead time vs false alarms (12 nodes, 3 h)' }));

  // With prediction: the best metric predictor acts online.
  const best = bestOf(rows.slice(0, metricPredictors.length));
  const managed = runManaged(seed, metricPredictors[best]!);
  const result: PredictDiskFailureResult = {
    incidents,
    rows,
    best: `${rows[best]!.predictor} (${rows[best]!.signal})`,
    sweep,
    without: outcomeOf('without prediction', unmanaged, []),
    with: outcomeOf('with prediction', managed.fleet, managed.drained),
    svgPath,
    htmlPath,
    traceHash: '',
  };
  result.traceHash = result.with.traceHash;
  writeReport(result, unmanaged.sim, managed.fleet.sim);
  return result;
}

/** The run report: both runs' disk signals charted per node, the worn drives' faults shaded. */
function writeReport(result: PredictDiskFailureResult, unmanaged: Simulation, managed: Simulation): void {
  const charts = [
    { name: latency, title: 'disk write latency (s), per node' },
    { name: errors, show: 'rate' as const, title: 'failed writes per second, per node' },
  ];
  writeHtmlReport(result.htmlPath, {
    title: 'Predicting disk failure: twelve storage nodes, three wearing drives',
    story: `Three of twelve storage nodes wear out (s03, s08, s11): their write latency rises, then their writes fail, then the drive dies. `
      + `Five predictors watch the signals; the best, ${result.best}, drains a node to a spare on its first alarm. `
      + `Without prediction ${result.without.drivesFailedInService} drives die with ${result.without.acknowledgedWritesLost} acknowledged writes; `
      + `with it, ${result.with.drivesFailedInService} die and ${result.with.acknowledgedWritesLost} are lost.`,
    tables: [
      {
        caption: 'Predictors, scored on the run without prediction (lead time in minutes before the drive died)',
        columns: ['predictor', 'signal', 'alarms', 'precision', 'recall', 'false alarms / h', 'median lead (min)'],
        rows: result.rows.map((row) => [row.predictor, row.signal, row.alarms, row.precision ?? null, row.recall ?? null, row.falseAlarmsPerHour, row.medianLeadTimeMs === undefined ? null : row.medianLeadTimeMs / MINUTE_MS]),
      },
      {
        caption: `Acting on ${result.best}: drain to a spare, then removeNode(graceful)`,
        columns: ['run', 'drives failed', 'drained', 'acked writes', 'acked lost', 'write errors', 'shard down (min)'],
        rows: [result.without, result.with].map((outcome) => [outcome.label, outcome.drivesFailedInService, outcome.drained.length, outcome.acknowledgedWrites, outcome.acknowledgedWritesLost, outcome.writeErrors, outcome.shardDownMinutes]),
      },
    ],
    runs: [
      { label: 'without prediction', sim: unmanaged, nodes: STORAGE, metrics: charts, story: 'Every worn drive runs to failure; its node goes down with its shard.' },
      { label: `with prediction (${result.best})`, sim: managed, nodes: [...STORAGE, ...SPARES], metrics: charts, story: `Drained: ${result.with.drained.map((entry) => `${entry.node} at ${clock(entry.atMs)}`).join(', ')}.` },
    ],
  });
}

// ------------------------------------------------------------------------------------ report

const minutes = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / MINUTE_MS).toFixed(1));
const fraction = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(2));
const clock = (ms: number): string => `${Math.floor(ms / HOUR_MS)}:${String(Math.floor((ms % HOUR_MS) / MINUTE_MS)).padStart(2, '0')}`;

function formatReport(result: PredictDiskFailureResult): string {
  const { incidents, rows } = result;
  const lines = [
    `Predicting disk failure: ${STORAGE.length} storage nodes, ${RUN_MS / HOUR_MS} h, signals sampled every ${SAMPLE_MS / 1_000} s`,
    `incidents (the truth): ${incidents.map((incident) => `${incident.target} wears ${clock(incident.onsetMs)}, dies ${clock(incident.failureMs!)}`).join('; ')}`,
    '',
    'Predictors, scored on the run without prediction (lead time: minutes before the drive died)',
    `  ${'predictor'.padEnd(15)}${'signal'.padEnd(27)}${'alarms'.padStart(7)}${'precision'.padStart(10)}${'recall'.padStart(8)}${'false/h'.padStart(9)}${'median lead'.padStart(12)}   ${incidents.map((incident) => incident.target.padStart(6)).join('')}`,
  ];
  for (const row of rows) {
    lines.push(`  ${row.predictor.padEnd(15)}${row.signal.padEnd(27)}${String(row.alarms).padStart(7)}${fraction(row.precision).padStart(10)}${fraction(row.recall).padStart(8)}${row.falseAlarmsPerHour.toFixed(2).padStart(9)}${minutes(row.medianLeadTimeMs).padStart(12)}   ${row.leadTimesMs.map((lead) => minutes(lead).padStart(6)).join('')}`);
  }
  for (const row of rows.filter((candidate) => candidate.forecastTimesToFailureMs.some((forecast) => forecast !== undefined))) {
    const forecasts = incidents.map((incident, index) => `${incident.target} in ${minutes(row.forecastTimesToFailureMs[index])} min (died in ${minutes(row.leadTimesMs[index])})`);
    lines.push(`  ${row.predictor}'s first alarms forecast latency over ${LATENCY_LIMIT_SECONDS * 1_000} ms: ${forecasts.join(', ')}`);
  }
  for (const row of rows.filter((candidate) => candidate.falseAlarms.length > 0)) {
    lines.push(`  false alarms of ${row.predictor} (${row.signal}): ${row.falseAlarms.map((alarm) => `${alarm.target} at ${clock(alarm.timeMs)}`).join(', ')}`);
  }
  lines.push(
    `  without any predictor the first signal is the crash: lead time 0.0 on every drive`,
    '',
    `Threshold sweep: ${result.sweep.length} settings of ${new Set(result.sweep.map((point) => point.family)).size} predictors; trade-off drawn to ${result.svgPath}`,
    `Run report (both runs, signals charted): ${result.htmlPath}`,
    '',
    `Acting on the best predictor, ${result.best}: drain to a spare on its first alarm (copy ${COPY_MS / MINUTE_MS} min), then removeNode(graceful)`,
    `  ${'run'.padEnd(20)}${'drives failed'.padStart(14)}${'drained'.padStart(9)}${'acked writes'.padStart(14)}${'acked lost'.padStart(12)}${'write errors'.padStart(14)}${'shard down min'.padStart(16)}`,
  );
  for (const outcome of [result.without, result.with]) {
    lines.push(`  ${outcome.label.padEnd(20)}${String(outcome.drivesFailedInService).padStart(14)}${String(outcome.drained.length).padStart(9)}${String(outcome.acknowledgedWrites).padStart(14)}${String(outcome.acknowledgedWritesLost).padStart(12)}${String(outcome.writeErrors).padStart(14)}${String(outcome.shardDownMinutes).padStart(16)}`);
  }
  const drains = result.with.drained.map((entry) => `${entry.node} at ${clock(entry.atMs)}`);
  lines.push(`  drained: ${drains.join(', ') || 'none'}`, '', `unmanaged run trace hash ${result.without.traceHash}`, `trace hash ${result.traceHash}`);
  return lines.join('\n');
}

function argument(name: string): string | undefined {
  const position = process.argv.indexOf(name);
  return position >= 0 ? process.argv[position + 1] : undefined;
}

// Run from the command line (not when a test imports runPredictDiskFailure).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seed = argument('--seed');
  // `--out` names a folder, as for the other examples (or, ending in .svg, the picture itself);
  // the run report goes next to the picture.
  const out = argument('--out');
  const svgPath = out === undefined || out.endsWith('.svg') ? out : join(out, 'predict-disk-failure.svg');
  const htmlPath = svgPath === undefined ? undefined : svgPath.replace(/(\.svg)?$/, '.html');
  console.log(formatReport(runPredictDiskFailure({ ...(seed === undefined ? {} : { seed }), ...(svgPath === undefined ? {} : { svgPath }), ...(htmlPath === undefined ? {} : { htmlPath }) })));
}
