import { InvalidArgumentError } from '../../errors.js';
import { HealthChecker } from '../../observe/health/health-checker.js';
import type { HealthCheckKind } from '../../observe/health/health-check-options.js';
import type { NodeBehaviour } from '../../world/node-context.js';
import { DetectorWatch } from './detector-watch.js';

/**
 * Where a supervisor or a load balancer learns that a node is down or back: health checks
 * ({@link HealthChecker}) or a failure detector's verdicts ({@link DetectorWatch}).
 *
 * @example
 * ```ts
 * const source: VerdictSource = addHealthChecker(sim, 'checker', { checks });
 * ```
 */
export type VerdictSource = HealthChecker | DetectorWatch;

/** A verdict source seen the same way whatever it is: per target, down or not, and its flips. */
export interface VerdictFeed {
  /** The node that runs the checks or the detector. */
  readonly id: string;
  /** The targets it watches now (they change as checks or targets are added and removed). */
  readonly targets: readonly string[];
  /** True while `target` is believed down (false for a target it does not watch, or watches no more). */
  isDown(target: string): boolean;
  /**
   * Calls `listener` whenever `target`'s verdict may have flipped: on a check's or a detector's
   * flip, and when a check of `target` (health checks) or `target` itself (a detector watch) is
   * added or removed (then possibly outside the source node's events, and possibly with the
   * verdict unchanged). Returns an unsubscribe function.
   */
  subscribe(listener: (target: string, down: boolean, timeMs: number) => void): () => void;
  /** Runs the source's probing inside the node's behaviour. */
  embedIn<M, D>(behaviour: NodeBehaviour<M, D>): NodeBehaviour<M, D>;
}

const SOURCE_EXPECTED = 'a HealthChecker (addHealthChecker / createHealthChecker) or a DetectorWatch (createDetectorWatch)';

/**
 * The feed of a verdict source. For health checks, a target is down while any of its checks of
 * the kinds in `kinds` is unhealthy (a supervisor passes `['liveness']`: a node that fails
 * readiness is busy, not dead). A health feed reads the checker's checks as they are now, so
 * checks added or removed at run time count from then on; a detector feed reads the watch's
 * targets as they are now, likewise.
 */
export function verdictFeed(source: unknown, field: string, kinds: readonly HealthCheckKind[]): VerdictFeed {
  if (source instanceof DetectorWatch) return detectorFeed(source);
  if (source instanceof HealthChecker) return healthFeed(source, field, kinds);
  throw new InvalidArgumentError(field, source, SOURCE_EXPECTED);
}

function detectorFeed(watch: DetectorWatch): VerdictFeed {
  const isDown = (target: string): boolean => watch.targets.includes(target) && !watch.isTrusted(target);
  return {
    id: watch.id,
    get targets() {
      return watch.targets;
    },
    isDown,
    subscribe: (listener) => {
      const stopFlips = watch.onChange((verdict) => listener(verdict.target, !verdict.trusted, verdict.timeMs));
      const stopTargets = watch.onTargetSetChange((target, timeMs) => listener(target, isDown(target), timeMs));
      return () => {
        stopFlips();
        stopTargets();
      };
    },
    embedIn: (behaviour) => watch.embedIn(behaviour),
  };
}

function healthFeed(checker: HealthChecker, field: string, kinds: readonly HealthCheckKind[]): VerdictFeed {
  const checks = () => checker.runningChecks().filter(({ check }) => kinds.includes(check.kind));
  if (checks().length === 0) throw new InvalidArgumentError(field, checker, `a HealthChecker with at least one ${kinds.join(' or ')} check`);
  const isDown = (target: string): boolean => checks().some(({ check, status }) => check.target === target && status === 'unhealthy');
  return {
    id: checker.id,
    get targets() {
      return [...new Set(checks().map(({ check }) => check.target))];
    },
    isDown,
    subscribe: (listener) => {
      const stopFlips = checker.onChange((transition) => {
        if (!kinds.includes(transition.kind)) return;
        listener(transition.target, isDown(transition.target), transition.timeMs);
      });
      const stopChecks = checker.onCheckSetChange((target, kind, timeMs) => {
        if (kinds.includes(kind)) listener(target, isDown(target), timeMs);
      });
      return () => {
        stopFlips();
        stopChecks();
      };
    },
    embedIn: (behaviour) => checker.embedIn(behaviour),
  };
}
