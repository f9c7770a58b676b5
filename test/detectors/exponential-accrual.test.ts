import { describe, expect, it } from 'vitest';
import { ExponentialAccrualDetector } from '../../src/detectors/exponential-accrual.js';

const PHI_FACTOR = 1 / Math.log(10);

function expectWithin(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected), `${actual} should be ${expected} ± ${tolerance}`).toBeLessThanOrEqual(tolerance);
}

describe('ExponentialAccrualDetector', () => {
  // apache/cassandra, test/unit/org/apache/cassandra/gms/ArrivalWindowTest.java (commit
  // ffb7f6491d905cd2edaba3a710a1c0bb1f1bf797): a window of 4, heartbeats at 111..555 ms, raw phi
  // (elapsed / mean, before PHI_FACTOR) 1.0 ± 0.01 at 666 ms and 22.03 ± 0.01 at 3000 ms. The
  // seed is Cassandra's INITIAL_VALUE (2 × 1000 ms gossip interval); the window of 4 drops it.
  it("Cassandra's ArrivalWindowTest.testWithNanoTime", () => {
    const detector = new ExponentialAccrualDetector({ maxSampleSize: 4, firstHeartbeatEstimateMs: 2000 });
    for (const t of [111, 222, 333, 444, 555]) detector.heartbeat(t);
    expectWithin(detector.suspicion(666) / PHI_FACTOR, 1.0, 0.01);
    expectWithin(detector.suspicion(3000) / PHI_FACTOR, 22.03, 0.01);
    // The older ArrivalWindowTest (PHI_FACTOR applied inside ArrivalWindow) asserts the scaled values.
    expectWithin(detector.suspicion(666), 0.4342, 0.01);
    expectWithin(detector.suspicion(3000), 9.566, 0.01);
  });

  it('trusts the process and reports 0 before the first heartbeat', () => {
    const detector = new ExponentialAccrualDetector();
    expect(detector.isMonitoring).toBe(false);
    expect(detector.suspicion(5_000)).toBe(0);
    expect(detector.isAvailable(5_000)).toBe(true);
  });

  it('the first heartbeat records firstHeartbeatEstimateMs', () => {
    const detector = new ExponentialAccrualDetector({ firstHeartbeatEstimateMs: 700 });
    detector.heartbeat(10_000);
    expect(detector.isMonitoring).toBe(true);
    expect(detector.sampleCount).toBe(1);
    expect(detector.meanIntervalMs).toBe(700);
    expectWithin(detector.suspicion(10_700), PHI_FACTOR, 1e-15);
  });

  it('a steady stream keeps phi small', () => {
    const detector = new ExponentialAccrualDetector();
    let worst = 0;
    for (let t = 0; t <= 100_000; t += 1_000) {
      detector.heartbeat(t);
      for (const delay of [0, 250, 500, 999]) worst = Math.max(worst, detector.suspicion(t + delay));
    }
    expect(worst).toBeLessThan(PHI_FACTOR); // under one mean interval of silence
    expect(detector.isAvailable(100_999)).toBe(true);
  });

  it('a gap grows phi linearly, by 1 every mean × ln 10 ms, and convicts strictly above the threshold', () => {
    const detector = new ExponentialAccrualDetector({ threshold: 8 });
    for (let t = 0; t <= 10_000; t += 1_000) detector.heartbeat(t);
    expect(detector.meanIntervalMs).toBe(1000);
    const at = (silenceMs: number): number => detector.suspicion(10_000 + silenceMs);
    expectWithin(at(1_000), PHI_FACTOR, 1e-15);
    expectWithin(at(5_000) - at(4_000), at(2_000) - at(1_000), 1e-12);
    expectWithin(at(1000 * Math.LN10), 1, 1e-12);
    expectWithin(at(8 * 1000 * Math.LN10), 8, 1e-12);
    expect(detector.isAvailable(28_000)).toBe(true);
    expect(detector.isAvailable(29_000)).toBe(false);
  });

  it('is available exactly at the threshold (Cassandra convicts on phi > threshold)', () => {
    const probe = new ExponentialAccrualDetector();
    probe.heartbeat(0);
    const detector = new ExponentialAccrualDetector({ threshold: probe.suspicion(3_000) });
    detector.heartbeat(0);
    expect(detector.suspicion(3_000)).toBe(detector.threshold);
    expect(detector.isAvailable(3_000)).toBe(true);
    expect(detector.isAvailable(3_001)).toBe(false);
  });

  it('ignores intervals above maxIntervalMs, records those at it', () => {
    const detector = new ExponentialAccrualDetector({ maxIntervalMs: 2_000, firstHeartbeatEstimateMs: 1_000 });
    detector.heartbeat(0);
    detector.heartbeat(10_000); // 10 s outage: ignored
    expect(detector.sampleCount).toBe(1);
    expect(detector.meanIntervalMs).toBe(1_000);
    detector.heartbeat(12_000); // exactly maxIntervalMs: recorded
    expect(detector.sampleCount).toBe(2);
    expect(detector.meanIntervalMs).toBe(1_500);
    detector.heartbeat(14_000.5);
    expect(detector.sampleCount).toBe(2);
  });

  it('the mean is over the last maxSampleSize recorded intervals', () => {
    const detector = new ExponentialAccrualDetector({ maxSampleSize: 3, firstHeartbeatEstimateMs: 1_000 });
    detector.heartbeat(0); // [1000]
    detector.heartbeat(100); // [1000, 100]
    detector.heartbeat(200); // [1000, 100, 100]
    expectWithin(detector.meanIntervalMs, 400, 1e-12);
    detector.heartbeat(300); // [100, 100, 100]
    expect(detector.sampleCount).toBe(3);
    expectWithin(detector.meanIntervalMs, 100, 1e-12);
    for (let t = 800; t <= 2_300; t += 500) detector.heartbeat(t); // [500, 500, 500]
    expectWithin(detector.meanIntervalMs, 500, 1e-12);
    expectWithin(detector.suspicion(2_800), PHI_FACTOR, 1e-12);
  });

  it('a window of zero intervals makes any silence maximally suspicious, and no silence 0', () => {
    const detector = new ExponentialAccrualDetector({ maxSampleSize: 1 });
    detector.heartbeat(0);
    detector.heartbeat(0);
    expect(detector.meanIntervalMs).toBe(0);
    expect(detector.suspicion(0)).toBe(0);
    expect(detector.suspicion(1)).toBe(Number.MAX_VALUE);
    expect(detector.isAvailable(1)).toBe(false);
  });

  it('has a name and keeps its options', () => {
    const detector = new ExponentialAccrualDetector({ threshold: 5, maxSampleSize: 10, maxIntervalMs: 3_000, firstHeartbeatEstimateMs: 400 });
    expect(detector.name).toBe('exponential-accrual');
    expect([detector.threshold, detector.maxSampleSize, detector.maxIntervalMs, detector.firstHeartbeatEstimateMs]).toEqual([5, 10, 3_000, 400]);
    const defaults = new ExponentialAccrualDetector();
    expect([defaults.threshold, defaults.maxSampleSize, defaults.maxIntervalMs, defaults.firstHeartbeatEstimateMs]).toEqual([8, 1000, 2000, 1000]);
  });
});
