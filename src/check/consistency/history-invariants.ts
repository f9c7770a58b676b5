import type { Operation } from '../../history/operation.js';
import type { RegisterInput, RegisterValue } from '../../linearizability/register-model.js';
import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireFunction, requireObject, requireString } from '../../validate.js';
import type { Invariant } from '../scenario.js';
import { checkLostUpdates, type UpdateRule } from './lost-updates.js';
import { replicaEntries, type ReplicaStates } from './replica-states.js';
import { checkSessionGuarantees, type SessionCheckOptions } from './session-guarantees.js';

/**
 * Options of {@link sessionGuarantees}: the history to read, and {@link checkSessionGuarantees}'s options.
 *
 * @example
 * ```ts
 * const options: SessionGuaranteesOptions<Store> = { history: (store) => store.history.operations(), guarantees: ['read-your-writes'] };
 * ```
 */
export interface SessionGuaranteesOptions<System> extends SessionCheckOptions {
  /** Names the property in reports. Default `'session guarantees'`. */
  name?: string;
  /** Reads the recorded register history, e.g. from the `HistoryRecorder` the scenario's setup got. */
  history: (system: System, sim: Simulation) => ReadonlyArray<Operation<RegisterInput, RegisterValue>>;
}

/**
 * An end invariant: the recorded history keeps the session guarantees (by default all three),
 * with the breaking operations as evidence. See {@link checkSessionGuarantees}.
 *
 * @example
 * ```ts
 * setup(sim, { history }) { return buildStore(sim, history); },
 * invariants: [sessionGuarantees({ history: (store) => store.history.operations() })],
 * ```
 */
export function sessionGuarantees<System>(options: SessionGuaranteesOptions<System>): Invariant<System> {
  requireObject(options, 'options');
  const { name = 'session guarantees', history, ...checkOptions } = options;
  requireString(name, 'options.name');
  requireFunction(history, 'options.history');
  // Checks the remaining options now, on an empty history, so a mistake is named at configuration.
  checkSessionGuarantees([], checkOptions);
  return {
    name,
    when: 'end',
    check: (system, sim) => {
      const result = checkSessionGuarantees(history(system, sim), checkOptions);
      return result.holds || result.text;
    },
  };
}

/**
 * Options of {@link noLostUpdates}.
 *
 * @example
 * ```ts
 * const options: NoLostUpdatesOptions<Store> = { history: (store) => store.history.operations(), replicas: (store) => store.values(), rule: 'last-writer-wins' };
 * ```
 */
export interface NoLostUpdatesOptions<System> {
  /** Names the property in reports. Default `'no acknowledged update is lost'`. */
  name?: string;
  /** Reads the recorded history of updates. */
  history: (system: System, sim: Simulation) => ReadonlyArray<Operation<unknown, unknown>>;
  /** Reads each replica's final state (an object or a Map by replica id); each replica is checked. */
  replicas: (system: System, sim: Simulation) => ReplicaStates<unknown>;
  /** Which concurrent updates may win; see {@link UpdateRule}. */
  rule: UpdateRule;
}

/**
 * An end invariant: every acknowledged update is reflected in every replica's final state, or
 * superseded by one the rule lets win; the losses listed when not. See {@link checkLostUpdates}.
 *
 * @example
 * ```ts
 * invariants: [noLostUpdates({ history: (store) => store.history.operations(), replicas: (store) => store.values(), rule: 'last-writer-wins' })],
 * ```
 */
export function noLostUpdates<System>(options: NoLostUpdatesOptions<System>): Invariant<System> {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', ['name', 'history', 'replicas', 'rule']);
  const name = options.name ?? 'no acknowledged update is lost';
  requireString(name, 'options.name');
  requireFunction(options.history, 'options.history');
  requireFunction(options.replicas, 'options.replicas');
  checkLostUpdates([], undefined, options.rule);
  return {
    name,
    when: 'end',
    check: (system, sim) => {
      const history = options.history(system, sim);
      const reports = replicaEntries<unknown>(options.replicas(system, sim), `${name}: replicas(...)`).flatMap(([replica, state]) => {
        const result = checkLostUpdates(history, state, options.rule);
        return result.holds ? [] : [`on ${replica}: ${result.text}`];
      });
      return reports.length === 0 || reports.join('\n');
    },
  };
}

