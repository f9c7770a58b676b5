import { describe, expect, it } from 'vitest';
import { NfdSDetector } from '../../src/detectors/chen.js';
import { runDetectorHarness, type DetectorTransition, type HeartbeatArrival } from '../../src/detectors/harness.js';
import { measureQoS, type MistakeCause, type QoSContext } from '../../src/detectors/qos.js';
import type { FaultSchedule } from '../../src/faults/fault.js';
import { Simulation } from '../../src/simulation.js';
import type { GroundTruth } from '../../src/world/ground-truth.js';
import { expectInvalidArgument } from './expect-invalid.js';

// Every boundary of measureQoS's windows, on hand-made transitions and heartbeat arrivals against
// a ground truth with faults at known times. p is monitored by q; η = 100 ms.

const ETA = 100;
const END_MS = 10_000;

/** The ground truth of an idle p and q under `faults`, run to END_MS. */
function world(faults: FaultSchedule, pClockOffsetMs = 0): GroundTruth {
  const sim = new Simulation({ seed: 1 });
  sim.addNode('p', () => ({}), { clock: { offsetMs: pClockOffsetMs } });
  sim.addNode('q', () => ({}));
  sim.inject(faults);
  sim.run({ until: END_MS });
  return sim.truth;
}

const cut = (atMs: number, untilMs: number): FaultSchedule => [{ kind: 'partition', atMs, durationMs: untilMs - atMs, params: { groups: [['p'], ['q']] } }];
const pause = (target: string, atMs: number, untilMs: number): FaultSchedule => [{ kind: 'pause', atMs, durationMs: untilMs - atMs, target }];
const crash = (atMs: number, untilMs?: number): FaultSchedule => [{ kind: 'crash', atMs, target: 'p', ...(untilMs === undefined ? {} : { durationMs: untilMs - atMs }) }];

/** Heartbeat `sequence`, sent at local time sequence·η (+ the sender's offset), arriving `delayMs` later. */
function beat(sequence: number, delayMs: number, senderOffsetMs = 0): HeartbeatArrival {
  const sentMs = sequence * ETA;
  return { sequence, sentLocalMs: sentMs + senderOffsetMs, timeMs: sentMs + delayMs, localTimeMs: sentMs + delayMs };
}

/** Heartbeats 0..last, each `delayMs` in flight. */
const beats = (last: number, delayMs: number, senderOffsetMs = 0): HeartbeatArrival[] => Array.from({ length: last + 1 }, (_, sequence) => beat(sequence, delayMs, senderOffsetMs));

const suspectAt = (timeMs: number): DetectorTransition => ({ kind: 'suspect', timeMs, localTimeMs: timeMs });
const trustAt = (timeMs: number): DetectorTransition => ({ kind: 'trust', timeMs, localTimeMs: timeMs });

/** The cause of a lone mistake starting at `startMs`. */
function causeOf(truth: GroundTruth, arrivals: HeartbeatArrival[], startMs: number, context: QoSContext = { monitor: 'q', intervalMs: ETA }): MistakeCause {
  const qos = measureQoS([suspectAt(startMs)], truth, 'p', 0, END_MS, { ...context, arrivals });
  expect(qos.mistakes).toHaveLength(1);
  return qos.mistakes[0]!.cause;
}

// Heartbeats 0..9 arrive 10 ms after they leave (the last, m_9, sent at 900, arrives at 910);
// m_10 is due to leave at 1,000 and never arrives. NFD-S (δ = 60) suspects at τ_10 = 1,060.
const ARRIVALS = beats(9, 10);
const MISTAKE_MS = 1_060;

describe('mistake-cause window: starts when the first missing heartbeat was due to leave', () => {
  it('a cut that ended 1 ms before m_10 was due did not stop it: loss', () => {
    expect(causeOf(world(cut(800, 999)), ARRIVALS, MISTAKE_MS)).toBe('loss');
  });

  it('a cut that ended exactly when m_10 was due may have dropped it (which ran first is event order): partition', () => {
    expect(causeOf(world(cut(800, 1_000)), ARRIVALS, MISTAKE_MS)).toBe('partition');
  });

  it('a cut that ended 1 ms after it was due: partition', () => {
    expect(causeOf(world(cut(800, 1_001)), ARRIVALS, MISTAKE_MS)).toBe('partition');
  });

  it('a cut that ended after the newest arrival but before m_10 was due: not the cause (not one interval back from the arrival)', () => {
    // One η before the newest arrival is 810; this cut ended at 950, before m_10 existed.
    expect(causeOf(world(cut(900, 950)), ARRIVALS, MISTAKE_MS)).toBe('loss');
  });

  it('heartbeats in flight longer than η: the window begins before the newest arrival', () => {
    // 150 ms in flight: m_9 (sent 900) arrives at 1,050, after m_10 was due (1,000). A 40 ms cut
    // around 1,000 dropped m_10 and was over before the newest arrival; the mistake is at 1,200.
    const slow = beats(9, 150);
    expect(causeOf(world(cut(980, 1_020)), slow, 1_200)).toBe('partition');
    expect(causeOf(world(cut(900, 999)), slow, 1_200)).toBe('loss');
  });

  it('anchors on the highest heartbeat received, not the newest to arrive', () => {
    // m_9 arrives at 905, then m_8 (sent 800) late at 950: the newest arrival is m_8, but m_10
    // (due at 1,000) is still the first missing one. Anchored on m_8, the window would begin at 900.
    const reordered = [...beats(7, 10), beat(9, 5), beat(8, 150)];
    expect(causeOf(world(cut(850, 999)), reordered, MISTAKE_MS)).toBe('loss');
    expect(causeOf(world(cut(850, 1_001)), reordered, MISTAKE_MS)).toBe('partition');
  });

  it('reads the due time on the sender clock and converts it to true time', () => {
    // p's clock is 500 ms behind: m_9 leaves at true 900 (local 400); m_10 is due at true 1,000.
    const behind = beats(9, 10, -500);
    expect(causeOf(world(cut(800, 999), -500), behind, MISTAKE_MS)).toBe('loss');
    expect(causeOf(world(cut(800, 1_001), -500), behind, MISTAKE_MS)).toBe('partition');
  });

  it('without η, begins when the highest heartbeat received was sent', () => {
    const context = { monitor: 'q' };
    expect(causeOf(world(cut(800, 899)), ARRIVALS, MISTAKE_MS, context)).toBe('loss');
    expect(causeOf(world(cut(800, 901)), ARRIVALS, MISTAKE_MS, context)).toBe('partition');
  });

  it('with no heartbeat received before the mistake, reaches back to the beginning', () => {
    expect(causeOf(world(cut(0, 10)), [beat(0, 6_000)], 5_000)).toBe('partition');
    expect(causeOf(world([]), [beat(0, 6_000)], 5_000)).toBe('delay'); // m_0 did arrive, late
    expect(causeOf(world([]), [], 5_000)).toBe('loss');
  });
});

describe('with true send times (as the harness records them), a jump of the sender clock misleads nothing', () => {
  /** Heartbeats 0..9 leaving every η in true time, 10 ms in flight, stamped with `sentMs`. */
  const stamped = (senderOffsetMs: number): HeartbeatArrival[] => beats(9, 10, senderOffsetMs).map((arrival) => ({ ...arrival, sentMs: arrival.sequence * ETA }));
  /** p's clock steps by `deltaMs` at 950, between m_9's send and m_10's due time. */
  const skewAt950 = (deltaMs: number): FaultSchedule => [{ kind: 'clock-skew', atMs: 950, target: 'p', params: { deltaMs } }];

  it('a clock stepped forward after m_9 does not pull the window back over a cut healed before m_10 was due', () => {
    const truth = world([...skewAt950(5_000), ...cut(500, 800)]);
    expect(causeOf(truth, stamped(0), MISTAKE_MS)).toBe('loss');
  });

  it('a clock stepped back after m_9 does not push the window past the cut that dropped m_10', () => {
    const truth = world([...skewAt950(-5_000), ...cut(800, 1_001)]);
    expect(causeOf(truth, stamped(0), MISTAKE_MS)).toBe('partition');
  });

  it('the harness stamps every arrival with its true send time', () => {
    const result = runDetectorHarness({ seed: 1, monitored: ['p'], monitor: 'q', intervalMs: ETA, durationMs: 2_000, sampleEveryMs: 50, network: { latency: { kind: 'constant', ms: 10 } }, detectors: { nfd: () => new NfdSDetector({ intervalMs: ETA, shiftMs: 60 }) } });
    const arrivals = result.arrivals['p']!;
    expect(arrivals.length).toBeGreaterThan(15);
    for (const arrival of arrivals) expect(arrival.sentMs).toBe(arrival.timeMs - 10);
  });
});

describe('scenario: partitions under short and long network delays (NFD-S, no loss)', () => {
  /**
   * Runs NFD-S against `cuts` partitions and checks every mistake's cause against the physics:
   * cuts drop heartbeats and never delay them, so a mistake is partition-caused exactly when a cut
   * overlapped [due time of the first missing heartbeat, mistake]; a cut over before that heartbeat
   * was due stopped nothing. Returns the causes.
   */
  function checkCauses(latency: { kind: 'uniform'; minMs: number; maxMs: number } | { kind: 'constant'; ms: number }, shiftMs: number, cutMs: (index: number) => number): Record<MistakeCause, number> {
    const faults: FaultSchedule = Array.from({ length: 30 }, (_, index) => ({ kind: 'partition', atMs: 2_000 + index * 3_037.7, durationMs: cutMs(index), params: { groups: [['p'], ['q']] } }));
    const durationMs = 100_000;
    const result = runDetectorHarness({ seed: 3, monitored: ['p'], monitor: 'q', intervalMs: ETA, durationMs, sampleEveryMs: 50, network: { latency }, faults, detectors: { nfd: () => new NfdSDetector({ intervalMs: ETA, shiftMs }) } });
    const arrivals = result.arrivals['p']!;
    const qos = measureQoS(result.transitions['nfd']!['p']!, result.sim.truth, 'p', 0, durationMs, { monitor: 'q', arrivals, intervalMs: ETA });
    const cuts = result.sim.truth.cutIntervals('p', 'q', durationMs);
    for (const mistake of qos.mistakes) {
      const highest = Math.max(...arrivals.filter((arrival) => arrival.timeMs < mistake.startMs).map((arrival) => arrival.sequence));
      const dueMs = (highest + 1) * ETA; // exact clocks: local send time is true time
      const cutInWindow = cuts.some(([start, end]) => start < mistake.startMs && end >= dueMs);
      expect(mistake.cause, `mistake at ${mistake.startMs}`).toBe(cutInWindow ? 'partition' : arrivals.some((arrival) => arrival.sequence === highest + 1) ? 'delay' : 'loss');
    }
    return qos.falseSuspicionsByCause;
  }

  it('delays shorter than η: a late heartbeat after a healed cut is a delay, not the partition', () => {
    const causes = checkCauses({ kind: 'uniform', minMs: 1, maxMs: 90 }, 60, (index) => 300 + (index % 7) * 53);
    // Each cut (300 ms or more) starts at most one partition mistake: none if the detector was
    // already suspecting from a late heartbeat when the cut began.
    expect(causes.partition).toBeGreaterThanOrEqual(25);
    expect(causes.partition).toBeLessThanOrEqual(30);
    expect(causes.delay).toBeGreaterThan(0);
  });

  it('delays longer than η: a cut over before the newest arrival still dropped the missing heartbeat', () => {
    const causes = checkCauses({ kind: 'constant', ms: 150 }, 200, () => 30);
    expect(causes.partition).toBeGreaterThan(10);
    expect(causes.loss + causes.delay).toBe(0);
  });
});

describe('mistake-cause window: ends at the mistake, included', () => {
  it('a cut that begins at the very instant of the mistake cannot have caused it; 1 ms earlier it can', () => {
    expect(causeOf(world(cut(MISTAKE_MS, 2_000)), ARRIVALS, MISTAKE_MS)).toBe('loss');
    expect(causeOf(world(cut(MISTAKE_MS - 1, 2_000)), ARRIVALS, MISTAKE_MS)).toBe('partition');
  });

  it('a detector that suspects before the next heartbeat is even due gets a one-instant window', () => {
    // A 50 ms timeout after m_9's arrival at 910: suspects at 960, before m_10 is due at 1,000.
    expect(causeOf(world(cut(950, 961)), ARRIVALS, 960)).toBe('partition');
    expect(causeOf(world(cut(961, 1_100)), ARRIVALS, 960)).toBe('loss');
  });
});

describe('the same window for pauses and overload, partition first', () => {
  it('a pause of the monitored node or of the monitor, by the same boundaries', () => {
    expect(causeOf(world(pause('p', 800, 1_000)), ARRIVALS, MISTAKE_MS)).toBe('loss');
    expect(causeOf(world(pause('p', 800, 1_001)), ARRIVALS, MISTAKE_MS)).toBe('pause');
    expect(causeOf(world(pause('q', 800, 1_001)), ARRIVALS, MISTAKE_MS)).toBe('pause');
    expect(causeOf(world(pause('q', MISTAKE_MS - 1, 2_000)), ARRIVALS, MISTAKE_MS)).toBe('pause');
    expect(causeOf(world(pause('q', MISTAKE_MS, 2_000)), ARRIVALS, MISTAKE_MS)).toBe('loss');
  });

  it('a backlog at the monitor, by the same boundaries', () => {
    const truth = world([
      { kind: 'capacity', atMs: 0, target: 'q', params: { messagesPerSec: 100, inboxLimit: 50 } },
      { kind: 'traffic-spike', atMs: 3_000, durationMs: 500, target: 'q', params: { from: 'p', ratePerSec: 1_000, message: { type: 'load' } } },
    ]);
    const [, overloadEndMs] = truth.overloadedIntervals('q', END_MS)[0]!;
    // m_9 leaves η before m_10 is due; m_10 due exactly at the backlog's end, then 1 ms before it.
    const dueAt = (dueMs: number): HeartbeatArrival[] => [{ sequence: 9, sentLocalMs: dueMs - ETA, timeMs: dueMs - ETA + 10, localTimeMs: dueMs - ETA + 10 }];
    expect(causeOf(truth, dueAt(overloadEndMs), overloadEndMs + 60)).toBe('loss');
    expect(causeOf(truth, dueAt(overloadEndMs - 1), overloadEndMs + 59)).toBe('overload');
  });

  it('partition before pause before overload', () => {
    expect(causeOf(world([...cut(990, 1_010), ...pause('p', 990, 1_010)]), ARRIVALS, MISTAKE_MS)).toBe('partition');
  });
});

describe('loss or delay: the heartbeat after the highest one received before the mistake', () => {
  it('an arrival at the very instant of the mistake was not received before it', () => {
    // m_10 arrives exactly at 1,060: not before the mistake, so m_10 is the missing one, and late.
    expect(causeOf(world([]), [...ARRIVALS, beat(10, 60)], MISTAKE_MS)).toBe('delay');
  });

  it('m_10 late and m_11 lost: delay (m_10 is the one missing)', () => {
    expect(causeOf(world([]), [...ARRIVALS, beat(10, 500)], MISTAKE_MS)).toBe('delay');
  });

  it('m_10 lost and m_11 arrived: loss', () => {
    expect(causeOf(world([]), [...ARRIVALS, beat(11, 10)], MISTAKE_MS)).toBe('loss');
  });

  it('the highest received so far, whatever order they arrived in', () => {
    // m_9 then m_8 (late): m_10 is missing, not m_9. m_9 "arriving" again later changes nothing.
    const reordered = [...beats(7, 10), beat(9, 5), beat(8, 150)];
    expect(causeOf(world([]), reordered, MISTAKE_MS)).toBe('loss');
    expect(causeOf(world([]), [...reordered, beat(10, 300)], MISTAKE_MS)).toBe('delay');
  });
});

describe('the measured window [fromMs, untilMs)', () => {
  const truth = world([]);

  it('a transition at fromMs is inside the window', () => {
    const qos = measureQoS([suspectAt(1_000), trustAt(1_100)], truth, 'p', 1_000, 3_000);
    expect(qos.mistakes).toEqual([{ startMs: 1_000, endMs: 1_100, durationMs: 100, cause: 'unknown' }]);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - 100 / 2_000, 12);
  });

  it('a transition before fromMs sets the verdict at fromMs but is no mistake of the window', () => {
    const qos = measureQoS([suspectAt(999), trustAt(1_100)], truth, 'p', 1_000, 3_000);
    expect(qos.mistakes).toEqual([]);
    expect(qos.goodPeriod.count).toBe(0);
    expect(qos.queryAccuracyProbability).toBeCloseTo(1 - 100 / 2_000, 12);
  });

  it('a transition at untilMs is outside it; 1 ms before, inside', () => {
    expect(measureQoS([suspectAt(3_000)], truth, 'p', 1_000, 3_000).mistakes).toEqual([]);
    const late = measureQoS([suspectAt(2_999)], truth, 'p', 1_000, 3_000);
    expect(late.mistakes).toEqual([{ startMs: 2_999, cause: 'unknown' }]);
    expect(late.queryAccuracyProbability).toBeCloseTo(1 - 1 / 2_000, 12);
  });

  it('a mistake corrected exactly at untilMs is not corrected within the window', () => {
    const qos = measureQoS([suspectAt(2_900), trustAt(3_000)], truth, 'p', 1_000, 3_000);
    expect(qos.mistakes).toEqual([{ startMs: 2_900, cause: 'unknown' }]);
    expect(qos.mistakeDuration.count).toBe(0);
  });

  it('counts mistake recurrence and good periods only inside the window', () => {
    const qos = measureQoS([suspectAt(500), trustAt(600), suspectAt(1_000), trustAt(1_050), suspectAt(1_500), trustAt(1_600), suspectAt(3_000)], truth, 'p', 1_000, 3_000);
    expect(qos.mistakes.map((mistake) => mistake.startMs)).toEqual([1_000, 1_500]);
    expect(qos.mistakeRecurrence.meanMs).toBe(500);
    expect(qos.goodPeriod.meanMs).toBe(450); // 1,050 → 1,500; the 600 → 1,000 one starts before the window
  });
});

describe('crashes and detection time', () => {
  it('T_D runs from the crash to the start of the suspicion in force just before recovery', () => {
    const qos = measureQoS([suspectAt(2_150), trustAt(4_000)], world(crash(2_000, 4_000)), 'p', 0, END_MS);
    expect(qos.crashes).toBe(1);
    expect(qos.detectionTime.maxMs).toBe(150);
    expect(qos.mistakes).toEqual([]);
    expect(qos.upTimeMs).toBe(END_MS - 2_000);
  });

  it('a suspicion starting at the crash is a detection in 0 ms, not a mistake; 1 ms before, a mistake too', () => {
    const truth = world(crash(2_000, 4_000));
    const atCrash = measureQoS([suspectAt(2_000), trustAt(4_000)], truth, 'p', 0, END_MS);
    expect(atCrash.detectionTime.maxMs).toBe(0);
    expect(atCrash.mistakes).toEqual([]);
    const before = measureQoS([suspectAt(1_999), trustAt(4_000)], truth, 'p', 0, END_MS);
    expect(before.detectionTime.maxMs).toBe(0);
    expect(before.mistakes).toEqual([{ startMs: 1_999, cause: 'unknown' }]); // ended by the crash: no T_M
    expect(before.mistakeDuration.count).toBe(0);
  });

  it('a suspicion starting at the recovery detected nothing, and is a mistake', () => {
    const qos = measureQoS([suspectAt(4_000), trustAt(4_100)], world(crash(2_000, 4_000)), 'p', 0, END_MS);
    expect(qos.undetectedCrashes).toBe(1);
    expect(qos.detectionTime.count).toBe(0);
    expect(qos.mistakes).toEqual([{ startMs: 4_000, endMs: 4_100, durationMs: 100, cause: 'unknown' }]);
  });

  it('a trust at the recovery instant does not undo the detection', () => {
    const qos = measureQoS([suspectAt(2_150), trustAt(4_000)], world(crash(2_000, 4_000)), 'p', 0, END_MS);
    expect(qos.undetectedCrashes).toBe(0);
    const early = measureQoS([suspectAt(2_150), trustAt(3_999)], world(crash(2_000, 4_000)), 'p', 0, END_MS);
    expect(early.undetectedCrashes).toBe(1);
  });

  it('a crash lasting past the window: detected just before untilMs, not at it', () => {
    const truth = world(crash(2_000));
    expect(measureQoS([suspectAt(4_999)], truth, 'p', 0, 5_000).detectionTime.maxMs).toBe(2_999);
    const atEnd = measureQoS([suspectAt(5_000)], truth, 'p', 0, 5_000);
    expect(atEnd.undetectedCrashes).toBe(1);
    expect(atEnd.detectionTime.count).toBe(0);
  });

  it('a crash at fromMs is in the window, one at untilMs is not; one before fromMs only takes up time away', () => {
    expect(measureQoS([], world(crash(1_000, 1_500)), 'p', 1_000, 3_000).crashes).toBe(1);
    expect(measureQoS([], world(crash(3_000, 3_500)), 'p', 1_000, 3_000)).toMatchObject({ crashes: 0, upTimeMs: 2_000 });
    const before = measureQoS([suspectAt(1_200)], world(crash(500, 1_500)), 'p', 1_000, 3_000);
    expect(before).toMatchObject({ crashes: 0, undetectedCrashes: 0, upTimeMs: 1_500, mistakes: [] });
    expect(before.queryAccuracyProbability).toBe(0); // suspected from 1,200 to the end, all of its up time
  });
});

describe('measureQoS context', () => {
  const truth = world([]);
  it('rejects unknown, null and mistyped context fields', () => {
    expectInvalidArgument(() => measureQoS([], truth, 'p', 0, 100, { intervalMS: 100 } as QoSContext), 'context.intervalMS');
    expectInvalidArgument(() => measureQoS([], truth, 'p', 0, 100, { intervalMs: null } as unknown as QoSContext), 'context.intervalMs');
    expectInvalidArgument(() => measureQoS([], truth, 'p', 0, 100, { intervalMs: -1 }), 'context.intervalMs');
    expectInvalidArgument(() => measureQoS([], truth, 'p', 0, 100, { monitor: '' }), 'context.monitor');
    expectInvalidArgument(() => measureQoS([], truth, 'p', 0, 100, { arrivals: {} } as unknown as QoSContext), 'context.arrivals');
    expectInvalidArgument(() => measureQoS([], truth, 'p', 0, 100, null as unknown as QoSContext), 'context');
  });
});
