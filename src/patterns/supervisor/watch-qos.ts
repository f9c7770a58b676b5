import { InvalidArgumentError } from '../../errors.js';
import type { DetectorTransition } from '../../detectors/harness.js';
import { measureQoS, type QoSContext, type QoSMeasurement } from '../../detectors/qos.js';
import type { GroundTruth } from '../../world/ground-truth.js';
import type { DetectorWatch } from './detector-watch.js';

/**
 * Scores a {@link DetectorWatch}'s detector of `target` against the ground truth with
 * {@link measureQoS}, over `[fromMs, untilMs)`: detection time of crashes, mistakes and their
 * causes, query accuracy. The watch is the monitor (a cut between them reads `partition`); give
 * the heartbeat interval, and arrivals if you record them, in `context`. A target added or
 * removed at run time ({@link DetectorWatch.addTarget}, {@link DetectorWatch.removeTarget}) is
 * scored only over the part of the window it was watched ({@link DetectorWatch.lifetimeOf}); a
 * window wholly outside that is refused.
 *
 * @example
 * ```ts
 * const qos = measureWatchQoS(watch, 'w3', sim.truth, 0, sim.now, { intervalMs: 100 });
 * console.log(qos.detectionTime.maxMs, qos.mistakes.length);
 * ```
 */
export function measureWatchQoS(watch: DetectorWatch, target: string, truth: GroundTruth, fromMs: number, untilMs: number, context: Omit<QoSContext, 'monitor'> = {}): QoSMeasurement {
  const transitions = watch.verdictsOf(target).map((verdict): DetectorTransition => ({ kind: verdict.trusted ? 'trust' : 'suspect', timeMs: verdict.timeMs, localTimeMs: verdict.localTimeMs }));
  const [from, until] = clampToLifetime(watch, target, fromMs, untilMs);
  return measureQoS(transitions, truth, target, from, until, { ...context, monitor: watch.id });
}

/** The part of `[fromMs, untilMs)` during which `target` was watched: a target given at construction keeps the window as given. */
function clampToLifetime(watch: DetectorWatch, target: string, fromMs: number, untilMs: number): [number, number] {
  const { addedMs, removedMs } = watch.lifetimeOf(target);
  const from = addedMs === undefined ? fromMs : Math.max(fromMs, addedMs);
  const until = removedMs === undefined ? untilMs : Math.min(untilMs, removedMs);
  if (from !== fromMs && until <= from) throw new InvalidArgumentError('untilMs', untilMs, `a time after target '${target}' was added (${from}ms)`);
  if (until !== untilMs && until <= from) throw new InvalidArgumentError('fromMs', fromMs, `a time before target '${target}' was removed (${until}ms)`);
  return [from, until];
}
