import { InvalidArgumentError } from '../errors.js';
import { requireNonNegative } from '../validate.js';
import type { AsyncOperations } from './async-operations.js';
import { trueDelayOf } from './local-delay.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';
import type { WorldEventKinds } from './world-events.js';
import type { EventLoop } from '../kernel/event-loop.js';
import type { WorldKernel } from './world-kernel.js';

/** A timer name whose timer is not pending (kept in the map to avoid churn). */
const NO_TIMER = -1;
/** Timer names kept marked (not deleted) per node; beyond this, fired names are deleted. */
const TIMER_NAMES_KEPT = 64;

/** Named timers of node code: `ctx.setTimer`, `ctx.cancelTimer`, and `onTimer` when one fires. */
export class NodeTimers {
  // The kernel's parts and the node table, held directly: these are read on every message.
  private readonly loop: EventLoop;
  private readonly nodes: NodeRuntime[];
  constructor(
    kernel: WorldKernel,
    private readonly kinds: WorldEventKinds,
    private readonly registry: NodeRegistry,
    private readonly asyncOperations: AsyncOperations,
  ) {
    this.loop = kernel.loop;
    this.nodes = registry.nodes;
  }

  // The hot path of every heartbeat and election timeout: what runs only on an error, a trace or an
  // async handler is out of line, so V8 can inline this into `ctx.setTimer` and `onTimer`.
  set(node: NodeRuntime, delayMs: number, name: string, data: unknown): void {
    if (typeof delayMs !== 'number' || !(delayMs >= 0 && delayMs < Infinity) || typeof name !== 'string') rejectArguments(node, delayMs, name);
    const loop = this.loop;
    const trueDelayMs = trueDelayOf(loop, node, delayMs, 'ctx.setTimer', 'delayMs');
    const previous = node.timers.get(name);
    if (previous !== undefined && previous !== NO_TIMER) loop.cancel(previous);
    const handle = loop.scheduleEvent(trueDelayMs, this.kinds.timer, node.index, node.incarnation, 0, 0, name);
    node.timers.set(name, handle);
    if (data !== undefined) node.timerData.set(name, data);
    else if (node.timerData.size > 0) node.timerData.delete(name);
  }

  cancel(node: NodeRuntime, name: string): boolean {
    const handle = node.timers.get(name);
    if (handle === undefined || handle === NO_TIMER) return false;
    this.forget(node, name);
    if (node.timerData.size > 0) node.timerData.delete(name);
    return this.loop.cancel(handle);
  }

  /** A paused node's timer, released on resume: it keeps its name, with a new handle. */
  rearm(node: NodeRuntime, name: string, handle: number): void {
    node.timers.set(name, handle);
  }

  handleTimer(target: number, incarnation: number, name: string): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return node.hold(this.kinds.timer, incarnation, 0, 0, name);
    this.forget(node, name);
    const data = node.timerData.size > 0 ? takeData(node, name) : undefined;
    if (this.loop.trace !== undefined) this.recordFired(node, name);
    const handlers = node.handlers;
    if (handlers.onTimer === undefined) return;
    const result = handlers.onTimer(name, data);
    if (result !== undefined) this.adoptResult(node, name, result);
  }

  private recordFired(node: NodeRuntime, name: string): void {
    const loop = this.loop;
    loop.trace!.push({ timeMs: loop.now, type: 'timer', node: node.id, timer: name });
  }

  /** An async `onTimer` returned a promise: the async runner takes it on. */
  private adoptResult(node: NodeRuntime, name: string, result: unknown): void {
    this.asyncOperations.adopt(node, result, `onTimer '${name}'`);
  }

  /**
   * Marks a timer name as not pending instead of deleting it, so re-arming the same few names does
   * not churn the Map's table; past a bound (unique names like `retry-17`) names are deleted.
   */
  private forget(node: NodeRuntime, name: string): void {
    if (node.timers.size > TIMER_NAMES_KEPT) node.timers.delete(name);
    else node.timers.set(name, NO_TIMER);
  }
}

/** Throws for a bad `ctx.setTimer` argument, the delay first. */
function rejectArguments(node: NodeRuntime, delayMs: unknown, name: unknown): void {
  if (typeof delayMs !== 'number' || !(delayMs >= 0 && delayMs < Infinity)) requireNonNegative(delayMs, `ctx.setTimer on '${node.id}': delayMs`);
  if (typeof name !== 'string') throw new InvalidArgumentError(`ctx.setTimer on '${node.id}': name`, name, 'a string');
}

/** The data `ctx.setTimer` attached to the timer that fires, taken off the node. */
function takeData(node: NodeRuntime, name: string): unknown {
  const data = node.timerData.get(name);
  node.timerData.delete(name);
  return data;
}
