import { InvalidArgumentError } from '../../errors.js';
import { rejectUnknownKeys, requireObject } from '../../validate.js';
import type { Fault } from '../fault.js';
import type { FaultWorld } from '../failure-model.js';

// Internal: reading the parts of a fault record every model shares.

/** The fault's params object (empty when absent; `null` is not absent), with only `known` keys allowed. */
export function paramsOf(fault: Fault, field: string, known: readonly string[]): Record<string, unknown> {
  const params: unknown = fault.params === undefined ? {} : fault.params;
  requireObject(params, `${field}.params`);
  rejectUnknownKeys(params, `${field}.params`, known);
  return params;
}

/** The fault's target, which must name a node. */
export function targetOf(fault: Fault, world: FaultWorld, field: string): string {
  return world.requireNode(fault.target, `${field}.target`);
}

/** Rejects a target on a fault that takes none. */
export function noTarget(fault: Fault, field: string): void {
  if (fault.target !== undefined) throw new InvalidArgumentError(`${field}.target`, fault.target, 'absent for this kind (it uses params)');
}

/** A non-empty array of distinct node ids. */
export function nodeList(value: unknown, world: FaultWorld, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidArgumentError(field, value, 'a non-empty array of node ids');
  const ids = value.map((id, index) => world.requireNode(id, `${field}[${index}]`));
  if (new Set(ids).size !== ids.length) throw new InvalidArgumentError(field, value, 'distinct node ids');
  return ids;
}
