import { describe, expect, it } from 'vitest';
import { assertCluster, type ClusterScenario } from '../../../src/check/index.js';
import { createHealthChecker } from '../../../src/observe/health/health-checker.js';
import { withHealthEndpoint } from '../../../src/observe/health/health-endpoint.js';
import { addSupervisor, type Supervisor } from '../../../src/patterns/supervisor/supervisor.js';

const MAX_RESTARTS = 2;
const WINDOW_MS = 1_500;

/** Restarts per child within any window of WINDOW_MS, at most MAX_RESTARTS. */
function worstWindow(supervisor: Supervisor, child: string): number {
  const times = supervisor.events.filter((event) => event.kind === 'restarted' && event.child === child).map((event) => event.timeMs);
  return Math.max(0, ...times.map((end) => times.filter((time) => time > end - WINDOW_MS && time <= end).length));
}

const scenario: ClusterScenario<Supervisor> = {
  name: 'supervised workers',
  simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } },
  setup: (sim, { coverage }) => {
    for (const id of ['w1', 'w2']) sim.addNode(id, withHealthEndpoint(() => ({})));
    const checks = ['w1', 'w2'].map((target) => ({ target, kind: 'liveness' as const, intervalMs: 50, timeoutMs: 30, unhealthyThreshold: 1 }));
    const health = createHealthChecker(sim, 'sup', { checks });
    const supervisor = addSupervisor(sim, 'sup', { children: ['w1', 'w2'], verdicts: health, backoff: { initialMs: 20, maxMs: 200 }, intensity: { maxRestarts: MAX_RESTARTS, windowMs: WINDOW_MS } });
    supervisor.onEvent((event) => coverage.sometimes(`supervisor ${event.kind}`, true));
    return supervisor;
  },
  invariants: [
    {
      name: 'restart intensity never exceeded',
      check: (supervisor) => ['w1', 'w2'].every((child) => worstWindow(supervisor, child) <= MAX_RESTARTS) || `restarts in a window: w1 ${worstWindow(supervisor, 'w1')}, w2 ${worstWindow(supervisor, 'w2')}`,
    },
  ],
  untilMs: 5_000,
};

describe('supervisor under generated crash schedules', () => {
  it('never restarts a child more than maxRestarts times in any window, and does restart and give up', async () => {
    const summary = await assertCluster(scenario, {
      faults: { nodes: ['w1', 'w2'], kinds: ['crash'], minFaults: 2, maxFaults: 8, horizonMs: 4_500 },
      numRuns: 60, seed: 15, requireCoverage: { sometimes: ['supervisor restarted', 'supervisor gave-up'] },
    });
    expect(summary.runs).toBe(60);
  });
});
