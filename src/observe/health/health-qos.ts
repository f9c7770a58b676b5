import type { DetectorTransition } from '../../detectors/harness.js';
import { measureQoS, type QoSMeasurement } from '../../detectors/qos.js';
import type { GroundTruth } from '../../world/ground-truth.js';
import type { HealthChecker } from './health-checker.js';

/**
 * A check's flips as a failure detector's verdict changes, the form {@link measureQoS} takes:
 * `unhealthy` is a suspicion, `healthy` is trust. A check that starts `unhealthy` (a readiness
 * check, by default) suspects from the moment its checker starts, so that is its first change.
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
  return [{ kind: 'suspect', timeMs: checker.startedMs, localTimeMs: checker.startedMs }, ...flips];
}

/**
 * Scores a health check against the ground truth with {@link measureQoS}, over `[fromMs,
 * untilMs)`: detection time of crashes, mistakes (unhealthy while up) and their causes, query
 * accuracy. The cause context is filled in from the check: the checker is the monitor (so a cut
 * between them reads `partition`), the interval is η, and the probe replies are the heartbeat
 * arrivals, so `loss` means a probe or its reply never came back and `delay` means it came back,
 * late or refused by `isHealthy`. Same figures as a failure detector's: compare them side by side.
 *
 * @example
 * ```ts
 * const qos = measureHealthQoS(health, 'api/readiness', sim.truth, 1_000, sim.now);
 * console.log(qos.detectionTime.meanMs, qos.mistakes.length, qos.queryAccuracyProbability);
 * ```
 */
export function measureHealthQoS(checker: HealthChecker, check: string, truth: GroundTruth, fromMs: number, untilMs: number): QoSMeasurement {
  const options = checker.checkOptions(check);
  return measureQoS(healthDetectorTransitions(checker, check), truth, options.target, fromMs, untilMs, {
    monitor: checker.id,
    intervalMs: options.intervalMs,
    arrivals: checker.repliesOf(check),
  });
}
