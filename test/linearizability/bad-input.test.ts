import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FaultlineError, InvalidArgumentError } from '../../src/errors.js';
import { casRegisterModel } from '../../src/linearizability/cas-register-model.js';
import { checkLinearizability } from '../../src/linearizability/check-linearizability.js';
import { keyValueModel } from '../../src/linearizability/key-value-model.js';
import type { Model } from '../../src/linearizability/model.js';
import { registerModel } from '../../src/linearizability/register-model.js';
import { catchError, expectInvalidArgument } from '../detectors/expect-invalid.js';

const valid = { id: 0, process: 0, input: { kind: 'read' }, output: 1, invokeMs: 0, completeMs: 5, status: 'ok' };
const check = (history: unknown, model: Model<unknown, unknown, unknown> = casRegisterModel() as Model<unknown, unknown, unknown>, options?: unknown) =>
  checkLinearizability(history as never, model, options as never);

describe('checkLinearizability rejects a malformed history up front', () => {
  const cases: [string, unknown, string][] = [
    ['a history that is not an array', { 0: valid }, 'history'],
    ['an operation that is not an object', [valid, 3], 'history[1]'],
    ['a missing id', [{ ...valid, id: undefined }], 'history[0].id'],
    ['a duplicate id', [valid, { ...valid, process: 1 }], 'history[1].id'],
    ['a missing process', [{ ...valid, process: undefined }], 'history[0].process'],
    ['an unknown status', [{ ...valid, status: 'done' }], 'history[0].status'],
    ['a NaN invocation time', [{ ...valid, invokeMs: Number.NaN }], 'history[0].invokeMs'],
    ['a missing invocation time', [{ ...valid, invokeMs: undefined }], 'history[0].invokeMs'],
    ['an ok operation without completion time', [{ ...valid, completeMs: undefined }], 'history[0].completeMs'],
    ['a completion before the invocation', [{ ...valid, invokeMs: 10, completeMs: 5 }], 'history[0].completeMs'],
    ['an infinite completion time', [{ ...valid, completeMs: Infinity }], 'history[0].completeMs'],
    ['a pending operation with a completion time', [{ ...valid, output: undefined, status: 'pending' }], 'history[0].completeMs'],
    ['an output on a failed operation', [{ ...valid, status: 'fail' }], 'history[0].output'],
    ['an output on an info operation', [{ ...valid, status: 'info' }], 'history[0].output'],
    ['a misspelt field', [{ ...valid, ouput: 1 }], 'history[0].ouput'],
    ['an input the model does not know', [{ ...valid, input: { kind: 'increment' } }], 'history[0].input'],
    ['an input with a NaN value', [{ ...valid, input: { kind: 'write', value: Number.NaN }, output: undefined }], 'history[0].input'],
    ['a cas output that is not a boolean', [{ ...valid, input: { kind: 'cas', from: 1, to: 2 }, output: 'yes' }], 'history[0].output'],
    ['a read output that is an object', [{ ...valid, output: { value: 1 } }], 'history[0].output'],
  ];
  for (const [what, history, field] of cases) {
    it(`${what} → InvalidArgumentError on ${field}`, () => expectInvalidArgument(() => check(history), field));
  }

  it('the message names the field, the value and what is accepted', () => {
    const error = catchError(() => check([{ ...valid, invokeMs: 10, completeMs: 5 }])) as InvalidArgumentError;
    expect(error.message).toBe('history[0].completeMs must be a finite time in ms >= invokeMs (10): an operation cannot complete before it starts; got 5');
  });

  it('an Operation.key on a model that splits by key itself is ambiguous', () => {
    const history = [{ id: 0, process: 0, key: 'a', input: { kind: 'get', key: 'x' }, output: '', invokeMs: 0, completeMs: 1, status: 'ok' }];
    expectInvalidArgument(() => check(history, keyValueModel() as Model<unknown, unknown, unknown>), 'history[0].key');
  });

  it('a register value must be comparable with ===', () => {
    expectInvalidArgument(() => registerModel({ initialValue: {} as never }), 'initialValue');
    expectInvalidArgument(() => casRegisterModel({ initial: 0 } as never), 'initial');
  });

  it('never throws anything but a FaultlineError, whatever it is given', () => {
    const operationLike = fc.record(
      { id: fc.anything(), process: fc.anything(), input: fc.anything(), output: fc.anything(), invokeMs: fc.anything(), completeMs: fc.anything(), status: fc.constantFrom('ok', 'fail', 'info', 'pending', 'x') },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(operationLike, { maxLength: 4 })), (history) => {
        try {
          check(history);
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
        }
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});

describe('checkLinearizability rejects a malformed model or options', () => {
  it('a model without step', () => {
    expectInvalidArgument(() => check([], { init: () => 0 } as never), 'model.step');
  });

  it('an optional model hook that is not a function', () => {
    expectInvalidArgument(() => check([], { ...registerModel(), hash: 'state' } as never), 'model.hash');
  });

  it('a step that returns a boolean instead of { legal, state }', () => {
    const model = { init: () => 0, step: () => true } as unknown as Model<unknown, unknown, unknown>;
    expectInvalidArgument(() => check([valid], model), 'model.step');
  });

  it('states that are not plain data and no hash', () => {
    const model: Model<Map<string, number>, unknown, unknown> = { init: () => new Map(), step: (state) => ({ legal: true, state }) };
    const error = catchError(() => check([valid], model as Model<unknown, unknown, unknown>)) as InvalidArgumentError;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe('model.hash');
    expect(error.message).toContain('a Map');
  });

  it('a key function that does not return a string', () => {
    const model = { ...registerModel(), key: () => 3 } as unknown as Model<unknown, unknown, unknown>;
    expectInvalidArgument(() => check([valid], model), 'model.key(history[0].input)');
  });

  it('bad options', () => {
    expectInvalidArgument(() => check([], undefined, { maxSteps: 0 }), 'maxSteps');
    expectInvalidArgument(() => check([], undefined, { maxSteps: 1.5 }), 'maxSteps');
    expectInvalidArgument(() => check([], undefined, { timeoutMs: -1 }), 'timeoutMs');
    expectInvalidArgument(() => check([], undefined, { maxStep: 10 }), 'maxStep');
  });
});
