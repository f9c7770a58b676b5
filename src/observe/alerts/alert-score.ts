import type { FaultLogEntry } from '../../faults/fault.js';
import { rejectUnknownKeys, requireNonNegative, requireObject, requireFinite } from '../../validate.js';
import type { AlertEvent } from './alert-manager.js';

/**
 * Options of {@link scoreAlerts}.
 *
 * @example
 * ```ts
 * scoreAlerts(alerts.events, sim.faultLog, { untilMs: sim.now, graceMs: 2_000, faultKinds: ['traffic-spike'] });
 * ```
 */
export interface AlertScoreOptions {
  /** End of the run, in true ms: a fault not yet reverted counts as lasting until here. */
  untilMs: number;
  /**
   * After a fault ends its effects linger (queues drain, windows roll over): an alert firing up
   * to `graceMs` after it is still counted as caused by it. Default 0.
   */
  graceMs?: number;
  /** Only these rules' events. Default: every rule. */
  rules?: readonly string[];
  /** Only faults of these kinds are incidents to catch. Default: every fault. */
  faultKinds?: readonly string[];
}

/**
 * One fault, and whether and when the alerts caught it.
 *
 * @example
 * ```ts
 * for (const incident of score.incidents) console.log(incident.kind, incident.timeToFireMs);
 * ```
 */
export interface ScoredIncident {
  /** The fault's id in the fault log. */
  faultId: number;
  /** The fault's kind. */
  kind: string;
  /** The fault's target, if any. */
  target: string | undefined;
  /** When its impact started (applied), true ms. */
  startMs: number;
  /** When it ended (reverted), or `untilMs`. */
  endMs: number;
  /** The first alert that was firing in [startMs, endMs + graceMs], or undefined (missed). */
  firstAlert: string | undefined;
  /** From `startMs` to that alert's firing (0 if it was already firing), or undefined if missed. */
  timeToFireMs: number | undefined;
}

/**
 * Alerts scored against the faults that really happened.
 *
 * @example
 * ```ts
 * const score = scoreAlerts(alerts.events, sim.faultLog, { untilMs: sim.now });
 * console.log(score.falseAlerts.length, score.missed, score.meanTimeToFireMs);
 * ```
 */
export interface AlertScore {
  /** Every incident, in the order the faults started. */
  incidents: ScoredIncident[];
  /** Firing events with no incident active, nor ended within `graceMs`. */
  falseAlerts: AlertEvent[];
  /** Incidents during which no alert fired. */
  missed: number;
  /** Incidents caught. */
  detected: number;
  /** Mean time to fire over caught incidents (NaN if none). */
  meanTimeToFireMs: number;
  /** Worst time to fire over caught incidents (NaN if none). */
  maxTimeToFireMs: number;
}

/**
 * Scores alert events against the fault log (`sim.faultLog`, the ground truth of what was
 * injected): each fault is an incident from its apply to its revert (plus `graceMs`). An
 * incident is caught if an alert was firing at some point in that window; its time to fire is
 * from the fault's start to that alert firing. A firing event outside every incident window is
 * a false alert.
 *
 * @example
 * ```ts
 * const score = scoreAlerts(alerts.events, sim.faultLog, { untilMs: sim.now, graceMs: 2_000 });
 * ```
 */
export function scoreAlerts(events: readonly AlertEvent[], faultLog: readonly FaultLogEntry[], options: AlertScoreOptions): AlertScore {
  requireObject(options, 'alert score options');
  rejectUnknownKeys(options, 'alert score options', ['untilMs', 'graceMs', 'rules', 'faultKinds']);
  requireFinite(options.untilMs, 'alert score options.untilMs');
  const graceMs = options.graceMs ?? 0;
  requireNonNegative(graceMs, 'alert score options.graceMs');
  const chosen = events.filter((event) => options.rules === undefined || options.rules.includes(event.rule));
  const firings = firingIntervals(chosen, options.untilMs);
  const incidents = incidentsOf(faultLog, options).map((incident) => scoreIncident(incident, firings, graceMs));
  const falseAlerts = chosen.filter((event) => event.state === 'firing' && !incidents.some((incident) => event.timeMs >= incident.startMs && event.timeMs <= incident.endMs + graceMs));
  const times = incidents.flatMap((incident) => (incident.timeToFireMs === undefined ? [] : [incident.timeToFireMs]));
  return {
    incidents,
    falseAlerts,
    missed: incidents.length - times.length,
    detected: times.length,
    meanTimeToFireMs: times.length === 0 ? Number.NaN : times.reduce((a, b) => a + b, 0) / times.length,
    maxTimeToFireMs: times.length === 0 ? Number.NaN : Math.max(...times),
  };
}

interface Firing {
  rule: string;
  startMs: number;
  endMs: number;
}

function firingIntervals(events: readonly AlertEvent[], untilMs: number): Firing[] {
  const open = new Map<string, number>();
  const intervals: Firing[] = [];
  for (const event of events) {
    if (event.state === 'firing') open.set(event.rule, event.timeMs);
    else if (open.has(event.rule)) {
      intervals.push({ rule: event.rule, startMs: open.get(event.rule)!, endMs: event.timeMs });
      open.delete(event.rule);
    }
  }
  for (const [rule, startMs] of open) intervals.push({ rule, startMs, endMs: untilMs });
  return intervals.sort((a, b) => a.startMs - b.startMs);
}

function incidentsOf(faultLog: readonly FaultLogEntry[], options: AlertScoreOptions): ScoredIncident[] {
  const byId = new Map<number, ScoredIncident>();
  for (const entry of faultLog) {
    if (options.faultKinds !== undefined && !options.faultKinds.includes(entry.fault.kind)) continue;
    if (entry.phase === 'apply') {
      byId.set(entry.faultId, { faultId: entry.faultId, kind: entry.fault.kind, target: entry.fault.target, startMs: entry.timeMs, endMs: options.untilMs, firstAlert: undefined, timeToFireMs: undefined });
    } else {
      const incident = byId.get(entry.faultId);
      if (incident !== undefined) incident.endMs = entry.timeMs;
    }
  }
  return [...byId.values()];
}

function scoreIncident(incident: ScoredIncident, firings: readonly Firing[], graceMs: number): ScoredIncident {
  const caught = firings.find((firing) => firing.startMs <= incident.endMs + graceMs && firing.endMs >= incident.startMs);
  if (caught === undefined) return incident;
  return { ...incident, firstAlert: caught.rule, timeToFireMs: Math.max(0, caught.startMs - incident.startMs) };
}
