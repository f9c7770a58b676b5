// addNode({ startDelayMs }): a provisioning node exists (peers can address it) but is down until
// its delay runs out; messages sent to it meanwhile are dropped as node-starting.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Simulation } from '../../src/index.js';

function scaledOut(startDelayMs: number): { sim: Simulation; started: number[]; handled: Array<[number, unknown]> } {
  const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
  const started: number[] = [];
  const handled: Array<[number, unknown]> = [];
  sim.addNode('client', (ctx) => ({ onStart: () => ctx.setTimer(10, 'send'), onTimer: () => (ctx.send('new', sim.now), ctx.setTimer(10, 'send')) }));
  sim.schedule(5, () => sim.addNode('new', () => ({ onStart: () => void started.push(sim.now), onMessage: (_from, sentAt) => void handled.push([sim.now, sentAt]) }), { startDelayMs }));
  sim.run({ until: 100 });
  return { sim, started, handled };
}

describe('start delay', () => {
  it('onStart runs after the delay; messages before it are dropped as node-starting, the first after it is handled', () => {
    const { sim, started, handled } = scaledOut(40);
    expect(started).toEqual([45]);
    expect(handled[0]).toEqual([51, 50]);
    expect(sim.network.stats().dropped['node-starting']).toBe(4); // sent at 10, 20, 30, 40
    expect(sim.truth.isUp('new', 44)).toBe(false);
    expect(sim.truth.isUp('new', 45)).toBe(true);
    expect(sim.node('client').up).toBe(true);
  });

  it('without a delay the node starts at once (the default is 0)', () => {
    const { started, handled } = scaledOut(0);
    expect(started).toEqual([5]);
    expect(handled[0]).toEqual([11, 10]);
  });

  it('a node that crashes while it boots never starts until restarted', () => {
    const sim = new Simulation({ seed: 1 });
    const starts: number[] = [];
    sim.addNode('a', () => ({ onStart: () => void starts.push(sim.now), onRecover: () => void starts.push(-sim.now) }), { startDelayMs: 100 });
    sim.inject([{ kind: 'crash', atMs: 50, durationMs: 100, target: 'a' }]);
    sim.run({ until: 300 });
    expect(starts).toEqual([-150]);
  });

  it('bad delays are typed errors', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.anything()), (startDelayMs) => {
        const sim = new Simulation({ seed: 1 });
        const ok = typeof startDelayMs === 'number' && startDelayMs >= 0 && startDelayMs <= Number.MAX_SAFE_INTEGER;
        const add = (): void => sim.addNode('a', () => ({}), { startDelayMs: startDelayMs as number });
        if (ok || startDelayMs === undefined) expect(add).not.toThrow();
        else expect(add).toThrow(InvalidArgumentError);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
