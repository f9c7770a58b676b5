import { rejectUnknownKeys, requireObject, requirePositiveInteger } from '../../validate.js';
import type { SimulationTracer } from './simulation-tracer.js';
import type { SpanRecord } from './span-record.js';

/**
 * Options of `sim.enableTracing`.
 *
 * @example
 * ```ts
 * const tracing = sim.enableTracing({ spanLimit: 50_000 });
 * ```
 */
export interface TracingOptions {
  /** Spans kept (the most recent); also bounds the messages and calls tracked in flight. Default 100,000. */
  spanLimit?: number;
}

const DEFAULT_SPAN_LIMIT = 100_000;
const MAX_SPAN_LIMIT = 100_000_000;

/** Validates `sim.enableTracing`'s options. */
export function readTracingOptions(options: unknown): Required<TracingOptions> {
  requireObject(options, 'enableTracing(options)');
  rejectUnknownKeys(options, 'enableTracing(options)', ['spanLimit']);
  const spanLimit = options['spanLimit'] === undefined ? DEFAULT_SPAN_LIMIT : options['spanLimit'];
  requirePositiveInteger(spanLimit, 'enableTracing(options).spanLimit', MAX_SPAN_LIMIT);
  return { spanLimit };
}

/**
 * The built-in span recorder `sim.enableTracing` returns: every span node code opened, each
 * message hop and each call, with drops and timeouts on the span they hit. Works without
 * OpenTelemetry; `faultline/otel` passes the same spans on to an OpenTelemetry tracer.
 *
 * @example
 * ```ts
 * const tracing = sim.enableTracing();
 * await sim.runAsync({ until: 5_000 });
 * const failed = tracing.spans().filter((span) => span.status === 'error');
 * const oneRequest = tracing.trace(failed[0]!.traceId);
 * ```
 */
export class Tracing {
  /** @internal */
  constructor(private readonly tracer: SimulationTracer) {}

  /** The recorded spans (the most recent `spanLimit`), in the order they started. */
  spans(): SpanRecord[] {
    return this.tracer.spans();
  }

  /** The spans of one trace, in the order they started. */
  trace(traceId: string): SpanRecord[] {
    return this.tracer.spans().filter((span) => span.traceId === traceId);
  }
}
