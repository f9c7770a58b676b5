import { describe, expect, it } from 'vitest';
import { analyticQoS } from '../../src/detectors/analytic.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { expectInvalidArgument } from './expect-invalid.js';

// Closed forms worked by hand for η = 100, constant delay 10 ms, p_L = 0.1.
describe('analyticQoS: closed forms for a constant delay', () => {
  it('NFD-S with δ = 60: u(x) = p on [0, 50), p² on [50, 100); p_S = (1 - p)·p', () => {
    const p = 0.1;
    const qos = analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: p, delay: { kind: 'constant', ms: 10 } });
    const integral = 50 * p + 50 * p * p;
    expect(qos.sTransitionProbability).toBeCloseTo((1 - p) * p, 12);
    expect(qos.meanMistakeRecurrenceMs).toBeCloseTo(100 / ((1 - p) * p), 6);
    expect(qos.meanMistakeDurationMs).toBeCloseTo(integral / ((1 - p) * p), 6);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - integral / 100, 9);
    expect(qos.mistakeRatePerSec).toBeCloseTo(1_000 / qos.meanMistakeRecurrenceMs, 9);
    expect(qos.detectionTimeBoundMs).toBe(160);
  });

  it('NFD-S with δ = 150 needs two consecutive losses', () => {
    const p = 0.1;
    const qos = analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 150, lossProbability: p, delay: { kind: 'constant', ms: 10 } });
    // At τ_i + x the heartbeats m_i (age 150 + x) and m_{i+1} (age 50 + x) have had time; m_{i+2} (age x - 50) once x >= 60.
    const integral = 60 * p * p + 40 * p ** 3;
    expect(qos.sTransitionProbability).toBeCloseTo((1 - p) * p * p, 12);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - integral / 100, 9);
    expect(qos.meanMistakeDurationMs).toBeCloseTo(integral / ((1 - p) * p * p), 6);
    expect(qos.detectionTimeBoundMs).toBe(250);
  });

  it('fixed timeout T = 250: a mistake needs two consecutive losses after an arrival', () => {
    const p = 0.1;
    const qos = analyticQoS({ detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 250, lossProbability: p, delay: { kind: 'constant', ms: 10 } });
    // Arrivals at 10 + 100k; suspected at phase x iff every heartbeat of age in [10, 260] was lost.
    const integral = 10 * p ** 2 + 50 * p ** 3 + 40 * p ** 2;
    const rate = ((1 - p) / 100) * p * p;
    expect(qos.meanMistakeRecurrenceMs).toBeCloseTo(1 / rate, 6);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - integral / 100, 9);
    expect(qos.meanMistakeDurationMs).toBeCloseTo(integral / 100 / rate, 6);
    expect(qos.detectionTimeBoundMs).toBe(260);
  });

  it('fixed timeout T = 10η with no delay: the heartbeat arriving exactly at the expiry prevents the mistake', () => {
    // The detector trusts while the silence is <= T (FixedTimeoutDetector.isAvailable), so after an
    // arrival at A a mistake needs all of m_1..m_10 lost, m_10 included (it arrives at A + T).
    const p = 0.5;
    const qos = analyticQoS({ detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 1_000, lossProbability: p, delay: { kind: 'constant', ms: 0 } });
    expect(qos.mistakeRatePerSec).toBeCloseTo(1_000 * ((1 - p) / 100) * p ** 10, 12);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - p ** 10, 12);
    expect(qos.meanMistakeDurationMs).toBeCloseTo(100 / (1 - p), 9);
  });

  it('no loss and a delay below the deadline: no mistakes', () => {
    const nfd = analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0, delay: { kind: 'constant', ms: 10 } });
    expect(nfd.meanMistakeRecurrenceMs).toBe(Infinity);
    expect(nfd.meanMistakeDurationMs).toBe(0);
    expect(nfd.queryAccuracyProbability).toBe(1);
    const fixed = analyticQoS({ detector: 'fixed-timeout', intervalMs: 100, timeoutMs: 150, lossProbability: 0, delay: { kind: 'constant', ms: 10 } });
    expect(fixed.mistakeRatePerSec).toBe(0);
    expect(fixed.queryAccuracyProbability).toBe(1);
  });
});

describe('analyticQoS: exponential delays', () => {
  it('converges: doubling the Simpson steps changes nothing material', () => {
    for (const detector of ['nfd-s', 'fixed-timeout'] as const) {
      const base = { detector, intervalMs: 100, shiftMs: 60, timeoutMs: 250, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 } } as const;
      const coarse = analyticQoS({ ...base, steps: 1_000 });
      const fine = analyticQoS({ ...base, steps: 8_000 });
      expect(Math.abs(coarse.meanMistakeRecurrenceMs / fine.meanMistakeRecurrenceMs - 1)).toBeLessThan(1e-6);
      expect(Math.abs(coarse.meanMistakeDurationMs / fine.meanMistakeDurationMs - 1)).toBeLessThan(1e-6);
      expect(Math.abs(coarse.queryAccuracyProbability - fine.queryAccuracyProbability)).toBeLessThan(1e-9);
    }
  });

  it('a tiny mean delay approaches the zero-delay constant case', () => {
    const exp = analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.1, delay: { kind: 'exponential', meanMs: 1e-3 } });
    const constant = analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.1, delay: { kind: 'constant', ms: 0 } });
    expect(Math.abs(exp.meanMistakeRecurrenceMs / constant.meanMistakeRecurrenceMs - 1)).toBeLessThan(1e-4);
    // A drop 1e-3 ms wide is not resolved by 2,000 Simpson steps: agree to 1e-4.
    expect(Math.abs(exp.queryAccuracyProbability - constant.queryAccuracyProbability)).toBeLessThan(1e-4);
  });

  it('a longer shift means fewer, no longer mistakes and a looser detection bound', () => {
    const at = (shiftMs: number) => analyticQoS({ detector: 'nfd-s', intervalMs: 100, shiftMs, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 } });
    const short = at(40);
    const long = at(140);
    expect(long.meanMistakeRecurrenceMs).toBeGreaterThan(short.meanMistakeRecurrenceMs);
    expect(long.queryAccuracyProbability).toBeGreaterThan(short.queryAccuracyProbability);
    expect(long.detectionTimeBoundMs).toBe(240);
  });

  it('P_A = 1 - E(T_M)/E(T_MR) (renewal identity)', () => {
    for (const detector of ['nfd-s', 'fixed-timeout'] as const) {
      const qos = analyticQoS({ detector, intervalMs: 100, shiftMs: 60, timeoutMs: 250, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 } });
      expect(1 - qos.meanMistakeDurationMs / qos.meanMistakeRecurrenceMs).toBeCloseTo(qos.queryAccuracyProbability, 12);
    }
  });
});

describe('analyticQoS: bad input', () => {
  it('names the bad field', () => {
    const good = { detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.05, delay: { kind: 'constant', ms: 10 } } as const;
    expect(() => analyticQoS({ ...good, intervalMs: 0 })).toThrow(InvalidArgumentError);
    expect(() => analyticQoS({ ...good, shiftMs: undefined })).toThrow(/shiftMs/);
    expect(() => analyticQoS({ ...good, lossProbability: 1 })).toThrow(/lossProbability/);
    expect(() => analyticQoS({ ...good, detector: 'fixed-timeout' })).toThrow(/timeoutMs/);
    expect(() => analyticQoS({ ...good, delay: { kind: 'exponential', meanMs: -1 } })).toThrow(/meanMs/);
    expect(() => analyticQoS({ ...good, steps: 3 })).toThrow(/steps/);
  });

  it('refuses an unknown option key (a typo is not silently ignored), at the top level and in delay', () => {
    const good = { detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.05, delay: { kind: 'constant', ms: 10 } } as const;
    expectInvalidArgument(() => analyticQoS({ ...good, lossProbabilty: 0.5 } as never), 'lossProbabilty');
    expectInvalidArgument(() => analyticQoS({ ...good, timeout: 250 } as never), 'timeout');
    expectInvalidArgument(() => analyticQoS({ ...good, delay: { kind: 'exponential', meanMs: 20, mean: 20 } as never }), 'delay.mean');
  });

  it('treats null as an error for every option, never as absent', () => {
    const good = { detector: 'nfd-s', intervalMs: 100, shiftMs: 60, timeoutMs: 250, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 }, steps: 100 } as const;
    expect(() => analyticQoS(good)).not.toThrow();
    for (const field of ['detector', 'intervalMs', 'shiftMs', 'timeoutMs', 'lossProbability', 'delay', 'steps'] as const) {
      expectInvalidArgument(() => analyticQoS({ ...good, [field]: null } as never), field);
    }
    for (const field of ['kind', 'meanMs', 'offsetMs'] as const) {
      expectInvalidArgument(() => analyticQoS({ ...good, delay: { ...good.delay, [field]: null } } as never), `delay.${field}`);
    }
    expectInvalidArgument(() => analyticQoS({ ...good, delay: { kind: 'constant', ms: null } } as never), 'delay.ms');
    expectInvalidArgument(() => analyticQoS(null as never), 'options');
  });

  it("validates the other detector's duration when it is given, though it is not used", () => {
    const good = { detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.05, delay: { kind: 'constant', ms: 10 } } as const;
    expectInvalidArgument(() => analyticQoS({ ...good, timeoutMs: -1 }), 'timeoutMs');
    expectInvalidArgument(() => analyticQoS({ ...good, detector: 'fixed-timeout', timeoutMs: 250, shiftMs: Number.NaN }), 'shiftMs');
    expect(analyticQoS({ ...good, timeoutMs: 250 })).toEqual(analyticQoS(good));
  });

  it('names the accepted range for the detector, the delay kind and the loss probability', () => {
    const good = { detector: 'nfd-s', intervalMs: 100, shiftMs: 60, lossProbability: 0.05, delay: { kind: 'constant', ms: 10 } } as const;
    expect(() => analyticQoS({ ...good, detector: 'nfd-e' as never })).toThrow(/detector must be one of 'nfd-s', 'fixed-timeout'/);
    expect(() => analyticQoS({ ...good, delay: { kind: 'uniform', minMs: 0, maxMs: 1 } as never })).toThrow(/delay\.kind must be 'constant' or 'exponential'/);
    expect(() => analyticQoS({ ...good, lossProbability: 1 })).toThrow(/lossProbability must be a probability in \[0, 1\)/);
  });
});
