// A crash loses every piece of a node's volatile state, and a restart starts from nothing but the
// durable state: no timer, mailbox entry, inbox entry, held delivery, pending call, receive or
// sleep of the old incarnation reaches the new one. Messages lost in the crash are counted once,
// as `node-down` drops, so delivered + dropped always adds up to what was sent.
import { describe, expect, it } from 'vitest';
import { Simulation, type LinkStats } from '../../src/index.js';
import { addProbe } from './helpers.js';

/** A simulation whose every message takes exactly 1 ms. */
function oneMsNetwork(): Simulation {
  return new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
}

/** Every message is accounted for exactly once: delivered or dropped for one reason. */
function expectEachMessageCountedOnce(stats: LinkStats): void {
  const dropped = Object.values(stats.dropped).reduce((sum, count) => sum + count, 0);
  expect(stats.delivered + dropped).toBe(stats.sent + stats.duplicated);
}

type Seen = [timeMs: number, incarnation: number, what: string];

/**
 * A crash that ignores pauses (a power loss): the built-in `crash` conflicts with an active
 * `pause` on the same node, so a custom failure model is how a paused node crashes.
 */
function crashingThroughPauses(sim: Simulation): Simulation {
  sim.registerFailureModel({
    kind: 'power-loss',
    validate(fault, world, field) {
      world.requireNode(fault.target, `${field}.target`);
    },
    apply: (fault, world) => world.crashNode(fault.target!),
    revert: (fault, world) => world.restartNode(fault.target!),
  });
  return sim;
}

describe('a crash clears volatile state; the restarted node sees none of it', () => {
  it('timers: no timer of the old incarnation fires, and the new one finds none pending', () => {
    const sim = oneMsNetwork();
    const seen: Seen[] = [];
    sim.addNode('n', (ctx) => ({
      onStart() {
        ctx.setTimer(50, 'tick');
        ctx.setTimer(60, 'old-only');
      },
      onRecover() {
        seen.push([sim.now, ctx.incarnation, `old-only pending: ${ctx.cancelTimer('old-only')}`]);
        ctx.setTimer(100, 'tick');
      },
      onTimer(name) {
        seen.push([sim.now, ctx.incarnation, name]);
      },
    }));
    sim.schedule(10, () => sim.crash('n'));
    sim.schedule(20, () => sim.restart('n'));
    sim.run({ until: 500 });
    expect(seen).toEqual([
      [20, 1, 'old-only pending: false'],
      [120, 1, 'tick'],
    ]);
  });

  it('the async mailbox: onRecover’s ctx.receive does not get a message that arrived before the crash', async () => {
    const sim = oneMsNetwork();
    const sender = addProbe<string>(sim, 'sender');
    const received: Seen[] = [];
    // No onMessage: arrivals wait in the mailbox for a ctx.receive.
    sim.addNode<string>('n', (ctx) => ({
      async onRecover() {
        const { message } = await ctx.receive();
        received.push([sim.now, ctx.incarnation, message]);
      },
    }));
    sim.schedule(1, () => sender.ctx.send('n', 'before the crash'));
    sim.schedule(10, () => sim.crash('n'));
    sim.schedule(20, () => sim.restart('n'));
    sim.schedule(30, () => sender.ctx.send('n', 'after the restart'));
    await sim.runAsync({ until: 100 });
    expect(received).toEqual([[31, 1, 'after the restart']]);
    // The first message was delivered (into the mailbox) before the crash lost it: not a drop.
    expect(sim.network.stats()).toMatchObject({ sent: 2, delivered: 2, dropped: { 'node-down': 0 } });
  });

  it('the service inbox: queued messages are not handled after restart, and each is one node-down drop', () => {
    const sim = oneMsNetwork();
    const sender = addProbe<string>(sim, 'sender');
    const handled: Seen[] = [];
    // 10 messages a second: each takes 100 ms, so a burst queues behind the first.
    sim.addNode<string>('n', (ctx) => ({ onMessage: (_from, message) => void handled.push([sim.now, ctx.incarnation, message]) }), {
      service: { messagesPerSec: 10, inboxLimit: 100 },
    });
    sim.schedule(0, () => {
      for (let seq = 0; seq < 5; seq++) sender.ctx.send('n', `queued ${seq}`);
    });
    sim.schedule(50, () => sim.crash('n'));
    sim.schedule(60, () => sim.restart('n'));
    sim.schedule(70, () => {
      sender.ctx.send('n', 'after the restart 0');
      sender.ctx.send('n', 'after the restart 1');
    });
    sim.run({ until: 1_000 });
    // The new incarnation starts idle (the old one was busy until 101) and keeps its own pace
    // (the old incarnation's service event, due at 101, does not serve the new inbox).
    expect(handled).toEqual([
      [1, 0, 'queued 0'],
      [71, 1, 'after the restart 0'],
      [171, 1, 'after the restart 1'],
    ]);
    const stats = sim.network.stats();
    expect(stats).toMatchObject({ sent: 7, delivered: 3, dropped: { 'node-down': 4 } });
    expect(sim.network.linkStats('sender', 'n').dropped['node-down']).toBe(4);
    expectEachMessageCountedOnce(stats);
  });

  it('held deliveries of a paused node that crashes: dropped once as node-down, never delivered after restart', () => {
    const sim = crashingThroughPauses(oneMsNetwork());
    const sender = addProbe<string>(sim, 'sender');
    const n = addProbe<string>(sim, 'n');
    sim.inject([
      { kind: 'pause', atMs: 1, durationMs: 14, target: 'n' },
      { kind: 'power-loss', atMs: 10, durationMs: 10, target: 'n' },
    ]);
    sim.schedule(2, () => {
      for (let seq = 0; seq < 3; seq++) sender.ctx.send('n', `held ${seq}`);
    });
    // A second pause of the new incarnation, to show nothing old is waiting behind it.
    sim.schedule(30, () => sim.pause('n'));
    sim.schedule(31, () => sender.ctx.send('n', 'held by the second pause'));
    sim.schedule(40, () => sim.resume('n'));
    sim.run({ until: 200 });
    expect(sim.faultLog.map((entry) => [entry.timeMs, entry.phase, entry.fault.kind])).toEqual([
      [1, 'apply', 'pause'],
      [10, 'apply', 'power-loss'],
      [15, 'revert', 'pause'],
      [20, 'revert', 'power-loss'],
      [30, 'apply', 'pause'],
      [40, 'revert', 'pause'],
    ]);
    expect(n.arrivals.map((arrival) => [arrival.timeMs, arrival.message])).toEqual([[40, 'held by the second pause']]);
    const stats = sim.network.stats();
    expect(stats).toMatchObject({ sent: 4, delivered: 1, dropped: { 'node-down': 3 } });
    expectEachMessageCountedOnce(stats);
  });

  it('a held timer of a paused node that crashes never fires in the new incarnation', () => {
    const sim = crashingThroughPauses(oneMsNetwork());
    const fired: Seen[] = [];
    sim.addNode('n', (ctx) => ({
      onStart: () => ctx.setTimer(5, 'old'),
      onRecover: () => ctx.setTimer(50, 'new'),
      onTimer: (name) => void fired.push([sim.now, ctx.incarnation, name]),
    }));
    sim.inject([
      { kind: 'pause', atMs: 1, durationMs: 14, target: 'n' },
      { kind: 'power-loss', atMs: 10, durationMs: 10, target: 'n' },
    ]);
    sim.schedule(30, () => sim.pause('n'));
    sim.schedule(40, () => sim.resume('n'));
    sim.run({ until: 200 });
    expect(fired).toEqual([[70, 1, 'new']]);
  });

  it('a pending ctx.call: the old promise never settles, its late reply is a stale-reply drop, and a new call gets its own reply', async () => {
    const sim = oneMsNetwork();
    const settled: Seen[] = [];
    sim.addNode<number>('server', (ctx) => ({
      async onCall(_from, request) {
        await ctx.sleep(request); // the request is how long to think
        return `answer after ${request} ms`;
      },
    }));
    sim.addNode<number>('client', (ctx) => ({
      onStart() {
        ctx.call('server', 30, { timeoutMs: 100 }).then(
          (reply) => void settled.push([sim.now, ctx.incarnation, `old call resolved: ${String(reply)}`]),
          (error: unknown) => void settled.push([sim.now, ctx.incarnation, `old call rejected: ${String(error)}`]),
        );
      },
      async onRecover() {
        // Issued before the old reply arrives and answered after it: a reused call id would take it.
        const reply = await ctx.call<string>('server', 20, { timeoutMs: 100 });
        settled.push([sim.now, ctx.incarnation, `new call resolved: ${reply}`]);
      },
    }));
    sim.schedule(10, () => sim.crash('client'));
    sim.schedule(15, () => sim.restart('client'));
    await sim.runAsync({ until: 500 });
    // Old reply: sent at 31, arrives at 32. New call: sent at 15, answered at 36, back at 37.
    expect(settled).toEqual([[37, 1, 'new call resolved: answer after 20 ms']]);
    const stats = sim.network.stats();
    expect(stats).toMatchObject({ sent: 4, delivered: 3, dropped: { 'stale-reply': 1, 'node-down': 0 } });
    expectEachMessageCountedOnce(stats);
  });

  it('a pending ctx.receive never takes a message for the new incarnation, and its timeout never fires', async () => {
    const sim = oneMsNetwork();
    const sender = addProbe<string>(sim, 'sender');
    const seen: Seen[] = [];
    sim.addNode<string>('n', (ctx) => ({
      onStart() {
        ctx.receive().then(({ message }) => void seen.push([sim.now, ctx.incarnation, `old receive got ${message}`]));
        ctx.receive(undefined, { timeoutMs: 50 }).then(
          ({ message }) => void seen.push([sim.now, ctx.incarnation, `old timed receive got ${message}`]),
          () => void seen.push([sim.now, ctx.incarnation, 'old timed receive timed out']),
        );
      },
      onRecover() {},
      onMessage: (_from, message) => void seen.push([sim.now, ctx.incarnation, `onMessage ${message}`]),
    }));
    sim.schedule(10, () => sim.crash('n'));
    sim.schedule(20, () => sim.restart('n'));
    sim.schedule(30, () => sender.ctx.send('n', 'first'));
    sim.schedule(40, () => sender.ctx.send('n', 'second'));
    await sim.runAsync({ until: 500 });
    expect(seen).toEqual([
      [31, 1, 'onMessage first'],
      [41, 1, 'onMessage second'],
    ]);
  });

  it('a pending ctx.sleep never resumes, in the old incarnation or the new one', async () => {
    const sim = oneMsNetwork();
    const seen: Seen[] = [];
    sim.addNode('n', (ctx) => ({
      async onStart() {
        await ctx.sleep(50);
        seen.push([sim.now, ctx.incarnation, 'old sleep woke']);
      },
      async onRecover() {
        await ctx.sleep(100);
        seen.push([sim.now, ctx.incarnation, 'new sleep woke']);
      },
    }));
    sim.schedule(10, () => sim.crash('n'));
    sim.schedule(20, () => sim.restart('n'));
    await sim.runAsync({ until: 500 });
    expect(seen).toEqual([[120, 1, 'new sleep woke']]);
  });
});
