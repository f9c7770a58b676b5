/** Internal: small drawing helpers shared by the trade-off SVG writers. */

/** One colour per curve family, in order. */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** Escapes text for XML character data and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A coordinate or length rounded for the SVG. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** A tick label: short, without floating-point noise. */
export function label(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  // As many significant digits as below (6), so neighbouring ticks far from zero (1e6 and 1.05e6 ms) stay apart.
  if (abs >= 1e5 || abs < 1e-3) return Number(value.toPrecision(6)).toExponential().replace('e+', 'e');
  return String(Number(value.toPrecision(6)));
}

/** A "nice" step (1, 2 or 5 × 10^k) giving about `count` ticks up to `max`. */
export function niceStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** Where a trade-off chart draws, and how values map to px. */
export interface TradeoffFrame {
  width: number;
  height: number;
  title: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** x ticks at 0, xStep, … up to xMax, in the x axis' own unit; `xOf` maps one to px. */
  xMax: number;
  xStep: number;
  xOf: (tick: number) => number;
  /** Log-scale y grid lines at 10^lowDecade … 10^highDecade; `yOf` maps a value (0 included) to px. */
  lowDecade: number;
  highDecade: number;
  yOf: (value: number) => number;
  /** Draw the dashed floor where the zero values sit, below the lowest decade. */
  hasZero: boolean;
}

/**
 * The opening of a trade-off picture (detectors' detection time against mistakes, predictors'
 * lead time against false alarms): the SVG element, title, frame, a linear x grid and a
 * log-scale y grid with its zero floor. The caller adds its axis titles, points and `</svg>`.
 */
export function openTradeoffSvg(frame: TradeoffFrame): string[] {
  const { width, height, title, left, right, top, bottom, xOf, yOf } = frame;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${px(width / 2)}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    '<g class="axes" stroke="#000000" stroke-width="1">',
    `<line x1="${px(left)}" y1="${px(bottom)}" x2="${px(right)}" y2="${px(bottom)}"/>`,
    `<line x1="${px(left)}" y1="${px(top)}" x2="${px(left)}" y2="${px(bottom)}"/>`,
    '</g>',
    '<g class="x-ticks" font-size="11">',
  ];
  for (let tick = 0; tick <= frame.xMax + frame.xStep * 1e-9; tick += frame.xStep) {
    const x = xOf(tick);
    out.push(`<line x1="${px(x)}" y1="${px(top)}" x2="${px(x)}" y2="${px(bottom)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${px(x)}" y1="${px(bottom)}" x2="${px(x)}" y2="${px(bottom + 5)}" stroke="#000000"/>`);
    out.push(`<text x="${px(x)}" y="${px(bottom + 18)}" text-anchor="middle">${escapeXml(label(tick))}</text>`);
  }
  out.push('</g>', '<g class="y-ticks" font-size="11">');
  for (let decade = frame.lowDecade; decade <= frame.highDecade; decade++) {
    const y = yOf(10 ** decade);
    out.push(`<line x1="${px(left)}" y1="${px(y)}" x2="${px(right)}" y2="${px(y)}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${px(left - 5)}" y1="${px(y)}" x2="${px(left)}" y2="${px(y)}" stroke="#000000"/>`);
    out.push(`<text x="${px(left - 8)}" y="${px(y + 4)}" text-anchor="end">${escapeXml(label(10 ** decade))}</text>`);
  }
  if (frame.hasZero) {
    const y = yOf(0);
    out.push(`<line class="zero-floor" x1="${px(left)}" y1="${px(y)}" x2="${px(right)}" y2="${px(y)}" stroke="#999999" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${px(left - 8)}" y="${px(y + 4)}" text-anchor="end">0</text>`);
  }
  out.push('</g>');
  return out;
}
