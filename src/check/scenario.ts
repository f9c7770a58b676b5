import { InvalidArgumentError } from '../errors.js';
import { validateBudget, type FaultBudget } from '../faults/budget.js';
import type { FaultSchedule } from '../faults/fault.js';
import type { Seed } from '../kernel/rng.js';
import type { Simulation, SimulationOptions } from '../simulation.js';
import { rejectUnknownKeys, requireBoolean, requireFinite, requireFunction, requireObject, requirePositive, requirePositiveInteger, requireString } from '../validate.js';
import type { Coverage } from './coverage.js';
import type { HistoryRecorder } from '../history/history-recorder.js';
import type { Model } from '../linearizability/model.js';
import { validateModel } from '../linearizability/validate-history.js';
import { requirePlainData } from '../plain-data.js';

/**
 * A safety property of the cluster. `check` returns `true` while it holds; `false`, or a string
 * of evidence, when it is broken.
 *
 * @example
 * ```ts
 * const oneLeader: Invariant<Cluster> = {
 *   name: 'at most one leader per term',
 *   check: (cluster) => cluster.leadersPerTerm().every((leaders) => leaders.length <= 1) || `leaders: ${cluster.describeLeaders()}`,
 * };
 * ```
 */
export interface Invariant<System> {
  /** Names the property in reports. */
  name: string;
  /** `true` when it holds; `false` or evidence when it does not. */
  check: (system: System, sim: Simulation) => boolean | string;
  /** `always` (default): checked after every event and at the end; `end`: only at the end. */
  when?: 'always' | 'end';
}

/**
 * "Eventually P within T": from `fromMs` the faults stop (crashed nodes restart, partitions
 * heal, paused nodes resume) and each condition in `eventually` must hold at some moment within
 * `withinMs`.
 *
 * @example
 * ```ts
 * const liveness: LivenessRequirement<Cluster> = {
 *   fromMs: 10_000,
 *   withinMs: 3_000,
 *   eventually: [{ name: 'a leader is elected', check: (cluster) => cluster.leader() !== undefined }],
 * };
 * ```
 */
export interface LivenessRequirement<System> {
  /** When the faults stop, in true ms. */
  fromMs: number;
  /** How long the cluster has to recover, in ms. */
  withinMs: number;
  /** Conditions that must each hold at some moment in [fromMs, fromMs + withinMs]. */
  eventually: ReadonlyArray<Pick<Invariant<System>, 'name' | 'check'>>;
}

/**
 * One client operation of a workload: at `atMs` the scenario's `operate` runs it as `client`.
 *
 * @example
 * ```ts
 * const write: WorkloadOperation<{ type: 'write'; value: number }> = { atMs: 250, client: 'c1', operation: { type: 'write', value: 3 } };
 * ```
 */
export interface WorkloadOperation<Operation> {
  /** True time at which the operation is issued, in ms. */
  atMs: number;
  /** Which client issues it. */
  client: string;
  /** The operation itself (plain data, so a case prints and replays). */
  operation: Operation;
}

/**
 * What a scenario's `setup` gets besides the simulation: coverage counters, and a history
 * recorder for client operations (checked for linearizability when the scenario names a model).
 *
 * @example
 * ```ts
 * setup(sim, { coverage, history }) {
 *   // ... add nodes; clients call history.invoke / ok / fail / info, and coverage.sometimes(...)
 * }
 * ```
 */
export interface ScenarioTools {
  /** `sometimes(name, condition)` counters, so a pass can be shown not to be vacuous. */
  coverage: Coverage;
  /** Records client operations with simulated times. */
  history: HistoryRecorder<unknown, unknown>;
}

/**
 * A cluster to test: how to build it, what to run against it, and what must hold. One scenario
 * serves every case; a case (seed, faults, workload) varies.
 *
 * @example
 * ```ts
 * const scenario: ClusterScenario<Register, Op> = {
 *   name: 'replicated register',
 *   setup: (sim, tools) => buildRegister(sim, tools),
 *   operate: (register, { client, operation }) => register.client(client).submit(operation),
 *   invariants: [{ name: 'replicas agree', check: (register) => register.replicasAgree(), when: 'end' }],
 *   untilMs: 10_000,
 * };
 * ```
 */
export interface ClusterScenario<System = unknown, Operation = unknown> {
  /** Names the scenario in reports. */
  name?: string;
  /** Simulation options besides the seed and the trace (network, tieBreak, limits). */
  simulation?: Omit<SimulationOptions, 'seed' | 'trace'>;
  /** Builds the cluster in a fresh simulation and returns what the checks inspect. */
  setup: (sim: Simulation, tools: ScenarioTools) => System;
  /** Issues one workload operation at its time. Required when cases carry a workload. */
  operate?: (system: System, operation: WorkloadOperation<Operation>, sim: Simulation) => void;
  /** Safety properties. */
  invariants?: ReadonlyArray<Invariant<System>>;
  /** A liveness requirement checked after the faults stop. */
  liveness?: LivenessRequirement<System>;
  /**
   * Heal at this true time, then check at the end: from `healAtMs` no fault starts and every
   * active fault ends (crashed nodes restart, partitions heal, paused nodes resume), and the
   * `when: 'end'` invariants are checked at `untilMs` as always. In [0, untilMs). Not with
   * `liveness`, whose `fromMs` already heals the cluster.
   */
  healAtMs?: number;
  /**
   * Client operations every case runs, issued through `operate` (which it then requires). A
   * case's own (generated) workload runs as well, on top of these; at equal times these go
   * first. Replay lines leave them out: they are part of the scenario.
   */
  workload?: ReadonlyArray<WorkloadOperation<Operation>>;
  /** The run ends at this true time, in ms. */
  untilMs: number;
  /** Node code uses async/await (`ctx.sleep`, `ctx.receive`, `ctx.call`): use the async runners. */
  async?: boolean;
  /** Fault schedules must respect this budget (checked when they are injected). */
  budget?: FaultBudget;
  /** Bound on the events of one run. Default 10,000,000. */
  maxEvents?: number;
  /**
   * Check at the end that the operations recorded through `history` are linearizable with
   * respect to `model` (e.g. `registerModel()`). A `not-linearizable` verdict is a violation of
   * the property `linearizable`, with the checker's evidence; an `unknown` verdict (budget spent)
   * is not, but is counted as the coverage condition `linearizability decided`.
   */
  linearizability?: LinearizabilityRequirement;
}

/**
 * The linearizability check a scenario asks for at the end of each run.
 *
 * @example
 * ```ts
 * const requirement: LinearizabilityRequirement = { model: registerModel({ initialValue: 0 }), maxSteps: 1_000_000 };
 * ```
 */
export interface LinearizabilityRequirement {
  /** The sequential specification, e.g. `registerModel()`, `casRegisterModel()`, `keyValueModel()`. */
  model: Model<unknown, unknown, unknown>;
  /** The checker's deterministic step budget (default: the checker's). */
  maxSteps?: number;
}

/**
 * One case of a scenario: everything that varies between runs. Plain data, so it prints and
 * replays.
 *
 * @example
 * ```ts
 * const testCase: ClusterCase = { seed: 42, faults: [{ kind: 'crash', atMs: 1_000, durationMs: 500, target: 'n2' }] };
 * ```
 */
export interface ClusterCase<Operation = unknown> {
  /** Seed of the simulation: latencies, losses and every other draw. */
  seed: Seed;
  /** The faults to inject. */
  faults?: FaultSchedule;
  /** Client operations, issued through the scenario's `operate`. */
  workload?: ReadonlyArray<WorkloadOperation<Operation>>;
}

const SCENARIO_KEYS = ['name', 'simulation', 'setup', 'operate', 'invariants', 'liveness', 'healAtMs', 'workload', 'untilMs', 'async', 'budget', 'maxEvents', 'linearizability'];
const CASE_KEYS = ['seed', 'faults', 'workload'];
/** Default bound on events per run. */
export const DEFAULT_MAX_EVENTS_PER_RUN = 10_000_000;

/** Checks a scenario's shape once, at the boundary, so a mistake is named before any run. */
export function validateScenario(scenario: unknown): asserts scenario is ClusterScenario<unknown, unknown> {
  requireObject(scenario, 'scenario');
  rejectUnknownKeys(scenario, 'scenario', SCENARIO_KEYS);
  if (scenario['name'] !== undefined) requireString(scenario['name'], 'scenario.name');
  if (scenario['simulation'] !== undefined) requireObject(scenario['simulation'], 'scenario.simulation');
  requireFunction(scenario['setup'], 'scenario.setup');
  if (scenario['operate'] !== undefined) requireFunction(scenario['operate'], 'scenario.operate');
  requirePositive(scenario['untilMs'], 'scenario.untilMs');
  requireFinite(scenario['untilMs'], 'scenario.untilMs');
  if (scenario['async'] !== undefined) requireBoolean(scenario['async'], 'scenario.async');
  if (scenario['maxEvents'] !== undefined) requirePositiveInteger(scenario['maxEvents'], 'scenario.maxEvents');
  if (scenario['budget'] !== undefined) validateBudget(scenario['budget'], 'scenario.budget');
  if (scenario['invariants'] !== undefined) validateInvariants(scenario['invariants'], 'scenario.invariants', true);
  if (scenario['liveness'] !== undefined) validateLiveness(scenario['liveness'], scenario['untilMs']);
  if (scenario['healAtMs'] !== undefined) validateHealAt(scenario['healAtMs'], scenario['untilMs'], scenario['liveness'] !== undefined);
  validateWorkload(scenario['workload'], 'scenario.workload', scenario as unknown as ClusterScenario<unknown, unknown>, 'the scenario has a workload');
  const linearizability = scenario['linearizability'];
  if (linearizability !== undefined) {
    requireObject(linearizability, 'scenario.linearizability');
    rejectUnknownKeys(linearizability, 'scenario.linearizability', ['model', 'maxSteps']);
    validateModel(linearizability['model']);
    if (linearizability['maxSteps'] !== undefined) requirePositiveInteger(linearizability['maxSteps'], 'scenario.linearizability.maxSteps');
  }
}

function validateInvariants(invariants: unknown, field: string, allowWhen: boolean): void {
  if (!Array.isArray(invariants)) throw new InvalidArgumentError(field, invariants, 'an array of { name, check } objects');
  invariants.forEach((invariant: unknown, index) => {
    const at = `${field}[${index}]`;
    requireObject(invariant, at);
    rejectUnknownKeys(invariant, at, allowWhen ? ['name', 'check', 'when'] : ['name', 'check']);
    requireString(invariant['name'], `${at}.name`);
    requireFunction(invariant['check'], `${at}.check`);
    const when = invariant['when'];
    if (when !== undefined && when !== 'always' && when !== 'end') throw new InvalidArgumentError(`${at}.when`, when, `'always' or 'end'`);
  });
}

function validateLiveness(liveness: unknown, untilMs: number): void {
  requireObject(liveness, 'scenario.liveness');
  rejectUnknownKeys(liveness, 'scenario.liveness', ['fromMs', 'withinMs', 'eventually']);
  requireFinite(liveness['fromMs'], 'scenario.liveness.fromMs');
  if (liveness['fromMs'] < 0) throw new InvalidArgumentError('scenario.liveness.fromMs', liveness['fromMs'], 'a time >= 0 ms');
  requirePositive(liveness['withinMs'], 'scenario.liveness.withinMs');
  const deadlineMs = liveness['fromMs'] + (liveness['withinMs'] as number);
  if (deadlineMs > untilMs) {
    throw new InvalidArgumentError('scenario.liveness.withinMs', liveness['withinMs'], `at most untilMs - fromMs (${untilMs - liveness['fromMs']} ms), so the deadline falls inside the run`);
  }
  validateInvariants(liveness['eventually'], 'scenario.liveness.eventually', false);
}

function validateHealAt(healAtMs: unknown, untilMs: number, hasLiveness: boolean): void {
  requireFinite(healAtMs, 'scenario.healAtMs', `a time in [0, ${untilMs}) ms`);
  if (healAtMs < 0 || healAtMs >= untilMs) throw new InvalidArgumentError('scenario.healAtMs', healAtMs, `a time in [0, ${untilMs}) ms (before untilMs, so the end checks see the healed cluster)`);
  // Two heal times would leave the reader guessing which one wins: liveness.fromMs heals already.
  if (hasLiveness) throw new InvalidArgumentError('scenario.healAtMs', healAtMs, 'absent when scenario.liveness is set (liveness.fromMs already stops the faults)');
}

/** Checks a case's shape; faults themselves are validated by `sim.inject`. */
export function validateCase(testCase: unknown, scenario: ClusterScenario<unknown, unknown>): asserts testCase is ClusterCase<unknown> {
  requireObject(testCase, 'case');
  rejectUnknownKeys(testCase, 'case', CASE_KEYS);
  const seed = testCase['seed'];
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) throw new InvalidArgumentError('case.seed', seed, 'a string or a finite number');
  if (testCase['faults'] !== undefined && !Array.isArray(testCase['faults'])) throw new InvalidArgumentError('case.faults', testCase['faults'], 'an array of faults');
  validateWorkload(testCase['workload'], 'case.workload', scenario, 'the case has a workload');
}

/** A workload's shape: operations in the run's time, by named clients, as plain data. */
function validateWorkload(workload: unknown, field: string, scenario: ClusterScenario<unknown, unknown>, because: string): void {
  if (workload === undefined) return;
  if (!Array.isArray(workload)) throw new InvalidArgumentError(field, workload, 'an array of { atMs, client, operation }');
  if (workload.length > 0 && scenario.operate === undefined) throw new InvalidArgumentError('scenario.operate', undefined, `a function, since ${because}`);
  workload.forEach((item: unknown, index) => {
    const at = `${field}[${index}]`;
    requireObject(item, at);
    rejectUnknownKeys(item, at, ['atMs', 'client', 'operation']);
    requireFinite(item['atMs'], `${at}.atMs`);
    if (item['atMs'] < 0 || item['atMs'] > scenario.untilMs) throw new InvalidArgumentError(`${at}.atMs`, item['atMs'], `a time in [0, ${scenario.untilMs}] ms`);
    requireString(item['client'], `${at}.client`);
    // The replay line carries operations as JSON: one that JSON would change could not replay.
    requirePlainData(item['operation'], `${at}.operation`);
  });
}
