import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireObject, requirePositiveInteger, requireString } from '../../validate.js';
import { PALETTE, escapeXml, label, niceStep, openTradeoffSvg, px } from '../../report/svg-primitives.js';

/**
 * The fields of a point {@link leadTimeTradeoffSvg} plots (a {@link PredictorSweepPoint} has them).
 *
 * @example
 * ```ts
 * const point: LeadTimePoint = { family: 'holt', parameter: 'horizonMs', value: 60_000, medianLeadTimeMs: 48_000, falseAlarmsPerHour: 0.2 };
 * ```
 */
export interface LeadTimePoint {
  /** Family (one curve per family). */
  family: string;
  /** Name of the swept parameter, shown in the legend. */
  parameter?: string;
  /** Parameter value; the curve joins a family's points in increasing value. */
  value: number;
  /** x: median lead time in ms, >= 0; a point without one (nothing caught) is left out. */
  medianLeadTimeMs: number | undefined;
  /** y: false alarms per hour, >= 0 (log scale; 0 is drawn on a floor line below the decades). */
  falseAlarmsPerHour: number;
}

/**
 * Options of {@link leadTimeTradeoffSvg}.
 *
 * @example
 * ```ts
 * const options: LeadTimeSvgOptions = { width: 900, title: 'Disk failure predictors' };
 * ```
 */
export interface LeadTimeSvgOptions {
  /** Width in px, an integer in [320, 10000]. Default 860. */
  width?: number;
  /** Height in px, an integer in [240, 10000]. Default 540. */
  height?: number;
  /** Title drawn on top. Default `Lead time vs false alarms`. */
  title?: string;
}

/**
 * Draws lead-time / false-alarm trade-off curves as a self-contained SVG in the style of the
 * detectors' `tradeoffSvg`: x is the median lead time in **seconds** (linear, from 0), y the false
 * alarms per hour on a log scale; one colour, polyline, labelled markers and legend entry per
 * family. Rates of 0 sit hollow on a dashed floor half a decade below the lowest decade; points
 * with no lead time (nothing caught) are left out, with a note. All text is XML-escaped.
 *
 * Read it with lower-right better: a warning earlier, for fewer false alarms.
 *
 * @throws InvalidArgumentError if `points` is empty, has no point with a lead time, or a point or
 *   option is malformed.
 *
 * @example
 * ```ts
 * writeFileSync('out/predictors.svg', leadTimeTradeoffSvg(predictorSweep(options), { title: 'Disk failure predictors' }));
 * ```
 */
export function leadTimeTradeoffSvg(points: readonly LeadTimePoint[], options: LeadTimeSvgOptions = {}): string {
  const { width, height, title } = readOptions(points, options);
  const plotted = points.filter((point) => point.medianLeadTimeMs !== undefined);
  if (plotted.length === 0) throw new InvalidArgumentError('points', points, 'at least one point with a lead time (a caught incident that failed)');
  const families = new Map<string, { parameter: string | undefined; points: LeadTimePoint[] }>();
  for (const point of points) {
    if (!families.has(point.family)) families.set(point.family, { parameter: point.parameter, points: [] });
    if (point.medianLeadTimeMs !== undefined) families.get(point.family)!.points.push(point);
  }
  for (const family of families.values()) family.points.sort((a, b) => a.value - b.value);

  const plotLeft = 72;
  const plotTop = 48;
  const plotWidth = Math.max(60, width - plotLeft - 210);
  const plotHeight = height - plotTop - 64;
  const plotRight = plotLeft + plotWidth;
  const plotBottom = plotTop + plotHeight;

  const maxX = Math.max(...plotted.map((point) => point.medianLeadTimeMs! / 1_000));
  const xStep = niceStep(maxX > 0 ? maxX : 1, 5);
  const xMax = Math.max(xStep, Math.ceil((maxX * 1.02) / xStep) * xStep);
  const xOf = (ms: number): number => plotLeft + (ms / 1_000 / xMax) * plotWidth;

  const positive = plotted.map((point) => point.falseAlarmsPerHour).filter((rate) => rate > 0);
  const hasZero = plotted.some((point) => point.falseAlarmsPerHour === 0);
  const lowDecade = Math.max(-300, positive.length > 0 ? Math.floor(Math.log10(Math.min(...positive))) : -1);
  let highDecade = positive.length > 0 ? Math.ceil(Math.log10(Math.max(...positive))) : 0;
  if (highDecade <= lowDecade) highDecade = lowDecade + 1;
  const floorLog = lowDecade - 0.5;
  const yLow = hasZero ? floorLog - 0.15 : lowDecade;
  const yOf = (rate: number): number => plotBottom - (((rate > 0 ? Math.log10(rate) : floorLog) - yLow) / (highDecade - yLow)) * plotHeight;

  // x ticks are in seconds; xOf takes ms.
  const out = openTradeoffSvg({ width, height, title, left: plotLeft, right: plotRight, top: plotTop, bottom: plotBottom, xMax, xStep, xOf: (seconds) => xOf(seconds * 1_000), lowDecade, highDecade, yOf, hasZero });
  out.push(`<text x="${px(plotLeft + plotWidth / 2)}" y="${px(height - 22)}" text-anchor="middle">median lead time before failure (s)</text>`);
  out.push(`<text x="18" y="${px(plotTop + plotHeight / 2)}" text-anchor="middle" transform="rotate(-90 18 ${px(plotTop + plotHeight / 2)})">false alarms per hour (log scale)</text>`);
  const omitted = points.length - plotted.length;
  if (omitted > 0) out.push(`<text x="${px(plotLeft)}" y="${px(height - 6)}" font-size="10" fill="#555555">${omitted} point(s) that caught no failing incident not shown</text>`);
  drawFamilies(out, families, { xOf, yOf, legendX: plotRight + 20, legendTop: plotTop + 10, hasZero });
  out.push('</svg>');
  return out.join('\n');
}

interface Placement {
  xOf: (ms: number) => number;
  yOf: (rate: number) => number;
  legendX: number;
  legendTop: number;
  hasZero: boolean;
}

function drawFamilies(out: string[], families: ReadonlyMap<string, { parameter: string | undefined; points: LeadTimePoint[] }>, place: Placement): void {
  let index = 0;
  for (const [name, family] of families) {
    const colour = PALETTE[index % PALETTE.length]!;
    const coordinates = family.points.map((point) => `${px(place.xOf(point.medianLeadTimeMs!))},${px(place.yOf(point.falseAlarmsPerHour))}`);
    out.push(`<g class="family" data-family="${escapeXml(name)}">`);
    out.push(`<polyline points="${coordinates.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const point of family.points) {
      const x = place.xOf(point.medianLeadTimeMs!);
      const y = place.yOf(point.falseAlarmsPerHour);
      out.push(`<circle cx="${px(x)}" cy="${px(y)}" r="4" fill="${point.falseAlarmsPerHour === 0 ? '#ffffff' : colour}" stroke="${colour}" stroke-width="1.5"/>`);
      out.push(`<text x="${px(x + 5)}" y="${px(y - 6)}" font-size="9" fill="${colour}">${escapeXml(label(point.value))}</text>`);
    }
    out.push('</g>');
    const legendY = place.legendTop + index * 20;
    const legendText = family.parameter === undefined ? name : `${name} (${family.parameter})`;
    out.push(`<line x1="${px(place.legendX)}" y1="${px(legendY)}" x2="${px(place.legendX + 24)}" y2="${px(legendY)}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<circle cx="${px(place.legendX + 12)}" cy="${px(legendY)}" r="4" fill="${colour}"/>`);
    out.push(`<text class="legend" x="${px(place.legendX + 32)}" y="${px(legendY + 4)}">${escapeXml(legendText)}</text>`);
    index++;
  }
  if (place.hasZero) {
    const legendY = place.legendTop + index * 20;
    out.push(`<circle cx="${px(place.legendX + 12)}" cy="${px(legendY)}" r="4" fill="#ffffff" stroke="#555555" stroke-width="1.5"/>`);
    out.push(`<text x="${px(place.legendX + 32)}" y="${px(legendY + 4)}" fill="#555555">no false alarms (rate 0)</text>`);
  }
}

function readOptions(points: unknown, options: unknown): { width: number; height: number; title: string } {
  if (!Array.isArray(points) || points.length === 0 || points.length > 100_000) throw new InvalidArgumentError('points', points, 'a non-empty array of at most 100000 lead-time points');
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', ['width', 'height', 'title']);
  const width = orDefault(options['width'], 860);
  const height = orDefault(options['height'], 540);
  requirePositiveInteger(width, 'options.width', 10_000);
  requirePositiveInteger(height, 'options.height', 10_000);
  if (width < 320) throw new InvalidArgumentError('options.width', width, 'an integer in [320, 10000]');
  if (height < 240) throw new InvalidArgumentError('options.height', height, 'an integer in [240, 10000]');
  const title = orDefault(options['title'], 'Lead time vs false alarms');
  if (typeof title !== 'string') throw new InvalidArgumentError('options.title', title, 'a string');
  points.forEach((point: unknown, index) => {
    const field = `points[${index}]`;
    requireObject(point, field);
    requireString(point['family'], `${field}.family`);
    if (point['parameter'] !== undefined) requireString(point['parameter'], `${field}.parameter`);
    requireFinite(point['value'], `${field}.value`);
    const lead = point['medianLeadTimeMs'];
    if (lead !== undefined && (typeof lead !== 'number' || !Number.isFinite(lead) || lead < 0)) throw new InvalidArgumentError(`${field}.medianLeadTimeMs`, lead, 'a finite time >= 0 in ms or undefined');
    const rate = point['falseAlarmsPerHour'];
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw new InvalidArgumentError(`${field}.falseAlarmsPerHour`, rate, 'a finite rate >= 0 per hour');
  });
  return { width, height, title };
}
