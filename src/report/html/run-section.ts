import { mistakeCauses } from '../../detectors/qos.js';
import { preview } from '../message-preview.js';
import { spaceTimeSvg } from '../space-time-svg.js';
import { label } from '../svg-primitives.js';
import type { RunSection } from './report-input.js';
import type { RunView } from './run-view.js';
import { escapeHtml, formatNumber, htmlTable, paragraphs } from './html-text.js';
import { timelineSvg } from './timeline-svg.js';

// Internal: the HTML of one run's section.

const PICTURE_WIDTH_PX = 1100;
/** Faults or alert events listed at most in a run's tables (the timeline draws them all, one row per kind and target). */
const MAX_FAULT_ROWS = 200;

export function runSectionHtml(run: RunSection, view: RunView, index: number): string {
  return [
    `<section class="run" id="run-${index}">`,
    `<h2>${escapeHtml(view.label)}</h2>`,
    view.story === undefined ? '' : paragraphs(view.story, 'story'),
    `<p class="facts">window ${escapeHtml(`${label(view.fromMs)}–${label(view.untilMs)} ms`)} · nodes ${escapeHtml(view.nodes.join(', ') || 'none')} · trace hash <code>${escapeHtml(view.traceHash)}</code></p>`,
    faultsHtml(view),
    spaceTimeHtml(run, view, index),
    chartsHtml(view, index),
    alertsHtml(view),
    verdictsHtml(view),
    '</section>',
  ].join('\n');
}

function faultsHtml(view: RunView): string {
  const timeline = timelineSvg(view, PICTURE_WIDTH_PX);
  const rows = view.faults.slice(0, MAX_FAULT_ROWS).map((fault) => [fault.kind, fault.target ?? fault.nodes?.join(', ') ?? '', fault.params === undefined ? '' : preview(fault.params, 120), fault.startMs, fault.endMs, fault.open ? 'not healed' : fault.endMs - fault.startMs]);
  return [
    '<h3>Faults, down time, alerts and verdicts</h3>',
    view.faults.length === 0 ? '<p class="note">No faults were injected in this window.</p>' : htmlTable(['fault', 'target', 'parameters', 'from ms', 'until ms', 'lasted ms'], rows, undefined, 'data faults'),
    view.faults.length > MAX_FAULT_ROWS ? `<p class="note">… and ${view.faults.length - MAX_FAULT_ROWS} more faults, drawn in the timeline.</p>` : '',
    timeline === undefined ? '' : `<div class="picture timeline">${timeline}</div>`,
    timeline === undefined ? '' : '<p class="legend">Bars: each fault in its colour; grey a node down, amber paused (the truth); red an alert firing; green a detector or health check suspecting a node that was down, orange suspecting one that was up (a mistake). Hover a bar for details.</p>',
  ].join('\n');
}

function spaceTimeHtml(run: RunSection, view: RunView, index: number): string {
  const heading = '<h3>Space-time diagram</h3>';
  const trace = run.sim.trace;
  if (trace === undefined) return `${heading}\n<p class="note">The simulation was created without <code>trace: true</code>, so there is no space-time diagram.</p>`;
  if (view.nodes.length === 0) return `${heading}\n<p class="note">No nodes to draw.</p>`;
  const svg = spaceTimeSvg(trace.records(), {
    nodes: view.nodes,
    fromMs: view.fromMs,
    untilMs: view.untilMs,
    width: PICTURE_WIDTH_PX,
    title: `Messages and faults: ${view.label}`,
    idPrefix: `st${index}`,
    ...(run.maxMessages === undefined ? {} : { maxMessages: run.maxMessages }),
  });
  return `${heading}\n<div class="picture space-time">${svg}</div>\n<p class="legend">One lane per node, time left to right. Blue arrows: messages from send to delivery; red dashed arrows ending in ✕: dropped messages (hover for the reason); grey: down; hatched: paused; coloured bands: faults.</p>`;
}

function faultSwatches(view: RunView): string {
  return Object.keys(view.faultColours)
    .map((kind) => `<span class="swatch" style="background:${view.faultColours[kind]}"></span>${escapeHtml(kind)}`)
    .join(' ');
}

function chartsHtml(view: RunView, index: number): string {
  if (view.charts.length === 0) return '';
  const legend = `<p class="legend">${view.faults.length === 0 ? '' : `Shaded: ${faultSwatches(view)}. `}${view.alerts.length === 0 ? '' : 'Dashed lines: ▲ an alert fired (red), ▽ resolved (green).'}</p>`;
  const charts = view.charts.map((chart, chartIndex) =>
    chart.timesMs.length === 0 ? `<p class="note">${escapeHtml(chart.title)}: no samples in this window.</p>` : `<div class="chart" id="chart-${index}-${chartIndex}"></div>`,
  );
  return ['<h3>Metrics</h3>', legend, ...charts].join('\n');
}

function alertsHtml(view: RunView): string {
  if (view.alertScore === undefined) return '';
  const score = view.alertScore;
  const shown = view.alerts.slice(0, MAX_FAULT_ROWS);
  const more = view.alerts.length - shown.length;
  const events = htmlTable(['time ms', 'rule', 'state', 'value', 'since ms'], shown.map((event) => [event.timeMs, event.rule, event.state, event.value, event.sinceMs]), more > 0 ? `Alert events (the first ${shown.length}; ${more} more)` : 'Alert events', 'data alerts');
  const incidents = htmlTable(
    ['fault', 'target', 'from ms', 'until ms', 'first alert', 'time to fire ms'],
    score.incidents.map((incident) => [incident.kind, incident.target ?? '', incident.startMs, incident.endMs, incident.firstAlert ?? 'missed', incident.timeToFireMs ?? null]),
    `Alerts against the faults: ${score.detected} detected, ${score.missed} missed, ${score.falseAlerts.length} false alerts`,
    'data incidents',
  );
  return ['<h3>Alerts</h3>', view.alerts.length === 0 ? '<p class="note">No alert fired in this window.</p>' : events, score.incidents.length === 0 ? '' : incidents].join('\n');
}

function verdictsHtml(view: RunView): string {
  if (view.verdicts.length === 0) return '';
  const rows = view.verdicts.map(({ label: name, node, qos }) => {
    const causes = mistakeCauses.filter((cause) => qos.falseSuspicionsByCause[cause] > 0).map((cause) => `${cause} ${qos.falseSuspicionsByCause[cause]}`);
    return [name, node, qos.crashes, qos.crashes - qos.undetectedCrashes, qos.detectionTime.meanMs ?? null, qos.detectionTime.maxMs ?? null, qos.mistakes.length, qos.mistakeDuration.meanMs ?? null, qos.mistakeRatePerSec ?? null, qos.queryAccuracyProbability ?? null, causes.join(', ') || '–'];
  });
  const table = htmlTable(
    ['detector / check', 'node', 'crashes', 'detected', 'T_D mean ms', 'T_D max ms', 'mistakes', 'T_M mean ms', 'λ_M per s', 'P_A', 'mistakes by cause'],
    rows,
    'Quality of service against the truth (Chen, Toueg and Aguilera)',
    'data qos',
  );
  return ['<h3>Detectors and health checks against the truth</h3>', table, `<p class="legend">T_D: detection time (crash to lasting suspicion); T_M: how long a mistake lasted; λ_M: mistakes per second; P_A: the fraction of up time the node was trusted. ${formatNumber(view.verdicts.length)} verdict rows are drawn in the timeline above.</p>`].join('\n');
}
