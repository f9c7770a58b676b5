import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { checkLostUpdates, checkSessionGuarantees, convergence, noLostUpdates, sessionGuarantees } from '../../../src/check/index.js';
import { FaultlineError, InvalidArgumentError } from '../../../src/index.js';

const ok = { id: 0, process: 'c1', input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 5, status: 'ok' };

function fieldOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  throw new Error('no error was thrown');
}

describe('malformed histories are refused with the field named', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['a missing id', [{ ...ok, id: undefined }], 'history[0].id'],
    ['a duplicate id', [ok, { ...ok, input: { kind: 'write', value: 2 } }], 'history[1].id'],
    ['an end before the start', [{ ...ok, invokeMs: 10, completeMs: 5 }], 'history[0].completeMs'],
    ['a missing status', [{ ...ok, status: undefined }], 'history[0].status'],
    ['an unknown operation kind', [{ ...ok, input: { kind: 'cas', from: 1, to: 2 } }], 'history[0].input'],
    ['a missing input', [{ ...ok, input: undefined }], 'history[0].input'],
    ['an unknown field', [{ ...ok, when: 3 }], 'history[0].when'],
    ['a missing process', [{ ...ok, process: undefined }], 'history[0].process'],
  ];

  it.each(cases)('session guarantees: %s', (_, history, field) => {
    expect(fieldOf(() => checkSessionGuarantees(history as never))).toBe(field);
  });

  it.each(cases)('lost updates: %s', (_, history, field) => {
    expect(fieldOf(() => checkLostUpdates(history as never, 1, 'last-writer-wins'))).toBe(field);
  });

  it('session guarantees: two writes of one value to one key', () => {
    expect(fieldOf(() => checkSessionGuarantees([ok, { ...ok, id: 1 }] as never))).toBe('history[1].input.value');
  });

  it('session guarantees: a write of the initial value', () => {
    expect(fieldOf(() => checkSessionGuarantees([ok] as never, { initialValue: 1 }))).toBe('history[0].input.value');
  });

  it('session guarantees: a history longer than maxOperations', () => {
    expect(fieldOf(() => checkSessionGuarantees([ok, { ...ok, id: 1, input: { kind: 'write', value: 2 } }] as never, { maxOperations: 1 }))).toBe('history');
  });

  it('lost updates: a final state of the wrong type for the rule', () => {
    expect(fieldOf(() => checkLostUpdates([ok] as never, [1], 'last-writer-wins'))).toBe('final');
    expect(fieldOf(() => checkLostUpdates([], 'x', 'add-wins-set'))).toBe('final');
    expect(fieldOf(() => checkLostUpdates([], Number.NaN, 'counter'))).toBe('final');
    expect(fieldOf(() => checkLostUpdates([{ ...ok, key: 'x' }] as never, 1, 'last-writer-wins'))).toBe('final');
  });
});

describe('bad options are refused at configuration', () => {
  it('names unknown guarantees, rules and option keys', () => {
    expect(fieldOf(() => checkSessionGuarantees([], { guarantees: ['linearizable' as never] }))).toBe('options.guarantees');
    expect(fieldOf(() => checkSessionGuarantees([], { guarantees: [] }))).toBe('options.guarantees');
    expect(fieldOf(() => checkSessionGuarantees([], { initalValue: 0 } as never))).toBe('options.initalValue');
    expect(fieldOf(() => checkLostUpdates([], 1, 'first-writer-wins' as never))).toBe('rule');
    expect(fieldOf(() => checkLostUpdates([], 1, { name: 'mine', isUpdate: () => true } as never))).toBe('rule.survives');
  });

  it('names readers that are not functions', () => {
    expect(fieldOf(() => convergence({ replicas: 'r1' as never, fromMs: 0, withinMs: 10 }))).toBe('options.replicas');
    expect(fieldOf(() => convergence({ replicas: () => ({}), equal: true as never, fromMs: 0, withinMs: 10 }))).toBe('options.equal');
    expect(fieldOf(() => sessionGuarantees({ history: [] as never }))).toBe('options.history');
    expect(fieldOf(() => noLostUpdates({ history: () => [], replicas: {} as never, rule: 'counter' }))).toBe('options.replicas');
    expect(fieldOf(() => noLostUpdates({ history: () => [], replicas: () => ({}), rule: 'lww' as never }))).toBe('rule');
  });

  it('names bad bounds of the convergence check', () => {
    expect(fieldOf(() => convergence({ replicas: () => ({}), fromMs: -1, withinMs: 10 }))).toBe('options.fromMs');
    expect(fieldOf(() => convergence({ replicas: () => ({}), fromMs: 0, withinMs: 0 }))).toBe('options.withinMs');
    expect(fieldOf(() => convergence({ replicas: () => ({}), fromMs: 0, withinMs: Number.POSITIVE_INFINITY }))).toBe('options.withinMs');
    expect(fieldOf(() => convergence({ replicas: () => ({}), fromMs: 0, withinMs: 5, after: 3 } as never))).toBe('options.after');
  });
});

/** Operations with every field possibly wrong. */
const anyOperation = fc.record(
  {
    id: fc.oneof(fc.nat(5), fc.anything()),
    process: fc.oneof(fc.constantFrom('c1', 'c2'), fc.anything()),
    key: fc.oneof(fc.constantFrom('x', 'y'), fc.anything()),
    input: fc.oneof(fc.record({ kind: fc.constantFrom('read', 'write', 'add', 'remove', 'increment', 'cas'), value: fc.oneof(fc.nat(3), fc.anything()), amount: fc.integer() }, { requiredKeys: ['kind'] }), fc.anything()),
    output: fc.oneof(fc.nat(3), fc.constant(null), fc.anything()),
    invokeMs: fc.oneof(fc.nat(20), fc.anything()),
    completeMs: fc.oneof(fc.nat(20), fc.anything()),
    status: fc.oneof(fc.constantFrom('ok', 'fail', 'info', 'pending'), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('fuzzed bad input', () => {
  test.prop([fc.oneof(fc.array(anyOperation, { maxLength: 8 }), fc.anything())])('the session check returns a verdict or throws a FaultlineError', (history) => {
    try {
      const result = checkSessionGuarantees(history as never);
      expect(typeof result.holds).toBe('boolean');
    } catch (error) {
      expect(error).toBeInstanceOf(FaultlineError);
    }
  });

  test.prop([fc.oneof(fc.array(anyOperation, { maxLength: 8 }), fc.anything()), fc.anything(), fc.constantFrom('last-writer-wins', 'add-wins-set', 'counter')])('the lost-update check returns a verdict or throws a FaultlineError', (history, final, rule) => {
    try {
      const result = checkLostUpdates(history as never, final, rule);
      expect(typeof result.holds).toBe('boolean');
    } catch (error) {
      expect(error).toBeInstanceOf(FaultlineError);
    }
  });

  test.prop([fc.anything()])('the factories refuse any options but well-formed ones with a FaultlineError', (options) => {
    for (const factory of [convergence, sessionGuarantees, noLostUpdates] as Array<(options: never) => unknown>) {
      expect(() => factory(options as never)).toThrow(FaultlineError);
    }
  });
});
