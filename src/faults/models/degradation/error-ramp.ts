import type { Fault } from '../../fault.js';
import type { FailureModel } from '../../failure-model.js';
import { writeErrorEffect } from './disk-wearout.js';
import { degradationModel } from './degradation-model.js';
import { readPeak, readRampParams } from './ramp.js';
import type { DegradationSpec } from './signals.js';

/** Reads an `error-ramp` fault's parameters; errors name `${field}.params.<key>`. Internal. */
export function readErrorRamp(fault: Fault, field: string): DegradationSpec {
  const { ramp, params } = readRampParams(fault, field, ['peakErrorProbability'], true);
  return { ramp, peaks: { writeErrorProbability: readPeak(params, 'peakErrorProbability', field, 0.5, 1) } };
}

/**
 * `error-ramp`: the target's error rate ramps. From onset (`atMs`) each `ctx.persist` on the
 * target fails with `DiskError` (`DISK_WRITE_FAILED`) with a probability rising along the ramp to
 * `peakErrorProbability` at `timeToFailureMs`, when the target crashes (`outcome: 'crash'`, the
 * default) or stays at the peak (`'degrade'`). A monitor reads the rate as
 * `faultline_disk_write_error_ratio` (see `watchDegradation`).
 *
 * Params: `timeToFailureMs` (required, > 0), `shape` (`'linear'` | `'exponential'`), `outcome`
 * (`'crash'` | `'degrade'`), `noise` ([0, 1], default 0.05: the relative standard deviation of a monitor's readings of the rise, drawn from the stream `fault:<kind>:<target>:<atMs>:noise`; the effect itself follows the ramp exactly), `stepMs` (default 100, or
 * timeToFailureMs if shorter; at most 100,000 steps), `peakErrorProbability` ((0, 1], default 0.5).
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'error-ramp', atMs: 5_000, target: 'db', params: { timeToFailureMs: 30_000, peakErrorProbability: 0.8, outcome: 'degrade' } }]);
 * ```
 */
export const errorRampModel: FailureModel = degradationModel({
  kind: 'error-ramp',
  read: readErrorRamp,
  effect: (world, target, peaks) => writeErrorEffect(world, target, peaks.writeErrorProbability!),
  conflictsAs: 'disk-fail',
});
