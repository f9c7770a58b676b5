import { InvalidArgumentError } from '../../errors.js';
import { requireOneOf } from '../../validate.js';
import { linksOf, type CutBlock } from '../../world/cut-blocks.js';
import { describeDomain, inDomain, type DomainSelector } from '../../world/failure-domains.js';
import type { Fault } from '../fault.js';
import type { FailureModel, NodeList } from '../failure-model.js';
import { noTarget, paramsOf } from './params.js';

/**
 * What a `domain-outage` does to the nodes of its domain: `crash` them all (a power feed or a
 * rack's switch dies; volatile state is lost, they restart when it ends) or `partition` them from
 * every other node (a zone's uplink fails; they keep running, cut off, and rejoin at the end).
 *
 * @example
 * ```ts
 * const effect: DomainOutageEffect = 'partition';
 * ```
 */
export type DomainOutageEffect = 'crash' | 'partition';

/**
 * The effects a `domain-outage` can have, the default first.
 *
 * @example
 * ```ts
 * domainOutageEffects; // ['crash', 'partition']
 * ```
 */
export const domainOutageEffects: readonly DomainOutageEffect[] = ['crash', 'partition'];

/** What `apply` hands `revert`: the members hit, fixed at the start. */
interface AppliedOutage {
  readonly nodes: readonly string[];
  readonly cut: unknown;
}

/**
 * `domain-outage`: a correlated fault that takes out every node of one failure domain at once,
 * the nodes that declared it with `addNode(id, behaviour, { domains })`. `params.domain` names
 * the domain (`{ power: 'feed-a' }`, or several kinds at once: `{ zone: 'east', rack: 'r1' }`);
 * `params.effect` is `crash` (default) or `partition`. The members are fixed when the outage
 * starts (a node removed before then is spared); the fault log's entries list them in `nodes`.
 * At the end crashed members restart (removed ones stay removed) and a partition heals. A crash
 * outage claims each member like a `crash` does, so it cannot overlap a crash or pause of one.
 * A domain that is malformed, of an unknown kind, or has no node is a typed error at `inject`.
 * Registered in a simulation as soon as a node with domains is added.
 *
 * @example
 * ```ts
 * sim.addNode('s1', station, { domains: { power: 'feed-a' } });
 * sim.addNode('s2', station, { domains: { power: 'feed-a' } });
 * sim.inject([{ kind: 'domain-outage', atMs: 1_000, durationMs: 5_000, params: { domain: { power: 'feed-a' } } }]);
 * ```
 */
export const domainOutageModel: FailureModel = {
  kind: 'domain-outage',
  validate(fault, world, field) {
    noTarget(fault, field);
    const params = paramsOf(fault, field, ['domain', 'effect']);
    if (params['effect'] !== undefined) requireOneOf(params['effect'], `${field}.params.effect`, domainOutageEffects);
    const members = world.nodesInDomain(params['domain'], `${field}.params.domain`);
    if (effectOf(fault) === 'partition' && members.length === world.nodeIds().length) {
      throw new InvalidArgumentError(`${field}.params.domain`, params['domain'], 'a domain some node is outside of: a partition effect cuts the domain off from the rest, and here there is no rest');
    }
  },
  apply(fault, world): AppliedOutage {
    const nodes = membersOf(fault, world);
    if (effectOf(fault) === 'partition') return { nodes, cut: world.cutBlocks([outageBlock(fault, world)]) };
    for (const id of nodes) world.crashNode(id);
    return { nodes, cut: undefined };
  },
  revert(fault, world, _faultId, applied) {
    const outage = applied as AppliedOutage;
    if (outage.cut !== undefined) return world.restoreCutBlocks(outage.cut);
    // A member removed during the outage stays removed: a restart never revives one.
    for (const id of outage.nodes) world.restartNode(id);
  },
  conflictKeys(fault, world) {
    const own = [`domain-outage:${describeDomain(selectorOf(fault))}`];
    if (effectOf(fault) === 'partition' || world === undefined) return own;
    return [...own, ...membersOf(fault, world).map((id) => `process:${id}`)];
  },
  downNodes: (fault, world) => (effectOf(fault) === 'crash' ? membersOf(fault, world) : []),
  cuts: (fault, world) => (effectOf(fault) === 'partition' ? linksOf([outageBlock(fault, world)]) : []),
  affectedNodes: (_fault, applied) => (applied as AppliedOutage).nodes,
};

function selectorOf(fault: Fault): DomainSelector {
  return fault.params!['domain'] as DomainSelector;
}

function effectOf(fault: Fault): DomainOutageEffect {
  return (fault.params?.['effect'] as DomainOutageEffect | undefined) ?? 'crash';
}

/** The fault's domain's nodes among `world`'s, in its order; none where domains are not known. */
function membersOf(fault: Fault, world: NodeList): string[] {
  const selector = selectorOf(fault);
  return world.nodeIds().filter((id) => inDomain(world.domainsOf?.(id), selector));
}

function outageBlock(fault: Fault, world: NodeList): CutBlock {
  const members = membersOf(fault, world);
  return { from: members, to: world.nodeIds().filter((id) => !members.includes(id)), bothWays: true };
}
