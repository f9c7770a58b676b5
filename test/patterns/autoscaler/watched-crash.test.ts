import { describe, expect, it } from 'vitest';
import { expectCrashCaught, expectTakenOut } from './pool-crash-story.js';
import { measureWatchQoS } from '../../../src/patterns/supervisor/watch-qos.js';
import { DETECTION_BOUND_MS, HEARTBEAT_INTERVAL_MS, failedAfterCrash, runWatchedCrash, type WatchedCrashRun } from './watched-crash-scenario.js';

// The story of watched-crash-scenario.ts (seed 21): a spike makes the autoscaler launch w3 at
// 5.5 s (ready at 7.5 s), then w4 and w5; at 10 s w3 crashes. Every figure is from the
// simulated run, so it is pinned exactly: a change that moves one should say why.

let unwatched: WatchedCrashRun;
let watched: WatchedCrashRun;

describe('a launched node crashes behind a balancer that follows a failure detector', () => {
  it('without watch, the detector never hears of the launched worker: it stays in rotation and requests keep failing', async () => {
    unwatched = await runWatchedCrash({ watch: false });
    expect(unwatched.crashed).toBe('w3');
    expect(unwatched.watch.targets).toEqual(['w1', 'w2']);
    expect(unwatched.watch.verdicts).toEqual([]);
    expect(unwatched.balancer.events.filter((event) => event.backend === 'w3').map((event) => event.kind)).toEqual(['added']);
    expect(unwatched.balancer.inRotation(unwatched.sim.now)).toContain('w3');
    expect(failedAfterCrash(unwatched)).toBe(13);
  });

  it('with watch, the detector suspects it within latency + timeout + check interval and the balancer takes it out; fewer requests fail', async () => {
    watched = await runWatchedCrash({ watch: true });
    expect(watched.crashed).toBe('w3');
    expect(watched.watch.lifetimeOf('w3')).toEqual({ addedMs: 7_500, removedMs: undefined });
    expect(watched.watch.verdictsOf('w3')).toEqual([{ target: 'w3', trusted: false, timeMs: 10_250, localTimeMs: 10_250 }]);
    expectTakenOut(watched, DETECTION_BOUND_MS, 10_250, 1);
    expect(failedAfterCrash(watched)).toBeLessThan(failedAfterCrash(unwatched));
    // The autoscaler scaled in the nodes launched later, and stopped watching them; they were never suspected.
    expect(watched.watch.targets).toEqual(['w1', 'w2', 'w3']);
    expect(watched.watch.removedTargets).toEqual(['w4', 'w5']);
    expect(watched.watch.lifetimeOf('w5')).toEqual({ addedMs: 9_500, removedMs: 10_000 });
    expect(watched.watch.lifetimeOf('w4')).toEqual({ addedMs: 9_500, removedMs: 15_500 });
    expect(watched.watch.verdicts.map((verdict) => verdict.target)).toEqual(['w3']);
  });

  it('scores the added target against the truth: the crash detected in 250 ms, no mistakes over its watched life', () => {
    const qos = measureWatchQoS(watched.watch, 'w3', watched.sim.truth, 0, watched.sim.now, { intervalMs: HEARTBEAT_INTERVAL_MS });
    expectCrashCaught(qos, 7_500, 250, DETECTION_BOUND_MS);
  });

  it('is deterministic: the same seed gives the same trace hash, and the watch changes the run', async () => {
    const again = await runWatchedCrash({ watch: true });
    expect(again.sim.traceHash()).toBe(watched.sim.traceHash());
    expect(again.sim.traceHash()).toBe('6127f0bec77017d8');
    expect(failedAfterCrash(again)).toBe(failedAfterCrash(watched));
    expect(watched.sim.traceHash()).not.toBe(unwatched.sim.traceHash());
  });
});
