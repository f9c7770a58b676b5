import { describe, expect, it } from 'vitest';
import { fc, prop } from '../kernel/prop.js';
import { SatzgerDetector } from '../../src/detectors/satzger.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { catchError, expectInvalidArgument } from './expect-invalid.js';


describe('SatzgerDetector', () => {
  describe('suspicion: the empirical P(interval <= elapsed)', () => {
    it('is the fraction of kept intervals no longer than the silence', () => {
      const detector = new SatzgerDetector({ windowSize: 100, threshold: 0.75 });
      expect(detector.name).toBe('satzger');
      for (const t of [0, 100, 200, 310, 400]) detector.heartbeat(t); // intervals 100, 100, 110, 90
      expect(detector.intervalCount).toBe(4);
      expect(detector.suspicion(400)).toBe(0);
      expect(detector.suspicion(489.99)).toBe(0);
      expect(detector.suspicion(490)).toBe(0.25);
      expect(detector.suspicion(499)).toBe(0.25);
      expect(detector.suspicion(500)).toBe(0.75);
      expect(detector.suspicion(509.99)).toBe(0.75);
      expect(detector.suspicion(510)).toBe(1);
      expect(detector.suspicion(1e9)).toBe(1);
    });

    it('trusts while the suspicion is below the threshold', () => {
      const detector = new SatzgerDetector({ windowSize: 100, threshold: 0.75 });
      for (const t of [0, 100, 200, 310, 400]) detector.heartbeat(t);
      expect(detector.isAvailable(499)).toBe(true); // 0.25
      expect(detector.isAvailable(500)).toBe(false); // 0.75
      const strict = new SatzgerDetector({ windowSize: 100, threshold: 1 });
      for (const t of [0, 100, 200, 310, 400]) strict.heartbeat(t);
      expect(strict.isAvailable(509.99)).toBe(true); // 0.75
      expect(strict.isAvailable(510)).toBe(false); // 1: as long as the longest interval seen
    });

    it('is 0 and trusts until two heartbeats have given an interval', () => {
      const detector = new SatzgerDetector({ windowSize: 10, threshold: 0.5 });
      expect(detector.suspicion(1_000)).toBe(0);
      expect(detector.isAvailable(1_000)).toBe(true);
      detector.heartbeat(1_000);
      expect(detector.intervalCount).toBe(0);
      expect(detector.suspicion(1e9)).toBe(0);
      expect(detector.isAvailable(1e9)).toBe(true);
      detector.heartbeat(1_100);
      expect(detector.suspicion(1_200)).toBe(1);
    });

    it('keeps only the last windowSize intervals', () => {
      const detector = new SatzgerDetector({ windowSize: 3, threshold: 1 });
      for (const t of [0, 100, 200, 300]) detector.heartbeat(t); // 100, 100, 100
      expect(detector.suspicion(450)).toBe(1);
      for (const t of [600, 900]) detector.heartbeat(t); // 100, 300, 300
      expect(detector.intervalCount).toBe(3);
      expect(detector.suspicion(1_050)).toBeCloseTo(1 / 3, 12);
      detector.heartbeat(1_200); // 300, 300, 300: the 100s are gone
      expect(detector.intervalCount).toBe(3);
      expect(detector.suspicion(1_350)).toBe(0);
      expect(detector.suspicion(1_500)).toBe(1);
    });

    prop(
      [fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 7 }), fc.array(fc.integer({ min: -5, max: 60 }), { minLength: 1, maxLength: 5 })],
      { numRuns: 200 },
    )('matches a brute-force count over the last windowSize intervals, duplicates included', (intervals, windowSize, elapsed) => {
      const detector = new SatzgerDetector({ windowSize, threshold: 0.5 });
      let now = 1_000;
      detector.heartbeat(now);
      const seen: number[] = [];
      for (const interval of intervals) {
        now += interval;
        detector.heartbeat(now);
        seen.push(interval);
        const kept = seen.slice(-windowSize);
        expect(detector.intervalCount).toBe(kept.length);
        for (const e of elapsed) {
          if (e < 0) continue;
          const expected = kept.filter((s) => s <= e).length / kept.length;
          expect(detector.suspicion(now + e)).toBe(expected);
          expect(detector.isAvailable(now + e)).toBe(expected < 0.5);
        }
      }
    });
  });

  describe('heartbeats and crashes', () => {
    const arrivalOf = (i: number): number => i * 100 + ((i * 37) % 21); // intervals in [80, 120]

    it('keeps trusting while heartbeats keep their rhythm (threshold 1)', () => {
      const detector = new SatzgerDetector({ windowSize: 50, threshold: 1 });
      for (let i = 0; i < 200; i++) {
        if (i > 60) {
          for (let t = arrivalOf(i - 1); t < arrivalOf(i); t += 2) expect(detector.isAvailable(t)).toBe(true);
        }
        detector.heartbeat(arrivalOf(i));
      }
    });

    it('suspects a crashed process once the silence is as long as the longest interval in the window', () => {
      const detector = new SatzgerDetector({ windowSize: 50, threshold: 1 });
      for (let i = 0; i < 200; i++) detector.heartbeat(arrivalOf(i));
      let longest = 0;
      for (let i = 150; i < 200; i++) longest = Math.max(longest, arrivalOf(i) - arrivalOf(i - 1));
      const last = arrivalOf(199);
      expect(longest).toBeLessThanOrEqual(120);
      expect(detector.isAvailable(last + longest - 1e-6)).toBe(true);
      for (let t = last + longest; t < last + 5_000; t += 7) {
        expect(detector.isAvailable(t)).toBe(false);
        expect(detector.suspicion(t)).toBe(1);
      }
      // A lower threshold detects sooner: at the median interval.
      const eager = new SatzgerDetector({ windowSize: 50, threshold: 0.5 });
      for (let i = 0; i < 200; i++) eager.heartbeat(arrivalOf(i));
      let detectedAt = last;
      while (eager.isAvailable(detectedAt)) detectedAt += 1;
      expect(detectedAt - last).toBeGreaterThanOrEqual(80);
      expect(detectedAt - last).toBeLessThan(longest);
    });

    it('adapts to lost heartbeats: each loss is a longer interval that widens what counts as normal', () => {
      const detector = new SatzgerDetector({ windowSize: 20, threshold: 1 });
      let now = 0;
      detector.heartbeat(now);
      for (let i = 1; i <= 40; i++) {
        now += i % 5 === 0 ? 200 : 100; // every fifth heartbeat lost
        detector.heartbeat(now);
      }
      expect(detector.suspicion(now + 150)).toBeCloseTo(16 / 20, 12);
      expect(detector.isAvailable(now + 199)).toBe(true);
      expect(detector.isAvailable(now + 200)).toBe(false);
    });
  });

  describe('bad input', () => {
    it('rejects bad options, naming the option', () => {
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 21, '10', undefined]) {
        expectInvalidArgument(() => new SatzgerDetector({ windowSize: bad as number, threshold: 0.5 }), 'windowSize');
      }
      for (const bad of [0, -0.5, 1.0001, 2, Number.NaN, Infinity, -Infinity, '0.5', null, undefined]) {
        expectInvalidArgument(() => new SatzgerDetector({ windowSize: 10, threshold: bad as number }), 'threshold');
      }
      expectInvalidArgument(() => new SatzgerDetector({ windowSize: 10, threshold: 0.5, scalingFactor: 0.9 } as never), 'scalingFactor');
      expectInvalidArgument(() => new SatzgerDetector(undefined as never), 'options');
      expect(new SatzgerDetector({ windowSize: 1, threshold: 1 }).threshold).toBe(1);
    });

    it('rejects bad times, naming the argument', () => {
      const detector = new SatzgerDetector({ windowSize: 10, threshold: 0.5 });
      detector.heartbeat(100);
      for (const bad of [Number.NaN, Infinity, -Infinity, '200', undefined]) {
        expectInvalidArgument(() => detector.heartbeat(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.suspicion(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.isAvailable(bad as number), 'nowMs');
      }
      expectInvalidArgument(() => detector.heartbeat(99.9), 'nowMs');
      expect(detector.intervalCount).toBe(0);
    });
  });

  describe('suspicion is never NaN, negative or -0', () => {
    const step = fc.record({
      gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e300, noNaN: true })),
      query: fc.boolean(),
    });
    prop([fc.double({ noNaN: true, noDefaultInfinity: true }), fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 1e-6, max: 1, noNaN: true })], { numRuns: 200 })(
      'for any non-decreasing heartbeat and query times, and stays in [0, 1]',
      (start, steps, windowSize, threshold) => {
        const detector = new SatzgerDetector({ windowSize, threshold });
        let now = start;
        for (const { gap, query } of steps) {
          const next = now + gap;
          if (!Number.isFinite(next)) break;
          now = next;
          if (query) detector.isAvailable(now);
          else detector.heartbeat(now);
          const suspicion = detector.suspicion(now);
          expect(suspicion >= 0 && suspicion <= 1).toBe(true);
          expect(Object.is(suspicion, -0)).toBe(false);
        }
      },
    );
  });
});
