// Shared fixtures for the degradation tests: a small fleet of storage nodes watched by the
// degradation metrics, and readers of what a monitor saw.
import { degradationMetricNames, DiskError, Simulation, watchDegradation, type AddNodeOptions, type Fault, type WatchDegradationOptions } from '../../../src/index.js';
import { addProbe, type Probe } from '../../world/helpers.js';

export const NODES = ['n1', 'n2', 'n3'] as const;

export interface Fleet {
  sim: Simulation;
  probes: Record<string, Probe>;
}

/** Three nodes with durable state (and `service`, when given), signals sampled every `intervalMs` (noise-free baselines unless given), `faults` injected. */
export function fleet(faults: Fault[], options: { seed?: number; intervalMs?: number; watch?: WatchDegradationOptions; trace?: boolean; service?: AddNodeOptions['service'] } = {}): Fleet {
  const sim = new Simulation({ seed: options.seed ?? 1, trace: options.trace ?? false });
  sim.metrics.configure({ intervalMs: options.intervalMs ?? 1_000, maxSamplesPerSeries: 100_000 });
  const probes: Record<string, Probe> = {};
  for (const id of NODES) probes[id] = addProbe(sim, id, { durable: { writes: 0 }, ...(options.service === undefined ? {} : { service: options.service }) });
  watchDegradation(sim, { baselineNoise: 0, ...options.watch });
  sim.inject(faults);
  return { sim, probes };
}

/** The sampled values of one signal of one node, by sample time. */
export function signal(sim: Simulation, name: keyof typeof degradationMetricNames, node: string): Map<number, number> {
  const series = sim.metrics.series(degradationMetricNames[name], { node });
  if (series === undefined) throw new Error(`no ${name} series for ${node}`);
  return new Map(series.timesMs.map((timeMs, index) => [timeMs, series.values[index]![0]!]));
}

/** Calls `ctx.persist` on `node` every `gapMs` in [fromMs, toMs); returns how many of those writes failed, by the time they were made. */
export function writeEvery(fleetOf: Fleet, node: string, fromMs: number, toMs: number, gapMs: number): Array<{ timeMs: number; failed: boolean }> {
  const writes: Array<{ timeMs: number; failed: boolean }> = [];
  for (let timeMs = fromMs; timeMs < toMs; timeMs += gapMs) {
    fleetOf.sim.schedule(timeMs - fleetOf.sim.now, () => {
      if (!fleetOf.sim.truth.isUp(node)) return;
      try {
        fleetOf.probes[node]!.ctx.persist((draft) => void ((draft as { writes: number }).writes += 1));
        writes.push({ timeMs: fleetOf.sim.now, failed: false });
      } catch (error) {
        if (!(error instanceof DiskError)) throw error;
        writes.push({ timeMs: fleetOf.sim.now, failed: true });
      }
    });
  }
  return writes;
}

/** Fraction of writes in [fromMs, toMs) that failed. */
export function failedFraction(writes: ReadonlyArray<{ timeMs: number; failed: boolean }>, fromMs: number, toMs: number): { fraction: number; count: number } {
  const inWindow = writes.filter((write) => write.timeMs >= fromMs && write.timeMs < toMs);
  return { fraction: inWindow.filter((write) => write.failed).length / inWindow.length, count: inWindow.length };
}
