// faultline_disk_write_errors_total: the writes node code really saw fail with DiskError, counted
// by the world as they fail and read by watchDegradation at each sample.
import { describe, expect, it } from 'vitest';
import { degradationMetricNames, Simulation, type Fault } from '../../../src/index.js';
import { addProbe } from '../../world/helpers.js';
import { fleet, writeEvery, type Fleet } from './fleet.js';

const faults: Fault[] = [
  { kind: 'disk-wearout', atMs: 5_000, target: 'n1', params: { timeToFailureMs: 20_000, peakErrorProbability: 0.6, noise: 0, stepMs: 1_000 } },
  { kind: 'disk-write-fail', atMs: 10_000, durationMs: 5_000, target: 'n2', params: { probability: 0.3 } },
  { kind: 'disk-full', atMs: 20_000, durationMs: 2_000, target: 'n3' },
];

function counted(run: Fleet, node: string): Map<number, number> {
  const series = run.sim.metrics.series(degradationMetricNames.diskWriteErrors, { node });
  if (series === undefined) throw new Error(`no write error series for ${node}`);
  return new Map(series.timesMs.map((timeMs, index) => [timeMs, series.values[index]![0]!]));
}

describe('faultline_disk_write_errors_total', () => {
  const run = fleet(faults);
  const writes = { n1: writeEvery(run, 'n1', 0, 40_000, 7), n2: writeEvery(run, 'n2', 0, 40_000, 7), n3: writeEvery(run, 'n3', 0, 40_000, 7) };
  run.sim.run({ until: 40_000 });
  const failures = (node: keyof typeof writes, beforeMs = Infinity, inclusive = false): number =>
    writes[node].filter((write) => write.failed && (inclusive ? write.timeMs <= beforeMs : write.timeMs < beforeMs)).length;

  it('counts, per node, exactly the writes that failed with DiskError in node code, whatever the fault', () => {
    for (const node of ['n1', 'n2', 'n3'] as const) {
      expect(failures(node), node).toBeGreaterThan(0);
      expect(counted(run, node).get(40_000), node).toBe(failures(node));
      expect(run.sim.node(node).diskWriteErrors, node).toBe(failures(node));
    }
    // disk-full fails every write for its 2 s: one each 7 ms.
    expect(failures('n3')).toBe(writes.n3.filter((write) => write.timeMs >= 20_000 && write.timeMs < 22_000).length);
  });

  it('at each sample holds the failures up to that instant, and never falls (it keeps its count while the worn-out n1 is down)', () => {
    for (const node of ['n1', 'n2', 'n3'] as const) {
      let previous = 0;
      for (const [timeMs, count] of counted(run, node)) {
        expect(count, `${node} at ${timeMs}`).toBeGreaterThanOrEqual(failures(node, timeMs));
        expect(count, `${node} at ${timeMs}`).toBeLessThanOrEqual(failures(node, timeMs, true));
        expect(count).toBeGreaterThanOrEqual(previous);
        previous = count;
      }
    }
    expect(run.sim.truth.isUp('n1', 30_000)).toBe(false);
    expect(counted(run, 'n1').get(30_000)).toBe(counted(run, 'n1').get(25_000));
    expect(counted(run, 'n1').get(25_000)).toBeGreaterThan(0);
  });

  it('reads zero for a healthy node, as a stream a predictor can take as a rate', () => {
    expect([...counted(run, 'n2')].filter(([timeMs]) => timeMs < 10_000).every(([, count]) => count === 0)).toBe(true);
    expect(counted(run, 'n2').get(10_000)).toBe(0);
  });

  it('is kept by the world without any metric: sim.node(id).diskWriteErrors counts with nothing watched', () => {
    const sim = new Simulation({ seed: 3 });
    const probe = addProbe(sim, 'solo', { durable: { writes: 0 } });
    sim.inject([{ kind: 'disk-full', atMs: 0, durationMs: 1_000, target: 'solo' }]);
    let seen = 0;
    for (let timeMs = 10; timeMs < 2_000; timeMs += 100) {
      sim.schedule(timeMs, () => {
        try {
          probe.ctx.persist((draft) => void ((draft as { writes: number }).writes += 1));
        } catch {
          seen++;
        }
      });
    }
    sim.run({ until: 2_000 });
    expect(seen).toBe(10);
    expect(sim.node('solo').diskWriteErrors).toBe(10);
    expect(sim.metrics.all()).toEqual([]);
  });
});
