import { describe, expect, it } from 'vitest';
import { ContextSwitches } from '../../../src/observe/tracing/context-switches.js';
import { Simulation } from '../../../src/index.js';

describe('context switches', () => {
  it('applies queued switches in order once the microtasks queued before them have run', async () => {
    const applied: Array<[number, unknown]> = [];
    const switches = new ContextSwitches(10, (nodeIndex, span) => applied.push([nodeIndex, span]));
    const order: string[] = [];
    queueMicrotask(() => order.push(`before: ${applied.length}`));
    switches.queue(0, undefined);
    switches.queue(1, undefined);
    queueMicrotask(() => order.push(`after: ${applied.length}`));
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['before: 0', 'after: 2']);
    expect(applied.map(([nodeIndex]) => nodeIndex)).toEqual([0, 1]);
  });

  it('keeps at most `limit` switches pending, as in a synchronous run where no microtask runs', async () => {
    const applied: number[] = [];
    const switches = new ContextSwitches(3, (nodeIndex) => applied.push(nodeIndex));
    for (let nodeIndex = 0; nodeIndex < 5; nodeIndex++) switches.queue(nodeIndex, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(applied).toEqual([0, 1, 2]);
    switches.queue(7, undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(applied).toEqual([0, 1, 2, 7]);
  });

  it('lets a synchronous run with many spans record them all with the right parents', () => {
    const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
    const tracing = sim.enableTracing({ spanLimit: 50 });
    sim.addNode('a', (ctx) => ({
      onStart: () => ctx.setTimer(1, 'tick'),
      onTimer() {
        ctx.span('tick', () => ctx.span('inner', () => undefined));
        ctx.setTimer(1, 'tick');
      },
    }));
    sim.run({ until: 200 });
    const spans = tracing.spans();
    expect(spans).toHaveLength(50);
    for (const span of spans) {
      if (span.name === 'tick') expect(span.parentSpanId).toBeUndefined();
      else expect(spans.find((other) => other.spanId === span.parentSpanId)?.name ?? 'evicted').toMatch(/^(tick|evicted)$/);
    }
  });
});
