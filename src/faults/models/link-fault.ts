import { InvalidArgumentError } from '../../errors.js';
import { requireBoolean } from '../../validate.js';
import { CompiledLinkModel, validateLinkModel, type LinkModel } from '../../world/link-model.js';
import type { Fault } from '../fault.js';
import type { FailureModel, FaultWorld } from '../failure-model.js';
import { paramsOf, targetOf } from './params.js';

// Gray failures: a partial link model laid over chosen links for the fault's duration. Overlapping
// link faults stack in the order they were applied (a later one wins field by field); reverting
// one removes only its own layer, so the link returns to exactly what the others leave.

type Link = [string, string];

/**
 * Checks the layer alone and over each link's current model, so a layer that only breaks in
 * combination (reordering with no reorder delay anywhere) is rejected before it is injected.
 */
function requireLayerFits(model: unknown, links: readonly Link[], world: FaultWorld, field: string): void {
  const layer = validateLinkModel(model, field);
  for (const [from, to] of links) CompiledLinkModel.from([world.linkModel(from, to), layer], field);
}

function linksOf(fault: Fault): Link[] {
  const params = fault.params!;
  const links = (params['links'] as Array<[string, string]>).map(([from, to]) => [from, to] as Link);
  if (params['bothWays'] === true) return [...links, ...links.map(([from, to]) => [to, from] as Link)];
  return links;
}

function slowNodeLinks(fault: Fault, world: FaultWorld): Link[] {
  const others = world.nodeIds().filter((id) => id !== fault.target);
  return others.flatMap((other) => [[fault.target!, other] as Link, [other, fault.target!] as Link]);
}

function layer(links: Link[], fault: Fault, world: FaultWorld, faultId: number): Link[] {
  const model = fault.params!['model'] as LinkModel;
  for (const [from, to] of links) world.addLinkLayer(from, to, faultId, model);
  return links;
}

function unlayer(applied: unknown, world: FaultWorld, faultId: number): void {
  for (const [from, to] of applied as Link[]) world.removeLinkLayer(from, to, faultId);
}

/**
 * `link`: degrades chosen directed links with a partial link model: more loss, more or other
 * latency (`latencyFactor: 10` for ten times slower), duplication, reordering, a bandwidth cut.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'link', atMs: 1_000, durationMs: 5_000,
 *   params: { links: [['a', 'b']], bothWays: true, model: { lossProbability: 0.4, latencyFactor: 5 } } }]);
 * ```
 */
export const linkFaultModel: FailureModel = {
  kind: 'link',
  validate(fault, world, field) {
    if (fault.target !== undefined) throw new InvalidArgumentError(`${field}.target`, fault.target, 'absent (name links in params.links)');
    const params = paramsOf(fault, field, ['links', 'bothWays', 'model']);
    const links = params['links'];
    if (!Array.isArray(links) || links.length === 0) throw new InvalidArgumentError(`${field}.params.links`, links, 'a non-empty array of [from, to] pairs');
    links.forEach((link: unknown, index) => {
      if (!Array.isArray(link) || link.length !== 2) throw new InvalidArgumentError(`${field}.params.links[${index}]`, link, 'a [from, to] pair');
      world.requireNode(link[0], `${field}.params.links[${index}][0]`);
      world.requireNode(link[1], `${field}.params.links[${index}][1]`);
    });
    if (params['bothWays'] !== undefined) requireBoolean(params['bothWays'], `${field}.params.bothWays`);
    requireLayerFits(params['model'], links as Link[], world, `${field}.params.model`);
  },
  apply: (fault, world, faultId) => layer(linksOf(fault), fault, world, faultId),
  revert: (_fault, world, faultId, applied) => unlayer(applied, world, faultId),
};

/**
 * `slow-node`: every link to and from the target is degraded by the same partial model — the
 * node with a failing disk or a noisy neighbour that is up but slow.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'slow-node', atMs: 0, durationMs: 10_000, target: 'n2', params: { model: { latencyFactor: 20 } } }]);
 * ```
 */
export const slowNodeModel: FailureModel = {
  kind: 'slow-node',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const params = paramsOf(fault, field, ['model']);
    requireLayerFits(params['model'], slowNodeLinks(fault, world), world, `${field}.params.model`);
  },
  apply: (fault, world, faultId) => layer(slowNodeLinks(fault, world), fault, world, faultId),
  revert: (_fault, world, faultId, applied) => unlayer(applied, world, faultId),
};
