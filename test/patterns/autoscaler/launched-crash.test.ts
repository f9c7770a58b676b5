import { describe, expect, it } from 'vitest';
import { measureHealthQoS } from '../../../src/observe/health/health-qos.js';
import { DETECTION_BOUND_MS, failedAfterCrash, runLaunchedCrash, type LaunchedCrashRun } from './launched-crash-scenario.js';
import { expectCrashCaught, expectTakenOut } from './pool-crash-story.js';

// The story of launched-crash-scenario.ts (seed 21): a spike makes the autoscaler launch w3 at
// 5.5 s (ready at 7.5 s), then w4 and w5; at 10 s w3 crashes. Every figure is from the
// simulated run, so it is pinned exactly: a change that moves one should say why.

let unchecked: LaunchedCrashRun;
let checked: LaunchedCrashRun;

describe('a launched node crashes behind a health-checked balancer', () => {
  it('without healthChecks, the balancer never learns: the dead worker stays in rotation and requests keep failing', async () => {
    unchecked = await runLaunchedCrash({ healthChecks: false });
    expect(unchecked.crashed).toBe('w3');
    expect(unchecked.balancer.events.filter((event) => event.backend === 'w3').map((event) => event.kind)).toEqual(['added']);
    expect(unchecked.balancer.inRotation(unchecked.sim.now)).toContain('w3');
    // Least-outstanding hides most of it (a dead worker's requests pile up until the proxy times them out), not all.
    expect(failedAfterCrash(unchecked)).toBe(13);
  });

  it('with healthChecks, the added check takes it out of rotation within interval x threshold + timeout, and fewer requests fail', async () => {
    checked = await runLaunchedCrash({ healthChecks: true });
    expect(checked.crashed).toBe('w3');
    expectTakenOut(checked, DETECTION_BOUND_MS, 10_250, 1);
    expect(failedAfterCrash(checked)).toBeLessThan(failedAfterCrash(unchecked));
    // The autoscaler scaled in the nodes launched later, and removed their checks.
    expect(checked.health.checkNames).toEqual(['w1/liveness', 'w2/liveness', 'w3/liveness']);
    expect(checked.health.removedCheckNames).toEqual(['w4/liveness', 'w5/liveness']);
  });

  it('scores the added check against the truth: the crash detected in 250 ms, no mistakes over its life', () => {
    const lifetime = checked.health.lifetimeOf('w3/liveness');
    expect(lifetime).toEqual({ addedMs: 7_500, fromMs: 7_500, untilMs: undefined });
    const qos = measureHealthQoS(checked.health, 'w3/liveness', checked.sim.truth, 0, checked.sim.now);
    expectCrashCaught(qos, 7_500, 250, DETECTION_BOUND_MS);
  });

  it('is deterministic: the same seed gives the same trace hash, and the checks change the run', async () => {
    const again = await runLaunchedCrash({ healthChecks: true });
    expect(again.sim.traceHash()).toBe(checked.sim.traceHash());
    expect(failedAfterCrash(again)).toBe(failedAfterCrash(checked));
    expect(checked.sim.traceHash()).not.toBe(unchecked.sim.traceHash());
  });
});
