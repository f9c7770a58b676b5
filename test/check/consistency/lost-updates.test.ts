import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { checkLostUpdates, type CustomUpdateRule, type UpdateInput } from '../../../src/check/index.js';
import { HistoryBuilder, read, write } from './history-builder.js';

const history = () => new HistoryBuilder<UpdateInput, unknown>();
const add = (value: string) => ({ kind: 'add' as const, value });
const remove = (value: string) => ({ kind: 'remove' as const, value });
const increment = (amount: number) => ({ kind: 'increment' as const, amount });
const lostIds = (result: ReturnType<typeof checkLostUpdates>) => result.lost.map((loss) => loss.operations.map((operation) => operation.id));

describe('last-writer-wins register', () => {
  it('holds when the final value is the last acknowledged write', () => {
    expect(checkLostUpdates(history().ok('c1', write(1), 0, 5).ok('c2', write(2), 10, 15).build(), 2, 'last-writer-wins').holds).toBe(true);
  });

  it('holds when a concurrent write wins', () => {
    expect(checkLostUpdates(history().ok('c1', write(1), 0, 10).ok('c2', write(2), 5, 15).build(), 1, 'last-writer-wins').holds).toBe(true);
  });

  it('loses a write when an earlier acknowledged write wins', () => {
    const result = checkLostUpdates(history().ok('c1', write(1), 0, 5).ok('c2', write(2), 10, 15).build(), 1, 'last-writer-wins');
    expect(lostIds(result)).toEqual([[1]]);
    expect(result.text).toContain('acknowledged before it began');
  });

  it('loses every acknowledged write when the final value is nobody’s', () => {
    const result = checkLostUpdates(history().ok('c1', write(1), 0, 5).ok('c2', write(2), 10, 15).fail('c3', write(3), 20, 25).build(), 3, 'last-writer-wins');
    expect(lostIds(result)).toEqual([[0], [1]]);
  });

  it('lets an indeterminate write win over anything invoked after it began', () => {
    expect(checkLostUpdates(history().info('c1', write(1), 0).ok('c2', write(2), 10, 15).build(), 1, 'last-writer-wins').holds).toBe(true);
  });

  it('checks each key against its own final value', () => {
    const operations = history().ok('c1', write(1), 0, 5, undefined, 'x').ok('c1', write(2), 10, 15, undefined, 'y').ok('c1', read, 20, 25, 1, 'x').build();
    expect(checkLostUpdates(operations, { x: 1, y: 2 }, 'last-writer-wins').holds).toBe(true);
    const result = checkLostUpdates(operations, { x: 1 }, 'last-writer-wins');
    expect(result.lost.map((loss) => loss.key)).toEqual(['y']);
  });
});

describe('add-wins set', () => {
  it('holds when an add survives a concurrent remove', () => {
    expect(checkLostUpdates(history().ok('c1', add('a'), 0, 10).ok('c2', remove('a'), 5, 15).build(), ['a'], 'add-wins-set').holds).toBe(true);
  });

  it('loses an add that a concurrent remove took out', () => {
    expect(lostIds(checkLostUpdates(history().ok('c1', add('a'), 0, 10).ok('c2', remove('a'), 5, 15).build(), [], 'add-wins-set'))).toEqual([[0]]);
  });

  it('holds when a later remove takes an add out', () => {
    expect(checkLostUpdates(history().ok('c1', add('a'), 0, 10).ok('c2', remove('a'), 20, 25).build(), new Set(), 'add-wins-set').holds).toBe(true);
  });

  it('loses a remove when only earlier adds could have put the value back', () => {
    const result = checkLostUpdates(history().ok('c1', add('a'), 0, 10).ok('c2', remove('a'), 20, 25).build(), ['a'], 'add-wins-set');
    expect(lostIds(result)).toEqual([[1]]);
  });
});

describe('counter', () => {
  it('holds when the final count is the sum of acknowledged increments', () => {
    expect(checkLostUpdates(history().ok('c1', increment(2), 0, 5).ok('c2', increment(3), 1, 6).build(), 5, 'counter').holds).toBe(true);
  });

  it('reports the shortfall when increments are missing', () => {
    const result = checkLostUpdates(history().ok('c1', increment(2), 0, 5).ok('c2', increment(3), 1, 6).build(), 3, 'counter');
    expect(lostIds(result)).toEqual([[0, 1]]);
    expect(result.text).toContain('2 lost');
  });

  it('allows an indeterminate decrement to explain a lower count', () => {
    expect(checkLostUpdates(history().ok('c1', increment(2), 0, 5).info('c2', increment(-1), 1).build(), 1, 'counter').holds).toBe(true);
  });

  it('reports a lost acknowledged decrement: the count ends above the sum', () => {
    const result = checkLostUpdates(history().ok('c1', increment(5), 0, 5).ok('c2', increment(-2), 10, 15).build(), 5, 'counter');
    expect(lostIds(result)).toEqual([[0, 1]]);
    expect(result.text).toContain('2 too many (a decrement lost');
  });

  it('allows an indeterminate increment to explain a higher count, and no more', () => {
    const base = () => history().ok('c1', increment(5), 0, 5).ok('c2', increment(-2), 10, 15).info('c3', increment(4), 12);
    expect(checkLostUpdates(base().build(), 7, 'counter').holds).toBe(true);
    expect(checkLostUpdates(base().build(), 8, 'counter').holds).toBe(false);
  });
});

describe('custom rule', () => {
  const appendLog: CustomUpdateRule = {
    name: 'append-only log',
    isUpdate: (input) => (input as { kind: string }).kind === 'append',
    survives: (final, update) => (final as unknown[]).includes((update.input as { value: unknown }).value) || 'not in the log',
  };

  it('lists the updates the rule says were lost', () => {
    const operations = new HistoryBuilder().ok('c1', { kind: 'append', value: 1 }, 0, 5).ok('c1', { kind: 'append', value: 2 }, 10, 15).build();
    const result = checkLostUpdates(operations, [1], appendLog);
    expect(lostIds(result)).toEqual([[1]]);
    expect(result.text).toContain('not in the log');
  });
});

describe('properties', () => {
  /** Adds and removes of a few values, applied one after another, and the set they leave. */
  const sequentialSet = fc.array(fc.record({ isAdd: fc.boolean(), value: fc.constantFrom('a', 'b', 'c') }), { maxLength: 30 }).map((steps) => {
    const builder = history();
    const members = new Set<string>();
    steps.forEach((step, index) => {
      builder.ok('c', step.isAdd ? add(step.value) : remove(step.value), index * 10, index * 10 + 5);
      if (step.isAdd) members.add(step.value);
      else members.delete(step.value);
    });
    return { operations: builder.build(), members };
  });

  test.prop([sequentialSet])('a set applied sequentially loses nothing', ({ operations, members }) => {
    expect(checkLostUpdates(operations, members, 'add-wins-set').lost).toEqual([]);
  });

  test.prop([fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }), fc.nat()])('a counter missing any positive amount loses updates', (amounts, pick) => {
    const builder = history();
    amounts.forEach((amount, index) => builder.ok('c', increment(amount), index, index + 1));
    const total = amounts.reduce((sum, amount) => sum + amount, 0);
    expect(checkLostUpdates(builder.build(), total, 'counter').holds).toBe(true);
    expect(checkLostUpdates(builder.build(), total - amounts[pick % amounts.length]!, 'counter').holds).toBe(false);
  });
});
