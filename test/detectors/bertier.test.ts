import { describe, expect, it } from 'vitest';
import { fc, prop } from '../kernel/prop.js';
import { BertierDetector } from '../../src/detectors/bertier.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { catchError, expectInvalidArgument } from './expect-invalid.js';


describe('BertierDetector', () => {
  describe('estimate and dynamic safety margin', () => {
    it('uses β = 1, φ = 4, γ = 0.1 by default', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 10 });
      expect(detector.name).toBe('bertier');
      expect([detector.beta, detector.phi, detector.gamma]).toEqual([1, 4, 0.1]);
    });

    it('follows Jacobson: error = A - EA - delay, delay += γ·error, var += γ·(|error| - var), α = β·delay + φ·var', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 3 });
      expect(detector.freshnessPointMs).toBeUndefined();
      expect(detector.estimatedArrivalMs).toBeUndefined();
      expect(detector.isAvailable(0)).toBe(true);

      detector.heartbeat(10, 0); // no estimate to err against yet; offsets: 10
      expect(detector.estimatedArrivalMs).toBe(110);
      expect(detector.safetyMarginMs).toBe(0);
      expect(detector.freshnessPointMs).toBe(110);

      detector.heartbeat(120, 1); // error = 120 - 110 - 0 = 10; offsets: 10, 20
      expect(detector.delayMs).toBeCloseTo(1, 12);
      expect(detector.variationMs).toBeCloseTo(1, 12);
      expect(detector.safetyMarginMs).toBeCloseTo(5, 12);
      expect(detector.estimatedArrivalMs).toBe(215);
      expect(detector.freshnessPointMs).toBeCloseTo(220, 12);
      expect(detector.isAvailable(219.99)).toBe(true);
      expect(detector.isAvailable(220)).toBe(false);
      expect(detector.suspicion(270)).toBeCloseTo(0.5, 12);

      detector.heartbeat(205, 2); // error = 205 - 215 - 1 = -11; offsets: 10, 20, 5
      expect(detector.delayMs).toBeCloseTo(-0.1, 12);
      expect(detector.variationMs).toBeCloseTo(2, 12);
      expect(detector.safetyMarginMs).toBeCloseTo(7.9, 12);
      expect(detector.estimatedArrivalMs).toBeCloseTo(35 / 3 + 300, 12);
      expect(detector.freshnessPointMs).toBeCloseTo(35 / 3 + 300 + 7.9, 12);

      detector.heartbeat(330, 3); // error = 330 - (35/3 + 300) + 0.1 = 553/30; 10 leaves the window
      expect(detector.delayMs).toBeCloseTo(52.3 / 30, 12);
      expect(detector.variationMs).toBeCloseTo(1_093 / 300, 12);
      expect(detector.safetyMarginMs).toBeCloseTo(4_895 / 300, 12);
      expect(detector.estimatedArrivalMs).toBeCloseTo(55 / 3 + 400, 12);
      expect(detector.freshnessPointMs).toBeCloseTo(434.65, 9);
    });

    it('takes β, φ and γ from the options', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 3, beta: 2, phi: 1, gamma: 0.5 });
      detector.heartbeat(10, 0);
      detector.heartbeat(120, 1); // error 10: delay 5, var 5, α = 2·5 + 1·5 = 15
      expect(detector.delayMs).toBe(5);
      expect(detector.variationMs).toBe(5);
      expect(detector.safetyMarginMs).toBe(15);
      expect(detector.freshnessPointMs).toBe(230);
    });

    it('widens the margin when the network gets noisier and narrows it when it calms down', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 20 });
      let i = 0;
      const run = (count: number, jitter: number): void => {
        for (const end = i + count; i < end; i++) detector.heartbeat(i * 100 + 30 + ((i * 37) % (2 * jitter + 1)) - jitter, i);
      };
      run(200, 2);
      const calm = detector.safetyMarginMs;
      run(200, 40);
      const noisy = detector.safetyMarginMs;
      run(200, 2);
      expect(calm).toBeLessThan(15);
      expect(noisy).toBeGreaterThan(3 * calm);
      expect(detector.safetyMarginMs).toBeLessThan(15);
    });
  });

  describe('heartbeats and crashes', () => {
    it('with perfectly regular heartbeats, keeps a zero margin and trusts up to each arrival', () => {
      const detector = new BertierDetector({ intervalMs: 50, windowSize: 8 });
      for (let i = 0; i < 100; i++) {
        const arrival = 7_000 + i * 50;
        if (i > 0) expect(detector.isAvailable(arrival - 1e-6)).toBe(true);
        detector.heartbeat(arrival, i);
        expect(detector.safetyMarginMs).toBe(0);
        expect(detector.freshnessPointMs).toBe(arrival + 50);
      }
    });

    it('with jitter, is wrong only before its margin has adapted, and suspects a crash at EA + α', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 10 });
      const arrivalOf = (i: number): number => 1_000 + i * 100 + (i % 2 === 0 ? 0 : 20) + ((i * 7) % 5);
      const mistakes: number[] = [];
      for (let i = 0; i < 300; i++) {
        if (i > 0) {
          for (let t = arrivalOf(i - 1); t < arrivalOf(i); t += 3) {
            if (!detector.isAvailable(t)) {
              mistakes.push(i);
              break;
            }
          }
        }
        detector.heartbeat(arrivalOf(i), i);
      }
      expect(mistakes).toEqual([1]); // the margin is 0 until the second heartbeat
      const margin = detector.safetyMarginMs;
      expect(margin).toBeGreaterThan(20);
      expect(margin).toBeLessThan(60);
      // The process crashes after its last heartbeat.
      const detectedAt = detector.freshnessPointMs!;
      expect(detectedAt).toBeCloseTo(detector.estimatedArrivalMs! + margin, 9);
      expect(detectedAt - arrivalOf(299)).toBeLessThanOrEqual(100 + margin + 25);
      expect(detector.isAvailable(detectedAt - 1e-6)).toBe(true);
      for (let t = detectedAt; t < detectedAt + 2_000; t += 17) expect(detector.isAvailable(t)).toBe(false);
      expect(detector.suspicion(detectedAt + 300)).toBeCloseTo(3, 9);
    });
  });

  describe('sequence numbers', () => {
    it('measures the error of a heartbeat after a loss against its own estimate, so a loss is not lateness', () => {
      const numbered = new BertierDetector({ intervalMs: 100, windowSize: 4 });
      const guessing = new BertierDetector({ intervalMs: 100, windowSize: 4 });
      for (const i of [0, 1, 2, 4]) {
        numbered.heartbeat(i * 100 + 10, i);
        guessing.heartbeat(i * 100 + 10); // m_4 taken for m_3: 100 ms late
      }
      expect(numbered.highestSequence).toBe(4);
      expect(numbered.safetyMarginMs).toBe(0);
      expect(numbered.freshnessPointMs).toBe(510);
      expect(guessing.highestSequence).toBe(3);
      expect(guessing.delayMs).toBeCloseTo(10, 12);
      expect(guessing.variationMs).toBeCloseTo(10, 12);
      expect(guessing.safetyMarginMs).toBeCloseTo(50, 12);
    });

    it('without numbers on a lossless channel, behaves as with 0, 1, 2, …', () => {
      const implicit = new BertierDetector({ intervalMs: 100, windowSize: 5 });
      const explicit = new BertierDetector({ intervalMs: 100, windowSize: 5 });
      for (let i = 0; i < 30; i++) {
        const arrival = i * 100 + ((i * 31) % 17);
        implicit.heartbeat(arrival);
        explicit.heartbeat(arrival, i);
        expect(implicit.freshnessPointMs).toBe(explicit.freshnessPointMs);
      }
    });

    it('ignores heartbeats older than the newest received', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 4 });
      detector.heartbeat(10, 0);
      detector.heartbeat(215, 2);
      const state = [detector.freshnessPointMs, detector.safetyMarginMs, detector.delayMs, detector.variationMs];
      detector.heartbeat(220, 1);
      detector.heartbeat(230, 2);
      expect([detector.freshnessPointMs, detector.safetyMarginMs, detector.delayMs, detector.variationMs]).toEqual(state);
    });
  });

  describe('bad input', () => {
    it('rejects bad options, naming the option', () => {
      for (const bad of [0, -1, Number.NaN, Infinity, -Infinity, '100', null, undefined]) {
        expectInvalidArgument(() => new BertierDetector({ intervalMs: bad as number, windowSize: 3 }), 'intervalMs');
      }
      for (const bad of [0, -1, 2.5, Number.NaN, Infinity, 2 ** 21, '3', undefined]) {
        expectInvalidArgument(() => new BertierDetector({ intervalMs: 100, windowSize: bad as number }), 'windowSize');
      }
      for (const bad of [-1, -1e-9, Number.NaN, Infinity, '1', null]) {
        expectInvalidArgument(() => new BertierDetector({ intervalMs: 100, windowSize: 3, beta: bad as number }), 'beta');
        expectInvalidArgument(() => new BertierDetector({ intervalMs: 100, windowSize: 3, phi: bad as number }), 'phi');
      }
      for (const bad of [0, -0.1, 1.01, Number.NaN, Infinity, '0.1', null]) {
        expectInvalidArgument(() => new BertierDetector({ intervalMs: 100, windowSize: 3, gamma: bad as number }), 'gamma');
      }
      expectInvalidArgument(() => new BertierDetector({ intervalMs: 100, windowSize: 3, alpha: 4 } as never), 'alpha');
      expectInvalidArgument(() => new BertierDetector('fast' as never), 'options');
    });

    it('rejects bad times and sequence numbers, naming the argument', () => {
      const detector = new BertierDetector({ intervalMs: 100, windowSize: 3 });
      detector.heartbeat(100, 1);
      for (const bad of [Number.NaN, Infinity, -Infinity, '200', undefined]) {
        expectInvalidArgument(() => detector.heartbeat(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.suspicion(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.isAvailable(bad as number), 'nowMs');
      }
      expectInvalidArgument(() => detector.heartbeat(99), 'nowMs');
      for (const bad of [-1, 2.5, Number.NaN, Infinity, '2', null]) {
        expectInvalidArgument(() => detector.heartbeat(200, bad as number), 'sequence');
      }
      expect(detector.highestSequence).toBe(1);
      expect(detector.freshnessPointMs).toBe(200);
    });
  });

  describe('suspicion is never NaN, negative or -0', () => {
    const step = fc.record({
      gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e300, noNaN: true })),
      sequence: fc.option(fc.oneof(fc.nat(50), fc.nat()), { nil: undefined }),
      query: fc.boolean(),
    });
    prop(
      [
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(step, { maxLength: 40 }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
      ],
      { numRuns: 200 },
    )('for any non-decreasing heartbeat and query times', (start, steps, interval, windowSize, beta, phi, gamma) => {
      const detector = new BertierDetector({ intervalMs: interval, windowSize, beta, phi, gamma });
      let now = start;
      for (const { gap, sequence, query } of steps) {
        const next = now + gap;
        if (!Number.isFinite(next)) break;
        now = next;
        if (query) detector.isAvailable(now);
        else detector.heartbeat(now, sequence);
        const suspicion = detector.suspicion(now);
        expect(Number.isFinite(suspicion)).toBe(true);
        expect(suspicion >= 0).toBe(true);
        expect(Object.is(suspicion, -0)).toBe(false);
      }
    });
  });
});
