import { InvalidArgumentError, UnknownNodeError } from '../errors.js';
import { rejectUnknownKeys, requireObject, requireString } from '../validate.js';

/**
 * The kinds of failure domain a node can belong to: a zone (a data centre or availability zone),
 * a rack (a top-of-rack switch) and a power feed. A fixed vocabulary, so a typo such as `zoen`
 * is an error rather than a domain nothing ever matches.
 *
 * @example
 * ```ts
 * for (const key of domainKeys) console.log(key, sim.truth.domainsOf('n1')[key]);
 * ```
 */
export const domainKeys = ['zone', 'rack', 'power'] as const;

/**
 * One kind of failure domain: `zone`, `rack` or `power`.
 *
 * @example
 * ```ts
 * const key: DomainKey = 'power';
 * ```
 */
export type DomainKey = (typeof domainKeys)[number];

/**
 * The failure domains one node belongs to, at most one of each kind. Set with
 * `sim.addNode(id, behaviour, { domains })`.
 *
 * @example
 * ```ts
 * sim.addNode('s1', station, { domains: { zone: 'east', rack: 'r1', power: 'feed-a' } });
 * ```
 */
export type NodeDomains = Partial<Record<DomainKey, string>>;

/**
 * Names a failure domain: one or more kinds with a value each. A node is in it when it matches
 * every kind named (`{ zone: 'east', rack: 'r1' }` is rack r1 of zone east).
 *
 * @example
 * ```ts
 * const feedA: DomainSelector = { power: 'feed-a' };
 * sim.truth.domainMembers(feedA); // ['s1', 's2', 's3']
 * ```
 */
export type DomainSelector = Partial<Record<DomainKey, string>>;

const NO_DOMAINS: Readonly<NodeDomains> = Object.freeze({});

/** A node's domains as given to addNode: a non-empty object of the known kinds, each a non-empty string. Frozen copy. */
export function readNodeDomains(value: unknown, field: string): Readonly<NodeDomains> {
  if (value === undefined) return NO_DOMAINS;
  return readDomainObject(value, field);
}

/** A fault's or a query's domain: a non-empty object of the known kinds, each a non-empty string. Frozen copy. */
export function readDomainSelector(value: unknown, field: string): Readonly<DomainSelector> {
  return readDomainObject(value, field);
}

function readDomainObject(value: unknown, field: string): Readonly<NodeDomains> {
  requireObject(value, field);
  rejectUnknownKeys(value, field, domainKeys);
  const copy: NodeDomains = {};
  // Known kinds in their fixed order: two equal selectors read alike whatever their key order.
  for (const key of domainKeys) {
    if (!(key in value)) continue;
    requireString(value[key], `${field}.${key}`);
    copy[key] = value[key];
  }
  if (Object.keys(copy).length === 0) throw new InvalidArgumentError(field, value, `an object naming at least one of ${domainKeys.join(', ')}`);
  return Object.freeze(copy);
}

/** True when a node with `domains` is in the domain `selector` names. */
export function inDomain(domains: Readonly<NodeDomains> | undefined, selector: Readonly<DomainSelector>): boolean {
  if (domains === undefined) return false;
  for (const key of domainKeys) {
    const wanted = selector[key];
    if (wanted !== undefined && domains[key] !== wanted) return false;
  }
  return true;
}

/** `power=feed-a`, `zone=east,rack=r1`: a domain as text, for errors, keys and reports. */
export function describeDomain(selector: Readonly<DomainSelector>): string {
  return domainKeys
    .filter((key) => selector[key] !== undefined)
    .map((key) => `${key}=${selector[key]}`)
    .join(',');
}

/**
 * The members of `selector` among `ids`, in their order; a typed error naming `field` if it has
 * none (an outage of an empty domain would be a fault that silently does nothing).
 */
export function requireMembers(ids: readonly string[], domainsOf: (id: string) => Readonly<NodeDomains> | undefined, selector: Readonly<DomainSelector>, field: string): string[] {
  const members = ids.filter((id) => inDomain(domainsOf(id), selector));
  if (members.length === 0) {
    const known = knownDomains(ids, domainsOf).map(describeDomain);
    throw new InvalidArgumentError(field, selector, `a domain with at least one node (known: ${known.length === 0 ? 'none: no node declares domains' : known.join('; ')})`);
  }
  return members;
}

/**
 * Every single-kind domain the nodes declare (`{ zone: 'east' }`, `{ power: 'feed-a' }`, …), kinds
 * in `domainKeys` order, values in the order nodes first name them: the order generators draw
 * from and shrink towards.
 */
export function knownDomains(ids: readonly string[], domainsOf: (id: string) => Readonly<NodeDomains> | undefined): DomainSelector[] {
  const found: DomainSelector[] = [];
  for (const key of domainKeys) {
    const seen = new Set<string>();
    for (const id of ids) {
      const value = domainsOf(id)?.[key];
      if (value === undefined || seen.has(value)) continue;
      seen.add(value);
      found.push({ [key]: value });
    }
  }
  return found;
}

/**
 * A cluster's domains as the nemesis and the generator take them: node id → its domains. Checks
 * that it names only `ids` and that each entry is a valid {@link NodeDomains}.
 */
export function readDomainMap(value: unknown, ids: readonly string[], field: string): Map<string, Readonly<NodeDomains>> {
  requireObject(value, field);
  const map = new Map<string, Readonly<NodeDomains>>();
  for (const id of Object.keys(value)) if (!ids.includes(id)) throw new UnknownNodeError(`${field}.${id}`, id, ids);
  rejectUnknownKeys(value, field, ids);
  // The nodes' order, not the object's: the draws must not depend on how the map was written.
  for (const id of ids) if (id in value) map.set(id, readDomainObject(value[id], `${field}.${id}`));
  if (map.size === 0) throw new InvalidArgumentError(field, value, 'an object giving at least one node its domains');
  return map;
}
