import { describe, expect, it } from 'vitest';
import { FixedTimeoutDetector } from '../../src/detectors/fixed-timeout.js';

describe('FixedTimeoutDetector', () => {
  it('trusts the process and reports 0 before the first heartbeat', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 500 });
    expect(detector.suspicion(1e9)).toBe(0);
    expect(detector.isAvailable(1e9)).toBe(true);
  });

  it('suspicion is the silence over the timeout', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 500 });
    detector.heartbeat(1_000);
    expect(detector.suspicion(1_000)).toBe(0);
    expect(detector.suspicion(1_250)).toBe(0.5);
    expect(detector.suspicion(1_500)).toBe(1);
    expect(detector.suspicion(3_000)).toBe(4);
  });

  it('suspects only once the silence exceeds the timeout', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 500 });
    detector.heartbeat(1_000);
    expect(detector.isAvailable(1_400)).toBe(true);
    expect(detector.isAvailable(1_500)).toBe(true);
    expect(detector.isAvailable(1_500.001)).toBe(false);
    expect(detector.isAvailable(1_600)).toBe(false);
  });

  it('a new heartbeat restores trust and restarts the clock', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 100 });
    detector.heartbeat(0);
    expect(detector.isAvailable(1_000)).toBe(false);
    detector.heartbeat(1_000);
    expect(detector.isAvailable(1_050)).toBe(true);
    expect(detector.suspicion(1_050)).toBe(0.5);
    detector.heartbeat(1_000); // equal times are allowed
    expect(detector.suspicion(1_100)).toBe(1);
  });

  it('a query before the last heartbeat gives +0, not a negative value', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 100 });
    detector.heartbeat(1_000);
    expect(Object.is(detector.suspicion(500), 0)).toBe(true);
    expect(detector.isAvailable(500)).toBe(true);
  });

  it('stays finite when the ratio overflows', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 1e-300 });
    detector.heartbeat(0);
    expect(detector.suspicion(1e300)).toBe(Number.MAX_VALUE);
    expect(detector.isAvailable(1e300)).toBe(false);
  });

  it('has a name and keeps its timeout', () => {
    const detector = new FixedTimeoutDetector({ timeoutMs: 250 });
    expect(detector.name).toBe('fixed-timeout');
    expect(detector.timeoutMs).toBe(250);
  });
});
