/**
 * What a span is: `internal` (opened by node code with `ctx.span`), `message` (one hop of a
 * `ctx.send`, from send to delivery or drop) or `call` (a `ctx.call`, from request to reply or
 * timeout).
 *
 * @example
 * ```ts
 * const hops = tracing.spans().filter((span) => span.kind === ('message' satisfies SpanKind));
 * ```
 */
export type SpanKind = 'internal' | 'message' | 'call';

/**
 * A timestamped note on a span: `drop` (with its `reason`), `timeout`, `delivered`, or the user's.
 *
 * @example
 * ```ts
 * const drops = span.events.filter((event) => event.name === 'drop');
 * ```
 */
export interface SpanEvent {
  /** What happened. */
  name: string;
  /** True (simulated) time. */
  timeMs: number;
  /** Details, e.g. `{ reason: 'loss' }` on a drop. */
  attributes: Record<string, string | number | boolean>;
}

/**
 * One recorded span, as plain data (safe to JSON). Times are true simulated time.
 *
 * @example
 * ```ts
 * for (const span of tracing.spans()) console.log(span.name, span.startMs, span.endMs, span.status);
 * ```
 */
export interface SpanRecord {
  /** 32 hex digits, shared by every span of one request. */
  traceId: string;
  /** 16 hex digits. */
  spanId: string;
  /** The parent's span id; absent on a trace's root. */
  parentSpanId?: string;
  /** The span's name (`send → b`, `call → db`, or what node code passed to `ctx.span`). */
  name: string;
  /** The node that opened the span. */
  node: string;
  /** What the span times. */
  kind: SpanKind;
  /** True time it started. */
  startMs: number;
  /** True time it ended; absent while open (a message still in flight when the run stopped). */
  endMs?: number;
  /** `error` when a message was dropped, a call timed out, or node code called `setError`. */
  status: 'unset' | 'error';
  /** Why it failed, when `status` is `error`. */
  statusMessage?: string;
  /** Attributes set by node code or by tracing (`to`, `messageId`). */
  attributes: Record<string, string | number | boolean>;
  /** Drops, timeouts, deliveries and the user's own events, in time order. */
  events: SpanEvent[];
}
