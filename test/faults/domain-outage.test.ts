// domain-outage: a correlated fault that takes out every node of one failure domain, and only
// them; the truth answers per domain and the fault log names the nodes hit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultConflictError, InvalidArgumentError, nemesis, Simulation, UnknownNodeError, type FaultSchedule, type NodeDomains } from '../../src/index.js';

const PLACEMENT: Record<string, NodeDomains> = {
  s1: { zone: 'east', rack: 'r1', power: 'feed-a' },
  s2: { zone: 'east', rack: 'r1', power: 'feed-a' },
  s3: { zone: 'east', rack: 'r2', power: 'feed-b' },
  s4: { zone: 'west', rack: 'r3', power: 'feed-a' },
  s5: { zone: 'west', rack: 'r3', power: 'feed-b' },
};

/** Five charging stations that gossip every 10 ms. */
function stations(seed = 1): Simulation {
  const sim = new Simulation({ seed });
  for (const [id, domains] of Object.entries(PLACEMENT)) {
    sim.addNode(id, (ctx) => ({ onStart: () => ctx.setTimer(10, 't'), onTimer: () => (ctx.broadcast('beat'), ctx.setTimer(10, 't')), onMessage: () => undefined }), { domains });
  }
  return sim;
}

describe('domain-outage', () => {
  it('a power outage crashes every node on the feed and only them, and they restart at the end', () => {
    const sim = stations();
    sim.inject([{ kind: 'domain-outage', atMs: 100, durationMs: 200, params: { domain: { power: 'feed-a' } } }]);
    sim.run({ until: 500 });
    for (const id of ['s1', 's2', 's4']) expect(sim.truth.downIntervals(id, 500)).toEqual([[100, 300]]);
    for (const id of ['s3', 's5']) expect(sim.truth.downIntervals(id, 500)).toEqual([]);
    expect(sim.truth.domainMembers({ power: 'feed-a' })).toEqual(['s1', 's2', 's4']);
    expect(sim.truth.isDomainDown({ power: 'feed-a' }, 200)).toBe(true);
    expect(sim.truth.isDomainDown({ power: 'feed-a' }, 300)).toBe(false);
    expect(sim.truth.isDomainDown({ rack: 'r1' }, 200)).toBe(true);
    expect(sim.truth.isDomainDown({ zone: 'east' }, 200)).toBe(false); // s3 is on feed-b
    expect(sim.truth.domainDownIntervals({ power: 'feed-a' }, 500)).toEqual([[100, 300]]);
    expect(sim.faultLog.map((entry) => [entry.phase, entry.timeMs, entry.nodes])).toEqual([
      ['apply', 100, ['s1', 's2', 's4']],
      ['revert', 300, ['s1', 's2', 's4']],
    ]);
    expect(sim.isUp('s1')).toBe(true);
  });

  it('a partition outage cuts the zone off from the rest both ways, keeps its nodes up, and heals', () => {
    const sim = stations();
    sim.inject([{ kind: 'domain-outage', atMs: 100, durationMs: 200, params: { domain: { zone: 'west' }, effect: 'partition' } }]);
    sim.run({ until: 500 });
    expect(sim.truth.isDomainIsolated({ zone: 'west' }, 150)).toBe(true);
    expect(sim.truth.isDomainIsolated({ zone: 'west' }, 350)).toBe(false);
    expect(sim.truth.isCut('s4', 's5', 150)).toBe(false);
    expect(sim.truth.isCut('s1', 's2', 150)).toBe(false);
    expect(sim.truth.cutIntervals('s1', 's4', 500)).toEqual([[100, 300]]);
    expect(sim.truth.downIntervals('s4', 500)).toEqual([]);
  });

  it('is deterministic: the same schedule twice gives the same trace hash; another domain a different one', () => {
    const run = (schedule: FaultSchedule): string => {
      const sim = stations(7);
      sim.inject(schedule);
      sim.run({ until: 500 });
      return sim.traceHash();
    };
    const feedA: FaultSchedule = [{ kind: 'domain-outage', atMs: 100, durationMs: 200, params: { domain: { power: 'feed-a' } } }];
    expect(run(feedA)).toBe(run(feedA));
    expect(run([{ ...feedA[0]!, params: { domain: { power: 'feed-b' } } }])).not.toBe(run(feedA));
  });

  it('overlapping a crash of one of its nodes is a conflict; a budget counts every node it takes down', () => {
    const sim = stations();
    const outage = { kind: 'domain-outage', atMs: 100, durationMs: 200, params: { domain: { rack: 'r1' } } };
    expect(() => sim.inject([outage, { kind: 'crash', atMs: 150, durationMs: 10, target: 's2' }])).toThrow(FaultConflictError);
    expect(() => sim.inject([outage], { budget: { maxNodesDown: 1 } })).toThrow(/2 nodes down/);
    expect(() => sim.inject([outage, { kind: 'crash', atMs: 150, durationMs: 10, target: 's3' }])).not.toThrow();
  });

  it('is only registered once a node declares domains, so plain clusters keep their kinds', () => {
    const plain = new Simulation({ seed: 1 });
    plain.addNode('a', () => ({}));
    expect(plain.faultKinds()).not.toContain('domain-outage');
    expect(() => plain.inject([{ kind: 'domain-outage', atMs: 1, params: { domain: { zone: 'x' } } }])).toThrow(InvalidArgumentError);
    expect(stations().faultKinds()).toContain('domain-outage');
  });

  it('bad domains are typed errors: unknown kinds, empty objects, domains no node is in, a partition of everything', () => {
    const sim = stations();
    const outage = (params: unknown): void => sim.inject([{ kind: 'domain-outage', atMs: 1, durationMs: 5, params: params as Record<string, unknown> }]);
    expect(() => outage({ domain: { zoen: 'east' } })).toThrow(/zoen/);
    expect(() => outage({ domain: {} })).toThrow(InvalidArgumentError);
    expect(() => outage({ domain: { power: 'feed-z' } })).toThrow(/at least one node/);
    expect(() => outage({ domain: { power: 'feed-a' }, effect: 'flood' })).toThrow(InvalidArgumentError);
    expect(() => outage({})).toThrow(InvalidArgumentError);
    expect(() => sim.addNode('x', () => ({}), { domains: { zone: '' } })).toThrow(InvalidArgumentError);
    expect(() => sim.addNode('y', () => ({}), { domains: {} })).toThrow(InvalidArgumentError);
    expect(() => sim.truth.domainMembers({ rack: 'r9' })).toThrow(InvalidArgumentError);
    const one = new Simulation({ seed: 1 });
    one.addNode('a', () => ({}), { domains: { zone: 'z' } });
    expect(() => one.inject([{ kind: 'domain-outage', atMs: 1, durationMs: 5, params: { domain: { zone: 'z' }, effect: 'partition' } }])).toThrow(/no rest/);
  });

  it('fuzzed domains on addNode: only objects of zone/rack/power with non-empty strings pass', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('zone', 'rack', 'power', 'region', 'host'), fc.oneof(fc.string(), fc.anything()))), (domains) => {
        const sim = new Simulation({ seed: 1 });
        const entries = typeof domains === 'object' && domains !== null && !Array.isArray(domains) ? Object.entries(domains) : undefined;
        const valid = domains === undefined || (entries !== undefined && entries.length > 0 && Object.getOwnPropertySymbols(domains).length === 0 &&
          entries.every(([key, value]) => ['zone', 'rack', 'power'].includes(key) && typeof value === 'string' && value.length > 0));
        const add = (): void => sim.addNode('a', () => ({}), { domains: domains as NodeDomains });
        if (valid) expect(add).not.toThrow();
        else expect(add).toThrow(InvalidArgumentError);
      }),
      { seed: 9, numRuns: 400 },
    );
  });
});

describe('the nemesis and domains', () => {
  it('draws domain outages of declared domains when given domains, and none without', () => {
    const nodes = Object.keys(PLACEMENT);
    const withDomains = nemesis({ seed: 3, nodes, horizonMs: 60_000, domains: PLACEMENT });
    expect(withDomains.some((fault) => fault.kind === 'domain-outage')).toBe(true);
    const outages = nemesis({ seed: 3, nodes, horizonMs: 60_000, domains: PLACEMENT, kinds: ['domain-outage'] });
    expect(outages.length).toBeGreaterThan(5);
    for (const fault of outages) expect(Object.keys(PLACEMENT).some((id) => Object.entries(fault.params!['domain'] as object).every(([key, value]) => PLACEMENT[id]![key as 'zone'] === value))).toBe(true);
    expect(new Set(outages.map((fault) => fault.params!['effect']))).toEqual(new Set(['crash', 'partition']));
    const sim = stations();
    sim.inject(withDomains);
    sim.run({ until: 61_000 });
    expect(nemesis({ seed: 3, nodes, horizonMs: 60_000 }).some((fault) => fault.kind === 'domain-outage')).toBe(false);
    expect(sim.nemesis({ horizonMs: 60_000 }).some((fault) => fault.kind === 'domain-outage')).toBe(true);
  });

  it('domains naming unknown nodes, and domain-outage without domains, are typed errors', () => {
    const nodes = ['s1', 's2'];
    expect(() => nemesis({ seed: 1, nodes, horizonMs: 1_000, domains: { ghost: { zone: 'x' } } })).toThrow(UnknownNodeError);
    expect(() => nemesis({ seed: 1, nodes, horizonMs: 1_000, kinds: ['domain-outage'] })).toThrow(/needs domains/);
    expect(() => nemesis({ seed: 1, nodes, horizonMs: 1_000, domains: {} })).toThrow(InvalidArgumentError);
  });
});
