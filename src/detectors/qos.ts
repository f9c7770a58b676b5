import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireString } from '../validate.js';
import type { GroundTruth } from '../world/ground-truth.js';
import type { DetectorTransition, HeartbeatArrival } from './harness.js';

/**
 * Why a detector wrongly suspected an up node, judged from the ground truth around the mistake:
 *
 * - `partition`: the link monitored → monitor was cut at some time in the mistake's window.
 * - `pause`: the monitored node or the monitor was paused (frozen) in the window.
 * - `overload`: none of those, and the monitored node or the monitor had a backlog in the window.
 * - `loss`: none of those, and the heartbeat after the highest-numbered one received before the
 *   mistake never arrived during the run.
 * - `delay`: none of those, and that heartbeat did arrive, only late.
 * - `unknown`: none of the first three, and no heartbeat arrivals were given to tell loss from
 *   delay.
 *
 * The window runs from the true time the first missing heartbeat was due to be sent (one
 * interval η after the highest-numbered heartbeat received before the mistake was sent, by the
 * sender's clock) to the mistake's start, both ends included. A fault over before then cannot
 * have stopped that heartbeat; a heartbeat can spend longer than η in flight, so the window can
 * begin before the newest arrival. Without η it begins at that heartbeat's send time; with no
 * heartbeat received before the mistake, at the beginning of time.
 *
 * @example
 * ```ts
 * const cause: MistakeCause = qos.mistakes[0]?.cause ?? 'unknown';
 * ```
 */
export type MistakeCause = 'partition' | 'pause' | 'overload' | 'loss' | 'delay' | 'unknown';

/**
 * Every {@link MistakeCause}, in a fixed order.
 *
 * @example
 * ```ts
 * for (const cause of mistakeCauses) console.log(cause, qos.falseSuspicionsByCause[cause]);
 * ```
 */
export const mistakeCauses: readonly MistakeCause[] = ['partition', 'pause', 'overload', 'loss', 'delay', 'unknown'];

/**
 * One mistake: an S-transition while the node was up.
 *
 * @example
 * ```ts
 * const mistake: Mistake = { startMs: 1_250, endMs: 1_262, durationMs: 12, cause: 'delay' };
 * ```
 */
export interface Mistake {
  /** True time of the S-transition. */
  startMs: number;
  /** True time of the T-transition that corrected it; absent if the node crashed first or the window ended. */
  endMs?: number;
  /** `endMs - startMs` when corrected. */
  durationMs?: number;
  /** What the ground truth shows around it. */
  cause: MistakeCause;
}

/**
 * Mean, median, 99th percentile (nearest rank) and maximum of a sample; `count` 0 and the rest
 * `undefined` when empty.
 *
 * @example
 * ```ts
 * const summary: Summary = { count: 2, meanMs: 150, p50Ms: 100, p99Ms: 200, maxMs: 200, stdDevMs: 70.7 };
 * ```
 */
export interface Summary {
  /** Sample size. */
  count: number;
  /** Mean. */
  meanMs: number | undefined;
  /** Median (nearest rank). */
  p50Ms: number | undefined;
  /** 99th percentile (nearest rank). */
  p99Ms: number | undefined;
  /** Largest value. */
  maxMs: number | undefined;
  /** Sample standard deviation (n - 1); `undefined` below 2 samples. */
  stdDevMs: number | undefined;
}

/**
 * Optional context that sharpens {@link measureQoS}'s classification of mistakes.
 *
 * @example
 * ```ts
 * const context: QoSContext = { monitor: 'q', arrivals: result.arrivals['p'], intervalMs: 100 };
 * ```
 */
export interface QoSContext {
  /** The monitor's id: needed to attribute mistakes to a cut link (`partition`). */
  monitor?: string;
  /** The monitored node's heartbeat arrivals (from the harness): needed to tell `loss` from `delay`. */
  arrivals?: readonly HeartbeatArrival[];
  /** η, the heartbeat interval: the first missing heartbeat was due one η after the last one received (see {@link MistakeCause}). */
  intervalMs?: number;
}

/**
 * The QoS of one detector watching one node over a window, in the terms of Chen, Toueg & Aguilera,
 * "On the Quality of Service of Failure Detectors" (IEEE Trans. Computers 51(5), 2002).
 *
 * @example
 * ```ts
 * const qos = measureQoS(transitions, sim.truth, 'p', 0, 600_000);
 * console.log(qos.mistakeRecurrence.meanMs, qos.mistakeDuration.meanMs, qos.queryAccuracyProbability);
 * ```
 */
export interface QoSMeasurement {
  /** Start of the window (true ms). */
  fromMs: number;
  /** End of the window (true ms). */
  untilMs: number;
  /** Time in the window during which the node was up (not crashed), in ms. */
  upTimeMs: number;
  /** Crashes (starts of down intervals) in the window. */
  crashes: number;
  /** Crashes after which the detector never permanently suspected the node before it recovered or the window ended. */
  undetectedCrashes: number;
  /**
   * T_D, detection time: per detected crash, the time from the crash to the start of the
   * suspicion that lasts until the node recovers (or the window ends) — the final, permanent
   * S-transition. 0 if that suspicion began before the crash.
   */
  detectionTime: Summary;
  /** Every mistake (S-transition while the node was up), in time order. */
  mistakes: Mistake[];
  /** T_MR, mistake recurrence time: between the starts of consecutive mistakes in the same up period. */
  mistakeRecurrence: Summary;
  /** T_M, mistake duration: from a mistake's S-transition to the T-transition that corrected it (while up). */
  mistakeDuration: Summary;
  /** T_G, good period duration: from a T-transition to the next S-transition, both in the same up period. */
  goodPeriod: Summary;
  /** λ_M, the mistake rate: 1 / E(T_MR), per second; `undefined` with fewer than 2 mistakes in an up period. */
  mistakeRatePerSec: number | undefined;
  /** Mistakes per second of up time: the rate estimate that also counts lone mistakes. */
  mistakesPerUpSecond: number;
  /** P_A, query accuracy probability: the fraction of up time during which the node was trusted. */
  queryAccuracyProbability: number | undefined;
  /** Mistakes counted by {@link MistakeCause}. */
  falseSuspicionsByCause: Record<MistakeCause, number>;
}

/**
 * Measures a detector's QoS from its verdict changes about `node` (true times, e.g. from
 * {@link runDetectorHarness}) against the ground truth, over `[fromMs, untilMs)`: a transition
 * at `fromMs` is in the window, one at `untilMs` is not.
 *
 * Definitions (Chen, Toueg & Aguilera 2002), with "up" meaning not crashed (`truth.isUp`; a
 * paused node is up):
 *
 * - An **S-transition** is a change from trust to suspect, a **T-transition** the reverse. The
 *   verdict before the first transition is trust.
 * - A **mistake** is an S-transition at a time the node is up. Its **duration** T_M runs to the
 *   next T-transition; mistakes ended by a crash or by the window's end count as mistakes but
 *   give no T_M sample.
 * - **Mistake recurrence** T_MR is the time between the starts of two consecutive mistakes with
 *   no crash between them. λ_M = 1 / E(T_MR).
 * - **Query accuracy** P_A is the probability that a query at a random up time finds the node
 *   trusted: trusted up time over up time.
 * - A **good period** T_G runs from a T-transition to the next S-transition (no crash between).
 * - **Detection time** T_D, per crash at `c` with recovery at `r` (or the window's end): if the
 *   node is suspected just before `r`, the suspicion in force then began at some `s` and
 *   T_D = max(0, s - c); otherwise the crash went undetected.
 *
 * Mistakes are classified by cause (see {@link MistakeCause}); give `context` for the
 * `partition` and `loss`/`delay` distinctions.
 *
 * @example
 * ```ts
 * const qos = measureQoS(result.transitions['nfd-s']!['p']!, result.sim.truth, 'p', 10_000, 600_000,
 *   { monitor: 'q', arrivals: result.arrivals['p'], intervalMs: 100 });
 * qos.falseSuspicionsByCause.loss; // mistakes a lost heartbeat caused
 * ```
 */
export function measureQoS(
  transitions: readonly DetectorTransition[],
  truth: GroundTruth,
  node: string,
  fromMs: number,
  untilMs: number,
  context: QoSContext = {},
): QoSMeasurement {
  if (!Array.isArray(transitions)) throw new InvalidArgumentError('transitions', transitions, 'an array of transitions');
  requireString(node, 'node');
  requireFinite(fromMs, 'fromMs');
  requireFinite(untilMs, 'untilMs');
  if (untilMs <= fromMs) throw new InvalidArgumentError('untilMs', untilMs, `a time after fromMs (${fromMs}ms)`);
  checkContext(context);

  // Down intervals clipped to the window; up intervals are the rest.
  const down = truth
    .downIntervals(node, untilMs)
    .filter(([, end]) => end > fromMs)
    .map(([start, end]): [number, number] => [Math.max(start, fromMs), end]);
  const crashStarts = truth.downIntervals(node, untilMs).filter(([start]) => start >= fromMs && start < untilMs);
  const up: Array<[number, number]> = [];
  let cursor = fromMs;
  for (const [start, end] of down) {
    if (start > cursor) up.push([cursor, start]);
    cursor = Math.max(cursor, end);
  }
  if (untilMs > cursor) up.push([cursor, untilMs]);
  const upPeriodOf = (timeMs: number): number => up.findIndex(([start, end]) => timeMs >= start && timeMs < end);
  const upTimeMs = up.reduce((sum, [start, end]) => sum + (end - start), 0);

  // The verdict at fromMs, then the constant-verdict segments through the window.
  const sorted = [...transitions].sort((a, b) => a.timeMs - b.timeMs);
  let trusted = true;
  let index = 0;
  for (; index < sorted.length && sorted[index]!.timeMs < fromMs; index++) trusted = sorted[index]!.kind === 'trust';
  const inWindow = sorted.slice(index).filter((transition) => transition.timeMs < untilMs);

  // P_A: trusted time within up periods.
  let trustedUpMs = 0;
  {
    let state = trusted;
    let since = fromMs;
    const addSegment = (start: number, end: number): void => {
      for (const [upStart, upEnd] of up) {
        const overlap = Math.min(end, upEnd) - Math.max(start, upStart);
        if (overlap > 0) trustedUpMs += overlap;
      }
    };
    for (const transition of inWindow) {
      if (state) addSegment(since, transition.timeMs);
      state = transition.kind === 'trust';
      since = transition.timeMs;
    }
    if (state) addSegment(since, untilMs);
  }

  // Mistakes, T_M, T_MR, T_G.
  const causes = classifier(truth, node, context, untilMs);
  const mistakes: Mistake[] = [];
  const durations: number[] = [];
  const recurrences: number[] = [];
  const goods: number[] = [];
  let previousMistake: { startMs: number; period: number } | undefined;
  let lastTrust: { timeMs: number; period: number } | undefined;
  for (let position = 0; position < inWindow.length; position++) {
    const transition = inWindow[position]!;
    const period = upPeriodOf(transition.timeMs);
    if (transition.kind === 'trust') {
      lastTrust = period >= 0 ? { timeMs: transition.timeMs, period } : undefined;
      continue;
    }
    if (lastTrust !== undefined && lastTrust.period === period && period >= 0) goods.push(transition.timeMs - lastTrust.timeMs);
    lastTrust = undefined;
    if (period < 0) continue; // suspected while crashed: a detection, not a mistake
    const mistake: Mistake = { startMs: transition.timeMs, cause: causes(transition.timeMs) };
    const next = inWindow[position + 1];
    if (next !== undefined && next.kind === 'trust' && upPeriodOf(next.timeMs) === period) {
      mistake.endMs = next.timeMs;
      mistake.durationMs = next.timeMs - transition.timeMs;
      durations.push(mistake.durationMs);
    }
    mistakes.push(mistake);
    if (previousMistake !== undefined && previousMistake.period === period) recurrences.push(transition.timeMs - previousMistake.startMs);
    previousMistake = { startMs: transition.timeMs, period };
  }

  // T_D per crash.
  const detections: number[] = [];
  let undetected = 0;
  for (const [crashMs, recoverMs] of crashStarts) {
    let suspectedSince: number | undefined;
    let state = true;
    let since = -Infinity;
    for (const transition of sorted) {
      // "Just before r": a transition at r itself (the recovery, or the window's end) is too late.
      if (transition.timeMs >= recoverMs) break;
      state = transition.kind === 'trust';
      since = transition.timeMs;
    }
    if (!state) suspectedSince = since;
    if (suspectedSince === undefined) undetected++;
    else detections.push(Math.max(0, suspectedSince - crashMs));
  }

  const falseSuspicionsByCause = Object.fromEntries(mistakeCauses.map((cause) => [cause, 0])) as Record<MistakeCause, number>;
  for (const mistake of mistakes) falseSuspicionsByCause[mistake.cause]++;
  const mistakeRecurrence = summarise(recurrences);
  return {
    fromMs,
    untilMs,
    upTimeMs,
    crashes: crashStarts.length,
    undetectedCrashes: undetected,
    detectionTime: summarise(detections),
    mistakes,
    mistakeRecurrence,
    mistakeDuration: summarise(durations),
    goodPeriod: summarise(goods),
    mistakeRatePerSec: mistakeRecurrence.meanMs === undefined ? undefined : 1_000 / mistakeRecurrence.meanMs,
    mistakesPerUpSecond: upTimeMs > 0 ? (mistakes.length * 1_000) / upTimeMs : 0,
    queryAccuracyProbability: upTimeMs > 0 ? trustedUpMs / upTimeMs : undefined,
    falseSuspicionsByCause,
  };
}

/** Rejects a misspelt or mistyped context, which would otherwise silently coarsen the causes. */
function checkContext(context: QoSContext): void {
  requireObject(context, 'context');
  rejectUnknownKeys(context, 'context', ['monitor', 'arrivals', 'intervalMs']);
  if (context.monitor !== undefined) requireString(context.monitor, 'context.monitor');
  if (context.arrivals !== undefined && !Array.isArray(context.arrivals)) throw new InvalidArgumentError('context.arrivals', context.arrivals, 'an array of heartbeat arrivals');
  if (context.intervalMs !== undefined) requireNonNegative(context.intervalMs, 'context.intervalMs');
}

/**
 * Mean, percentiles (nearest rank), maximum and sample standard deviation of `values`.
 *
 * @example
 * ```ts
 * summarise([100, 200]).meanMs; // 150
 * ```
 */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) return { count: 0, meanMs: undefined, p50Ms: undefined, p99Ms: undefined, maxMs: undefined, stdDevMs: undefined };
  const sorted = [...values].sort((a, b) => a - b);
  const count = sorted.length;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / count;
  const rank = (q: number): number => sorted[Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1))]!;
  let squares = 0;
  for (const value of sorted) squares += (value - mean) ** 2;
  return { count, meanMs: mean, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[count - 1]!, stdDevMs: count < 2 ? undefined : Math.sqrt(squares / (count - 1)) };
}

/** Builds the cause classifier of one node's mistakes (see {@link MistakeCause}). */
function classifier(truth: GroundTruth, node: string, context: QoSContext, untilMs: number): (startMs: number) => MistakeCause {
  const arrivals = context.arrivals === undefined ? undefined : [...context.arrivals].sort((a, b) => a.timeMs - b.timeMs);
  /** Per arrival (in time order): the arrival of the highest sequence number received by then. */
  const highestSoFar: HeartbeatArrival[] = [];
  const arrived = new Set<number>();
  if (arrivals !== undefined) {
    for (const arrival of arrivals) {
      const previous = highestSoFar[highestSoFar.length - 1];
      highestSoFar.push(previous !== undefined && previous.sequence >= arrival.sequence ? previous : arrival);
      arrived.add(arrival.sequence);
    }
  }
  const horizon = Math.max(untilMs, arrivals?.[arrivals.length - 1]?.timeMs ?? untilMs) + 1;
  const paused = [...truth.pausedIntervals(node, horizon), ...(context.monitor === undefined ? [] : truth.pausedIntervals(context.monitor, horizon))];
  const cuts = context.monitor === undefined ? [] : truth.cutIntervals(node, context.monitor, horizon);
  const overloads = [...truth.overloadedIntervals(node, horizon), ...(context.monitor === undefined ? [] : truth.overloadedIntervals(context.monitor, horizon))];
  // A fault that begins at the very instant of the mistake cannot have caused it. One that ended
  // exactly when the missing heartbeat was due: a cut may still have dropped it (which ran first
  // at that instant is a matter of event order), but a pause or backlog over by then delayed nothing.
  const overlaps = (intervals: Array<[number, number]>, from: number, to: number, endingAtFromCounts: boolean): boolean =>
    intervals.some(([start, end]) => start < to && (end > from || (endingAtFromCounts && end === from)));
  return (startMs) => {
    const newest = arrivals === undefined ? -1 : newestBefore(arrivals, startMs);
    const highest = newest >= 0 ? highestSoFar[newest] : undefined;
    const windowStart = highest === undefined ? -Infinity : Math.min(startMs, missingSendTimeMs(truth, node, highest, context.intervalMs ?? 0));
    if (overlaps(cuts, windowStart, startMs, true)) return 'partition';
    if (overlaps(paused, windowStart, startMs, false)) return 'pause';
    if (overlaps(overloads, windowStart, startMs, false)) return 'overload';
    if (arrivals === undefined) return 'unknown';
    return arrived.has((highest?.sequence ?? -1) + 1) ? 'delay' : 'loss';
  };
}

/** Index of the newest arrival strictly before `timeMs` in `arrivals` (sorted by time), or -1. */
function newestBefore(arrivals: readonly HeartbeatArrival[], timeMs: number): number {
  let newest = -1;
  let low = 0;
  let high = arrivals.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (arrivals[middle]!.timeMs < timeMs) {
      newest = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return newest;
}

/**
 * True time at which the first heartbeat missing at a mistake was due to leave the monitored
 * node: one interval after the highest-numbered heartbeat received so far was sent. Before it
 * that heartbeat did not exist, so no fault that ended earlier can have stopped it. The send
 * time is the arrival's true `sentMs` when known; else it is read on the sender's clock and
 * converted with the offset from the truth (twice, to settle on the offset in force then), which
 * a jump of the sender's clock between the two heartbeats can mislead.
 */
function missingSendTimeMs(truth: GroundTruth, node: string, highest: HeartbeatArrival, intervalMs: number): number {
  // Known true send time: the next heartbeat's timer was armed then, and a timer does not move
  // when the clock jumps (drift changes its length by at most η·|drift|, under a millisecond).
  if (highest.sentMs !== undefined) return highest.sentMs + intervalMs;
  const dueLocalMs = highest.sentLocalMs + intervalMs;
  let trueMs = dueLocalMs - truth.clockOffset(node, highest.timeMs);
  trueMs = dueLocalMs - truth.clockOffset(node, trueMs);
  return trueMs;
}
