// Tick labels far from zero: a time axis over 0.5–1.2 million ms must not print "1e6" three times.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { label, niceStep } from '../../src/report/svg-primitives.js';

describe('tick labels', () => {
  it('keep the significant digits of large and tiny values in exponent form', () => {
    expect([1_050_000, 543_700, 1_000_000, 1.5e5, 0.000_123_4].map(label)).toEqual(['1.05e6', '5.437e5', '1e6', '1.5e5', '1.234e-4']);
    expect([0, 12.5, 99_999].map(label)).toEqual(['0', '12.5', '99999']); // below 1e5 unchanged
  });

  it('tell apart the ticks of a window of 11 minutes, half a million ms from zero', () => {
    const step = niceStep(1_203_700 - 543_700, 8);
    const ticks: number[] = [];
    for (let tick = Math.ceil(543_700 / step) * step; tick <= 1_203_700; tick += step) ticks.push(tick);
    const labels = ticks.map(label);
    expect(new Set(labels).size).toBe(ticks.length);
  });

  fcTest.prop([fc.integer({ min: 100_000, max: 1e9 }), fc.integer({ min: 1, max: 9 })])('give different labels to two ticks a nice step apart when the step is at least 1e-5 of the value', (start, digit) => {
    const step = digit * 10 ** Math.max(0, Math.floor(Math.log10(start)) - 4);
    const tick = Math.ceil(start / step) * step;
    expect(label(tick + step)).not.toBe(label(tick));
  });
});
