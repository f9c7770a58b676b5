import { InvalidArgumentError } from '../../errors.js';
import type { DetectorTransition } from '../../detectors/harness.js';
import { measureQoS, type QoSMeasurement } from '../../detectors/qos.js';
import type { FaultLogEntry } from '../../faults/fault.js';
import type { AlertEvent } from '../../observe/alerts/alert-manager.js';
import { scoreAlerts, type AlertScore } from '../../observe/alerts/alert-score.js';
import { healthDetectorTransitions, measureHealthQoS } from '../../observe/health/health-qos.js';
import type { SeriesView } from '../../observe/metrics/registry.js';
import type { Simulation } from '../../simulation.js';
import { faultColour } from '../fault-colours.js';
import type { DetectorVerdict, HealthVerdict, MetricChart, RunSection } from './report-input.js';

// Internal: a run reduced to the plain data its section shows (faults, down time, charts,
// alerts, verdicts), read from the simulation once.

export interface FaultBand {
  faultId: number;
  kind: string;
  target?: string;
  /** Nodes a fault without a single target hit (a domain outage). */
  nodes?: readonly string[];
  params?: unknown;
  startMs: number;
  endMs: number;
  /** Not reverted by the end of the window. */
  open: boolean;
}

export interface NodeStateBand {
  node: string;
  state: 'down' | 'paused';
  startMs: number;
  endMs: number;
}

export interface ChartView {
  title: string;
  /** Sample times, true ms. */
  timesMs: number[];
  series: Array<{ label: string; values: Array<number | null> }>;
}

export interface VerdictView {
  label: string;
  node: string;
  /** Suspected stretches, each marked right (the node was down when the suspicion began) or a mistake. */
  suspected: Array<{ startMs: number; endMs: number; correct: boolean }>;
  qos: QoSMeasurement;
}

export interface RunView {
  label: string;
  story?: string;
  fromMs: number;
  untilMs: number;
  nodes: readonly string[];
  traceHash: string;
  traced: boolean;
  faults: FaultBand[];
  /** One colour per fault kind, shared by every picture of the run. */
  faultColours: Record<string, string>;
  nodeStates: NodeStateBand[];
  charts: ChartView[];
  alerts: AlertEvent[];
  alertScore?: AlertScore;
  verdicts: VerdictView[];
}

export function runView(run: RunSection, field: string): RunView {
  const sim = run.sim;
  const fromMs = run.fromMs ?? 0;
  const untilMs = run.untilMs ?? Math.max(sim.now, fromMs + 1);
  if (untilMs <= fromMs) {
    // Without an untilMs the window ends at fromMs + 1 at the least: only a fromMs too large to add 1 to gets here.
    if (run.untilMs === undefined) throw new InvalidArgumentError(`${field}.fromMs`, fromMs, `a time to which 1 ms can be added (below ${Number.MAX_SAFE_INTEGER})`);
    throw new InvalidArgumentError(`${field}.untilMs`, untilMs, `a time after fromMs (${fromMs} ms)`);
  }
  const nodes = run.nodes ?? nodesOfRun(sim);
  const faults = faultBands(sim.faultLog, fromMs, untilMs);
  const alerts = (run.alerts ?? []).filter((event) => event.timeMs >= fromMs && event.timeMs <= untilMs);
  return {
    label: run.label,
    ...(run.story === undefined ? {} : { story: run.story }),
    fromMs,
    untilMs,
    nodes,
    traceHash: sim.traceHash(),
    traced: sim.trace !== undefined,
    faults,
    faultColours: coloursOf(faults),
    nodeStates: nodeStates(sim, nodes, fromMs, untilMs),
    charts: (run.metrics ?? []).map((chart, index) => chartView(sim, typeof chart === 'string' ? { name: chart } : chart, fromMs, untilMs, `${field}.metrics[${index}]`)),
    alerts,
    ...(run.alerts === undefined ? {} : { alertScore: alertScoreIn(run.alerts, sim.faultLog, fromMs, untilMs) }),
    verdicts: [...(run.detectors ?? []).map((verdict) => detectorView(sim, verdict, fromMs, untilMs)), ...(run.health ?? []).map((verdict) => healthView(sim, verdict, fromMs, untilMs))],
  };
}

function clip<T extends { startMs: number; endMs: number }>(bands: T[], fromMs: number, untilMs: number): T[] {
  // A band that ends where the window starts is not in it (a crash healed at fromMs), unless it is an instant.
  return bands.filter((band) => band.startMs <= untilMs && (band.endMs > fromMs || band.startMs >= fromMs)).map((band) => ({ ...band, startMs: Math.max(band.startMs, fromMs), endMs: Math.min(band.endMs, untilMs) }));
}

/** Alerts scored against the faults, counting only the incidents and false alerts of the window. */
function alertScoreIn(alerts: readonly AlertEvent[], log: readonly FaultLogEntry[], fromMs: number, untilMs: number): AlertScore {
  const score = scoreAlerts(alerts, log, { untilMs });
  const incidents = score.incidents.filter((incident) => incident.startMs <= untilMs && incident.endMs > fromMs);
  const times = incidents.flatMap((incident) => (incident.timeToFireMs === undefined ? [] : [incident.timeToFireMs]));
  return {
    incidents,
    falseAlerts: score.falseAlerts.filter((event) => event.timeMs >= fromMs),
    missed: incidents.length - times.length,
    detected: times.length,
    meanTimeToFireMs: times.length === 0 ? Number.NaN : times.reduce((a, b) => a + b, 0) / times.length,
    maxTimeToFireMs: times.length === 0 ? Number.NaN : Math.max(...times),
  };
}

/** Pairs each fault's apply entry with its revert entry. */
function faultBands(log: readonly FaultLogEntry[], fromMs: number, untilMs: number): FaultBand[] {
  const open = new Map<number, FaultBand>();
  const bands: FaultBand[] = [];
  for (const entry of log) {
    if (entry.phase === 'apply') {
      const { kind, target, params } = entry.fault;
      open.set(entry.faultId, { faultId: entry.faultId, kind, ...(target === undefined ? {} : { target }), ...(entry.nodes === undefined ? {} : { nodes: entry.nodes }), ...(params === undefined ? {} : { params }), startMs: entry.timeMs, endMs: untilMs, open: true });
      continue;
    }
    const band = open.get(entry.faultId);
    if (band === undefined) continue;
    open.delete(entry.faultId);
    bands.push({ ...band, endMs: entry.timeMs, open: false });
  }
  bands.push(...open.values());
  return clip(bands, fromMs, untilMs).sort((a, b) => a.startMs - b.startMs || a.faultId - b.faultId);
}

function coloursOf(faults: readonly FaultBand[]): Record<string, string> {
  const colours: Record<string, string> = {};
  for (const fault of faults) colours[fault.kind] ??= faultColour(fault.kind);
  return colours;
}

/**
 * The run's nodes: those still in it, then those removed during it (`sim.removeNode`, an
 * autoscaler's scale-in), which only the trace records still name.
 */
function nodesOfRun(sim: Simulation): string[] {
  const nodes = sim.nodeIds();
  const listed = new Set(nodes);
  for (const record of sim.trace?.records() ?? []) {
    const id = record.node;
    if (id === undefined || listed.has(id)) continue;
    listed.add(id);
    if (sim.truth.isRemoved(id)) nodes.push(id);
  }
  return nodes;
}

function nodeStates(sim: Simulation, nodes: readonly string[], fromMs: number, untilMs: number): NodeStateBand[] {
  // A removed node (`sim.removeNode`, an autoscaler's scale-in) is down from its removal on.
  const known = new Set(sim.nodeIds());
  return nodes.filter((node) => known.has(node) || sim.truth.isRemoved(node)).flatMap((node) =>
    clip(
      [
        ...sim.truth.downIntervals(node, untilMs).map(([startMs, endMs]): NodeStateBand => ({ node, state: 'down', startMs, endMs })),
        ...sim.truth.pausedIntervals(node, untilMs).map(([startMs, endMs]): NodeStateBand => ({ node, state: 'paused', startMs, endMs })),
      ],
      fromMs,
      untilMs,
    ),
  );
}

function chartView(sim: Simulation, chart: MetricChart, fromMs: number, untilMs: number, field: string): ChartView {
  const metric = sim.metrics.metric(chart.name);
  if (metric === undefined) throw new InvalidArgumentError(`${field}.name`, chart.name, `a metric of the run (known: ${sim.metrics.all().map((known) => known.name).join(', ') || 'none'})`);
  const show = chart.show ?? (metric.kind === 'counter' ? 'rate' : metric.kind === 'histogram' ? 'mean' : 'value');
  const views = sim.metrics.seriesOf(chart.name).filter((view) => chart.labels === undefined || sameLabels(view.labels, chart.labels));
  const timesMs = [...new Set(views.flatMap((view) => view.timesMs.filter((timeMs) => timeMs >= fromMs && timeMs <= untilMs)))].sort((a, b) => a - b);
  const series = views.map((view) => ({ label: labelsText(view.labels) || chart.name, values: align(timesMs, view, show) }));
  const unit = show === 'rate' ? ' per second' : show === 'mean' ? ' (mean between samples)' : '';
  return { title: chart.title ?? `${chart.name}${unit}`, timesMs, series };
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .map((key) => `${key}=${labels[key]}`)
    .join(', ');
}

/** The series' values at the chart's times (null where it has no sample). */
function align(timesMs: readonly number[], view: SeriesView, show: 'value' | 'rate' | 'mean'): Array<number | null> {
  const byTime = new Map<number, number | null>();
  view.timesMs.forEach((timeMs, index) => byTime.set(timeMs, shownValue(view, index, show)));
  return timesMs.map((timeMs) => byTime.get(timeMs) ?? null);
}

function shownValue(view: SeriesView, index: number, show: 'value' | 'rate' | 'mean'): number | null {
  const value = view.values[index]!;
  if (show === 'value') return finiteOrNull(value[0]);
  if (index === 0) return null;
  const previous = view.values[index - 1]!;
  if (show === 'rate') return finiteOrNull((((value[0] ?? 0) - (previous[0] ?? 0)) / (view.timesMs[index]! - view.timesMs[index - 1]!)) * 1_000);
  // A histogram's value is [count, sum, buckets…]: the mean of the observations between samples.
  const count = (value[0] ?? 0) - (previous[0] ?? 0);
  return count > 0 ? finiteOrNull(((value[1] ?? 0) - (previous[1] ?? 0)) / count) : null;
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

function suspectedOf(sim: Simulation, node: string, transitions: readonly DetectorTransition[], fromMs: number, untilMs: number): VerdictView['suspected'] {
  const stretches: VerdictView['suspected'] = [];
  let since: number | undefined;
  const close = (endMs: number): void => {
    if (since === undefined) return;
    stretches.push({ startMs: since, endMs, correct: !sim.truth.isUp(node, since) });
    since = undefined;
  };
  for (const transition of transitions) {
    if (transition.kind === 'suspect') since ??= transition.timeMs;
    else close(transition.timeMs);
  }
  close(untilMs);
  return clip(stretches, fromMs, untilMs);
}

function detectorView(sim: Simulation, verdict: DetectorVerdict, fromMs: number, untilMs: number): VerdictView {
  const qos = verdict.qos ?? measureQoS(verdict.transitions, sim.truth, verdict.node, fromMs, untilMs);
  return { label: verdict.label, node: verdict.node, suspected: suspectedOf(sim, verdict.node, verdict.transitions, fromMs, untilMs), qos };
}

function healthView(sim: Simulation, verdict: HealthVerdict, fromMs: number, untilMs: number): VerdictView {
  const node = verdict.checker.checkOptions(verdict.check).target;
  const transitions = healthDetectorTransitions(verdict.checker, verdict.check);
  const qos = measureHealthQoS(verdict.checker, verdict.check, sim.truth, fromMs, untilMs);
  return { label: verdict.label ?? verdict.check, node, suspected: suspectedOf(sim, node, transitions, fromMs, untilMs), qos };
}
