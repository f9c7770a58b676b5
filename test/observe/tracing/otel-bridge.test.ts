import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { emitSpans } from '../../../src/observe/otel/index.js';
import { FaultlineError } from '../../../src/index.js';
import { runCheckout } from './helpers.js';

function sdk(): { provider: BasicTracerProvider; exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return { exporter, provider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }) };
}

const EPOCH_MS = Date.UTC(2026, 0, 1);
// Seconds relative to the (whole-second) epoch first: adding 1.7e12 ms to a fraction would round it.
const simulatedMsOf = ([seconds, nanos]: [number, number]): number => (seconds - EPOCH_MS / 1000) * 1000 + nanos / 1e6;

describe('the OpenTelemetry bridge (faultline/otel)', () => {
  it('hands the SDK the same spans as the built-in recorder: names, parentage, times, statuses, events', async () => {
    const recorded = (await runCheckout(7)).tracing!.spans();
    const { provider, exporter } = sdk();
    expect(emitSpans(recorded, provider, { epochMs: EPOCH_MS })).toBe(recorded.length);
    const received = exporter.getFinishedSpans();
    expect(received).toHaveLength(recorded.length);
    const ourIdOf = new Map(received.map((span) => [span.spanContext().spanId, span.attributes['faultline.span_id']]));
    const asRecorded = received.map((span) => ({
      name: span.name,
      spanId: span.attributes['faultline.span_id'],
      parentSpanId: span.parentSpanContext === undefined ? undefined : ourIdOf.get(span.parentSpanContext.spanId),
      startMs: simulatedMsOf(span.startTime),
      endMs: simulatedMsOf(span.endTime),
      status: span.status.code === SpanStatusCode.ERROR ? 'error' : 'unset',
      events: span.events.map((event) => event.name),
    }));
    const expected = recorded.map((span) => ({
      name: span.name,
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      startMs: expect.closeTo(span.startMs, 6),
      endMs: expect.closeTo(span.endMs!, 6),
      status: span.status,
      events: span.events.map((event) => event.name),
    }));
    // The SDK exports a span when it ends; order both by our span id to compare.
    const bySpanId = (a: { spanId: unknown }, b: { spanId: unknown }): number => String(a.spanId).localeCompare(String(b.spanId));
    expect(asRecorded.sort(bySpanId)).toEqual(expected.sort(bySpanId));
    // One trace in the SDK too: every span shares the root's OpenTelemetry trace id.
    expect(new Set(received.map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it('accepts a Tracer as well as a provider', async () => {
    const recorded = (await runCheckout(3)).tracing!.spans();
    const { provider, exporter } = sdk();
    emitSpans(recorded, provider.getTracer('mine'));
    expect(exporter.getFinishedSpans().map((span) => span.instrumentationScope.name)).toEqual(recorded.map(() => 'mine'));
  });

  fcTest.prop([fc.dictionary(fc.string(), fc.anything(), { minKeys: 1 })])('rejects options that are not epochMs/tracerName with a typed error', (options) => {
    fc.pre(!Object.keys(options).every((key) => key === 'epochMs' || key === 'tracerName'));
    expect(() => emitSpans([], sdk().provider, options as never)).toThrow(FaultlineError);
  });

  it('rejects a negative epoch, a target that is not a tracer and spans that are not an array', () => {
    expect(() => emitSpans([], sdk().provider, { epochMs: -1 })).toThrow(/epochMs/);
    expect(() => emitSpans([], sdk().provider, { epochMs: null, tracerName: null } as never)).toThrow(/epochMs/);
    expect(() => emitSpans([], {} as never)).toThrow(/emitSpans\(target\)/);
    expect(() => emitSpans('x' as never, sdk().provider)).toThrow(/emitSpans\(spans\)/);
  });
});
