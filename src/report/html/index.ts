/**
 * `faultline/report`: a run as a self-contained HTML page a person opens in a browser, offline
 * (Node only: it reads uPlot from the installed package and writes files).
 *
 * @packageDocumentation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { requireString } from '../../validate.js';
import { renderReport } from './page.js';
import type { HtmlReportInput } from './report-input.js';

export type { DetectorVerdict, HealthVerdict, HtmlReportInput, MetricChart, ReportTable, RunSection } from './report-input.js';

/**
 * Renders runs as one self-contained HTML page: the title and story, summary tables, then per
 * run a table of its faults; a timeline of the faults, each node's down and paused time from the
 * ground truth, alert rules firing and detectors' or health checks' suspicions (right or
 * mistaken); the space-time diagram (`spaceTimeSvg` of `faultline`) when the simulation was traced; metric
 * charts (uPlot) with the faults shaded and alerts marked; alert events scored against the faults
 * (`scoreAlerts`); and a QoS table of the detectors and health checks (`measureQoS`,
 * `measureHealthQoS`).
 *
 * The page fetches nothing (uPlot's script and stylesheet are inlined, and a Content Security
 * Policy forbids any request), so it opens from a file or an e-mail attachment. Every text from
 * the input is HTML-escaped; the chart data is embedded as JSON that cannot close its script
 * element. The same input gives the same page.
 *
 * @throws InvalidArgumentError if the input is malformed: a missing title or label, a run without
 *   a Simulation, an unknown key, a table row of the wrong length, or a metric name the run does
 *   not have (the message lists the ones it has).
 *
 * @example
 * ```ts
 * import { htmlReport } from 'faultline/report';
 * const html = htmlReport({
 *   title: 'Partition in an IoT fleet',
 *   story: 'East and West are cut apart for 30 s.',
 *   tables: [{ caption: 'convergence', columns: ['store', 'lost writes'], rows: [['LWW', 41], ['CRDT', 0]] }],
 *   runs: [{ label: 'CRDT store', sim, metrics: ['writes_total'], alerts: alerts.events }],
 * });
 * ```
 */
export function htmlReport(input: HtmlReportInput): string {
  return renderReport(input);
}

/**
 * Renders {@link htmlReport} and writes it to `path` (UTF-8), creating missing parent
 * directories. Returns the path.
 *
 * @throws InvalidArgumentError if `path` is not a non-empty string or the input is malformed.
 *
 * @example
 * ```ts
 * import { writeHtmlReport } from 'faultline/report';
 * writeHtmlReport('out/payment-spike.html', { title: 'Black-Friday surge', runs: [{ label: 'broken', sim: brokenSim }, { label: 'fixed', sim: fixedSim }] });
 * ```
 */
export function writeHtmlReport(path: string, input: HtmlReportInput): string {
  requireString(path, 'path');
  const html = renderReport(input);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html, 'utf8');
  return path;
}
