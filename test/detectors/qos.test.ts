import { describe, expect, it } from 'vitest';
import { analyticQoS, type AnalyticDelay } from '../../src/detectors/analytic.js';
import { NfdSDetector } from '../../src/detectors/chen.js';
import { FixedTimeoutDetector } from '../../src/detectors/fixed-timeout.js';
import { runDetectorHarness, type DetectorHarnessResult, type DetectorTransition } from '../../src/detectors/harness.js';
import { measureQoS, summarise, type QoSMeasurement } from '../../src/detectors/qos.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { FaultSchedule } from '../../src/faults/fault.js';

const ETA = 100;
const SHIFT = 60;
const TIMEOUT = 250;
const WARM_UP = 1_000;

function run(seed: number, delay: AnalyticDelay, lossProbability: number, durationMs: number, faults?: FaultSchedule): DetectorHarnessResult {
  return runDetectorHarness({
    seed,
    monitored: ['p'],
    monitor: 'q',
    intervalMs: ETA,
    durationMs,
    sampleEveryMs: 50,
    network: { latency: delay, lossProbability },
    detectors: {
      'nfd-s': () => new NfdSDetector({ intervalMs: ETA, shiftMs: SHIFT, startMs: 0 }),
      fixed: () => new FixedTimeoutDetector({ timeoutMs: TIMEOUT }),
    },
    ...(faults === undefined ? {} : { faults }),
  });
}

function measure(result: DetectorHarnessResult, detector: string, fromMs: number, untilMs: number): QoSMeasurement {
  return measureQoS(result.transitions[detector]!['p']!, result.sim.truth, 'p', fromMs, untilMs, { monitor: 'q', arrivals: result.arrivals['p']!, intervalMs: ETA });
}

/**
 * Asserts measured E(T_MR), E(T_M) and P_A agree with the analysis within 4 standard errors of
 * the run: s/√n for the two means (s the sample standard deviation), and for 1 - P_A (total
 * suspected time over up time, a compound sum) √(Σ d_i²)/U with d_i the mistake durations.
 * 0.5% is added to the means' tolerance for the numerical integration and the warm-up edge.
 */
function expectAgreement(measured: QoSMeasurement, predicted: ReturnType<typeof analyticQoS>, label: string): void {
  const recurrence = measured.mistakeRecurrence;
  const duration = measured.mistakeDuration;
  expect(recurrence.count, `${label}: enough mistakes`).toBeGreaterThanOrEqual(30);
  const recurrenceTolerance = (4 * recurrence.stdDevMs!) / Math.sqrt(recurrence.count) + 0.005 * predicted.meanMistakeRecurrenceMs;
  const durationTolerance = (4 * duration.stdDevMs!) / Math.sqrt(duration.count) + 0.005 * predicted.meanMistakeDurationMs;
  const squares = measured.mistakes.reduce((sum, mistake) => sum + (mistake.durationMs ?? 0) ** 2, 0);
  const accuracyTolerance = (4 * Math.sqrt(squares)) / measured.upTimeMs + 1e-6;
  expect(Math.abs(recurrence.meanMs! - predicted.meanMistakeRecurrenceMs), `${label}: E(T_MR) ${recurrence.meanMs} vs ${predicted.meanMistakeRecurrenceMs} ± ${recurrenceTolerance}`).toBeLessThanOrEqual(recurrenceTolerance);
  expect(Math.abs(duration.meanMs! - predicted.meanMistakeDurationMs), `${label}: E(T_M) ${duration.meanMs} vs ${predicted.meanMistakeDurationMs} ± ${durationTolerance}`).toBeLessThanOrEqual(durationTolerance);
  expect(Math.abs(measured.queryAccuracyProbability! - predicted.queryAccuracyProbability), `${label}: P_A ${measured.queryAccuracyProbability} vs ${predicted.queryAccuracyProbability} ± ${accuracyTolerance}`).toBeLessThanOrEqual(accuracyTolerance);
}

describe('measured QoS agrees with the analysis (Chen, Toueg & Aguilera 2002)', () => {
  const cases: Array<{ name: string; delay: AnalyticDelay; loss: number; durationMs: number; seed: number }> = [
    { name: 'constant 10 ms, p_L = 0.1', delay: { kind: 'constant', ms: 10 }, loss: 0.1, durationMs: 2_000_000, seed: 11 },
    { name: 'exponential mean 20 ms, p_L = 0.05', delay: { kind: 'exponential', meanMs: 20 }, loss: 0.05, durationMs: 2_000_000, seed: 12 },
    { name: 'exponential mean 30 ms, p_L = 0.01', delay: { kind: 'exponential', meanMs: 30 }, loss: 0.01, durationMs: 1_000_000, seed: 13 },
  ];
  for (const { name, delay, loss, durationMs, seed } of cases) {
    it(`NFD-S (η = ${ETA}, δ = ${SHIFT}), ${name}`, () => {
      const result = run(seed, delay, loss, durationMs);
      const measured = measure(result, 'nfd-s', WARM_UP, durationMs);
      const predicted = analyticQoS({ detector: 'nfd-s', intervalMs: ETA, shiftMs: SHIFT, lossProbability: loss, delay });
      expectAgreement(measured, predicted, `nfd-s ${name}`);
      expect(measured.mistakes.length).toBe(Object.values(measured.falseSuspicionsByCause).reduce((a, b) => a + b, 0));
      expect(measured.falseSuspicionsByCause.partition + measured.falseSuspicionsByCause.pause + measured.falseSuspicionsByCause.unknown).toBe(0);
      if (delay.kind === 'constant') expect(measured.falseSuspicionsByCause.delay).toBe(0); // 10 ms < δ: only losses
    });
  }
  // The fixed timeout makes fewer mistakes (two losses in a row): heavier loss to see enough of them.
  const fixedCases: Array<{ name: string; delay: AnalyticDelay; loss: number; durationMs: number; seed: number }> = [
    { name: 'constant 10 ms, p_L = 0.1', delay: { kind: 'constant', ms: 10 }, loss: 0.1, durationMs: 2_000_000, seed: 21 },
    { name: 'exponential mean 20 ms, p_L = 0.1', delay: { kind: 'exponential', meanMs: 20 }, loss: 0.1, durationMs: 2_000_000, seed: 22 },
  ];
  for (const { name, delay, loss, durationMs, seed } of fixedCases) {
    it(`fixed timeout (η = ${ETA}, T = ${TIMEOUT}), ${name}`, () => {
      const result = run(seed, delay, loss, durationMs);
      const measured = measure(result, 'fixed', WARM_UP, durationMs);
      const predicted = analyticQoS({ detector: 'fixed-timeout', intervalMs: ETA, timeoutMs: TIMEOUT, lossProbability: loss, delay });
      expectAgreement(measured, predicted, `fixed ${name}`);
    });
  }
});

describe('detection time', () => {
  it('NFD-S detects every crash within δ + η; the QoS counts each crash once', () => {
    const faults: FaultSchedule = [];
    for (let index = 0; index < 20; index++) faults.push({ kind: 'crash', atMs: 5_000 + index * 4_000 + index * 17.3, durationMs: 2_000, target: 'p' });
    const result = run(5, { kind: 'exponential', meanMs: 20 }, 0.05, 90_000, faults);
    const nfd = measure(result, 'nfd-s', WARM_UP, 90_000);
    expect(nfd.crashes).toBe(20);
    expect(nfd.undetectedCrashes).toBe(0);
    expect(nfd.detectionTime.count).toBe(20);
    expect(nfd.detectionTime.maxMs!).toBeLessThanOrEqual(SHIFT + ETA + 1e-6);
    expect(nfd.detectionTime.p50Ms!).toBeLessThanOrEqual(nfd.detectionTime.p99Ms!);
    const bound = analyticQoS({ detector: 'nfd-s', intervalMs: ETA, shiftMs: SHIFT, lossProbability: 0.05, delay: { kind: 'exponential', meanMs: 20 } }).detectionTimeBoundMs;
    expect(nfd.detectionTime.maxMs!).toBeLessThanOrEqual(bound);
    // Suspicions while crashed are detections, not mistakes.
    for (const mistake of nfd.mistakes) expect(result.sim.truth.isUp('p', mistake.startMs)).toBe(true);
    const fixed = measure(result, 'fixed', WARM_UP, 90_000);
    expect(fixed.undetectedCrashes).toBe(0);
  });

  it('a crash with no restart is detected and the suspicion lasts to the end', () => {
    const result = run(6, { kind: 'constant', ms: 10 }, 0, 20_000, [{ kind: 'crash', atMs: 10_050, target: 'p' }]);
    const qos = measure(result, 'nfd-s', 0, 20_000);
    expect(qos.crashes).toBe(1);
    // Last heartbeat sent at 10,000 (m_100): fresh until τ_101 = 10,160.
    expect(qos.detectionTime.maxMs).toBeCloseTo(110, 6);
    expect(qos.mistakes).toHaveLength(0);
    const last = result.transitions['nfd-s']!['p']!.at(-1)!;
    expect(last.kind).toBe('suspect');
  });
});

describe('mistakes by cause', () => {
  it('a partition between the node and the monitor causes mistakes classified partition', () => {
    const faults: FaultSchedule = [
      { kind: 'partition', atMs: 5_030, durationMs: 1_500, params: { groups: [['p'], ['q']] } },
      { kind: 'partition', atMs: 12_070, durationMs: 800, params: { groups: [['p'], ['q']] } },
    ];
    const result = run(7, { kind: 'constant', ms: 10 }, 0, 20_000, faults);
    // m_50 (sent 5,000) arrives at 5,010; m_51 (sent 5,100) is cut. NFD-S: suspect from τ_51 = 5,160
    // (its exact freshness point); the fixed timeout from 5,010 + 250 (located by bisection).
    expect(result.transitions['nfd-s']!['p']![0]!.timeMs).toBe(5_160);
    expect(result.transitions['fixed']!['p']![0]!.timeMs).toBeCloseTo(5_260, 5);
    for (const detector of ['nfd-s', 'fixed']) {
      const qos = measure(result, detector, 0, 20_000);
      expect(qos.mistakes).toHaveLength(2);
      expect(qos.falseSuspicionsByCause.partition).toBe(2);
      expect(qos.mistakeDuration.count).toBe(2);
      expect(qos.queryAccuracyProbability!).toBeLessThan(1);
    }
  });

  it('a pause of the monitored node causes mistakes classified pause', () => {
    const faults: FaultSchedule = [{ kind: 'pause', atMs: 4_020, durationMs: 1_000, target: 'p' }];
    const result = run(8, { kind: 'constant', ms: 10 }, 0, 10_000, faults);
    for (const detector of ['nfd-s', 'fixed']) {
      const qos = measure(result, detector, 0, 10_000);
      expect(qos.mistakes).toHaveLength(1);
      expect(qos.falseSuspicionsByCause.pause).toBe(1);
      expect(qos.crashes).toBe(0);
    }
  });

  it('an overloaded monitor (traffic spike against a small capacity) causes mistakes classified overload', () => {
    // q handles 100 messages/s; a 2,000/s spike from p for 1 s fills its inbox, so p's
    // heartbeats wait behind the load (and some overflow) while q's ground truth shows a backlog.
    const faults: FaultSchedule = [
      { kind: 'capacity', atMs: 0, target: 'q', params: { messagesPerSec: 100, inboxLimit: 50 } },
      { kind: 'traffic-spike', atMs: 6_000, durationMs: 1_000, target: 'q', params: { from: 'p', ratePerSec: 2_000, message: { type: 'load' } } },
    ];
    const result = run(9, { kind: 'constant', ms: 10 }, 0, 12_000, faults);
    expect(result.sim.truth.isOverloaded('q', 6_500)).toBe(true);
    expect(result.sim.truth.isOverloaded('q', 3_000)).toBe(false);
    for (const detector of ['nfd-s', 'fixed']) {
      const qos = measure(result, detector, 0, 12_000);
      expect(qos.mistakes.length).toBeGreaterThan(0);
      expect(qos.falseSuspicionsByCause.overload).toBe(qos.mistakes.length);
    }
  });

  it('without arrivals or a monitor, causes it cannot see are unknown', () => {
    const faults: FaultSchedule = [{ kind: 'partition', atMs: 5_030, durationMs: 1_500, params: { groups: [['p'], ['q']] } }];
    const result = run(9, { kind: 'constant', ms: 10 }, 0, 10_000, faults);
    const qos = measureQoS(result.transitions['nfd-s']!['p']!, result.sim.truth, 'p', 0, 10_000);
    expect(qos.falseSuspicionsByCause.unknown).toBe(1);
  });

  it('with a lossless, fast network there are no mistakes at all', () => {
    const result = run(10, { kind: 'constant', ms: 10 }, 0, 20_000);
    for (const detector of ['nfd-s', 'fixed']) {
      const qos = measure(result, detector, 0, 20_000);
      expect(qos.mistakes).toHaveLength(0);
      expect(qos.queryAccuracyProbability).toBe(1);
      expect(qos.mistakeRatePerSec).toBeUndefined();
    }
  });
});

describe('determinism', () => {
  it('the same seed gives identical transitions, arrivals and trace hash', () => {
    const faults: FaultSchedule = [{ kind: 'crash', atMs: 30_000, durationMs: 3_000, target: 'p' }];
    const first = run(42, { kind: 'exponential', meanMs: 20 }, 0.05, 60_000, faults);
    const second = run(42, { kind: 'exponential', meanMs: 20 }, 0.05, 60_000, faults);
    expect(second.traceHash).toBe(first.traceHash);
    expect(second.transitions).toEqual(first.transitions);
    expect(second.arrivals).toEqual(first.arrivals);
    expect(measure(second, 'nfd-s', 0, 60_000)).toEqual(measure(first, 'nfd-s', 0, 60_000));
    const other = run(43, { kind: 'exponential', meanMs: 20 }, 0.05, 60_000, faults);
    expect(other.traceHash).not.toBe(first.traceHash);
  });
});

describe('measureQoS on hand-made transitions', () => {
  it('computes T_MR, T_M, T_G and P_A from the definitions', () => {
    // A tiny world: one node, always up.
    const result = run(1, { kind: 'constant', ms: 10 }, 0, 10);
    const transitions: DetectorTransition[] = [
      { kind: 'suspect', timeMs: 1_000, localTimeMs: 1_000 },
      { kind: 'trust', timeMs: 1_100, localTimeMs: 1_100 },
      { kind: 'suspect', timeMs: 3_100, localTimeMs: 3_100 },
      { kind: 'trust', timeMs: 3_400, localTimeMs: 3_400 },
    ];
    const qos = measureQoS(transitions, result.sim.truth, 'p', 0, 10_000);
    expect(qos.mistakes.map((mistake) => mistake.durationMs)).toEqual([100, 300]);
    expect(qos.mistakeRecurrence.meanMs).toBe(2_100);
    expect(qos.mistakeDuration.meanMs).toBe(200);
    expect(qos.goodPeriod.meanMs).toBe(2_000);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - 400 / 10_000, 12);
    expect(qos.mistakesPerUpSecond).toBeCloseTo(0.2, 12);
    expect(qos.mistakeRatePerSec).toBeCloseTo(1_000 / 2_100, 12);
  });

  it('summarise gives nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    const summary = summarise(values);
    expect(summary.p50Ms).toBe(50);
    expect(summary.p99Ms).toBe(99);
    expect(summary.maxMs).toBe(100);
    expect(summary.meanMs).toBe(50.5);
    expect(summarise([]).meanMs).toBeUndefined();
  });

  it('rejects a bad window and bad harness options', () => {
    const result = run(1, { kind: 'constant', ms: 10 }, 0, 10);
    expect(() => measureQoS([], result.sim.truth, 'p', 10, 10)).toThrow(InvalidArgumentError);
    expect(() => runDetectorHarness({ seed: 1, monitored: ['q'], monitor: 'q', intervalMs: 100, durationMs: 10, sampleEveryMs: 10, detectors: { x: () => new FixedTimeoutDetector({ timeoutMs: 1 }) } })).toThrow(/monitored/);
    expect(() => runDetectorHarness({ seed: 1, monitored: ['p'], monitor: 'q', intervalMs: 0, durationMs: 10, sampleEveryMs: 10, detectors: { x: () => new FixedTimeoutDetector({ timeoutMs: 1 }) } })).toThrow(/intervalMs/);
    expect(() => runDetectorHarness({ seed: 1, monitored: ['p'], monitor: 'q', intervalMs: 100, durationMs: 10, sampleEveryMs: 10, detectors: {} })).toThrow(/detectors/);
  });
});
