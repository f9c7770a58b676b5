import { InvalidArgumentError, UnknownNodeError } from '../../errors.js';
import type { DetectorTransition } from '../../detectors/harness.js';
import type { QoSMeasurement } from '../../detectors/qos.js';
import type { AlertEvent } from '../../observe/alerts/alert-manager.js';
import type { HealthChecker } from '../../observe/health/health-checker.js';
import type { Labels } from '../../observe/metrics/instruments.js';
import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireOneOf, requirePositiveInteger, requireString } from '../../validate.js';

/**
 * A table shown at the top of an HTML report, e.g. a run with and without a mitigation.
 *
 * @example
 * ```ts
 * const table: ReportTable = { caption: 'with and without mitigations', columns: ['run', 'p99 ms'], rows: [['broken', 812], ['fixed', 95]] };
 * ```
 */
export interface ReportTable {
  /** Shown above the table. */
  caption?: string;
  /** Column headings. */
  columns: readonly string[];
  /** One array per row, as many cells as columns; numbers are shown to 4 significant digits, `null` as a dash. */
  rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null>>;
}

/**
 * A metric to chart in a run's section: the name alone, or with what to show of it.
 *
 * @example
 * ```ts
 * const chart: MetricChart = { name: 'request_latency_ms', show: 'mean', title: 'mean latency (ms)' };
 * ```
 */
export interface MetricChart {
  /** The metric's name in `sim.metrics`. */
  name: string;
  /** Only the series with exactly these labels. Default: every series of the metric, one line each. */
  labels?: Labels;
  /**
   * `value`: the sampled value; `rate`: change per second between samples (counters); `mean`: a
   * histogram's mean observation between samples. Default: `rate` for counters, `mean` for
   * histograms, `value` for gauges.
   */
  show?: 'value' | 'rate' | 'mean';
  /** Chart title. Default: the name and what is shown. */
  title?: string;
}

/**
 * A failure detector's verdicts about one node, shown against the truth and scored in the QoS
 * table.
 *
 * @example
 * ```ts
 * const verdict: DetectorVerdict = { label: 'phi-accrual (8)', node: 'n3', transitions: result.transitions['phi']!['n3']! };
 * ```
 */
export interface DetectorVerdict {
  /** Shown in the table and the picture. */
  label: string;
  /** The monitored node. */
  node: string;
  /** The detector's verdict changes (e.g. from `runDetectorHarness`), in time order. */
  transitions: readonly DetectorTransition[];
  /** Its QoS; default: `measureQoS(transitions, sim.truth, node, fromMs, untilMs)`. */
  qos?: QoSMeasurement;
}

/**
 * A health check's verdicts, shown against the truth and scored in the QoS table (with
 * `healthDetectorTransitions` and `measureHealthQoS`).
 *
 * @example
 * ```ts
 * const health: HealthVerdict = { checker, check: 'api-liveness', label: 'liveness probe every 500 ms' };
 * ```
 */
export interface HealthVerdict {
  /** The checker that ran the check. */
  checker: HealthChecker;
  /** The check's name. */
  check: string;
  /** Shown in the table and the picture. Default: the check's name. */
  label?: string;
}

/**
 * One run in an HTML report.
 *
 * @example
 * ```ts
 * const run: RunSection = { label: 'without mitigations', sim, metrics: ['requests_total'], alerts: alertManager.events };
 * ```
 */
export interface RunSection {
  /** The run's heading. */
  label: string;
  /** The simulation after the run; create it with `trace: true` for the space-time diagram (without, the section shows the rest). */
  sim: Simulation;
  /** A paragraph of plain text under the heading. */
  story?: string;
  /** Nodes shown (lanes, down time). Default: `sim.nodeIds()`, then the nodes removed during a traced run. */
  nodes?: readonly string[];
  /** Start of the window shown, in true ms. Default 0. */
  fromMs?: number;
  /** End of the window shown, in true ms. Default: `sim.now`. */
  untilMs?: number;
  /** Metrics to chart, one chart each, with the run's faults shaded and its alerts marked. */
  metrics?: ReadonlyArray<string | MetricChart>;
  /** Alert events (an `AlertManager`'s `events`): marked on the charts, listed, scored against the faults. */
  alerts?: readonly AlertEvent[];
  /** Failure detectors' verdicts, against the truth. */
  detectors?: readonly DetectorVerdict[];
  /** Health checks' verdicts, against the truth. */
  health?: readonly HealthVerdict[];
  /** At most this many arrows in the space-time diagram (see `spaceTimeSvg`). Default 2000. */
  maxMessages?: number;
}

/**
 * What {@link htmlReport} shows.
 *
 * @example
 * ```ts
 * const input: HtmlReportInput = { title: 'Crash in an EV-charging network', story: 'A feeder fails…', runs: [{ label: 'one health check', sim }] };
 * ```
 */
export interface HtmlReportInput {
  /** The page's title and heading. */
  title: string;
  /** A paragraph of plain text at the top (blank lines start new paragraphs). */
  story?: string;
  /** Summary tables shown after the story. */
  tables?: readonly ReportTable[];
  /** One section per run. */
  runs: readonly RunSection[];
}

const INPUT_KEYS = ['title', 'story', 'tables', 'runs'];
const RUN_KEYS = ['label', 'sim', 'story', 'nodes', 'fromMs', 'untilMs', 'metrics', 'alerts', 'detectors', 'health', 'maxMessages'];
/** Bounds on what one page holds, so a mistaken input gives an error, not a page no browser opens. */
const MAX_RUNS = 100;
const MAX_TABLE_ROWS = 10_000;
const MAX_CHARTS = 100;

function requireOptionalText(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'string') throw new InvalidArgumentError(field, value, 'a string');
}

function requireArray(value: unknown, field: string, max: number): asserts value is unknown[] {
  if (!Array.isArray(value) || value.length > max) throw new InvalidArgumentError(field, value, `an array of at most ${max} entries`);
}

/** Checks the whole input up front: a report is written once, after a run that may have taken long. */
export function checkReportInput(input: HtmlReportInput): void {
  requireObject(input as unknown, 'report');
  rejectUnknownKeys(input as unknown as Record<string, unknown>, 'report', INPUT_KEYS);
  requireString(input.title, 'report.title');
  requireOptionalText(input.story, 'report.story');
  if (input.tables !== undefined) {
    requireArray(input.tables, 'report.tables', MAX_CHARTS);
    input.tables.forEach((table, index) => checkTable(table, `report.tables[${index}]`));
  }
  requireArray(input.runs, 'report.runs', MAX_RUNS);
  if (input.runs.length === 0) throw new InvalidArgumentError('report.runs', input.runs, `an array of 1 to ${MAX_RUNS} run sections`);
  input.runs.forEach((run, index) => checkRun(run, `report.runs[${index}]`));
}

function checkTable(table: ReportTable, field: string): void {
  requireObject(table as unknown, field);
  rejectUnknownKeys(table as unknown as Record<string, unknown>, field, ['caption', 'columns', 'rows']);
  requireOptionalText(table.caption, `${field}.caption`);
  requireArray(table.columns, `${field}.columns`, 1_000);
  table.columns.forEach((column, index) => {
    if (typeof column !== 'string') throw new InvalidArgumentError(`${field}.columns[${index}]`, column, 'a string');
  });
  requireArray(table.rows, `${field}.rows`, MAX_TABLE_ROWS);
  table.rows.forEach((row, index) => {
    if (!Array.isArray(row) || row.length !== table.columns.length) throw new InvalidArgumentError(`${field}.rows[${index}]`, row, `an array of ${table.columns.length} cells`);
    row.forEach((cell: unknown, column) => {
      if (cell !== null && typeof cell !== 'string' && typeof cell !== 'number' && typeof cell !== 'boolean') throw new InvalidArgumentError(`${field}.rows[${index}][${column}]`, cell, 'a string, number, boolean or null');
    });
  });
}

/**
 * Whether `id` is a node `sim` removed; false for an id it never had, which the ground truth
 * refuses with its own field name ('id') where the report's ('report.runs[i].nodes') belongs.
 */
function wasRemoved(sim: RunSection['sim'], id: string): boolean {
  try {
    return sim.truth.isRemoved(id);
  } catch (error) {
    if (error instanceof UnknownNodeError) return false;
    throw error;
  }
}

function checkRun(run: RunSection, field: string): void {
  requireObject(run as unknown, field);
  rejectUnknownKeys(run as unknown as Record<string, unknown>, field, RUN_KEYS);
  requireString(run.label, `${field}.label`);
  const sim = run.sim as unknown as Record<string, unknown> | undefined;
  if (typeof sim !== 'object' || sim === null || typeof sim['nodeIds'] !== 'function' || !('faultLog' in sim) || !('truth' in sim)) {
    throw new InvalidArgumentError(`${field}.sim`, run.sim, 'a Simulation');
  }
  requireOptionalText(run.story, `${field}.story`);
  if (run.nodes !== undefined) {
    requireArray(run.nodes, `${field}.nodes`, 10_000);
    run.nodes.forEach((id, index) => requireString(id, `${field}.nodes[${index}]`));
    // A lane for a node the run never had would be an empty line that looks like a silent node.
    const known = run.sim.nodeIds();
    const unknown = run.nodes.find((id) => !known.includes(id) && !wasRemoved(run.sim, id));
    if (unknown !== undefined) throw new UnknownNodeError(`${field}.nodes`, unknown, known);
  }
  if (run.fromMs !== undefined) requireNonNegative(run.fromMs, `${field}.fromMs`);
  if (run.untilMs !== undefined) requireNonNegative(run.untilMs, `${field}.untilMs`);
  if (run.maxMessages !== undefined) requirePositiveInteger(run.maxMessages, `${field}.maxMessages`, 1_000_000);
  if (run.metrics !== undefined) {
    requireArray(run.metrics, `${field}.metrics`, MAX_CHARTS);
    run.metrics.forEach((chart, index) => checkChart(chart, `${field}.metrics[${index}]`));
  }
  if (run.alerts !== undefined) {
    requireArray(run.alerts, `${field}.alerts`, 1_000_000);
    run.alerts.forEach((event, index) => checkAlertEvent(event, `${field}.alerts[${index}]`));
  }
  if (run.detectors !== undefined) {
    requireArray(run.detectors, `${field}.detectors`, MAX_CHARTS);
    run.detectors.forEach((verdict, index) => checkDetector(verdict, `${field}.detectors[${index}]`));
  }
  if (run.health !== undefined) {
    requireArray(run.health, `${field}.health`, MAX_CHARTS);
    run.health.forEach((verdict, index) => checkHealth(verdict, `${field}.health[${index}]`));
  }
}

function checkAlertEvent(event: AlertEvent, field: string): void {
  requireObject(event as unknown, field);
  requireString(event.rule, `${field}.rule`);
  requireOneOf(event.state, `${field}.state`, ['firing', 'resolved']);
  requireFinite(event.timeMs, `${field}.timeMs`);
}

function checkChart(chart: string | MetricChart, field: string): void {
  if (typeof chart === 'string') return requireString(chart, field);
  requireObject(chart as unknown, field);
  rejectUnknownKeys(chart as unknown as Record<string, unknown>, field, ['name', 'labels', 'show', 'title']);
  requireString(chart.name, `${field}.name`);
  if (chart.labels !== undefined) requireObject(chart.labels, `${field}.labels`);
  if (chart.show !== undefined) requireOneOf(chart.show, `${field}.show`, ['value', 'rate', 'mean']);
  requireOptionalText(chart.title, `${field}.title`);
}

function checkDetector(verdict: DetectorVerdict, field: string): void {
  requireObject(verdict as unknown, field);
  rejectUnknownKeys(verdict as unknown as Record<string, unknown>, field, ['label', 'node', 'transitions', 'qos']);
  requireString(verdict.label, `${field}.label`);
  requireString(verdict.node, `${field}.node`);
  requireArray(verdict.transitions, `${field}.transitions`, 10_000_000);
  if (verdict.qos !== undefined) requireObject(verdict.qos, `${field}.qos`);
}

function checkHealth(verdict: HealthVerdict, field: string): void {
  requireObject(verdict as unknown, field);
  rejectUnknownKeys(verdict as unknown as Record<string, unknown>, field, ['checker', 'check', 'label']);
  const checker = verdict.checker as unknown as Record<string, unknown> | undefined;
  if (typeof checker !== 'object' || checker === null || typeof checker['transitionsOf'] !== 'function') throw new InvalidArgumentError(`${field}.checker`, verdict.checker, 'a HealthChecker');
  requireString(verdict.check, `${field}.check`);
  requireOptionalText(verdict.label, `${field}.label`);
}
