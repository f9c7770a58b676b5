import { describe, expect, it } from 'vitest';
import { runCheckout } from './helpers.js';

describe('a trace across three services', () => {
  it('is one trace from the gateway through orders to stock, with the dropped hop to audit failed on its span', async () => {
    const sim = await runCheckout(7);
    const spans = sim.tracing!.spans();
    const root = spans.find((span) => span.name === 'checkout')!;
    expect(root.parentSpanId).toBeUndefined();
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([root.traceId]));
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const path = (name: string): string[] => {
      const names: string[] = [];
      for (let span = spans.find((s) => s.name === name); span !== undefined; span = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId)) names.unshift(`${span.node}:${span.name}`);
      return names;
    };
    expect(path('lookup price')).toEqual(['gateway:checkout', 'gateway:call → orders', 'orders:call → stock', 'stock:lookup price']);
    expect(path('reply → gateway')).toEqual(['gateway:checkout', 'gateway:call → orders', 'orders:reply → gateway']);
    const audit = spans.find((span) => span.name === 'send → audit')!;
    expect(path('send → audit')).toEqual(['gateway:checkout', 'gateway:call → orders', 'orders:send → audit']);
    expect(audit.status).toBe('error');
    expect(audit.events).toEqual([{ name: 'drop', timeMs: audit.startMs, attributes: { reason: 'loss' } }]);
    expect(spans.filter((span) => span.status === 'error')).toEqual([audit]);
    for (const span of spans) expect(span.endMs).toBeGreaterThanOrEqual(span.startMs);
    expect(root.endMs).toBeGreaterThan(spans.find((span) => span.name === 'reply → gateway')!.startMs);
    expect(sim.logs({ node: 'audit' })).toEqual([]);
  });

  it('gives equal spans, ids included, when run twice with the same seed', async () => {
    const first = await runCheckout(7);
    const second = await runCheckout(7);
    expect(second.tracing!.spans()).toEqual(first.tracing!.spans());
    expect(second.traceHash()).toBe(first.traceHash());
    expect((await runCheckout(8)).tracing!.spans()[0]!.traceId).not.toBe(first.tracing!.spans()[0]!.traceId);
  });
});
