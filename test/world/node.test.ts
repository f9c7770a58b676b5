import { isDraft } from 'immer';
import { describe, expect, it } from 'vitest';
import {
  DuplicateNodeError,
  FaultlineError,
  HandlerError,
  InvalidArgumentError,
  InvalidStateError,
  Simulation,
  UnknownNodeError,
  type NodeContext,
  type NodeHandlers,
} from '../../src/index.js';
import { addProbe, thrownBy } from './helpers.js';

type Event = [timeMs: number, what: string];

describe('nodes', () => {
  describe('lifecycle hooks', () => {
    it('builds handlers at addNode and runs onStart as the first event at the time the node is added', () => {
      const sim = new Simulation({ seed: 1 });
      const events: Event[] = [];
      sim.addNode('a', () => {
        events.push([sim.now, 'build a']);
        return { onStart: () => void events.push([sim.now, 'start a']) };
      });
      expect(events).toEqual([[0, 'build a']]);
      sim.schedule(40, () =>
        sim.addNode('b', () => {
          events.push([sim.now, 'build b']);
          return { onStart: () => void events.push([sim.now, 'start b']) };
        }),
      );
      sim.run();
      expect(events).toEqual([
        [0, 'build a'],
        [0, 'start a'],
        [40, 'build b'],
        [40, 'start b'],
      ]);
    });

    it('calls onMessage with the sender id and the message', () => {
      const sim = new Simulation({ seed: 1 });
      const got: Array<[string, unknown]> = [];
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', { hello: 1 }) }));
      sim.addNode('b', () => ({ onMessage: (from, message) => void got.push([from, message]) }));
      sim.run();
      expect(got).toEqual([['a', { hello: 1 }]]);
    });

    it('a node may send to itself', () => {
      const sim = new Simulation({ seed: 1 });
      const got: string[] = [];
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('a', 'me'), onMessage: (from) => void got.push(from) }));
      sim.run();
      expect(got).toEqual(['a']);
    });
  });

  describe('timers', () => {
    function timerNode(script: (ctx: NodeContext, sim: Simulation) => void): { sim: Simulation; fired: Array<[number, string, unknown]>; ctx: () => NodeContext } {
      const sim = new Simulation({ seed: 1 });
      const fired: Array<[number, string, unknown]> = [];
      let context: NodeContext | undefined;
      sim.addNode('n', (ctx) => {
        context = ctx;
        return {
          onStart: () => script(ctx, sim),
          onTimer: (name, data) => void fired.push([sim.now, name, data]),
        };
      });
      return { sim, fired, ctx: () => context! };
    }

    it('fires a timer after its delay with its name and data', () => {
      const { sim, fired } = timerNode((ctx) => {
        ctx.setTimer(30, 'b', { attempt: 2 });
        ctx.setTimer(10, 'a');
        ctx.setTimer(0, 'now');
      });
      sim.run();
      expect(fired).toEqual([
        [0, 'now', undefined],
        [10, 'a', undefined],
        [30, 'b', { attempt: 2 }],
      ]);
    });

    it('re-arming a named timer replaces it: at most one pending per name', () => {
      const { sim, fired, ctx } = timerNode((c) => c.setTimer(10, 'tick', 'first'));
      sim.schedule(5, () => ctx().setTimer(10, 'tick', 'second'));
      sim.schedule(6, () => ctx().setTimer(20, 'tock'));
      sim.run();
      expect(fired).toEqual([
        [15, 'tick', 'second'],
        [26, 'tock', undefined],
      ]);
    });

    it('re-arming without data forgets the earlier data', () => {
      const { sim, fired, ctx } = timerNode((c) => c.setTimer(10, 't', 'old'));
      sim.schedule(1, () => ctx().setTimer(10, 't'));
      sim.run();
      expect(fired).toEqual([[11, 't', undefined]]);
    });

    it('cancelTimer disarms a pending timer and returns true; false when nothing is pending', () => {
      const results: boolean[] = [];
      const { sim, fired, ctx } = timerNode((c) => {
        c.setTimer(10, 'x');
        c.setTimer(5, 'y');
      });
      sim.schedule(1, () => {
        results.push(ctx().cancelTimer('x'));
        results.push(ctx().cancelTimer('x'));
        results.push(ctx().cancelTimer('never-set'));
      });
      sim.schedule(7, () => results.push(ctx().cancelTimer('y'))); // already fired
      sim.run();
      expect(results).toEqual([true, false, false, false]);
      expect(fired).toEqual([[5, 'y', undefined]]);
    });

    it('a timer may re-arm itself from onTimer', () => {
      const sim = new Simulation({ seed: 1 });
      const at: number[] = [];
      sim.addNode('n', (ctx) => ({
        onStart: () => ctx.setTimer(10, 'beat'),
        onTimer: () => {
          at.push(sim.now);
          if (at.length < 3) ctx.setTimer(10, 'beat');
        },
      }));
      sim.run();
      expect(at).toEqual([10, 20, 30]);
    });
  });

  describe('broadcast and peers', () => {
    it('broadcast reaches every other node once and never the sender', () => {
      const sim = new Simulation({ seed: 1 });
      const probes = ['a', 'b', 'c', 'd'].map((id) => addProbe(sim, id));
      sim.schedule(0, () => probes[1]!.ctx.broadcast('hello'));
      sim.run();
      expect(probes.map((probe) => probe.arrivals.map((arrival) => arrival.from))).toEqual([['b'], [], ['b'], ['b']]);
      expect(sim.network.stats().sent).toBe(3);
    });

    it('peers lists the other nodes in the order they were added, including later additions', () => {
      const sim = new Simulation({ seed: 1 });
      const a = addProbe(sim, 'a');
      const b = addProbe(sim, 'b');
      addProbe(sim, 'c');
      expect(a.ctx.peers).toEqual(['b', 'c']);
      expect(b.ctx.peers).toEqual(['a', 'c']);
      addProbe(sim, 'd');
      expect(b.ctx.peers).toEqual(['a', 'c', 'd']);
      expect(sim.nodeIds()).toEqual(['a', 'b', 'c', 'd']);
    });
  });

  describe('log', () => {
    it('writes entries to sim.logs() with true time, local time, node and fields, and to onLog', () => {
      const live: string[] = [];
      const sim = new Simulation({ seed: 1, onLog: (entry) => live.push(`${entry.node}:${entry.message}`) });
      sim.addNode(
        'a',
        (ctx) => ({
          onStart: () => ctx.setTimer(10, 't'),
          onTimer: () => ctx.log('timer fired', { count: 1 }),
        }),
        { clock: { offsetMs: 1000 } },
      );
      sim.addNode('b', (ctx) => ({ onStart: () => ctx.log('up') }));
      sim.run();
      expect(sim.logs()).toEqual([
        { timeMs: 0, localTimeMs: 0, node: 'b', level: 'info', message: 'up' },
        { timeMs: 10, localTimeMs: 1010, node: 'a', level: 'info', message: 'timer fired', fields: { count: 1 } },
      ]);
      expect(live).toEqual(['b:up', 'a:timer fired']);
    });

    it('keeps only the most recent logLimit entries', () => {
      const sim = new Simulation({ seed: 1, logLimit: 3 });
      sim.addNode('a', (ctx) => ({
        onStart: () => {
          for (let i = 0; i < 10; i++) ctx.log(`line ${i}`);
        },
      }));
      sim.run();
      expect(sim.logs().map((entry) => entry.message)).toEqual(['line 7', 'line 8', 'line 9']);
    });
  });

  describe('crash', () => {
    it('runs no handler and fires no timer while crashed', () => {
      const sim = new Simulation({ seed: 1 });
      const calls: Event[] = [];
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(5, 'ping') , onTimer: () => ctx.send('b', 'ping') }));
      sim.addNode('b', (ctx) => ({
        onStart: () => ctx.setTimer(20, 'own'),
        onMessage: (from) => void calls.push([sim.now, `message from ${from}`]),
        onTimer: (name) => void calls.push([sim.now, `timer ${name}`]),
      }));
      sim.schedule(1, () => sim.crash('b'));
      sim.run();
      expect(calls).toEqual([]);
      expect(sim.isUp('b')).toBe(false);
      expect(sim.node('b').up).toBe(false);
      expect(sim.network.stats().dropped['node-down']).toBe(1);
    });

    it('crashing a crashed node is an InvalidStateError; so is restarting a live one', () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('a', () => ({}));
      const restartUp = thrownBy(() => sim.restart('a'));
      expect(restartUp).toBeInstanceOf(InvalidStateError);
      expect(restartUp).toMatchObject({ code: 'INVALID_STATE' });
      sim.crash('a');
      const again = thrownBy(() => sim.crash('a'));
      expect(again).toBeInstanceOf(InvalidStateError);
      expect((again as Error).message).toContain("'a'");
      expect((again as InvalidStateError).code).toBe('INVALID_STATE');
    });

    it('records crash and restart in the trace', () => {
      const sim = new Simulation({ seed: 1, trace: true });
      sim.addNode('a', () => ({}));
      sim.schedule(3, () => sim.crash('a'));
      sim.schedule(8, () => sim.restart('a'));
      sim.run();
      const lifecycle = sim.trace!.records().filter((record) => record.type !== 'callback' && record.type !== 'fault');
      expect(lifecycle).toEqual([
        { timeMs: 0, type: 'start', node: 'a', detail: { incarnation: 0, recovering: false } },
        { timeMs: 3, type: 'crash', node: 'a' },
        { timeMs: 8, type: 'restart', node: 'a', detail: { incarnation: 1 } },
        { timeMs: 8, type: 'start', node: 'a', detail: { incarnation: 1, recovering: true } },
      ]);
      expect(sim.faultLog.map((entry) => [entry.timeMs, entry.phase, entry.fault.kind, entry.fault.target])).toEqual([
        [3, 'apply', 'crash', 'a'],
        [8, 'revert', 'crash', 'a'],
      ]);
    });
  });

  describe('restart', () => {
    interface CounterHandlers extends NodeHandlers<number> {
      volatile: number;
    }

    function counterNode(withRecover: boolean): { sim: Simulation; hooks: string[]; builds: () => number; feed: (amount: number) => void } {
      const sim = new Simulation({ seed: 1 });
      const hooks: string[] = [];
      let builds = 0;
      sim.addNode<number, { total: number }>(
        'n',
        (ctx) => {
          builds++;
          const handlers: CounterHandlers = {
            volatile: 0,
            onStart: () => void hooks.push(`start#${ctx.incarnation}`),
            onMessage: (_from, amount) => {
              handlers.volatile += amount;
              ctx.persist((state) => {
                state.total += amount;
              });
            },
          };
          if (withRecover) handlers.onRecover = () => void hooks.push(`recover#${ctx.incarnation}`);
          return handlers;
        },
        { durable: { total: 0 } },
      );
      const feeder = addProbe<number>(sim, 'feeder');
      return { sim, hooks, builds: () => builds, feed: (amount) => feeder.ctx.send('n', amount) };
    }

    it('builds fresh handlers (volatile state reset), keeps durable state and runs onRecover', () => {
      const { sim, hooks, builds, feed: feeder } = counterNode(true);
      feeder(5);
      sim.run();
      feeder(7);
      sim.run();
      expect(sim.node<CounterHandlers>('n').handlers.volatile).toBe(12);
      expect(sim.node<CounterHandlers, { total: number }>('n').durable).toEqual({ total: 12 });

      sim.crash('n');
      expect(sim.node('n').durable).toEqual({ total: 12 });
      sim.restart('n');
      sim.run();
      expect(builds()).toBe(2);
      expect(hooks).toEqual(['start#0', 'recover#1']);
      expect(sim.node<CounterHandlers>('n').handlers.volatile).toBe(0);
      expect(sim.node('n').durable).toEqual({ total: 12 });
      feeder(1);
      sim.run();
      expect(sim.node<CounterHandlers>('n').handlers.volatile).toBe(1);
      expect(sim.node('n').durable).toEqual({ total: 13 });
    });

    it('runs onStart again when the handlers have no onRecover', () => {
      const { sim, hooks } = counterNode(false);
      sim.run();
      sim.crash('n');
      sim.restart('n');
      sim.run();
      expect(hooks).toEqual(['start#0', 'start#1']);
    });

    it('increments the incarnation on each crash-and-restart', () => {
      const sim = new Simulation({ seed: 1 });
      const seen: number[] = [];
      sim.addNode('n', (ctx) => {
        seen.push(ctx.incarnation);
        return {};
      });
      for (let i = 0; i < 3; i++) {
        sim.crash('n');
        sim.restart('n');
      }
      expect(seen).toEqual([0, 1, 2, 3]);
      expect(sim.node('n').incarnation).toBe(3);
    });

    it('timers of an earlier incarnation never fire, even if due after the restart', () => {
      const sim = new Simulation({ seed: 1 });
      const fired: Array<[number, string, number]> = [];
      sim.addNode('n', (ctx) => ({
        onStart: () => ctx.setTimer(100, 'old'),
        onRecover: () => ctx.setTimer(100, 'new'),
        onTimer: (name) => void fired.push([sim.now, name, ctx.incarnation]),
      }));
      sim.schedule(10, () => sim.crash('n'));
      sim.schedule(20, () => sim.restart('n'));
      sim.run();
      expect(fired).toEqual([[120, 'new', 1]]);
    });

    it('a context of a dead incarnation refuses to act with InvalidStateError', () => {
      const sim = new Simulation({ seed: 1 });
      const contexts: NodeContext[] = [];
      sim.addNode('n', (ctx) => {
        contexts.push(ctx);
        return {};
      });
      sim.addNode('other', () => ({}));
      const stale = contexts[0]!;
      const attempts: Record<string, () => unknown> = {
        send: () => stale.send('other', 'boo'),
        broadcast: () => stale.broadcast('boo'),
        setTimer: () => stale.setTimer(1, 't'),
        cancelTimer: () => stale.cancelTimer('t'),
        persist: () => stale.persist(() => 1),
        sleep: () => stale.sleep(1),
        receive: () => stale.receive(),
        call: () => stale.call('other', 'x', { timeoutMs: 5 }),
      };
      sim.crash('n');
      for (const [name, attempt] of Object.entries(attempts)) {
        const whileDown = thrownBy(attempt);
        expect(whileDown, `${name} while down`).toBeInstanceOf(InvalidStateError);
      }
      sim.restart('n');
      for (const [name, attempt] of Object.entries(attempts)) {
        const afterRestart = thrownBy(attempt);
        expect(afterRestart, `${name} after restart`).toBeInstanceOf(InvalidStateError);
        expect((afterRestart as Error).message).toMatch(/incarnation 0/);
      }
      // The fresh context works.
      expect(() => contexts[1]!.send('other', 'hi')).not.toThrow();
      sim.run();
      expect(sim.network.stats().sent).toBe(1);
      expect(sim.node('n').durable).toBeUndefined();
    });
  });

  describe('durable state', () => {
    it('is deeply frozen, starting with the initial state', () => {
      const sim = new Simulation({ seed: 1 });
      let ctxRef: NodeContext<unknown, { log: number[]; meta: { term: number } }> | undefined;
      sim.addNode<unknown, { log: number[]; meta: { term: number } }>(
        'n',
        (ctx) => {
          ctxRef = ctx;
          return {};
        },
        { durable: { log: [1], meta: { term: 0 } } },
      );
      const initial = ctxRef!.durable;
      expect(Object.isFrozen(initial)).toBe(true);
      expect(Object.isFrozen(initial.log)).toBe(true);
      expect(() => {
        (initial.meta as { term: number }).term = 5;
      }).toThrow(TypeError);
      ctxRef!.persist((draft) => {
        draft.log.push(2);
      });
      const after = ctxRef!.durable;
      expect(after).toEqual({ log: [1, 2], meta: { term: 0 } });
      expect(Object.isFrozen(after) && Object.isFrozen(after.log) && Object.isFrozen(after.meta)).toBe(true);
      expect(isDraft(after)).toBe(false);
    });

    it('shares unchanged subtrees across persist (immer structural sharing)', () => {
      const sim = new Simulation({ seed: 1 });
      let ctxRef: NodeContext<unknown, { big: { items: number[] }; small: { n: number } }> | undefined;
      sim.addNode<unknown, { big: { items: number[] }; small: { n: number } }>(
        'n',
        (ctx) => {
          ctxRef = ctx;
          return {};
        },
        { durable: { big: { items: [...Array(1000).keys()] }, small: { n: 0 } } },
      );
      const before = ctxRef!.durable;
      ctxRef!.persist((draft) => {
        draft.small.n++;
      });
      const after = ctxRef!.durable;
      expect(after).not.toBe(before);
      expect(after.small).not.toBe(before.small);
      expect(after.big).toBe(before.big);
      expect(after.big.items).toBe(before.big.items);
      expect(before.small.n).toBe(0); // the old state is untouched
      // A recipe that changes nothing keeps the same object.
      ctxRef!.persist(() => undefined);
      expect(ctxRef!.durable).toBe(after);
    });

    it('a recipe may return a replacement value', () => {
      const sim = new Simulation({ seed: 1, trace: true });
      let ctxRef: NodeContext<unknown, number> | undefined;
      sim.addNode<unknown, number>(
        'n',
        (ctx) => {
          ctxRef = ctx;
          return {};
        },
        { durable: 1 },
      );
      ctxRef!.persist((value) => (value as number) + 41);
      expect(sim.node('n').durable).toBe(42);
      expect(sim.trace!.records().filter((r) => r.type === 'persist')).toEqual([{ timeMs: 0, type: 'persist', node: 'n', detail: 42 }]);
    });

    it('survives crash and restart; the new incarnation sees it in ctx.durable', () => {
      const sim = new Simulation({ seed: 1 });
      const seen: unknown[] = [];
      sim.addNode<unknown, { term: number }>(
        'n',
        (ctx) => ({
          onStart: () => {
            seen.push(ctx.durable);
            ctx.persist((d) => {
              d.term++;
            });
          },
        }),
        { durable: { term: 1 } },
      );
      sim.run();
      sim.crash('n');
      sim.restart('n');
      sim.run();
      expect(seen).toEqual([{ term: 1 }, { term: 2 }]);
      expect(sim.node('n').durable).toEqual({ term: 3 });
    });
  });

  describe('sim.node(id)', () => {
    it('is a read-only view of id, index, up, incarnation, region, handlers, durable and local time', () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('a', () => ({}));
      const handlers = { counter: 3, onStart: (): void => undefined };
      sim.addNode('b', () => handlers, { region: 'eu', durable: { x: 1 }, clock: { offsetMs: 50 } });
      sim.run({ until: 10 });
      expect(sim.node('b')).toEqual({ id: 'b', index: 1, up: true, incarnation: 0, region: 'eu', handlers, durable: { x: 1 }, localTimeMs: 60, inboxLength: 0, queueDelayMs: 0, diskWriteErrors: 0 });
      expect(sim.node('b').handlers).toBe(handlers);
      expect(sim.node('a').region).toBeUndefined();
      sim.crash('b');
      expect(sim.node('b')).toMatchObject({ up: false, durable: { x: 1 } });
    });
  });

  describe('ids', () => {
    it.each([
      ['node', (sim: Simulation) => sim.node('ghost')],
      ['isUp', (sim: Simulation) => sim.isUp('ghost')],
      ['localTime', (sim: Simulation) => sim.localTime('ghost')],
      ['crash', (sim: Simulation) => sim.crash('ghost')],
      ['restart', (sim: Simulation) => sim.restart('ghost')],
      ['jumpClock', (sim: Simulation) => sim.jumpClock('ghost', 1)],
      ['setClockDrift', (sim: Simulation) => sim.setClockDrift('ghost', 1)],
      ['network.block', (sim: Simulation) => sim.network.block('a', 'ghost')],
      ['network.setLink', (sim: Simulation) => sim.network.setLink('ghost', 'a', {})],
      ['network.linkStats', (sim: Simulation) => sim.network.linkStats('ghost', 'a')],
    ])('%s with an unknown id throws UnknownNodeError listing the known ids', (_name, use) => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('a', () => ({}));
      sim.addNode('b', () => ({}));
      const error = thrownBy(() => use(sim));
      expect(error).toBeInstanceOf(UnknownNodeError);
      expect(error).toMatchObject({ code: 'UNKNOWN_NODE', nodeId: 'ghost' });
      expect((error as Error).message).toContain("'ghost'");
      expect((error as Error).message).toContain('known: a, b');
    });

    it('ctx.send to an unknown node throws UnknownNodeError in the handler', () => {
      const sim = new Simulation({ seed: 1 });
      let caught: unknown;
      sim.addNode('a', (ctx) => ({
        onStart: () => {
          try {
            ctx.send('ghost', 1);
          } catch (error) {
            caught = error;
          }
        },
      }));
      sim.run();
      expect(caught).toBeInstanceOf(UnknownNodeError);
      expect((caught as Error).message).toContain("ctx.send on 'a'");
    });

    it('a duplicate id throws DuplicateNodeError and leaves the first node in place', () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('a', () => ({ marker: 1 }) as NodeHandlers);
      const error = thrownBy(() => sim.addNode('a', () => ({})));
      expect(error).toBeInstanceOf(DuplicateNodeError);
      expect(error).toMatchObject({ code: 'DUPLICATE_NODE', nodeId: 'a' });
      expect(sim.nodeIds()).toEqual(['a']);
      expect(sim.node<{ marker: number }>('a').handlers.marker).toBe(1);
    });

    it('a rejected addNode leaves no node behind, so the id can be used again', () => {
      const sim = new Simulation({ seed: 1 });
      const error = thrownBy(() => sim.addNode('a', (() => null) as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(sim.nodeIds()).toEqual([]);
      let started = false;
      sim.addNode('a', () => ({ onStart: () => void (started = true) }));
      sim.run();
      expect(started).toBe(true);
    });

    it('rejects handlers that are not functions when the node is added', () => {
      const sim = new Simulation({ seed: 1 });
      const error = thrownBy(() => sim.addNode('a', () => ({ onMessage: 'not a function' }) as never));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain('onMessage');
    });
  });

  describe('handler errors', () => {
    it('wraps a throwing onMessage in HandlerError naming the node, the event and the time, with the cause', () => {
      const sim = new Simulation({ seed: 1 });
      const boom = new RangeError('bad index');
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(4, 'go'), onTimer: () => ctx.send('b', 'x') }));
      sim.addNode('b', () => ({
        onMessage: () => {
          throw boom;
        },
      }));
      const error = thrownBy(() => sim.run());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ code: 'HANDLER_FAILED', nodeId: 'b', event: "onMessage from 'a'", timeMs: 5 });
      expect((error as HandlerError).cause).toBe(boom);
      expect((error as Error).message).toContain("node 'b'");
      expect((error as Error).message).toContain('t=5ms');
      expect((error as Error).message).toContain('RangeError: bad index');
    });

    it.each([
      ['onStart', { onStart: () => explode() }, 'onStart', 0],
      ['onTimer', { onStart: (ctx: NodeContext) => ctx.setTimer(9, 'boom'), onTimer: () => explode() }, "onTimer 'boom'", 9],
    ] as const)('wraps a throwing %s', (_name, spec, event, timeMs) => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('n', (ctx) => ({
        onStart: () => (spec as { onStart: (ctx: NodeContext) => void }).onStart(ctx),
        onTimer: 'onTimer' in spec ? () => spec.onTimer() : undefined,
      }));
      const error = thrownBy(() => sim.run());
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ nodeId: 'n', event, timeMs });
      expect((error as HandlerError).cause).toBeInstanceOf(Error);
    });

    it('wraps a throwing behaviour (building handlers) at addNode', () => {
      const sim = new Simulation({ seed: 1 });
      const error = thrownBy(() =>
        sim.addNode('n', () => {
          throw new Error('cannot build');
        }),
      );
      expect(error).toBeInstanceOf(HandlerError);
      expect(error).toMatchObject({ nodeId: 'n', timeMs: 0 });
      expect((error as HandlerError).event).toMatch(/behaviour/);
    });

    it('every error a run surfaces is a FaultlineError', () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('n', () => ({
        onStart: () => {
          throw 'a string, not an Error';
        },
      }));
      const error = thrownBy(() => sim.run());
      expect(error).toBeInstanceOf(FaultlineError);
      expect((error as Error).message).toContain("'a string, not an Error'");
    });
  });

  describe('ctx.rng', () => {
    it('is the node’s own seeded stream: equal across runs with the same seed, different across nodes', () => {
      const draws = (seed: number): number[][] => {
        const sim = new Simulation({ seed });
        const out: number[][] = [];
        for (const id of ['a', 'b']) {
          sim.addNode(id, (ctx) => {
            out.push([ctx.rng.random(), ctx.rng.random()]);
            return {};
          });
        }
        return out;
      };
      expect(draws(4)).toEqual(draws(4));
      expect(draws(4)[0]).not.toEqual(draws(4)[1]);
      expect(draws(4)).not.toEqual(draws(5));
    });
  });
});

function explode(): never {
  throw new Error('boom');
}
