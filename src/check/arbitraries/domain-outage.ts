import fc from 'fast-check';
import type { Fault } from '../../faults/fault.js';
import { inDomain, knownDomains, type NodeDomains } from '../../world/failure-domains.js';

/**
 * The kinds of fault that {@link faultSchedule} draws only for a cluster with failure domains
 * (`FaultScheduleOptions.domains`): correlated faults that hit a whole domain at once.
 *
 * @example
 * ```ts
 * faultSchedule({ nodes, domains: sim.domains(), horizonMs: 10_000, kinds: ['crash', ...domainFaultKinds] });
 * ```
 */
export const domainFaultKinds = ['domain-outage'] as const;

/**
 * The params of a `domain-outage`: one of the single-kind domains the nodes declare (kinds in
 * `zone`, `rack`, `power` order, values in the order nodes first name them) and an effect,
 * `crash` or `partition` (even odds; `crash` only, for a domain that holds every node). Shrinks
 * towards the first domain and `crash`. Internal.
 */
export function domainOutageParams(everyone: readonly string[], domains: ReadonlyMap<string, Readonly<NodeDomains>>): fc.Arbitrary<Pick<Fault, 'params'>> {
  const domainsOf = (id: string): Readonly<NodeDomains> | undefined => domains.get(id);
  const outages = knownDomains(everyone, domainsOf);
  const partial = outages.map((domain) => everyone.some((id) => !inDomain(domainsOf(id), domain)));
  return fc.tuple(fc.nat({ max: outages.length - 1 }), fc.boolean()).map(([index, partition]) => ({
    params: { domain: { ...outages[index]! }, effect: partition && partial[index]! ? 'partition' : 'crash' },
  }));
}
