// Internal: two uPlot axis callbacks the report's chart script runs in the browser, kept as source
// text so a test can run the very code the page runs. uPlot's y axis is 50 px wide by default and
// prints 20000 as "20,000", which it clips to "0,000"; these print it as "20k" and size the axis
// to its widest label. Plain ES2017 with no imports, like the chart script.

/** Defines `compactTickLabels` and `axisSizeFromLabels` (function declarations, no other globals). */
export const AXIS_FUNCTIONS = `function compactTickLabels(self, splits, axisIndex, space, incr) {
  var largest = 0;
  splits.forEach(function (value) { if (value != null && Math.abs(value) > largest) largest = Math.abs(value); });
  var unit = 1;
  var suffix = '';
  [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']].some(function (pair) {
    if (largest < pair[0]) return false;
    unit = pair[0];
    suffix = pair[1];
    return true;
  });
  // As many decimals as the step between ticks needs, so neighbouring ticks never read the same.
  var step = Math.abs(incr / unit);
  var decimals = 0;
  while (decimals < 12 && isFinite(step) && step > 0 && Math.abs(Math.round(step * Math.pow(10, decimals)) - step * Math.pow(10, decimals)) > 1e-6 * Math.pow(10, decimals)) decimals++;
  return splits.map(function (value) {
    if (value == null) return '';
    var text = (value / unit).toFixed(decimals);
    if (text.indexOf('.') >= 0) text = text.replace(/0+$/, '').replace(/\\.$/, '');
    return text === '0' || text === '-0' ? '0' : text + suffix;
  });
}
function axisSizeFromLabels(self, values, axisIndex, cycleNum) {
  var axis = self.axes[axisIndex];
  // uPlot sizes axes in rounds until the sizes settle; after two, keep the last so it converges.
  if (cycleNum > 1) return axis._size;
  var widestPx = 0;
  if (values != null) {
    self.ctx.font = axis.font[0];
    values.forEach(function (label) { widestPx = Math.max(widestPx, self.ctx.measureText(String(label)).width); });
  }
  // axis.font is [css font, size in device px, size in css px]: their ratio is the pixel ratio.
  var pixelRatio = axis.font[1] / axis.font[2] || 1;
  return Math.ceil(axis.ticks.size + axis.gap + widestPx / pixelRatio + 4);
}`;
