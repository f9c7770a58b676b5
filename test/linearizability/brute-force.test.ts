import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/history/operation.js';
import { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from '../../src/linearizability/cas-register-model.js';
import { checkLinearizability } from '../../src/linearizability/check-linearizability.js';
import type { Model } from '../../src/linearizability/model.js';
import type { RegisterValue } from '../../src/linearizability/register-model.js';

// The search must agree with the definition. For small random histories the definition can be
// checked directly: try every order of the operations that must have happened, with every subset
// of the indeterminate ones, keep the orders that respect real time, and run the model.

type CasOperation = Operation<CasRegisterInput, CasRegisterOutput>;

function linearizableByDefinition(history: readonly CasOperation[], model: Model<RegisterValue, CasRegisterInput, CasRegisterOutput>): boolean {
  const counted = history.filter((operation) => operation.status !== 'fail');
  const determinate = counted.filter((operation) => operation.status === 'ok');
  const indeterminate = counted.filter((operation) => operation.status !== 'ok');
  for (let subset = 0; subset < 1 << indeterminate.length; subset++) {
    const chosen = [...determinate, ...indeterminate.filter((_, index) => (subset >> index) & 1)];
    if (someOrderWorks(chosen, [], model)) return true;
  }
  return false;
}

function someOrderWorks(remaining: readonly CasOperation[], order: readonly CasOperation[], model: Model<RegisterValue, CasRegisterInput, CasRegisterOutput>): boolean {
  if (remaining.length === 0) return accepts(order, model);
  return remaining.some((next, index) => {
    // `next` may come now only if nothing left over returned strictly before `next` was invoked.
    const rest = remaining.filter((_, other) => other !== index);
    if (rest.some((other) => returnMs(other) < next.invokeMs)) return false;
    return someOrderWorks(rest, [...order, next], model);
  });
}

function returnMs(operation: CasOperation): number {
  return operation.status === 'ok' ? (operation.completeMs as number) : Infinity;
}

function accepts(order: readonly CasOperation[], model: Model<RegisterValue, CasRegisterInput, CasRegisterOutput>): boolean {
  let state = model.init();
  for (const operation of order) {
    const result = model.step(state, operation.input, operation.status === 'ok' ? operation.output : undefined);
    if (!result.legal) return false;
    state = result.state;
  }
  return true;
}

const value = fc.integer({ min: 0, max: 2 });
const input: fc.Arbitrary<CasRegisterInput> = fc.oneof(
  fc.constant({ kind: 'read' as const }),
  value.map((written) => ({ kind: 'write' as const, value: written })),
  fc.tuple(value, value).map(([from, to]) => ({ kind: 'cas' as const, from, to })),
);
const rawOperation = fc.record({
  input,
  invokeMs: fc.integer({ min: 0, max: 12 }),
  durationMs: fc.integer({ min: 0, max: 6 }),
  status: fc.constantFrom('ok', 'ok', 'ok', 'fail', 'info', 'pending'),
  readValue: fc.option(value, { nil: undefined }),
  swapped: fc.option(fc.boolean(), { nil: undefined }),
});
const history: fc.Arbitrary<CasOperation[]> = fc.array(rawOperation, { minLength: 0, maxLength: 7 }).map((raws) =>
  raws.map((raw, id) => {
    const output = raw.input.kind === 'read' ? raw.readValue : raw.input.kind === 'cas' ? raw.swapped : undefined;
    const completeMs = raw.invokeMs + raw.durationMs;
    return {
      id,
      process: id,
      input: raw.input,
      invokeMs: raw.invokeMs,
      ...(raw.status === 'pending' ? {} : { completeMs }),
      ...(raw.status === 'ok' && output !== undefined ? { output } : {}),
      status: raw.status as CasOperation['status'],
    };
  }),
);

describe('checkLinearizability agrees with the definition', () => {
  it('on random small CAS-register histories with failed, indeterminate and pending operations', () => {
    const model = casRegisterModel({ initialValue: 0 });
    let refuted = 0;
    fc.assert(
      fc.property(history, (operations) => {
        const expected = linearizableByDefinition(operations, model);
        const result = checkLinearizability(operations, model);
        if (!expected) refuted++;
        expect(result.verdict).toBe(expected ? 'linearizable' : 'not-linearizable');
      }),
      { seed: 20_240_605, numRuns: 1_500 },
    );
    expect(refuted).toBeGreaterThan(200); // both verdicts well exercised
  });
});
