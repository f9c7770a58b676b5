import { describe, expect, it } from 'vitest';
import { crashLoop, supervisedCluster } from './scenario.js';

describe('supervisor', () => {
  it('restarts a crashed child after detection plus the back-off, and only that child', () => {
    const { sim, supervisor } = supervisedCluster(1, { backoff: { initialMs: 200 } });
    sim.schedule(1_000, () => sim.crash('w1'));
    sim.run({ until: 3_000 });
    const [detected, restarted] = supervisor.events;
    expect(detected).toMatchObject({ kind: 'detected', child: 'w1', delayMs: 200 });
    // Two missed probes (one interval apart) after the crash, then the back-off.
    expect(detected!.timeMs).toBeGreaterThan(1_100);
    expect(detected!.timeMs).toBeLessThanOrEqual(1_300);
    expect(restarted).toMatchObject({ kind: 'restarted', child: 'w1', timeMs: detected!.timeMs + 200, restartsInWindow: 1 });
    expect(sim.isUp('w1')).toBe(true);
    expect(sim.node('w1').incarnation).toBe(1);
    expect(supervisor.restartsOf('w2')).toBe(0);
    expect(supervisor.phase('w1')).toBe('trusted');
  });

  it('cancels the restart when the child is seen up again before the back-off ends (a short pause)', () => {
    const { sim, supervisor } = supervisedCluster(2, { backoff: { initialMs: 1_000 } });
    sim.schedule(1_000, () => sim.pause('w2'));
    sim.schedule(1_400, () => sim.resume('w2'));
    sim.run({ until: 3_000 });
    expect(supervisor.events.map((event) => event.kind)).toEqual(['detected', 'cancelled']);
    expect(sim.node('w2').incarnation).toBe(0);
  });

  it('in a crash loop, backs off exponentially and gives up at the restart intensity', () => {
    const { sim, supervisor } = supervisedCluster(3, { backoff: { initialMs: 100, maxMs: 10_000 }, intensity: { maxRestarts: 3, windowMs: 20_000 } });
    const reports: string[] = [];
    supervisor.onEvent((event) => {
      if (event.kind === 'gave-up') reports.push(`${event.child} at ${event.timeMs}`);
    });
    crashLoop(sim, 'w1', 1_000, 50, 20_000);
    sim.run({ until: 20_000 });
    const restarts = supervisor.events.filter((event) => event.kind === 'restarted');
    expect(restarts).toHaveLength(3);
    const gaps = restarts.slice(1).map((event, index) => event.timeMs - restarts[index]!.timeMs);
    // Each wait is at least the back-off (200 ms, then 400 ms) after the previous restart.
    expect(gaps[0]).toBeGreaterThanOrEqual(200);
    expect(gaps[1]).toBeGreaterThanOrEqual(400);
    expect(reports).toHaveLength(1);
    expect(supervisor.phase('w1')).toBe('gave-up');
    expect(sim.isUp('w1')).toBe(false);
    expect(supervisor.events.at(-1)).toMatchObject({ kind: 'gave-up', child: 'w1', restartsInWindow: 3 });
  });

  it('does nothing while its own node is down, and picks the child up again when it restarts', () => {
    const { sim, supervisor } = supervisedCluster(4, { backoff: { initialMs: 100 } });
    sim.schedule(500, () => sim.crash('sup'));
    sim.schedule(1_000, () => sim.crash('w2'));
    sim.schedule(3_000, () => sim.restart('sup'));
    sim.run({ until: 3_900 });
    const restarted = supervisor.events.find((event) => event.kind === 'restarted');
    expect(restarted?.timeMs).toBeGreaterThan(3_000);
    expect(sim.isUp('w2')).toBe(true);
  });
});

describe('supervisor events', () => {
  it('reports detected then restarted, and no cancellation when the restarted child is seen up', () => {
    const { sim, supervisor } = supervisedCluster(5, { backoff: { initialMs: 200 } });
    sim.schedule(1_000, () => sim.crash('w1'));
    sim.run({ until: 3_000 });
    expect(supervisor.events.map((event) => event.kind)).toEqual(['detected', 'restarted']);
  });
});
