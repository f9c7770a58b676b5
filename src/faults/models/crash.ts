import type { FailureModel } from '../failure-model.js';
import { paramsOf, targetOf } from './params.js';

/**
 * `crash`: the target stops (no handler, no timer, messages to it dropped; volatile state gone).
 * Without `durationMs` it is crash-stop; with it, crash-recovery: the node restarts at the end
 * with its durable state. Overlapping crashes of one node are rejected.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'crash', atMs: 1_000, durationMs: 500, target: 'n2' }]);
 * ```
 */
export const crashModel: FailureModel = {
  kind: 'crash',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    paramsOf(fault, field, []);
  },
  apply(fault, world) {
    world.crashNode(fault.target!);
  },
  revert(fault, world) {
    world.restartNode(fault.target!);
  },
  conflictKeys: (fault) => [`process:${fault.target}`],
  downNodes: (fault) => [fault.target!],
};

/**
 * `pause`: the target freezes (a GC pause, a stalled VM): no handler runs; its timers and
 * arriving messages wait, then all run at once when the pause ends. The node is up throughout.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'pause', atMs: 2_000, durationMs: 800, target: 'n1' }]);
 * ```
 */
export const pauseModel: FailureModel = {
  kind: 'pause',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    paramsOf(fault, field, []);
  },
  apply(fault, world) {
    world.pauseNode(fault.target!);
  },
  revert(fault, world) {
    world.resumeNode(fault.target!);
  },
  conflictKeys: (fault) => [`process:${fault.target}`],
  downNodes: (fault) => [fault.target!],
};
