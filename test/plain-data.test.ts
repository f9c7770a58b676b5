// The plain-data checks walk user values iteratively and within limits: a value nested thousands
// of levels deep, or holding millions of entries, is refused with an InvalidArgumentError naming
// the field, never a bare RangeError from a stack overflow or minutes of copying.
import fc from 'fast-check';
import { freeze } from 'immer';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { durableStateLimits, plainCopy, plainDataLimits, requireBoundedShape, requirePlainData } from '../src/plain-data.js';
import { nestedArrays, nestedObjects } from './hostile-values.js';
import { thrownBy } from './world/helpers.js';



function expectInvalid(fn: () => unknown, field: string, expected: string): InvalidArgumentError {
  const error = thrownBy(fn);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  const invalid = error as InvalidArgumentError;
  expect(invalid.field).toBe(field);
  expect(invalid.message).toContain(expected);
  return invalid;
}

const small = { maxDepth: 3, maxValues: 10, maxChars: 20 };

describe('requirePlainData and plainCopy', () => {
  it.each([
    ['arrays', nestedArrays(5000), 'value[0][0][0]', 'fault.params.message[0]'],
    ['objects', nestedObjects(5000), 'value.x.x.x', 'fault.params.message.x'],
  ])('refuse 5,000 nested %s with an InvalidArgumentError naming the field, not a RangeError', (_name, value, field, fieldInFault) => {
    // The field names the first three levels: enough to find the parameter, short enough to read.
    expectInvalid(() => plainCopy(value, 'value'), field, `nested at most ${plainDataLimits.maxDepth} levels deep`);
    expectInvalid(() => requirePlainData({ params: { message: value } }, 'fault'), fieldInFault, 'levels deep');
  });

  it('copies a value nested exactly to the limit, and refuses one level more', () => {
    const atLimit = nestedArrays(plainDataLimits.maxDepth);
    expect(plainCopy(atLimit, 'value')).toEqual(atLimit);
    expect(plainCopy(nestedObjects(plainDataLimits.maxDepth), 'value')).toEqual(nestedObjects(plainDataLimits.maxDepth));
    expectInvalid(() => plainCopy(nestedArrays(plainDataLimits.maxDepth + 1), 'value'), 'value[0][0][0]', 'levels deep');
    expectInvalid(() => requirePlainData(nestedObjects(small.maxDepth + 1), 'v', small), 'v.x.x.x', 'at most 3 levels deep');
    expect(() => requirePlainData(nestedObjects(small.maxDepth), 'v', small)).not.toThrow();
  });

  it('counts every entry, so a value of exactly maxValues passes and one more is refused', () => {
    // The root counts too: an array of 9 entries is 10 values.
    expect(() => requirePlainData(new Array(9).fill(0), 'v', small)).not.toThrow();
    expectInvalid(() => requirePlainData(new Array(10).fill(0), 'v', small), 'v', 'at most 10 values');
    expectInvalid(() => requirePlainData({ a: [1, 2, 3], b: { c: [4, 5, 6, 7] } }, 'v', small), 'v.b.c', 'at most 10 values');
    expect(() => requirePlainData({ a: [1, 2, 3], b: { c: [4, 5, 6] } }, 'v', small)).not.toThrow();
  });

  it('counts the characters of strings and keys', () => {
    expect(() => requirePlainData({ abcde: 'x'.repeat(15) }, 'v', small)).not.toThrow();
    expectInvalid(() => requirePlainData({ abcde: 'x'.repeat(16) }, 'v', small), 'v.abcde', 'at most 20 characters');
  });

  it('refuses a 1e7-element array and a 50 MB string at once, without copying them', () => {
    const huge = new Array(1e7).fill(0);
    expectInvalid(() => plainCopy({ message: huge }, 'params'), 'params.message', `at most ${plainDataLimits.maxValues} values`);
    expectInvalid(() => plainCopy({ message: 'x'.repeat(50_000_000) }, 'params'), 'params.message', `at most ${plainDataLimits.maxChars} characters`);
  });

  it('refuses shared parts that JSON would write exponentially often', () => {
    let value: unknown = 1;
    for (let level = 0; level < 40; level++) value = { left: value, right: value }; // 2^40 leaves as JSON
    const error = thrownBy(() => plainCopy(value, 'value'));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).message).toContain(`at most ${plainDataLimits.maxValues} values`);
  });

  it('accepts shared parts that are not a cycle, and refuses a cycle', () => {
    const shared = { n: 1 };
    expect(plainCopy({ a: shared, b: [shared] }, 'v')).toEqual({ a: { n: 1 }, b: [{ n: 1 }] });
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic['self'] = [cyclic];
    expectInvalid(() => plainCopy(cyclic, 'v'), 'v.self[0]', 'plain data');
  });

  it('refuses symbol keys and non-enumerable properties, which JSON would drop', () => {
    expectInvalid(() => plainCopy({ ok: 1, [Symbol('hidden')]: 2 }, 'v'), 'v[Symbol(hidden)]', 'JSON drops symbol keys');
    expectInvalid(() => plainCopy({ list: Object.assign([1], { [Symbol.for('x')]: 2 }) }, 'v'), 'v.list[Symbol(x)]', 'JSON drops symbol keys');
    const hidden = Object.defineProperty({ shown: 1 }, 'secret', { value: 2, enumerable: false });
    expectInvalid(() => plainCopy({ inner: hidden }, 'v'), 'v.inner.secret', 'non-enumerable');
  });

  it('treats an undefined object key as absent and refuses an undefined array element or hole', () => {
    expect(plainCopy({ a: 1, b: undefined }, 'v')).toEqual({ a: 1 });
    expectInvalid(() => plainCopy({ list: [1, undefined] }, 'v'), 'v.list[1]', 'plain data');
    // eslint-disable-next-line no-sparse-arrays
    expectInvalid(() => plainCopy([0, , 2], 'v'), 'v[1]', 'plain data');
  });

  it('names the first offending part, as before', () => {
    expectInvalid(() => plainCopy({ values: [1n, 2n] }, 'p'), 'p.values[0]', 'plain data');
    expectInvalid(() => plainCopy({ a: [1, { b: Number.NaN }], c: () => 1 }, 'p'), 'p.a[1].b', 'plain data');
  });

  it('copies every JSON value unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(plainCopy(value, 'v')).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 20_260_101, numRuns: 300 },
    );
  });
});

describe('requireBoundedShape (for durable state before immer freezes it)', () => {
  it.each([
    ['arrays', nestedArrays(5000), 'durable[0][0][0]'],
    ['objects', nestedObjects(5000), 'durable.x.x.x'],
    ['Maps', Array.from({ length: 5000 }).reduce<unknown>((inner) => new Map([['k', inner]]), 1), 'durable.get(k).get(k).get(k)'],
    ['Sets', Array.from({ length: 5000 }).reduce<unknown>((inner) => new Set([inner]), 1), 'durable[0][0][0]'],
  ])('refuses 5,000 nested %s with an InvalidArgumentError naming the field', (_name, value, field) => {
    expect(() => freeze(value, true)).toThrow(RangeError); // what the check protects against
    expectInvalid(() => requireBoundedShape(value, 'durable'), field, `nested at most ${durableStateLimits.maxDepth} levels deep`);
  });

  it('accepts a value nested exactly to the limit, which immer then freezes without overflowing', () => {
    const atLimit = nestedObjects(durableStateLimits.maxDepth);
    expect(() => requireBoundedShape(atLimit, 'durable')).not.toThrow();
    expect(() => freeze(atLimit, true)).not.toThrow();
    expectInvalid(() => requireBoundedShape(nestedObjects(durableStateLimits.maxDepth + 1), 'durable'), 'durable.x.x.x', 'levels deep');
  });

  it('refuses more values than the limit before listing them', () => {
    expectInvalid(() => requireBoundedShape({ log: new Array(100).fill(0) }, 'durable', { maxDepth: 5, maxValues: 50 }), 'durable.log', 'at most 50 values');
    expect(() => requireBoundedShape({ log: new Array(48).fill(0) }, 'durable', { maxDepth: 5, maxValues: 50 })).not.toThrow();
  });

  it('accepts what immer accepts: cycles, shared parts, class instances and deep parts immer does not walk', () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic['self'] = cyclic;
    expect(() => requireBoundedShape(cyclic, 'durable')).not.toThrow();
    class Chain {
      constructor(readonly next: unknown) {}
    }
    // Immer does not recurse into class instances, so their depth cannot overflow its freeze.
    const chain = Array.from({ length: 5000 }).reduce<unknown>((inner) => new Chain(inner), undefined);
    expect(() => requireBoundedShape({ chain }, 'durable')).not.toThrow();
    expect(() => freeze({ chain }, true)).not.toThrow();
  });

  it('never refuses an ordinary value immer freezes', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withBigInt: true }), (value) => {
        expect(() => requireBoundedShape(value, 'durable')).not.toThrow();
        expect(() => freeze(value, true)).not.toThrow();
      }),
      { seed: 20_260_102, numRuns: 300 },
    );
  });
});
