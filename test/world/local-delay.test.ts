// Delays node code gives on its local clock are checked against the kernel's last instant, and
// the error names the node's call, not the kernel's argument.
import { describe, expect, it } from 'vitest';
import { EventLoop, HandlerError, InvalidArgumentError, Simulation, type NodeContext } from '../../src/index.js';

async function causeOf(act: (ctx: NodeContext) => unknown, asyncRun: boolean): Promise<InvalidArgumentError> {
  const sim = new Simulation({ seed: 1 });
  sim.addNode('a', (ctx) => ({ onStart: () => act(ctx) as void }));
  sim.addNode('b', () => ({ onCall: () => 'ok' }));
  let error: unknown;
  try {
    if (asyncRun) await sim.runAsync();
    else sim.run();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(HandlerError);
  expect((error as HandlerError).nodeId).toBe('a');
  const cause = (error as HandlerError).cause;
  expect(cause).toBeInstanceOf(InvalidArgumentError);
  return cause as InvalidArgumentError;
}

describe('delays past the last simulated instant', () => {
  it('ctx.setTimer names its delayMs', async () => {
    const cause = await causeOf((ctx) => ctx.setTimer(1e300, 'far'), false);
    expect(cause.field).toBe("ctx.setTimer on 'a': delayMs");
    expect(cause.value).toBe(1e300);
  });

  it('ctx.sleep names its delayMs', async () => {
    const cause = await causeOf((ctx) => ctx.sleep(Number.MAX_VALUE), true);
    expect(cause.field).toBe("ctx.sleep on 'a': delayMs");
  });

  it('ctx.receive and ctx.call name their timeoutMs', async () => {
    expect((await causeOf((ctx) => ctx.receive(undefined, { timeoutMs: 1e300 }), true)).field).toBe("ctx.receive on 'a': options.timeoutMs");
    expect((await causeOf((ctx) => ctx.call('b', 'x', { timeoutMs: 1e300 }), true)).field).toBe("ctx.call on 'a': options.timeoutMs");
  });

  it('a refused setTimer leaves the timer of the same name pending', () => {
    const sim = new Simulation({ seed: 1 });
    const fired: number[] = [];
    sim.addNode('a', (ctx) => ({
      onStart() {
        ctx.setTimer(10, 'beat');
        expect(() => ctx.setTimer(2 * EventLoop.maxSimulatedTimeMs, 'beat')).toThrow(InvalidArgumentError);
      },
      onTimer: () => void fired.push(sim.now),
    }));
    sim.run();
    expect(fired).toEqual([10]);
  });

  it('the limit is in true time: a slow clock reaches it with a shorter local delay', () => {
    const localDelayMs = EventLoop.maxSimulatedTimeMs * 0.99995;
    const outcome = (driftPpm: number): string => {
      const sim = new Simulation({ seed: 1 });
      let result = 'accepted';
      sim.addNode('a', (ctx) => ({
        onStart() {
          try {
            ctx.setTimer(localDelayMs, 'last');
          } catch (error) {
            result = (error as InvalidArgumentError).field;
          }
        },
      }), { clock: { driftPpm } });
      sim.run({ until: 1 });
      return result;
    };
    expect(outcome(100)).toBe('accepted'); // a fast clock: local ms are shorter than true ms
    expect(outcome(0)).toBe('accepted');
    expect(outcome(-100)).toBe("ctx.setTimer on 'a': delayMs"); // 1.0001 true ms per local ms
  });
});
