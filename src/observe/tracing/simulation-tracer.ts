import { RingBuffer } from '../../kernel/ring-buffer.js';
import type { EventLoop } from '../../kernel/event-loop.js';
import { CallReply, CallRequest } from '../../world/call-envelope.js';
import { dropReasons, SENT } from '../../world/network.js';
import type { NodeRuntime } from '../../world/node-runtime.js';
import type { MessageTap, NodeSpans, SpanHandle } from '../../world/span-api.js';
import { OpenSpan } from './open-span.js';
import { SpanIds } from './span-ids.js';
import type { SpanKind, SpanRecord } from './span-record.js';

/**
 * Records spans and carries their context on messages. A node's *current* span is the parent of
 * what it starts or sends: the last span it started and has not ended, else (while its code
 * handles a traced message) that message's hop. A send with no current span is not traced.
 */
export class SimulationTracer implements MessageTap, NodeSpans {
  private readonly recorded: RingBuffer<SpanRecord>;
  private readonly ids: SpanIds;
  private readonly current: Array<OpenSpan | undefined> = [];
  // Hops in flight by message id, and open calls by caller and call id. Bounded: the oldest are
  // forgotten past `spanLimit` (a message queued at a node that then crashed never reports back).
  private readonly inFlight = new Map<number, OpenSpan>();
  private readonly openCalls = new Map<string, OpenSpan>();
  private readonly nowMs: () => number;
  private readonly endSpan = (span: OpenSpan): void => this.noteEnded(span);

  constructor(
    loop: EventLoop,
    private readonly nodes: readonly NodeRuntime[],
    private readonly spanLimit: number,
  ) {
    this.recorded = new RingBuffer(spanLimit);
    this.ids = new SpanIds(loop.rng('faultline:tracing'));
    this.nowMs = () => loop.now;
  }

  /** Copies of the recorded spans (the most recent `spanLimit`), in the order they started: open ones still change. */
  spans(): SpanRecord[] {
    return this.recorded.items().map(copySpan);
  }

  start(node: NodeRuntime, name: string): SpanHandle {
    const span = this.open(node.index, String(name), 'internal', this.current[node.index]);
    this.makeCurrent(span);
    return span;
  }

  sent(sender: NodeRuntime, to: number, messageId: number, message: unknown, outcome: number): void {
    // A reply belongs to its call, even when an async `onCall` answers after its context is gone.
    const parent = message instanceof CallReply ? this.openCalls.get(callKey(to, message.callId)) : this.current[sender.index];
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
    if (hop === undefined) return;
    this.inFlight.delete(messageId);
    if (hop.record.kind === 'call') hop.addEvent('delivered');
    else hop.end();
    hop.handling = true;
    hop.previous = this.current[node.index];
    this.current[node.index] = hop;
  }

  exit(node: NodeRuntime): void {
    const span = this.current[node.index];
    if (span === undefined || !span.handling) return;
    span.handling = false;
    this.current[node.index] = span.previous;
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
    return new OpenSpan(record, nodeIndex, this.nowMs, this.endSpan);
  }

  private makeCurrent(span: OpenSpan): void {
    span.previous = this.current[span.nodeIndex];
    this.current[span.nodeIndex] = span;
  }

  /** A current span that ends hands the node back to the span before it, if that one still stands. */
  private noteEnded(span: OpenSpan): void {
    if (this.current[span.nodeIndex] !== span) return;
    let previous = span.previous;
    while (previous !== undefined && !isStanding(previous)) previous = previous.previous;
    this.current[span.nodeIndex] = previous;
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
}

function copySpan(span: SpanRecord): SpanRecord {
  return { ...span, attributes: { ...span.attributes }, events: span.events.map((event) => ({ ...event, attributes: { ...event.attributes } })) };
}

function callKey(nodeIndex: number, callId: number): string {
  return `${nodeIndex}:${callId}`;
}

/** A span that may still parent new work: an internal span not yet ended, or a hop being handled. */
function isStanding(span: OpenSpan): boolean {
  return span.handling || (span.record.kind === 'internal' && !span.ended);
}
