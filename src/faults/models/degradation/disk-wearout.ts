import type { Fault } from '../../fault.js';
import type { FailureModel, FaultWorld } from '../../failure-model.js';
import type { DegradationEffect } from './driver.js';
import { degradationModel } from './degradation-model.js';
import { readPeak, readRampParams } from './ramp.js';
import type { DegradationSpec } from './signals.js';

const MAX_EXTRA_WRITE_LATENCY_MS = 3_600_000;

/** Reads a `disk-wearout` fault's parameters; errors name `${field}.params.<key>`. Internal. */
export function readDiskWearout(fault: Fault, field: string): DegradationSpec {
  const { ramp, params } = readRampParams(fault, field, ['extraWriteLatencyMs', 'peakErrorProbability'], true);
  const extraWriteLatencyMs = readPeak(params, 'extraWriteLatencyMs', field, 100, MAX_EXTRA_WRITE_LATENCY_MS);
  const writeErrorProbability = readPeak(params, 'peakErrorProbability', field, 0.5, 1);
  return { ramp, peaks: { extraWriteLatencyMs, writeErrorProbability } };
}

/** Sets the disk's failure probability to the ramp's level of the peak; restores what it was. */
export function writeErrorEffect(world: FaultWorld, target: string, peakProbability: number): DegradationEffect {
  const disk = world.disk(target);
  const previous = disk.failProbability;
  return {
    set: (level) => void (disk.failProbability = Math.min(1, previous + (peakProbability * level))),
    restore: () => void (disk.failProbability = previous),
  };
}

/**
 * `disk-wearout`: a disk that wears out. From onset (`atMs`) its write latency and its write
 * error rate rise along the ramp (`shape`, updated every `stepMs`) until `timeToFailureMs` later,
 * when it fails: the target crashes (`outcome: 'crash'`, the default) or the disk stays at its
 * peak (`'degrade'`). The error rate is real: each `ctx.persist` fails with `DiskError`
 * (`DISK_WRITE_FAILED`) with the level's probability. The latency is what a monitor reads
 * (`faultline_disk_write_latency_seconds`, see `watchDegradation`): `ctx.persist` is synchronous
 * in faultline, so no write waits for it.
 *
 * Params: `timeToFailureMs` (required, > 0), `shape` (`'linear'` | `'exponential'`, default
 * linear), `outcome` (`'crash'` | `'degrade'`, default crash), `noise` ([0, 1], default 0.05: the relative standard deviation of a monitor's readings of the rise, drawn from the stream `fault:<kind>:<target>:<atMs>:noise`; the effect itself follows the ramp exactly),
 * `stepMs` (default 100, or timeToFailureMs if shorter; at most 100,000 steps, so coarser for a ramp over 10,000 s), `extraWriteLatencyMs`
 * ((0, 3,600,000], default 100), `peakErrorProbability` ((0, 1], default 0.5).
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'disk-wearout', atMs: 10_000, target: 'n2',
 *   params: { timeToFailureMs: 60_000, shape: 'exponential', extraWriteLatencyMs: 400, peakErrorProbability: 0.3 } }]);
 * ```
 */
export const diskWearoutModel: FailureModel = degradationModel({
  kind: 'disk-wearout',
  read: readDiskWearout,
  effect: (world, target, peaks) => writeErrorEffect(world, target, peaks.writeErrorProbability!),
  conflictsAs: 'disk-fail',
});
