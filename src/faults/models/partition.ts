import { InvalidArgumentError } from '../../errors.js';
import type { Fault } from '../fault.js';
import type { FailureModel, FaultWorld, NodeList } from '../failure-model.js';
import { linksOf, type CutBlock } from '../../world/cut-blocks.js';
import { noTarget, nodeList, paramsOf, targetOf } from './params.js';

// Every partition shape is a set of directed cuts. Overlapping partitions combine: a link is cut
// while any partition cuts it, and each heals on its own schedule (cuts nest), so the result of
// any overlap is well defined. Messages in flight across a new cut are dropped if the cut is still
// in force when they arrive.

function requireCover(groups: string[][], world: FaultWorld, field: string): void {
  const seen = new Set<string>();
  groups.forEach((group, index) => {
    for (const id of group) {
      if (seen.has(id)) throw new InvalidArgumentError(`${field}[${index}]`, group, `groups that do not overlap ('${id}' is in two)`);
      seen.add(id);
    }
  });
  const missing = world.nodeIds().filter((id) => !seen.has(id));
  if (missing.length > 0) throw new InvalidArgumentError(field, groups, `groups covering every node (missing: ${missing.join(', ')})`);
}

function groupsOf(fault: Fault, world: FaultWorld, field: string): string[][] {
  const groups = (fault.params ?? {})['groups'];
  if (!Array.isArray(groups) || groups.length < 2) throw new InvalidArgumentError(`${field}.params.groups`, groups, 'an array of at least two groups of node ids');
  return groups.map((group, index) => nodeList(group, world, `${field}.params.groups[${index}]`));
}

/** One block per pair of groups, in the order links were always cut (link numbering follows it). */
function groupBlocks(groups: string[][]): CutBlock[] {
  return groups.flatMap((group, index) => groups.slice(index + 1).map((other) => ({ from: group, to: other, bothWays: true })));
}

/**
 * `partition`: symmetric groups (cover every node, no overlap); nodes in different groups cannot
 * reach each other. Use {@link majorityMinority} for a majority/minority split.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'partition', atMs: 1_000, durationMs: 2_000, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } }]);
 * ```
 */
export const partitionModel: FailureModel = {
  kind: 'partition',
  validate(fault, world, field) {
    noTarget(fault, field);
    paramsOf(fault, field, ['groups']);
    requireCover(groupsOf(fault, world, field), world, `${field}.params.groups`);
  },
  apply: (fault, world) => world.cutBlocks(groupBlocks(fault.params!['groups'] as string[][])),
  revert: (_fault, world, _id, applied) => world.restoreCutBlocks(applied),
  cuts: (fault) => linksOf(groupBlocks(fault.params!['groups'] as string[][])),
};

/**
 * `partition-one-way`: messages from the `from` nodes to the `to` nodes are dropped; the other
 * direction still works (an asymmetric firewall rule, a half-broken NIC).
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'partition-one-way', atMs: 0, durationMs: 1_000, params: { from: ['a'], to: ['b', 'c'] } }]);
 * ```
 */
export const oneWayPartitionModel: FailureModel = {
  kind: 'partition-one-way',
  validate(fault, world, field) {
    noTarget(fault, field);
    const params = paramsOf(fault, field, ['from', 'to']);
    const from = nodeList(params['from'], world, `${field}.params.from`);
    const to = nodeList(params['to'], world, `${field}.params.to`);
    const both = from.filter((id) => to.includes(id));
    if (both.length > 0) throw new InvalidArgumentError(`${field}.params.to`, params['to'], `nodes not also in from (${both.join(', ')})`);
  },
  apply: (fault, world) => world.cutBlocks([oneWayBlock(fault)]),
  revert: (_fault, world, _id, applied) => world.restoreCutBlocks(applied),
  cuts: (fault) => linksOf([oneWayBlock(fault)]),
};

/**
 * `isolate`: the target can neither reach nor be reached by any other node.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'isolate', atMs: 500, durationMs: 1_000, target: 'leader' }]);
 * ```
 */
export const isolateModel: FailureModel = {
  kind: 'isolate',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    paramsOf(fault, field, []);
  },
  apply: (fault, world) => world.cutBlocks([isolateBlock(fault, world)]),
  revert: (_fault, world, _id, applied) => world.restoreCutBlocks(applied),
  cuts: (fault, world) => linksOf([isolateBlock(fault, world)]),
};

function oneWayBlock(fault: Fault): CutBlock {
  return { from: fault.params!['from'] as string[], to: fault.params!['to'] as string[], bothWays: false };
}

function isolateBlock(fault: Fault, world: NodeList): CutBlock {
  return { from: [fault.target!], to: world.nodeIds().filter((id) => id !== fault.target), bothWays: true };
}

/**
 * `bridge`: two sides that cannot reach each other, both still reaching one `bridge` node — the
 * classic setup in which a leader on the bridge sees everyone and the sides do not see each other.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'bridge', atMs: 0, durationMs: 3_000, params: { sides: [['a', 'b'], ['d', 'e']], bridge: 'c' } }]);
 * ```
 */
export const bridgeModel: FailureModel = {
  kind: 'bridge',
  validate(fault, world, field) {
    noTarget(fault, field);
    const params = paramsOf(fault, field, ['sides', 'bridge']);
    const sides = params['sides'];
    if (!Array.isArray(sides) || sides.length !== 2) throw new InvalidArgumentError(`${field}.params.sides`, sides, 'two groups of node ids');
    const groups = sides.map((side, index) => nodeList(side, world, `${field}.params.sides[${index}]`));
    const bridge = world.requireNode(params['bridge'], `${field}.params.bridge`);
    if (groups.some((group) => group.includes(bridge))) throw new InvalidArgumentError(`${field}.params.bridge`, bridge, 'a node on neither side');
    requireCover([...groups, [bridge]], world, `${field}.params.sides`);
  },
  apply: (fault, world) => world.cutBlocks([bridgeBlock(fault)]),
  revert: (_fault, world, _id, applied) => world.restoreCutBlocks(applied),
  cuts: (fault) => linksOf([bridgeBlock(fault)]),
};

function bridgeBlock(fault: Fault): CutBlock {
  const [first, second] = fault.params!['sides'] as [string[], string[]];
  return { from: first, to: second, bothWays: true };
}

/**
 * Groups for a majority/minority `partition`: the last `minoritySize` nodes (default: the largest
 * minority, ⌊(n−1)/2⌋) against the rest.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'partition', atMs: 0, durationMs: 1_000, params: { groups: majorityMinority(sim.nodeIds()) } }]);
 * ```
 */
export function majorityMinority(nodeIds: readonly string[], minoritySize?: number): string[][] {
  if (!Array.isArray(nodeIds) || nodeIds.length < 3 || nodeIds.some((id) => typeof id !== 'string')) {
    throw new InvalidArgumentError('nodeIds', nodeIds, 'an array of at least 3 node ids');
  }
  return splitAt(nodeIds, minoritySize === undefined ? Math.floor((nodeIds.length - 1) / 2) : minoritySize);
}

function splitAt(nodeIds: readonly string[], minoritySize: number): string[][] {
  if (!Number.isInteger(minoritySize) || minoritySize < 1 || minoritySize * 2 >= nodeIds.length) {
    throw new InvalidArgumentError('minoritySize', minoritySize, `an integer in [1, ${Math.floor((nodeIds.length - 1) / 2)}] (fewer than half of ${nodeIds.length} nodes)`);
  }
  const cut = nodeIds.length - minoritySize;
  return [nodeIds.slice(0, cut), nodeIds.slice(cut)];
}
