import type { Fault } from '../../fault.js';
import type { FailureModel } from '../../failure-model.js';
import { diskWearoutModel, readDiskWearout } from './disk-wearout.js';
import { errorRampModel, readErrorRamp } from './error-ramp.js';
import { latencyCreepModel, readLatencyCreep } from './latency-creep.js';
import { memoryLeakModel, readMemoryLeak } from './memory-leak.js';
import type { DegradationSpec } from './signals.js';

/**
 * The degradation fault kinds: faults with precursors, which degrade a node along a ramp before
 * they strike. Each is registered in every simulation; the nemesis and `faultSchedule` draw them
 * only when `kinds` names them.
 *
 * @example
 * ```ts
 * nemesis({ seed: 1, nodes: ['a', 'b', 'c'], horizonMs: 60_000, kinds: ['crash', ...degradationKinds] });
 * ```
 */
export const degradationKinds = ['disk-wearout', 'memory-leak', 'latency-creep', 'error-ramp'] as const;

/**
 * A degradation fault kind.
 *
 * @example
 * ```ts
 * const kind: DegradationKind = 'memory-leak';
 * ```
 */
export type DegradationKind = (typeof degradationKinds)[number];

/** The degradation failure models, in the order of {@link degradationKinds}. Internal. */
export const degradationModels: readonly FailureModel[] = [diskWearoutModel, memoryLeakModel, latencyCreepModel, errorRampModel];

const readers: Readonly<Record<DegradationKind, (fault: Fault, field: string) => DegradationSpec>> = {
  'disk-wearout': readDiskWearout,
  'memory-leak': readMemoryLeak,
  'latency-creep': readLatencyCreep,
  'error-ramp': readErrorRamp,
};

/** Is `kind` a degradation kind? Internal. */
export function isDegradationKind(kind: string): kind is DegradationKind {
  return (degradationKinds as readonly string[]).includes(kind);
}

/** A logged degradation fault's ramp and peaks (the fault was validated when injected). Internal. */
export function degradationSpec(fault: Readonly<Fault>): DegradationSpec {
  return readers[fault.kind as DegradationKind](fault, 'fault');
}
