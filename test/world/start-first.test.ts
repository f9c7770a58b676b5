// onStart / onRecover is an incarnation's first event: a message or a call that lands at the
// instant a node restarts (already scheduled for that time) waits until the start handler ran.
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/index.js';

const LATENCY = { latency: { kind: 'constant' as const, ms: 10 } };

describe('the start handler runs first', () => {
  it('a message arriving at the restart instant reaches onMessage after onRecover', () => {
    const sim = new Simulation({ seed: 1, network: { link: LATENCY } });
    const events: string[] = [];
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(90, 'send'), onTimer: () => ctx.send('b', 'hello') }));
    sim.addNode('b', (ctx) => ({
      onStart: () => void events.push(`start ${ctx.incarnation}`),
      onRecover: () => void events.push(`recover ${ctx.incarnation} at ${sim.now}`),
      onMessage: (from, message) => void events.push(`message ${String(message)} in ${ctx.incarnation} at ${sim.now}`),
    }));
    sim.scheduleAt(50, () => sim.crash('b'));
    sim.scheduleAt(100, () => sim.restart('b')); // scheduled before the send: it runs first at t=100
    sim.run();
    expect(events).toEqual(['start 0', 'recover 1 at 100', 'message hello in 1 at 100']);
    expect(sim.network.stats().dropped['node-down']).toBe(0);
  });

  it('a call landing at the restart instant is answered by the recovered incarnation', async () => {
    const sim = new Simulation({ seed: 1, network: { link: LATENCY } });
    const events: string[] = [];
    let reply: unknown;
    sim.addNode('client', (ctx) => ({
      async onStart() {
        await ctx.sleep(90);
        reply = await ctx.call('server', 'read', { timeoutMs: 1_000 });
      },
    }));
    sim.addNode('server', (ctx) => {
      let recovered = false;
      return {
        onRecover: () => {
          recovered = true;
          events.push('recover');
        },
        onCall: () => {
          events.push('call');
          return recovered ? 'fresh' : 'not recovered';
        },
      };
    });
    sim.scheduleAt(50, () => sim.crash('server'));
    sim.scheduleAt(100, () => sim.restart('server'));
    await sim.runAsync();
    expect(events).toEqual(['recover', 'call']);
    expect(reply).toBe('fresh');
  });

  it('messages held for the start keep their order, and a crash before the start drops them once', () => {
    const sim = new Simulation({ seed: 1, network: { link: LATENCY } });
    const received: string[] = [];
    sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(90, 'send'), onTimer: () => ['m1', 'm2', 'm3'].forEach((m) => ctx.send('b', m)) }));
    sim.addNode('b', () => ({ onMessage: (_from, message) => void received.push(String(message)) }));
    sim.scheduleAt(50, () => sim.crash('b'));
    sim.scheduleAt(100, () => sim.restart('b'));
    sim.run();
    expect(received).toEqual(['m1', 'm2', 'm3']);

    const again = new Simulation({ seed: 1, network: { link: LATENCY } });
    again.addNode('a', (ctx) => ({
      onStart: () => ctx.setTimer(90, 'send'),
      onTimer() {
        ['m1', 'm2'].forEach((m) => ctx.send('b', m));
        // Lands at t=100 after the two messages and before b's recovery, which is queued only then.
        again.schedule(10, () => again.crash('b'));
      },
    }));
    again.addNode('b', () => ({ onMessage: () => expect.unreachable('crashed before its start') }));
    again.scheduleAt(50, () => again.crash('b'));
    again.scheduleAt(100, () => again.restart('b'));
    again.run();
    expect(again.network.stats().dropped['node-down']).toBe(2);
  });
});
