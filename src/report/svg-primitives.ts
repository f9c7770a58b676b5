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
