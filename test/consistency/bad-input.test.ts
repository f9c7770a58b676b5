// Bad input to clocks, CRDTs and anti-entropy: a typed InvalidArgumentError that names the
// field and the value, never a silently wrong merge, a TypeError or a hang.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  createDigestExchange,
  gCounter,
  hybridLogicalClock,
  lamportClock,
  lwwRegister,
  mergeCrdt,
  mergeStores,
  mvRegister,
  orSet,
  planReadRepair,
  pnCounter,
  storeDigest,
  versionVector,
} from '../../src/index.js';

function refused(action: () => unknown, field: string, value?: unknown): InvalidArgumentError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  const error = caught as InvalidArgumentError;
  expect(error.field).toBe(field);
  if (arguments.length > 2) expect(Object.is(error.value, value) || JSON.stringify(error.value) === JSON.stringify(value)).toBe(true);
  return error;
}

describe('merging states of different types or shapes', () => {
  it('refuses a G-Counter merged with a PN-Counter, naming b.type', () => {
    refused(() => gCounter.merge(gCounter.empty(), pnCounter.empty() as never), 'b.type', 'pn-counter');
    refused(() => mergeCrdt(orSet.empty(), gCounter.empty() as never), 'b.type', 'g-counter');
  });

  it('refuses an unknown CRDT type and a store whose key holds two types', () => {
    refused(() => mergeCrdt({ type: 'counter' } as never, gCounter.empty()), 'a.type', 'counter');
    refused(() => mergeStores({ k: gCounter.empty() }, { k: orSet.empty() }), 'b["k"].type', 'or-set');
  });

  it('refuses extra or missing fields', () => {
    refused(() => gCounter.merge({ ...gCounter.empty(), extra: 1 } as never, gCounter.empty()), 'a.extra', 1);
    refused(() => pnCounter.value({ type: 'pn-counter', increments: {} } as never), 'state.decrements', undefined);
    refused(() => mvRegister.merge(mvRegister.empty(), { type: 'mv-register', entries: [{ value: 1 }] } as never), 'b.entries[0].version', undefined);
    refused(() => orSet.merge(orSet.empty(), { ...orSet.empty(), removed: [7] } as never), 'b.removed[0]', 7);
  });

  it('refuses a written LWW value while its timestamp is null', () => {
    refused(() => lwwRegister.merge(lwwRegister.empty(), { type: 'lww-register', value: 'x', timestamp: null }), 'b.value', 'x');
  });
});

describe('counters', () => {
  it('refuse negative and non-finite G-Counter increments', () => {
    refused(() => gCounter.increment(gCounter.empty(), 'a', -1), 'amount', -1);
    refused(() => gCounter.increment(gCounter.empty(), 'a', Number.POSITIVE_INFINITY), 'amount', Number.POSITIVE_INFINITY);
    refused(() => pnCounter.add(pnCounter.empty(), 'a', Number.NaN), 'delta', Number.NaN);
  });

  it('refuse non-finite and negative totals in a state, and a total that overflows', () => {
    refused(() => gCounter.value({ type: 'g-counter', counts: { a: Number.NaN } }), 'state.counts["a"]', Number.NaN);
    refused(() => gCounter.merge(gCounter.empty(), { type: 'g-counter', counts: { a: -3 } }), 'b.counts["a"]', -3);
    refused(() => gCounter.increment({ type: 'g-counter', counts: { a: Number.MAX_VALUE } }, 'a', Number.MAX_VALUE), 'amount', Number.MAX_VALUE);
  });

  test.prop([fc.oneof(fc.double({ max: -Number.MIN_VALUE }), fc.constantFrom(Number.NaN, Infinity, -Infinity), fc.string(), fc.constant(null))])(
    'fuzz: any non-count amount is an InvalidArgumentError naming amount',
    (amount) => {
      refused(() => gCounter.increment(gCounter.empty(), 'a', amount as number), 'amount');
    },
  );
});

describe('vector clocks', () => {
  it('refuse malformed entries, naming the entry', () => {
    refused(() => versionVector.merge({ a: 1 }, { b: -1 }), 'b["b"]', -1);
    refused(() => versionVector.compare({ a: 1.5 }, {}), 'a["a"]', 1.5);
    refused(() => versionVector.increment({ '': 1 }, 'a'), 'vector[""]', 1);
    refused(() => versionVector.merge([1, 2] as never, {}), 'a', [1, 2]);
  });

  test.prop([fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), fc.anything()).filter((vector) => Object.values(vector).some((entry) => !(Number.isSafeInteger(entry) && (entry as number) >= 0)))])(
    'fuzz: a vector with any non-version entry is refused with an InvalidArgumentError',
    (vector) => {
      expect(() => versionVector.compare(vector as never, {})).toThrow(InvalidArgumentError);
    },
  );
});

describe('clocks from different nodes mixed up', () => {
  it("refuses ticking another node's HLC state", () => {
    const clockOfA = hybridLogicalClock.create({ id: 'a', now: () => 10 });
    refused(() => hybridLogicalClock.tick(clockOfA, { id: 'b', now: () => 20 }), 'clock.node', 'a');
  });

  it('refuses a received timestamp of this same node that is ahead of its clock (an id shared by two processes)', () => {
    const host = { id: 'a', now: () => 10 };
    const clock = hybridLogicalClock.create(host);
    refused(() => hybridLogicalClock.receive(clock, { wallMs: 99, logical: 0, node: 'a' }, host), 'remote');
    refused(() => lamportClock.receive({ node: 'a', time: 1 }, { node: 'a', time: 5 }), 'remote.time', 5);
  });

  it('refuses a physical clock that reads NaN', () => {
    refused(() => hybridLogicalClock.create({ id: 'a', now: () => Number.NaN }), 'host.now()', Number.NaN);
  });
});

describe('anti-entropy and read repair', () => {
  it('refuses bad options, unknown keys and replies', () => {
    const host = { id: 'a', peers: [], rng: undefined as never, send() {}, setTimer() {} };
    const access = { read: () => ({}), write() {} };
    refused(() => createDigestExchange(host, { ...access, intervalMs: 0 }), 'options.intervalMs', 0);
    refused(() => createDigestExchange(host, { ...access, intervalMs: 10, bucketCount: 0 }), 'options.bucketCount', 0);
    refused(() => createDigestExchange(host, { ...access, intervalMs: 10, intervalMS: 5 } as never), 'options.intervalMS', 5);
    refused(() => storeDigest({}, 1.5), 'bucketCount', 1.5);
    refused(() => planReadRepair([]), 'replies', []);
    refused(() => planReadRepair([{ from: 'a', state: null }, { from: 'a', state: null }]), 'replies[1].from', 'a');
    refused(() => planReadRepair([{ from: 'a', state: gCounter.empty() }, { from: 'b', state: orSet.empty() }]), 'replies[1].state.type', 'or-set');
  });
});

describe('fuzz: merging arbitrary values', () => {
  const merges = [gCounter.merge, pnCounter.merge, lwwRegister.merge, mvRegister.merge, orSet.merge, mergeCrdt, mergeStores] as Array<(a: unknown, b: unknown) => unknown>;
  test.prop([fc.constantFrom(...merges.keys()), fc.anything(), fc.anything()])('either merges or throws an InvalidArgumentError', (index, a, b) => {
    try {
      merges[index]!(a, b);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe('fuzz: states with a valid type tag and arbitrary fields', () => {
  const shaped = fc
    .tuple(fc.constantFrom('g-counter', 'pn-counter', 'lww-register', 'mv-register', 'or-set'), fc.dictionary(fc.constantFrom('counts', 'increments', 'decrements', 'value', 'timestamp', 'entries', 'sequences', 'added', 'removed'), fc.anything()))
    .map(([type, fields]) => ({ ...fields, type }));
  test.prop([shaped, shaped])('merge either succeeds on two well-formed states of one type or throws an InvalidArgumentError', (a, b) => {
    try {
      mergeCrdt(a as never, b as never);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
  });
});
