import { describe, expect, it } from 'vitest';
import { fc, test as propertyTest } from '@fast-check/vitest';
import { formatLanes, Simulation } from '../../src/index.js';
import { expectInvalidArgument } from '../kernel/expect-error.js';

/** Four nodes, 1000 ms drawn in 10 columns of 100 ms: one stays up, one pauses, one crashes and restarts, one does both in one column. */
function lanesRun() {
  const sim = new Simulation({ seed: 'lanes', trace: true });
  for (const id of ['up', 'paused', 'crashed', 'blink']) sim.addNode(id, () => ({}));
  sim.scheduleAt(200, () => sim.pause('paused'));
  sim.scheduleAt(450, () => sim.resume('paused'));
  sim.scheduleAt(300, () => sim.crash('crashed'));
  sim.scheduleAt(650, () => sim.restart('crashed'));
  sim.scheduleAt(510, () => sim.crash('blink'));
  sim.scheduleAt(560, () => sim.restart('blink'));
  sim.run({ until: 1_000 });
  return sim.trace!.records();
}

describe('formatLanes', () => {
  it('draws up, paused, down, crash and restart columns, each in its own symbol', () => {
    const lines = formatLanes(lanesRun(), { nodes: ['up', 'paused', 'crashed', 'blink'], untilMs: 1_000, columns: 10 }).split('\n');
    expect(lines).toEqual([
      'up       ██████████',
      'paused   ██░░██████',
      'crashed  ███✖··↻███',
      'blink    █████↯████',
      '         0  1000 ms',
    ]);
  });

  it('with legend: true, names every symbol drawn and only those', () => {
    const records = lanesRun();
    const all = formatLanes(records, { nodes: ['up', 'paused', 'crashed', 'blink'], untilMs: 1_000, columns: 10, legend: true });
    expect(all.split('\n').at(-1)).toBe('         █ up  ░ paused  · down  ✖ crash  ↻ restart  ↯ crash and restart in one column');
    const quiet = formatLanes(records, { nodes: ['up'], untilMs: 1_000, columns: 10, legend: true });
    expect(quiet.split('\n').at(-1)).toBe('    █ up');
    expect(formatLanes(records, { nodes: ['up'], untilMs: 1_000, columns: 10 }).split('\n')).toHaveLength(2);
  });

  propertyTest.prop([fc.anything().filter((value) => value !== undefined && typeof value !== 'boolean')])('refuses a legend that is not true or false', (legend) => {
    expectInvalidArgument(() => formatLanes([], { nodes: ['a'], untilMs: 100, legend } as never), 'legend');
  });
});
