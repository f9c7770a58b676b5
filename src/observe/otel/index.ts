/**
 * `faultline/otel`: passes the spans faultline recorded on to OpenTelemetry, so any exporter
 * attached to the user's tracer provider receives them. Needs `@opentelemetry/api` (an optional
 * peer dependency), which the core entry never imports.
 *
 * @packageDocumentation
 */
import { context, SpanKind, SpanStatusCode, trace, type HrTime, type Span, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFinite, requireObject, requireString } from '../../validate.js';
import type { SpanRecord } from '../tracing/span-record.js';

/**
 * Options of {@link emitSpans}.
 *
 * @example
 * ```ts
 * emitSpans(tracing.spans(), provider, { epochMs: Date.UTC(2026, 0, 1), tracerName: 'checkout-sim' });
 * ```
 */
export interface EmitSpansOptions {
  /** The wall-clock instant (ms since the Unix epoch) simulated time 0 maps to. Default 0. */
  epochMs?: number;
  /** The tracer's name when `target` is a provider. Default `faultline`. */
  tracerName?: string;
}

const OPTION_KEYS = ['epochMs', 'tracerName'];
const KINDS = { internal: SpanKind.INTERNAL, message: SpanKind.PRODUCER, call: SpanKind.CLIENT } as const;

/**
 * Emits recorded spans through an OpenTelemetry `Tracer` (or a `TracerProvider`), with start, end
 * and event times set from simulated time, parents preserved, and drops and timeouts as error
 * statuses and events. OpenTelemetry assigns its own ids; faultline's are kept as the attributes
 * `faultline.trace_id` and `faultline.span_id`. Spans still open when the run stopped are skipped.
 * Returns how many spans were emitted.
 *
 * @example
 * ```ts
 * import { emitSpans } from 'faultline/otel';
 * const tracing = sim.enableTracing();
 * await sim.runAsync({ until: 10_000 });
 * emitSpans(tracing.spans(), trace.getTracerProvider());
 * ```
 */
export function emitSpans(spans: readonly SpanRecord[], target: Tracer | TracerProvider, options: EmitSpansOptions = {}): number {
  const { epochMs, tracerName } = readOptions(options);
  if (!Array.isArray(spans)) throw new InvalidArgumentError('emitSpans(spans)', spans, 'an array of span records (tracing.spans())');
  const tracer = tracerOf(target, tracerName);
  const emitted = new Map<string, Span>();
  for (const record of spans) {
    if (record.endMs === undefined) continue;
    emitted.set(record.spanId, emitOne(tracer, record, emitted, epochMs));
  }
  return emitted.size;
}

function emitOne(tracer: Tracer, record: SpanRecord, emitted: ReadonlyMap<string, Span>, epochMs: number): Span {
  const parent = record.parentSpanId === undefined ? undefined : emitted.get(record.parentSpanId);
  // Spans are recorded in start order, so a parent kept in the record is emitted before its children.
  const parentContext = parent === undefined ? context.active() : trace.setSpan(context.active(), parent);
  const attributes = { ...record.attributes, 'faultline.node': record.node, 'faultline.trace_id': record.traceId, 'faultline.span_id': record.spanId };
  const span = tracer.startSpan(record.name, { kind: KINDS[record.kind], startTime: hrTimeOf(record.startMs, epochMs), attributes }, parentContext);
  for (const event of record.events) span.addEvent(event.name, event.attributes, hrTimeOf(event.timeMs, epochMs));
  if (record.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR, message: record.statusMessage ?? '' });
  span.end(hrTimeOf(record.endMs!, epochMs));
  return span;
}

/** OpenTelemetry's [seconds, nanoseconds]: a plain number below the process's time origin would be read as an offset from that origin (no clock is read here). */
function hrTimeOf(simulatedMs: number, epochMs: number): HrTime {
  // Whole seconds apart from the fraction: epoch (~1.7e12 ms) plus a fraction of a ms would round it away.
  const epochSeconds = Math.floor(epochMs / 1000);
  const restMs = epochMs - epochSeconds * 1000 + simulatedMs;
  const restSeconds = Math.floor(restMs / 1000);
  const nanos = Math.min(999_999_999, Math.round((restMs - restSeconds * 1000) * 1e6));
  return [epochSeconds + restSeconds, nanos];
}

function tracerOf(target: unknown, tracerName: string): Tracer {
  if (typeof target === 'object' && target !== null) {
    if (typeof (target as TracerProvider).getTracer === 'function') return (target as TracerProvider).getTracer(tracerName);
    if (typeof (target as Tracer).startSpan === 'function') return target as Tracer;
  }
  throw new InvalidArgumentError('emitSpans(target)', target, 'an OpenTelemetry Tracer or TracerProvider');
}

function readOptions(options: unknown): Required<EmitSpansOptions> {
  requireObject(options, 'emitSpans(options)');
  rejectUnknownKeys(options, 'emitSpans(options)', OPTION_KEYS);
  const epochMs = options['epochMs'] === undefined ? 0 : options['epochMs'];
  requireFinite(epochMs, 'emitSpans(options).epochMs');
  if (epochMs < 0) throw new InvalidArgumentError('emitSpans(options).epochMs', epochMs, 'a non-negative number of ms since the Unix epoch');
  const tracerName = options['tracerName'] === undefined ? 'faultline' : options['tracerName'];
  requireString(tracerName, 'emitSpans(options).tracerName');
  return { epochMs, tracerName };
}

