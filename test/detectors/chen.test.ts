import { describe, expect, it } from 'vitest';
import { fc, prop } from '../kernel/prop.js';
import { ArrivalEstimator, NfdEDetector, NfdSDetector } from '../../src/detectors/chen.js';
import { normalisedLateness } from '../../src/detectors/freshness-point.js';
import type { FailureDetector } from '../../src/detectors/failure-detector.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { catchError, expectInvalidArgument } from './expect-invalid.js';


/** The value is a finite number >= 0 and not -0. */
function expectCleanSuspicion(value: number): void {
  expect(Number.isFinite(value)).toBe(true);
  expect(value >= 0).toBe(true);
  expect(Object.is(value, -0)).toBe(false);
}

const BAD_POSITIVE: unknown[] = [0, -1, -0.5, Number.NaN, Infinity, -Infinity, '100', null, undefined];

describe('NfdSDetector', () => {
  describe('freshness points', () => {
    it('trusts until τ_{j+1} = startMs + (j + 1)·η + δ for the highest heartbeat j received', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
      expect(detector.name).toBe('nfd-s');
      expect(detector.freshnessPointMs).toBeUndefined();
      expect(detector.highestSequence).toBe(-1);
      detector.heartbeat(20, 0);
      expect(detector.freshnessPointMs).toBe(150);
      expect(detector.isAvailable(149.999)).toBe(true);
      expect(detector.isAvailable(150)).toBe(false);
      expect(detector.suspicion(149)).toBe(0);
      expect(detector.suspicion(150)).toBe(0);
      expect(detector.suspicion(200)).toBe(0.5);
      expect(detector.suspicion(350)).toBe(2);
      detector.heartbeat(230, 1);
      expect(detector.highestSequence).toBe(1);
      expect(detector.freshnessPointMs).toBe(250);
      expect(detector.isAvailable(249)).toBe(true);
      expect(detector.isAvailable(250)).toBe(false);
    });

    it('shifts every send time by startMs', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 30, startMs: 1_000 });
      detector.heartbeat(1_010, 0);
      expect(detector.freshnessPointMs).toBe(1_130);
      detector.heartbeat(1_215, 2);
      expect(detector.freshnessPointMs).toBe(1_330);
    });

    it('trusts before the first heartbeat, with suspicion 0', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
      expect(detector.isAvailable(10_000)).toBe(true);
      expect(detector.suspicion(10_000)).toBe(0);
    });

    const step = fc.record({
      gap: fc.integer({ min: 0, max: 300 }),
      sequence: fc.integer({ min: 0, max: 40 }),
      // Queries a little after the arrival, and at (or just before) freshness points τ_k.
      offsets: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 3 }),
      points: fc.array(fc.record({ k: fc.integer({ min: 0, max: 45 }), before: fc.boolean() }), { maxLength: 4 }),
    });
    prop([fc.array(step, { minLength: 1, maxLength: 30 }), fc.integer({ min: 2, max: 200 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: -500, max: 500 })], { numRuns: 200 })(
      "matches the paper's definition: at t in [τ_i, τ_{i+1}) trusted iff some m_j with j >= i was received",
      (steps, interval, shift, start) => {
        const detector = new NfdSDetector({ intervalMs: interval, shiftMs: shift, startMs: start });
        let now = start;
        let highest = -1;
        for (const { gap, sequence, offsets, points } of steps) {
          now += gap;
          detector.heartbeat(now, sequence);
          highest = Math.max(highest, sequence);
          const times = offsets.map((offset) => now + offset);
          for (const { k, before } of points) times.push(start + k * interval + shift - (before ? 1 : 0));
          for (const t of times) {
            if (t < now) continue; // only what has arrived by t counts
            const i = Math.floor((t - start - shift) / interval); // τ_i <= t < τ_{i+1}
            expect(detector.isAvailable(t)).toBe(highest >= i);
          }
        }
      },
    );
  });

  describe('sequence numbers', () => {
    it('infers a missing sequence number as the newest heartbeat sent by the arrival time', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
      detector.heartbeat(20);
      expect(detector.highestSequence).toBe(0);
      detector.heartbeat(250); // m_2 (sent at 200), or a late m_1: taken as m_2
      expect(detector.highestSequence).toBe(2);
      expect(detector.freshnessPointMs).toBe(350);
    });

    it('inferred and explicit numbers agree when every delay is shorter than η, even with losses', () => {
      const inferred = new NfdSDetector({ intervalMs: 100, shiftMs: 60, startMs: 5 });
      const explicit = new NfdSDetector({ intervalMs: 100, shiftMs: 60, startMs: 5 });
      for (let i = 0; i < 200; i++) {
        if (i % 7 === 3) continue; // lost
        const arrival = 5 + i * 100 + ((i * 37) % 90);
        inferred.heartbeat(arrival);
        explicit.heartbeat(arrival, i);
        expect(inferred.freshnessPointMs).toBe(explicit.freshnessPointMs);
      }
    });

    it('suspects while a lost heartbeat is missing and trusts again when a newer one arrives', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
      detector.heartbeat(20, 0);
      // m_1 (sent at 100) is lost: from τ_1 = 150 the process is suspected.
      expect(detector.isAvailable(150)).toBe(false);
      expect(detector.isAvailable(229)).toBe(false);
      detector.heartbeat(230, 2);
      expect(detector.isAvailable(230)).toBe(true);
      expect(detector.freshnessPointMs).toBe(350);
    });

    it('ignores heartbeats older than the newest received (reordering, duplicates)', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50 });
      detector.heartbeat(230, 2);
      detector.heartbeat(240, 1);
      detector.heartbeat(245, 2);
      expect(detector.highestSequence).toBe(2);
      expect(detector.freshnessPointMs).toBe(350);
    });
  });

  describe('heartbeats and crashes', () => {
    const interval = 100;
    const shift = 50;
    /** Arrival delay of m_i: always below δ. */
    const delayOf = (i: number): number => (i * 37) % 45;

    it('keeps trusting while heartbeats arrive within δ of being sent', () => {
      const detector = new NfdSDetector({ intervalMs: interval, shiftMs: shift });
      let next = 0;
      for (let t = 0; t <= 20_000; t += 3) {
        while (next * interval + delayOf(next) <= t) {
          detector.heartbeat(next * interval + delayOf(next), next);
          next++;
        }
        expect(detector.isAvailable(t)).toBe(true);
      }
    });

    it('suspects a crashed process for good within δ + η of the crash', () => {
      for (let crashMs = 0; crashMs < 1_000; crashMs += 7) {
        const detector = new NfdSDetector({ intervalMs: interval, shiftMs: shift });
        const arrivals: [number, number][] = [];
        for (let i = 0; i * interval <= crashMs; i++) arrivals.push([i * interval + delayOf(i), i]);
        arrivals.sort((a, b) => a[0] - b[0]);
        for (const [arrival, sequence] of arrivals) detector.heartbeat(arrival, sequence);
        const detectedAt = detector.freshnessPointMs!;
        expect(detectedAt - crashMs).toBeLessThanOrEqual(shift + interval);
        expect(detectedAt - crashMs).toBeGreaterThan(shift);
        expect(detector.isAvailable(crashMs + shift)).toBe(true);
        for (let t = crashMs + shift + interval; t < crashMs + 2_000; t += 11) {
          expect(detector.isAvailable(t)).toBe(false);
          expect(detector.suspicion(t)).toBeCloseTo((t - detectedAt) / interval, 9);
        }
      }
    });
  });

  describe('bad input', () => {
    it('rejects bad options, naming the option', () => {
      for (const bad of BAD_POSITIVE) {
        expectInvalidArgument(() => new NfdSDetector({ intervalMs: bad as number, shiftMs: 50 }), 'intervalMs');
        expectInvalidArgument(() => new NfdSDetector({ intervalMs: 100, shiftMs: bad as number }), 'shiftMs');
      }
      for (const bad of [Number.NaN, Infinity, -Infinity, '0', null]) {
        expectInvalidArgument(() => new NfdSDetector({ intervalMs: 100, shiftMs: 50, startMs: bad as number }), 'startMs');
      }
      expectInvalidArgument(() => new NfdSDetector({ intervalMs: 100, shiftMs: 50, timeoutMs: 3 } as never), 'timeoutMs');
      expectInvalidArgument(() => new NfdSDetector(null as never), 'options');
    });

    it('rejects bad times and sequence numbers, naming the argument', () => {
      const detector = new NfdSDetector({ intervalMs: 100, shiftMs: 50, startMs: 10 });
      expectInvalidArgument(() => detector.heartbeat(5), 'nowMs'); // before startMs, nothing to infer
      detector.heartbeat(120, 1);
      for (const bad of [Number.NaN, Infinity, -Infinity, '130', undefined]) {
        expectInvalidArgument(() => detector.heartbeat(bad as number, 2), 'nowMs');
        expectInvalidArgument(() => detector.suspicion(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.isAvailable(bad as number), 'nowMs');
      }
      expectInvalidArgument(() => detector.heartbeat(119, 2), 'nowMs');
      for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53, '2', null]) {
        expectInvalidArgument(() => detector.heartbeat(130, bad as number), 'sequence');
      }
      expect(detector.highestSequence).toBe(1);
    });
  });
});

describe('NfdEDetector', () => {
  describe('estimated arrivals and freshness points', () => {
    it('computes EA_{ℓ+1} = mean(A_i - η·s_i) + (ℓ+1)·η over the last n heartbeats, τ = EA + α', () => {
      const detector = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 3 });
      expect(detector.name).toBe('nfd-e');
      expect(detector.estimatedArrivalMs).toBeUndefined();
      expect(detector.freshnessPointMs).toBeUndefined();
      detector.heartbeat(1_005, 0); // offsets: 1005
      expect(detector.estimatedArrivalMs).toBe(1_105);
      expect(detector.freshnessPointMs).toBe(1_135);
      detector.heartbeat(1_115, 1); // offsets: 1005, 1015
      expect(detector.estimatedArrivalMs).toBe(1_210);
      expect(detector.freshnessPointMs).toBe(1_240);
      expect(detector.isAvailable(1_239)).toBe(true);
      expect(detector.isAvailable(1_240)).toBe(false);
      expect(detector.suspicion(1_290)).toBe(0.5);
      detector.heartbeat(1_190, 2); // offsets: 1005, 1015, 990
      expect(detector.estimatedArrivalMs).toBeCloseTo(3_010 / 3 + 300, 9);
      expect(detector.freshnessPointMs).toBeCloseTo(3_010 / 3 + 330, 9);
      detector.heartbeat(1_320, 3); // 1005 leaves the window: 1015, 990, 1020
      expect(detector.estimatedArrivalMs).toBeCloseTo(3_025 / 3 + 400, 9);
      expect(detector.freshnessPointMs).toBeCloseTo(3_025 / 3 + 430, 9);
    });

    it('needs no synchronised clock: a constant clock offset moves every estimate by the same amount', () => {
      const local = new NfdEDetector({ intervalMs: 50, safetyMarginMs: 10, windowSize: 4 });
      const skewed = new NfdEDetector({ intervalMs: 50, safetyMarginMs: 10, windowSize: 4 });
      for (let i = 0; i < 20; i++) {
        const arrival = i * 50 + ((i * 13) % 9);
        local.heartbeat(arrival, i);
        skewed.heartbeat(arrival + 123_456, i);
        expect(skewed.freshnessPointMs! - local.freshnessPointMs!).toBeCloseTo(123_456, 6);
      }
    });

    it('a constant offset in the numbering cancels out', () => {
      const fromZero = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 20, windowSize: 5 });
      const fromFive = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 20, windowSize: 5 });
      for (let i = 0; i < 12; i++) {
        const arrival = 3 + i * 100 + (i % 3) * 4;
        fromZero.heartbeat(arrival, i);
        fromFive.heartbeat(arrival, i + 5);
        expect(fromFive.freshnessPointMs).toBeCloseTo(fromZero.freshnessPointMs!, 9);
      }
    });
  });

  describe('sequence numbers', () => {
    it('without numbers, assumes no loss: the same as numbering 0, 1, 2, …', () => {
      const implicit = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 20, windowSize: 3 });
      const explicit = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 20, windowSize: 3 });
      for (let i = 0; i < 10; i++) {
        const arrival = i * 100 + ((i * 17) % 11);
        implicit.heartbeat(arrival);
        explicit.heartbeat(arrival, i);
        expect(implicit.freshnessPointMs).toBe(explicit.freshnessPointMs);
        expect(implicit.highestSequence).toBe(i);
      }
    });

    it('uses sequence numbers to keep the estimate right across a lost heartbeat', () => {
      const detector = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 3 });
      detector.heartbeat(1_005, 0);
      detector.heartbeat(1_115, 1);
      // m_2 is lost: suspected from τ_2 = 1240 until m_3 arrives.
      expect(detector.isAvailable(1_240)).toBe(false);
      expect(detector.isAvailable(1_309)).toBe(false);
      detector.heartbeat(1_310, 3); // offsets: 1005, 1015, 1010
      expect(detector.isAvailable(1_310)).toBe(true);
      expect(detector.estimatedArrivalMs).toBe(1_410);
      expect(detector.freshnessPointMs).toBe(1_440);
      // Without the number, m_3 would be taken for m_2 and the estimate would run ahead of it.
      const guessing = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 3 });
      guessing.heartbeat(1_005);
      guessing.heartbeat(1_115);
      guessing.heartbeat(1_310);
      expect(guessing.estimatedArrivalMs).toBeCloseTo(3_130 / 3 + 300, 9);
    });

    it('ignores heartbeats older than the newest received', () => {
      const detector = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 3 });
      detector.heartbeat(1_005, 0);
      detector.heartbeat(1_210, 2);
      const before = detector.freshnessPointMs;
      detector.heartbeat(1_220, 1);
      detector.heartbeat(1_230, 2);
      expect(detector.freshnessPointMs).toBe(before);
      expect(detector.highestSequence).toBe(2);
    });
  });

  describe('heartbeats and crashes', () => {
    it('keeps trusting while the jitter stays within α, and suspects a crash exactly at EA + α', () => {
      const detector = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 25, windowSize: 10 });
      const clockOffset = 50_000;
      const arrivalOf = (i: number): number => clockOffset + i * 100 + 7 + ((i * 29) % 21) - 10; // jitter in [-10, 10]
      let last = 0;
      for (let i = 0; i < 300; i++) {
        if (i > 0) {
          for (let t = arrivalOf(i - 1); t < arrivalOf(i); t += 4) expect(detector.isAvailable(t)).toBe(true);
        }
        detector.heartbeat(arrivalOf(i), i);
        last = i;
      }
      // The process crashes after sending m_last.
      const detectedAt = detector.freshnessPointMs!;
      expect(detectedAt).toBeCloseTo(detector.estimatedArrivalMs! + 25, 9);
      expect(detectedAt - arrivalOf(last)).toBeLessThanOrEqual(100 + 25 + 20);
      expect(detector.isAvailable(detectedAt - 1e-6)).toBe(true);
      for (let t = detectedAt; t < detectedAt + 1_000; t += 13) expect(detector.isAvailable(t)).toBe(false);
      expect(detector.suspicion(detectedAt + 250)).toBeCloseTo(2.5, 9);
    });
  });

  describe('bad input', () => {
    it('rejects bad options, naming the option', () => {
      for (const bad of BAD_POSITIVE) {
        expectInvalidArgument(() => new NfdEDetector({ intervalMs: bad as number, safetyMarginMs: 30, windowSize: 3 }), 'intervalMs');
        expectInvalidArgument(() => new NfdEDetector({ intervalMs: 100, safetyMarginMs: bad as number, windowSize: 3 }), 'safetyMarginMs');
      }
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 21, '3', undefined]) {
        expectInvalidArgument(() => new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: bad as number }), 'windowSize');
      }
      expectInvalidArgument(() => new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 3, alpha: 1 } as never), 'alpha');
    });

    it('rejects bad times and sequence numbers, naming the argument', () => {
      const detector = new NfdEDetector({ intervalMs: 100, safetyMarginMs: 30, windowSize: 3 });
      detector.heartbeat(500, 4);
      for (const bad of [Number.NaN, Infinity, -Infinity, '600', null]) {
        expectInvalidArgument(() => detector.heartbeat(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.suspicion(bad as number), 'nowMs');
        expectInvalidArgument(() => detector.isAvailable(bad as number), 'nowMs');
      }
      expectInvalidArgument(() => detector.heartbeat(499.5, 5), 'nowMs');
      for (const bad of [-1, 0.5, Number.NaN, -Infinity, Infinity, '5', {}]) {
        expectInvalidArgument(() => detector.heartbeat(600, bad as number), 'sequence');
      }
      const huge = new NfdEDetector({ intervalMs: 1e300, safetyMarginMs: 30, windowSize: 3 });
      expectInvalidArgument(() => huge.heartbeat(0, 2 ** 50), 'sequence');
      expect(detector.highestSequence).toBe(4);
      expect(detector.freshnessPointMs).toBe(630);
    });
  });
});

describe('ArrivalEstimator', () => {
  it('keeps at most windowSize samples in its window', () => {
    const estimator = new ArrivalEstimator(10, 4);
    for (let i = 0; i < 100; i++) {
      estimator.record(i * 10 + (i % 4), estimator.resolve(i * 10 + (i % 4), undefined));
      expect(estimator.sampleCount).toBe(Math.min(i + 1, 4));
    }
    // Last four offsets: 99 % 4 = 3, 98 % 4 = 2, 97 % 4 = 1, 96 % 4 = 0.
    expect(estimator.expectedArrivalMs(100)).toBeCloseTo(1.5 + 1_000, 9);
  });

  it('stays equal to the exact window mean over a long run (the running sum does not drift)', () => {
    const n = 7;
    const estimator = new ArrivalEstimator(33.3, n);
    const offsets: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const arrival = 1e6 + i * 33.3 + Math.sin(i) * 5.123;
      estimator.record(arrival, estimator.resolve(arrival, i));
      offsets.push(arrival - 33.3 * i);
    }
    const recent = offsets.slice(-n);
    const mean = recent.reduce((a, b) => a + b, 0) / n;
    expect(estimator.expectedArrivalMs(20_000)).toBeCloseTo(mean + 33.3 * 20_000, 6);
  });
});

describe('normalisedLateness', () => {
  it('is max(0, t - τ)/η, never -0, NaN or infinite', () => {
    expect(normalisedLateness(250, 150, 100)).toBe(1);
    expect(Object.is(normalisedLateness(150, 150, 100), 0)).toBe(true);
    expect(Object.is(normalisedLateness(-0, 0, 100), 0)).toBe(true);
    expect(normalisedLateness(0, Number.NaN, 100)).toBe(0);
    expect(normalisedLateness(Number.MAX_VALUE, -Number.MAX_VALUE, 1)).toBe(Number.MAX_VALUE);
    expect(normalisedLateness(0, Infinity, 100)).toBe(0);
  });
});

describe('suspicion is never NaN, negative or -0', () => {
  const time = fc.double({ noNaN: true, noDefaultInfinity: true });
  const step = fc.record({
    gap: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e300, noNaN: true })),
    sequence: fc.option(fc.oneof(fc.nat(50), fc.nat()), { nil: undefined }),
    query: fc.boolean(),
  });
  const run = (detector: FailureDetector & { heartbeat(nowMs: number, sequence?: number): void }, start: number, steps: { gap: number; sequence: number | undefined; query: boolean }[]): void => {
    let now = start;
    expectCleanSuspicion(detector.suspicion(now));
    for (const { gap, sequence, query } of steps) {
      const next = now + gap;
      if (!Number.isFinite(next)) break;
      now = next;
      if (query) {
        expectCleanSuspicion(detector.suspicion(now));
        detector.isAvailable(now);
      } else {
        detector.heartbeat(now, sequence);
      }
      expectCleanSuspicion(detector.suspicion(now));
    }
  };

  prop([time, fc.array(step, { maxLength: 40 }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true })], { numRuns: 200 })(
    'NFD-S',
    (start, steps, interval, shift) => run(new NfdSDetector({ intervalMs: interval, shiftMs: shift, startMs: start }), start, steps),
  );

  prop([time, fc.array(step, { maxLength: 40 }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 8 })], { numRuns: 200 })(
    'NFD-E',
    (start, steps, interval, margin, windowSize) => run(new NfdEDetector({ intervalMs: interval, safetyMarginMs: margin, windowSize }), start, steps),
  );
});
