import type { Fault } from '../../fault.js';
import type { FailureModel, FaultWorld } from '../../failure-model.js';
import type { DegradationEffect } from './driver.js';
import { degradationModel } from './degradation-model.js';
import { readPeak, readRampParams } from './ramp.js';
import type { DegradationSpec } from './signals.js';

const MAX_EXTRA_SERVICE_MS = 3_600_000;

/** Reads a `latency-creep` fault's parameters; errors name `${field}.params.<key>`. Internal. */
export function readLatencyCreep(fault: Fault, field: string): DegradationSpec {
  const { ramp, params } = readRampParams(fault, field, ['extraServiceMs'], true);
  return { ramp, peaks: { extraServiceMs: readPeak(params, 'extraServiceMs', field, 50, MAX_EXTRA_SERVICE_MS) } };
}

/**
 * Adds the ramp's service time to the target's service model: a node with none gets one whose
 * only cost is the creep; restore puts back the model it had.
 */
function serviceEffect(world: FaultWorld, target: string, extraServiceMs: number): DegradationEffect {
  const previous = world.service(target);
  const baseServiceMs = previous === undefined ? 0 : 1000 / previous.messagesPerSec;
  return {
    set(level) {
      const serviceMs = baseServiceMs + (extraServiceMs * level);
      world.setService(target, serviceMs === 0 ? previous : { messagesPerSec: 1000 / serviceMs, ...(previous?.inboxLimit === undefined ? {} : { inboxLimit: previous.inboxLimit }) });
    },
    restore: () => world.setService(target, previous),
  };
}

/**
 * `latency-creep`: a service slowing under a slow leak. From onset (`atMs`) each message the
 * target handles costs it more service time, rising along the ramp by `extraServiceMs`: its
 * capacity (`capacity`'s service model) really falls, so under load its queue and queueing delay
 * grow. At `timeToFailureMs` it crashes (`outcome: 'crash'`, the default) or stays slow
 * (`'degrade'`). A monitor reads `faultline_service_latency_seconds` (see `watchDegradation`).
 * It conflicts with a `capacity` fault on the same target.
 *
 * Params: `timeToFailureMs` (required, > 0), `shape` (`'linear'` | `'exponential'`), `outcome`
 * (`'crash'` | `'degrade'`), `noise` ([0, 1], default 0.05: the relative standard deviation of a monitor's readings of the rise, drawn from the stream `fault:<kind>:<target>:<atMs>:noise`; the effect itself follows the ramp exactly), `stepMs` (default 100, or
 * timeToFailureMs if shorter; at most 100,000 steps), `extraServiceMs` ((0, 3,600,000], default 50).
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'latency-creep', atMs: 2_000, target: 'api', params: { timeToFailureMs: 20_000, extraServiceMs: 40, outcome: 'degrade' } }]);
 * ```
 */
export const latencyCreepModel: FailureModel = degradationModel({
  kind: 'latency-creep',
  read: readLatencyCreep,
  effect: (world, target, peaks) => serviceEffect(world, target, peaks.extraServiceMs!),
  conflictsAs: 'capacity',
});
