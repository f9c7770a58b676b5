import { describe, expect, it } from 'vitest';
import { assertCluster, type ClusterScenario } from '../../../src/check/index.js';
import { PropertyFailedError } from '../../../src/errors.js';
import { addPrimaryBackup, type PrimaryBackup } from '../../../src/patterns/failover/primary-backup.js';
import { ownerWriter, writesAfterSuccessor } from './scenario.js';

function scenario(fencing: boolean): ClusterScenario<PrimaryBackup> {
  return {
    name: `primary-backup (${fencing ? 'fenced' : 'unfenced'})`,
    simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } },
    setup: (sim) =>
      addPrimaryBackup(sim, {
        replicas: ['r1', 'r2', 'r3'], behaviour: ownerWriter, authority: 'lock', store: 'store',
        leaseMs: 500, renewIntervalMs: 100, safetyMarginMs: 20, fencing,
      }),
    invariants: [
      {
        name: 'no primary writes after its successor',
        check: ({ store }) => {
          const late = writesAfterSuccessor(store.writes);
          return late.length === 0 || `${late[0]!.from} wrote under epoch ${late[0]!.epoch} at ${late[0]!.timeMs} ms, after a later epoch`;
        },
      },
    ],
    untilMs: 4_000,
  };
}

const faults = { nodes: ['r1', 'r2', 'r3'], clients: ['lock', 'store'], kinds: ['pause' as const, 'crash' as const, 'partition' as const], maxFaults: 3, horizonMs: 3_500 };

describe('failover under generated faults', () => {
  it('with fencing, no primary ever writes after its successor', async () => {
    const summary = await assertCluster(scenario(true), { faults, numRuns: 60, seed: 15, requireCoverage: { sometimes: ['faults applied'] } });
    expect(summary.runs).toBe(60);
  });

  it('without fencing, the same search finds a paused primary writing after its successor', async () => {
    const error = await assertCluster(scenario(false), { faults, numRuns: 300, seed: 15 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PropertyFailedError);
    expect((error as Error).message).toContain("invariant 'no primary writes after its successor' violated");
    expect((error as Error).message).toMatch(/pause r\d/);
  });
});
