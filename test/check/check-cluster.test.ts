import { describe, expect, it } from 'vitest';
import { checkCluster, checkClusterAsync, CoverageTally, type ClusterScenario } from '../../src/check/index.js';
import { CoverageError, InvariantError, LimitExceededError, NondeterminismError, PropertyViolationError } from '../../src/index.js';
import { catchError } from '../detectors/expect-invalid.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

const crashB = [{ kind: 'crash', atMs: 500, durationMs: 600, target: 'b' }];

describe('checkCluster', () => {
  it('gives equal trace hashes for equal cases and different ones for different seeds', () => {
    const scenario = pingPongScenario();
    const first = checkCluster(scenario, { seed: 1, faults: crashB });
    expect(checkCluster(scenario, { seed: 1, faults: crashB }).traceHash).toBe(first.traceHash);
    expect(checkCluster(scenario, { seed: 2, faults: crashB }).traceHash).not.toBe(first.traceHash);
    expect(first.system.pongs).toBeGreaterThan(5);
    expect(first.coverage['faults applied']).toEqual({ evaluated: 1, met: 1 });
  });

  it('checks an always-invariant after every event and stops at the first event that breaks it', () => {
    const scenario = pingPongScenario({ invariants: [{ name: 'fewer than 3 pongs', check: (system) => system.pongs < 3 || `${system.pongs} pongs` }] });
    const error = catchError(() => checkCluster(scenario, { seed: 4 })) as PropertyViolationError;
    expect(error).toBeInstanceOf(PropertyViolationError);
    expect(error.code).toBe('INVARIANT_VIOLATED');
    expect(error.property).toBe('fewer than 3 pongs');
    expect(error.evidence).toBe('3 pongs');
    // The third pong arrives a little after the third ping at 300 ms: the violation is found at that event.
    const pongsAt = checkCluster(pingPongScenario(), { seed: 4 }).system.pongsAt;
    expect(error.timeMs).toBe(pongsAt[2]);
  });

  it('checks an end-invariant only once, at untilMs', () => {
    const seen: number[] = [];
    const scenario = pingPongScenario({ invariants: [{ name: 'recorded', when: 'end', check: (_system, sim) => (seen.push(sim.now), true) }] });
    checkCluster(scenario, { seed: 1 });
    expect(seen).toEqual([2_000]);
  });

  it('reports the seed, the schedule, the last events and a replay line that reproduces the failure', () => {
    const scenario = pingPongScenario({ invariants: [{ name: 'b never misses a ping', check: (system, sim) => sim.now < 1_200 || system.pongs >= 11 }] });
    const error = catchError(() => checkCluster(scenario, { seed: 9, faults: crashB })) as PropertyViolationError;
    expect(error.message).toContain("invariant 'b never misses a ping' violated at t=");
    expect(error.message).toContain('seed: 9');
    expect(error.message).toContain('t=500 ms crash b for 600 ms');
    expect(error.message).toMatch(/last events before the failure:\n.*ms {2}\S/);
    expect(error.replay).toBe('checkCluster(scenario, {"seed":9,"faults":[{"kind":"crash","atMs":500,"durationMs":600,"target":"b"}]});');
    const replayed = JSON.parse(error.replay.slice('checkCluster(scenario, '.length, -2));
    expect((catchError(() => checkCluster(scenario, replayed)) as PropertyViolationError).timeMs).toBe(error.timeMs);
  });

  it('names an invariant that throws, or returns something other than a boolean or evidence', () => {
    const throwing = pingPongScenario({ invariants: [{ name: 'buggy check', check: () => { throw new Error('oops'); } }] });
    const thrown = catchError(() => checkCluster(throwing, { seed: 1 })) as InvariantError;
    expect(thrown).toBeInstanceOf(InvariantError);
    expect(thrown.code).toBe('INVARIANT_THREW');
    expect(thrown.message).toMatch(/invariant 'buggy check' threw \(oops\) at t=/);
    expect((thrown.cause as Error).message).toBe('oops');
    const silent = pingPongScenario({ invariants: [{ name: 'forgot return', check: (() => undefined) as unknown as () => boolean }] });
    expect((catchError(() => checkCluster(silent, { seed: 1 })) as InvariantError).message).toContain("invariant 'forgot return' returned undefined");
  });

  it('bounds the events of one run', () => {
    expect(() => checkCluster(pingPongScenario({ maxEvents: 10 }), { seed: 1 })).toThrow(LimitExceededError);
  });
});

describe('liveness', () => {
  const recovers: ClusterScenario<PingPong>['liveness'] = { fromMs: 1_000, withinMs: 500, eventually: [{ name: 'a pong after the faults stop', check: (system, sim) => system.pongsAt.some((atMs) => atMs >= 1_000 && atMs <= sim.now) }] };

  it('ends the faults at fromMs (the crashed node restarts) and passes when the condition holds in time', () => {
    const outcome = checkCluster(pingPongScenario({ liveness: recovers }), { seed: 3, faults: [{ kind: 'crash', atMs: 200, target: 'b' }] });
    expect(outcome.sim.isUp('b')).toBe(true);
    expect(outcome.system.pongsAt.some((atMs) => atMs > 1_000)).toBe(true);
  });

  it('fails with LIVENESS_VIOLATED at the deadline when the condition never holds', () => {
    const never = { ...recovers!, eventually: [{ name: 'a hundred pongs', check: (system: PingPong) => system.pongs >= 100 }] };
    const error = catchError(() => checkCluster(pingPongScenario({ liveness: never }), { seed: 3 })) as PropertyViolationError;
    expect(error.code).toBe('LIVENESS_VIOLATED');
    expect(error.timeMs).toBe(1_500);
    expect(error.evidence).toContain("'a hundred pongs' did not hold between 1000 ms (faults stopped) and 1500 ms");
  });
});

describe('determinism self-check', () => {
  /**
   * Node code whose timing leaks from one run into the next through module state: exactly the bug
   * the self-check exists for. (A draw of Math.random here would give both runs the same delay one
   * time in fifty, and the test would fail by chance.)
   */
  let starts = 0;
  const impure = (): ClusterScenario<PingPong> =>
    pingPongScenario({
      setup(sim) {
        const system: PingPong = { pongs: 0, pongsAt: [] };
        sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(1 + (starts++ % 50), 'go'), onTimer: () => ctx.send('b', 'x') }));
        sim.addNode('b', () => ({}));
        return system;
      },
    });

  it('fails at the first diverging event when node code is not deterministic', () => {
    const error = catchError(() => checkCluster(impure(), { seed: 1 }, { selfCheck: true }));
    expect(error).toBeInstanceOf(NondeterminismError);
    expect((error as NondeterminismError).code).toBe('NONDETERMINISM');
    expect((error as NondeterminismError).event).toBeGreaterThanOrEqual(1);
    expect((error as NondeterminismError).message).toMatch(/diverged after event \d+[\s\S]*first run, t=[\s\S]*second run, t=/);
  });

  it('catches nondeterminism that only changes message contents, which the trace hash leaves out', () => {
    const contents = pingPongScenario({
      setup(sim) {
        sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(5, 'go'), onTimer: () => ctx.send('b', { value: Math.random() }) }));
        sim.addNode('b', () => ({}));
        return { pongs: 0, pongsAt: [] };
      },
    });
    const error = catchError(() => checkCluster(contents, { seed: 1 }, { selfCheck: true })) as NondeterminismError;
    expect(error).toBeInstanceOf(NondeterminismError);
    expect(error.message).toMatch(/"value":0\.\d+/);
  });

  it('passes deterministic code', () => {
    expect(checkCluster(pingPongScenario(), { seed: 1, faults: crashB }, { selfCheck: true }).traceHash).toBe(checkCluster(pingPongScenario(), { seed: 1, faults: crashB }).traceHash);
  });

  it('notices a failure that does not reproduce, even without the self-check', () => {
    let runs = 0;
    const flaky = pingPongScenario({ setup: (sim, tools) => (runs++, pingPongScenario().setup(sim, tools)), invariants: [{ name: 'first run only', check: () => runs > 1 }] });
    expect(catchError(() => checkCluster(flaky, { seed: 1 }))).toBeInstanceOf(NondeterminismError);
  });
});

describe('coverage', () => {
  it("records whether a fault actually hit: a crash that drops pings does, a partition of idle time does not", () => {
    expect(checkCluster(pingPongScenario(), { seed: 1, faults: crashB }).coverage['faults hit']).toEqual({ evaluated: 1, met: 1 });
    const idle = [{ kind: 'partition', atMs: 20, durationMs: 30, params: { groups: [['a'], ['b']] } }];
    const outcome = checkCluster(pingPongScenario(), { seed: 1, faults: idle });
    expect(outcome.coverage['faults applied']!.met).toBe(1);
    expect(outcome.coverage['faults hit']!.met).toBe(0);
  });

  it('tallies coverage across cases for runners of your own', () => {
    const tally = new CoverageTally();
    tally.add(checkCluster(pingPongScenario(), { seed: 1 }).coverage);
    tally.add(checkCluster(pingPongScenario(), { seed: 2, faults: crashB }).coverage);
    expect(tally.summary()).toMatchObject({ 'faults applied': 1, 'faults hit': 1, 'operations completed': 0 });
    tally.require(['faults hit']);
    expect(() => tally.require(['faults hit', 'operations completed'])).toThrow(CoverageError);
  });
});

describe('workloads and async code', () => {
  it('rejects a workload operation that JSON would not carry unchanged, since the replay line is JSON', () => {
    const operating: ClusterScenario<PingPong, unknown> = { ...pingPongScenario(), operate: () => {} };
    expect(() => checkCluster(operating, { seed: 1, workload: [{ atMs: 1, client: 'a', operation: { big: 1n } }] })).toThrow(/case\.workload\[0\]\.operation\.big must be plain data/);
    expect(() => checkCluster(operating, { seed: 1, workload: [{ atMs: 1, client: 'a', operation: Number.NaN }] })).toThrow(/case\.workload\[0\]\.operation must be plain data/);
  });

  it('issues each workload operation at its time through operate', () => {
    const issued: Array<[number, string, number]> = [];
    const scenario: ClusterScenario<PingPong, number> = { ...pingPongScenario(), workload: undefined, operate: (_system, item, sim) => issued.push([sim.now, item.client, item.operation]) };
    checkCluster(scenario, { seed: 1, workload: [{ atMs: 10, client: 'a', operation: 7 }, { atMs: 250.5, client: 'b', operation: 8 }] });
    expect(issued).toEqual([[10, 'a', 7], [250.5, 'b', 8]]);
  });

  it('runs async node code with checkClusterAsync, as deterministically as handler code', async () => {
    const scenario: ClusterScenario<{ answers: number }> = {
      async: true,
      setup(sim) {
        const system = { answers: 0 };
        sim.addNode('server', (ctx) => ({ async onCall(_from, request) { await ctx.sleep(3); return request; } }));
        sim.addNode('client', (ctx) => ({
          async onStart() {
            for (let round = 0; round < 20; round++) {
              try { await ctx.call('server', round, { timeoutMs: 50 }); system.answers++; } catch { /* timed out under the crash */ }
            }
          },
        }));
        return system;
      },
      invariants: [{ name: 'at most 20 answers', check: (system) => system.answers <= 20 }],
      untilMs: 3_000,
    };
    const testCase = { seed: 5, faults: [{ kind: 'crash', atMs: 30, durationMs: 100, target: 'server' }] };
    const first = await checkClusterAsync(scenario, testCase, { selfCheck: true });
    expect((await checkClusterAsync(scenario, testCase)).traceHash).toBe(first.traceHash);
    expect(first.system.answers).toBeGreaterThan(10);
    expect(first.system.answers).toBeLessThan(20);
  });
});
