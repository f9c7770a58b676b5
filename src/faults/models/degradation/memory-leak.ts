import type { Fault } from '../../fault.js';
import type { FailureModel } from '../../failure-model.js';
import { degradationModel } from './degradation-model.js';
import { readPeak, readRampParams } from './ramp.js';
import type { DegradationSpec } from './signals.js';

/** 1 PiB: far past any machine, well inside exact integers. */
const MAX_LEAK_BYTES = 2 ** 50;

/** Reads a `memory-leak` fault's parameters; errors name `${field}.params.<key>`. Internal. */
export function readMemoryLeak(fault: Fault, field: string): DegradationSpec {
  const { ramp, params } = readRampParams(fault, field, ['leakBytes'], false);
  return { ramp, peaks: { leakBytes: readPeak(params, 'leakBytes', field, 2 ** 30, MAX_LEAK_BYTES) } };
}

/**
 * `memory-leak`: the target's resident memory grows from onset (`atMs`) along the ramp by
 * `leakBytes` until `timeToFailureMs` later, when it runs out of memory and crashes (a real crash
 * in `sim.truth`; `outcome: 'crash'`, the default) or stays bloated (`'degrade'`). Memory is what a
 * monitor reads (`faultline_node_memory_bytes`, see `watchDegradation`); the crash is the effect.
 *
 * Params: `timeToFailureMs` (required, > 0), `shape` (`'linear'` | `'exponential'`), `outcome`
 * (`'crash'` | `'degrade'`), `noise` ([0, 1], default 0.05: the relative standard deviation of a monitor's readings of the rise, drawn from the stream `fault:<kind>:<target>:<atMs>:noise`; the effect itself follows the ramp exactly), `leakBytes` ((0, 2^50], default 1 GiB).
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'memory-leak', atMs: 0, target: 'api', params: { timeToFailureMs: 120_000, leakBytes: 2 ** 31 } }]);
 * ```
 */
export const memoryLeakModel: FailureModel = degradationModel({
  kind: 'memory-leak',
  read: readMemoryLeak,
  conflictsAs: 'memory-leak',
});
