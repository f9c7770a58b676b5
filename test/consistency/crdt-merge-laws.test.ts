// The merge laws every state-based CRDT rests on: on reachable states, merge is commutative,
// associative and idempotent, so replicas that have seen the same updates hold the same state
// whatever order they merged in. Equality is checked as canonical JSON too: merged states are
// equal key for key and in the order their keys are written, so digests of equal states agree.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { mergeCrdt } from '../../src/index.js';
import { allModels, reachableStates } from './replica-histories.js';

describe.each(allModels.map((model) => [model.name, model] as const))('%s merge', (_name, model) => {
  const states = reachableStates(model);

  test.prop([states])('is commutative', ([a, b]) => {
    const ab = model.merge(a!, b!);
    expect(model.merge(b!, a!)).toEqual(ab);
    expect(JSON.stringify(model.merge(b!, a!))).toBe(JSON.stringify(ab));
  });

  test.prop([states])('is associative', ([a, b, c]) => {
    const left = model.merge(model.merge(a!, b!), c!);
    const right = model.merge(a!, model.merge(b!, c!));
    expect(JSON.stringify(right)).toBe(JSON.stringify(left));
  });

  test.prop([states])('is idempotent', ([a, b]) => {
    expect(JSON.stringify(model.merge(a!, a!))).toBe(JSON.stringify(a));
    const ab = model.merge(a!, b!);
    expect(JSON.stringify(model.merge(ab, b!))).toBe(JSON.stringify(ab));
  });

  test.prop([states])('mergeCrdt dispatches to it', ([a, b]) => {
    expect(mergeCrdt(a!, b!)).toEqual(model.merge(a!, b!));
  });

  test.prop([states])('never changes its inputs (states stay usable as frozen durable state)', ([a, b]) => {
    const before = JSON.stringify([a, b]);
    model.merge(Object.freeze(a!), Object.freeze(b!));
    expect(JSON.stringify([a, b])).toBe(before);
  });
});
