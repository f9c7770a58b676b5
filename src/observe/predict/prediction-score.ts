import { InvalidArgumentError } from '../../errors.js';
import { summarise, type Summary } from '../../detectors/qos.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireNonNegative, requireObject, requireString } from '../../validate.js';
import type { PredictionAlarm } from './predictor.js';

/**
 * A degradation that really happened: the ground truth predictions are scored against (the
 * shape `degradationIncidents(sim.faultLog)` returns; other fields are ignored).
 *
 * @example
 * ```ts
 * const incident: PredictionIncident = { target: 'disk-3', onsetMs: 60_000, failureMs: 300_000 };
 * ```
 */
export interface PredictionIncident {
  /** What degraded: compared with an alarm's `target`. */
  target: string;
  /** When the degradation began, true ms. */
  onsetMs: number;
  /** When it ended in a failure (a crash), true ms, not before `onsetMs`; absent if it stayed degraded. */
  failureMs?: number;
}

/**
 * Options of {@link scorePredictions}.
 *
 * @example
 * ```ts
 * const options: PredictionScoreOptions = { fromMs: 0, untilMs: 3_600_000, toleranceMs: 5_000 };
 * ```
 */
export interface PredictionScoreOptions {
  /** Start of the observed window, true ms: alarms before it are not scored. */
  fromMs: number;
  /** End of the observed window, true ms, after `fromMs`: alarms at or after it are not scored. */
  untilMs: number;
  /** How long before an incident's onset an alarm still counts as warning of it, ms >= 0. Default 0. */
  toleranceMs?: number;
}

/**
 * One incident and how the alarms did on it.
 *
 * @example
 * ```ts
 * for (const incident of score.incidents) console.log(incident.target, incident.leadTimeMs);
 * ```
 */
export interface ScoredPredictionIncident {
  /** The incident as given. */
  incident: PredictionIncident;
  /** True when some alarm was true for it. */
  caught: boolean;
  /** Time of its first true alarm, or undefined if missed. */
  firstAlarmMs: number | undefined;
  /** `failureMs − firstAlarmMs`: how long before the failure the first warning came; undefined if missed or if it never failed. */
  leadTimeMs: number | undefined;
}

/**
 * Predictions scored against the truth.
 *
 * @example
 * ```ts
 * const score = scorePredictions(alarms, incidents, { fromMs: 0, untilMs: sim.now });
 * console.log(score.recall, score.precision, score.falseAlarmsPerHour, score.leadTime.p50Ms);
 * ```
 */
export interface PredictionScore {
  /** Start of the window scored, true ms. */
  fromMs: number;
  /** End of the window scored, true ms. */
  untilMs: number;
  /** Alarms in the window. */
  alarms: number;
  /** Alarms in the window that were true for some incident. */
  trueAlarms: number;
  /** The other alarms in the window, in the order given. */
  falseAlarms: PredictionAlarm[];
  /** trueAlarms / alarms; undefined with no alarm (never NaN). */
  precision: number | undefined;
  /** Caught incidents / scored incidents; undefined with no incident. */
  recall: number | undefined;
  /** False alarms per hour of the window (not per target: divide by the fleet size for that). */
  falseAlarmsPerHour: number;
  /** Every scored incident (those whose alarm window meets the observed window), in the order given. */
  incidents: ScoredPredictionIncident[];
  /** The scored incidents no alarm caught. */
  missed: PredictionIncident[];
  /** Lead times of caught incidents that failed (ms): mean, median, p99, max. */
  leadTime: Summary;
}

const MAX_ENTRIES = 10_000_000;
const MS_PER_HOUR = 3_600_000;

/**
 * Scores predictor alarms against incidents, like failure detectors are scored against crashes.
 *
 * - An incident's **alarm window** is `[onsetMs − toleranceMs, failureMs]` (to `untilMs` if it
 *   never failed), both ends included. An alarm is **true** for it when it names the incident's
 *   target and falls in that window; an alarm true for no incident is **false** (this includes
 *   alarms after a failure: they warn of nothing).
 * - Only alarms in `[fromMs, untilMs)` are scored, and only incidents whose alarm window meets it.
 * - **Precision** = true alarms / alarms; **recall** = caught incidents / incidents;
 *   **false alarms per hour** = false alarms / ((untilMs − fromMs) / 3 600 000).
 * - **Lead time** of a caught incident that failed = `failureMs` − its first true alarm (0 when
 *   that alarm came at the failure itself).
 *
 * Alarms and incidents may carry other fields (they are ignored). O((A + I) log A).
 *
 * @throws InvalidArgumentError if alarms or incidents are malformed (a missing target, a
 *   non-finite time, a failure before the onset), or an option is out of range or unknown.
 *
 * @example
 * ```ts
 * const alarms = predictStreams(metricStreams(sim.metrics, 'memory_bytes'), () => new HoltPredictor({ threshold: 1e9, horizonMs: 60_000 }));
 * const score = scorePredictions(alarms, [{ target: 'n1', onsetMs: 10_000, failureMs: 90_000 }], { fromMs: 0, untilMs: 120_000 });
 * ```
 */
export function scorePredictions(alarms: readonly PredictionAlarm[], incidents: readonly PredictionIncident[], options: PredictionScoreOptions): PredictionScore {
  const { fromMs, untilMs, toleranceMs } = readOptions(options);
  requireAlarms(alarms);
  requireIncidents(incidents);
  const inWindow = alarms.filter((alarm) => alarm.timeMs >= fromMs && alarm.timeMs < untilMs);
  const byTarget = timesByTarget(inWindow);
  const isTrue = new Set<number>();
  const scored: ScoredPredictionIncident[] = [];
  for (const incident of incidents) {
    const startMs = incident.onsetMs - toleranceMs;
    const endMs = incident.failureMs ?? untilMs;
    if (endMs < fromMs || startMs >= untilMs) continue;
    const candidates = byTarget.get(incident.target) ?? [];
    let position = firstAtOrAfter(candidates, startMs);
    const first = candidates[position];
    const caught = first !== undefined && first.timeMs <= endMs;
    for (; position < candidates.length && candidates[position]!.timeMs <= endMs; position++) isTrue.add(candidates[position]!.index);
    const firstAlarmMs = caught ? first.timeMs : undefined;
    const leadTimeMs = caught && incident.failureMs !== undefined ? incident.failureMs - first.timeMs : undefined;
    scored.push({ incident, caught, firstAlarmMs, leadTimeMs });
  }
  const falseAlarms = inWindow.filter((_, index) => !isTrue.has(index));
  const caughtCount = scored.filter((entry) => entry.caught).length;
  return {
    fromMs,
    untilMs,
    alarms: inWindow.length,
    trueAlarms: isTrue.size,
    falseAlarms,
    precision: inWindow.length === 0 ? undefined : isTrue.size / inWindow.length,
    recall: scored.length === 0 ? undefined : caughtCount / scored.length,
    falseAlarmsPerHour: (falseAlarms.length * MS_PER_HOUR) / (untilMs - fromMs),
    incidents: scored,
    missed: scored.filter((entry) => !entry.caught).map((entry) => entry.incident),
    leadTime: summarise(scored.flatMap((entry) => (entry.leadTimeMs === undefined ? [] : [entry.leadTimeMs]))),
  };
}

interface IndexedTime {
  timeMs: number;
  index: number;
}

/** Each target's alarm times, sorted, with their index in `alarms`. */
function timesByTarget(alarms: readonly PredictionAlarm[]): Map<string, IndexedTime[]> {
  const byTarget = new Map<string, IndexedTime[]>();
  alarms.forEach((alarm, index) => {
    let list = byTarget.get(alarm.target);
    if (list === undefined) byTarget.set(alarm.target, (list = []));
    list.push({ timeMs: alarm.timeMs, index });
  });
  for (const list of byTarget.values()) list.sort((a, b) => a.timeMs - b.timeMs || a.index - b.index);
  return byTarget;
}

function firstAtOrAfter(sorted: readonly IndexedTime[], timeMs: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.timeMs < timeMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

function readOptions(options: unknown): { fromMs: number; untilMs: number; toleranceMs: number } {
  const field = 'prediction score options';
  requireObject(options, field);
  rejectUnknownKeys(options, field, ['fromMs', 'untilMs', 'toleranceMs']);
  requireFinite(options['fromMs'], `${field}.fromMs`);
  requireFinite(options['untilMs'], `${field}.untilMs`);
  if (options['untilMs'] <= options['fromMs']) throw new InvalidArgumentError(`${field}.untilMs`, options['untilMs'], `a time after fromMs (${options['fromMs']}ms)`);
  const toleranceMs = orDefault(options['toleranceMs'], 0);
  requireNonNegative(toleranceMs, `${field}.toleranceMs`);
  return { fromMs: options['fromMs'], untilMs: options['untilMs'], toleranceMs };
}

/** Throws unless `alarms` is an array of alarms (each with a target and a finite time). */
export function requireAlarms(alarms: unknown): asserts alarms is readonly PredictionAlarm[] {
  if (!Array.isArray(alarms) || alarms.length > MAX_ENTRIES) throw new InvalidArgumentError('alarms', alarms, `an array of at most ${MAX_ENTRIES} prediction alarms`);
  for (let index = 0; index < alarms.length; index++) {
    const alarm: unknown = alarms[index];
    requireObject(alarm, `alarms[${index}]`);
    requireString(alarm['target'], `alarms[${index}].target`);
    requireFinite(alarm['timeMs'], `alarms[${index}].timeMs`);
  }
}

/** Throws unless `incidents` is an array of incidents (target, finite onset, failure not before it). */
export function requireIncidents(incidents: unknown): asserts incidents is readonly PredictionIncident[] {
  if (!Array.isArray(incidents) || incidents.length > MAX_ENTRIES) throw new InvalidArgumentError('incidents', incidents, `an array of at most ${MAX_ENTRIES} incidents`);
  for (let index = 0; index < incidents.length; index++) {
    const field = `incidents[${index}]`;
    const incident: unknown = incidents[index];
    requireObject(incident, field);
    requireString(incident['target'], `${field}.target`);
    requireFinite(incident['onsetMs'], `${field}.onsetMs`);
    const failureMs = incident['failureMs'];
    if (failureMs === undefined) continue;
    requireFinite(failureMs, `${field}.failureMs`, 'a finite time in ms, or absent');
    if (failureMs < incident['onsetMs']) throw new InvalidArgumentError(`${field}.failureMs`, failureMs, `a time not before onsetMs (${incident['onsetMs']}ms)`);
  }
}
