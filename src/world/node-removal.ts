import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import { EventLoop } from '../kernel/event-loop.js';
import { orDefault, rejectUnknownKeys, requireBoolean, requireObject, requirePositive } from '../validate.js';
import type { GroundTruth } from './ground-truth.js';
import type { NodeLifecycle } from './lifecycle.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';

/**
 * Options of `sim.removeNode`.
 *
 * @example
 * ```ts
 * sim.removeNode('worker-3', { graceful: true, drainMs: 2_000 }); // scale-in: drain, then remove
 * sim.removeNode('worker-4');                                     // abrupt: gone now
 * ```
 */
export interface RemoveNodeOptions {
  /**
   * Drain first (default false: remove now, like a crash that never recovers). A draining node
   * refuses new messages and calls (dropped as `node-draining`) but keeps running: its timers
   * fire, it works through messages it already holds, and replies to its own calls still reach
   * it, so work in flight can finish. After `drainMs` it is removed.
   */
  graceful?: boolean;
  /** How long a graceful removal drains, in ms; only with `graceful: true`. Default 1,000. */
  drainMs?: number;
}

const DEFAULT_DRAIN_MS = 1_000;

/**
 * Takes nodes out of the cluster for good, at once or after a drain. A removed node is down for
 * ever, leaves its peers' `ctx.peers` and broadcasts, and its id is never reused (the trace, the
 * ground truth and the link tables keep its history under that id).
 */
export class NodeRemoval {
  constructor(
    private readonly loop: EventLoop,
    private readonly registry: NodeRegistry,
    private readonly lifecycle: NodeLifecycle,
    private readonly truth: GroundTruth,
  ) {}

  remove(id: string, options: RemoveNodeOptions): void {
    const node = this.registry.named(id, 'removeNode(id)');
    const { graceful, drainMs } = readRemoveOptions(options, this.loop.now);
    if (node.removed) throw new InvalidStateError(`removeNode: node '${id}' was already removed`);
    if (node.draining) throw new InvalidStateError(`removeNode: node '${id}' is already draining (a graceful removal is under way)`);
    if (!graceful) return this.finish(node, false);
    node.draining = true;
    this.truth.noteDraining(node.id);
    this.loop.schedule(drainMs, () => this.finish(node, true));
  }

  private finish(node: NodeRuntime, graceful: boolean): void {
    this.lifecycle.remove(node, graceful);
    this.registry.forgetPeers();
  }
}

function readRemoveOptions(options: RemoveNodeOptions, nowMs: number): { graceful: boolean; drainMs: number } {
  const raw: unknown = options;
  requireObject(raw, 'removeNode(options)');
  rejectUnknownKeys(raw, 'removeNode(options)', ['graceful', 'drainMs']);
  const graceful = orDefault(options.graceful, false);
  requireBoolean(graceful, 'removeNode(options).graceful');
  if (!graceful && options.drainMs !== undefined) throw new InvalidArgumentError('removeNode(options).drainMs', options.drainMs, 'absent unless graceful is true (an abrupt removal does not drain)');
  const drainMs = orDefault(options.drainMs, DEFAULT_DRAIN_MS);
  requirePositive(drainMs, 'removeNode(options).drainMs');
  const latestMs = EventLoop.maxSimulatedTimeMs - nowMs;
  if (!(drainMs <= latestMs)) throw new InvalidArgumentError('removeNode(options).drainMs', drainMs, `a duration in (0, ${latestMs}] ms, so the drain ends by EventLoop.maxSimulatedTimeMs`);
  return { graceful, drainMs };
}
