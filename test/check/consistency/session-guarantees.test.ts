import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { checkSessionGuarantees, type SessionGuarantee } from '../../../src/check/index.js';
import type { RegisterInput, RegisterValue } from '../../../src/linearizability/register-model.js';
import { HistoryBuilder, read, write } from './history-builder.js';

const history = () => new HistoryBuilder<RegisterInput, RegisterValue>();
const verdicts = (operations: ReturnType<ReturnType<typeof history>['build']>) =>
  Object.fromEntries((['read-your-writes', 'monotonic-reads', 'causal'] as SessionGuarantee[]).map((guarantee) => [guarantee, checkSessionGuarantees(operations, { guarantees: [guarantee] }).holds]));

describe('read-your-writes', () => {
  it('holds when a session reads its own acknowledged write', () => {
    expect(verdicts(history().ok('c1', write(1), 0, 5).ok('c1', read, 10, 12, 1).build())).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: true });
  });

  it('breaks when a session reads the initial value after its acknowledged write', () => {
    const result = checkSessionGuarantees(history().ok('c1', write(1), 0, 5).ok('c1', read, 10, 12, null).build(), { guarantees: ['read-your-writes'] });
    expect(result.holds).toBe(false);
    expect(result.violations.map((violation) => [violation.reason, violation.operations.map((operation) => operation.id)])).toEqual([['stale-read', [1, 0]]]);
    expect(result.text).toContain('returned the initial value');
  });

  it('breaks when a session reads a value its own later write overwrote', () => {
    const operations = history().ok('c1', write(1), 0, 5).ok('c1', write(2), 10, 15).ok('c1', read, 20, 22, 1).build();
    const result = checkSessionGuarantees(operations, { guarantees: ['read-your-writes'] });
    expect(result.violations.map((violation) => violation.operations.map((operation) => operation.id))).toEqual([[2, 0, 1]]);
  });

  it("holds when another session's concurrent write wins over the session's own", () => {
    const operations = history().ok('c1', write(1), 0, 10).ok('c2', write(2), 2, 8).ok('c1', read, 20, 22, 2).build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: true });
  });

  it('ignores indeterminate writes and writes of other keys', () => {
    const operations = history().info('c1', write(1), 0).ok('c1', write(2), 10, 12, undefined, 'y').ok('c1', read, 20, 22, null).build();
    expect(verdicts(operations)['read-your-writes']).toBe(true);
  });
});

describe('monotonic reads', () => {
  it('holds for reads that move forward', () => {
    const operations = history().ok('w', write(1), 0, 5).ok('w', write(2), 10, 15).ok('c1', read, 6, 7, 1).ok('c1', read, 8, 9, 1).ok('c1', read, 20, 21, 2).build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: true });
  });

  it('breaks when a read returns a write older than one an earlier read returned', () => {
    const operations = history().ok('w', write(1), 0, 5).ok('w', write(2), 10, 15).ok('c1', read, 20, 21, 2).ok('c1', read, 22, 23, 1).build();
    const result = checkSessionGuarantees(operations, { guarantees: ['monotonic-reads'] });
    expect(result.violations.map((violation) => [violation.reason, violation.operations.map((operation) => operation.id)])).toEqual([['stale-read', [3, 0, 1, 2]]]);
    expect(verdicts(operations)['read-your-writes']).toBe(true);
  });

  it('breaks when a read returns the initial value after a written one', () => {
    const operations = history().ok('w', write(1), 0, 5).ok('c1', read, 20, 21, 1).ok('c1', read, 22, 23, null).build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': false, causal: false });
  });

  it('breaks when reads flip back between two concurrent writes', () => {
    const operations = history().ok('a', write(1), 0, 5).ok('b', write(2), 0, 5).ok('c1', read, 10, 11, 1).ok('c1', read, 12, 13, 2).ok('c1', read, 14, 15, 1).build();
    const result = checkSessionGuarantees(operations, { guarantees: ['monotonic-reads'] });
    expect(result.violations.map((violation) => [violation.reason, violation.operations.map((operation) => operation.id)])).toEqual([['went-back', [4, 2, 3]]]);
  });

  it('holds for two concurrent writes read in one order by one session and the other order by another', () => {
    const operations = history().ok('a', write(1), 0, 5).ok('b', write(2), 0, 5).ok('c1', read, 10, 11, 1).ok('c1', read, 12, 13, 2).ok('c2', read, 10, 11, 2).ok('c2', read, 12, 13, 1).build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: true });
  });
});

describe('causal consistency', () => {
  it('breaks writes-follow-reads: a write made after reading x is seen without x', () => {
    // c1 reads x=1, then writes y=2; c2 sees y=2 but then x's initial value.
    const operations = history()
      .ok('c3', write(1), 0, 5, undefined, 'x')
      .ok('c1', read, 10, 11, 1, 'x')
      .ok('c1', write(2), 12, 15, undefined, 'y')
      .ok('c2', read, 20, 21, 2, 'y')
      .ok('c2', read, 22, 23, null, 'x')
      .build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: false });
    const [violation] = checkSessionGuarantees(operations, { guarantees: ['causal'] }).violations;
    expect(violation!.operations.map((operation) => operation.id)).toEqual([4, 0, 3]);
  });

  it('breaks monotonic writes: a session sees the second of two writes of a session but not the first', () => {
    const operations = history().ok('c1', write(1), 0, 5, undefined, 'x').ok('c1', write(2), 10, 15, undefined, 'y').ok('c2', read, 20, 21, 2, 'y').ok('c2', read, 22, 23, null, 'x').build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: false });
  });

  it('breaks on a causal cycle: two sessions each read the write the other made after its read', () => {
    const operations = history().ok('c1', read, 0, 5, 2, 'x').ok('c1', write(1), 10, 15, undefined, 'y').ok('c2', read, 0, 5, 1, 'y').ok('c2', write(2), 10, 15, undefined, 'x').build();
    const result = checkSessionGuarantees(operations, { guarantees: ['causal'] });
    const cycle = result.violations.find((violation) => violation.reason === 'causal-cycle');
    expect(cycle?.operations.map((operation) => operation.id)).toEqual([1, 2, 3, 0]);
    expect(verdicts(operations)['read-your-writes']).toBe(true);
  });

  it('holds for a chain that every later session sees in order', () => {
    const operations = history()
      .ok('c1', write(1), 0, 5, undefined, 'x')
      .ok('c2', read, 10, 11, 1, 'x')
      .ok('c2', write(2), 12, 15, undefined, 'y')
      .ok('c3', read, 20, 21, 2, 'y')
      .ok('c3', read, 22, 23, 1, 'x')
      .build();
    expect(verdicts(operations)).toEqual({ 'read-your-writes': true, 'monotonic-reads': true, causal: true });
  });
});

describe('reads of values no write wrote', () => {
  it('are violations, reported once, under the first guarantee checked', () => {
    const result = checkSessionGuarantees(history().ok('c1', write(1), 0, 5).ok('c1', read, 10, 12, 7).build());
    expect(result.violations.map((violation) => [violation.guarantee, violation.reason])).toEqual([['read-your-writes', 'unwritten-value']]);
  });

  it('include the value of a failed write', () => {
    const result = checkSessionGuarantees(history().fail('c1', write(1), 0, 5).ok('c2', read, 10, 12, 1).build(), { guarantees: ['causal'] });
    expect(result.violations.map((violation) => violation.operations.map((operation) => operation.id))).toEqual([[1, 0]]);
  });

  it('do not include the value of an indeterminate write', () => {
    expect(checkSessionGuarantees(history().info('c1', write(1), 0).ok('c2', read, 10, 12, 1).build()).holds).toBe(true);
  });
});

describe('the result', () => {
  it('lists at most maxViolations and says how many reads it placed', () => {
    let builder = history().ok('c1', write(1), 0, 5);
    for (let index = 0; index < 5; index++) builder = builder.ok('c1', read, 10 + 2 * index, 11 + 2 * index, null);
    const result = checkSessionGuarantees(builder.build(), { guarantees: ['read-your-writes'], maxViolations: 3 });
    expect(result.violations).toHaveLength(3);
    expect(result.checkedReads).toBe(5);
  });
});

/** A history of one register applied in real-time order: every read returns the latest write. */
const sequentialHistory = fc
  .array(fc.record({ process: fc.constantFrom('c1', 'c2', 'c3'), isWrite: fc.boolean(), key: fc.constantFrom('x', 'y'), gapMs: fc.integer({ min: 0, max: 5 }), lengthMs: fc.integer({ min: 0, max: 5 }) }), { maxLength: 40 })
  .map((steps) => {
    const builder = history();
    const latest = new Map<string, number>();
    let timeMs = 0;
    steps.forEach((step, index) => {
      const startMs = timeMs + step.gapMs;
      timeMs = startMs + step.lengthMs;
      if (step.isWrite) {
        builder.ok(step.process, write(index + 1), startMs, timeMs, undefined, step.key);
        latest.set(step.key, index + 1);
      } else builder.ok(step.process, read, startMs, timeMs, latest.get(step.key) ?? null, step.key);
    });
    return builder.build();
  });

describe('properties', () => {
  test.prop([sequentialHistory])('a history of a single sequential register keeps every session guarantee', (operations) => {
    const result = checkSessionGuarantees(operations);
    expect(result.violations).toEqual([]);
  });

  test.prop([sequentialHistory, fc.nat()])('making a read return the initial value after its session wrote the key breaks read-your-writes', (operations, pick) => {
    const candidates = operations.filter((operation, index) => operation.input.kind === 'read' && operations.slice(0, index).some((other) => other.process === operation.process && other.key === operation.key && other.input.kind === 'write'));
    fc.pre(candidates.length > 0);
    const target = candidates[pick % candidates.length]!;
    const broken = operations.map((operation) => (operation === target ? { ...operation, output: null } : operation));
    expect(checkSessionGuarantees(broken, { guarantees: ['read-your-writes'] }).holds).toBe(false);
    expect(checkSessionGuarantees(broken, { guarantees: ['causal'] }).holds).toBe(false);
  });
});
