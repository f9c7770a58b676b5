import { describe, expect, it } from 'vitest';
import { FixedTimeoutDetector } from '../../src/detectors/fixed-timeout.js';
import { HARNESS_OPTION_KEYS, runDetectorHarness, type DetectorHarnessOptions } from '../../src/detectors/harness.js';
import { measureQoS } from '../../src/detectors/qos.js';
import { FaultlineError, InvalidArgumentError, LimitExceededError } from '../../src/errors.js';
import { fc, prop } from '../kernel/prop.js';
import { catchError, expectInvalidArgument } from './expect-invalid.js';

const DAY_MS = 24 * 3_600_000;

/** A small valid run: p heartbeats to q every 100 ms, watched by one fixed timeout. */
function base(): DetectorHarnessOptions {
  return {
    seed: 1,
    monitored: ['p'],
    monitor: 'q',
    intervalMs: 100,
    durationMs: 2_000,
    sampleEveryMs: 50,
    detectors: { fixed: () => new FixedTimeoutDetector({ timeoutMs: 250 }) },
  };
}

/** Runs with `extra` merged over the base options, whatever their type. */
function runWith(extra: Record<string, unknown>): ReturnType<typeof runDetectorHarness> {
  return runDetectorHarness({ ...base(), ...extra } as DetectorHarnessOptions);
}

describe('runDetectorHarness: unknown option keys', () => {
  it('rejects a misspelt `faults` instead of running fault-free', () => {
    const crash = [{ kind: 'crash', atMs: 1_000, target: 'p' }];
    // The correct spelling crashes p; the typo must not silently give a healthy run.
    expect(runWith({ faults: crash }).sim.truth.isUp('p')).toBe(false);
    expectInvalidArgument(() => runWith({ fault: crash }), 'fault');
    const error = catchError(() => runWith({ faults_: crash })) as InvalidArgumentError;
    expect(error.message).toContain('faults'); // lists the known keys
  });

  it('rejects unknown keys in the nested options it reads, naming the harness field', () => {
    expectInvalidArgument(() => runWith({ network: { lossProbabilty: 0.1 } }), 'network.lossProbabilty');
    expectInvalidArgument(() => runWith({ faults: [{ kind: 'crash', atMS: 1_000, target: 'p' }] }), 'faults[0].atMS');
    expectInvalidArgument(() => runWith({ faults: [{ kind: 'crash', atMs: 1_000, target: 'p', param: {} }] }), 'faults[0].param');
  });
});

describe('runDetectorHarness: runs past the kernel default of 30 days', () => {
  it('runs 40 days of daily heartbeats and detects a crash on day 35', () => {
    const result = runDetectorHarness({
      seed: 2,
      monitored: ['p'],
      monitor: 'q',
      intervalMs: DAY_MS,
      durationMs: 40 * DAY_MS,
      sampleEveryMs: DAY_MS / 4,
      detectors: { fixed: () => new FixedTimeoutDetector({ timeoutMs: 1.5 * DAY_MS }) },
      faults: [{ kind: 'crash', atMs: 35 * DAY_MS + 1_000, target: 'p' }],
    });
    expect(result.sim.now).toBe(40 * DAY_MS);
    expect(result.sent['p']).toBe(36); // heartbeats 0..35, the last at day 35 just before the crash
    const transitions = result.transitions['fixed']!['p']!;
    expect(transitions).toHaveLength(1);
    // Heartbeat 35 arrives 1 ms after day 35; the timeout runs out 1.5 days later.
    expect(transitions[0]!.kind).toBe('suspect');
    expect(transitions[0]!.timeMs).toBeCloseTo(36.5 * DAY_MS + 1, 3);
    const qos = measureQoS(transitions, result.sim.truth, 'p', 0, 40 * DAY_MS);
    expect(qos.crashes).toBe(1);
    expect(qos.detectionTime.maxMs).toBeCloseTo(1.5 * DAY_MS - 999, 3);
  });

  it('hands maxEvents and maxTimeMs to the simulation it builds; maxTimeMs defaults to durationMs', () => {
    expect(runWith({}).sim.maxTimeMs).toBe(2_000);
    const result = runWith({ maxTimeMs: 5_000, maxEvents: 1_000 });
    expect(result.sim.maxTimeMs).toBe(5_000);
    expect(result.sim.maxEvents).toBe(1_000);
    const error = catchError(() => runWith({ maxEvents: 10 }));
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).limit).toBe('maxEvents');
  });

  it('rejects a maxTimeMs the run would pass, and a bad maxEvents', () => {
    expectInvalidArgument(() => runWith({ maxTimeMs: 1_999 }), 'maxTimeMs');
    expectInvalidArgument(() => runWith({ maxTimeMs: Number.POSITIVE_INFINITY }), 'maxTimeMs');
    expectInvalidArgument(() => runWith({ maxEvents: 0 }), 'maxEvents');
    expectInvalidArgument(() => runWith({ maxEvents: 1.5 }), 'maxEvents');
  });
});

describe('runDetectorHarness: detector factories', () => {
  const notDetectors: Array<[string, unknown]> = [
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an object without methods', {}],
    ['an object missing isAvailable', { name: 'x', heartbeat() {}, suspicion: () => 0 }],
    ['an object whose heartbeat is not a function', { name: 'x', heartbeat: 1, suspicion: () => 0, isAvailable: () => true }],
  ];
  for (const [label, value] of notDetectors) {
    it(`rejects a factory returning ${label} at configuration time, naming the detector`, () => {
      let calls = 0;
      const error = catchError(() =>
        runWith({
          detectors: {
            fixed: () => new FixedTimeoutDetector({ timeoutMs: 250 }),
            broken: () => {
              calls++;
              return value;
            },
          },
        }),
      );
      expect(error).toBeInstanceOf(InvalidArgumentError); // not a HandlerError wrapping a TypeError
      expect((error as InvalidArgumentError).field).toBe('detectors.broken()');
      expect((error as InvalidArgumentError).message).toContain('FailureDetector');
      expect(calls).toBe(1); // checked on the first call, before any event ran
    });
  }

  it('rejects a factory that hands the same instance to two monitored nodes', () => {
    const shared = new FixedTimeoutDetector({ timeoutMs: 250 });
    expectInvalidArgument(() => runWith({ monitored: ['p', 'r'], detectors: { shared: () => shared } }), 'detectors.shared()');
    // One node, one call: a single instance is fine.
    expect(runWith({ detectors: { shared: () => shared } }).transitions['shared']!['p']).toEqual([]);
  });
});

describe('runDetectorHarness: null is not "absent"', () => {
  for (const key of HARNESS_OPTION_KEYS) {
    it(`rejects ${key}: null`, () => {
      const error = catchError(() => runWith({ [key]: null }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toBe(key);
    });
  }

  it('treats undefined as absent', () => {
    const result = runWith({ startMs: undefined, network: undefined, faults: undefined, maxEvents: undefined, maxTimeMs: undefined });
    expect(result.sent['p']).toBe(21); // 0, 100, …, 2,000
  });

  prop([fc.constantFrom(...HARNESS_OPTION_KEYS), fc.oneof(fc.constant(null), fc.constant(Number.NaN), fc.constant(-1), fc.constant(''), fc.constant('x'), fc.constant([]), fc.constant(true), fc.object())], { numRuns: 200 })(
    'garbage in any option gives a typed error naming it, or a normal run',
    (key, value) => {
      let error: unknown;
      try {
        runWith({ [key]: value });
      } catch (caught) {
        error = caught;
      }
      if (error === undefined) return; // e.g. seed: 'x' or monitor: 'x' are valid
      expect(error).toBeInstanceOf(FaultlineError);
      if (error instanceof InvalidArgumentError) expect(error.field.startsWith(key) || error.field.startsWith('monitored')).toBe(true);
    },
  );
});

describe('a jump of the monitor clock', () => {
  it('places the suspicion it causes after the jump, not before the last sample that saw trust', () => {
    const result = runDetectorHarness({
      seed: 1,
      monitored: ['p'],
      monitor: 'q',
      intervalMs: 100,
      durationMs: 8_000,
      sampleEveryMs: 50,
      network: { latency: { kind: 'constant', ms: 10 } },
      faults: [{ kind: 'clock-skew', atMs: 5_050, target: 'q', params: { deltaMs: 1_000 } }],
      detectors: { timeout: () => new FixedTimeoutDetector({ timeoutMs: 250 }) },
    });
    const transitions = result.transitions['timeout']!['p']!;
    const suspicion = transitions.find((transition) => transition.kind === 'suspect');
    expect(suspicion).toBeDefined();
    // The local clock leapt 1 s ahead at 5,050: the silence it sees ends with the next heartbeat.
    expect(suspicion!.timeMs).toBeGreaterThanOrEqual(5_050);
    const trust = transitions.find((transition) => transition.kind === 'trust' && transition.timeMs > suspicion!.timeMs)!;
    expect(trust.timeMs - suspicion!.timeMs).toBeLessThanOrEqual(100);
    for (let index = 1; index < transitions.length; index++) expect(transitions[index]!.timeMs).toBeGreaterThanOrEqual(transitions[index - 1]!.timeMs);
  });
});

describe('a duration past the last simulated instant', () => {
  it('is refused naming durationMs, not the maxTimeMs the user never gave', () => {
    expectInvalidArgument(
      () => runDetectorHarness({ seed: 1, monitored: ['p'], monitor: 'q', intervalMs: 100, durationMs: 2 ** 60, sampleEveryMs: 50, detectors: { timeout: () => new FixedTimeoutDetector({ timeoutMs: 250 }) } }),
      'durationMs',
    );
  });
});
