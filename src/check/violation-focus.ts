import type { Operation } from '../history/operation.js';
import type { TraceRecord } from '../kernel/trace-recorder.js';
import { checkLinearizability } from '../linearizability/check-linearizability.js';
import { CaseRun, evaluate, type Violation } from './case-run.js';
import type { ClusterCase, ClusterScenario, Invariant } from './scenario.js';

/**
 * An end invariant is evaluated after each of at most this many events (the last ones of the
 * run) to find where it broke: a check that costs a millisecond then costs at most 100 s, once,
 * for the minimal case only.
 */
export const MAX_SCANNED_EVENTS = 100_000;
/** The timeline leaves out sends and persists, so keep more records than lines. */
export const RECORDS_PER_LINE = 3;

/** Where the timeline is centred: after an event, or before the first event past a time. */
type Focus = { afterEvent: number; label: string } | { timeMs: number; inclusive: boolean; label: string };

/**
 * The trace around a violation: records up to the focus event, records after it, and what the
 * focus is. `rerun` is the traced run's own violation, to tell a nondeterministic case.
 */
export interface FocusedTimeline {
  before: TraceRecord[];
  after: TraceRecord[];
  /** What the focus is; `undefined` when it is the event that found the violation (the run's last). */
  label: string | undefined;
  /** The focus as the rerun found it: events processed, and the time. */
  focusEvent: number;
  focusTimeMs: number;
  rerun: Violation | undefined;
}

type AnyRun = CaseRun<unknown, unknown>;
/** Yields a run that needs one more event; receives whether it has more. */
type Replay<T> = Generator<AnyRun, T, boolean>;

/** Drives a replay with synchronous events. */
export function drive<T>(replay: Replay<T>): T {
  let next = replay.next();
  while (next.done !== true) next = replay.next(next.value.advance());
  return next.value;
}

/** Drives a replay whose node code is async. */
export async function driveAsync<T>(replay: Replay<T>): Promise<T> {
  let next = replay.next();
  while (next.done !== true) next = replay.next(await next.value.advanceAsync());
  return next.value;
}

/**
 * Replays a failed case to show the events around its violation, not merely the last ones:
 * - an `always` invariant: the event after which it was false (the run stops there);
 * - an end invariant (`when: 'end'`): the first event of the stretch, lasting to the end, after
 *   which it is false (one extra run that evaluates it after every event, of the last
 *   {@link MAX_SCANNED_EVENTS});
 * - `linearizable`: the completion after which the history so far is no longer linearizable
 *   (found by bisecting the recorded history, no extra run);
 * - liveness: the moment the faults stopped (`fromMs`), where recovery should have begun (the
 *   report states the deadline).
 *
 * @example
 * ```ts
 * const timeline = drive(focusedTimeline(scenario, testCase, violation, history, 30));
 * ```
 */
export function* focusedTimeline(
  scenario: ClusterScenario<unknown, unknown>,
  testCase: ClusterCase<unknown>,
  violation: Violation,
  history: ReadonlyArray<Operation<unknown, unknown>>,
  timelineLines: number,
): Replay<FocusedTimeline> {
  const found = yield* focusOf(scenario, testCase, violation, history);
  const focus = found ?? { afterEvent: violation.event, label: '' };
  const afterLines = Math.floor(timelineLines / 2);
  const run = new CaseRun(scenario, testCase, { traceLimit: timelineLines * RECORDS_PER_LINE });
  let more = true;
  while (more && !reached(run, focus)) more = yield run;
  const pushedAtFocus = run.sim.trace!.pushedCount;
  const focusEvent = run.events;
  const focusTimeMs = run.sim.now;
  while (more && run.sim.trace!.pushedCount - pushedAtFocus < afterLines * RECORDS_PER_LINE) more = yield run;
  const records = run.sim.trace!.records();
  const split = records.length - Math.min(records.length, run.sim.trace!.pushedCount - pushedAtFocus);
  // Run on to the end, so a rerun that fails differently (or not at all) is still caught.
  while (more) more = yield run;
  return { before: records.slice(0, split), after: records.slice(split), label: found?.label, focusEvent, focusTimeMs, rerun: run.violation };
}

function reached(run: AnyRun, focus: Focus): boolean {
  if ('afterEvent' in focus) return run.events >= focus.afterEvent;
  const nextMs = run.sim.nextEventTime();
  return focus.inclusive ? nextMs > focus.timeMs : nextMs >= focus.timeMs;
}

/** Where to centre the timeline; `undefined`: at the event that found the violation. */
function* focusOf(scenario: ClusterScenario<unknown, unknown>, testCase: ClusterCase<unknown>, violation: Violation, history: ReadonlyArray<Operation<unknown, unknown>>): Replay<Focus | undefined> {
  if (violation.kind === 'liveness') return { timeMs: scenario.liveness!.fromMs, inclusive: false, label: `the faults stopping at t=${scenario.liveness!.fromMs} ms, when recovery should begin` };
  const invariant = scenario.invariants?.find((candidate) => candidate.name === violation.property);
  if (invariant === undefined && violation.property === 'linearizable' && scenario.linearizability !== undefined) return linearizabilityFocus(scenario, history);
  if (invariant === undefined || (invariant.when ?? 'always') === 'always') return undefined;
  return yield* endInvariantFocus(scenario, testCase, invariant, violation.event);
}

/** The first event of the last stretch after which `invariant` is false, by one replay. */
function* endInvariantFocus(scenario: ClusterScenario<unknown, unknown>, testCase: ClusterCase<unknown>, invariant: Invariant<unknown>, events: number): Replay<Focus> {
  const firstScanned = Math.max(1, events - MAX_SCANNED_EVENTS + 1);
  const run = new CaseRun(scenario, testCase);
  let falseSince: number | undefined;
  let more = true;
  while (more) {
    more = yield run;
    if (run.events < firstScanned) continue;
    if (evaluate(invariant, run.system, run.sim) === undefined) falseSince = undefined;
    else falseSince ??= run.events;
  }
  const event = falseSince ?? events;
  const since = event === firstScanned && firstScanned > 1 ? ` (at least: only the last ${MAX_SCANNED_EVENTS} events were scanned)` : '';
  return { afterEvent: event, label: `event ${event}, after which '${invariant.name}' was false to the end${since}` };
}

/**
 * The first completion after which the history so far is not linearizable: operations invoked
 * by then, those not complete by then left pending. A pending operation may take effect or not,
 * so a non-linearizable prefix stays so as it grows: bisect.
 */
function linearizabilityFocus(scenario: ClusterScenario<unknown, unknown>, history: ReadonlyArray<Operation<unknown, unknown>>): Focus | undefined {
  const requirement = scenario.linearizability!;
  const options = requirement.maxSteps === undefined ? {} : { maxSteps: requirement.maxSteps };
  const times = [...new Set(history.filter((operation) => operation.completeMs !== undefined && operation.status !== 'info').map((operation) => operation.completeMs!))].sort((a, b) => a - b);
  const broken = (timeMs: number): boolean => checkLinearizability(prefixAt(history, timeMs), requirement.model, options).verdict === 'not-linearizable';
  let low = 0;
  let high = times.length - 1;
  if (high < 0 || !broken(times[high]!)) return undefined;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (broken(times[middle]!)) high = middle;
    else low = middle + 1;
  }
  return { timeMs: times[low]!, inclusive: true, label: `the operations completing at t=${times[low]} ms, after which the history so far is not linearizable` };
}

function prefixAt(history: ReadonlyArray<Operation<unknown, unknown>>, timeMs: number): Array<Operation<unknown, unknown>> {
  return history
    .filter((operation) => operation.invokeMs <= timeMs)
    .map((operation) => {
      if (operation.completeMs !== undefined && operation.completeMs <= timeMs) return operation;
      const { output: _output, completeMs: _completeMs, ...pending } = operation;
      return { ...pending, status: 'pending' as const };
    });
}
