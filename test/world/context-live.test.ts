import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';
import type { NodeContext } from '../../src/world/node-context.js';

describe('ctx.live', () => {
  it('is true while the incarnation may act, paused included, and false once it crashed, even after a restart', () => {
    const sim = new Simulation({ seed: 1 });
    const contexts: NodeContext[] = [];
    let liveInFactory: boolean | undefined;
    sim.addNode('n', (ctx) => {
      liveInFactory = ctx.live;
      contexts.push(ctx);
      return {};
    });
    expect(liveInFactory).toBe(false);
    sim.run({ until: 10 });
    const first = contexts[0]!;
    expect(first.live).toBe(true);
    sim.pause('n');
    expect(first.live).toBe(true);
    sim.resume('n');
    sim.crash('n');
    expect(first.live).toBe(false);
    expect(() => first.setTimer(1, 't')).toThrow(/has crashed/);
    sim.restart('n');
    sim.run({ until: 20 });
    const second = contexts[1]!;
    expect(first.live).toBe(false);
    expect(second.live).toBe(true);
    expect(second.incarnation).toBe(first.incarnation + 1);
  });
});
