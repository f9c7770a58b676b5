import fc from 'fast-check';
import { CoverageError, InvalidArgumentError, FaultlineError, PropertyFailedError, PropertyViolationError, type PropertyCounterexample, type PropertyFailureDetails } from '../errors.js';
import type { FaultSchedule } from '../faults/fault.js';
import { rejectUnknownKeys, requireBoolean, requireObject, requirePositiveInteger, requireString } from '../validate.js';
import { clusterSeed } from './arbitraries/cluster-seed.js';
import { faultSchedule, type FaultScheduleOptions } from './arbitraries/fault-schedule.js';
import { CaseRun } from './case-run.js';
import { checkValidated, checkValidatedAsync, violationFoundReport, ViolationFound, type CheckOptions } from './check-cluster.js';
import { describeFault, replayLine } from './failure-report.js';
import { PassedCases } from './passed-cases.js';
import { validateScenario, type ClusterCase, type ClusterScenario, type WorkloadOperation } from './scenario.js';

/**
 * How {@link assertCluster} searches.
 *
 * @example
 * ```ts
 * const options: AssertClusterOptions<Op> = {
 *   faults: { nodes: ['n1', 'n2', 'n3'], kinds: ['crash', 'partition'], maxFaults: 3, horizonMs: 8_000 },
 *   workload: workload({ clients: ['c1'], operation: writes, horizonMs: 8_000 }),
 *   numRuns: 200,
 *   requireCoverage: { sometimes: ['faults applied', 'operations completed'] },
 * };
 * ```
 */
export interface AssertClusterOptions<Operation> {
  /** Fault schedules to try: options of {@link faultSchedule}, or any arbitrary. Absent: no faults. */
  faults?: FaultScheduleOptions | fc.Arbitrary<FaultSchedule>;
  /** Workloads to try. Absent: none. */
  workload?: fc.Arbitrary<Array<WorkloadOperation<Operation>>>;
  /** Cases to run. Default 100. */
  numRuns?: number;
  /** fast-check's seed, to replay a search. Default: drawn by fast-check. */
  seed?: number;
  /** fast-check's path, with `seed`, to jump straight to a shrunk counterexample. */
  path?: string;
  /** Run every case twice side by side (see {@link CheckOptions.selfCheck}). */
  selfCheck?: boolean;
  /** Lines of timeline in the failure report. Default 30. */
  timelineLines?: number;
  /** The suite fails with {@link CoverageError} unless each named `sometimes` condition was met in some run. */
  requireCoverage?: CoverageRequirement;
}

/**
 * What a suite must have exercised for a pass to count.
 *
 * @example
 * ```ts
 * const required: CoverageRequirement = { sometimes: ['faults applied', 'operations completed', 'leader changed'] };
 * ```
 */
export interface CoverageRequirement {
  /** `sometimes` conditions that must each be met in at least one run. */
  sometimes: readonly string[];
}

/**
 * What a passing {@link assertCluster} covered.
 *
 * @example
 * ```ts
 * const summary = await assertCluster(scenario, options);
 * console.log(summary.runs, summary.coverage['faults applied']);
 * ```
 */
export interface ClusterCheckSummary {
  /** Cases run. */
  runs: number;
  /** fast-check's seed of the search. */
  seed: number;
  /** Per `sometimes` condition: in how many runs it was met at least once. */
  coverage: Record<string, number>;
}

/**
 * One generated case as fast-check sees it: (simulation seed, fault schedule, workload).
 *
 * @example
 * ```ts
 * const tuple: CaseTuple<never> = [42, [{ kind: 'crash', atMs: 100, durationMs: 50, target: 'n1' }], []];
 * ```
 */
export type CaseTuple<Operation> = [number, FaultSchedule, Array<WorkloadOperation<Operation>>];
const OPTION_KEYS = ['faults', 'workload', 'numRuns', 'seed', 'path', 'selfCheck', 'timelineLines', 'requireCoverage'];

/**
 * The fast-check property behind {@link assertCluster}: one case is (seed, faults, workload), and
 * the predicate is {@link checkCluster} (or its async form). Use it to drive fast-check yourself,
 * e.g. `fc.check(clusterProperty(scenario, options), { seed })`. Before any case runs, it builds
 * the scenario once to check that the fault options name its nodes (and, when partitions are
 * drawn, list every node, clients included), so a mistake is reported as itself rather than as a
 * failing case. `onPass` receives the coverage of each passing case. The simulation of a passing
 * case is disposed when the case ends (its arrays go to the next case's): one kept past its case,
 * in the system state say, throws `InvalidStateError` if run again. Once a case has failed, a
 * case the shrinker asks for again that passed before is not run again (a case is a pure function
 * of its seed, faults and workload; cases are told apart by their JSON), unless `selfCheck` is
 * on: `onPass` receives the same coverage object again, so treat it as read-only. The property
 * keeps remembering passes (at most 4,096) for its life, over later `fc.check` runs too.
 *
 * @example
 * ```ts
 * await fc.assert(clusterProperty(scenario, { faults: { nodes, horizonMs: 5_000 } }), { numRuns: 300 });
 * ```
 */
export function clusterProperty<System, Operation>(
  scenario: ClusterScenario<System, Operation>,
  options: AssertClusterOptions<Operation>,
  onPass: (coverage: Record<string, { met: number }>) => void = () => {},
): fc.IAsyncPropertyWithHooks<CaseTuple<Operation>> {
  return searchProperty(scenario, options, onPass, true);
}

/**
 * {@link clusterProperty}, for the searchers: with `report` false a failing case throws
 * {@link ViolationFound} rather than its report, and {@link failureOf} builds the report once, for
 * the minimal case. Internal.
 *
 * @example
 * ```ts
 * const details = await fc.check(searchProperty(scenario, options, () => {}, false), { seed: 17 });
 * ```
 */
export function searchProperty<System, Operation>(
  scenario: ClusterScenario<System, Operation>,
  options: AssertClusterOptions<Operation>,
  onPass: (coverage: Record<string, { met: number }>) => void,
  report: boolean,
): fc.IAsyncPropertyWithHooks<CaseTuple<Operation>> {
  validateScenario(scenario);
  readOptions(options);
  const faults = faultsArbitrary(scenario, options.faults);
  const operations = options.workload ?? fc.constant<Array<WorkloadOperation<Operation>>>([]);
  const checkOptions = checkOptionsOf(options);
  // A self-check is there to catch a case that is not a pure function of its inputs: it runs
  // every case, repeats included.
  const passed = checkOptions.selfCheck ? undefined : new PassedCases<Coverage>();
  // The scenario was validated above, once: each case validates only what varies.
  return fc.asyncProperty(clusterSeed(), faults, operations, async (seed, schedule, items) => {
    const key = passed?.keyOf([seed, schedule, items]);
    let coverage = passed?.coverageOf(key);
    if (coverage === undefined) {
      try {
        const testCase = caseOf(seed, schedule, items);
        coverage = scenario.async === true ? await runAsyncCase(scenario, testCase, checkOptions, report) : runSyncCase(scenario, testCase, checkOptions, report);
      } catch (error) {
        passed?.startShrinking();
        throw error;
      }
      passed?.remember(key, coverage);
    }
    onPass(coverage);
  });
}

type Coverage = Record<string, { met: number }>;

/** Runs one case of an async scenario; resolves to its coverage, or rejects with what failed it. */
async function runAsyncCase<System, Operation>(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>, checkOptions: CheckOptions, report: boolean): Promise<Coverage> {
  return (await checkValidatedAsync(scenario, testCase, checkOptions, report)).coverage;
}

/** Runs one case of a synchronous scenario; returns its coverage, or throws what failed it. */
function runSyncCase<System, Operation>(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>, checkOptions: CheckOptions, report: boolean): Coverage {
  const outcome = checkValidated(scenario, testCase, checkOptions, report);
  // The case passed, and nobody reads its simulation again: the next case takes its arrays.
  // (Not for async scenarios: a continuation left waiting could still reach a disposed one.)
  outcome.sim.dispose();
  return outcome.coverage;
}

/**
 * What a failed search threw for its minimal case: the error itself, or, when the search ran
 * without reports ({@link searchProperty}), the report {@link checkCluster} gives for that case.
 * Internal.
 *
 * @example
 * ```ts
 * if (details.failed) console.log(await failureOf(scenario, options, details));
 * ```
 */
export async function failureOf<System, Operation>(scenario: ClusterScenario<System, Operation>, options: AssertClusterOptions<Operation>, details: fc.RunDetails<CaseTuple<Operation>>): Promise<unknown> {
  const error = details.errorInstance;
  const counterexample = details.counterexample;
  if (!(error instanceof ViolationFound) || counterexample === null) return error;
  const [seed, schedule, items] = counterexample;
  return violationFoundReport(scenario, caseOf(seed, schedule, items), checkOptionsOf(options), error);
}

function checkOptionsOf<Operation>(options: AssertClusterOptions<Operation>): CheckOptions {
  return { selfCheck: options.selfCheck ?? false, ...(options.timelineLines === undefined ? {} : { timelineLines: options.timelineLines }) };
}

/**
 * Searches for a failing case with fast-check: generates seeds, fault schedules and workloads,
 * runs each through {@link checkCluster}, shrinks a failure to a minimal case, and throws
 * {@link PropertyFailedError} whose message holds fast-check's seed and path, the minimal fault
 * schedule, the violated property with its evidence, the events around the violation, and the
 * replay lines; its fields hold the shrunk case as data (`counterexample`), `numRuns`,
 * `numShrinks`, `seed` and `path`. A pass that did not cover `requireCoverage` throws {@link CoverageError}.
 *
 * @example
 * ```ts
 * await assertCluster(scenario, {
 *   faults: { nodes: ['n1', 'n2', 'n3'], kinds: ['partition'], maxFaults: 2, horizonMs: 6_000 },
 *   numRuns: 300,
 *   requireCoverage: { sometimes: ['faults applied'] },
 * });
 * ```
 */
export async function assertCluster<System, Operation>(scenario: ClusterScenario<System, Operation>, options: AssertClusterOptions<Operation> = {}): Promise<ClusterCheckSummary> {
  const runsMet = new Map<string, number>();
  const property = searchProperty(
    scenario,
    options,
    (coverage) => {
      for (const [name, count] of Object.entries(coverage)) runsMet.set(name, (runsMet.get(name) ?? 0) + (count.met > 0 ? 1 : 0));
    },
    false,
  );
  const parameters = { numRuns: options.numRuns ?? 100, ...(options.seed === undefined ? {} : { seed: options.seed }), ...(options.path === undefined ? {} : { path: options.path }) };
  const details = await fc.check(property, parameters);
  if (details.failed) throw failure(details, await failureOf(scenario, options, details), scenario.async === true);
  const coverage = Object.fromEntries(runsMet);
  const missing = (options.requireCoverage?.sometimes ?? []).filter((name) => (runsMet.get(name) ?? 0) === 0);
  if (missing.length > 0) {
    throw new CoverageError(`${details.numRuns} runs passed, but vacuously: ${missing.map((name) => `'${name}'`).join(', ')} never happened (met in 0 runs; seen: ${JSON.stringify(coverage)})`);
  }
  return { runs: details.numRuns, seed: details.seed, coverage };
}

/** The schedules to draw: none, the user's arbitrary, or `faultSchedule` under the scenario's budget. */
function faultsArbitrary<System, Operation>(scenario: ClusterScenario<System, Operation>, faults: AssertClusterOptions<Operation>['faults']): fc.Arbitrary<FaultSchedule> {
  if (faults === undefined) return fc.constant<FaultSchedule>([]);
  if (isArbitrary(faults)) return faults;
  requireNodesOf(scenario, faults);
  return faultSchedule(faults.budget === undefined && scenario.budget !== undefined ? { ...faults, budget: scenario.budget } : faults);
}

/** Node ids of each scenario (built once, seed 0), by its `setup`: a sweep asks for every seed. */
const scenarioNodeIds = new WeakMap<object, { setup: unknown; nodeIds: readonly string[] }>();

function nodeIdsOf<System, Operation>(scenario: ClusterScenario<System, Operation>): readonly string[] {
  const known = scenarioNodeIds.get(scenario);
  if (known !== undefined && known.setup === scenario.setup) return known.nodeIds;
  const nodeIds = new CaseRun(scenario, { seed: 0 }).sim.nodeIds();
  scenarioNodeIds.set(scenario, { setup: scenario.setup, nodeIds });
  return nodeIds;
}

/** Builds the scenario once (seed 0, no faults) to check the fault options against its nodes. */
function requireNodesOf<System, Operation>(scenario: ClusterScenario<System, Operation>, faults: FaultScheduleOptions): void {
  const nodeIds = nodeIdsOf(scenario);
  for (const field of ['nodes', 'clients'] as const) {
    const unknown = (faults[field] ?? []).filter((id) => !nodeIds.includes(id));
    if (unknown.length > 0) throw new InvalidArgumentError(`options.faults.${field}`, faults[field], `ids of the scenario's nodes (${nodeIds.join(', ')}); unknown: ${unknown.join(', ')}`);
  }
  const listed = new Set([...faults.nodes, ...(faults.clients ?? [])]);
  const unlisted = nodeIds.filter((id) => !listed.has(id));
  if ((faults.kinds ?? ['partition']).includes('partition') && unlisted.length > 0) {
    throw new InvalidArgumentError('options.faults.clients', faults.clients, `the scenario's other nodes too, since a partition must place every node on a side (missing: ${unlisted.join(', ')})`);
  }
}

/** Mistakes in the scenario or the options: reported as themselves, not as a failing case. */
const CONFIGURATION_ERRORS = new Set(['INVALID_ARGUMENT', 'UNKNOWN_NODE', 'DUPLICATE_NODE', 'BUDGET_EXCEEDED', 'FAULT_CONFLICT', 'INVARIANT_THREW', 'ASYNC_RUN_REQUIRED']);

function failure<Operation>(details: fc.RunDetails<CaseTuple<Operation>>, error: unknown, isAsync: boolean): FaultlineError {
  if (error instanceof FaultlineError && CONFIGURATION_ERRORS.has(error.code)) return error;
  const search = `fast-check seed ${details.seed}, path "${details.counterexamplePath ?? ''}", after ${details.numRuns} runs and ${details.numShrinks} shrinks`;
  const header = `property failed: ${search}`;
  const rerunSearch = `  await assertCluster(scenario, { ...options, seed: ${details.seed}, path: ${JSON.stringify(details.counterexamplePath ?? '')} });`;
  const found = searchDetails(details);
  if (error instanceof PropertyViolationError) {
    return new PropertyFailedError(details.seed, details.counterexamplePath ?? '', `${header}\n${error.message}\nor replay the search:\n${rerunSearch}`, error, found);
  }
  const counterexample = details.counterexample;
  const lines = [header, `the case threw: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`];
  if (counterexample !== null) {
    const [seed, schedule, items] = counterexample;
    lines.push(`seed: ${seed}`, `faults (${schedule.length}):`, ...schedule.map((fault) => `  ${describeFault(fault)}`), 'replay:', `  ${replayLine(caseOf(seed, schedule, items), isAsync)}`);
  }
  lines.push('or replay the search:', rerunSearch);
  return new PropertyFailedError(details.seed, details.counterexamplePath ?? '', lines.join('\n'), error, found);
}

/** The search's figures and its shrunk case as data, for {@link PropertyFailedError}'s fields. */
function searchDetails<Operation>(details: fc.RunDetails<CaseTuple<Operation>>): PropertyFailureDetails {
  const tuple = details.counterexample;
  const counterexample: PropertyCounterexample | undefined = tuple === null ? undefined : { seed: tuple[0], faults: [...tuple[1]], workload: [...tuple[2]] };
  return { counterexample, numRuns: details.numRuns, numShrinks: details.numShrinks };
}

function caseOf<Operation>(seed: number, faults: FaultSchedule, items: Array<WorkloadOperation<Operation>>): ClusterCase<Operation> {
  return items.length === 0 ? { seed, faults } : { seed, faults, workload: items };
}

function isArbitrary(value: unknown): value is fc.Arbitrary<FaultSchedule> {
  const candidate = value as { generate?: unknown; shrink?: unknown };
  return typeof candidate.generate === 'function' && typeof candidate.shrink === 'function';
}

function readOptions(options: unknown): void {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', OPTION_KEYS);
  if (options['faults'] !== undefined) requireObject(options['faults'], 'options.faults');
  if (options['workload'] !== undefined && !isArbitrary(options['workload'])) throw new InvalidArgumentError('options.workload', options['workload'], 'a fast-check arbitrary (see workload())');
  if (options['numRuns'] !== undefined) requirePositiveInteger(options['numRuns'], 'options.numRuns', 10_000_000);
  if (options['seed'] !== undefined && !Number.isInteger(options['seed'])) throw new InvalidArgumentError('options.seed', options['seed'], 'an integer (a fast-check seed)');
  if (options['path'] !== undefined) requireString(options['path'], 'options.path');
  if (options['selfCheck'] !== undefined) requireBoolean(options['selfCheck'], 'options.selfCheck');
  const coverage = options['requireCoverage'];
  if (coverage !== undefined) {
    requireObject(coverage, 'options.requireCoverage');
    rejectUnknownKeys(coverage, 'options.requireCoverage', ['sometimes']);
    const names = coverage['sometimes'];
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) throw new InvalidArgumentError('options.requireCoverage.sometimes', names, 'an array of condition names');
  }
}
