import { describe, expect, it } from 'vitest';
import { LEASE_MS, primaryBackupCluster, writesAfterSuccessor } from './scenario.js';

/** r1 leads from the start; at 1,010 ms it has checked its lease and is 20 ms from writing when a 2 s GC pause hits. */
const PAUSE = { kind: 'pause', atMs: 1_010, durationMs: 2_000, target: 'r1' };

function pausedLeader(fencing: boolean) {
  const cluster = primaryBackupCluster(1, fencing);
  cluster.sim.inject([PAUSE]);
  cluster.sim.run({ until: 4_000 });
  return cluster;
}

describe('failover: a paused leader', () => {
  it('a successor takes over with a new epoch once the lease has run out', () => {
    const { authority } = pausedLeader(true);
    const holders = authority.grants.filter((grant) => !grant.renewal);
    expect(holders[0]).toMatchObject({ holder: 'r1', epoch: 1 });
    expect(holders[1]!.epoch).toBe(2);
    expect(holders[1]!.holder).not.toBe('r1');
    expect(holders[1]!.timeMs).toBeGreaterThanOrEqual(1_010 + LEASE_MS - 100);
    expect(holders[1]!.timeMs).toBeLessThan(1_010 + LEASE_MS + 200);
  });

  it('without fencing, writes after its successor when it wakes: the store goes back to the old owner', () => {
    const { store } = pausedLeader(false);
    const late = writesAfterSuccessor(store.writes);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ from: 'r1', epoch: 1, accepted: true });
    expect(late[0]!.timeMs).toBeGreaterThanOrEqual(3_010);
  });

  it('with fencing, the stale write is refused and the successor keeps the store', () => {
    const { store, sim } = pausedLeader(true);
    expect(writesAfterSuccessor(store.writes)).toEqual([]);
    const refused = store.writes.filter((write) => !write.accepted);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ from: 'r1', epoch: 1 });
    const owner = sim.node<unknown, { values: Record<string, string> }>('store').durable.values['owner']!;
    expect(owner.startsWith('r1')).toBe(false);
  });

  it('is deterministic: the same seed gives the same trace', () => {
    const first = pausedLeader(true).sim.traceHash();
    expect(pausedLeader(true).sim.traceHash()).toBe(first);
  });
});
