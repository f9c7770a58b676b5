import { FixedTimeoutDetector } from '../../../src/detectors/fixed-timeout.js';
import { createDetectorWatch, withHeartbeats, type DetectorWatch } from '../../../src/patterns/supervisor/detector-watch.js';
import { MAX_LATENCY_MS, runPoolCrash, serve, SEED, STARTING_POOL, type PoolCrashRun } from './pool-crash-story.js';

// The story of pool-crash-story.ts with a failure detector in place of health checks: the workers
// send the proxy a heartbeat every 100 ms, and the proxy's watch suspects a worker silent for
// more than 300 ms (checked every 50 ms). Without `watch`, the watch never hears of launched
// workers (their heartbeats are ignored). With it, the autoscaler made each launched worker a
// target as it started, so the proxy takes the dead one out of rotation within
// DETECTION_BOUND_MS.

export { failedAfterCrash } from './pool-crash-story.js';

export const HEARTBEAT_INTERVAL_MS = 100;
export const TIMEOUT_MS = 300;
export const CHECK_INTERVAL_MS = 50;
/**
 * Detection bound: the last heartbeat before the crash arrives at most MAX_LATENCY_MS after it;
 * the detector suspects once more than TIMEOUT_MS has passed since, and the watch asks at most
 * CHECK_INTERVAL_MS later.
 */
export const DETECTION_BOUND_MS = MAX_LATENCY_MS + TIMEOUT_MS + CHECK_INTERVAL_MS;

const worker = withHeartbeats(serve, { to: 'lb', intervalMs: HEARTBEAT_INTERVAL_MS });

export interface WatchedCrashRun extends PoolCrashRun<DetectorWatch> {
  watch: DetectorWatch;
}

/** Runs the story, with or without the autoscaler's `watch`. */
export async function runWatchedCrash(options: { watch: boolean; seed?: number }): Promise<WatchedCrashRun> {
  const run = await runPoolCrash(
    options.seed ?? SEED,
    worker,
    (sim) => createDetectorWatch(sim, 'lb', { targets: STARTING_POOL, detector: () => new FixedTimeoutDetector({ timeoutMs: TIMEOUT_MS }), checkIntervalMs: CHECK_INTERVAL_MS }),
    (watch) => (options.watch ? { watch } : {}),
  );
  return { ...run, watch: run.source };
}
