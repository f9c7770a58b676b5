import type { AlertEvent } from '../../observe/alerts/alert-manager.js';
import { preview } from '../message-preview.js';
import { escapeXml, label, niceStep, px } from '../svg-primitives.js';
import type { RunView } from './run-view.js';

// Internal: a run's timeline as rows of bars: each fault, each node's down and paused time (the
// truth), each alert rule's firing, and each detector's or health check's suspicions, right or
// mistaken. One time axis for all, so a reader sees what was injected against what was noticed.

interface Bar {
  startMs: number;
  endMs: number;
  fill: string;
  title: string;
}

interface Row {
  group: 'fault' | 'truth' | 'alert' | 'verdict';
  label: string;
  bars: Bar[];
}

const ROW_PX = 22;
/** Rows drawn at most; the picture says how many it left out. */
const MAX_ROWS = 300;
const TOP_PX = 12;
const BOTTOM_PX = 34;
const LABEL_PX = 230;
const DOWN = '#888888';
const PAUSED = '#e0a030';
const FIRING = '#d62728';
const RIGHT = '#2ca02c';
const MISTAKE = '#ff7f0e';

const span = (startMs: number, endMs: number): string => `${label(startMs)}–${label(endMs)} ms`;

/** One row per fault kind and target: every crash of c on one row, each partition on the partitions' row. */
function faultRows(view: RunView): Row[] {
  const rows = new Map<string, Row>();
  for (const fault of view.faults) {
    const where = fault.target ?? (fault.nodes === undefined ? '' : fault.nodes.join(', '));
    const name = `fault: ${fault.kind}${where === '' ? '' : ` ${where}`}`;
    const params = fault.params === undefined ? '' : ` ${preview(fault.params, 80)}`;
    const title = `${fault.kind}${where === '' ? '' : ` ${where}`}${params}: ${span(fault.startMs, fault.endMs)}${fault.open ? ' (not healed)' : ''}`;
    let row = rows.get(name);
    if (row === undefined) rows.set(name, (row = { group: 'fault', label: name, bars: [] }));
    row.bars.push({ startMs: fault.startMs, endMs: fault.endMs, fill: view.faultColours[fault.kind]!, title });
  }
  return [...rows.values()];
}

function truthRows(view: RunView): Row[] {
  const rows: Row[] = [];
  for (const node of view.nodes) {
    const bars = view.nodeStates
      .filter((state) => state.node === node)
      .map((state) => ({ startMs: state.startMs, endMs: state.endMs, fill: state.state === 'down' ? DOWN : PAUSED, title: `${node} ${state.state} ${span(state.startMs, state.endMs)}` }));
    if (bars.length > 0) rows.push({ group: 'truth', label: `${node} down / paused`, bars });
  }
  return rows;
}

function alertRows(view: RunView): Row[] {
  const rules = [...new Set(view.alerts.map((event) => event.rule))];
  return rules.map((rule) => ({ group: 'alert', label: `alert: ${rule}`, bars: firingOf(view.alerts.filter((event) => event.rule === rule), view.untilMs).map(([startMs, endMs]) => ({ startMs, endMs, fill: FIRING, title: `${rule} firing ${span(startMs, endMs)}` })) }));
}

function firingOf(events: readonly AlertEvent[], untilMs: number): Array<[number, number]> {
  const intervals: Array<[number, number]> = [];
  let since: number | undefined;
  for (const event of events) {
    if (event.state === 'firing') since ??= event.timeMs;
    else if (since !== undefined) {
      intervals.push([since, event.timeMs]);
      since = undefined;
    }
  }
  if (since !== undefined) intervals.push([since, untilMs]);
  return intervals;
}

function verdictRows(view: RunView): Row[] {
  return view.verdicts.map((verdict) => ({
    group: 'verdict',
    label: `${verdict.label} → ${verdict.node}`,
    bars: verdict.suspected.map((stretch) => ({
      startMs: stretch.startMs,
      endMs: stretch.endMs,
      fill: stretch.correct ? RIGHT : MISTAKE,
      title: `${verdict.label} suspected ${verdict.node} ${span(stretch.startMs, stretch.endMs)}: ${stretch.correct ? 'right (it was down)' : 'a mistake (it was up)'}`,
    })),
  }));
}

/** The run's timeline as an SVG document, or undefined when there is nothing to draw. */
export function timelineSvg(view: RunView, width: number): string | undefined {
  const all = [...faultRows(view), ...truthRows(view), ...alertRows(view), ...verdictRows(view)];
  if (all.length === 0) return undefined;
  const rows = all.slice(0, MAX_ROWS);
  const left = LABEL_PX;
  const right = width - 16;
  const x = (timeMs: number): number => left + ((timeMs - view.fromMs) / (view.untilMs - view.fromMs)) * (right - left);
  const bottom = TOP_PX + rows.length * ROW_PX;
  const height = bottom + BOTTOM_PX;
  const drawn = rows.map((row, index) => {
    const y = TOP_PX + index * ROW_PX;
    const name = row.label.length > 34 ? `${row.label.slice(0, 33)}…` : row.label;
    const bars = row.bars.map((bar) => `<rect x="${px(x(bar.startMs))}" y="${px(y + 4)}" width="${px(Math.max(1.5, x(bar.endMs) - x(bar.startMs)))}" height="${ROW_PX - 8}" fill="${bar.fill}"><title>${escapeXml(bar.title)}</title></rect>`);
    const stripe = index % 2 === 0 ? `<rect x="0" y="${y}" width="${width}" height="${ROW_PX}" fill="#f6f6f6"/>` : '';
    return `<g class="row ${row.group}">${stripe}<text x="6" y="${px(y + ROW_PX / 2 + 4)}"><title>${escapeXml(row.label)}</title>${escapeXml(name)}</text>${bars.join('')}</g>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(`Timeline of ${view.label}`)}">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...drawn,
    axis(view, x, left, right, bottom),
    all.length > rows.length ? `<text x="6" y="${bottom + 30}" fill="#555">${all.length - rows.length} more rows not drawn (at most ${MAX_ROWS})</text>` : '',
    '</svg>',
  ].join('\n');
}

function axis(view: RunView, x: (timeMs: number) => number, left: number, right: number, bottom: number): string {
  const step = niceStep(view.untilMs - view.fromMs, Math.max(2, Math.floor((right - left) / 90)));
  const first = Math.ceil(view.fromMs / step);
  const ticks: string[] = [];
  for (let index = 0; index <= 100; index++) {
    const tick = (first + index) * step;
    if (tick > view.untilMs + step * 1e-9) break;
    ticks.push(`<line x1="${px(x(tick))}" y1="${bottom}" x2="${px(x(tick))}" y2="${bottom + 4}" stroke="#333"/><text x="${px(x(tick))}" y="${bottom + 16}" text-anchor="middle">${escapeXml(label(tick))}</text>`);
  }
  return [`<line x1="${left}" y1="${bottom}" x2="${right}" y2="${bottom}" stroke="#333"/>`, ...ticks, `<text x="${right}" y="${bottom + 30}" text-anchor="end" fill="#555">true time (ms)</text>`].join('\n');
}
