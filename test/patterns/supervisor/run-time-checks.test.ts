import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import { createHealthChecker, type HealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { addSupervisor, type Supervisor } from '../../../src/patterns/supervisor/supervisor.js';

// The story: a supervisor 'sup' restarts 'w' by the liveness checks its node runs; the checks
// change while it runs (a faster one replaces the first), and one is added while 'sup' is down.

const LIVENESS = { target: 'w', kind: 'liveness' as const, intervalMs: 200, timeoutMs: 50, unhealthyThreshold: 2 };

function supervised(): { sim: Simulation; health: HealthChecker; supervisor: Supervisor } {
  const sim = new Simulation({ seed: 8, trace: true, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
  sim.addNode('w', withHealthEndpoint(() => ({ onCall: () => 'ok' })));
  const health = createHealthChecker(sim, 'sup', { checks: [LIVENESS] });
  const supervisor = addSupervisor(sim, 'sup', { children: ['w'], verdicts: health, backoff: { initialMs: 100 } });
  return { sim, health, supervisor };
}

describe('a supervisor following checks added and removed at run time', () => {
  it('restarts a child on the verdict of a check added later, once the first is removed', () => {
    const { sim, health, supervisor } = supervised();
    sim.schedule(1_000, () => {
      health.removeCheck('w/liveness');
      health.addCheck({ ...LIVENESS, name: 'w/liveness-fast', intervalMs: 100 });
    });
    sim.schedule(2_030, () => sim.crash('w'));
    sim.run({ until: 3_000 });
    // The fast check's probes at 2_100 and 2_200 time out at 2_150 and 2_250; the restart follows the 100 ms back-off.
    expect(supervisor.events.map((event) => [event.kind, event.timeMs])).toEqual([['detected', 2_250], ['restarted', 2_350]]);
    expect(health.transitionsOf('w/liveness')).toEqual([]);
    expect(sim.isUp('w')).toBe(true);
  });

  it('does not restart a child whose liveness checks are all gone', () => {
    const { sim, health, supervisor } = supervised();
    sim.schedule(1_000, () => health.removeCheck('w/liveness'));
    sim.schedule(1_500, () => sim.crash('w'));
    sim.run({ until: 3_000 });
    expect(supervisor.events).toEqual([]);
    expect(sim.isUp('w')).toBe(false);
  });

  it('takes a check added while the supervisor is down (from outside its events) into account when it comes back', () => {
    const { sim, health, supervisor } = supervised();
    sim.schedule(1_000, () => health.removeCheck('w/liveness'));
    sim.schedule(1_100, () => sim.crash('w'));
    sim.schedule(1_200, () => sim.crash('sup'));
    // A check that starts unhealthy makes 'w' believed down at once: the supervisor is down to hear it.
    sim.schedule(1_300, () => health.addCheck({ ...LIVENESS, name: 'w/liveness-2', initialStatus: 'unhealthy' }));
    sim.schedule(2_000, () => sim.restart('sup'));
    sim.run({ until: 3_000 });
    expect(supervisor.events.map((event) => [event.kind, event.timeMs])).toEqual([['detected', 2_000], ['restarted', 2_100]]);
    expect(sim.isUp('w')).toBe(true);
  });
});
