import { describe, expect, it } from 'vitest';
import { FixedTimeoutDetector } from '../../src/detectors/fixed-timeout.js';
import { PhiAccrualDetector } from '../../src/detectors/phi-accrual.js';
import { thresholdSweep, type ThresholdSweepOptions } from '../../src/detectors/sweep.js';
import { InvalidArgumentError, LimitExceededError } from '../../src/errors.js';
import type { FaultSchedule } from '../../src/faults/fault.js';
import { tradeoffSvg } from '../../src/report/tradeoff-svg.js';

const faults: FaultSchedule = Array.from({ length: 8 }, (_, index) => ({ kind: 'crash', atMs: 5_000 + index * 7_000 + index * 11.3, durationMs: 1_500, target: 'p' }));
const TIMEOUTS = [150, 200, 300, 500];

function options(seed = 3): ThresholdSweepOptions {
  return {
    seed, monitored: ['p'], monitor: 'q', intervalMs: 100, durationMs: 60_000, sampleEveryMs: 10, fromMs: 1_000,
    network: { latency: { kind: 'exponential', meanMs: 20 }, lossProbability: 0.05 },
    faults,
    families: [
      { name: 'fixed', parameter: 'timeoutMs', values: TIMEOUTS, create: (timeoutMs) => new FixedTimeoutDetector({ timeoutMs }) },
      { name: 'phi <&"\'>', parameter: 'threshold', values: [1, 4, 16], create: (threshold) => new PhiAccrualDetector({ threshold, firstHeartbeatEstimateMs: 100, minStdDeviationMs: 20 }) },
    ],
  };
}

describe('thresholdSweep', () => {
  const points = thresholdSweep(options());

  it('gives one point per (family, value) with the QoS fields', () => {
    expect(points.map((point) => [point.family, point.value])).toEqual([...TIMEOUTS.map((value) => ['fixed', value]), ['phi <&"\'>', 1], ['phi <&"\'>', 4], ['phi <&"\'>', 16]]);
    for (const point of points) {
      expect(typeof point.parameter).toBe('string');
      expect(point.detectionTimeMs).toBeGreaterThan(0);
      expect(point.detections).toBe(8);
      expect(point.undetectedCrashes).toBe(0);
      expect(point.mistakeRatePerSec).toBeGreaterThanOrEqual(0);
      expect(point.queryAccuracy!).toBeGreaterThan(0);
      expect(point.queryAccuracy!).toBeLessThanOrEqual(1);
      expect(point.traceHash).toMatch(/^[0-9a-f]{16}$/);
      if (point.mistakes > 0) expect(point.mistakeDurationMs).toBeGreaterThan(0);
      expect(point).toHaveProperty('mistakeDurationMs');
      expect(point).toHaveProperty('lambdaMPerSec');
    }
    // Every family sees the same simulated run.
    expect(new Set(points.map((point) => point.traceHash)).size).toBe(1);
  });

  it('is deterministic: same options, same points; another seed differs', () => {
    expect(thresholdSweep(options())).toEqual(points);
    expect(thresholdSweep(options(4))).not.toEqual(points);
  });

  it('is monotone where theory says so: a longer timeout detects later and errs no more often', () => {
    const fixed = points.filter((point) => point.family === 'fixed');
    for (let index = 1; index < fixed.length; index++) {
      expect(fixed[index]!.detectionTimeMs!).toBeGreaterThan(fixed[index - 1]!.detectionTimeMs!);
      expect(fixed[index]!.mistakes).toBeLessThanOrEqual(fixed[index - 1]!.mistakes);
      expect(fixed[index]!.mistakeRatePerSec).toBeLessThanOrEqual(fixed[index - 1]!.mistakeRatePerSec);
      expect(fixed[index]!.queryAccuracy!).toBeGreaterThanOrEqual(fixed[index - 1]!.queryAccuracy!);
    }
    // A fixed timeout T detects a crash between T - η and T after it (plus the last delay).
    for (const point of fixed) expect(point.detectionTimeMs!).toBeLessThanOrEqual(point.value);
    expect(fixed[0]!.mistakes).toBeGreaterThan(fixed.at(-1)!.mistakes);
    const phi = points.filter((point) => point.family.startsWith('phi'));
    expect(phi[2]!.detectionTimeMs!).toBeGreaterThan(phi[0]!.detectionTimeMs!);
    expect(phi[2]!.mistakes).toBeLessThanOrEqual(phi[0]!.mistakes);
  });

  it('rejects bad input with typed errors', () => {
    const base = options();
    const shared = new FixedTimeoutDetector({ timeoutMs: 100 });
    const bad: Array<[unknown, string]> = [
      [{ ...base, families: [] }, 'families'],
      [{ ...base, families: [{ ...base.families[0]!, values: [] }] }, 'families[0].values'],
      [{ ...base, families: [{ ...base.families[0]!, values: [1, Number.NaN] }] }, 'families[0].values[1]'],
      [{ ...base, families: [base.families[0]!, base.families[0]!] }, 'families[1].name'],
      [{ ...base, families: [{ ...base.families[0]!, create: 5 }] }, 'families[0].create'],
      [{ ...base, families: [{ ...base.families[0]!, create: () => ({}) }] }, 'families[0].create'],
      [{ ...base, families: [{ ...base.families[0]!, name: '' }] }, 'families[0].name'],
      [{ ...base, untilMs: 500 }, 'untilMs'],
      [{ ...base, untilMs: 70_000 }, 'untilMs'],
      [{ ...base, fromMs: -1 }, 'fromMs'],
      // null is not "absent" (it used to mean 0 and durationMs).
      [{ ...base, fromMs: null }, 'fromMs'],
      [{ ...base, untilMs: null }, 'untilMs'],
      [{ ...base, fault: base.faults }, 'fault'],
      [{ ...base, maxTimeMs: 1_000 }, 'maxTimeMs'],
      [{ ...base, families: [{ ...base.families[0]!, create: () => shared }] }, 'families[0].create'],
      [{ ...base, detectors: {} }, 'detectors'],
      [{ ...base, intervalMs: 0 }, 'intervalMs'],
      [null, 'options'],
    ];
    for (const [input, field] of bad) {
      let caught: unknown;
      try {
        thresholdSweep(input as ThresholdSweepOptions);
      } catch (error) {
        caught = error;
      }
      expect(caught, field).toBeInstanceOf(InvalidArgumentError);
      expect((caught as InvalidArgumentError).field, field).toBe(field);
    }
  });

  it('passes the kernel bounds through to the harness', () => {
    let caught: unknown;
    try {
      thresholdSweep({ ...options(), maxEvents: 100 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LimitExceededError);
  });

  describe('tradeoffSvg', () => {
    /** Checks tags balance (a light well-formedness check without an XML parser). */
    function expectBalanced(svg: string): void {
      const stack: string[] = [];
      for (const match of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^>]*?)(\/?)>/g)) {
        const [, closing, name, , selfClosing] = match;
        if (selfClosing === '/') continue;
        if (closing === '/') expect(stack.pop(), `closing </${name}>`).toBe(name);
        else stack.push(name!);
      }
      expect(stack).toEqual([]);
      // No stray '<' or '&' outside tags and entities.
      const text = svg.replace(/<[^>]*>/g, '');
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/);
    }

    it('is a well-formed SVG with one polyline per family, axes, legend and escaped text', () => {
      const svg = tradeoffSvg(points, { title: 'T_D <vs> λ & co', width: 900, height: 600 });
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).toContain('width="900"');
      expectBalanced(svg);
      expect(svg.match(/<polyline /g)).toHaveLength(2);
      expect(svg).toContain('T_D &lt;vs&gt; λ &amp; co');
      expect(svg).toContain('phi &lt;&amp;&quot;&apos;&gt; (threshold)');
      expect(svg).not.toContain('phi <&');
      expect(svg).toContain('fixed (timeoutMs)');
      expect(svg).toContain('mean detection time');
      expect(svg).toContain('mistake rate');
      expect(svg.match(/<circle /g)!.length).toBeGreaterThanOrEqual(points.length);
    });

    it('clamps zero rates to a marked floor and leaves out points without a detection time', () => {
      const svg = tradeoffSvg([
        { family: 'a', value: 1, detectionTimeMs: 100, mistakeRatePerSec: 0.5 },
        { family: 'a', value: 2, detectionTimeMs: 200, mistakeRatePerSec: 0 },
        { family: 'b', value: 1, detectionTimeMs: undefined, mistakeRatePerSec: 0 },
        { family: 'b', value: 2, detectionTimeMs: 150, mistakeRatePerSec: 0.01 },
      ]);
      expectBalanced(svg);
      expect(svg).toContain('class="zero-floor"');
      expect(svg).toContain('no mistakes (rate 0)');
      expect(svg).toContain('1 point(s) with no detected crash not shown');
      expect(svg.match(/<polyline /g)).toHaveLength(2);
      expect(svg).not.toMatch(/NaN|Infinity/);
    });

    it('rejects bad input with typed errors', () => {
      const good = { family: 'a', value: 1, detectionTimeMs: 100, mistakeRatePerSec: 0.5 };
      const bad: Array<[unknown, unknown, string]> = [
        [[], {}, 'points'],
        ['x', {}, 'points'],
        [[{ ...good, detectionTimeMs: undefined }], {}, 'points'],
        [[{ ...good, family: '' }], {}, 'points[0].family'],
        [[{ ...good, mistakeRatePerSec: -1 }], {}, 'points[0].mistakeRatePerSec'],
        [[{ ...good, mistakeRatePerSec: Number.NaN }], {}, 'points[0].mistakeRatePerSec'],
        [[{ ...good, detectionTimeMs: -5 }], {}, 'points[0].detectionTimeMs'],
        [[good, { ...good, value: Infinity }], {}, 'points[1].value'],
        [[null], {}, 'points[0]'],
        [[good], { width: 10 }, 'options.width'],
        [[good], { height: 1.5 }, 'options.height'],
        [[good], { title: 7 }, 'options.title'],
        [[good], { colour: 'red' }, 'options.colour'],
      ];
      for (const [input, opts, field] of bad) {
        let caught: unknown;
        try {
          tradeoffSvg(input as never, opts as never);
        } catch (error) {
          caught = error;
        }
        expect(caught, field).toBeInstanceOf(InvalidArgumentError);
        expect((caught as InvalidArgumentError).field, field).toBe(field);
      }
    });
  });
});
