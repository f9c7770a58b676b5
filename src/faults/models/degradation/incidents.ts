import { InvalidArgumentError } from '../../../errors.js';
import type { FaultLogEntry } from '../../fault.js';
import { isDegradationKind, degradationSpec, type DegradationKind } from './kinds.js';

/**
 * One degradation as it truly happened: what a predictor should have warned of.
 *
 * @example
 * ```ts
 * const incident: DegradationIncident = { kind: 'disk-wearout', target: 'n2', onsetMs: 10_000, failureMs: 70_000 };
 * ```
 */
export interface DegradationIncident {
  /** The degradation kind. */
  readonly kind: DegradationKind;
  /** The node degraded. */
  readonly target: string;
  /** When the degradation began (the fault's start), in true ms. */
  readonly onsetMs: number;
  /** When it struck (the target's crash), in true ms; absent when it stayed degraded, was repaired first, or falls after `untilMs`. */
  readonly failureMs?: number;
  /** When the fault ended (its duration, a heal, the liveness phase), in true ms; absent while it lasts. */
  readonly endMs?: number;
}

/**
 * The ground truth of degradation faults, read from a fault log (`sim.faultLog`): for each
 * degradation applied, in order, its kind, target, onset, failure time and end. A `crash`
 * degradation fails at `onsetMs + timeToFailureMs` unless its fault ended before then (a repair);
 * pass `untilMs` (say `sim.now`) to leave out failures that had not happened by then. The failure
 * instant is when the fault strikes; a target that another fault had already taken down is not
 * crashed twice (`sim.truth` shows that).
 *
 * @example
 * ```ts
 * sim.run({ until: 120_000 });
 * const incidents = degradationIncidents(sim.faultLog, sim.now);
 * incidents.filter((incident) => incident.failureMs !== undefined).length; // how many struck
 * ```
 */
export function degradationIncidents(faultLog: readonly FaultLogEntry[], untilMs = Infinity): DegradationIncident[] {
  if (!Array.isArray(faultLog)) throw new InvalidArgumentError('degradationIncidents(faultLog)', faultLog, 'a fault log (sim.faultLog)');
  if (typeof untilMs !== 'number' || Number.isNaN(untilMs)) throw new InvalidArgumentError('degradationIncidents(untilMs)', untilMs, 'a time in ms (or Infinity)');
  const endMsOf = new Map<number, number>();
  for (const entry of faultLog) if (entry.phase === 'revert') endMsOf.set(entry.faultId, entry.timeMs);
  const incidents: DegradationIncident[] = [];
  for (const entry of faultLog) {
    if (entry.phase !== 'apply' || !isDegradationKind(entry.fault.kind)) continue;
    const { ramp } = degradationSpec(entry.fault);
    const endMs = endMsOf.get(entry.faultId);
    const dueMs = entry.timeMs + ramp.timeToFailureMs;
    const struck = ramp.outcome === 'crash' && (endMs === undefined || endMs >= dueMs) && dueMs <= untilMs;
    incidents.push({ kind: entry.fault.kind, target: entry.fault.target!, onsetMs: entry.timeMs, ...(struck ? { failureMs: dueMs } : {}), ...(endMs === undefined ? {} : { endMs }) });
  }
  return incidents;
}
