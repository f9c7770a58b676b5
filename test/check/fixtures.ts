import type { ClusterScenario } from '../../src/check/index.js';
import type { NodeBehaviour, NodeContext } from '../../src/index.js';

/** A ping-pong pair and a counter: small enough to reason about event by event. */
export interface PingPong {
  pongs: number;
  pongsAt: number[];
}

/** `a` pings `b` every 100 ms; `b` answers; `a` counts the answers. */
export function pingPongScenario(overrides: Partial<ClusterScenario<PingPong>> = {}): ClusterScenario<PingPong> {
  return {
    name: 'ping-pong',
    simulation: { network: { link: { latency: { kind: 'exponential', meanMs: 5 } } } },
    setup(sim) {
      const system: PingPong = { pongs: 0, pongsAt: [] };
      const pinger: NodeBehaviour<string> = (ctx) => ({
        onStart: () => ctx.setTimer(100, 'ping'),
        onRecover: () => ctx.setTimer(100, 'ping'),
        onTimer() {
          ctx.send('b', 'ping');
          ctx.setTimer(100, 'ping');
        },
        onMessage() {
          system.pongs++;
          system.pongsAt.push(sim.now);
        },
      });
      sim.addNode('a', pinger);
      sim.addNode('b', (ctx) => ({ onMessage: (from) => ctx.send(from, 'pong') }));
      return system;
    },
    untilMs: 2_000,
    ...overrides,
  };
}

/**
 * A node that broadcasts `'beat'` every 10 ms from its start, and again after it recovers;
 * `heard(ctx)` runs on each message it receives.
 */
export function beatingNode(heard: (ctx: NodeContext) => void): NodeBehaviour {
  return (ctx) => ({
    onStart: () => ctx.setTimer(10, 'beat'),
    onRecover: () => ctx.setTimer(10, 'beat'),
    onTimer() {
      ctx.broadcast('beat');
      ctx.setTimer(10, 'beat');
    },
    onMessage: () => heard(ctx),
  });
}
