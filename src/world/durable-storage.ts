import { produce, type Draft } from 'immer';
import { DiskError } from '../errors.js';
import { requireFunction } from '../validate.js';
import type { NodeRuntime } from './node-runtime.js';
import type { WorldKernel } from './world-kernel.js';

/**
 * A node's durable state: `ctx.persist` writes it through immer (through the disk faults in
 * force), `ctx.sync` makes cached writes survive a crash.
 */
export class DurableStorage {
  constructor(private readonly kernel: WorldKernel) {}

  persist(node: NodeRuntime, recipe: (draft: Draft<unknown>) => unknown): void {
    requireFunction(recipe, `ctx.persist on '${node.id}': recipe`);
    const disk = node.disk;
    const loop = this.kernel.loop;
    if (disk.full) throw this.failedWrite(node, 'DISK_FULL');
    if (disk.failProbability > 0 && loop.rng(`fault:disk:${node.id}`).random() < disk.failProbability) throw this.failedWrite(node, 'DISK_WRITE_FAILED');
    node.durable = produce(node.durable, recipe as (draft: Draft<unknown>) => void);
    if (!disk.cacheWrites) node.syncedDurable = node.durable;
    if (loop.trace !== undefined) loop.trace.push({ timeMs: loop.now, type: 'persist', node: node.id, detail: node.durable });
  }

  // Counted on the failure path only, in a plain field: a successful write pays nothing, and
  // `watchDegradation` reads the count at sampling time (nothing runs when metrics are not watched).
  private failedWrite(node: NodeRuntime, code: 'DISK_FULL' | 'DISK_WRITE_FAILED'): DiskError {
    node.diskWriteErrors++;
    return new DiskError(code, node.id);
  }

  sync(node: NodeRuntime): void {
    node.syncedDurable = node.durable;
  }

  /** What survives a crash: cached writes that were never synced are lost. */
  keepSyncedOnly(node: NodeRuntime): void {
    if (node.disk.cacheWrites) node.durable = node.syncedDurable;
  }
}
