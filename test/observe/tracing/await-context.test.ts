import { describe, expect, it } from 'vitest';
import { Simulation, type SpanRecord } from '../../../src/index.js';

function network(): Simulation {
  return new Simulation({ seed: 3, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
}

function parentOf(spans: SpanRecord[], span: SpanRecord): SpanRecord | undefined {
  return spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

/** Each span as `node:name < parent's name`, in the order spans started. */
function tree(spans: SpanRecord[]): string[] {
  return spans.map((span) => `${span.node}:${span.name} < ${parentOf(spans, span)?.name ?? 'root'}`);
}

describe('the current span across an await', () => {
  it('keeps two overlapping requests started by timers in separate traces, each with its own children after sleep, call and receive', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.setTimer(0, 'r1');
        ctx.setTimer(3, 'r2');
      },
      onTimer(name) {
        void ctx.span(name, async () => {
          await ctx.sleep(5);
          await ctx.call('b', name, { timeoutMs: 50 });
          await ctx.receive((message) => message === `${name} pushed`);
          ctx.send('b', `${name} done`);
        });
      },
    }));
    sim.addNode('b', (ctx) => ({
      onCall(from, request) {
        // Fire and forget: the push after the sleep still belongs to the call it answers.
        void (async () => {
          await ctx.sleep(1);
          ctx.send(from, `${String(request)} pushed`);
        })();
        return 'ok';
      },
      onMessage() {},
    }));
    await sim.runAsync({ until: 100 });
    const spans = tracing.spans();
    const roots = spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => span.name)).toEqual(['r1', 'r2']);
    for (const root of roots) {
      const own = spans.filter((span) => span.traceId === root.traceId);
      expect(tree(own)).toEqual([
        `a:${root.name} < root`,
        `a:call → b < ${root.name}`,
        'b:reply → a < call → b',
        'b:send → a < call → b',
        `a:send → b < ${root.name}`,
      ]);
      expect(own.every((span) => span.endMs !== undefined)).toBe(true);
    }
  });

  it('carries the span through a nested ctx.span, plain promises and Promise.all, and back to the outer span after the inner one ends', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    const helper = async (): Promise<number> => 1;
    sim.addNode('a', (ctx) => ({
      async onStart() {
        await ctx.span('outer', async () => {
          await ctx.span('inner', async () => {
            await ctx.sleep(2);
            await Promise.resolve();
            await helper();
            ctx.send('c', 'from inner');
          });
          ctx.send('d', 'from outer');
          await Promise.all([ctx.call('b', 1, { timeoutMs: 50 }), ctx.call('b', 2, { timeoutMs: 50 })]);
          ctx.send('e', 'after both calls');
        });
        ctx.send('f', 'outside any span');
      },
    }));
    for (const id of ['b', 'c', 'd', 'e', 'f']) sim.addNode(id, () => ({ onCall: () => 'ok', onMessage() {} }));
    await sim.runAsync({ until: 100 });
    const spans = tracing.spans();
    const parents = Object.fromEntries(spans.filter((span) => span.kind === 'message' && span.node === 'a').map((span) => [span.name, parentOf(spans, span)?.name]));
    expect(parents).toEqual({ 'send → c': 'inner', 'send → d': 'outer', 'send → e': 'outer' });
    expect(spans.filter((span) => span.name === 'call → b').map((span) => parentOf(spans, span)?.name)).toEqual(['outer', 'outer']);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  });

  it('resumes the continuations one event releases each in its own span (two requests taking mail already in the mailbox)', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.setTimer(10, 'both');
      },
      onTimer() {
        for (const name of ['x', 'y']) {
          void ctx.span(name, async () => {
            const { message } = await ctx.receive();
            ctx.send('c', message);
          });
        }
      },
    }));
    sim.addNode('b', (ctx) => ({ onStart: () => (ctx.send('a', 'm1'), ctx.send('a', 'm2')) }));
    sim.addNode('c', () => ({ onMessage() {} }));
    await sim.runAsync({ until: 100 });
    expect(tree(tracing.spans())).toEqual(['a:x < root', 'a:y < root', 'a:send → c < x', 'a:send → c < y']);
  });

  it('continues an async handler in the trace of the message it handles, after its awaits', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.span('ask', () => ctx.send('b', 'go')) }));
    sim.addNode('b', (ctx) => ({
      async onMessage() {
        await ctx.sleep(1);
        await ctx.call('c', 'q', { timeoutMs: 50 });
        ctx.send('c', 'after the call');
      },
    }));
    sim.addNode('c', () => ({ onCall: () => 'ok', onMessage() {} }));
    await sim.runAsync({ until: 100 });
    expect(tree(tracing.spans())).toEqual(['a:ask < root', 'a:send → b < ask', 'b:call → c < send → b', 'c:reply → b < call → c', 'b:send → c < send → b']);
  });

  it('gives a handle span started in one handler no children from another handler of the same node', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.setTimer(0, 'slow');
        ctx.setTimer(1, 'quick');
      },
      async onTimer(name) {
        const span = ctx.span(name);
        if (name === 'slow') await ctx.sleep(5);
        ctx.send('b', name);
        span.end();
      },
    }));
    sim.addNode('b', () => ({ onMessage() {} }));
    await sim.runAsync({ until: 100 });
    expect(tree(tracing.spans())).toEqual(['a:slow < root', 'a:quick < root', 'a:send → b < quick', 'a:send → b < slow']);
  });

  it('starts the body of each ctx.span in its own span even when it first awaits a promise that has already settled', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.setTimer(1, 'both');
      },
      async onTimer() {
        for (const name of ['x', 'y']) {
          void ctx.span(name, async () => {
            await Promise.resolve();
            ctx.send('c', name);
          });
        }
        const manual = ctx.span('manual');
        await Promise.resolve();
        ctx.send('c', 'manual');
        manual.end();
      },
    }));
    sim.addNode('c', () => ({ onMessage() {} }));
    await sim.runAsync({ until: 100 });
    expect(tree(tracing.spans())).toEqual(['a:x < root', 'a:y < root', 'a:manual < root', 'a:send → c < x', 'a:send → c < y', 'a:send → c < manual']);
  });

  it('returns the caller of ctx.span to its own span even when the body awaited a promise another handler settled', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => {
      let open = (): void => undefined;
      const gate = new Promise<void>((resolve) => (open = resolve));
      return {
        onStart() {
          ctx.setTimer(0, 'request');
        },
        async onTimer() {
          await ctx.span('outer', async () => {
            await ctx.span('wait for b', () => gate);
            ctx.send('c', 'after the gate');
          });
        },
        onMessage() {
          open();
        },
      };
    });
    sim.addNode('b', (ctx) => ({ onStart: () => ctx.span('push', () => ctx.send('a', 'open')) }));
    sim.addNode('c', () => ({ onMessage() {} }));
    await sim.runAsync({ until: 100 });
    const spans = tracing.spans();
    const outer = spans.find((span) => span.name === 'outer')!;
    expect(tree(spans.filter((span) => span.traceId === outer.traceId))).toEqual(['a:outer < root', 'a:wait for b < outer', 'a:send → c < outer']);
  });

  it('continues a receive made outside any span in the trace of the message it takes', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(5, 'ask'), onTimer: () => ctx.span('ask', () => ctx.send('b', 'question')) }));
    sim.addNode('b', (ctx) => ({
      async onStart() {
        const { from } = await ctx.receive();
        ctx.send(from, 'answer');
      },
    }));
    await sim.runAsync({ until: 100 });
    expect(tree(tracing.spans())).toEqual(['a:ask < root', 'a:send → b < ask', 'b:send → a < send → b']);
  });
});
