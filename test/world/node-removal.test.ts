// sim.removeNode: abrupt removal is a crash that never recovers; a graceful one drains first, so
// work in flight finishes while new work is refused. Removed ids are never reused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultlineError, InvalidArgumentError, InvalidStateError, Simulation, UnknownNodeError } from '../../src/index.js';

/** A server whose calls take 50 ms, and a client that calls it at t=0 and again at t=30. */
function callPair(): { sim: Simulation; outcomes: Array<[number, string]> } {
  const sim = new Simulation({ seed: 1 });
  const outcomes: Array<[number, string]> = [];
  sim.addNode('server', (ctx) => ({
    async onCall(_from, request) {
      await ctx.sleep(50);
      return `done ${String(request)}`;
    },
  }));
  sim.addNode('client', (ctx) => ({
    onStart() {
      const call = (name: string): void => {
        ctx.call('server', name, { timeoutMs: 200 }).then(
          (reply) => void outcomes.push([sim.now, String(reply)]),
          (error: unknown) => void outcomes.push([sim.now, `failed ${name}: ${(error as Error).name}`]),
        );
      };
      call('first');
      ctx.setTimer(30, 'second');
    },
    onTimer() {
      ctx.call('server', 'second', { timeoutMs: 200 }).then(
        (reply) => void outcomes.push([sim.now, String(reply)]),
        (error: unknown) => void outcomes.push([sim.now, `failed second: ${(error as Error).name}`]),
      );
    },
  }));
  return { sim, outcomes };
}

describe('removeNode', () => {
  it('graceful: the call in flight completes, a new call during the drain is refused (node-draining), then the node is gone', async () => {
    const { sim, outcomes } = callPair();
    sim.schedule(10, () => sim.removeNode('server', { graceful: true, drainMs: 100 }));
    await sim.runAsync();
    expect(outcomes).toEqual([
      [52, 'done first'],
      [230, 'failed second: CallTimeoutError'],
    ]);
    expect(sim.network.stats().dropped['node-draining']).toBe(1);
    expect(sim.truth.isDraining('server', 50)).toBe(true);
    expect(sim.truth.isRemoved('server', 109)).toBe(false);
    expect(sim.truth.isRemoved('server', 110)).toBe(true);
    expect(sim.truth.isUp('server', 110)).toBe(false);
    expect(sim.nodeIds()).toEqual(['client']);
  });

  it('abrupt: the call in flight fails (its reply never comes), and later messages are dropped as node-removed', async () => {
    const { sim, outcomes } = callPair();
    sim.schedule(10, () => sim.removeNode('server'));
    await sim.runAsync();
    expect(outcomes).toEqual([
      [200, 'failed first: CallTimeoutError'],
      [230, 'failed second: CallTimeoutError'],
    ]);
    expect(sim.network.stats().dropped['node-removed']).toBe(1);
    expect(sim.truth.isRemoved('server', 10)).toBe(true);
    expect(sim.truth.downIntervals('server', 300)).toEqual([[10, 300]]);
  });

  it('a removed node leaves its peers’ lists and broadcasts, never restarts, and its id is not reused', () => {
    const sim = new Simulation({ seed: 1 });
    const peers: string[][] = [];
    for (const id of ['a', 'b', 'c']) sim.addNode(id, (ctx) => ({ onTimer: () => void (peers.push([...ctx.peers]), ctx.broadcast('hi')), onStart: () => ctx.setTimer(20, 't') }));
    sim.schedule(10, () => sim.removeNode('b'));
    sim.schedule(15, () => {
      try {
        sim.restart('b');
      } catch {
        // refused or ignored: either way b must stay gone
      }
    });
    sim.run({ until: 100 });
    expect(peers).toEqual([['c'], ['a']]);
    expect(sim.network.stats().sent).toBe(2);
    expect(sim.isUp('b')).toBe(false);
    expect(() => sim.addNode('b', () => ({}))).toThrow(FaultlineError);
    expect(() => sim.inject([{ kind: 'crash', atMs: 200, target: 'b' }])).toThrow(InvalidStateError);
  });

  it('a crash-recovery fault that ends after the removal does not bring the node back', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    sim.addNode('b', () => ({}));
    sim.inject([{ kind: 'crash', atMs: 10, durationMs: 50, target: 'b' }]);
    sim.schedule(20, () => sim.removeNode('b'));
    sim.run({ until: 100 });
    expect(sim.isUp('b')).toBe(false);
    expect(sim.truth.isRemoved('b')).toBe(true);
  });

  it('unknown, removed or draining nodes and bad options are typed errors', () => {
    const sim = new Simulation({ seed: 1 });
    for (const id of ['a', 'b']) sim.addNode(id, () => ({}));
    expect(() => sim.removeNode('ghost')).toThrow(UnknownNodeError);
    sim.removeNode('a');
    expect(() => sim.removeNode('a')).toThrow(/already removed/);
    sim.removeNode('b', { graceful: true });
    expect(() => sim.removeNode('b')).toThrow(/already draining/);
    expect(() => sim.removeNode('b', { drainMs: 5 })).toThrow(InvalidArgumentError);
  });

  it('fuzzed options: anything outside { graceful: boolean, drainMs > 0 with graceful } is an InvalidArgumentError', () => {
    fc.assert(
      fc.property(fc.record({ graceful: fc.anything(), drainMs: fc.anything(), extra: fc.anything() }, { requiredKeys: [] }), (options) => {
        const valid = (options.graceful === undefined || typeof options.graceful === 'boolean') && !('extra' in options) &&
          (options.drainMs === undefined || (options.graceful === true && typeof options.drainMs === 'number' && Number.isFinite(options.drainMs) && options.drainMs > 0));
        const sim = new Simulation({ seed: 1 });
        sim.addNode('a', () => ({}));
        if (valid) expect(() => sim.removeNode('a', options as never)).not.toThrow();
        else expect(() => sim.removeNode('a', options as never)).toThrow(InvalidArgumentError);
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
