import { Simulation } from '../../../src/simulation.js';
import { addPrimaryBackup, type PrimaryBackup } from '../../../src/patterns/failover/primary-backup.js';
import type { LeasedBehaviour } from '../../../src/patterns/failover/lease-holder.js';
import type { StoreWrite } from '../../../src/patterns/failover/fenced-store.js';

export const LEASE_MS = 500;
export const WORK_INTERVAL_MS = 100;
/** Time between the lease check and the write: where a GC pause can land. */
export const PROCESSING_MS = 20;

/**
 * A replica that, as primary, writes its own name to 'owner' every 100 ms: it checks the lease,
 * works for 20 ms, then writes with the epoch it checked under (check-then-act, as real code does).
 */
export const ownerWriter: LeasedBehaviour = (ctx, lease) => ({
  onStart() {
    ctx.setTimer(WORK_INTERVAL_MS, 'work');
  },
  onTimer(name, data) {
    if (name === 'work') {
      if (lease.isPrimary()) ctx.setTimer(PROCESSING_MS, 'flush', lease.epoch());
      ctx.setTimer(WORK_INTERVAL_MS, 'work');
    } else if (name === 'flush') {
      lease.write('owner', `${ctx.id}@${ctx.now()}`, data as number);
    }
  },
});

export function primaryBackupCluster(seed: number | string, fencing: boolean): { sim: Simulation } & PrimaryBackup {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
  const group = addPrimaryBackup(sim, {
    replicas: ['r1', 'r2', 'r3'], behaviour: ownerWriter, authority: 'lock', store: 'store',
    leaseMs: LEASE_MS, renewIntervalMs: 100, safetyMarginMs: 20, fencing,
  });
  return { sim, ...group };
}

/** Accepted writes whose epoch is below one accepted earlier: a deposed primary wrote after its successor. */
export function writesAfterSuccessor(writes: readonly StoreWrite[]): StoreWrite[] {
  let highest = 0;
  const late: StoreWrite[] = [];
  for (const write of writes) {
    if (!write.accepted) continue;
    if (write.epoch < highest) late.push(write);
    highest = Math.max(highest, write.epoch);
  }
  return late;
}
