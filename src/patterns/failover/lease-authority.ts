import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireObject, requireString } from '../../validate.js';
import { LeaseTable, type LeaseRecord } from './lease-table.js';
import { LeaseReply, LeaseRequest } from './messages.js';

/**
 * One lease the authority granted.
 *
 * @example
 * ```ts
 * authority.grants.map((grant: LeaseGrant) => `${grant.holder}@${grant.epoch}`);
 * ```
 */
export interface LeaseGrant {
  /** Who got it. */
  holder: string;
  /** Its epoch. */
  epoch: number;
  /** True (simulated) time of the grant, in ms. */
  timeMs: number;
  /** True for a renewal (same holder, same epoch). */
  renewal: boolean;
}

/**
 * A lock service's node (a stand-in for ZooKeeper or etcd): grants one lease at a time through a
 * {@link LeaseTable} on its own clock, and persists it, so a restarted authority neither forgets
 * the holder nor reuses an epoch. Every grant is recorded in `grants`.
 *
 * @example
 * ```ts
 * const authority = addLeaseAuthority(sim, 'lock', { leaseMs: 500 });
 * sim.run({ until: 5_000 });
 * authority.grants.filter((grant) => !grant.renewal); // one per new holder, epochs 1, 2, ...
 * ```
 */
export class LeaseAuthority {
  /** Every grant, renewals included, in time order. */
  readonly grants: LeaseGrant[] = [];

  /** @internal Built by {@link addLeaseAuthority}. */
  constructor(
    /** The authority node's id. */
    readonly id: string,
    /** The lease's length, in ms. */
    readonly leaseMs: number,
    private readonly sim: Simulation,
  ) {}

  /** @internal Adds the node: called once by {@link addLeaseAuthority}. */
  install(): void {
    this.sim.addNode<unknown, LeaseRecord>(
      this.id,
      (ctx) => {
        const table = new LeaseTable({ leaseMs: this.leaseMs }, ctx.durable);
        return {
          onMessage: (from, message) => {
            if (!(message instanceof LeaseRequest)) return;
            const before = table.record;
            const answer = table.acquire(from, ctx.now());
            if (answer.granted) {
              ctx.persist(() => table.record);
              this.grants.push({ holder: from, epoch: answer.epoch, timeMs: this.sim.now, renewal: before.holder === from && before.epoch === answer.epoch });
            }
            ctx.send(from, new LeaseReply(message.requestId, answer.granted, answer.epoch, answer.leaseMs));
          },
        };
      },
      { durable: new LeaseTable({ leaseMs: this.leaseMs }).record },
    );
  }
}

/**
 * Adds a {@link LeaseAuthority} node `id` granting leases of `leaseMs`.
 *
 * @example
 * ```ts
 * const authority = addLeaseAuthority(sim, 'lock', { leaseMs: 500 });
 * ```
 */
export function addLeaseAuthority(sim: Simulation, id: string, options: { leaseMs: number }): LeaseAuthority {
  requireString(id, 'id');
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', ['leaseMs']);
  const table = new LeaseTable({ leaseMs: raw['leaseMs'] as number });
  const authority = new LeaseAuthority(id, table.leaseMs, sim);
  authority.install();
  return authority;
}
