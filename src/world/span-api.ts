import type { NodeRuntime } from './node-runtime.js';

/**
 * A span started with `ctx.span(name)`: end it when the work it times is done. Until then it is
 * the node's current span, so the messages and calls the node sends carry it as their parent.
 *
 * @example
 * ```ts
 * const span = ctx.span('handle order');
 * span.setAttribute('orderId', 42);
 * const stock = await ctx.call('stock', { orderId: 42 }, { timeoutMs: 50 });
 * span.end();
 * ```
 */
export interface SpanHandle {
  /** The trace this span belongs to (32 hex digits; empty when tracing is off). */
  readonly traceId: string;
  /** This span's id (16 hex digits; empty when tracing is off). */
  readonly spanId: string;
  /** Sets one attribute. */
  setAttribute(key: string, value: string | number | boolean): void;
  /** Adds a timestamped event (at the current simulated time). */
  addEvent(name: string, attributes?: Record<string, string | number | boolean>): void;
  /** Marks the span failed, with a reason. */
  setError(message: string): void;
  /** Ends the span now; a second call does nothing. */
  end(): void;
}

/** The tracing a node's context reaches (installed by `sim.enableTracing`). @internal */
export interface NodeSpans {
  start(node: NodeRuntime, name: string): SpanHandle;
}

/**
 * What the messaging modules tell tracing about a message's life. Every call site checks the tap
 * is installed first, so a run without tracing pays one field test per message.
 *
 * @internal
 */
export interface MessageTap {
  /** A message left `sender` (or was dropped at once: `outcome` is the network's drop code). */
  sent(sender: NodeRuntime, to: number, messageId: number, message: unknown, outcome: number): void;
  /** A message in flight was dropped on arrival. */
  droppedOnArrival(messageId: number, reason: string): void;
  /** The receiver's code is about to handle the message. */
  enter(node: NodeRuntime, messageId: number): void;
  /** The receiver's code returned (its synchronous part). */
  exit(node: NodeRuntime): void;
  /** A `ctx.call` on `node` ended: answered, or timed out. */
  callSettled(node: NodeRuntime, callId: number, timedOut: boolean): void;
}
