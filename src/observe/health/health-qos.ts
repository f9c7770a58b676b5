import { InvalidArgumentError } from '../../errors.js';
import type { DetectorTransition } from '../../detectors/harness.js';
import { measureQoS, type QoSMeasurement } from '../../detectors/qos.js';
import type { GroundTruth } from '../../world/ground-truth.js';
import type { HealthChecker } from './health-checker.js';

/**
 * A check's flips as a failure detector's verdict changes, the form {@link measureQoS} takes:
 * `unhealthy` is a suspicion, `healthy` is trust. A check that starts `unhealthy` (a readiness
 * check, by default) suspects from the moment it starts (its checker's start, or its addition by
 * {@link HealthChecker.addCheck} if later), so that is its first change.
 *
 * @example
 * ```ts
 * const transitions = healthDetectorTransitions(health, 'api/readiness');
 * measureQoS(transitions, sim.truth, 'api', 0, sim.now);
 * ```
 */
export function healthDetectorTransitions(checker: HealthChecker, check: string): DetectorTransition[] {
  const flips = checker.transitionsOf(check).map((flip): DetectorTransition => ({ kind: flip.to === 'healthy' ? 'trust' : 'suspect', timeMs: flip.timeMs, localTimeMs: flip.localTimeMs }));
  if (checker.checkOptions(check).initialStatus === 'healthy') return flips;
  const { fromMs } = checker.lifetimeOf(check);
  return [{ kind: 'suspect', timeMs: fromMs, localTimeMs: fromMs }, ...flips];
}

/**
 * Scores a health check against the ground truth with {@link measureQoS}, over `[fromMs,
 * untilMs)`: detection time of crashes, mistakes (unhealthy while up) and their causes, query
 * accuracy. The cause context is filled in from the check: the checker is the monitor (so a cut
 * between them reads `partition`), the interval is η, and the probe replies are the heartbeat
 * arrivals, so `loss` means a probe or its reply never came back and `delay` means it came back,
 * late or refused by `isHealthy`. Same figures as a failure detector's: compare them side by side.
 * A check added or removed at run time ({@link HealthChecker.addCheck},
 * {@link HealthChecker.removeCheck}) is scored only over the part of the window it ran
 * ({@link HealthChecker.lifetimeOf}); a window wholly outside that is refused.
 *
 * @example
 * ```ts
 * const qos = measureHealthQoS(health, 'api/readiness', sim.truth, 1_000, sim.now);
 * console.log(qos.detectionTime.meanMs, qos.mistakes.length, qos.queryAccuracyProbability);
 * ```
 */
export function measureHealthQoS(checker: HealthChecker, check: string, truth: GroundTruth, fromMs: number, untilMs: number): QoSMeasurement {
  const options = checker.checkOptions(check);
  const [from, until] = clampToLifetime(checker, check, fromMs, untilMs);
  return measureQoS(healthDetectorTransitions(checker, check), truth, options.target, from, until, {
    monitor: checker.id,
    intervalMs: options.intervalMs,
    arrivals: checker.repliesOf(check),
  });
}

/** The part of `[fromMs, untilMs)` during which the check ran: a check given at construction keeps the window as given. */
function clampToLifetime(checker: HealthChecker, check: string, fromMs: number, untilMs: number): [number, number] {
  const lifetime = checker.lifetimeOf(check);
  const from = lifetime.addedMs === undefined ? fromMs : Math.max(fromMs, lifetime.fromMs);
  const until = lifetime.untilMs === undefined ? untilMs : Math.min(untilMs, lifetime.untilMs);
  if (from !== fromMs && until <= from) throw new InvalidArgumentError('untilMs', untilMs, `a time after check '${check}' started (${from}ms)`);
  if (until !== untilMs && until <= from) throw new InvalidArgumentError('fromMs', fromMs, `a time before check '${check}' was removed (${until}ms)`);
  return [from, until];
}
