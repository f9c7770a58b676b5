import { createHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import type { PoolHealthCheck } from '../../../src/patterns/autoscaler/pool-health-checks.js';
import { runPoolCrash, serve, SEED, STARTING_POOL, type PoolCrashRun } from './pool-crash-story.js';

// The story of pool-crash-story.ts with health checks: the proxy checks each worker's liveness
// every 100 ms and calls it down after 3 misses. With `healthChecks`, the autoscaler gave the
// launched worker the pool's liveness check as it started, so the proxy takes it out of rotation
// within 3 x 100 + 50 ms of its crash.

export { CRASH_MS, failedAfterCrash } from './pool-crash-story.js';

export const LIVENESS: PoolHealthCheck = { kind: 'liveness', intervalMs: 100, timeoutMs: 50 };
/** Detection bound of {@link LIVENESS}: the last probe before the crash answered, then 3 probes an interval apart fail, the last after its timeout. */
export const DETECTION_BOUND_MS = 3 * 100 + 50;

/** Liveness probes do not reach the worker's handler. */
const worker = withHealthEndpoint(serve);

export interface LaunchedCrashRun extends PoolCrashRun<HealthChecker> {
  health: HealthChecker;
}

/** Runs the story, with or without the autoscaler's `healthChecks`. */
export async function runLaunchedCrash(options: { healthChecks: boolean; seed?: number }): Promise<LaunchedCrashRun> {
  const run = await runPoolCrash(
    options.seed ?? SEED,
    worker,
    (sim) => createHealthChecker(sim, 'lb', { checks: STARTING_POOL.map((target) => ({ ...LIVENESS, target })) }),
    (health) => (options.healthChecks ? { healthChecks: { checker: health, checks: [LIVENESS] } } : {}),
  );
  return { ...run, health: run.source };
}
