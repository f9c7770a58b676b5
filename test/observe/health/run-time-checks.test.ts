import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, InvalidArgumentError } from '../../../src/errors.js';
import { addHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import type { HealthCheckOptions } from '../../../src/observe/health/health-check-options.js';
import { healthDetectorTransitions, measureHealthQoS } from '../../../src/observe/health/health-qos.js';
import { Simulation } from '../../../src/simulation.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';

// The story: a checker 'lb' probes 'api' from the start; a node 'late' joins the service later,
// and its checks are added while the checker runs, from outside the checker's own events.

const LATENCY_MS = 5;
const API_LIVENESS: HealthCheckOptions = { target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 50 };
const LATE_LIVENESS: HealthCheckOptions = { target: 'late', kind: 'liveness', intervalMs: 100, timeoutMs: 50 };
const LATE_READINESS: HealthCheckOptions = { target: 'late', kind: 'readiness', request: 'get', intervalMs: 100, timeoutMs: 50, unhealthyThreshold: 2 };

function world(seed = 1): { sim: Simulation; health: HealthChecker } {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'constant', ms: LATENCY_MS } } } });
  for (const id of ['api', 'late']) sim.addNode(id, withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const health = addHealthChecker(sim, 'lb', { checks: [API_LIVENESS] });
  return { sim, health };
}

/** True times the probes of `check` were sent, read from the replies (every probe is answered here). */
const probeTimes = (health: HealthChecker, check: string): number[] => health.repliesOf(check).map((reply) => reply.sentMs ?? Number.NaN);

describe('HealthChecker.addCheck', () => {
  it('sends the first probe at once from a sim.schedule callback, then every interval, and brings readiness up', () => {
    const { sim, health } = world();
    sim.schedule(1_000, () => expect(health.addCheck(LATE_READINESS)).toBe('late/readiness'));
    sim.run({ until: 1_450 });
    expect(probeTimes(health, 'late/readiness')).toEqual([1_000, 1_100, 1_200, 1_300, 1_400]);
    expect(health.transitionsOf('late/readiness')).toEqual([
      { check: 'late/readiness', target: 'late', kind: 'readiness', from: 'unhealthy', to: 'healthy', timeMs: 1_000 + 2 * LATENCY_MS, localTimeMs: 1_000 + 2 * LATENCY_MS, reason: 'ok' },
    ]);
    expect(health.checkNames).toEqual(['api/liveness', 'late/readiness']);
    // The check present from the start keeps its rhythm.
    expect(probeTimes(health, 'api/liveness').slice(0, 3)).toEqual([0, 100, 200]);
  });

  it('works from another node\'s handler, as an autoscaler adds the checks of the node it launched', () => {
    const { sim, health } = world();
    sim.addNode('ops', (ctx) => ({ onStart: () => ctx.setTimer(700, 'add'), onTimer: () => void health.addCheck(LATE_LIVENESS) }));
    sim.run({ until: 1_000 });
    expect(probeTimes(health, 'late/liveness')).toEqual([700, 800, 900]);
    expect(health.lifetimeOf('late/liveness')).toEqual({ addedMs: 700, fromMs: 700, untilMs: undefined });
  });

  it('starts a check added before the run with the checker, like the ones given at construction', () => {
    const { sim, health } = world();
    health.addCheck(LATE_LIVENESS);
    sim.run({ until: 250 });
    expect(probeTimes(health, 'late/liveness')).toEqual([0, 100, 200]);
    expect(health.lifetimeOf('late/liveness').fromMs).toBe(0);
  });

  it('waits for a crashed checker to recover, and for a paused one to resume, before the first probe', () => {
    for (const [stop, start] of [['crash', 'restart'], ['pause', 'resume']] as const) {
      const { sim, health } = world();
      sim.schedule(900, () => sim[stop]('lb'));
      sim.schedule(1_000, () => health.addCheck(LATE_LIVENESS));
      sim.schedule(1_500, () => sim[start]('lb'));
      sim.run({ until: 1_750 });
      expect(probeTimes(health, 'late/liveness'), stop).toEqual([1_500, 1_600, 1_700]);
    }
  });

  it('detects a crash of the added target within interval x threshold + timeout, and scores it from its addition', () => {
    const { sim, health } = world(2);
    sim.schedule(1_000, () => health.addCheck(LATE_READINESS));
    sim.schedule(2_030, () => sim.crash('late'));
    sim.run({ until: 3_000 });
    const down = health.transitionsOf('late/readiness').find((flip) => flip.to === 'unhealthy')!;
    expect(down.timeMs - 2_030).toBeLessThanOrEqual(2 * 100 + 50);
    expect(down.timeMs).toBe(2_250); // probes at 2100 and 2200 time out 50 ms later
    // Its start-up suspicion begins at its addition, not at the checker's start.
    expect(healthDetectorTransitions(health, 'late/readiness')[0]).toEqual({ kind: 'suspect', timeMs: 1_000, localTimeMs: 1_000 });
    const qos = measureHealthQoS(health, 'late/readiness', sim.truth, 0, 3_000);
    expect(qos.fromMs).toBe(1_000);
    expect(qos.crashes).toBe(1);
    expect(qos.detectionTime.maxMs).toBe(220);
    // The 10 ms of start-up suspicion before the first reply is its only mistake.
    expect(qos.mistakes).toHaveLength(1);
    expect(qos.mistakes[0]).toMatchObject({ startMs: 1_000, endMs: 1_010 });
  });

  it('is deterministic: the same seed and the same additions give the same trace hash', () => {
    const hashes = [1, 2].map(() => {
      const { sim, health } = world(9);
      sim.schedule(333, () => health.addCheck(LATE_READINESS));
      sim.schedule(777, () => health.removeCheck('late/readiness'));
      sim.schedule(800, () => health.addCheck({ ...LATE_READINESS, name: 'late/readiness-again' }));
      sim.run({ until: 2_000 });
      return sim.traceHash();
    });
    expect(hashes[0]).toBe(hashes[1]);
  });
});

describe('HealthChecker.removeCheck', () => {
  it('stops probing, cancels its timers, ignores a reply still on its way, and keeps its records readable', () => {
    const { sim, health } = world();
    sim.schedule(1_000, () => health.addCheck(LATE_READINESS));
    // The probe sent at 1_400 is answered at 1_410: removed in between, its reply is not the check's.
    sim.schedule(1_402, () => health.removeCheck('late/readiness'));
    sim.run({ until: 2_000 });
    expect(probeTimes(health, 'late/readiness')).toEqual([1_000, 1_100, 1_200, 1_300]);
    expect(health.checkNames).toEqual(['api/liveness']);
    expect(health.removedCheckNames).toEqual(['late/readiness']);
    expect(health.status('late/readiness')).toBe('healthy');
    expect(health.transitionsOf('late/readiness')).toHaveLength(1);
    expect(health.lifetimeOf('late/readiness')).toEqual({ addedMs: 1_000, fromMs: 1_000, untilMs: 1_402 });
    const lateTimers = sim.trace!.records().filter((event) => event.type === 'timer' && event.timeMs > 1_402 && String(event.timer).endsWith(':1'));
    expect(lateTimers).toEqual([]);
    // The other check goes on.
    expect(probeTimes(health, 'api/liveness').at(-1)).toBe(1_900);
  });

  it('stops a check removed while the checker is paused: its held timers find it gone on resume', () => {
    const { sim, health } = world();
    sim.schedule(1_000, () => health.addCheck(LATE_LIVENESS));
    sim.schedule(1_150, () => sim.pause('lb'));
    sim.schedule(1_300, () => health.removeCheck('late/liveness'));
    sim.schedule(1_500, () => sim.resume('lb'));
    sim.run({ until: 2_000 });
    expect(probeTimes(health, 'late/liveness')).toEqual([1_000, 1_100]);
    expect(health.transitionsOf('late/liveness')).toEqual([]);
    expect(probeTimes(health, 'api/liveness').filter((sentMs) => sentMs >= 1_500)).toEqual([1_500, 1_600, 1_700, 1_800, 1_900]);
  });

  it('keeps indices stable: a check added after a removal probes under its own index, and the survivors keep theirs', () => {
    const { sim, health } = world();
    sim.schedule(500, () => health.addCheck(LATE_LIVENESS));
    sim.schedule(1_000, () => health.removeCheck('late/liveness'));
    sim.schedule(1_000, () => health.addCheck(LATE_READINESS));
    sim.run({ until: 1_250 });
    expect(probeTimes(health, 'late/liveness').at(-1)).toBe(900);
    expect(probeTimes(health, 'late/readiness')).toEqual([1_000, 1_100, 1_200]);
    expect(probeTimes(health, 'api/liveness')).toHaveLength(13);
    const probes = sim.trace!.records().filter((event) => event.type === 'timer' && String(event.timer).startsWith('faultline.health.probe:'));
    expect([...new Set(probes.map((event) => event.timer))].sort()).toEqual(['faultline.health.probe:0', 'faultline.health.probe:1', 'faultline.health.probe:2']);
  });

  it('scores a removed check up to its removal only, and refuses a window wholly outside its life', () => {
    const { sim, health } = world(3);
    sim.schedule(1_000, () => health.addCheck(LATE_LIVENESS));
    sim.schedule(2_000, () => health.removeCheck('late/liveness'));
    sim.schedule(2_500, () => sim.crash('late'));
    sim.run({ until: 3_000 });
    const qos = measureHealthQoS(health, 'late/liveness', sim.truth, 0, 3_000);
    expect([qos.fromMs, qos.untilMs]).toEqual([1_000, 2_000]);
    // The crash came after the check was gone: not a miss of it.
    expect(qos.crashes).toBe(0);
    expect(qos.queryAccuracyProbability).toBe(1);
    expectInvalidArgument(() => measureHealthQoS(health, 'late/liveness', sim.truth, 0, 1_000), 'untilMs');
    expectInvalidArgument(() => measureHealthQoS(health, 'late/liveness', sim.truth, 2_000, 3_000), 'fromMs');
  });

  it('refuses an unknown name, a second removal, and a name that is not a string', () => {
    const { health } = world();
    expectInvalidArgument(() => health.removeCheck('ghost/liveness'), 'check');
    health.removeCheck('api/liveness');
    expectInvalidArgument(() => health.removeCheck('api/liveness'), 'name');
    expectInvalidArgument(() => health.removeCheck(7 as never), 'name');
  });
});

describe('HealthChecker.addCheck refuses bad checks with typed errors', () => {
  it.each([
    ['a name taken by a running check', { ...API_LIVENESS }, 'check.name'],
    ['an unknown key', { ...LATE_LIVENESS, intervalMS: 5 }, 'check.intervalMS'],
    ['a timeout not below the interval', { ...LATE_LIVENESS, timeoutMs: 100 }, 'check.timeoutMs'],
    ['a liveness check with a request', { ...LATE_LIVENESS, request: 'get' }, 'check.request'],
    ['a fractional threshold', { ...LATE_LIVENESS, unhealthyThreshold: 1.5 }, 'check.unhealthyThreshold'],
    ['no target', { kind: 'liveness', intervalMs: 100, timeoutMs: 50 }, 'check.target'],
    ['not an object', 'late/liveness', 'check'],
  ])('%s', (_name, check, field) => {
    const { health } = world();
    expectInvalidArgument(() => health.addCheck(check as never), field);
    expect(health.checkNames).toEqual(['api/liveness']);
  });

  it('refuses the name of a removed check, so its records stay unambiguous', () => {
    const { health } = world();
    health.addCheck(LATE_LIVENESS);
    health.removeCheck('late/liveness');
    expectInvalidArgument(() => health.addCheck(LATE_LIVENESS), 'check.name');
  });

  fcTest.prop([fc.record({ target: fc.anything(), kind: fc.anything(), name: fc.anything(), intervalMs: fc.anything(), timeoutMs: fc.anything(), healthyThreshold: fc.anything(), initialStatus: fc.anything(), request: fc.anything(), extra: fc.anything() }, { requiredKeys: [] })])(
    'any check either is added (and listed) or throws a FaultlineError and leaves the checker as it was',
    (check) => {
      const { health } = world();
      try {
        const name = health.addCheck(check as never);
        expect(health.checkNames).toEqual(['api/liveness', name]);
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(health.checkNames).toEqual(['api/liveness']);
      }
    },
  );
});
