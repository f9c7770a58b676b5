// What a property test's thousands of simulations share: options read once per object, the
// built-in failure models, flat faults copied without JSON. Each reuse must be invisible: a
// change to the user's object is honoured, with the same errors, and nothing leaks between
// simulations.
import { describe, expect, it } from 'vitest';
import { fc, prop } from './kernel/prop.js';
import { builtInFailureModels, InvalidArgumentError, Simulation, dropReasons, type FailureModel, type NetworkConfig } from '../src/index.js';
import { checkCluster, type ClusterScenario } from '../src/check/index.js';
import { plainCopy, ShapeSnapshot } from '../src/plain-data.js';

function sendOnce(sim: Simulation): number {
  let arrivedAtMs = -1;
  sim.addNode('a', (ctx) => ({ onStart: () => ctx.send('b', 'hi') }));
  sim.addNode('b', () => ({ onMessage: () => void (arrivedAtMs = sim.now) }));
  sim.run({ until: 1_000 });
  return arrivedAtMs;
}

describe('ShapeSnapshot', () => {
  const fresh = (): { link: { latency: { kind: string; ms: number } }; regions: Array<{ between: string[] }> } => ({
    link: { latency: { kind: 'constant', ms: 3 } },
    regions: [{ between: ['us', 'eu'] }],
  });

  it('matches the value it was taken of while nothing in it changes', () => {
    const value = fresh();
    expect(ShapeSnapshot.of(value)!.matches(value)).toBe(true);
  });

  const changes: Array<[string, (value: ReturnType<typeof fresh>) => void]> = [
    ['a nested number', (value) => void (value.link.latency.ms = 4)],
    ['a nested object replaced by an equal one', (value) => void (value.link.latency = { kind: 'constant', ms: 3 })],
    ['a key added', (value) => void Object.assign(value.link, { lossProbability: 0.5 })],
    ['a key deleted', (value) => void delete (value.link as { latency?: unknown }).latency],
    ['a key set to undefined', (value) => void Object.assign(value.link, { fifo: undefined })],
    ['a non-enumerable key added', (value) => void Object.defineProperty(value.link, 'fifo', { value: true, enumerable: false })],
    ['a symbol key added', (value) => void Object.assign(value.link, { [Symbol('x')]: 1 })],
    ['a prototype changed', (value) => void Object.setPrototypeOf(value.link, { lossProbability: 1 })],
    ['an array element pushed', (value) => void value.regions.push({ between: ['a', 'b'] })],
    ['a string in an array', (value) => void (value.regions[0]!.between[1] = 'ap')],
  ];
  for (const [what, change] of changes) {
    it(`no longer matches after ${what}`, () => {
      const value = fresh();
      const snapshot = ShapeSnapshot.of(value)!;
      change(value);
      expect(snapshot.matches(value)).toBe(false);
    });
  }

  it('refuses what validation may read past: class instances, cycles, deep or large values, odd keys', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    let deep: unknown = 1;
    for (let level = 0; level < 20; level++) deep = { deep };
    const hidden = Object.defineProperty({}, 'x', { value: 1, enumerable: false });
    for (const value of [{ when: new Date(0) }, cyclic, deep, { list: Array.from({ length: 5_000 }, (_, index) => index) }, hidden, { [Symbol('s')]: 1 }, [1, , 3]]) {
      expect(ShapeSnapshot.of(value)).toBeUndefined();
    }
  });
});

describe('network settings read once per configuration object', () => {
  it('honours a change to the configuration object between simulations', () => {
    const network: NetworkConfig = { link: { latency: { kind: 'constant', ms: 3 } } };
    expect(sendOnce(new Simulation({ seed: 1, network }))).toBe(3);
    (network.link!.latency as { ms: number }).ms = 7;
    expect(sendOnce(new Simulation({ seed: 1, network }))).toBe(7);
    network.link = { latency: { kind: 'constant', ms: 2 } };
    expect(sendOnce(new Simulation({ seed: 1, network }))).toBe(2);
  });

  it('gives the same typed error when the object was made invalid after a valid simulation', () => {
    const network: NetworkConfig = { link: { lossProbability: 0.5 } };
    new Simulation({ seed: 1, network });
    network.link!.lossProbability = 2;
    expect(() => new Simulation({ seed: 1, network })).toThrow(InvalidArgumentError);
    expect(() => new Simulation({ seed: 1, network })).toThrow(/network\.link\.lossProbability/);
    network.link!.lossProbability = 0.5;
    Object.defineProperty(network, 'hidden', { value: 1, enumerable: false });
    expect(() => new Simulation({ seed: 1, network })).toThrow(/network\.hidden/);
  });

  it('keeps setDefaultLink to the simulation that called it', () => {
    const network: NetworkConfig = { link: { latency: { kind: 'constant', ms: 3 } } };
    const changed = new Simulation({ seed: 1, network });
    changed.network.setDefaultLink({ latency: { kind: 'constant', ms: 9 } });
    expect(sendOnce(changed)).toBe(9);
    expect(sendOnce(new Simulation({ seed: 1, network }))).toBe(3);
  });

  it('counts drops by reason in dropReasons order, for links used or not', () => {
    const sim = new Simulation({ seed: 1 });
    sendOnce(sim);
    expect(Object.keys(sim.network.stats().dropped)).toEqual(dropReasons);
    expect(sim.network.linkStats('b', 'a')).toEqual({ sent: 0, delivered: 0, duplicated: 0, dropped: Object.fromEntries(dropReasons.map((reason) => [reason, 0])) });
  });
});

describe('the built-in failure models, shared between simulations', () => {
  const noop = (kind: string): FailureModel => ({ kind, validate: () => undefined, apply: () => undefined });

  it('keeps a model registered in one simulation out of every other', () => {
    const first = new Simulation({ seed: 1 });
    first.registerFailureModel(noop('flap'));
    expect(first.faultKinds()).toContain('flap');
    expect(new Simulation({ seed: 2 }).faultKinds()).not.toContain('flap');
    expect(new Simulation({ seed: 3 }).faultKinds()).toEqual(builtInFailureModels.map((model) => model.kind));
  });

  it('follows a change to the list of built-in models', () => {
    const list = builtInFailureModels as FailureModel[];
    new Simulation({ seed: 1 });
    list.push(noop('extra'));
    try {
      expect(new Simulation({ seed: 1 }).faultKinds()).toContain('extra');
    } finally {
      list.pop();
    }
    expect(new Simulation({ seed: 1 }).faultKinds()).not.toContain('extra');
  });
});

describe('checkCluster validates a scenario once while it is unchanged', () => {
  it('refuses a scenario made invalid after it passed, naming the field', () => {
    const scenario: ClusterScenario<null> = { name: 'idle', setup: () => null, untilMs: 10 };
    checkCluster(scenario, { seed: 1 });
    scenario.untilMs = -1;
    expect(() => checkCluster(scenario, { seed: 1 })).toThrow(/scenario\.untilMs/);
    scenario.untilMs = 10;
    scenario.invariants = [{ name: 'bad', check: 'not a function' as never }];
    expect(() => checkCluster(scenario, { seed: 1 })).toThrow(/scenario\.invariants\[0\]\.check/);
  });
});

describe('plainCopy of flat records', () => {
  const scalar = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0));
  const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', 'kind', 'atMs'));
  prop([fc.dictionary(key, scalar)], { numRuns: 300 })('is what a JSON round trip gives, key order and -0 included', (record) => {
    const copy = plainCopy(record, 'fault') as Record<string, unknown>;
    const viaJson = JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(Object.keys(viaJson));
    for (const name of Object.keys(viaJson)) expect(Object.is(copy[name], viaJson[name])).toBe(true);
    expect(copy).not.toBe(record);
  });

  it('still refuses what JSON would not carry, naming the key', () => {
    expect(() => plainCopy({ kind: 'crash', atMs: Number.NaN }, 'schedule[0]')).toThrow(/schedule\[0\]\.atMs/);
    expect(() => plainCopy({ kind: 'crash', at: () => 1 }, 'schedule[0]')).toThrow(/schedule\[0\]\.at/);
    expect(() => plainCopy(Object.defineProperty({ kind: 'crash' }, 'hidden', { value: 1 }), 'schedule[0]')).toThrow(/schedule\[0\]\.hidden/);
  });

  it("keeps a '__proto__' key a property, as JSON does", () => {
    const record = JSON.parse('{"__proto__": 1, "kind": "crash"}') as Record<string, unknown>;
    const copy = plainCopy(record, 'fault') as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'kind']);
  });
});
