import type { NodeRuntime } from './node-runtime.js';

/**
 * A span started with `ctx.span(name)`: end it when the work it times is done. Until then it is
 * the current span of the code that started it (the rest of that handler or continuation, and
 * what follows its `ctx.sleep`, `ctx.call` and `ctx.receive`), so the messages and calls that code
 * sends carry it as their parent. Other handlers of the node do not see it.
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
  /** `ctx.span(name)`: a span current for the code that started it, until it ends. */
  start(node: NodeRuntime, name: string): SpanHandle;
  /** `ctx.span(name, body)`: runs `body` inside a new span, ended when `body` returns or its promise settles. */
  run<T>(node: NodeRuntime, name: string, body: () => T): T;
}

/**
 * What the async operations tell tracing, so that a span survives an `await`: each awaitable
 * takes the node's current span when it is created, and hands it back just before it settles.
 *
 * @internal
 */
export interface AwaitTap {
  /** The node's current span (what an awaitable created now resumes in). */
  contextOf(node: NodeRuntime): SpanHandle | undefined;
  /** The continuation of an awaitable about to settle runs with `context` current on the node. */
  resumeIn(node: NodeRuntime, context: SpanHandle | undefined): void;
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
  /**
   * The receiver's code is about to handle the message: its hop (or no span, for an untraced
   * message) is the node's current span for the rest of this event.
   */
  enter(node: NodeRuntime, messageId: number): void;
  /** A `ctx.call` on `node` ended: answered, or timed out. */
  callSettled(node: NodeRuntime, callId: number, timedOut: boolean): void;
  /** `node` crashed: what it had open (spans, calls) will never end by itself. */
  crashed(node: NodeRuntime): void;
}
