import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/index.js';

function network(): Simulation {
  return new Simulation({ seed: 5, network: { link: { latency: { kind: 'constant', ms: 2 } } } });
}

describe('spans a crash leaves behind', () => {
  it('ends the hops of messages queued at a node that crashes as dropped (node-down), at the crash', () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.span('burst', () => { for (let i = 0; i < 3; i++) ctx.send('b', i); }) }));
    // 10 messages a second: the first is served at 2 ms, the next two wait 100 ms each.
    sim.addNode('b', () => ({ onMessage() {} }), { service: { messagesPerSec: 10 } });
    sim.schedule(50, () => sim.crash('b'));
    sim.run({ until: 500 });
    const hops = tracing.spans().filter((span) => span.kind === 'message');
    expect(hops.map((hop) => [hop.endMs, hop.status, hop.statusMessage])).toEqual([
      [2, 'unset', undefined],
      [50, 'error', 'dropped: node-down'],
      [50, 'error', 'dropped: node-down'],
    ]);
    expect(hops[1]!.events).toEqual([{ name: 'drop', timeMs: 50, attributes: { reason: 'node-down' } }]);
  });

  it('ends the hops of messages held for a paused node that is removed (a crash with no return)', () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.span('notify', () => ctx.send('b', 'hello')) }));
    sim.addNode('b', () => ({ onMessage() {} }));
    sim.schedule(1, () => sim.pause('b'));
    sim.schedule(10, () => sim.removeNode('b'));
    sim.run({ until: 100 });
    const hop = tracing.spans().find((span) => span.kind === 'message')!;
    expect(hop).toMatchObject({ endMs: 10, status: 'error', statusMessage: 'dropped: node-down' });
  });

  it('ends the spans and calls a crashed node had open, failed with the crash', async () => {
    const sim = network();
    const tracing = sim.enableTracing();
    sim.addNode('a', (ctx) => ({
      async onStart() {
        await ctx.span('checkout', async () => {
          await ctx.call('b', 'q', { timeoutMs: 1_000 });
        });
      },
    }));
    sim.addNode('b', () => ({ onCall: () => new Promise(() => undefined) }));
    sim.schedule(20, () => sim.crash('a'));
    await sim.runAsync({ until: 2_000 });
    const spans = tracing.spans();
    expect(spans.filter((span) => span.node === 'a').map((span) => [span.name, span.endMs, span.status, span.statusMessage])).toEqual([
      ['checkout', 20, 'error', 'node crashed'],
      ['call → b', 20, 'error', 'node crashed'],
    ]);
    expect(spans.every((span) => span.endMs !== undefined)).toBe(true);
  });
});
