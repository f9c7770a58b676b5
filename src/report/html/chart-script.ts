import { PALETTE } from '../svg-primitives.js';
import { AXIS_FUNCTIONS } from './axis-script.js';

// Internal: the script a report runs in the browser. It reads the data the page embeds as JSON
// and draws each metric chart with uPlot (inlined before it), shading the run's faults behind the
// lines and marking its alerts with vertical lines: red when a rule fired, green when it resolved.
// Plain ES2017 with no imports: it runs from a file:// URL, offline.

export const CHART_DATA_ID = 'faultline-report-data';

export function chartScript(): string {
  return `(function () {
  'use strict';
  var PALETTE = ${JSON.stringify(PALETTE)};
  var data = JSON.parse(document.getElementById(${JSON.stringify(CHART_DATA_ID)}).textContent);
  ${AXIS_FUNCTIONS}
  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }
  function faultBands(run) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      run.faults.forEach(function (fault) {
        var x0 = u.valToPos(fault.startMs, 'x', true);
        var x1 = u.valToPos(fault.endMs, 'x', true);
        ctx.fillStyle = rgba(run.faultColours[fault.kind], 0.16);
        ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      });
      ctx.restore();
    };
  }
  function alertMarks(run) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      ctx.font = Math.round(10 * devicePixelRatio) + 'px sans-serif';
      run.alerts.forEach(function (alert) {
        var x = Math.round(u.valToPos(alert.timeMs, 'x', true));
        ctx.strokeStyle = alert.state === 'firing' ? '#d62728' : '#2ca02c';
        ctx.fillStyle = ctx.strokeStyle;
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.lineWidth = devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.fillText((alert.state === 'firing' ? '\\u25b2 ' : '\\u25bd ') + alert.rule, x + 3 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
      });
      ctx.restore();
    };
  }
  data.runs.forEach(function (run, runIndex) {
    run.charts.forEach(function (chart, chartIndex) {
      var holder = document.getElementById('chart-' + runIndex + '-' + chartIndex);
      if (!holder || chart.timesMs.length === 0) return;
      var series = [{ label: 'true time (ms)' }].concat(chart.series.map(function (line, index) {
        return { label: line.label, stroke: PALETTE[index % PALETTE.length], width: 1.5, spanGaps: true };
      }));
      var options = {
        title: chart.title,
        width: Math.max(320, holder.clientWidth || 900),
        height: 240,
        scales: { x: { time: false, range: function () { return [run.fromMs, run.untilMs]; } } },
        axes: [{ label: 'true time (ms)' }, { values: compactTickLabels, size: axisSizeFromLabels }],
        series: series,
        hooks: { drawClear: [faultBands(run)], draw: [alertMarks(run)] },
      };
      new uPlot(options, [chart.timesMs].concat(chart.series.map(function (line) { return line.values; })), holder);
    });
  });
})();`;
}
