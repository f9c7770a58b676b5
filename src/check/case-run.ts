import { InvalidArgumentError, InvariantError, LimitExceededError } from '../errors.js';
import { HistoryRecorder } from '../history/history-recorder.js';
import { Simulation, type SimulationOptions } from '../simulation.js';
import type { Seed } from '../kernel/rng.js';
import { DROP_LINK_BLOCKED, DROP_NODE_DOWN, DROP_RECEIVE_OMISSION, DROP_SEND_OMISSION } from '../world/network.js';
import { Coverage, FAULTS_APPLIED, FAULTS_HIT, LINEARIZABILITY_DECIDED, OPERATIONS_COMPLETED } from './coverage.js';
import { checkLinearizability } from '../linearizability/check-linearizability.js';
import type { Operation as RecordedOperation } from '../history/operation.js';
import { DEFAULT_MAX_EVENTS_PER_RUN, type ClusterCase, type ClusterScenario, type Invariant } from './scenario.js';

/**
 * A broken property, as data: which, when, and what the check said.
 *
 * @example
 * ```ts
 * const violation: Violation = { property: 'one leader', kind: 'safety', timeMs: 1_250, event: 4_311, evidence: 'n1 and n3 lead term 2' };
 * ```
 */
export interface Violation {
  /** Name of the invariant or liveness condition. */
  property: string;
  /** `safety`: an invariant was false; `liveness`: a condition never held before its deadline. */
  kind: 'safety' | 'liveness';
  /** True time of the failure, in ms (the deadline, for liveness). */
  timeMs: number;
  /** Events processed when it was found (a rerun stops at the same one). */
  event: number;
  /** What the invariant returned, when it was a string. */
  evidence?: string;
}

type Check<System> = Pick<Invariant<System>, 'name' | 'check'>;

/** Drop reasons that only a fault causes: a message lost to one of them means the fault hit. */
const FAULT_DROPS = [DROP_NODE_DOWN, DROP_LINK_BLOCKED, DROP_SEND_OMISSION, DROP_RECEIVE_OMISSION];

/**
 * One run of one case, advanced an event at a time so invariants are checked between events and
 * two runs can be stepped side by side. Internal: the public runners drive it.
 */
export class CaseRun<System, Operation> {
  readonly sim: Simulation;
  readonly system: System;
  readonly coverage = new Coverage();
  readonly history = new HistoryRecorder<unknown, unknown>();
  violation: Violation | undefined = undefined;
  events = 0;
  private finished = false;
  private readonly scenario: ClusterScenario<System, Operation>;
  private readonly alwaysChecks: ReadonlyArray<Check<System>>;
  private readonly endChecks: ReadonlyArray<Check<System>>;
  private readonly awaiting: Array<Check<System>>;
  private readonly maxEvents: number;

  constructor(scenario: ClusterScenario<System, Operation>, testCase: ClusterCase<Operation>, options: { traceLimit?: number } = {}) {
    this.scenario = scenario;
    const invariants = scenario.invariants ?? [];
    this.alwaysChecks = invariants.filter((invariant) => (invariant.when ?? 'always') === 'always');
    this.endChecks = invariants;
    this.awaiting = [...(scenario.liveness?.eventually ?? [])];
    this.maxEvents = scenario.maxEvents ?? DEFAULT_MAX_EVENTS_PER_RUN;
    this.sim = new Simulation(caseOptions(scenario, testCase.seed, options.traceLimit));
    this.system = scenario.setup(this.sim, { coverage: this.coverage, history: this.history });
    this.sim.inject(testCase.faults ?? [], scenario.budget === undefined ? {} : { budget: scenario.budget });
    // The scenario's fixed operations first: at equal times they are issued before the case's.
    for (const item of scenario.workload ?? []) this.sim.scheduleAt(item.atMs, () => scenario.operate!(this.system, item, this.sim));
    for (const item of testCase.workload ?? []) this.sim.scheduleAt(item.atMs, () => scenario.operate!(this.system, item, this.sim));
    const healAtMs = scenario.liveness?.fromMs ?? scenario.healAtMs;
    if (healAtMs !== undefined) this.sim.livenessPhase(healAtMs);
  }

  /** True once the run has ended (at `untilMs` or at a violation). */
  get done(): boolean {
    return this.finished;
  }

  /** Processes one event and checks what must hold after it. Returns false once the run is done. */
  advance(): boolean {
    if (!this.beforeEvent()) return false;
    this.sim.step();
    return this.afterEvent();
  }

  /**
   * Runs the case to its end: the same events, checks and errors as {@link CaseRun.advance} until
   * it returns false, without a `step` call per event. With nothing to check between events (no
   * `always` invariant, no liveness condition waiting) the events run in one `run` call; with
   * `always` invariants, in one `runWatched` call that checks them after each event.
   */
  runToEnd(): void {
    // A liveness condition still waiting needs its deadline checked before each event: step.
    if (!this.finished && this.awaiting.length === 0) {
      if (this.alwaysChecks.length === 0) this.runUnchecked();
      else this.sim.runWatched(this.scenario.untilMs, this.maxEvents - this.events, () => this.afterEvent());
    }
    // Steps from where the batch stopped: to the end checks, or to the case's maxEvents error.
    while (this.advance());
  }

  private runUnchecked(): void {
    const allowed = this.maxEvents - this.events;
    let processed: number;
    try {
      processed = this.sim.run({ until: this.scenario.untilMs, maxEvents: allowed }).eventsProcessed;
    } catch (error) {
      // The kernel stops at the same event stepping would; the error is the case's own.
      if (error instanceof LimitExceededError && error.limit === 'maxEvents' && error.bound === allowed) this.throwMaxEvents();
      throw error;
    }
    this.events += processed;
  }

  /** {@link CaseRun.advance} for async node code. */
  async advanceAsync(): Promise<boolean> {
    if (!this.beforeEvent()) return false;
    await this.sim.stepAsync();
    return this.afterEvent();
  }

  private beforeEvent(): boolean {
    if (this.finished) return false;
    const nextMs = this.sim.nextEventTime();
    const liveness = this.scenario.liveness;
    if (liveness !== undefined && this.awaiting.length > 0 && nextMs > liveness.fromMs + liveness.withinMs) {
      this.failLiveness(liveness.fromMs + liveness.withinMs);
      return false;
    }
    if (nextMs > this.scenario.untilMs) {
      this.finishAtEnd();
      return false;
    }
    if (this.events >= this.maxEvents) this.throwMaxEvents();
    return true;
  }

  private throwMaxEvents(): never {
    throw new LimitExceededError('maxEvents', this.maxEvents, this.sim.now, 'one run processed this many events; raise scenario.maxEvents');
  }

  private afterEvent(): boolean {
    this.events++;
    for (const check of this.alwaysChecks) {
      if (this.violated(check, 'safety')) return false;
    }
    this.checkLiveness();
    return !this.finished;
  }

  private checkLiveness(): void {
    const liveness = this.scenario.liveness;
    if (liveness === undefined || this.awaiting.length === 0 || this.sim.now < liveness.fromMs) return;
    for (let index = this.awaiting.length - 1; index >= 0; index--) {
      if (evaluate(this.awaiting[index]!, this.system, this.sim) === undefined) this.awaiting.splice(index, 1);
    }
  }

  private failLiveness(deadlineMs: number): void {
    const names = this.awaiting.map((check) => `'${check.name}'`).join(', ');
    const fromMs = this.scenario.liveness!.fromMs;
    this.fail({ property: this.awaiting[0]!.name, kind: 'liveness', timeMs: deadlineMs, event: this.events, evidence: `${names} did not hold between ${fromMs} ms (faults stopped) and ${deadlineMs} ms` });
  }

  private finishAtEnd(): void {
    this.sim.run({ until: this.scenario.untilMs });
    for (const check of this.endChecks) {
      if (this.violated(check, 'safety')) return;
    }
    if (this.checkLinearizability()) return;
    this.finished = true;
    this.coverage.sometimes(FAULTS_APPLIED, this.sim.faultLog.some((entry) => entry.phase === 'apply'));
    this.coverage.sometimes(FAULTS_HIT, FAULT_DROPS.some((code) => this.sim.network.droppedFor(code) > 0));
    this.coverage.sometimes(OPERATIONS_COMPLETED, this.history.operations().some((operation) => operation.status === 'ok'));
  }

  /** The scenario's linearizability requirement, if any; true when it was violated. */
  private checkLinearizability(): boolean {
    const requirement = this.scenario.linearizability;
    if (requirement === undefined) return false;
    const options = requirement.maxSteps === undefined ? {} : { maxSteps: requirement.maxSteps };
    const result = checkLinearizability(this.history.operations() as ReadonlyArray<RecordedOperation<unknown, unknown>>, requirement.model, options);
    this.coverage.sometimes(LINEARIZABILITY_DECIDED, result.verdict !== 'unknown');
    if (result.verdict !== 'not-linearizable') return false;
    const key = result.key === undefined ? '' : ` (key ${result.key})`;
    this.fail({ property: 'linearizable', kind: 'safety', timeMs: this.sim.now, event: this.events, evidence: `the history is not linearizable${key}:\n${result.evidence.text}` });
    return true;
  }

  private violated(check: Check<System>, kind: 'safety'): boolean {
    const evidence = evaluate(check, this.system, this.sim);
    if (evidence === undefined) return false;
    this.fail({ property: check.name, kind, timeMs: this.sim.now, event: this.events, ...(evidence === '' ? {} : { evidence }) });
    return true;
  }

  private fail(violation: Violation): void {
    this.violation = violation;
    this.finished = true;
  }
}

/** `undefined` when the check holds; otherwise its evidence (empty when it returned false). */
export function evaluate<System>(check: Check<System>, system: System, sim: Simulation): string | undefined {
  let outcome: unknown;
  try {
    outcome = check.check(system, sim);
  } catch (error) {
    throw new InvariantError(check.name, sim.now, `threw (${error instanceof Error ? error.message : String(error)})`, error);
  }
  if (outcome === true) return undefined;
  if (outcome === false) return '';
  if (typeof outcome === 'string') return outcome;
  throw new InvariantError(check.name, sim.now, `returned ${outcome === undefined ? 'undefined' : typeof outcome}`);
}

/**
 * The scenario's simulation options with the case's seed (and trace, for reports). Copied with
 * `Object.assign` and set field by field, not written as an object spread: on Node 20 an object
 * made by spreading then adding `seed` made `new Simulation` about twice as slow (3-5 µs more per
 * case, measured), as every option read in the constructors was slower on it.
 */
function caseOptions(scenario: { simulation?: object }, seed: Seed, traceLimit: number | undefined): SimulationOptions {
  const source = simulationOptions(scenario);
  // `Object.assign` would set the prototype from an own "__proto__" key (JSON.parse makes one);
  // the spread copies it as a key, which the constructor then refuses as an unknown option.
  const options = (Object.hasOwn(source, '__proto__') ? { ...source } : Object.assign({}, source)) as unknown as SimulationOptions;
  options.seed = seed;
  if (traceLimit !== undefined) options.trace = { limit: traceLimit };
  return options;
}

function simulationOptions(scenario: { simulation?: object }): Record<string, unknown> {
  const options = (scenario.simulation ?? {}) as Record<string, unknown>;
  for (const owned of ['seed', 'trace']) {
    if (options[owned] !== undefined) throw new InvalidArgumentError(`scenario.simulation.${owned}`, options[owned], `absent: the case sets the ${owned === 'seed' ? 'seed' : 'trace (for failure reports)'}`);
  }
  return options;
}
