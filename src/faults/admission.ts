import type { BudgetedFault } from './budget.js';
import type { Fault } from './fault.js';
import type { NodeList } from './failure-model.js';

/**
 * True when `candidate` overlaps in time an accepted fault that claims one of its conflict keys
 * (two crashes of one node, two skews of one clock, …): a schedule holding both would be refused
 * by `sim.inject`, so generators drop the candidate instead.
 */
export function conflictsWithAccepted(candidate: BudgetedFault, accepted: readonly BudgetedFault[], nodes?: NodeList): boolean {
  const keys = candidate.model.conflictKeys?.(candidate.fault, nodes) ?? [];
  if (keys.length === 0) return false;
  return accepted.some(({ fault, model }) => {
    const overlap = fault.atMs < endOf(candidate.fault) && candidate.fault.atMs < endOf(fault);
    return overlap && (model.conflictKeys?.(fault, nodes) ?? []).some((key) => keys.includes(key));
  });
}

function endOf(fault: Fault): number {
  return fault.atMs + (fault.durationMs ?? Infinity);
}
