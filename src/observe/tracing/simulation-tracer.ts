import { RingBuffer } from '../../kernel/ring-buffer.js';
import type { EventLoop } from '../../kernel/event-loop.js';
import { CallReply, CallRequest } from '../../world/call-envelope.js';
import { dropReasons, SENT } from '../../world/network.js';
import type { NodeRuntime } from '../../world/node-runtime.js';
import type { AwaitTap, MessageTap, NodeSpans, SpanHandle } from '../../world/span-api.js';
import { ContextSwitches } from './context-switches.js';
import { OpenSpan } from './open-span.js';
import { SpanIds } from './span-ids.js';
import type { SpanKind, SpanRecord } from './span-record.js';

/**
 * Records spans and carries their context on messages. A node's *current* span is the parent of
 * what its code starts or sends. It is scoped to the code that runs, not to the node: each event
 * starts with none (or, for a delivered message, the message's hop); `ctx.span` makes its span
 * current for the code inside it; and each awaitable (`ctx.sleep`, `ctx.call`, `ctx.receive`,
 * the promise `ctx.span` returns) resumes its continuation in the span that was current when it
 * was created. A send with no current span is not traced.
 */
export class SimulationTracer implements MessageTap, NodeSpans, AwaitTap {
  private readonly recorded: RingBuffer<SpanRecord>;
  private readonly ids: SpanIds;
  // The current span of each node, valid only during the event that set it and the continuations
  // that event releases: `currentEpoch` holds the loop's event count when it was set.
  private readonly current: Array<OpenSpan | undefined> = [];
  private readonly currentEpoch: number[] = [];
  private readonly switches: ContextSwitches;
  // Hops in flight by message id, open calls by caller and call id, and spans node code opened and
  // has not ended (for a crash to end them). Bounded: the oldest are forgotten past `spanLimit`.
  private readonly inFlight = new Map<number, OpenSpan>();
  private readonly openCalls = new Map<string, OpenSpan>();
  private readonly openInternal = new Set<OpenSpan>();
  private readonly nowMs: () => number;
  private readonly endSpan = (span: OpenSpan): void => this.noteEnded(span);

  constructor(
    private readonly loop: EventLoop,
    private readonly nodes: readonly NodeRuntime[],
    private readonly spanLimit: number,
  ) {
    this.recorded = new RingBuffer(spanLimit);
    this.ids = new SpanIds(loop.rng('faultline:tracing'));
    this.nowMs = () => loop.now;
    this.switches = new ContextSwitches(spanLimit, (nodeIndex, span) => this.setCurrent(nodeIndex, span));
  }

  /** Copies of the recorded spans (the most recent `spanLimit`), in the order they started: open ones still change. */
  spans(): SpanRecord[] {
    return this.recorded.items().map(copySpan);
  }

  start(node: NodeRuntime, name: string): SpanHandle {
    const span = this.open(node.index, String(name), 'internal', this.currentOf(node.index));
    this.switchTo(node.index, span);
    return span;
  }

  run<T>(node: NodeRuntime, name: string, body: () => T): T {
    const index = node.index;
    const outer = this.currentOf(index);
    const span = this.open(index, String(name), 'internal', outer);
    this.switchTo(index, span);
    let result: T;
    try {
      result = body();
    } catch (error) {
      endFailed(span, error);
      throw error;
    } finally {
      this.switchTo(index, outer);
    }
    if (!isPromiseLike(result)) {
      span.end();
      return result;
    }
    // Whoever awaits the returned promise continues in the span that was current around `ctx.span`.
    return result.then(
      (value) => {
        span.end();
        this.switches.queue(index, outer);
        return value;
      },
      (error: unknown) => {
        endFailed(span, error);
        this.switches.queue(index, outer);
        throw error;
      },
    ) as T;
  }

  contextOf(node: NodeRuntime): OpenSpan | undefined {
    return this.currentOf(node.index);
  }

  resumeIn(node: NodeRuntime, context: OpenSpan | undefined): void {
    this.switches.queue(node.index, context);
  }

  sent(sender: NodeRuntime, to: number, messageId: number, message: unknown, outcome: number): void {
    // A reply belongs to its call, even when an async `onCall` answers after its context is gone.
    const parent = message instanceof CallReply ? this.openCalls.get(callKey(to, message.callId)) : this.currentOf(sender.index);
    if (parent === undefined) return;
    const toId = this.nodes[to]!.id;
    const isCall = message instanceof CallRequest;
    const verb = isCall ? 'call' : message instanceof CallReply ? 'reply' : 'send';
    const span = this.open(sender.index, `${verb} → ${toId}`, isCall ? 'call' : 'message', parent);
    span.record.attributes['to'] = toId;
    span.record.attributes['messageId'] = messageId;
    if (isCall) this.remember(this.openCalls, callKey(sender.index, message.callId), span);
    if (outcome !== SENT) return this.noteDrop(span, dropReasons[outcome]!);
    this.remember(this.inFlight, messageId, span);
  }

  droppedOnArrival(messageId: number, reason: string): void {
    const span = this.inFlight.get(messageId);
    if (span === undefined) return;
    this.inFlight.delete(messageId);
    this.noteDrop(span, reason);
  }

  enter(node: NodeRuntime, messageId: number): void {
    const hop = this.inFlight.get(messageId);
    if (hop !== undefined) {
      this.inFlight.delete(messageId);
      if (hop.record.kind === 'call') hop.addEvent('delivered');
      else hop.end();
    }
    // Nothing of this event ran on the node before: no switch to queue ahead of its continuations.
    this.setCurrent(node.index, hop);
  }

  callSettled(node: NodeRuntime, callId: number, timedOut: boolean): void {
    const key = callKey(node.index, callId);
    const span = this.openCalls.get(key);
    if (span === undefined) return;
    this.openCalls.delete(key);
    if (timedOut) {
      span.addEvent('timeout');
      span.setError('timeout');
    }
    span.end();
  }

  crashed(node: NodeRuntime): void {
    for (const [key, span] of this.openCalls) {
      if (span.nodeIndex !== node.index) continue;
      this.openCalls.delete(key);
      endCrashed(span);
    }
    for (const span of this.openInternal) if (span.nodeIndex === node.index) endCrashed(span);
  }

  private open(nodeIndex: number, name: string, kind: SpanKind, parent: OpenSpan | undefined): OpenSpan {
    const record: SpanRecord = {
      traceId: parent === undefined ? this.ids.traceId() : parent.traceId,
      spanId: this.ids.spanId(),
      name,
      node: this.nodes[nodeIndex]!.id,
      kind,
      startMs: this.nowMs(),
      status: 'unset',
      attributes: {},
      events: [],
    };
    if (parent !== undefined) record.parentSpanId = parent.spanId;
    this.recorded.push(record);
    const span = new OpenSpan(record, nodeIndex, this.nowMs, this.endSpan);
    span.previous = parent;
    if (kind === 'internal') this.rememberOpen(span);
    return span;
  }

  private currentOf(nodeIndex: number): OpenSpan | undefined {
    return this.currentEpoch[nodeIndex] === this.loop.eventsProcessed ? this.current[nodeIndex] : undefined;
  }

  private setCurrent(nodeIndex: number, span: OpenSpan | undefined): void {
    this.current[nodeIndex] = span;
    this.currentEpoch[nodeIndex] = this.loop.eventsProcessed;
  }

  /**
   * Changes the current span now, for the code running, and again once the microtasks queued so
   * far have run: a continuation this code queues after the switch (an await of a promise that
   * has already settled) then starts in the same span as the code after the switch.
   */
  private switchTo(nodeIndex: number, span: OpenSpan | undefined): void {
    this.setCurrent(nodeIndex, span);
    this.switches.queue(nodeIndex, span);
  }

  /** A current span that ends hands its code back to the span it started in (skipping ended ones). */
  private noteEnded(span: OpenSpan): void {
    if (span.record.kind === 'internal') this.openInternal.delete(span);
    if (this.currentOf(span.nodeIndex) !== span) return;
    let previous = span.previous;
    while (previous !== undefined && previous.record.kind === 'internal' && previous.ended) previous = previous.previous;
    this.switchTo(span.nodeIndex, previous);
  }

  private noteDrop(span: OpenSpan, reason: string): void {
    span.addEvent('drop', { reason });
    span.setError(`dropped: ${reason}`);
    // A call stays open after a lost request: its timeout ends it, recorded on the same span.
    if (span.record.kind !== 'call') span.end();
  }

  private remember<K>(map: Map<K, OpenSpan>, key: K, span: OpenSpan): void {
    map.set(key, span);
    if (map.size > this.spanLimit) map.delete(map.keys().next().value as K);
  }

  private rememberOpen(span: OpenSpan): void {
    this.openInternal.add(span);
    if (this.openInternal.size > this.spanLimit) this.openInternal.delete(this.openInternal.values().next().value!);
  }
}

function copySpan(span: SpanRecord): SpanRecord {
  return { ...span, attributes: { ...span.attributes }, events: span.events.map((event) => ({ ...event, attributes: { ...event.attributes } })) };
}

function callKey(nodeIndex: number, callId: number): string {
  return `${nodeIndex}:${callId}`;
}

function endFailed(span: OpenSpan, error: unknown): void {
  span.setError(error instanceof Error ? error.message : String(error));
  span.end();
}

function endCrashed(span: OpenSpan): void {
  span.addEvent('crash');
  span.setError('node crashed');
  span.end();
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
