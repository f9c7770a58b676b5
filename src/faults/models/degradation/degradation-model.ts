import type { Fault } from '../../fault.js';
import type { FailureModel, FaultWorld } from '../../failure-model.js';
import { targetOf } from '../params.js';
import { RunningDegradation, type DegradationEffect } from './driver.js';
import type { DegradationSpec } from './signals.js';

// Internal: the failure model every degradation kind is. They differ only in their params, what
// they do to the world as they ramp, and which other faults on the target they conflict with.

/** What makes one degradation kind. */
export interface DegradationKind {
  kind: string;
  /** Reads and checks the fault's params; errors name `${field}.params.<key>`. */
  read(fault: Fault, field: string): DegradationSpec;
  /** The effect on the target, set to the ramp's level of the peaks; none for a kind only a monitor sees before the crash. */
  effect?(world: FaultWorld, target: string, peaks: DegradationSpec['peaks']): DegradationEffect;
  /** The conflict key's prefix: one fault at a time per target among kinds sharing it. */
  conflictsAs: string;
}

/** The failure model of a degradation kind: ramp from onset, then crash or hold; revert repairs. */
export function degradationModel(definition: DegradationKind): FailureModel {
  return {
    kind: definition.kind,
    validate(fault, world, field) {
      targetOf(fault, world, field);
      definition.read(fault, field);
    },
    apply(fault, world) {
      const { ramp, peaks } = definition.read(fault, 'fault');
      const running = new RunningDegradation(fault, ramp, world, definition.effect?.(world, fault.target!, peaks));
      running.start();
      return running;
    },
    revert: (_fault, _world, _id, running) => (running as RunningDegradation).end(),
    conflictKeys: (fault) => [`${definition.conflictsAs}:${fault.target}`],
    downNodes: (fault) => (fault.params?.['outcome'] === 'degrade' ? [] : [fault.target!]),
  };
}
