import { requireProbability } from '../../validate.js';
import type { FailureModel } from '../failure-model.js';
import { paramsOf, targetOf } from './params.js';

/**
 * `disk-unsynced-loss`: the target's writes (`ctx.persist`) go to a volatile cache; a crash
 * loses every write since the last `ctx.sync()`.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'disk-unsynced-loss', atMs: 0, target: 'n1' }]);
 * ```
 */
export const diskUnsyncedLossModel: FailureModel = {
  kind: 'disk-unsynced-loss',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    paramsOf(fault, field, []);
  },
  apply(fault, world) {
    world.disk(fault.target!).cacheWrites = true;
  },
  revert(fault, world) {
    world.disk(fault.target!).cacheWrites = false;
  },
  conflictKeys: (fault) => [`disk-cache:${fault.target}`],
};

/**
 * `disk-write-fail`: each `ctx.persist` on the target fails with `DiskError` (code `DISK_WRITE_FAILED`) (state
 * unchanged) with `probability` (default 1).
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'disk-write-fail', atMs: 500, durationMs: 1_000, target: 'n2', params: { probability: 0.5 } }]);
 * ```
 */
export const diskWriteFailModel: FailureModel = {
  kind: 'disk-write-fail',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const probability = paramsOf(fault, field, ['probability'])['probability'];
    if (probability !== undefined) requireProbability(probability, `${field}.params.probability`);
  },
  apply(fault, world) {
    world.disk(fault.target!).failProbability = (fault.params?.['probability'] as number | undefined) ?? 1;
  },
  revert(fault, world) {
    world.disk(fault.target!).failProbability = 0;
  },
  conflictKeys: (fault) => [`disk-fail:${fault.target}`],
};

/**
 * `disk-full`: every `ctx.persist` on the target fails with `DiskError` (code `DISK_FULL`) while it lasts.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'disk-full', atMs: 2_000, durationMs: 3_000, target: 'n3' }]);
 * ```
 */
export const diskFullModel: FailureModel = {
  kind: 'disk-full',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    paramsOf(fault, field, []);
  },
  apply(fault, world) {
    world.disk(fault.target!).full = true;
  },
  revert(fault, world) {
    world.disk(fault.target!).full = false;
  },
  conflictKeys: (fault) => [`disk-full:${fault.target}`],
};
