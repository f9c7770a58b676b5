import { rejectUnknownKeys, requireBoolean, requireObject } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import type { Fault } from './fault.js';
import type { FailureModel, NodeList } from './failure-model.js';

/**
 * A declarative bound on how bad a schedule may get, checked when it is injected and honoured by
 * the nemesis.
 *
 * @example
 * ```ts
 * sim.inject(schedule, { budget: { maxNodesDown: 1, keepMajorityConnected: true } });
 * ```
 */
export interface FaultBudget {
  /** At most this many nodes crashed or paused at once. */
  maxNodesDown?: number;
  /**
   * At every moment some majority of the nodes is up and pairwise connected both ways (what a
   * quorum system needs to make progress).
   */
  keepMajorityConnected?: boolean;
}

/**
 * A fault with its model, as the budget check sees it.
 *
 * @example
 * ```ts
 * const entry: BudgetedFault = { fault: { kind: 'crash', atMs: 0, target: 'a' }, model: builtInFailureModels[0]! };
 * ```
 */
export interface BudgetedFault {
  /** The fault record. */
  readonly fault: Fault;
  /** Its failure model (for downNodes and cuts). */
  readonly model: FailureModel;
}

/**
 * Where and why a schedule breaks its budget.
 *
 * @example
 * ```ts
 * const violation: BudgetViolation = { timeMs: 1_000, faultIndex: 1, reason: '2 nodes down (a, b), more than maxNodesDown 1' };
 * ```
 */
export interface BudgetViolation {
  /** The first moment the budget is broken. */
  timeMs: number;
  /** Index (in the list checked) of the fault whose start or presence tips it over: the latest to start. */
  faultIndex: number;
  /** What is broken. */
  reason: string;
}

/**
 * Checks a budget's own fields and returns it.
 *
 * @example
 * ```ts
 * validateBudget({ maxNodesDown: 1 }, 'budget');
 * ```
 */
export function validateBudget(budget: unknown, field: string): FaultBudget {
  requireObject(budget, field);
  rejectUnknownKeys(budget, field, ['maxNodesDown', 'keepMajorityConnected']);
  const maxNodesDown = budget['maxNodesDown'];
  if (maxNodesDown !== undefined && !(typeof maxNodesDown === 'number' && Number.isInteger(maxNodesDown) && maxNodesDown >= 0)) {
    throw new InvalidArgumentError(`${field}.maxNodesDown`, maxNodesDown, 'an integer >= 0');
  }
  if (budget['keepMajorityConnected'] !== undefined) requireBoolean(budget['keepMajorityConnected'], `${field}.keepMajorityConnected`);
  return budget as FaultBudget;
}

/**
 * Returns the first moment at which the faults break the budget, with the reason, or undefined.
 * Checks every moment a fault starts or ends.
 *
 * @example
 * ```ts
 * const crash = builtInFailureModels.find((model) => model.kind === 'crash')!;
 * findBudgetViolation([{ fault: { kind: 'crash', atMs: 0, target: 'a' }, model: crash }], { nodeIds: () => ['a', 'b'] }, { maxNodesDown: 0 });
 * // { timeMs: 0, faultIndex: 0, reason: '1 nodes down (a), more than maxNodesDown 0' }
 * ```
 */
export function findBudgetViolation(faults: readonly BudgetedFault[], nodes: NodeList, budget: FaultBudget): BudgetViolation | undefined {
  const moments = [...new Set(faults.flatMap(({ fault }) => [fault.atMs, endOf(fault)]))].filter(Number.isFinite).sort((a, b) => a - b);
  for (const timeMs of moments) {
    const active = faults.filter(({ fault }) => fault.atMs <= timeMs && timeMs < endOf(fault));
    const reason = violationAt(active, nodes, budget);
    if (reason === undefined) continue;
    const latest = active.reduce((best, candidate) => (candidate.fault.atMs >= best.fault.atMs ? candidate : best));
    return { timeMs, faultIndex: faults.indexOf(latest), reason };
  }
  return undefined;
}

function endOf(fault: Fault): number {
  return fault.durationMs === undefined ? Infinity : fault.atMs + fault.durationMs;
}

function violationAt(active: readonly BudgetedFault[], nodes: NodeList, budget: FaultBudget): string | undefined {
  const down = new Set(active.flatMap(({ fault, model }) => model.downNodes?.(fault, nodes) ?? []));
  if (budget.maxNodesDown !== undefined && down.size > budget.maxNodesDown) {
    return `${down.size} nodes down (${[...down].join(', ')}), more than maxNodesDown ${budget.maxNodesDown}`;
  }
  if (budget.keepMajorityConnected === true) {
    const all = nodes.nodeIds();
    const cuts = new Set(active.flatMap(({ fault, model }) => model.cuts?.(fault, nodes) ?? []).map(([from, to]) => `${from}\u0000${to}`));
    const up = all.filter((id) => !down.has(id));
    const largest = largestConnectedGroup(up, (a, b) => !cuts.has(`${a}\u0000${b}`) && !cuts.has(`${b}\u0000${a}`));
    if (largest * 2 <= all.length) return `the largest pairwise-connected group of up nodes has ${largest} of ${all.length} nodes, not a majority`;
  }
  return undefined;
}

/** Size of the largest clique (branch and bound; clusters in simulations are small). */
function largestConnectedGroup(ids: readonly string[], connected: (a: string, b: string) => boolean): number {
  let best = 0;
  const grow = (size: number, candidates: readonly string[]): void => {
    if (size + candidates.length <= best) return;
    if (candidates.length === 0) {
      best = size;
      return;
    }
    const [first, ...rest] = candidates as [string, ...string[]];
    grow(size + 1, rest.filter((other) => connected(first, other)));
    grow(size, rest);
  };
  grow(0, ids);
  return best;
}
