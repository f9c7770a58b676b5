import { describe, expect, it } from 'vitest';
import {
  AsyncRunRequiredError,
  CallTimeoutError,
  HandlerError,
  ReceiveTimeoutError,
  Simulation,
  type NodeContext,
  type Received,
} from '../../src/index.js';
import { addProbe, rejectionOf, thrownBy } from './helpers.js';

type Event = [timeMs: number, what: string];

/** Adds a node whose context the test keeps. */
function keep(sim: Simulation, id: string, handlers: (ctx: NodeContext) => object = () => ({})): () => NodeContext {
  let current: NodeContext | undefined;
  sim.addNode(id, (ctx) => {
    current = ctx;
    return handlers(ctx);
  });
  return () => current!;
}

describe('async node code', () => {
  it('async handlers run under await sim.runAsync(), which reports what it did', async () => {
    const sim = new Simulation({ seed: 1 });
    const events: Event[] = [];
    sim.addNode('a', (ctx) => ({
      async onStart() {
        await ctx.sleep(10);
        ctx.send('b', 'late hello');
      },
    }));
    sim.addNode('b', () => ({
      async onMessage(from, message) {
        events.push([sim.now, `${from}: ${String(message)}`]);
      },
    }));
    const result = await sim.runAsync();
    expect(events).toEqual([[11, 'a: late hello']]);
    expect(result).toMatchObject({ timeMs: 11, stoppedBy: 'quiet' });
    expect(result.eventsProcessed).toBeGreaterThanOrEqual(4);
  });

  it('runAsync({ until }) stops at until with later events still pending', async () => {
    const sim = new Simulation({ seed: 1 });
    const woke: number[] = [];
    sim.addNode('a', (ctx) => ({
      async onStart() {
        for (;;) {
          await ctx.sleep(100);
          woke.push(sim.now);
        }
      },
    }));
    const result = await sim.runAsync({ until: 350 });
    expect(woke).toEqual([100, 200, 300]);
    expect(result).toMatchObject({ timeMs: 350, stoppedBy: 'until' });
    await sim.runAsync({ until: 450 });
    expect(woke).toEqual([100, 200, 300, 400]);
  });

  describe('ctx.sleep', () => {
    it('resumes after delayMs of local time', async () => {
      const sim = new Simulation({ seed: 1 });
      const seen: Array<[number, number]> = [];
      sim.addNode(
        'a',
        (ctx) => ({
          async onStart() {
            await ctx.sleep(125);
            seen.push([sim.now, ctx.now()]);
            await ctx.sleep(0);
            seen.push([sim.now, ctx.now()]);
          },
        }),
        { clock: { driftPpm: 250_000 } },
      );
      await sim.runAsync();
      expect(seen[0]![0]).toBeCloseTo(100, 9);
      expect(seen[0]![1]).toBeCloseTo(125, 9);
      expect(seen[1]).toEqual(seen[0]);
    });

    it('interleaves concurrent sleepers by their wake-up times', async () => {
      const sim = new Simulation({ seed: 1 });
      const order: string[] = [];
      for (const [id, delay] of [
        ['slow', 30],
        ['fast', 10],
        ['mid', 20],
      ] as const) {
        sim.addNode(id, (ctx) => ({
          async onStart() {
            await ctx.sleep(delay);
            order.push(id);
          },
        }));
      }
      await sim.runAsync();
      expect(order).toEqual(['fast', 'mid', 'slow']);
    });
  });

  describe('ctx.receive', () => {
    it('takes a matching message from the mailbox if it has already arrived, oldest first', async () => {
      const sim = new Simulation({ seed: 1 });
      const peer = addProbe<string>(sim, 'peer');
      const got: Array<[number, Received<unknown>]> = [];
      sim.addNode('n', (ctx) => ({
        async onStart() {
          await ctx.sleep(10);
          for (const filter of [(m: unknown) => m === 'b', undefined, undefined]) {
            const received = await ctx.receive(filter);
            got.push([sim.now, received]);
          }
        },
      }));
      sim.schedule(0, () => ['a', 'b', 'c'].forEach((m) => peer.ctx.send('n', m)));
      await sim.runAsync();
      expect(got).toEqual([
        [10, { from: 'peer', message: 'b' }],
        [10, { from: 'peer', message: 'a' }],
        [10, { from: 'peer', message: 'c' }],
      ]);
    });

    it('waits for a matching message; non-matching ones go to onMessage', async () => {
      const sim = new Simulation({ seed: 1 });
      const peer = addProbe<{ type: string }>(sim, 'peer');
      const events: Event[] = [];
      sim.addNode<{ type: string }>('n', (ctx) => ({
        async onStart() {
          const { from, message } = await ctx.receive((m, sender) => m.type === 'ack' && sender === 'peer');
          events.push([sim.now, `receive ${message.type} from ${from}`]);
        },
        onMessage(_from, message) {
          events.push([sim.now, `onMessage ${message.type}`]);
        },
      }));
      sim.schedule(2, () => peer.ctx.send('n', { type: 'noise' }));
      sim.schedule(5, () => peer.ctx.send('n', { type: 'ack' }));
      sim.schedule(8, () => peer.ctx.send('n', { type: 'ack' }));
      await sim.runAsync();
      expect(events).toEqual([
        [3, 'onMessage noise'],
        [6, 'receive ack from peer'],
        [9, 'onMessage ack'],
      ]);
    });

    it('rejects with ReceiveTimeoutError after timeoutMs of local time when nothing matches', async () => {
      const sim = new Simulation({ seed: 1 });
      const peer = addProbe<string>(sim, 'peer');
      let failure: unknown;
      let failedAt = -1;
      const later: Array<[number, unknown]> = [];
      sim.addNode(
        'n',
        (ctx) => ({
          async onStart() {
            failure = await rejectionOf(ctx.receive((m) => m === 'wanted', { timeoutMs: 50 }));
            failedAt = sim.now;
            const first = await ctx.receive();
            const second = await ctx.receive();
            later.push([sim.now, first.message], [sim.now, second.message]);
          },
        }),
        { clock: { driftPpm: 250_000 } }, // 25% fast: 50 local ms pass in 40 true ms
      );
      sim.schedule(10, () => peer.ctx.send('n', 'unwanted'));
      sim.schedule(45, () => peer.ctx.send('n', 'wanted'));
      await sim.runAsync();
      expect(failure).toBeInstanceOf(ReceiveTimeoutError);
      expect(failure).toMatchObject({ code: 'RECEIVE_TIMEOUT', timeoutMs: 50 });
      expect(failedAt).toBeCloseTo(40, 9);
      // The message that came too late is not lost: it waits in the mailbox.
      expect(later).toEqual([
        [46, 'unwanted'],
        [46, 'wanted'],
      ]);
    });

    it('a receive that is satisfied in time does not time out later', async () => {
      const sim = new Simulation({ seed: 1 });
      const peer = addProbe<string>(sim, 'peer');
      const events: Event[] = [];
      sim.addNode('n', (ctx) => ({
        async onStart() {
          try {
            const { message } = await ctx.receive(undefined, { timeoutMs: 50 });
            events.push([sim.now, `got ${String(message)}`]);
            await ctx.sleep(100);
            events.push([sim.now, 'still fine']);
          } catch (error) {
            events.push([sim.now, `failed: ${(error as Error).name}`]);
          }
        },
      }));
      sim.schedule(10, () => peer.ctx.send('n', 'x'));
      await sim.runAsync();
      expect(events).toEqual([
        [11, 'got x'],
        [111, 'still fine'],
      ]);
    });

    it('drops arrivals past mailboxLimit with reason mailbox-overflow', async () => {
      const sim = new Simulation({ seed: 1 });
      const peer = addProbe<number>(sim, 'peer');
      const got: unknown[] = [];
      sim.addNode(
        'n',
        (ctx) => ({
          async onStart() {
            await ctx.sleep(100);
            for (let i = 0; i < 2; i++) got.push((await ctx.receive()).message);
          },
        }),
        { mailboxLimit: 2 },
      );
      sim.schedule(0, () => [1, 2, 3, 4].forEach((m) => peer.ctx.send('n', m)));
      await sim.runAsync();
      expect(got).toEqual([1, 2]);
      const stats = sim.network.linkStats('peer', 'n');
      expect(stats).toMatchObject({ sent: 4, delivered: 2 });
      expect(stats.dropped['mailbox-overflow']).toBe(2);
    });

    it('counts each message once, as delivered or dropped, when a receive is waiting but the mailbox is full', async () => {
      const sim = new Simulation({ seed: 1 });
      const peer = addProbe<string>(sim, 'peer');
      sim.addNode(
        'n',
        (ctx) => ({
          async onStart() {
            await ctx.receive((m) => m === 'never sent');
          },
        }),
        { mailboxLimit: 1 },
      );
      sim.schedule(0, () => ['x', 'y', 'z'].forEach((m) => peer.ctx.send('n', m)));
      await sim.runAsync();
      const stats = sim.network.linkStats('peer', 'n');
      expect(stats.sent).toBe(3);
      expect(stats.dropped['mailbox-overflow']).toBe(2);
      expect(stats.delivered + stats.dropped['mailbox-overflow']).toBe(stats.sent);
    });
  });

  describe('ctx.call', () => {
    it('resolves with the reply of the callee’s onCall, which sees the caller and the request', async () => {
      const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 3 } } } });
      const seenByServer: Array<[string, unknown]> = [];
      sim.addNode('server', () => ({
        onCall(from, request) {
          seenByServer.push([from, request]);
          return { doubled: (request as number) * 2 };
        },
      }));
      const replies: Array<[number, unknown]> = [];
      sim.addNode('client', (ctx) => ({
        async onStart() {
          const first = await ctx.call('server', 21, { timeoutMs: 100 });
          replies.push([sim.now, first]);
          const second = await ctx.call('server', 5, { timeoutMs: 100 });
          replies.push([sim.now, second]);
        },
      }));
      await sim.runAsync();
      expect(seenByServer).toEqual([
        ['client', 21],
        ['client', 5],
      ]);
      expect(replies).toEqual([
        [6, { doubled: 42 }],
        [12, { doubled: 10 }],
      ]);
    });

    it('an async onCall may await before replying', async () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('server', (ctx) => ({
        async onCall(_from, request) {
          await ctx.sleep(20);
          return `slow ${String(request)}`;
        },
      }));
      const replies: Array<[number, unknown]> = [];
      sim.addNode('client', (ctx) => ({
        async onStart() {
          const reply = await ctx.call('server', 'ping', { timeoutMs: 100 });
          replies.push([sim.now, reply]);
        },
      }));
      await sim.runAsync();
      expect(replies).toEqual([[22, 'slow ping']]);
    });

    it('times out with CallTimeoutError when the callee has no onCall; the request is dropped as no-call-handler', async () => {
      const sim = new Simulation({ seed: 1 });
      const onMessageCalls: unknown[] = [];
      sim.addNode('mute', () => ({ onMessage: (_from, message) => void onMessageCalls.push(message) }));
      let failure: unknown;
      let failedAt = -1;
      sim.addNode('client', (ctx) => ({
        async onStart() {
          failure = await rejectionOf(ctx.call('mute', 'hello?', { timeoutMs: 30 }));
          failedAt = sim.now;
        },
      }));
      await sim.runAsync();
      expect(failure).toBeInstanceOf(CallTimeoutError);
      expect(failure).toMatchObject({ code: 'CALL_TIMEOUT', to: 'mute', timeoutMs: 30 });
      expect((failure as Error).message).toContain("'mute'");
      expect(failedAt).toBe(30);
      expect(onMessageCalls).toEqual([]);
      expect(sim.network.linkStats('client', 'mute').dropped['no-call-handler']).toBe(1);
    });

    it('times out when the callee is crashed', async () => {
      const sim = new Simulation({ seed: 1 });
      let served = 0;
      sim.addNode('server', () => ({ onCall: () => ++served }));
      let failure: unknown;
      sim.addNode('client', (ctx) => ({
        async onStart() {
          await ctx.sleep(5);
          failure = await rejectionOf(ctx.call('server', 'x', { timeoutMs: 40 }));
        },
      }));
      sim.schedule(1, () => sim.crash('server'));
      await sim.runAsync();
      expect(failure).toBeInstanceOf(CallTimeoutError);
      expect(served).toBe(0);
      expect(sim.network.stats().dropped['node-down']).toBe(1);
    });

    it('a reply that arrives after the timeout is dropped as stale-reply', async () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('server', (ctx) => ({
        async onCall() {
          await ctx.sleep(50);
          return 'too late';
        },
      }));
      let failure: unknown;
      sim.addNode('client', (ctx) => ({
        async onStart() {
          failure = await rejectionOf(ctx.call('server', 'x', { timeoutMs: 10 }));
        },
      }));
      await sim.runAsync();
      expect(failure).toBeInstanceOf(CallTimeoutError);
      expect(sim.network.linkStats('server', 'client').dropped['stale-reply']).toBe(1);
    });
  });

  describe('failures', () => {
    it('an async handler rejection makes runAsync reject with HandlerError', async () => {
      const sim = new Simulation({ seed: 1 });
      const cause = new Error('async boom');
      sim.addNode('n', (ctx) => ({
        async onStart() {
          await ctx.sleep(7);
          throw cause;
        },
      }));
      const error = await rejectionOf(sim.runAsync());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ code: 'HANDLER_FAILED', nodeId: 'n', timeMs: 7 });
      expect((error as HandlerError).event).toContain('onStart');
      expect((error as HandlerError).cause).toBe(cause);
    });

    it('an async onCall rejection makes runAsync reject with HandlerError', async () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('server', () => ({
        async onCall() {
          throw new TypeError('cannot serve');
        },
      }));
      sim.addNode('client', (ctx) => ({
        async onStart() {
          await ctx.call('server', 1, { timeoutMs: 100 }).catch(() => undefined);
        },
      }));
      const error = await rejectionOf(sim.runAsync());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ nodeId: 'server' });
      expect((error as HandlerError).cause).toBeInstanceOf(TypeError);
    });

    it('a sync onCall that throws is reported as a failure of onCall', async () => {
      const sim = new Simulation({ seed: 1 });
      const cause = new Error('no such key');
      sim.addNode('server', () => ({
        onCall() {
          throw cause;
        },
      }));
      sim.addNode('client', (ctx) => ({
        async onStart() {
          await ctx.call('server', 'get x', { timeoutMs: 100 }).catch(() => undefined);
        },
      }));
      const error = await rejectionOf(sim.runAsync());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ nodeId: 'server', timeMs: 1 });
      expect((error as HandlerError).cause).toBe(cause);
      expect((error as HandlerError).event).toContain('onCall');
    });

    it('a sync handler that throws under runAsync also rejects with HandlerError', async () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('n', () => ({
        onStart() {
          throw new Error('sync boom');
        },
      }));
      const error = await rejectionOf(sim.runAsync());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ nodeId: 'n', event: 'onStart', timeMs: 0 });
    });
  });

  describe('under the synchronous run()', () => {
    it.each([
      ['ctx.sleep', (ctx: NodeContext) => void ctx.sleep(5)],
      ['ctx.receive', (ctx: NodeContext) => void ctx.receive()],
      ['ctx.call', (ctx: NodeContext) => void ctx.call('n', 1, { timeoutMs: 5 })],
    ])('%s throws AsyncRunRequiredError', (what, use) => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('n', (ctx) => ({ onStart: () => use(ctx) }));
      const error = thrownBy(() => sim.run());
      expect(error).toBeInstanceOf(AsyncRunRequiredError);
      expect(error).toMatchObject({ code: 'ASYNC_RUN_REQUIRED' });
      expect((error as Error).message).toContain(what);
      expect((error as Error).message).toContain('runAsync');
    });

    it('a handler returning a Promise throws AsyncRunRequiredError', () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('n', () => ({ onStart: () => Promise.resolve() }));
      const error = thrownBy(() => sim.run());
      expect(error).toBeInstanceOf(AsyncRunRequiredError);
      expect((error as Error).message).toContain("node 'n' onStart");
    });

    it('an async handler that awaits ctx.sleep throws AsyncRunRequiredError and leaves no unhandled rejection', async () => {
      const unhandled: unknown[] = [];
      const listener = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        const sim = new Simulation({ seed: 1 });
        sim.addNode('n', (ctx) => ({
          async onStart() {
            await ctx.sleep(5);
          },
        }));
        expect(() => sim.run()).toThrow(AsyncRunRequiredError);
        // Give Node the turn in which it reports unhandled rejections.
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('unhandledRejection', listener);
      }
      expect(unhandled).toEqual([]);
    });
  });

  describe('crash', () => {
    it('abandons pending sleeps, receives and calls: code after the await never runs, even after restart', async () => {
      const sim = new Simulation({ seed: 1 });
      const events: Event[] = [];
      sim.addNode('server', (ctx) => ({
        async onCall() {
          await ctx.sleep(1000);
          return 'never';
        },
      }));
      sim.addNode('n', (ctx) => ({
        onStart() {
          const watch = (label: string, promise: Promise<unknown>): void => {
            promise.then(
              () => void events.push([sim.now, `${label} resolved`]),
              () => void events.push([sim.now, `${label} rejected`]),
            );
          };
          watch('sleep', ctx.sleep(20));
          watch('receive', ctx.receive(undefined, { timeoutMs: 20 }));
          watch('call', ctx.call('server', 1, { timeoutMs: 20 }));
        },
        async onRecover() {
          await ctx.sleep(100);
          events.push([sim.now, 'recovered incarnation awake']);
        },
      }));
      sim.schedule(10, () => sim.crash('n'));
      sim.schedule(15, () => sim.restart('n'));
      await sim.runAsync({ until: 500 });
      expect(events).toEqual([[115, 'recovered incarnation awake']]);
    });

    it('a crash mid-handler-chain: later steps of the async handler never run', async () => {
      const sim = new Simulation({ seed: 1 });
      const steps: number[] = [];
      sim.addNode('n', (ctx) => ({
        async onStart() {
          for (let step = 1; step <= 5; step++) {
            await ctx.sleep(10);
            steps.push(step);
          }
        },
      }));
      sim.schedule(25, () => sim.crash('n'));
      await sim.runAsync();
      expect(steps).toEqual([1, 2]);
    });
  });

  it('ctx from a kept reference works for sleep in the live incarnation', async () => {
    const sim = new Simulation({ seed: 1 });
    const ctx = keep(sim, 'n');
    const woke: number[] = [];
    sim.schedule(3, () => void ctx().sleep(4).then(() => woke.push(sim.now)));
    await sim.runAsync();
    expect(woke).toEqual([7]);
  });
});
