import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Simulation, type NodeContext } from '../../src/index.js';
import { NodeClock } from '../../src/world/clock.js';
import { thrownBy } from './helpers.js';

describe('NodeClock', () => {
  it('reads true time when exact', () => {
    const clock = new NodeClock(0);
    expect(clock.read(0)).toBe(0);
    expect(clock.read(1234.5)).toBe(1234.5);
    expect(clock.driftPpm).toBe(0);
  });

  it('offsetMs shifts the reading by a constant amount', () => {
    const clock = new NodeClock(0, { offsetMs: -250 });
    expect(clock.read(0)).toBe(-250);
    expect(clock.read(1000)).toBe(750);
    expect(clock.offsetAt(1000)).toBe(-250);
  });

  it('starts at true time plus the offset when created later', () => {
    const clock = new NodeClock(500, { offsetMs: 10, driftPpm: 1000 });
    expect(clock.read(500)).toBe(510);
    expect(clock.read(1500)).toBeCloseTo(1511, 9);
  });

  it('driftPpm makes the clock gain ppm ms per million true ms (lose, when negative)', () => {
    const fast = new NodeClock(0, { driftPpm: 100 });
    expect(fast.read(1_000_000)).toBeCloseTo(1_000_100, 6);
    expect(fast.offsetAt(1_000_000)).toBeCloseTo(100, 6);
    const slow = new NodeClock(0, { driftPpm: -500_000 });
    expect(slow.read(1000)).toBeCloseTo(500, 9);
  });

  it('jump steps the reading forwards or backwards at the given true time', () => {
    const clock = new NodeClock(0, { driftPpm: 1000 });
    clock.jump(1000, 50);
    expect(clock.read(1000)).toBeCloseTo(1051, 9);
    expect(clock.read(2000)).toBeCloseTo(2052, 9);
    clock.jump(2000, -100);
    expect(clock.read(2000)).toBeCloseTo(1952, 9);
  });

  it('setDrift changes the rate without moving the reading (continuity)', () => {
    const clock = new NodeClock(0, { offsetMs: 5, driftPpm: 2000 });
    const before = clock.read(1000); // 5 + 1002
    clock.setDrift(1000, -3000);
    expect(clock.read(1000)).toBeCloseTo(before, 9);
    expect(clock.driftPpm).toBe(-3000);
    expect(clock.read(2000)).toBeCloseTo(before + 997, 9);
  });

  it('trueDurationOf converts local ms to true ms at the current rate', () => {
    const clock = new NodeClock(0, { driftPpm: 250_000 });
    expect(clock.trueDurationOf(125)).toBeCloseTo(100, 9);
    clock.setDrift(0, 0);
    expect(clock.trueDurationOf(125)).toBe(125);
  });

  it.each([
    ['-1e6 ppm (a stopped clock)', -1e6],
    ['below -1e6 ppm', -2e6],
    ['+1e6 ppm', 1e6],
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
    ['a string', '5' as unknown as number],
  ])('rejects a drift of %s with a typed error naming the field and range', (_label, driftPpm) => {
    const error = thrownBy(() => new NodeClock(0, { driftPpm }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'clock.driftPpm' });
    expect((error as Error).message).toContain('(-1000000, 1000000)');
    const clock = new NodeClock(0);
    expect(() => clock.setDrift(0, driftPpm)).toThrow(InvalidArgumentError);
    expect(clock.driftPpm).toBe(0); // unchanged by the rejected call
  });

  it('rejects a non-finite offset or jump', () => {
    expect(() => new NodeClock(0, { offsetMs: Number.NaN })).toThrow(InvalidArgumentError);
    const clock = new NodeClock(0);
    expect(() => clock.jump(0, Infinity)).toThrow(InvalidArgumentError);
    expect(clock.read(10)).toBe(10);
  });
});

describe('node clocks in a simulation', () => {
  function clocked(options: { offsetMs?: number; driftPpm?: number }): { sim: Simulation; ctx: () => NodeContext; fired: Array<{ name: string; trueMs: number; localMs: number }> } {
    const sim = new Simulation({ seed: 1 });
    let context: NodeContext | undefined;
    const fired: Array<{ name: string; trueMs: number; localMs: number }> = [];
    sim.addNode(
      'n',
      (ctx) => {
        context = ctx;
        return {
          onTimer(name) {
            fired.push({ name, trueMs: sim.now, localMs: ctx.now() });
          },
        };
      },
      { clock: options },
    );
    return { sim, ctx: () => context!, fired };
  }

  it('ctx.now() reads the local clock: offset and drift applied', () => {
    const { sim, ctx } = clocked({ offsetMs: 100, driftPpm: 1000 });
    const readings: number[] = [];
    sim.schedule(0, () => readings.push(ctx().now()));
    sim.schedule(1000, () => readings.push(ctx().now()));
    sim.run();
    expect(readings[0]).toBe(100);
    expect(readings[1]).toBeCloseTo(1101, 9);
    expect(sim.localTime('n')).toBeCloseTo(1101, 9);
    expect(sim.node('n').localTimeMs).toBeCloseTo(1101, 9);
  });

  it('a timer set by a drifting node fires after delay / (1 + ppm/1e6) true ms', () => {
    for (const driftPpm of [0, 50_000, -200_000]) {
      const { sim, ctx, fired } = clocked({ driftPpm });
      sim.schedule(10, () => ctx().setTimer(100, 't'));
      sim.run();
      expect(fired).toHaveLength(1);
      expect(fired[0]!.trueMs).toBeCloseTo(10 + 100 / (1 + driftPpm / 1e6), 9);
      // Measured on the node's own clock, exactly the delay elapsed.
      expect(fired[0]!.localMs - (10 * (1 + driftPpm / 1e6))).toBeCloseTo(100, 9);
    }
  });

  it('jumps move now() but not pending timers', () => {
    const { sim, ctx, fired } = clocked({});
    sim.schedule(0, () => ctx().setTimer(100, 't'));
    sim.schedule(10, () => sim.jumpClock('n', 500));
    sim.schedule(20, () => sim.jumpClock('n', -1000));
    sim.run();
    expect(fired).toEqual([{ name: 't', trueMs: 100, localMs: -400 }]);
  });

  it('setClockDrift is continuous and changes how fast later timers run', () => {
    const { sim, ctx, fired } = clocked({ offsetMs: 3 });
    const around: number[] = [];
    sim.schedule(50, () => {
      around.push(ctx().now());
      sim.setClockDrift('n', 1_000_000 / 4); // runs 25% fast from now on
      around.push(ctx().now());
      ctx().setTimer(125, 'fast');
    });
    sim.run();
    expect(around).toEqual([53, 53]);
    expect(fired[0]!.trueMs).toBeCloseTo(150, 9);
    expect(fired[0]!.localMs).toBeCloseTo(178, 9);
  });

  it('a timer keeps the rate in force when it was set, even if the drift changes later', () => {
    const { sim, ctx, fired } = clocked({});
    sim.schedule(0, () => ctx().setTimer(100, 't'));
    sim.schedule(10, () => sim.setClockDrift('n', 500_000));
    sim.run();
    expect(fired[0]!.trueMs).toBe(100);
  });

  it('records clock changes in the trace and the hash', () => {
    const run = (jump: number): { hash: string; clocks: unknown[] } => {
      const sim = new Simulation({ seed: 1, trace: true });
      sim.addNode('n', () => ({}));
      sim.schedule(5, () => sim.jumpClock('n', jump));
      sim.run();
      return { hash: sim.traceHash(), clocks: sim.trace!.records().filter((r) => r.type === 'clock') };
    };
    const { hash, clocks } = run(7);
    expect(clocks).toEqual([{ timeMs: 5, type: 'clock', node: 'n', detail: { jumpMs: 7, localTimeMs: 12 } }]);
    expect(run(7).hash).toBe(hash);
  });

  it('rejects a bad drift or jump at the simulation level without changing the clock', () => {
    const { sim } = clocked({ driftPpm: 10 });
    for (const bad of [-1e6, Number.NaN, 5e6]) {
      const error = thrownBy(() => sim.setClockDrift('n', bad));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).field).toMatch(/driftPpm/);
    }
    expect(() => sim.jumpClock('n', Number.NaN)).toThrow(InvalidArgumentError);
    sim.run({ until: 1000 });
    expect(sim.localTime('n')).toBeCloseTo(1000.01, 9);
  });

  it('rejects a bad clock in addNode with a typed error', () => {
    const sim = new Simulation({ seed: 1 });
    const error = thrownBy(() => sim.addNode('n', () => ({}), { clock: { driftPpm: -1e6 } }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/driftPpm/);
    expect(sim.nodeIds()).toEqual([]);
  });
});
