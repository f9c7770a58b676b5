// The y axis of a report's charts: large values print compactly ("20k", not "20,000" clipped to
// "0,000") and the axis is as wide as its widest label. The functions tested are the source text
// the page runs, evaluated here.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AXIS_FUNCTIONS } from '../../src/report/html/axis-script.js';
import { chartScript } from '../../src/report/html/chart-script.js';

type TickLabels = (self: unknown, splits: Array<number | null>, axisIndex: number, space: number, incr: number) => string[];
interface FakeAxis { font: [string, number, number]; ticks: { size: number }; gap: number; _size: number }
type AxisSize = (self: { axes: FakeAxis[]; ctx: { font: string; measureText(text: string): { width: number } } }, values: string[] | null, axisIndex: number, cycleNum: number) => number;

const { compactTickLabels, axisSizeFromLabels } = new Function(`${AXIS_FUNCTIONS}\nreturn { compactTickLabels, axisSizeFromLabels };`)() as { compactTickLabels: TickLabels; axisSizeFromLabels: AxisSize };
const ticks = (splits: number[], incr: number): string[] => compactTickLabels(null, splits, 1, 30, incr);

/** A uPlot stand-in whose canvas measures 7 device px per character at a pixel ratio of `ratio`. */
function fakePlot(ratio: number) {
  const axis: FakeAxis = { font: [`${12 * ratio}px sans-serif`, 12 * ratio, 12], ticks: { size: 10 }, gap: 5, _size: 50 };
  const ctx = { font: '', measureText: (text: string) => ({ width: text.length * 7 * ratio }) };
  return { axes: [axis, axis], ctx };
}

describe('y-axis tick labels', () => {
  it('print thousands, millions and billions with a suffix, and small values as they are', () => {
    expect(ticks([0, 5_000, 10_000, 15_000, 20_000], 5_000)).toEqual(['0', '5k', '10k', '15k', '20k']);
    expect(ticks([17_500, 20_000, 22_500], 2_500)).toEqual(['17.5k', '20k', '22.5k']);
    expect(ticks([0, 1_000_000, 2_000_000], 1_000_000)).toEqual(['0', '1M', '2M']);
    expect(ticks([-3e9, 0, 3e9], 3e9)).toEqual(['-3G', '0', '3G']);
    expect(ticks([0, 0.25, 0.5, 0.75], 0.25)).toEqual(['0', '0.25', '0.5', '0.75']);
    expect(ticks([0, 200, 400, 600, 800], 200)).toEqual(['0', '200', '400', '600', '800']);
  });

  it('never print "20,000" (which a 50 px axis clips to "0,000")', () => {
    expect(ticks([19_000, 20_000, 21_000], 1_000).join(' ')).not.toMatch(/,/);
  });

  fcTest.prop([fc.integer({ min: 1_000, max: 1e9 }), fc.constantFrom(1, 2, 2.5, 5), fc.integer({ min: -3, max: 2 })])(
    'give neighbouring ticks different labels of at most 8 characters, whatever the scale',
    (start, mantissa, exponentOffset) => {
      const incr = mantissa * 10 ** (Math.floor(Math.log10(start)) + exponentOffset);
      const first = Math.ceil(start / incr) * incr;
      const labels = ticks([first, first + incr, first + 2 * incr], incr);
      expect(new Set(labels).size).toBe(3);
      if (exponentOffset >= -1) for (const label of labels) expect(label.length).toBeLessThanOrEqual(8);
    },
  );
});

describe('y-axis size', () => {
  it('is the ticks, the gap and the widest label, in css px at any pixel ratio', () => {
    for (const ratio of [1, 2]) {
      expect(axisSizeFromLabels(fakePlot(ratio), ['0', '5k', '20k'], 1, 0)).toBe(10 + 5 + 21 + 4);
      expect(axisSizeFromLabels(fakePlot(ratio), ['0', '123.45k'], 1, 1)).toBe(10 + 5 + 49 + 4);
    }
  });

  it('keeps its last size after two rounds, so uPlot settles', () => {
    expect(axisSizeFromLabels(fakePlot(1), ['1234567890'], 1, 2)).toBe(50);
  });

  it('is what the chart script gives the y axis', () => {
    expect(chartScript()).toContain('{ values: compactTickLabels, size: axisSizeFromLabels }');
    expect(chartScript()).toContain('function compactTickLabels(');
  });
});
