import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { checkCluster, type ClusterScenario } from '../../src/check/index.js';
import { PropertyViolationError } from '../../src/index.js';
import { catchError, expectInvalidArgument } from '../detectors/expect-invalid.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

/** `b` crashes for good at 300 ms: only a heal brings the pongs back. */
const crashStopB = [{ kind: 'crash', atMs: 300, target: 'b' }];
const pongsResumed = { name: 'pongs resume after 1.5 s', when: 'end' as const, check: (system: PingPong) => system.pongsAt.some((atMs) => atMs > 1_500) };

describe('scenario.healAtMs: heal at t, then check at the end', () => {
  it('ends every fault at healAtMs (the crashed node restarts) and checks end invariants at untilMs', () => {
    const seenAt: number[] = [];
    const scenario = pingPongScenario({ healAtMs: 1_500, invariants: [pongsResumed, { name: 'seen', when: 'end', check: (_system, sim) => (seenAt.push(sim.now), true) }] });
    const outcome = checkCluster(scenario, { seed: 3, faults: crashStopB });
    expect(outcome.sim.faultLog.map((entry) => [entry.timeMs, entry.phase])).toEqual([[300, 'apply'], [1_500, 'revert']]);
    expect(outcome.sim.isUp('b')).toBe(true);
    expect(seenAt).toEqual([2_000]);
  });

  it('without it the same case fails: the crash never ends', () => {
    const error = catchError(() => checkCluster(pingPongScenario({ invariants: [pongsResumed] }), { seed: 3, faults: crashStopB }));
    expect(error).toBeInstanceOf(PropertyViolationError);
  });

  it('starts no fault at or after healAtMs', () => {
    const outcome = checkCluster(pingPongScenario({ healAtMs: 1_000 }), { seed: 3, faults: [{ kind: 'pause', atMs: 1_200, durationMs: 100, target: 'a' }] });
    expect(outcome.sim.faultLog).toEqual([]);
  });

  it('rejects a heal time outside [0, untilMs), and one given with liveness', () => {
    for (const healAtMs of [-1, 2_000, 2_500, Number.NaN, Number.POSITIVE_INFINITY, '500']) {
      expectInvalidArgument(() => checkCluster(pingPongScenario({ healAtMs: healAtMs as number }), { seed: 1 }), 'scenario.healAtMs');
    }
    const liveness: ClusterScenario<PingPong>['liveness'] = { fromMs: 1_000, withinMs: 500, eventually: [{ name: 'a pong', check: (system) => system.pongs > 0 }] };
    expectInvalidArgument(() => checkCluster(pingPongScenario({ healAtMs: 1_000, liveness }), { seed: 1 }), 'scenario.healAtMs');
  });

  test.prop([fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -10_000, max: 10_000 }))], { numRuns: 200, seed: 5 })('accepts exactly the finite times in [0, untilMs)', (healAtMs) => {
    const scenario = pingPongScenario({ healAtMs, untilMs: 2_000, setup: () => ({ pongs: 0, pongsAt: [] }) });
    if (Number.isFinite(healAtMs) && healAtMs >= 0 && healAtMs < 2_000) expect(checkCluster(scenario, { seed: 1 }).sim.now).toBe(2_000);
    else expectInvalidArgument(() => checkCluster(scenario, { seed: 1 }), 'scenario.healAtMs');
  });
});
