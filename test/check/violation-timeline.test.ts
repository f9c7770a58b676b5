import { describe, expect, it } from 'vitest';
import { checkCluster, checkClusterAsync, type ClusterScenario } from '../../src/check/index.js';
import { PropertyViolationError } from '../../src/index.js';
import { registerModel } from '../../src/linearizability/register-model.js';
import { catchError } from '../detectors/expect-invalid.js';
import { pingPongScenario, type PingPong } from './fixtures.js';

/** The timeline's line times, before and after the marker line (if any). */
function timelineTimes(message: string): { heading: string; marker: string | undefined; before: number[]; after: number[] } {
  const lines = message.split('\n');
  const start = lines.findIndex((line) => /^(events around|last events)/.test(line));
  const end = lines.indexOf('replay:');
  const section = lines.slice(start + 1, end);
  const markerAt = section.findIndex((line) => line.includes('────'));
  const times = (part: string[]): number[] => part.map((line) => Number(/^\s+([\d.]+) ms/.exec(line)![1]));
  return {
    heading: lines[start]!,
    marker: markerAt < 0 ? undefined : section[markerAt]!.trim(),
    before: times(markerAt < 0 ? section : section.slice(0, markerAt)),
    after: markerAt < 0 ? [] : times(section.slice(markerAt + 1)),
  };
}

describe('the failure report shows the events around the violation', () => {
  it('an end invariant: around the first event of its last false stretch, found by replay, not the end of the run', () => {
    // False at the third pong, true again at the fourth, false from the eighth pong to the end.
    const scenario = pingPongScenario({ invariants: [{ name: 'not 3 and fewer than 8 pongs', when: 'end', check: (system) => system.pongs !== 3 && system.pongs < 8 }] });
    const eighthPongMs = checkCluster(pingPongScenario(), { seed: 1 }).system.pongsAt[7]!;
    const error = catchError(() => checkCluster(scenario, { seed: 1 })) as PropertyViolationError;
    expect(error.timeMs).toBe(2_000);
    const timeline = timelineTimes(error.message);
    expect(timeline.heading).toMatch(/^events around event \d+, after which 'not 3 and fewer than 8 pongs' was false to the end:$/);
    expect(timeline.marker).toBe(`──── event ${/event (\d+)/.exec(timeline.heading)![1]}, t=${eighthPongMs} ms ────`);
    expect(timeline.before[timeline.before.length - 1]).toBeCloseTo(eighthPongMs, 2);
    expect(timeline.before.every((atMs) => atMs <= eighthPongMs + 0.001)).toBe(true);
    expect(timeline.after.length).toBe(15);
    expect(timeline.after.every((atMs) => atMs > eighthPongMs && atMs < 1_500)).toBe(true);
  });

  it('an end invariant broken by a crash: the crash is the focus', () => {
    const scenario = pingPongScenario({ invariants: [{ name: 'b is up', when: 'end', check: (_system, sim) => sim.isUp('b') }] });
    const error = catchError(() => checkCluster(scenario, { seed: 2, faults: [{ kind: 'crash', atMs: 700, target: 'b' }] })) as PropertyViolationError;
    const timeline = timelineTimes(error.message);
    expect(timeline.marker).toMatch(/, t=700 ms ────$/);
    expect(error.message).toMatch(/700\.000 ms {2}b +💥|700\.000 ms {2}b .*crash/);
    // b is down: a's pings and their drops, 15 lines from the crash on (the run goes on to 2,000 ms).
    expect(timeline.after).toHaveLength(15);
    expect(Math.min(...timeline.after)).toBeGreaterThanOrEqual(700);
    expect(Math.max(...timeline.after)).toBeLessThanOrEqual(1_500);
  });

  it('an always invariant: the events up to the one that broke it', () => {
    const scenario = pingPongScenario({ invariants: [{ name: 'fewer than 5 pongs', check: (system: PingPong) => system.pongs < 5 }] });
    const error = catchError(() => checkCluster(scenario, { seed: 1 })) as PropertyViolationError;
    const timeline = timelineTimes(error.message);
    expect(timeline.heading).toBe('last events before the failure:');
    expect(timeline.marker).toBeUndefined();
    expect(timeline.before[timeline.before.length - 1]).toBeCloseTo(error.timeMs, 2);
  });

  it('liveness: around the moment the faults stopped', () => {
    const liveness: ClusterScenario<PingPong>['liveness'] = { fromMs: 1_000, withinMs: 500, eventually: [{ name: 'a hundred pongs', check: (system) => system.pongs >= 100 }] };
    const error = catchError(() => checkCluster(pingPongScenario({ liveness }), { seed: 3, faults: [{ kind: 'crash', atMs: 400, target: 'b' }] })) as PropertyViolationError;
    expect(error.timeMs).toBe(1_500);
    const timeline = timelineTimes(error.message);
    expect(timeline.heading).toBe('events around the faults stopping at t=1000 ms, when recovery should begin:');
    expect(timeline.before.every((atMs) => atMs < 1_000)).toBe(true);
    expect(timeline.after[0]).toBe(1_000);
    expect(Math.max(...timeline.after)).toBeLessThan(1_500);
  });

  it('linearizability: around the completion after which the history so far is not linearizable', () => {
    const scenario: ClusterScenario<PingPong> = pingPongScenario({
      setup(sim, tools) {
        const system = pingPongScenario().setup(sim, tools);
        const { history } = tools;
        sim.scheduleAt(100, () => history.ok(history.invoke('c1', { kind: 'write', value: 1 }, 100), undefined, 110));
        sim.scheduleAt(300, () => history.ok(history.invoke('c2', { kind: 'read' }, 300), 1, 310));
        // The stale read: after the write of 1 completed, a read returns 0.
        sim.scheduleAt(900, () => history.ok(history.invoke('c2', { kind: 'read' }, 900), 0, 910));
        return system;
      },
      linearizability: { model: registerModel({ initialValue: 0 }) as never },
    });
    const error = catchError(() => checkCluster(scenario, { seed: 1 })) as PropertyViolationError;
    expect(error.property).toBe('linearizable');
    const timeline = timelineTimes(error.message);
    expect(timeline.heading).toBe('events around the operations completing at t=910 ms, after which the history so far is not linearizable:');
    expect(timeline.before.every((atMs) => atMs <= 910)).toBe(true);
    expect(timeline.after.every((atMs) => atMs > 910 && atMs < 1_500)).toBe(true);
  });

  it('the same for async scenarios', async () => {
    const scenario = pingPongScenario({ async: true, invariants: [{ name: 'fewer than 8 pongs', when: 'end', check: (system) => system.pongs < 8 }] });
    const error = (await checkClusterAsync(scenario, { seed: 1 }).catch((caught: unknown) => caught)) as PropertyViolationError;
    expect(error).toBeInstanceOf(PropertyViolationError);
    const eighthPongMs = checkCluster(pingPongScenario(), { seed: 1 }).system.pongsAt[7]!;
    expect(timelineTimes(error.message).marker).toMatch(new RegExp(`, t=${eighthPongMs} ms ────$`));
  });
});
