import { InvalidArgumentError } from '../../errors.js';
import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireFinite, requireFunction, requireObject, requirePositive, requireString } from '../../validate.js';
import type { Invariant } from '../scenario.js';
import { canonicalText } from './describe.js';
import { describeGroups, groupByState, replicaEntries, structurallyEqual, type ReplicaStates } from './replica-states.js';

/**
 * Options of {@link convergence}.
 *
 * @example
 * ```ts
 * const options: ConvergenceOptions<Store, Record<string, number>> = {
 *   replicas: (store) => store.states(), fromMs: 6_000, withinMs: 2_000,
 * };
 * ```
 */
export interface ConvergenceOptions<System, State> {
  /** Names the property in reports. Default `'replicas converge'`. */
  name?: string;
  /** Reads each replica's state: an object or a Map from replica id to state. */
  replicas: (system: System, sim: Simulation) => ReplicaStates<State>;
  /** When two states are the same. Default: structural equality (object key order, Set order ignored). */
  equal?: (a: State, b: State) => boolean;
  /** A state as text for the evidence. Default: canonical JSON-like text. */
  describe?: (state: State) => string;
  /** True time from which no fault acts (e.g. the scenario's `healAtMs`), in ms. */
  fromMs: number;
  /** How long after `fromMs` the replicas have to agree, in ms; keep `fromMs + withinMs` at most `untilMs`. */
  withinMs: number;
}

/**
 * When one run's replicas converged, as {@link ConvergenceCheck.measure} reports it.
 *
 * @example
 * ```ts
 * const { convergedAtMs, tookMs } = converged.measure(outcome.sim);
 * ```
 */
export interface ConvergenceMeasure {
  /** When the faults ended (the `fromMs` option). */
  readonly fromMs: number;
  /** The first event at or after `fromMs` after which all replicas agreed; `undefined`: not yet. */
  readonly convergedAtMs: number | undefined;
  /** `convergedAtMs - fromMs`, the time it took; `undefined`: not yet. */
  readonly tookMs: number | undefined;
}

/**
 * A convergence check: its invariants for a scenario, and the time each run took.
 *
 * @example
 * ```ts
 * const converged = convergence({ replicas: (store) => store.states(), fromMs: 6_000, withinMs: 2_000 });
 * const scenario = { ...base, healAtMs: 6_000, invariants: [converged.invariant, converged.atEnd] };
 * ```
 */
export interface ConvergenceCheck<System> {
  /**
   * Checked after every event: broken at the first event past `fromMs + withinMs` if the
   * replicas have not all agreed at some event since `fromMs`, with the replicas grouped by state.
   * Once they agreed, it holds for the rest of the run (later writes may diverge them again).
   */
  readonly invariant: Invariant<System>;
  /** An end invariant: all replicas agree at the end of the run (the workload must have stopped). */
  readonly atEnd: Invariant<System>;
  /** When the replicas of the run of `sim` converged, so far. */
  measure(sim: Simulation): ConvergenceMeasure;
}

const CONVERGENCE_KEYS = ['name', 'replicas', 'equal', 'describe', 'fromMs', 'withinMs'];

/**
 * Checks that after the faults end all replicas reach the same state within a bound, and
 * measures how long it took. Use its `invariant` (and `atEnd`, when the workload stops) in a
 * scenario for {@link checkCluster} or {@link assertCluster}.
 *
 * @example
 * ```ts
 * const converged = convergence({ replicas: (store) => store.states(), fromMs: 6_000, withinMs: 2_000 });
 * const outcome = checkCluster({ ...scenario, healAtMs: 6_000, invariants: [converged.invariant] }, { seed: 1, faults });
 * converged.measure(outcome.sim).tookMs; // e.g. 340
 * ```
 */
export function convergence<System, State>(options: ConvergenceOptions<System, State>): ConvergenceCheck<System> {
  const settings = readOptions(options);
  const reached = new WeakMap<Simulation, number>();
  const groupsOf = (system: System, sim: Simulation) => groupByState(replicaEntries<State>(settings.replicas(system, sim), `${settings.name}: replicas(...)`), settings.equal);
  const deadlineMs = settings.fromMs + settings.withinMs;
  const invariant: Invariant<System> = {
    name: settings.name,
    check: (system, sim) => {
      if (sim.now < settings.fromMs || reached.has(sim)) return true;
      const groups = groupsOf(system, sim);
      if (groups.length <= 1) {
        reached.set(sim, sim.now);
        return true;
      }
      if (sim.now <= deadlineMs) return true;
      return `the replicas did not agree at any event between ${settings.fromMs} ms (faults ended) and ${deadlineMs} ms; at ${sim.now} ms they hold ${groups.length} different states:\n${describeGroups(groups, settings.describe)}`;
    },
  };
  const atEnd: Invariant<System> = {
    name: `${settings.name} (at the end)`,
    when: 'end',
    check: (system, sim) => {
      const groups = groupsOf(system, sim);
      return groups.length <= 1 || `at ${sim.now} ms the replicas hold ${groups.length} different states:\n${describeGroups(groups, settings.describe)}`;
    },
  };
  const measure = (sim: Simulation): ConvergenceMeasure => {
    const convergedAtMs = reached.get(sim);
    return { fromMs: settings.fromMs, convergedAtMs, tookMs: convergedAtMs === undefined ? undefined : convergedAtMs - settings.fromMs };
  };
  return { invariant, atEnd, measure };
}

function readOptions<System, State>(options: unknown): Required<ConvergenceOptions<System, State>> {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', CONVERGENCE_KEYS);
  const name = options['name'] ?? 'replicas converge';
  requireString(name, 'options.name');
  requireFunction(options['replicas'], 'options.replicas');
  if (options['equal'] !== undefined) requireFunction(options['equal'], 'options.equal');
  if (options['describe'] !== undefined) requireFunction(options['describe'], 'options.describe');
  requireFinite(options['fromMs'], 'options.fromMs', 'a time >= 0 ms');
  if (options['fromMs'] < 0) throw new InvalidArgumentError('options.fromMs', options['fromMs'], 'a time >= 0 ms');
  requirePositive(options['withinMs'], 'options.withinMs');
  requireFinite(options['withinMs'], 'options.withinMs');
  const equal = (options['equal'] as ((a: State, b: State) => boolean) | undefined) ?? structurallyEqual;
  return {
    name,
    replicas: options['replicas'] as ConvergenceOptions<System, State>['replicas'],
    equal: (a, b) => strictBoolean(equal(a, b), 'options.equal'),
    describe: (options['describe'] as ((state: State) => string) | undefined) ?? ((state) => canonicalText(state)),
    fromMs: options['fromMs'],
    withinMs: options['withinMs'],
  };
}

/** A comparison that returns something else than a boolean is a mistake, not a verdict. */
export function strictBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(field, value, 'a function returning true or false');
  return value;
}
