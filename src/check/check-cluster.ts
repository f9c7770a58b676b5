import { InvalidArgumentError, NondeterminismError, PropertyViolationError } from '../errors.js';
import type { Operation } from '../history/operation.js';
import type { TraceRecordType } from '../kernel/trace-recorder.js';
import { formatTimeline } from '../report/text-timeline.js';
import type { Simulation } from '../simulation.js';
import { ShapeSnapshot } from '../plain-data.js';
import { rejectUnknownKeys, requireBoolean, requireObject, requirePositiveInteger } from '../validate.js';
import { CaseRun, type Violation } from './case-run.js';
import type { CoverageCount } from './coverage.js';
import { replayLine, violationReport } from './failure-report.js';
import { validateCase, validateScenario, type ClusterCase, type ClusterScenario } from './scenario.js';
import { drive, driveAsync, focusedTimeline, type FocusedTimeline } from './violation-focus.js';

/**
 * Options of {@link checkCluster}.
 *
 * @example
 * ```ts
 * checkCluster(scenario, testCase, { selfCheck: true, timelineLines: 60 });
 * ```
 */
export interface CheckOptions {
  /**
   * Run the case twice side by side and fail with {@link NondeterminismError} at the first event
   * after which their trace hashes differ (the code under test used `Math.random`, `Date.now`,
   * host timers or unordered iteration). Costs a second run.
   */
  selfCheck?: boolean;
  /** How many lines of timeline the failure report shows. Default 30. */
  timelineLines?: number;
}

/**
 * What a passing case did.
 *
 * @example
 * ```ts
 * const { traceHash, coverage, history } = checkCluster(scenario, { seed: 1 });
 * ```
 */
export interface ClusterOutcome<System> {
  /** What the scenario's `setup` returned, after the run. */
  system: System;
  /** The simulation, after the run (its logs, fault log and ground truth can be inspected). */
  sim: Simulation;
  /** The run's trace hash: equal for equal cases. */
  traceHash: string;
  /** Events processed. */
  eventsProcessed: number;
  /** `sometimes` counters of this run, including `faults applied` and `operations completed`. */
  coverage: Record<string, CoverageCount>;
  /** The client operations recorded through `history`. */
  history: ReadonlyArray<Operation<unknown, unknown>>;
}

const DEFAULT_TIMELINE_RECORDS = 30;
/** Trace kept by each side of a self-check: enough to show the diverging events. */
const SELF_CHECK_TRACE = 12;
/** A divergence can hide in any record, sends and persists included. */
const EVERY_RECORD_TYPE: readonly TraceRecordType[] = ['callback', 'start', 'send', 'deliver', 'drop', 'timer', 'crash', 'restart', 'persist', 'log', 'clock', 'fault', 'pause', 'resume'];

/**
 * Runs one case of a scenario and checks its invariants after every event, its end invariants
 * at the end, and its liveness requirement after the faults stop. On a failure it throws
 * {@link PropertyViolationError} whose message is the whole report: the property and its
 * evidence, the seed, the fault schedule, the events around the violation as a timeline, and a
 * line that replays the case. Use it as the body of a fast-check property, which then shrinks
 * the case.
 *
 * The timeline is centred where the property broke, found by replaying the case (a pure function
 * of seed, faults and workload): for an `always` invariant, the events up to the one after which
 * it was false; for an end invariant, the first event of the stretch, lasting to the end, after
 * which it is false (the replay evaluates it after each of the last 100,000 events); for
 * `linearizable`, the completion after which the history so far is not linearizable; for
 * liveness, the moment the faults stopped. Half the lines come before that event, half after.
 * Building the report costs one or two extra runs of the failing case.
 *
 * @example
 * ```ts
 * fc.assert(
 *   fc.property(clusterSeed(), faultSchedule({ nodes, horizonMs: 8_000, maxFaults: 4 }), (seed, faults) => {
 *     checkCluster(scenario, { seed, faults });
 *   }),
 * );
 * ```
 */
export function checkCluster<System, Operation>(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>, options: CheckOptions = {}): ClusterOutcome<System> {
  validateScenarioOnce(scenario);
  return checkValidated(scenario, testCase, options, true);
}

/** Scenarios validated, with what each held then (null: too large to snapshot, validated each time). */
const validatedScenarios = new WeakMap<object, ShapeSnapshot | null>();

/**
 * Validates the scenario unless this very object was validated before and still holds exactly
 * what it held then: a property runs thousands of cases of one scenario through checkCluster.
 */
function validateScenarioOnce(scenario: unknown): void {
  const known = typeof scenario === 'object' && scenario !== null ? validatedScenarios.get(scenario) : null;
  if (known?.matches(scenario) === true) return;
  validateScenario(scenario);
  // An object too large to snapshot is not walked again in vain on every case.
  if (known !== null) validatedScenarios.set(scenario as object, ShapeSnapshot.of(scenario) ?? null);
}

/**
 * V8's `Error.stackTraceLimit`, where it exists and may be set (not in a frozen realm). Read once:
 * a realm frozen later makes the assignment throw, which fails the case loudly rather than wrongly.
 */
const STACK_LIMIT_SETTABLE = typeof Error.stackTraceLimit === 'number' && Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit')?.writable === true;

/**
 * A violation found while fast-check searches and shrinks: the case failed, and that is all the
 * search needs. Building the report takes a second, traced run of the case, so the searchers
 * build it once, for the minimal case, with {@link violationFoundReport}. Internal.
 *
 * @example
 * ```ts
 * try { checkValidated(scenario, testCase, {}, false); } catch (error) { if (error instanceof ViolationFound) console.log(error.violation.property); }
 * ```
 */
export class ViolationFound extends Error {
  readonly violation: Violation;

  constructor(violation: Violation) {
    // Without a stack: a shrinking search throws one for each failing candidate, nobody reads
    // its stack (the report is built for the minimal case), and capturing one cost about 2 % of
    // the README's register sweep (measured).
    const limit = STACK_LIMIT_SETTABLE ? Error.stackTraceLimit : undefined;
    if (limit !== undefined) Error.stackTraceLimit = 0;
    try {
      super(`property '${violation.property}' failed after event ${violation.event} (report not built during the search)`);
    } finally {
      if (limit !== undefined) Error.stackTraceLimit = limit;
    }
    this.violation = violation;
    this.name = 'ViolationFound';
  }
}

/**
 * {@link checkCluster} for a scenario already validated (the searchers validate it once, not per
 * case). With `report` false, a violation throws {@link ViolationFound} instead of the report.
 * Internal.
 *
 * @example
 * ```ts
 * const outcome = checkValidated(scenario, { seed: 1 }, {}, true); // as checkCluster, less the scenario's validation
 * ```
 */
export function checkValidated<System, Operation>(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>, options: CheckOptions, report: boolean): ClusterOutcome<System> {
  const settings = prepare(scenario as ClusterScenario<unknown, unknown>, testCase, options, false);
  const run = settings.selfCheck ? runSideBySide(scenario, testCase) : runToEnd(new CaseRun(scenario, testCase));
  if (run.violation !== undefined) {
    if (!report) throw new ViolationFound(run.violation);
    const timeline = drive(focusedTimeline(scenario as ClusterScenario<unknown, unknown>, testCase, run.violation, run.history.operations(), settings.timelineLines));
    throw violationError(scenario, testCase, run.violation, timeline, false, settings.timelineLines);
  }
  return outcome(run);
}

/**
 * {@link checkCluster} for scenarios whose node code uses async/await (`scenario.async: true`).
 *
 * @example
 * ```ts
 * await fc.assert(fc.asyncProperty(clusterSeed(), schedules, async (seed, faults) => {
 *   await checkClusterAsync(scenario, { seed, faults });
 * }));
 * ```
 */
export async function checkClusterAsync<System, Operation>(
  scenario: ClusterScenario<System, Operation>,
  testCase: ClusterCase<Operation>,
  options: CheckOptions = {},
): Promise<ClusterOutcome<System>> {
  validateScenarioOnce(scenario);
  return checkValidatedAsync(scenario, testCase, options, true);
}

/**
 * {@link checkValidated} for async scenarios. Internal.
 *
 * @example
 * ```ts
 * const outcome = await checkValidatedAsync(scenario, { seed: 1 }, {}, true);
 * ```
 */
export async function checkValidatedAsync<System, Operation>(
  scenario: ClusterScenario<System, Operation>,
  testCase: ClusterCase<Operation>,
  options: CheckOptions,
  report: boolean,
): Promise<ClusterOutcome<System>> {
  const settings = prepare(scenario as ClusterScenario<unknown, unknown>, testCase, options, true);
  const run = settings.selfCheck ? await runSideBySideAsync(scenario, testCase) : await runToEndAsync(new CaseRun(scenario, testCase));
  if (run.violation !== undefined) {
    if (!report) throw new ViolationFound(run.violation);
    const timeline = await driveAsync(focusedTimeline(scenario as ClusterScenario<unknown, unknown>, testCase, run.violation, run.history.operations(), settings.timelineLines));
    throw violationError(scenario, testCase, run.violation, timeline, true, settings.timelineLines);
  }
  return outcome(run);
}

/**
 * The error {@link checkCluster} would have thrown for a case that failed with `found` during a
 * search: the case runs again, traced, for the report. A rerun that passes means the code under
 * test is not deterministic, and says so as a first failing rerun would have.
 *
 * @example
 * ```ts
 * const error = await violationFoundReport(scenario, minimalCase, {}, found); // a PropertyViolationError
 * ```
 */
export async function violationFoundReport<System, Operation>(
  scenario: ClusterScenario<System, Operation>,
  testCase: ClusterCase<Operation>,
  options: CheckOptions,
  found: ViolationFound,
): Promise<Error> {
  const isAsync = scenario.async === true;
  try {
    if (isAsync) await checkValidatedAsync(scenario, testCase, options, true);
    else checkValidated(scenario, testCase, options, true);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return nondeterministicViolation(found.violation, undefined);
}

function prepare(scenario: ClusterScenario<unknown, unknown>, testCase: unknown, options: unknown, isAsync: boolean): { selfCheck: boolean; timelineLines: number } {
  validateCase(testCase, scenario);
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', ['selfCheck', 'timelineLines']);
  if (options['selfCheck'] !== undefined) requireBoolean(options['selfCheck'], 'options.selfCheck');
  const timelineLines = options['timelineLines'] ?? DEFAULT_TIMELINE_RECORDS;
  requirePositiveInteger(timelineLines, 'options.timelineLines', 100_000);
  if ((scenario.async ?? false) !== isAsync) {
    const runner = isAsync ? 'checkClusterAsync' : 'checkCluster';
    throw new InvalidArgumentError('scenario.async', scenario.async, `${isAsync ? 'true' : 'false or absent'} for ${runner} (${isAsync ? 'use checkCluster for handler-style code' : 'async node code needs checkClusterAsync'})`);
  }
  return { selfCheck: options['selfCheck'] === true, timelineLines };
}

function runToEnd<System, Operation>(run: CaseRun<System, Operation>): CaseRun<System, Operation> {
  run.runToEnd();
  return run;
}

async function runToEndAsync<System, Operation>(run: CaseRun<System, Operation>): Promise<CaseRun<System, Operation>> {
  while (await run.advanceAsync());
  return run;
}

function runSideBySide<System, Operation>(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>): CaseRun<System, Operation> {
  const first = new CaseRun(scenario, testCase, { traceLimit: SELF_CHECK_TRACE });
  const second = new CaseRun(scenario, testCase, { traceLimit: SELF_CHECK_TRACE });
  for (;;) {
    const more = first.advance();
    compareRuns(first, second, more, second.advance());
    if (!more) return first;
  }
}

async function runSideBySideAsync<System, Operation>(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>): Promise<CaseRun<System, Operation>> {
  const first = new CaseRun(scenario, testCase, { traceLimit: SELF_CHECK_TRACE });
  const second = new CaseRun(scenario, testCase, { traceLimit: SELF_CHECK_TRACE });
  for (;;) {
    const more = await first.advanceAsync();
    compareRuns(first, second, more, await second.advanceAsync());
    if (!more) return first;
  }
}

function compareRuns<System, Operation>(first: CaseRun<System, Operation>, second: CaseRun<System, Operation>, firstMore: boolean, secondMore: boolean): void {
  if (firstMore === secondMore && first.events === second.events && first.sim.traceHash() === second.sim.traceHash() && sameRecentPast(first, second)) return;
  const describe = (run: CaseRun<System, Operation>): string => {
    const records = run.sim.trace!.records();
    return records.length === 0 ? '  (no records)' : formatTimeline(records, { types: EVERY_RECORD_TYPE }).replace(/^/gm, '  ');
  };
  const report = [
    `two runs of the same case diverged after event ${first.events}: the code under test is not deterministic`,
    `(look for Math.random, Date.now, host timers, or iteration over something whose order is not fixed)`,
    `first run, t=${first.sim.now} ms, hash ${first.sim.traceHash()}, last events:`,
    describe(first),
    `second run, t=${second.sim.now} ms, hash ${second.sim.traceHash()}, last events:`,
    describe(second),
  ].join('\n');
  throw new NondeterminismError(first.events, report);
}

/**
 * The trace hash leaves message contents out (too costly on the hot path), so the self-check also
 * compares the recent trace records, contents included, and what each run found.
 */
function sameRecentPast<System, Operation>(first: CaseRun<System, Operation>, second: CaseRun<System, Operation>): boolean {
  return first.violation?.property === second.violation?.property && recordsText(first) === recordsText(second);
}

function recordsText<System, Operation>(run: CaseRun<System, Operation>): string {
  const records = run.sim.trace!.records();
  try {
    return JSON.stringify(records, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));
  } catch {
    // A cyclic message: compare what can be printed.
    return records.map((record) => `${record.timeMs} ${record.type} ${record.node} ${String(record.message)}`).join('\n');
  }
}

function violationError<System, Operation>(
  scenario: ClusterScenario<System, Operation>,
  testCase: ClusterCase<Operation>,
  violation: Violation,
  timeline: FocusedTimeline,
  isAsync: boolean,
  timelineLines: number,
): Error {
  const again = timeline.rerun;
  if (again === undefined || again.event !== violation.event || again.property !== violation.property) return nondeterministicViolation(violation, again);
  const replay = replayLine(testCase, isAsync);
  const report = violationReport({ scenarioName: scenario.name, scenarioOperations: scenario.workload?.length ?? 0, violation, testCase, timeline, timelineLines, replay });
  return new PropertyViolationError(violation.kind, { property: violation.property, timeMs: violation.timeMs, evidence: violation.evidence, replay }, report);
}

function nondeterministicViolation(violation: Violation, again: Violation | undefined): NondeterminismError {
  return new NondeterminismError(violation.event, `the case failed '${violation.property}' after event ${violation.event}, but a rerun of it ${again === undefined ? 'passed' : `failed '${again.property}' after event ${again.event}`}: the code under test is not deterministic; rerun with { selfCheck: true } to find where`);
}

function outcome<System, Operation>(run: CaseRun<System, Operation>): ClusterOutcome<System> {
  return {
    system: run.system,
    sim: run.sim,
    traceHash: run.sim.traceHash(),
    eventsProcessed: run.events,
    coverage: run.coverage.counts(),
    history: run.history.operations(),
  };
}
