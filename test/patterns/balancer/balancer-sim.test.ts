import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import { balancedCluster, CHECK_INTERVAL_MS, type BalancedCluster } from './scenario.js';

const newSim = (seed: number): Simulation => new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } } });
const errorRate = (cluster: BalancedCluster, fromMs = 0): number => {
  const requests = cluster.requests.filter((request) => request.sentMs >= fromMs);
  return requests.filter((request) => request.failed).length / requests.length;
};

describe('load balancer proxy with its own health checks', () => {
  it('takes a crashed backend out within two check intervals and back after its restart', async () => {
    const cluster = balancedCluster(newSim(1));
    cluster.sim.schedule(1_000, () => cluster.sim.crash('b2'));
    cluster.sim.schedule(2_000, () => cluster.sim.restart('b2'));
    await cluster.sim.runAsync({ until: 3_000 });
    const down = cluster.balancer.events.find((event) => event.kind === 'down')!;
    const up = cluster.balancer.events.find((event) => event.kind === 'up')!;
    expect(down).toMatchObject({ backend: 'b2' });
    expect(down.atMs).toBeLessThanOrEqual(1_000 + 2 * CHECK_INTERVAL_MS + 50);
    expect(up.atMs).toBeGreaterThan(2_000);
    expect(up.atMs).toBeLessThanOrEqual(2_000 + CHECK_INTERVAL_MS + 50);
    const toB2 = cluster.picks.filter((pick) => pick.backend === 'b2');
    expect(toB2.some((pick) => pick.timeMs > down.atMs && pick.timeMs < up.atMs)).toBe(false);
    expect(toB2.some((pick) => pick.timeMs > up.atMs)).toBe(true);
    // Only the requests routed to b2 between the crash and the verdict failed.
    const failed = cluster.requests.filter((request) => request.failed);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((request) => request.sentMs >= 1_000 && request.sentMs <= down.atMs)).toBe(true);
  });

  it('without outlier ejection, a lossy link the pings mostly survive keeps failing requests; with it, b3 is ejected and errors fall', async () => {
    const run = async (outliers: boolean): Promise<BalancedCluster> => {
      const cluster = balancedCluster(newSim(2), outliers ? { outlierDetection: { windowSize: 20, minRequests: 10, maxErrorRate: 0.2, ejectionMs: 5_000 } } : {});
      cluster.sim.schedule(500, () => cluster.sim.degrade([['lb', 'b3'], ['b3', 'lb']], { lossProbability: 0.15 }));
      await cluster.sim.runAsync({ until: 6_000 });
      return cluster;
    };
    const without = await run(false);
    const withEjection = await run(true);
    expect(errorRate(without, 500)).toBeGreaterThan(0.04);
    expect(errorRate(withEjection, 500)).toBeLessThan(errorRate(without, 500) / 3);
    const ejected = withEjection.balancer.events.filter((event) => event.kind === 'ejected');
    expect(ejected.map((event) => event.backend)).toEqual(['b3']);
    expect(ejected[0]!.reason).toBe('error rate');
  });

  it('is deterministic under runAsync: same seed, same picks and trace', async () => {
    const once = async (): Promise<[string, number]> => {
      const cluster = balancedCluster(newSim(3), { policy: 'power-of-two-choices' });
      cluster.sim.schedule(700, () => cluster.sim.crash('b1'));
      await cluster.sim.runAsync({ until: 2_000 });
      return [cluster.sim.traceHash(), cluster.picks.length];
    };
    expect(await once()).toEqual(await once());
  });
});
