import { HandlerError, InvalidArgumentError } from '../errors.js';
import type { Delivery } from './delivery.js';
import type { GroundTruth } from './ground-truth.js';
import { IncarnationContext, type NodeServices } from './incarnation-context.js';
import type { NodeHandlers } from './node-context.js';
import type { NodeRuntime } from './node-runtime.js';
import type { WorldEventKinds } from './world-events.js';
import type { WorldKernel } from './world-kernel.js';

const HANDLER_NAMES = ['onStart', 'onMessage', 'onTimer', 'onRecover', 'onCall'] as const;

// Tags mixed into the trace hash for state changes that are not events of their own.
const HASH_CRASH = 0x63726173;
const HASH_RESTART = 0x72657374;
const HASH_PAUSE = 0x70617573;
const HASH_REMOVE = 0x72656d76;

/**
 * A node's life: each incarnation built from its behaviour and started, crashes that end it
 * (volatile state gone, durable state kept), restarts, and pauses that freeze it.
 */
export class NodeLifecycle {
  constructor(
    private readonly kernel: WorldKernel,
    private readonly kinds: WorldEventKinds,
    private readonly truth: GroundTruth,
    private readonly delivery: Delivery,
    private readonly services: NodeServices,
  ) {}

  /**
   * Builds the node's handlers for its current incarnation; `onStart` or `onRecover` runs as its
   * next event, or after `startDelayMs` (the node is down, provisioning, until then).
   */
  begin(node: NodeRuntime, recovering: 0 | 1, startDelayMs = 0): void {
    node.handlers = this.buildHandlers(node);
    node.started = false;
    if (startDelayMs === 0) {
      this.kernel.loop.scheduleEvent(0, this.kinds.start, node.index, node.incarnation, recovering);
      return;
    }
    // ---- start delay (issue 15) ----
    node.up = false;
    node.provisioning = true;
    this.truth.noteUp(node.id, false);
    node.startHandle = this.kernel.loop.scheduleEvent(startDelayMs, this.kinds.start, node.index, node.incarnation, recovering);
  }

  handleStart(target: number, incarnation: number, recovering: number): void {
    const node = this.services.registry.nodes[target]!;
    if (node.provisioning && node.incarnation === incarnation) this.finishProvisioning(node);
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return node.hold(this.kinds.start, incarnation, recovering, 0, undefined);
    this.record(node, 'start', { incarnation, recovering: recovering === 1 });
    node.started = true;
    const handlers = node.handlers;
    const adopt = this.services.asyncOperations;
    if (recovering === 1 && handlers.onRecover !== undefined) adopt.adopt(node, handlers.onRecover(), 'onRecover');
    else if (handlers.onStart !== undefined) adopt.adopt(node, handlers.onStart(), 'onStart');
    // Messages that arrived before the start handler ran (at this same instant) run now, in order.
    if (node.held.length > 0 && node.up && node.incarnation === incarnation && !node.paused) this.release(node);
  }

  crash(node: NodeRuntime, detail?: Record<string, unknown>): void {
    if (!node.up) {
      if (node.provisioning) this.cancelProvisioning(node, detail);
      return;
    }
    node.up = false;
    const loop = this.kernel.loop;
    for (const handle of node.timers.values()) loop.cancel(handle);
    for (const waiter of node.receivers) loop.cancel(waiter.timeoutHandle);
    for (const call of node.calls.values()) loop.cancel(call.timeoutHandle);
    if (node.paused) this.truth.notePaused(node.id, false);
    if (node.inbox.length > 0) this.truth.noteOverloaded(node.id, false);
    this.delivery.dropQueuedAtCrash(node);
    node.resetVolatile();
    this.services.storage.keepSyncedOnly(node);
    node.incarnation++;
    this.truth.noteUp(node.id, false);
    this.mixIntoHash(HASH_CRASH, node);
    this.record(node, 'crash', detail);
  }

  restart(node: NodeRuntime): void {
    if (node.up || node.removed) return;
    node.up = true;
    this.truth.noteUp(node.id, true);
    this.mixIntoHash(HASH_RESTART, node);
    this.record(node, 'restart', { incarnation: node.incarnation });
    this.begin(node, 1);
  }

  pause(node: NodeRuntime): void {
    if (!node.up || node.paused) return;
    node.paused = true;
    this.truth.notePaused(node.id, true);
    this.mixIntoHash(HASH_PAUSE, node);
    this.record(node, 'pause');
  }

  /** Unfreezes a node: everything that waited runs now, in order. */
  resume(node: NodeRuntime): void {
    if (!node.paused) return;
    node.paused = false;
    this.truth.notePaused(node.id, false);
    this.mixIntoHash(HASH_PAUSE, node);
    this.record(node, 'resume', { released: node.held.length });
    this.release(node);
  }

  // ---- removal and start delay (issue 15) ----
  /**
   * Removes a node for good: it crashes (or stops provisioning) and never restarts; messages to
   * it are dropped as `node-removed`.
   */
  remove(node: NodeRuntime, graceful: boolean): void {
    const detail = { removed: true, graceful };
    if (node.up || node.provisioning) this.crash(node, detail);
    else this.record(node, 'crash', detail);
    node.removed = true;
    node.draining = false;
    this.truth.noteRemoved(node.id);
    this.mixIntoHash(HASH_REMOVE, node);
  }

  /** The start delay is over: the node is up from now on and its start handler runs. */
  private finishProvisioning(node: NodeRuntime): void {
    node.provisioning = false;
    node.startHandle = -1;
    node.up = true;
    this.truth.noteUp(node.id, true);
  }

  /** A node that crashes while it boots never starts; a restart begins it afresh. */
  private cancelProvisioning(node: NodeRuntime, detail: Record<string, unknown> | undefined): void {
    node.provisioning = false;
    this.kernel.loop.cancel(node.startHandle);
    node.startHandle = -1;
    node.resetVolatile();
    node.incarnation++;
    this.mixIntoHash(HASH_CRASH, node);
    this.record(node, 'crash', { ...detail, provisioning: true });
  }
  // ---- end removal and start delay ----

  /** Schedules every held event now, in the order it was held. */
  private release(node: NodeRuntime): void {
    const held = node.held;
    node.held = [];
    for (const event of held) {
      const handle = this.kernel.loop.scheduleEvent(0, event.kind, node.index, event.a, event.b, event.c, event.payload);
      if (event.kind === this.kinds.timer) this.services.timers.rearm(node, event.payload as string, handle);
    }
  }

  private buildHandlers(node: NodeRuntime): NodeHandlers<unknown> {
    const context = new IncarnationContext(this.services, node);
    let handlers: unknown;
    node.building = true;
    try {
      handlers = node.behaviour(context);
    } catch (error) {
      throw new HandlerError(node.id, 'behaviour (building handlers)', this.kernel.loop.now, error);
    } finally {
      node.building = false;
    }
    if (typeof handlers !== 'object' || handlers === null) {
      throw new InvalidArgumentError(`behaviour of node '${node.id}'`, handlers, 'a function returning an object of handlers');
    }
    for (const name of HANDLER_NAMES) {
      const handler = (handlers as Record<string, unknown>)[name];
      if (handler !== undefined && typeof handler !== 'function') {
        throw new InvalidArgumentError(`handlers of node '${node.id}'.${name}`, handler, 'a function or absent');
      }
    }
    return handlers as NodeHandlers<unknown>;
  }

  private mixIntoHash(tag: number, node: NodeRuntime): void {
    this.kernel.hash.mixInt(tag);
    this.kernel.hash.mixInt(node.index);
  }

  private record(node: NodeRuntime, type: 'start' | 'crash' | 'restart' | 'pause' | 'resume', detail?: Record<string, unknown>): void {
    const loop = this.kernel.loop;
    if (loop.trace === undefined) return;
    loop.trace.push(detail === undefined ? { timeMs: loop.now, type, node: node.id } : { timeMs: loop.now, type, node: node.id, detail });
  }
}
