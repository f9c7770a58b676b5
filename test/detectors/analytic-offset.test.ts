import { describe, expect, it } from 'vitest';
import { analyticQoS, type AnalyticQoS } from '../../src/detectors/analytic.js';
import { NfdSDetector } from '../../src/detectors/chen.js';
import { FixedTimeoutDetector } from '../../src/detectors/fixed-timeout.js';
import { runDetectorHarness } from '../../src/detectors/harness.js';
import { measureQoS, type QoSMeasurement } from '../../src/detectors/qos.js';
import { expectInvalidArgument } from './expect-invalid.js';

// A shifted exponential delay (`offsetMs`, as the simulator's distributions take it): the
// analysis moves NFD-S's freshness points by the offset, and the fixed timeout does not see it.

const ETA = 100;

describe('analyticQoS: a shifted exponential delay is the plain one with the shift moved into δ', () => {
  const cases = [
    { shiftMs: 90, offsetMs: 30, meanMs: 20, lossProbability: 0.05 },
    { shiftMs: 260, offsetMs: 45.5, meanMs: 7, lossProbability: 0.2 },
    { shiftMs: 61, offsetMs: 60, meanMs: 35, lossProbability: 0 },
  ];
  for (const { shiftMs, offsetMs, meanMs, lossProbability } of cases) {
    it(`NFD-S, δ = ${shiftMs}, offset ${offsetMs}: as δ = ${shiftMs - offsetMs} with no offset`, () => {
      const shifted = analyticQoS({ detector: 'nfd-s', intervalMs: ETA, shiftMs, lossProbability, delay: { kind: 'exponential', meanMs, offsetMs } });
      const plain = analyticQoS({ detector: 'nfd-s', intervalMs: ETA, shiftMs: shiftMs - offsetMs, lossProbability, delay: { kind: 'exponential', meanMs } });
      expect(shifted.queryAccuracyProbability).toBeLessThan(1);
      for (const field of ['meanMistakeRecurrenceMs', 'meanMistakeDurationMs', 'mistakeRatePerSec', 'queryAccuracyProbability', 'sTransitionProbability'] as const) {
        expect(shifted[field], field).toBeCloseTo(plain[field]!, 12);
      }
      // The detection bound is about the freshness points, which do not move: δ + η.
      expect(shifted.detectionTimeBoundMs).toBe(shiftMs + ETA);
    });

    it(`fixed timeout, offset ${offsetMs}: the same as no offset (every arrival is late by the same amount)`, () => {
      const options = { detector: 'fixed-timeout', intervalMs: ETA, timeoutMs: 250, lossProbability: Math.max(lossProbability, 0.1) } as const;
      const shifted = analyticQoS({ ...options, delay: { kind: 'exponential', meanMs, offsetMs } });
      const plain = analyticQoS({ ...options, delay: { kind: 'exponential', meanMs } });
      expect(shifted).toEqual(plain);
      expect(shifted.mistakeRatePerSec).toBeGreaterThan(0);
    });
  }

  it('an explicit offset of 0 (or undefined) is no offset', () => {
    const options = { detector: 'nfd-s', intervalMs: ETA, shiftMs: 60, lossProbability: 0.05 } as const;
    const plain = analyticQoS({ ...options, delay: { kind: 'exponential', meanMs: 20 } });
    expect(analyticQoS({ ...options, delay: { kind: 'exponential', meanMs: 20, offsetMs: 0 } })).toEqual(plain);
    expect(analyticQoS({ ...options, delay: { kind: 'exponential', meanMs: 20, offsetMs: undefined } })).toEqual(plain);
  });

  it('a bad offset is refused, naming delay.offsetMs', () => {
    const options = { detector: 'nfd-s', intervalMs: ETA, shiftMs: 60, lossProbability: 0.05 } as const;
    for (const offsetMs of [-1, Number.NaN, Infinity, null, '5']) {
      expectInvalidArgument(() => analyticQoS({ ...options, delay: { kind: 'exponential', meanMs: 20, offsetMs: offsetMs as number } }), 'delay.offsetMs');
    }
    // A constant delay has no offset (as in the simulator): the key is unknown.
    expectInvalidArgument(() => analyticQoS({ ...options, delay: { kind: 'constant', ms: 10, offsetMs: 5 } as never }), 'delay.offsetMs');
  });
});

/**
 * Asserts measured E(T_MR), E(T_M) and P_A agree with the analysis within 4 standard errors of
 * the run (as test/detectors/qos.test.ts does for the plain delays): s/√n for the means, plus
 * 0.5% for the numerical integration and the warm-up edge, and √(Σ d_i²)/U for 1 − P_A.
 */
function expectAgreement(measured: QoSMeasurement, predicted: AnalyticQoS, label: string): void {
  const { mistakeRecurrence: recurrence, mistakeDuration: duration } = measured;
  expect(recurrence.count, `${label}: enough mistakes`).toBeGreaterThanOrEqual(100);
  const recurrenceTolerance = (4 * recurrence.stdDevMs!) / Math.sqrt(recurrence.count) + 0.005 * predicted.meanMistakeRecurrenceMs;
  const durationTolerance = (4 * duration.stdDevMs!) / Math.sqrt(duration.count) + 0.005 * predicted.meanMistakeDurationMs;
  const squares = measured.mistakes.reduce((sum, mistake) => sum + (mistake.durationMs ?? 0) ** 2, 0);
  const accuracyTolerance = (4 * Math.sqrt(squares)) / measured.upTimeMs + 1e-6;
  expect(Math.abs(recurrence.meanMs! - predicted.meanMistakeRecurrenceMs), `${label}: E(T_MR) ${recurrence.meanMs} vs ${predicted.meanMistakeRecurrenceMs}`).toBeLessThanOrEqual(recurrenceTolerance);
  expect(Math.abs(duration.meanMs! - predicted.meanMistakeDurationMs), `${label}: E(T_M) ${duration.meanMs} vs ${predicted.meanMistakeDurationMs}`).toBeLessThanOrEqual(durationTolerance);
  expect(Math.abs(measured.queryAccuracyProbability! - predicted.queryAccuracyProbability), `${label}: P_A ${measured.queryAccuracyProbability} vs ${predicted.queryAccuracyProbability}`).toBeLessThanOrEqual(accuracyTolerance);
}

describe('analyticQoS with an offset agrees with the simulator', () => {
  const delay = { kind: 'exponential', meanMs: 20, offsetMs: 30 } as const;
  const measure = (seed: number, lossProbability: number, durationMs: number, detector: 'nfd-s' | 'fixed'): QoSMeasurement => {
    const result = runDetectorHarness({
      seed,
      monitored: ['p'],
      monitor: 'q',
      intervalMs: ETA,
      durationMs,
      sampleEveryMs: 50,
      network: { latency: delay, lossProbability },
      detectors: detector === 'nfd-s' ? { [detector]: () => new NfdSDetector({ intervalMs: ETA, shiftMs: 90, startMs: 0 }) } : { [detector]: () => new FixedTimeoutDetector({ timeoutMs: 250 }) },
    });
    return measureQoS(result.transitions[detector]!['p']!, result.sim.truth, 'p', 1_000, durationMs, { monitor: 'q', arrivals: result.arrivals['p']!, intervalMs: ETA });
  };

  it('NFD-S (η = 100, δ = 90), delay 30 ms + Exp(20 ms), p_L = 0.05', () => {
    const predicted = analyticQoS({ detector: 'nfd-s', intervalMs: ETA, shiftMs: 90, lossProbability: 0.05, delay });
    expectAgreement(measure(41, 0.05, 1_000_000, 'nfd-s'), predicted, 'nfd-s');
  });

  it('fixed timeout (η = 100, T = 250), delay 30 ms + Exp(20 ms), p_L = 0.1', () => {
    const predicted = analyticQoS({ detector: 'fixed-timeout', intervalMs: ETA, timeoutMs: 250, lossProbability: 0.1, delay });
    expectAgreement(measure(42, 0.1, 2_000_000, 'fixed'), predicted, 'fixed');
  });
});
