import { label } from '../svg-primitives.js';
import { chartScript, CHART_DATA_ID } from './chart-script.js';
import { escapeHtml, htmlTable, inlineSafe, jsonForScript, paragraphs } from './html-text.js';
import { checkReportInput, type HtmlReportInput } from './report-input.js';
import { runSectionHtml } from './run-section.js';
import { runView, type RunView } from './run-view.js';
import { uplotAssets } from './uplot-assets.js';

// Internal: the page around the run sections: head, styles, story, summary tables, and the data
// and scripts that draw the charts.

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; margin: 0 auto; max-width: 1160px; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0 12px; }
h2 { font-size: 19px; margin: 36px 0 8px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 22px 0 6px; }
p.facts, p.legend, p.note { color: #555; font-size: 12.5px; }
table.data { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
table.data caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.data th, table.data td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
table.data th { background: #f3f3f3; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
.picture { overflow-x: auto; margin: 6px 0; }
.picture svg { display: block; }
.chart { margin: 10px 0 18px; }
.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 3px 0 8px; vertical-align: -1px; opacity: 0.6; }
nav ul { padding-left: 20px; }
code { font-size: 12px; }
`;

export function renderReport(input: HtmlReportInput): string {
  checkReportInput(input);
  const views = input.runs.map((run, index) => runView(run, `report.runs[${index}]`));
  const uplot = uplotAssets();
  const data = { runs: views.map((view) => ({ fromMs: view.fromMs, untilMs: view.untilMs, faults: view.faults.map(({ kind, startMs, endMs }) => ({ kind, startMs, endMs })), faultColours: view.faultColours, alerts: view.alerts.map(({ rule, state, timeMs }) => ({ rule, state, timeMs })), charts: view.charts })) };
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing is fetched: every script, style and picture is in this file.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${inlineSafe(uplot.css)}</style>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(input.title)}</h1>`,
    input.story === undefined ? '' : paragraphs(input.story, 'story'),
    ...(input.tables ?? []).map((table) => htmlTable(table.columns, table.rows, table.caption)),
    runIndex(views),
    ...input.runs.map((run, index) => runSectionHtml(run, views[index]!, index)),
    '<footer><p class="note">Made by faultline. Times are true simulated milliseconds. The page works offline: charts by uPlot, inlined.</p></footer>',
    `<script type="application/json" id="${CHART_DATA_ID}">${jsonForScript(data)}</script>`,
    `<script>${inlineSafe(uplot.script)}</script>`,
    `<script>${chartScript()}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function runIndex(views: readonly RunView[]): string {
  if (views.length < 2) return '';
  const items = views.map((view, index) => {
    const fired = view.alerts.filter((event) => event.state === 'firing').length;
    const facts = `${view.faults.length} faults, ${label(view.untilMs - view.fromMs)} ms${view.alertScore === undefined ? '' : `, ${fired} alerts fired`}`;
    return `<li><a href="#run-${index}">${escapeHtml(view.label)}</a> <span class="note">(${escapeHtml(facts)})</span></li>`;
  });
  return `<nav><h3>Runs</h3><ul>${items.join('')}</ul></nav>`;
}
