// Process faults: crash (crash-stop and crash-recovery) and pause, checked against the ground
// truth (`sim.truth`), the fault log and the trace.
import { describe, expect, it } from 'vitest';
import { InvalidStateError, Simulation } from '../../src/index.js';
import { addProbe, cluster, logRows, records, sendSequence, type Seq } from './fixtures.js';

describe('crash', () => {
  it('crash-stop (no durationMs): the node goes down at atMs and stays down; messages to it are dropped as node-down', () => {
    const { sim, probes } = cluster(['a', 'b']);
    sendSequence(sim, probes.a!, 'b', 100, 10, 5); // sent at 5, 15, …, 995; delivered 1 ms later
    sim.inject([{ kind: 'crash', atMs: 100, target: 'b' }]);
    sim.run({ until: 2_000 });

    expect(sim.truth.isUp('b', 99.9)).toBe(true);
    expect(sim.truth.isUp('b', 100)).toBe(false);
    expect(sim.truth.isUp('b', 1_999)).toBe(false);
    expect(sim.truth.downIntervals('b', 2_000)).toEqual([[100, 2_000]]);
    expect(sim.truth.downIntervals('a', 2_000)).toEqual([]);
    expect(sim.isUp('b')).toBe(false);

    expect(probes.b!.arrivals.map((arrival) => arrival.timeMs)).toEqual([6, 16, 26, 36, 46, 56, 66, 76, 86, 96]);
    expect(sim.network.linkStats('a', 'b').dropped['node-down']).toBe(90);
    expect(records(sim, 'drop', (record) => record.reason === 'node-down' && record.to === 'b')).toHaveLength(90);

    expect(logRows(sim)).toEqual([[100, 'apply', 'crash', 'b']]);
    expect(records(sim, 'crash').map((record) => [record.timeMs, record.node])).toEqual([[100, 'b']]);
    expect(records(sim, 'restart')).toEqual([]);
    expect(sim.activeFaults()).toEqual([{ kind: 'crash', atMs: 100, target: 'b' }]);
  });

  it('crash-recovery (durationMs): the node restarts at atMs + durationMs as a new incarnation that runs onRecover', () => {
    const sim = new Simulation({ seed: 1, trace: true });
    const events: Array<[number, string, number]> = [];
    sim.addNode('b', (ctx) => ({
      onStart: () => void events.push([sim.now, 'start', ctx.incarnation]),
      onRecover: () => void events.push([sim.now, 'recover', ctx.incarnation]),
    }));
    const a = addProbe<Seq>(sim, 'a');
    sendSequence(sim, a, 'b', 50, 10, 5);
    sim.inject([{ kind: 'crash', atMs: 100, durationMs: 250, target: 'b' }]);
    sim.run({ until: 1_000 });

    expect(events).toEqual([
      [0, 'start', 0],
      [350, 'recover', 1],
    ]);
    expect(sim.truth.downIntervals('b', 1_000)).toEqual([[100, 350]]);
    expect(sim.truth.isUp('b', 349.99)).toBe(false);
    expect(sim.truth.isUp('b', 350)).toBe(true);
    expect(sim.node('b').incarnation).toBe(1);

    const [apply, revert] = sim.faultLog;
    expect(sim.faultLog).toHaveLength(2);
    expect(apply).toMatchObject({ timeMs: 100, phase: 'apply' });
    expect(revert).toMatchObject({ timeMs: 350, phase: 'revert', faultId: apply!.faultId });
    expect(records(sim, 'restart').map((record) => [record.timeMs, record.node, record.detail])).toEqual([[350, 'b', { incarnation: 1 }]]);
    expect(records(sim, 'start', (record) => record.node === 'b').map((record) => [record.timeMs, record.detail])).toEqual([
      [0, { incarnation: 0, recovering: false }],
      [350, { incarnation: 1, recovering: true }],
    ]);
    // Messages sent while it was down (105 … 345) were dropped; from 355 on they arrive again.
    expect(sim.network.linkStats('a', 'b').dropped['node-down']).toBe(25);
    expect(sim.activeFaults()).toEqual([]);
  });

  it('loses volatile state and every pending timer (even one due after the restart) but keeps durable state', () => {
    const sim = new Simulation({ seed: 1, trace: true });
    const seen: Array<[number, string, number, number]> = []; // [time, event, volatile count, durable count]
    sim.addNode<unknown, { persisted: number }>(
      'n',
      (ctx) => {
        let volatileCount = 0;
        return {
          onStart() {
            ctx.setTimer(10, 'tick');
            ctx.setTimer(400, 'long'); // due at 400, after the restart at 300
          },
          onTimer(name) {
            if (name === 'tick') {
              volatileCount++;
              ctx.persist((draft) => void draft.persisted++);
              ctx.setTimer(10, 'tick');
            }
            seen.push([sim.now, name, volatileCount, ctx.durable.persisted]);
          },
          onRecover: () => void seen.push([sim.now, 'recover', volatileCount, ctx.durable.persisted]),
        };
      },
      { durable: { persisted: 0 } },
    );
    sim.inject([{ kind: 'crash', atMs: 55, durationMs: 245, target: 'n' }]);
    sim.run({ until: 1_000 });

    expect(seen).toEqual([
      [10, 'tick', 1, 1],
      [20, 'tick', 2, 2],
      [30, 'tick', 3, 3],
      [40, 'tick', 4, 4],
      [50, 'tick', 5, 5],
      [300, 'recover', 0, 5],
    ]);
    expect(records(sim, 'timer', (record) => record.timeMs > 55)).toEqual([]);
    expect(sim.node<unknown, { persisted: number }>('n').durable).toEqual({ persisted: 5 });
  });

  it('a crashed node sends nothing: the dead incarnation’s context refuses to act', () => {
    const { sim, probes } = cluster(['a', 'b']);
    const oldContext = probes.a!.ctx;
    sim.inject([{ kind: 'crash', atMs: 10, target: 'a' }]);
    sim.run({ until: 20 });
    expect(() => oldContext.send('b', { seq: 1 })).toThrow(InvalidStateError);
    sim.run({ until: 30 });
    expect(probes.b!.arrivals).toEqual([]);
    expect(records(sim, 'send')).toEqual([]);
  });
});

describe('pause', () => {
  /** Node b records every handler it runs; a sends to it from outside. */
  function pausedPair(): { sim: Simulation; handled: Array<[number, string]>; send: (atMs: number, seq: number) => void } {
    const sim = new Simulation({ seed: 1, trace: true });
    const handled: Array<[number, string]> = [];
    sim.addNode<Seq>('b', (ctx) => ({
      onStart: () => ctx.setTimer(150, 'due-at-150'),
      onTimer: (name) => void handled.push([sim.now, `timer ${name}`]),
      onMessage: (_from, message) => void handled.push([sim.now, `message ${message.seq}`]),
    }));
    const a = addProbe<Seq>(sim, 'a');
    return { sim, handled, send: (atMs, seq) => void sim.schedule(atMs - sim.now, () => a.ctx.send('b', { seq })) };
  }

  it('runs no handler while paused; timers and arriving messages wait and run in order at the resume time', () => {
    const { sim, handled, send } = pausedPair();
    send(50, 0);
    send(120, 1);
    send(130, 2);
    send(140, 3);
    send(320, 4);
    sim.inject([{ kind: 'pause', atMs: 100, durationMs: 200, target: 'b' }]);
    sim.run({ until: 1_000 });

    expect(handled).toEqual([
      [51, 'message 0'],
      [300, 'message 1'],
      [300, 'message 2'],
      [300, 'message 3'],
      [300, 'timer due-at-150'], // fired late: due at 150, run at the resume time
      [321, 'message 4'],
    ]);
    expect(records(sim, 'deliver', (record) => record.to === 'b' && record.timeMs > 100 && record.timeMs < 300)).toEqual([]);
    expect(sim.network.stats().dropped['node-down'] + sim.network.stats().dropped['link-blocked']).toBe(0);
    expect(records(sim, 'pause').map((record) => [record.timeMs, record.node])).toEqual([[100, 'b']]);
    expect(records(sim, 'resume').map((record) => [record.timeMs, record.node, record.detail])).toEqual([[300, 'b', { released: 4 }]]);
  });

  it('the ground truth shows the node paused but up: isPaused, isActive, pausedIntervals', () => {
    const { sim } = pausedPair();
    sim.inject([{ kind: 'pause', atMs: 100, durationMs: 200, target: 'b' }]);
    sim.run({ until: 1_000 });
    expect([99, 100, 299, 300].map((t) => sim.truth.isPaused('b', t))).toEqual([false, true, true, false]);
    expect(sim.truth.isUp('b', 200)).toBe(true);
    expect(sim.truth.isActive('b', 200)).toBe(false);
    expect(sim.truth.isActive('b', 300)).toBe(true);
    expect(sim.truth.pausedIntervals('b', 1_000)).toEqual([[100, 300]]);
    expect(sim.truth.downIntervals('b', 1_000)).toEqual([]);
    expect(sim.truth.isPaused('a', 200)).toBe(false);
    expect(logRows(sim)).toEqual([
      [100, 'apply', 'pause', 'b'],
      [300, 'revert', 'pause', 'b'],
    ]);
  });

  it('a periodic timer does not catch up after a pause: it fires once at the resume time and re-arms from there', () => {
    const sim = new Simulation({ seed: 1 });
    const ticks: number[] = [];
    sim.addNode('n', (ctx) => ({
      onStart: () => ctx.setTimer(5, 'tick'),
      onTimer: () => {
        ticks.push(sim.now);
        ctx.setTimer(10, 'tick');
      },
    }));
    sim.inject([{ kind: 'pause', atMs: 100, durationMs: 200, target: 'n' }]);
    sim.run({ until: 331 });
    expect(ticks).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95, 300, 310, 320, 330]);
  });

  it('a pause without durationMs lasts until resume(); the node keeps its volatile state', () => {
    const sim = new Simulation({ seed: 1 });
    let count = 0;
    const a = addProbe<Seq>(sim, 'a');
    sim.addNode('b', () => {
      let seenHere = 0;
      return { onMessage: () => void (count = ++seenHere) };
    });
    sendSequence(sim, a, 'b', 10, 100, 50); // 50, 150, …, 950
    sim.inject([{ kind: 'pause', atMs: 200, target: 'b' }]);
    sim.schedule(700, () => sim.resume('b'));
    sim.run({ until: 1_000 });
    expect(count).toBe(10); // one incarnation throughout: the counter kept counting across the pause
    expect(sim.truth.pausedIntervals('b', 1_000)).toEqual([[200, 700]]);
    expect(logRows(sim)).toEqual([
      [200, 'apply', 'pause', 'b'],
      [700, 'revert', 'pause', 'b'],
    ]);
  });
});
