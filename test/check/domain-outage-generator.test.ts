// faultSchedule draws correlated domain outages when the cluster has domains: every schedule
// injects, parameters stay in the documented ranges, a failing outage shrinks to the simplest
// one, and a cluster without domains draws exactly what it drew before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { domainFaultKinds, faultSchedule } from '../../src/check/index.js';
import { InvalidArgumentError, Simulation, UnknownNodeError, type FaultSchedule, type NodeDomains } from '../../src/index.js';

const DOMAINS: Record<string, NodeDomains> = {
  n1: { zone: 'east', power: 'feed-a' },
  n2: { zone: 'east', power: 'feed-b' },
  n3: { zone: 'west', power: 'feed-a' },
  n4: { zone: 'west', power: 'feed-b' },
};
const nodes = Object.keys(DOMAINS);
const DECLARED = [{ zone: 'east' }, { zone: 'west' }, { power: 'feed-a' }, { power: 'feed-b' }];

function injected(schedule: FaultSchedule): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of nodes) sim.addNode(id, () => ({ onMessage: () => undefined }), { domains: DOMAINS[id]! });
  sim.inject(schedule, { budget: { maxNodesDown: 2 } });
  sim.run({ until: 5_001 });
  return sim;
}

describe('faultSchedule with domains', () => {
  it('draws domain outages of declared domains, both effects, that inject under the budget', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(faultSchedule({ nodes, domains: DOMAINS, kinds: ['crash', 'domain-outage'], maxFaults: 4, horizonMs: 5_000, budget: { maxNodesDown: 2 } }), (schedule) => {
        for (const fault of schedule.filter((candidate) => candidate.kind === 'domain-outage')) {
          expect(DECLARED).toContainEqual(fault.params!['domain']);
          expect(['crash', 'partition']).toContain(fault.params!['effect']);
          expect(fault.atMs + fault.durationMs!).toBeLessThanOrEqual(5_000);
          seen.add(String(fault.params!['effect']));
        }
        injected(schedule);
      }),
      { seed: 4, numRuns: 60 },
    );
    expect(seen).toEqual(new Set(['crash', 'partition']));
  });

  it('the default kinds include domain-outage when domains are given', () => {
    const kinds = new Set(fc.sample(faultSchedule({ nodes, domains: DOMAINS, horizonMs: 5_000 }), { seed: 2, numRuns: 40 }).flat().map((fault) => fault.kind));
    expect(kinds).toContain('domain-outage');
    expect(domainFaultKinds).toEqual(['domain-outage']);
  });

  it('a failure that needs an outage hitting n4 shrinks to one outage of a domain holding n4: crash, at 0, shortest', () => {
    const details = fc.check(
      fc.property(faultSchedule({ nodes, domains: DOMAINS, kinds: ['crash', 'pause', 'domain-outage'], maxFaults: 5, horizonMs: 5_000 }), (schedule) => {
        const sim = injected(schedule);
        return sim.faultLog.every((entry) => !(entry.nodes ?? []).includes('n4'));
      }),
      { seed: 8, numRuns: 200 },
    );
    expect(details.failed).toBe(true);
    const minimal = details.counterexample![0];
    expect(minimal).toHaveLength(1);
    expect(minimal[0]).toMatchObject({ kind: 'domain-outage', atMs: 0, durationMs: 10, params: { effect: 'crash' } });
    expect([{ zone: 'west' }, { power: 'feed-b' }]).toContainEqual(minimal[0]!.params!['domain']);
  });

  it('a cluster without domains draws exactly what it drew before (domains only add a kind)', () => {
    const plain = fc.sample(faultSchedule({ nodes, kinds: ['crash', 'partition'], horizonMs: 5_000 }), { seed: 5, numRuns: 20 });
    const withDomains = fc.sample(faultSchedule({ nodes, domains: DOMAINS, kinds: ['crash', 'partition'], horizonMs: 5_000 }), { seed: 5, numRuns: 20 });
    expect(withDomains).toEqual(plain);
  });

  it('bad domains and domain-outage without domains are typed errors', () => {
    expect(() => faultSchedule({ nodes, kinds: ['domain-outage'], horizonMs: 5_000 })).toThrow(/needs the cluster's domains/);
    expect(() => faultSchedule({ nodes, domains: { ghost: { zone: 'x' } }, horizonMs: 5_000 })).toThrow(UnknownNodeError);
    expect(() => faultSchedule({ nodes, domains: { n1: { shelf: 'x' } as NodeDomains }, horizonMs: 5_000 })).toThrow(InvalidArgumentError);
    expect(() => faultSchedule({ nodes, domains: {}, horizonMs: 5_000 })).toThrow(InvalidArgumentError);
    expect(() => faultSchedule({ nodes, domains: DOMAINS, kinds: ['domain-outage'], targets: { 'domain-outage': ['n1'] }, horizonMs: 5_000 })).toThrow(InvalidArgumentError);
  });
});
