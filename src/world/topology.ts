import { InvalidArgumentError } from '../errors.js';
import { requireObject } from '../validate.js';
import type { LinkModel } from './link-model.js';
import type { NetworkConfig } from './network.js';

/**
 * A network in which every node reaches every other over the same link model.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, network: fullMesh({ latency: { kind: 'exponential', meanMs: 2 } }) });
 * ```
 */
export function fullMesh(link: LinkModel = {}): NetworkConfig {
  return { link };
}

/**
 * Link models of a network split into regions (or zones). Place each node with
 * `addNode(id, behaviour, { region })`.
 *
 * @example
 * ```ts
 * const network = regions({
 *   intra: { latency: { kind: 'uniform', minMs: 0.2, maxMs: 1 } },
 *   inter: { latency: { kind: 'normal', meanMs: 70, stdDevMs: 8 } },
 *   between: [{ regions: ['us-east', 'us-west'], link: { latency: { kind: 'normal', meanMs: 35, stdDevMs: 4 } } }],
 * });
 * const sim = new Simulation({ seed: 1, network });
 * sim.addNode('e1', behaviour, { region: 'us-east' });
 * ```
 */
export function regions(spec: {
  /** Model of links inside one region. */
  intra: LinkModel;
  /** Model of links between regions, unless `between` names the pair. */
  inter: LinkModel;
  /** Models for particular region pairs (both directions). */
  between?: ReadonlyArray<{ regions: readonly [string, string]; link: LinkModel }>;
  /** Base model beneath the region models. */
  link?: LinkModel;
}): NetworkConfig {
  requireObject(spec as unknown, 'regions(spec)');
  const config: NetworkConfig = { intraRegion: spec.intra, interRegion: spec.inter };
  if (spec.link !== undefined) config.link = spec.link;
  if (spec.between !== undefined && !Array.isArray(spec.between)) throw new InvalidArgumentError('regions(spec).between', spec.between, 'an array of { regions, link }');
  if (spec.between !== undefined) config.regionLinks = spec.between.map((pair) => ({ between: pair.regions, link: pair.link }));
  return config;
}
