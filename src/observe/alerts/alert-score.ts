import type { FaultLogEntry } from '../../faults/fault.js';
import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireOneOf, requireString } from '../../validate.js';
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
  const { untilMs, graceMs, rules, faultKinds } = readScoreOptions(options);
  requireEvents(events);
  requireFaultLog(faultLog);
  const chosen = events.filter((event) => rules === undefined || rules.includes(event.rule));
  const firings = firingIntervals(chosen, untilMs);
  const incidents = incidentsOf(faultLog, untilMs, faultKinds).map((incident) => scoreIncident(incident, firings, graceMs));
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

const MAX_ENTRIES = 10_000_000;

function readScoreOptions(options: unknown): { untilMs: number; graceMs: number; rules: readonly string[] | undefined; faultKinds: readonly string[] | undefined } {
  requireObject(options, 'alert score options');
  rejectUnknownKeys(options, 'alert score options', ['untilMs', 'graceMs', 'rules', 'faultKinds']);
  requireFinite(options['untilMs'], 'alert score options.untilMs');
  const graceMs = options['graceMs'] ?? 0;
  requireNonNegative(graceMs, 'alert score options.graceMs');
  return { untilMs: options['untilMs'], graceMs, rules: readNames(options['rules'], 'alert score options.rules'), faultKinds: readNames(options['faultKinds'], 'alert score options.faultKinds') };
}

function readNames(names: unknown, field: string): readonly string[] | undefined {
  if (names === undefined) return undefined;
  if (!Array.isArray(names) || names.length > 10_000) throw new InvalidArgumentError(field, names, 'an array of at most 10000 names');
  for (let index = 0; index < names.length; index++) requireString(names[index], `${field}[${index}]`);
  return names as string[];
}

// Firing intervals pair each firing with the next resolve of its rule: out-of-order or malformed
// events would pair the wrong ones and score silently wrong.
function requireEvents(events: unknown): asserts events is readonly AlertEvent[] {
  if (!Array.isArray(events) || events.length > MAX_ENTRIES) throw new InvalidArgumentError('alert events', events, `an array of at most ${MAX_ENTRIES} alert events (AlertManager.events)`);
  let previousMs = -Infinity;
  for (let index = 0; index < events.length; index++) {
    const field = `alert events[${index}]`;
    const event: unknown = events[index];
    requireObject(event, field);
    requireString(event['rule'], `${field}.rule`);
    requireOneOf(event['state'], `${field}.state`, ['firing', 'resolved'] as const);
    requireFinite(event['timeMs'], `${field}.timeMs`);
    if (event['timeMs'] < previousMs) throw new InvalidArgumentError(`${field}.timeMs`, event['timeMs'], `a time not before the previous event's (${previousMs}): events in the order they happened`);
    previousMs = event['timeMs'];
  }
}

function requireFaultLog(faultLog: unknown): asserts faultLog is readonly FaultLogEntry[] {
  if (!Array.isArray(faultLog) || faultLog.length > MAX_ENTRIES) throw new InvalidArgumentError('fault log', faultLog, `an array of at most ${MAX_ENTRIES} fault log entries (sim.faultLog)`);
  for (let index = 0; index < faultLog.length; index++) {
    const field = `fault log[${index}]`;
    const entry: unknown = faultLog[index];
    requireObject(entry, field);
    requireFinite(entry['timeMs'], `${field}.timeMs`);
    requireOneOf(entry['phase'], `${field}.phase`, ['apply', 'revert'] as const);
    if (!Number.isSafeInteger(entry['faultId'])) throw new InvalidArgumentError(`${field}.faultId`, entry['faultId'], 'an integer fault id');
    requireObject(entry['fault'], `${field}.fault`);
    requireString(entry['fault']['kind'], `${field}.fault.kind`);
  }
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

function incidentsOf(faultLog: readonly FaultLogEntry[], untilMs: number, faultKinds: readonly string[] | undefined): ScoredIncident[] {
  const byId = new Map<number, ScoredIncident>();
  for (const entry of faultLog) {
    if (faultKinds !== undefined && !faultKinds.includes(entry.fault.kind)) continue;
    if (entry.phase === 'apply') {
      byId.set(entry.faultId, { faultId: entry.faultId, kind: entry.fault.kind, target: entry.fault.target, startMs: entry.timeMs, endMs: untilMs, firstAlert: undefined, timeToFireMs: undefined });
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
