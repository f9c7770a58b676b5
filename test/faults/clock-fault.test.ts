// Clock faults: a step (skew, stepped back at the end), a rate change (drift, restored at the
// end) and a permanent jump. The ground truth answers for past times, so every check below asks
// `truth.clockOffset` about the past after the run.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Simulation, type Fault } from '../../src/index.js';
import { records, thrownBy } from './fixtures.js';

function clocked(faults: Fault[], clock: { offsetMs?: number; driftPpm?: number } = {}): Simulation {
  const sim = new Simulation({ seed: 1, trace: true });
  sim.addNode('a', () => ({}), { clock });
  sim.addNode('b', () => ({}));
  sim.inject(faults);
  sim.run({ until: 10_000 });
  return sim;
}

const offsets = (sim: Simulation, id: string, times: number[]): number[] => times.map((t) => sim.truth.clockOffset(id, t));

describe('clock-skew', () => {
  it('steps the clock by deltaMs at atMs and back at the end', () => {
    const sim = clocked([{ kind: 'clock-skew', atMs: 1_000, durationMs: 2_000, target: 'a', params: { deltaMs: 500 } }]);
    expect(offsets(sim, 'a', [0, 999, 1_000, 2_999, 3_000, 9_000])).toEqual([0, 0, 500, 500, 0, 0]);
    expect(offsets(sim, 'b', [2_000])).toEqual([0]);
    expect(records(sim, 'clock').map((record) => [record.timeMs, record.node, record.detail])).toEqual([
      [1_000, 'a', { jumpMs: 500, localTimeMs: 1_500 }],
      [3_000, 'a', { jumpMs: -500, localTimeMs: 3_000 }],
    ]);
  });

  it('a negative deltaMs steps backwards; without durationMs the skew stays', () => {
    const sim = clocked([{ kind: 'clock-skew', atMs: 1_000, target: 'a', params: { deltaMs: -300 } }]);
    expect(offsets(sim, 'a', [999, 1_000, 9_999])).toEqual([0, -300, -300]);
    expect(sim.localTime('a')).toBe(10_000 - 300);
  });

  it('overlapping skews on one node add', () => {
    const sim = clocked([
      { kind: 'clock-skew', atMs: 1_000, durationMs: 2_000, target: 'a', params: { deltaMs: 300 } }, // 1000–3000
      { kind: 'clock-skew', atMs: 2_000, durationMs: 2_000, target: 'a', params: { deltaMs: -100 } }, // 2000–4000
    ]);
    expect(offsets(sim, 'a', [500, 1_500, 2_500, 3_500, 4_500])).toEqual([0, 300, 200, -100, 0]);
  });

  it('node code sees the skewed reading; timers already set are not moved', () => {
    const sim = new Simulation({ seed: 1 });
    const fired: Array<[number, number]> = [];
    sim.addNode('a', (ctx) => ({
      onStart: () => ctx.setTimer(2_000, 'due'),
      onTimer: () => void fired.push([sim.now, ctx.now()]),
    }));
    sim.inject([{ kind: 'clock-skew', atMs: 1_000, target: 'a', params: { deltaMs: 500 } }]);
    sim.run();
    expect(fired).toEqual([[2_000, 2_500]]);
  });
});

describe('clock-drift', () => {
  it('changes the rate from atMs on without a jump, and restores the previous rate at the end', () => {
    const sim = clocked([{ kind: 'clock-drift', atMs: 1_000, durationMs: 1_000, target: 'a', params: { driftPpm: 100_000 } }]);
    const [before, start, middle, end, later] = offsets(sim, 'a', [999, 1_000, 1_500, 2_000, 5_000]);
    expect(before).toBe(0);
    expect(start).toBe(0); // continuous: no step
    expect(middle).toBeCloseTo(50, 9); // 10 % fast for 500 ms
    expect(end).toBeCloseTo(100, 9);
    expect(later).toBeCloseTo(100, 9); // rate restored, the gained time kept
  });

  it('restores the node’s own configured drift, not zero', () => {
    const sim = clocked([{ kind: 'clock-drift', atMs: 1_000, durationMs: 1_000, target: 'a', params: { driftPpm: 100_000 } }], { driftPpm: 1_000 });
    const [atStart, atEnd, later] = offsets(sim, 'a', [1_000, 2_000, 4_000]);
    expect(atStart).toBeCloseTo(1, 9); // 0.1 % for 1 s
    expect(atEnd).toBeCloseTo(101, 9);
    expect(later).toBeCloseTo(103, 9); // 0.1 % again for 2 s
  });

  it('overlapping drifts on one node are ambiguous: FAULT_CONFLICT', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    expect(() =>
      sim.inject([
        { kind: 'clock-drift', atMs: 0, durationMs: 100, target: 'a', params: { driftPpm: 10 } },
        { kind: 'clock-drift', atMs: 50, durationMs: 100, target: 'a', params: { driftPpm: 20 } },
      ]),
    ).toThrow(expect.objectContaining({ code: 'FAULT_CONFLICT' }));
  });
});

describe('clock-jump', () => {
  it('steps the clock once, permanently (here backwards, as after a VM snapshot restore)', () => {
    const sim = clocked([{ kind: 'clock-jump', atMs: 1_000, target: 'a', params: { deltaMs: -10_000 } }]);
    expect(offsets(sim, 'a', [999, 1_000, 9_999])).toEqual([0, -10_000, -10_000]);
    expect(sim.localTime('a')).toBe(0);
    expect(sim.faultLog.map((entry) => entry.phase)).toEqual(['apply']);
    expect(sim.activeFaults()).toEqual([]); // nothing to end
  });

  it('rejects durationMs: a jump is permanent', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    const error = thrownBy(() => sim.inject([{ kind: 'clock-jump', atMs: 0, durationMs: 100, target: 'a', params: { deltaMs: -5 } }]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('schedule[0].durationMs');
    expect((error as Error).message).toContain('permanent');
  });

  it('survives the liveness phase: only faults that can end do', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    sim.inject([
      { kind: 'clock-jump', atMs: 100, target: 'a', params: { deltaMs: -1_000 } },
      { kind: 'clock-skew', atMs: 200, target: 'a', params: { deltaMs: 50 } },
    ]);
    sim.livenessPhase(500);
    sim.run({ until: 1_000 });
    expect(offsets(sim, 'a', [300, 600])).toEqual([-950, -1_000]);
  });
});
