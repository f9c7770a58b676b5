import { describe, expect, it } from 'vitest';
import { assertCluster, type ClusterScenario } from '../../../src/check/index.js';
import { balancedCluster, CHECK_INTERVAL_MS, type BalancedCluster } from './scenario.js';

/** Picks of a backend made more than one check interval after its own checks marked it down (and before it came back). */
function picksWhileDown(cluster: BalancedCluster): string | undefined {
  for (const transition of cluster.health.transitions.filter((t) => t.to === 'unhealthy')) {
    const back = cluster.health.transitions.find((t) => t.target === transition.target && t.to === 'healthy' && t.timeMs > transition.timeMs);
    const late = cluster.picks.find((pick) => pick.backend === transition.target && pick.timeMs > transition.timeMs + CHECK_INTERVAL_MS && pick.timeMs < (back?.timeMs ?? Infinity));
    if (late !== undefined) return `${late.backend} picked at ${late.timeMs} ms, marked down at ${transition.timeMs} ms`;
  }
  return undefined;
}

const scenario: ClusterScenario<BalancedCluster> = {
  name: 'balanced backends',
  async: true,
  simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } } },
  setup: (sim, { coverage }) => {
    const cluster = balancedCluster(sim, { policy: 'least-outstanding' });
    cluster.health.onChange((t) => coverage.sometimes('backend marked down', t.to === 'unhealthy'));
    return cluster;
  },
  invariants: [{ name: 'never routes to a backend marked down for longer than one check interval', check: (cluster) => picksWhileDown(cluster) ?? true }],
  untilMs: 3_000,
};

describe('balancer under generated faults', () => {
  it('never routes to a backend its own checks marked down, beyond one check interval', async () => {
    const summary = await assertCluster(scenario, {
      faults: { nodes: ['b1', 'b2', 'b3'], clients: ['lb', 'c'], kinds: ['crash', 'pause', 'partition'], maxFaults: 3, horizonMs: 2_500 },
      numRuns: 25, seed: 15, requireCoverage: { sometimes: ['backend marked down'] },
    });
    expect(summary.runs).toBe(25);
  });
});
