import { InvalidArgumentError } from '../errors.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireObject, requirePositiveInteger, requireString } from '../validate.js';
import { PALETTE, escapeXml, label, niceStep, openTradeoffSvg, px } from './svg-primitives.js';

/**
 * The fields of a point {@link tradeoffSvg} plots (a `SweepPoint` from `thresholdSweep` has them).
 *
 * @example
 * ```ts
 * const point: TradeoffPoint = { family: 'phi', parameter: 'threshold', value: 8, detectionTimeMs: 310, mistakeRatePerSec: 0.01 };
 * ```
 */
export interface TradeoffPoint {
  /** Family (one curve per family). */
  family: string;
  /** Name of the swept parameter, shown in the legend. */
  parameter?: string;
  /** Parameter value; the curve joins a family's points in increasing value. */
  value: number;
  /** x: mean detection time in ms, >= 0; a point without one (no crash detected) is left out. */
  detectionTimeMs: number | undefined;
  /** y: mistake rate per second, >= 0 (log scale; 0 is drawn on a floor line below the decades). */
  mistakeRatePerSec: number;
}

/**
 * Options of {@link tradeoffSvg}.
 *
 * @example
 * ```ts
 * const options: TradeoffSvgOptions = { width: 900, height: 560, title: 'Detectors on 2% loss' };
 * ```
 */
export interface TradeoffSvgOptions {
  /** Width of the picture in px, an integer in [320, 10000]. Default 860. */
  width?: number;
  /** Height of the picture in px, an integer in [240, 10000]. Default 540. */
  height?: number;
  /** Title drawn on top. Default `Detection time vs mistake rate`. */
  title?: string;
}

/**
 * Draws detection-time / mistake-rate trade-off curves as a self-contained SVG document (no
 * scripts, fonts or external references): x is the mean detection time T_D in ms (linear, from
 * 0), y the mistake rate per second on a log scale. Each family gets one colour, one polyline
 * through its points in increasing parameter value, a marker per point labelled with the value,
 * and a legend entry. Points with a mistake rate of 0 cannot sit on a log axis: they are clamped
 * to a floor half a decade below the lowest decade, drawn hollow on a dashed line labelled `0`.
 * Points with no detection time (no crash detected) are left out; a note says how many.
 * All text is XML-escaped.
 *
 * Read it like the figures of Hayashibara et al. (2004): lower-left is better; a curve below
 * another is the better detector at equal detection time.
 *
 * @throws InvalidArgumentError if `points` is not an array with at least one point that has a
 *   detection time, a point is malformed (empty family, non-finite value, negative or
 *   non-finite time or rate), or an option is out of range or unknown.
 *
 * @example
 * ```ts
 * const points = thresholdSweep({ ...harnessOptions, families });
 * const svg = tradeoffSvg(points, { title: 'Detectors on a 2% lossy network', width: 900 });
 * writeFileSync('tradeoff.svg', svg);
 * ```
 */
export function tradeoffSvg(points: readonly TradeoffPoint[], options: TradeoffSvgOptions = {}): string {
  if (!Array.isArray(points) || points.length === 0) throw new InvalidArgumentError('points', points, 'a non-empty array of trade-off points');
  requireObject(options, 'options');
  rejectUnknownKeys(options as Record<string, unknown>, 'options', ['width', 'height', 'title']);
  const width = orDefault(options.width, 860);
  const height = orDefault(options.height, 540);
  requirePositiveInteger(width, 'options.width', 10_000);
  requirePositiveInteger(height, 'options.height', 10_000);
  if (width < 320) throw new InvalidArgumentError('options.width', width, 'an integer in [320, 10000]');
  if (height < 240) throw new InvalidArgumentError('options.height', height, 'an integer in [240, 10000]');
  const title = orDefault(options.title, 'Detection time vs mistake rate');
  if (typeof title !== 'string') throw new InvalidArgumentError('options.title', title, 'a string');

  points.forEach((point, index) => {
    const field = `points[${index}]`;
    requireObject(point, field);
    requireString(point.family, `${field}.family`);
    if (point.parameter !== undefined) requireString(point.parameter, `${field}.parameter`);
    requireFinite(point.value, `${field}.value`);
    if (point.detectionTimeMs !== undefined) {
      requireFinite(point.detectionTimeMs, `${field}.detectionTimeMs`, 'a finite time >= 0 in ms or undefined');
      if (point.detectionTimeMs < 0) throw new InvalidArgumentError(`${field}.detectionTimeMs`, point.detectionTimeMs, 'a finite time >= 0 in ms or undefined');
    }
    requireFinite(point.mistakeRatePerSec, `${field}.mistakeRatePerSec`, 'a finite rate >= 0 per second');
    if (point.mistakeRatePerSec < 0) throw new InvalidArgumentError(`${field}.mistakeRatePerSec`, point.mistakeRatePerSec, 'a finite rate >= 0 per second');
  });
  const plotted = points.filter((point) => point.detectionTimeMs !== undefined);
  if (plotted.length === 0) throw new InvalidArgumentError('points', points, 'at least one point with a detection time (a detected crash)');
  const omitted = points.length - plotted.length;

  // Families in first-seen order, their points by increasing value.
  const families = new Map<string, { parameter: string | undefined; points: TradeoffPoint[] }>();
  for (const point of points) {
    if (!families.has(point.family)) families.set(point.family, { parameter: point.parameter, points: [] });
    if (point.detectionTimeMs !== undefined) families.get(point.family)!.points.push(point);
  }
  for (const family of families.values()) family.points.sort((a, b) => a.value - b.value);

  // Layout: plot on the left, legend on the right.
  const legendWidth = 190;
  const margin = { left: 72, right: legendWidth + 20, top: 48, bottom: 64 };
  const plotLeft = margin.left;
  const plotTop = margin.top;
  const plotWidth = Math.max(60, width - margin.left - margin.right);
  const plotHeight = height - margin.top - margin.bottom;
  const plotRight = plotLeft + plotWidth;
  const plotBottom = plotTop + plotHeight;

  // x: linear from 0 to a nice bound above the largest detection time.
  const maxX = Math.max(...plotted.map((point) => point.detectionTimeMs!));
  const xStep = niceStep(maxX > 0 ? maxX : 1, 5);
  const xMax = Math.max(xStep, Math.ceil((maxX * 1.02) / xStep) * xStep);
  const xOf = (ms: number): number => plotLeft + (ms / xMax) * plotWidth;

  // y: log10 decades spanning the positive rates; zeros on a floor half a decade lower.
  const positive = plotted.map((point) => point.mistakeRatePerSec).filter((rate) => rate > 0);
  const hasZero = plotted.some((point) => point.mistakeRatePerSec === 0);
  let lowDecade = positive.length > 0 ? Math.floor(Math.log10(Math.min(...positive))) : -3;
  let highDecade = positive.length > 0 ? Math.ceil(Math.log10(Math.max(...positive))) : -2;
  if (highDecade <= lowDecade) highDecade = lowDecade + 1;
  lowDecade = Math.max(lowDecade, -300);
  const floorLog = lowDecade - 0.5;
  const yLow = hasZero ? floorLog - 0.15 : lowDecade;
  const yOf = (rate: number): number => {
    const logRate = rate > 0 ? Math.log10(rate) : floorLog;
    return plotBottom - ((logRate - yLow) / (highDecade - yLow)) * plotHeight;
  };

  const out = openTradeoffSvg({ width, height, title, left: plotLeft, right: plotRight, top: plotTop, bottom: plotBottom, xMax, xStep, xOf, lowDecade, highDecade, yOf, hasZero });
  out.push(`<text x="${px(plotLeft + plotWidth / 2)}" y="${px(height - 22)}" text-anchor="middle">mean detection time T_D (ms)</text>`);
  out.push(
    `<text x="18" y="${px(plotTop + plotHeight / 2)}" text-anchor="middle" transform="rotate(-90 18 ${px(plotTop + plotHeight / 2)})">mistake rate (per second, log scale)</text>`,
  );
  if (omitted > 0) {
    out.push(`<text x="${px(plotLeft)}" y="${px(height - 6)}" font-size="10" fill="#555555">${omitted} point(s) with no detected crash not shown</text>`);
  }

  // Curves, markers and legend.
  const legendX = plotRight + 20;
  let index = 0;
  for (const [name, family] of families) {
    const colour = PALETTE[index % PALETTE.length]!;
    const coordinates = family.points.map((point) => `${px(xOf(point.detectionTimeMs!))},${px(yOf(point.mistakeRatePerSec))}`);
    out.push(`<g class="family" data-family="${escapeXml(name)}">`);
    out.push(`<polyline points="${coordinates.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const point of family.points) {
      const x = xOf(point.detectionTimeMs!);
      const y = yOf(point.mistakeRatePerSec);
      const fill = point.mistakeRatePerSec === 0 ? '#ffffff' : colour;
      out.push(`<circle cx="${px(x)}" cy="${px(y)}" r="4" fill="${fill}" stroke="${colour}" stroke-width="1.5"/>`);
      out.push(`<text x="${px(x + 5)}" y="${px(y - 6)}" font-size="9" fill="${colour}">${escapeXml(label(point.value))}</text>`);
    }
    out.push('</g>');
    const legendY = plotTop + 10 + index * 20;
    const legendText = family.parameter === undefined ? name : `${name} (${family.parameter})`;
    out.push(`<line x1="${px(legendX)}" y1="${px(legendY)}" x2="${px(legendX + 24)}" y2="${px(legendY)}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<circle cx="${px(legendX + 12)}" cy="${px(legendY)}" r="4" fill="${colour}"/>`);
    out.push(`<text class="legend" x="${px(legendX + 32)}" y="${px(legendY + 4)}">${escapeXml(legendText)}</text>`);
    index++;
  }
  if (hasZero) {
    const legendY = plotTop + 10 + index * 20;
    out.push(`<circle cx="${px(legendX + 12)}" cy="${px(legendY)}" r="4" fill="#ffffff" stroke="#555555" stroke-width="1.5"/>`);
    out.push(`<text x="${px(legendX + 32)}" y="${px(legendY + 4)}" fill="#555555">no mistakes (rate 0)</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
