import { describe, expect, it } from 'vitest';
import { PhiAccrualDetector, type PhiAccrualDetectorOptions } from '../../src/detectors/phi-accrual.js';
import { IntervalWindow } from '../../src/detectors/interval-window.js';

// The numbers in 'Akka's AccrualFailureDetectorSpec' below, and their tolerances, are those of
// akka/akka-core, akka-remote/src/test/scala/akka/remote/AccrualFailureDetectorSpec.scala
// (commit 0c2027ac8107f99eec9e682e7ac482b3e77ed1ae; the same in apache/pekko), checked against
// akka-remote/src/main/scala/akka/remote/PhiAccrualFailureDetector.scala of the same commit.

/** `expect(actual).toBeCloseTo` with scalatest's absolute `+-` tolerance. */
function expectWithin(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected), `${actual} should be ${expected} ± ${tolerance}`).toBeLessThanOrEqual(tolerance);
}

/**
 * Akka's fakeTimeGenerator: the clock returns the running sum of `intervals`, one step per read.
 * Each heartbeat(), phi and isAvailable of the facade reads the clock once, as Akka's do.
 */
function akkaDetector(options: PhiAccrualDetectorOptions, intervals: number[]) {
  const detector = new PhiAccrualDetector(options);
  let index = 0;
  let time = 0;
  const clock = (): number => {
    if (index >= intervals.length) throw new Error('fake clock ran out of times');
    time = index === 0 ? intervals[0]! : time + intervals[index]!;
    index++;
    return time;
  };
  return {
    detector,
    heartbeat: (): void => detector.heartbeat(clock()),
    phi: (): number => detector.suspicion(clock()),
    isAvailable: (): boolean => detector.isAvailable(clock()),
  };
}

/** Akka's `fd.phi(timeDiff, mean, stdDeviation)`, transcribed literally. */
function akkaPhi(timeDiff: number, mean: number, stdDeviation: number): number {
  const y = (timeDiff - mean) / stdDeviation;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  return timeDiff > mean ? -Math.log10(e / (1.0 + e)) : -Math.log10(1.0 - 1.0 / (1.0 + e));
}

const cdf = (phi: number): number => 1.0 - Math.pow(10, -phi);
const cdfs = ['logistic', 'exact'] as const;

describe("Akka's AccrualFailureDetectorSpec: phi(timeDiff, mean, stdDeviation)", () => {
  const phi = (timeDiff: number, mean: number, stdDeviation: number): number => PhiAccrualDetector.phi(timeDiff, mean, stdDeviation);

  describe.each(cdfs)('use good enough cumulative distribution function (%s)', (kind) => {
    const phiOf = (timeDiff: number, mean: number, stdDeviation: number): number => PhiAccrualDetector.phi(timeDiff, mean, stdDeviation, kind);
    it('matches the normal CDF table', () => {
      expectWithin(cdf(phiOf(0, 0, 10)), 0.5, 0.001);
      expectWithin(cdf(phiOf(6, 0, 10)), 0.7257, 0.001);
      expectWithin(cdf(phiOf(15, 0, 10)), 0.9332, 0.001);
      expectWithin(cdf(phiOf(20, 0, 10)), 0.97725, 0.001);
      expectWithin(cdf(phiOf(25, 0, 10)), 0.99379, 0.001);
      expectWithin(cdf(phiOf(35, 0, 10)), 0.99977, 0.001);
      expectWithin(cdf(phiOf(40, 0, 10)), 0.99997, 0.0001);
      expectWithin(cdf(phiOf(22, 20.0, 3)), 0.7475, 0.001);
    });
    it('is strictly increasing over 0..40', () => {
      for (let x = 0; x < 40; x++) expect(phiOf(x, 0, 10)).toBeLessThan(phiOf(x + 1, 0, 10));
    });
  });

  it('handle outliers without losing precision or hitting exceptions', () => {
    expectWithin(phi(10, 0, 1), 38.0, 1.0);
    expect(Object.is(phi(-25, 0, 1), 0)).toBe(true); // +0, where Akka's own arithmetic gives -0.0
  });

  it('return realistic phi values', () => {
    const table: Array<[number, number]> = [[0, 0.0], [500, 0.1], [1000, 0.3], [1200, 1.6], [1400, 4.7], [1600, 10.8], [1700, 15.3]];
    for (const [timeDiff, expectedPhi] of table) expectWithin(phi(timeDiff, 1000.0, 100.0), expectedPhi, 0.1);
    // larger stdDeviation results => lower phi
    expect(phi(1100, 1000.0, 500.0)).toBeLessThan(phi(1100, 1000.0, 100.0));
  });
});

describe.each(cdfs)("Akka's AccrualFailureDetectorSpec: the detector (cdf %s)", (cdf) => {
  it('return phi value of 0.0 on startup for each address, when no heartbeats', () => {
    const detector = new PhiAccrualDetector({ cdf });
    expect(detector.suspicion(0)).toBe(0);
    expect(detector.suspicion(1.7e12)).toBe(0);
  });

  it('return phi based on guess when only one heartbeat', () => {
    const fd = akkaDetector({ firstHeartbeatEstimateMs: 1000, cdf }, [0, 1000, 1000, 1000, 1000]);
    fd.heartbeat();
    expectWithin(fd.phi(), 0.3, 0.2);
    expectWithin(fd.phi(), 4.5, 0.3);
    expect(fd.phi()).toBeGreaterThan(15.0);
  });

  it('return phi value using first interval after second heartbeat', () => {
    const fd = akkaDetector({ cdf }, [0, 100, 100, 100]);
    fd.heartbeat();
    expect(fd.phi()).toBeGreaterThan(0.0);
    fd.heartbeat();
    expect(fd.phi()).toBeGreaterThan(0.0);
  });

  it('mark node as monitored after a series of successful heartbeats', () => {
    const fd = akkaDetector({ cdf }, [0, 1000, 100, 100]);
    expect(fd.detector.isMonitoring).toBe(false);
    fd.heartbeat();
    fd.heartbeat();
    fd.heartbeat();
    expect(fd.detector.isMonitoring).toBe(true);
    expect(fd.isAvailable()).toBe(true);
  });

  it('mark node as dead if heartbeat are missed', () => {
    const fd = akkaDetector({ threshold: 3, cdf }, [0, 1000, 100, 100, 7000]);
    fd.heartbeat(); // 0
    fd.heartbeat(); // 1000
    fd.heartbeat(); // 1100
    expect(fd.isAvailable()).toBe(true); // 1200
    expect(fd.isAvailable()).toBe(false); // 8200
  });

  it('mark node as available if it starts heartbeat again after being marked dead due to detection of failure', () => {
    // 1000 regular intervals, 5 minute pause, and then a short pause again that should trigger unreachable again
    const intervals = [0, ...Array<number>(999).fill(1000), 5 * 60 * 1000, 100, 900, 100, 7000, 100, 900, 100, 900];
    const fd = akkaDetector({ threshold: 8, acceptableHeartbeatPauseMs: 3000, cdf }, intervals);
    for (let i = 0; i < 1000; i++) fd.heartbeat();
    expect(fd.isAvailable()).toBe(false); // after the long pause
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(false); // after the 7 seconds pause
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
  });

  it('accept some configured missing heartbeats', () => {
    const fd = akkaDetector({ acceptableHeartbeatPauseMs: 3000, cdf }, [0, 1000, 1000, 1000, 4000, 1000, 1000]);
    fd.heartbeat();
    fd.heartbeat();
    fd.heartbeat();
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
  });

  it('fail after configured acceptable missing heartbeats', () => {
    const fd = akkaDetector({ acceptableHeartbeatPauseMs: 3000, cdf }, [0, 1000, 1000, 1000, 1000, 1000, 500, 500, 5000]);
    for (let i = 0; i < 6; i++) fd.heartbeat();
    expect(fd.isAvailable()).toBe(true);
    fd.heartbeat();
    expect(fd.isAvailable()).toBe(false);
  });

  it('use maxSampleSize heartbeats', () => {
    const fd = akkaDetector({ maxSampleSize: 3, cdf }, [0, 100, 100, 100, 100, 600, 500, 500, 500, 500, 500]);
    // 100 ms interval
    fd.heartbeat(); // 0
    fd.heartbeat(); // 100
    fd.heartbeat(); // 200
    fd.heartbeat(); // 300
    const phi1 = fd.phi(); // 400
    // 500 ms interval, should become same phi when 100 ms intervals have been dropped
    fd.heartbeat(); // 1000
    fd.heartbeat(); // 1500
    fd.heartbeat(); // 2000
    fd.heartbeat(); // 2500
    const phi2 = fd.phi(); // 3000
    expectWithin(phi2, phi1, 0.001);
  });
});

describe("Akka's AccrualFailureDetectorSpec: Statistics for heartbeats (HeartbeatHistory)", () => {
  const history = (maxSampleSize: number, samples: number[]): IntervalWindow => {
    const window = new IntervalWindow(maxSampleSize, 'maxSampleSize');
    for (const sample of samples) window.push(sample);
    return window;
  };

  it('calculate correct mean and variance', () => {
    const stats = history(20, [100, 200, 125, 340, 130]);
    expectWithin(stats.mean, 179.0, 0.00001);
    expectWithin(stats.variance, 7584.0, 0.00001);
  });

  it('have 0.0 variance for one sample', () => {
    expectWithin(history(600, [1000]).variance, 0.0, 0.00001);
  });

  it('be capped by the specified maxSampleSize', () => {
    const window = history(3, [100, 110, 90]);
    expectWithin(window.mean, 100.0, 0.00001);
    expectWithin(window.variance, 66.6666667, 0.00001);
    window.push(140);
    expectWithin(window.mean, 113.333333, 0.00001);
    expectWithin(window.variance, 422.222222, 0.00001);
    window.push(80);
    expectWithin(window.mean, 103.333333, 0.00001);
    expectWithin(window.variance, 688.88888889, 0.00001);
  });
});

describe('PhiAccrualDetector beyond the Akka spec', () => {
  it("the logistic CDF is Akka's formula to rounding, and stays finite where Akka's overflows", () => {
    for (let y = -30; y <= 21; y += 0.25) {
      const akka = Math.max(akkaPhi(1000 + 100 * y, 1000, 100), 0);
      const ours = PhiAccrualDetector.phi(1000 + 100 * y, 1000, 100);
      expect(Math.abs(ours - akka)).toBeLessThanOrEqual(1e-12 * Math.max(1, akka));
    }
    expect(akkaPhi(1000 + 100 * 22, 1000, 100)).toBe(Infinity);
    const far = PhiAccrualDetector.phi(1000 + 100 * 22, 1000, 100);
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeGreaterThan(PhiAccrualDetector.phi(1000 + 100 * 21, 1000, 100));
  });

  it('the exact CDF matches -log10 of the normal upper tail (mpmath, 50 digits)', () => {
    // -log10(ncdf(-y)) from mpmath 1.3.0 at mp.dps = 50.
    const reference: Array<[number, number]> = [
      [-8, 2.7017288495439214e-16], [-5, 1.2449121373882918e-7], [-3, 0.0005866493137900667], [-2, 0.009994379534108708],
      [-1, 0.07502601295781802], [-0.5, 0.16023139227784902], [0, 0.3010299956639812], [0.5, 0.5106919892652407],
      [1, 0.7995455414919705], [2, 1.643016080140937], [3, 2.869699035929369], [4, 4.499334907556479],
      [5, 6.5426456723906545], [6, 9.005864327476704], [8, 15.206142551017155], [10, 23.118053405486076],
      [20, 88.56009534307559], [30, 197.30920926166095], [40, 349.43700645934587], [100, 2173.8715428690343],
    ];
    for (const [y, expected] of reference) {
      const actual = PhiAccrualDetector.phi(y, 0, 1, 'exact');
      expect(Math.abs(actual - expected), `y = ${y}`).toBeLessThanOrEqual(1e-12 * expected + 1e-30);
    }
    expect(Object.is(PhiAccrualDetector.phi(-40, 0, 1, 'exact'), 0)).toBe(true);
  });

  it('the documented logistic-versus-exact differences (measured)', () => {
    const both = (y: number): [number, number] => [PhiAccrualDetector.phi(y, 0, 1), PhiAccrualDetector.phi(y, 0, 1, 'exact')];
    for (let y = -2; y <= 2; y += 0.01) {
      const [logistic, exact] = both(y);
      expect(Math.abs(logistic - exact)).toBeLessThan(0.0011);
    }
    const [atWorst, exactAtWorst] = both(1.69);
    expectWithin(atWorst, 1.3408, 0.00005);
    expectWithin(exactAtWorst, 1.3419, 0.00005);
    const measured: Array<[number, number, number]> = [[3, 2.909, 2.870], [5, 7.300, 6.543], [8, 21.24, 15.21], [10, 37.58, 23.12]];
    for (const [y, logistic, exact] of measured) {
      const [ours, exactOurs] = both(y);
      expectWithin(ours, logistic, 0.0051);
      expectWithin(exactOurs, exact, 0.0051);
    }
    // The default threshold 8 is crossed at y = 5.23 (logistic) and 5.61 (exact).
    expect(both(5.22)[0]).toBeLessThan(8);
    expect(both(5.23)[0]).toBeGreaterThan(8);
    expect(both(5.61)[1]).toBeLessThan(8);
    expect(both(5.62)[1]).toBeGreaterThan(8);
    const [logisticLow, exactLow] = both(-3);
    expectWithin(logisticLow, 0.00054, 0.000005);
    expectWithin(exactLow, 0.00059, 0.000005);
  });

  it('the first heartbeat seeds mean e and deviation e/4', () => {
    const detector = new PhiAccrualDetector({ firstHeartbeatEstimateMs: 1000 });
    detector.heartbeat(5_000);
    expect(detector.sampleCount).toBe(2);
    expect(detector.meanIntervalMs).toBe(1000);
    expect(detector.stdDeviationMs).toBe(250);
    expectWithin(detector.suspicion(6_000), Math.log10(2), 1e-12); // y = 0
  });

  it('records an interval only if the process was available when the heartbeat arrived', () => {
    const detector = new PhiAccrualDetector({ threshold: 3 });
    for (let t = 0; t <= 10_000; t += 1000) detector.heartbeat(t);
    expect(detector.sampleCount).toBe(12);
    expect(detector.isAvailable(60_000)).toBe(false);
    detector.heartbeat(60_000);
    expect(detector.sampleCount).toBe(12); // the 50 s gap is not recorded
    expect(detector.meanIntervalMs).toBe(1000);
    detector.heartbeat(61_000);
    expect(detector.sampleCount).toBe(13);
  });

  it('adds the acceptable pause to the mean and floors the deviation', () => {
    const plain = new PhiAccrualDetector({ minStdDeviationMs: 50 });
    const paused = new PhiAccrualDetector({ minStdDeviationMs: 50, acceptableHeartbeatPauseMs: 2000 });
    for (let t = 0; t <= 100_000; t += 1000) {
      plain.heartbeat(t);
      paused.heartbeat(t);
    }
    // history: 750, 1250 and 100 intervals of 1000 → deviation 35 ms, floored to 50
    expect(plain.stdDeviationMs).toBeLessThan(50);
    expectWithin(plain.suspicion(101_050), PhiAccrualDetector.phi(1050, plain.meanIntervalMs, 50), 1e-12);
    expectWithin(paused.suspicion(103_000), PhiAccrualDetector.phi(3000, paused.meanIntervalMs + 2000, 50), 1e-12);
    expect(paused.isAvailable(102_500)).toBe(true);
    expect(plain.isAvailable(102_500)).toBe(false);
  });

  it('is suspected at the threshold, not only above it', () => {
    const probe = new PhiAccrualDetector();
    probe.heartbeat(0);
    const detector = new PhiAccrualDetector({ threshold: probe.suspicion(1000) });
    detector.heartbeat(0);
    expect(detector.suspicion(1000)).toBe(detector.threshold);
    expect(detector.isAvailable(1000)).toBe(false);
    expect(detector.isAvailable(999)).toBe(true);
  });

  it('names itself by its CDF and keeps its options', () => {
    expect(new PhiAccrualDetector().name).toBe('phi-accrual');
    const exact = new PhiAccrualDetector({ cdf: 'exact', threshold: 5, maxSampleSize: 10, minStdDeviationMs: 20, acceptableHeartbeatPauseMs: 7, firstHeartbeatEstimateMs: 300 });
    expect(exact.name).toBe('phi-accrual-exact');
    expect([exact.cdf, exact.threshold, exact.maxSampleSize, exact.minStdDeviationMs, exact.acceptableHeartbeatPauseMs, exact.firstHeartbeatEstimateMs]).toEqual(['exact', 5, 10, 20, 7, 300]);
  });

  it('a query before the last heartbeat is not suspicious', () => {
    const detector = new PhiAccrualDetector();
    detector.heartbeat(10_000);
    expect(detector.suspicion(0)).toBeGreaterThanOrEqual(0);
    expect(detector.isAvailable(0)).toBe(true);
  });
});
