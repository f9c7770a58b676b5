import type { AsyncOperations } from './async-operations.js';
import { CallReply, CallRequest } from './call-envelope.js';
import { omissionRng } from './fault-streams.js';
import type { GroundTruth } from './ground-truth.js';
import {
  DROP_INBOX_OVERFLOW,
  DROP_LINK_BLOCKED,
  DROP_MAILBOX_OVERFLOW,
  DROP_NO_CALL_HANDLER,
  DROP_NODE_DOWN,
  DROP_NODE_DRAINING,
  DROP_NODE_REMOVED,
  DROP_NODE_STARTING,
  DROP_RECEIVE_OMISSION,
  DROP_STALE_REPLY,
  dropReasons,
  type Network,
} from './network.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';
import type { WorldEventKinds } from './world-events.js';
import type { EventLoop } from '../kernel/event-loop.js';
import type { TraceHash } from '../kernel/trace-hash.js';
import type { WorldKernel } from './world-kernel.js';
import type { MessageTap } from './span-api.js';

/**
 * The arriving side of messaging: a message that crossed its link is dropped (cut link, node
 * down, receive omission), held for a paused node, queued for a node's limited service, or handed
 * to the node's code (`onMessage`, a waiting `ctx.receive`, `onCall`, a call's reply, the mailbox).
 */
export class Delivery {
  // The kernel's parts and the node table, held directly: these are read on every message.
  private readonly loop: EventLoop;
  private readonly hash: TraceHash;
  private readonly asyncRuns: WorldKernel['asyncRuns'];
  private readonly nodes: NodeRuntime[];
  /** Tracing's view of arrivals; undefined (and never called) unless tracing is on. */
  tap: MessageTap | undefined = undefined;
  constructor(
    kernel: WorldKernel,
    private readonly kinds: WorldEventKinds,
    private readonly registry: NodeRegistry,
    private readonly network: Network,
    private readonly truth: GroundTruth,
    private readonly asyncOperations: AsyncOperations,
  ) {
    this.loop = kernel.loop;
    this.hash = kernel.hash;
    this.asyncRuns = kernel.asyncRuns;
    this.nodes = registry.nodes;
  }

  handleDeliver(to: number, from: number, linkIndex: number, messageId: number, message: unknown): void {
    const node = this.nodes[to]!;
    if (this.network.isCut(linkIndex)) return this.dropOnArrival(linkIndex, DROP_LINK_BLOCKED, messageId, message);
    if (!node.up) return this.dropOnArrival(linkIndex, downReason(node), messageId, message);
    // A draining node takes no new work; replies to its own calls are work it already has.
    if (node.draining && !(message instanceof CallReply)) return this.dropOnArrival(linkIndex, DROP_NODE_DRAINING, messageId, message);
    if (node.receiveOmission > 0 && omissionRng(this.loop, node).random() < node.receiveOmission) {
      return this.dropOnArrival(linkIndex, DROP_RECEIVE_OMISSION, messageId, message);
    }
    this.accept(node, linkIndex, from, messageId, message);
  }

  /** A message that reached a paused node's inbox before the pause ended: no second trip over the link. */
  handleHeldDeliver(to: number, from: number, linkIndex: number, messageId: number, message: unknown): void {
    const node = this.nodes[to]!;
    if (!node.up) return this.dropOnArrival(linkIndex, downReason(node), messageId, message);
    this.accept(node, linkIndex, from, messageId, message);
  }

  /** The node takes the next message from its inbox and is busy for one service time. */
  handleService(target: number, incarnation: number): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return node.hold(this.kinds.service, incarnation, 0, 0, undefined);
    const queued = node.inbox.shift();
    if (queued === undefined) {
      node.serviceScheduled = false;
      return;
    }
    const serviceMs = node.service === undefined ? 0 : 1000 / node.service.messagesPerSec;
    node.busyUntilMs = this.loop.now + serviceMs;
    if (node.inbox.length > 0) this.loop.scheduleEvent(serviceMs, this.kinds.service, node.index, node.incarnation);
    else {
      node.serviceScheduled = false;
      this.truth.noteOverloaded(node.id, false);
    }
    this.consume(node, queued.linkIndex, queued.from, queued.messageId, queued.message);
  }

  /** Counts what a crash loses: messages held for the paused node and queued in its inbox. */
  dropQueuedAtCrash(node: NodeRuntime): void {
    for (const held of node.held) {
      if (held.kind === this.kinds.heldDeliver || held.kind === this.kinds.deliver) this.network.linkAt(held.b).dropped[DROP_NODE_DOWN]!++;
    }
    for (const queued of node.inbox) this.network.linkAt(queued.linkIndex).dropped[DROP_NODE_DOWN]!++;
    if (this.tap !== undefined) this.endSpansAtCrash(this.tap, node);
  }

  /** The hops of the messages a crash loses end as dropped, then the spans the node had open. */
  private endSpansAtCrash(tap: MessageTap, node: NodeRuntime): void {
    const reason = dropReasons[DROP_NODE_DOWN]!;
    for (const held of node.held) {
      if (held.kind === this.kinds.heldDeliver || held.kind === this.kinds.deliver) tap.droppedOnArrival(held.c, reason);
    }
    for (const queued of node.inbox) tap.droppedOnArrival(queued.messageId, reason);
    tap.crashed(node);
  }

  private accept(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (node.paused || !node.started) {
      // A frozen process's socket buffer is finite too: past its inbox bound, arrivals are dropped.
      if (node.held.length >= (node.service?.inboxLimit ?? node.mailboxLimit)) return this.dropOnArrival(linkIndex, DROP_INBOX_OVERFLOW, messageId, message);
      return node.hold(this.kinds.heldDeliver, from, linkIndex, messageId, message);
    }
    // While a backlog drains (even after the capacity fault ended) new arrivals queue behind it.
    if (node.service !== undefined || node.inbox.length > 0) return this.enqueueForService(node, linkIndex, from, messageId, message);
    this.consume(node, linkIndex, from, messageId, message);
  }

  private enqueueForService(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (node.service !== undefined && node.inbox.length >= node.service.inboxLimit) return this.dropOnArrival(linkIndex, DROP_INBOX_OVERFLOW, messageId, message);
    const nowMs = this.loop.now;
    node.inbox.push({ from, linkIndex, messageId, message });
    if (node.inbox.length > 1 || node.busyUntilMs > nowMs) this.truth.noteOverloaded(node.id, true);
    if (node.serviceScheduled) return;
    node.serviceScheduled = true;
    this.loop.scheduleEvent(Math.max(0, node.busyUntilMs - nowMs), this.kinds.service, node.index, node.incarnation);
  }

  /** Hands the message to the node's code, inside its trace context when tracing is on. */
  private consume(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (this.tap !== undefined) this.tap.enter(node, messageId);
    this.consumeMessage(node, linkIndex, from, messageId, message);
  }

  private consumeMessage(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (message instanceof CallRequest) return this.consumeCall(node, linkIndex, from, messageId, message);
    if (message instanceof CallReply) return this.consumeReply(node, linkIndex, from, messageId, message);
    const fromId = this.nodes[from]!.id;
    const handlers = node.handlers;
    const receiver = node.receivers.length > 0 ? this.asyncOperations.takeReceiver(node, fromId, message) : undefined;
    if (receiver === undefined && handlers.onMessage === undefined && node.mailbox.length >= node.mailboxLimit) {
      return this.dropOnArrival(linkIndex, DROP_MAILBOX_OVERFLOW, messageId, message);
    }
    this.noteDelivered(linkIndex, node, fromId, messageId, message);
    if (receiver !== undefined) {
      receiver.resolve({ from: fromId, message });
      this.asyncRuns.noteWork();
    } else if (handlers.onMessage !== undefined) {
      const result = handlers.onMessage(fromId, message);
      if (result !== undefined) this.adoptResult(node, fromId, result);
    } else {
      node.mailbox.push({ from: fromId, message });
    }
  }

  /** A `ctx.call` request: `onCall` answers it. */
  private consumeCall(node: NodeRuntime, linkIndex: number, from: number, messageId: number, request: CallRequest): void {
    if (node.handlers.onCall === undefined) return this.dropOnArrival(linkIndex, DROP_NO_CALL_HANDLER, messageId, request);
    this.noteDelivered(linkIndex, node, this.nodes[from]!.id, messageId, request);
    this.asyncOperations.answerCall(node, from, request);
  }

  /** The reply to a `ctx.call`, unless the call already gave up. */
  private consumeReply(node: NodeRuntime, linkIndex: number, from: number, messageId: number, reply: CallReply): void {
    if (!node.calls.has(reply.callId)) return this.dropOnArrival(linkIndex, DROP_STALE_REPLY, messageId, reply);
    this.noteDelivered(linkIndex, node, this.nodes[from]!.id, messageId, reply);
    this.asyncOperations.completeCall(node, reply);
  }

  /** An async `onMessage` returned a promise: the async runner takes it on. */
  private adoptResult(node: NodeRuntime, fromId: string, result: unknown): void {
    this.asyncOperations.adopt(node, result, `onMessage from '${fromId}'`);
  }

  private noteDelivered(linkIndex: number, node: NodeRuntime, fromId: string, messageId: number, message: unknown): void {
    this.network.countDelivered(linkIndex);
    if (this.loop.trace !== undefined) this.recordDelivered(node, fromId, messageId, message);
  }

  private recordDelivered(node: NodeRuntime, fromId: string, messageId: number, message: unknown): void {
    const loop = this.loop;
    loop.trace!.push({ timeMs: loop.now, type: 'deliver', node: node.id, from: fromId, to: node.id, messageId, message });
  }

  private dropOnArrival(linkIndex: number, code: number, messageId: number, message: unknown): void {
    const link = this.network.linkAt(linkIndex);
    link.dropped[code]!++;
    this.hash.mixInt(code);
    if (this.tap !== undefined) this.tap.droppedOnArrival(messageId, dropReasons[code]!);
    const loop = this.loop;
    if (loop.trace !== undefined) {
      const from = this.nodes[link.from]!.id;
      const to = this.nodes[link.to]!.id;
      loop.trace.push({ timeMs: loop.now, type: 'drop', node: to, from, to, messageId, message, reason: dropReasons[code] });
    }
  }
}

/** Why a message to a node that is not up is dropped: removed, still starting, or crashed. */
function downReason(node: NodeRuntime): number {
  if (node.removed) return DROP_NODE_REMOVED;
  return node.provisioning ? DROP_NODE_STARTING : DROP_NODE_DOWN;
}
