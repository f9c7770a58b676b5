import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FaultlineError, InvalidStateError, Simulation } from '../../../src/index.js';

function pair(seed = 1): Simulation {
  const sim = new Simulation({ seed, network: { link: { latency: { kind: 'constant', ms: 5 } } } });
  return sim;
}

describe('spans record what went wrong on the hop it went wrong on', () => {
  it('records a call that timed out, with its request dropped at the cut link, on the call span', async () => {
    const sim = pair();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      async onStart() {
        const span = ctx.span('ask');
        await ctx.call('b', 'q', { timeoutMs: 20 }).catch(() => undefined);
        span.end();
      },
    }));
    sim.addNode('b', () => ({ onCall: () => 'answer' }));
    sim.network.block('a', 'b');
    await sim.runAsync({ until: 100 });
    const call = tracing.spans().find((span) => span.name === 'call → b')!;
    expect(call).toMatchObject({ kind: 'call', status: 'error', statusMessage: 'timeout', startMs: 0, endMs: 20 });
    expect(call.events.map((event) => [event.name, event.timeMs, event.attributes])).toEqual([
      ['drop', 0, { reason: 'link-blocked' }],
      ['timeout', 20, {}],
    ]);
  });

  it('records a message to a crashed receiver as dropped (node-down) when it arrives', () => {
    const sim = pair();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.span('notify', () => ctx.send('b', 'hello')) }));
    sim.addNode('b', () => ({}));
    sim.schedule(1, () => sim.crash('b'));
    sim.run({ until: 100 });
    const hop = tracing.spans().find((span) => span.kind === 'message')!;
    expect(hop).toMatchObject({ name: 'send → b', status: 'error', statusMessage: 'dropped: node-down', startMs: 0, endMs: 5 });
  });

  it('ends a delivered hop at its delivery, and makes the receiver\'s spans its children', () => {
    const sim = pair();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.span('notify', () => ctx.send('b', 'hello')) }));
    sim.addNode('b', (ctx) => ({ onMessage: () => ctx.span('handle', () => undefined) }));
    sim.run({ until: 100 });
    const [notify, hop, handle] = tracing.spans();
    expect(hop).toMatchObject({ parentSpanId: notify!.spanId, status: 'unset', startMs: 0, endMs: 5 });
    expect(handle).toMatchObject({ node: 'b', parentSpanId: hop!.spanId, traceId: notify!.traceId, startMs: 5, endMs: 5 });
  });

  it('does not trace messages sent outside any span, and a later timer does not inherit a handled message\'s context', () => {
    const sim = pair();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.send('b', 'untraced');
        ctx.span('notify', () => ctx.send('b', 'traced'));
      },
    }));
    sim.addNode('b', (ctx) => ({
      onMessage: (_from, message) => ctx.setTimer(1, String(message)),
      onTimer: (name) => ctx.span(`after ${name}`, () => undefined),
    }));
    sim.run({ until: 100 });
    expect(tracing.spans().map((span) => [span.name, span.parentSpanId === undefined])).toEqual([
      ['notify', true],
      ['send → b', false],
      ['after untraced', true],
      ['after traced', true],
    ]);
  });
});

describe('tracing off', () => {
  it('makes ctx.span a no-op that still runs the body, and records nothing', () => {
    const sim = pair();
    const results: unknown[] = [];
    sim.addNode('a', (ctx) => ({
      onStart() {
        results.push(ctx.span('sum', () => 1 + 2));
        const span = ctx.span('manual');
        span.setAttribute('k', 1);
        span.end();
        results.push(span.traceId);
        ctx.send('b', 'x');
      },
    }));
    sim.addNode('b', () => ({}));
    sim.run();
    expect(results).toEqual([3, '']);
    expect(sim.tracing).toBeUndefined();
  });

  it('leaves the trace hash of a run unchanged when tracing is on', () => {
    const hashOf = (traced: boolean): string => {
      const sim = pair(4);
      if (traced) sim.enableTracing();
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.span('s', () => ctx.broadcast('x')) }));
      sim.addNode('b', (ctx) => ({ onMessage: (from) => ctx.send(from, 'y') }));
      sim.addNode('c', () => ({}));
      sim.run({ until: 50 });
      return sim.traceHash();
    };
    expect(hashOf(true)).toBe(hashOf(false));
  });
});

describe('sim.enableTracing options', () => {
  it('keeps only the most recent spanLimit spans', () => {
    const sim = pair();
    const tracing = sim.enableTracing({ spanLimit: 3 });
    sim.addNode('a', (ctx) => ({ onStart: () => { for (let i = 0; i < 5; i++) ctx.span(`s${i}`, () => undefined); } }));
    sim.run();
    expect(tracing.spans().map((span) => span.name)).toEqual(['s2', 's3', 's4']);
  });

  it('refuses a second call', () => {
    const sim = pair();
    sim.enableTracing();
    expect(() => sim.enableTracing()).toThrow(InvalidStateError);
  });

  fcTest.prop([fc.anything()])('rejects a spanLimit that is not a positive integer with a typed error', (spanLimit) => {
    fc.pre(spanLimit !== undefined && !(Number.isInteger(spanLimit) && (spanLimit as number) > 0 && (spanLimit as number) <= 1e8));
    expect(() => pair().enableTracing({ spanLimit } as never)).toThrow(FaultlineError);
  });

  fcTest.prop([fc.string().filter((key) => key !== 'spanLimit')])('rejects unknown option keys', (key) => {
    expect(() => pair().enableTracing({ [key]: 1 } as never)).toThrow(FaultlineError);
  });
});
