import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/history/operation.js';
import { casRegisterModel } from '../../src/linearizability/cas-register-model.js';
import { checkLinearizability } from '../../src/linearizability/check-linearizability.js';
import { keyValueModel, type KeyValueInput } from '../../src/linearizability/key-value-model.js';
import type { Model } from '../../src/linearizability/model.js';
import { registerModel } from '../../src/linearizability/register-model.js';
import { cas, okOperation, op, read, write } from './builders.js';

describe('checkLinearizability on a register', () => {
  it('accepts reads that overlap a write and see either value (6.824 quiz, as in Porcupine)', () => {
    const history = [
      op(0, 0, write(100), 0, 100),
      op(1, 1, read, 25, 75, { output: 100 }),
      op(2, 2, read, 30, 60, { output: 0 }),
    ];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('refutes a read of the old value after another read already saw the new one', () => {
    const history = [
      op(0, 0, write(200), 0, 100),
      op(1, 1, read, 10, 30, { output: 200 }),
      op(2, 2, read, 40, 90, { output: 0 }),
    ];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('not-linearizable');
  });

  it('treats operations that touch in time as concurrent', () => {
    const history = [op(0, 0, write(1), 0, 10), op(1, 1, read, 10, 20, { output: 0 })];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('accepts zero-duration operations', () => {
    const history = [op(0, 0, write(1), 0, 100), op(1, 1, read, 25, 75, { output: 1 }), op(2, 2, read, 30, 30, { output: 1 }), op(3, 3, read, 30, 30, { output: 1 })];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('an empty history is linearizable, in zero steps and zero partitions', () => {
    expect(checkLinearizability([], registerModel())).toEqual({ verdict: 'linearizable', steps: 0, partitions: 0 });
  });
});

describe('checkLinearizability on a compare-and-set register', () => {
  it('a cas that reports success must find its expected value', () => {
    const swapsFromTheInitialValue = [op(0, 0, cas(0, 1), 0, 10, { output: true }), op(1, 0, read, 20, 30, { output: 1 })];
    expect(checkLinearizability(swapsFromTheInitialValue, casRegisterModel({ initialValue: 0 })).verdict).toBe('linearizable');
    const swapsFromAValueNeverThere = [op(0, 0, cas(5, 1), 0, 10, { output: true })];
    expect(checkLinearizability(swapsFromAValueNeverThere, casRegisterModel({ initialValue: 0 })).verdict).toBe('not-linearizable');
  });

  it('an ok cas with output false asserts that the compare failed (Porcupine etcd semantics)', () => {
    const failsWhileTheValueMatches = [op(0, 0, cas(0, 1), 0, 10, { output: false })];
    expect(checkLinearizability(failsWhileTheValueMatches, casRegisterModel({ initialValue: 0 })).verdict).toBe('not-linearizable');
    const failsOnAnotherValue = [op(0, 0, cas(3, 1), 0, 10, { output: false }), op(1, 0, read, 20, 30, { output: 0 })];
    expect(checkLinearizability(failsOnAnotherValue, casRegisterModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('a cas recorded as fail is dropped, whatever the state (Jepsen semantics)', () => {
    const history = [op(0, 0, cas(0, 1), 0, 10, { status: 'fail' }), op(1, 0, read, 20, 30, { output: 0 })];
    expect(checkLinearizability(history, casRegisterModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('a read whose output is unknown is always legal', () => {
    const history = [op(0, 0, write(1), 0, 10), op(1, 1, read, 20, 30)];
    expect(checkLinearizability(history, casRegisterModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });
});

describe('checkLinearizability with indeterminate and failed operations', () => {
  it('an info write may take effect long after the client gave up', () => {
    const history = [op(0, 'a', write(1), 0, 10, { status: 'info' }), op(1, 'b', read, 50, 60, { output: 0 }), op(2, 'b', read, 70, 80, { output: 1 })];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('an info write may also never take effect', () => {
    const history = [op(0, 'a', write(1), 0, 10, { status: 'info' }), op(1, 'b', read, 50, 60, { output: 0 })];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('an info write takes effect at most once: once seen, it cannot be unseen', () => {
    const history = [op(0, 'a', write(1), 0, 10, { status: 'info' }), op(1, 'b', read, 20, 30, { output: 1 }), op(2, 'b', read, 40, 50, { output: 0 })];
    const result = checkLinearizability(history, registerModel({ initialValue: 0 }));
    expect(result.verdict).toBe('not-linearizable');
  });

  it('a pending operation (never completed) is treated like info', () => {
    const history = [op(0, 'a', write(1), 0, undefined), op(1, 'b', read, 50, 60, { output: 1 })];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('a failed write never takes effect', () => {
    const history = [op(0, 'a', write(1), 0, 10, { status: 'fail' }), op(1, 'b', read, 5, 60, { output: 1 })];
    expect(checkLinearizability(history, registerModel({ initialValue: 0 })).verdict).toBe('not-linearizable');
  });

  it('a history of only indeterminate operations is linearizable: none has to have happened', () => {
    const history = [op(0, 'a', cas(7, 8), 0, 10, { status: 'info' }), op(1, 'b', read, 5, undefined)];
    expect(checkLinearizability(history, casRegisterModel()).verdict).toBe('linearizable');
  });
});

describe('checkLinearizability on independent keys', () => {
  const kv = (id: number, process: number, input: KeyValueInput, invokeMs: number, completeMs: number, output?: string) => okOperation<KeyValueInput, string>(id, process, input, invokeMs, completeMs, output);

  it('checks each key of a key-value map on its own and names the refuted key', () => {
    const history = [
      kv(0, 0, { kind: 'put', key: 'x', value: 'a' }, 0, 10),
      kv(1, 1, { kind: 'append', key: 'y', value: 'b' }, 0, 10),
      kv(2, 0, { kind: 'append', key: 'x', value: 'c' }, 20, 30),
      kv(3, 1, { kind: 'get', key: 'y' }, 20, 30, 'b'),
      kv(4, 2, { kind: 'get', key: 'x' }, 40, 50, 'a'), // lost the append that finished at 30
    ];
    const result = checkLinearizability(history, keyValueModel());
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    expect(result.key).toBe('x');
    expect(result.partitions).toBe(2);
    expect(result.evidence.blockedOperation.id).toBe(4);
    expect(result.evidence.stateAfterPrefix).toBe('ac');
  });

  it('splits by Operation.key when the model does not split by itself (Jepsen independent)', () => {
    const history = [
      { ...op(0, 0, write(1), 0, 10), key: 'a' },
      { ...op(1, 1, write(2), 0, 10), key: 'b' },
      { ...op(2, 0, read, 20, 30, { output: 1 }), key: 'a' },
      { ...op(3, 1, read, 20, 30, { output: 2 }), key: 'b' },
    ];
    expect(checkLinearizability(history, registerModel())).toMatchObject({ verdict: 'linearizable', partitions: 2 });
  });

  it('finds an easy refutation side by side with a key too hard for the budget', () => {
    const history = [...hardKey('hard', 0), ...staleReadKey('easy', 100)];
    const result = checkLinearizability(history, registerModel({ initialValue: 0 }), { maxSteps: 200_000 });
    expect(result).toMatchObject({ verdict: 'not-linearizable', key: 'easy' });
    expect(checkLinearizability(hardKey('hard', 0), registerModel({ initialValue: 0 }), { maxSteps: 200_000 })).toMatchObject({ verdict: 'unknown', reason: 'step-budget', undecidedKeys: ['hard'] });
  });
});

describe('checkLinearizability budgets', () => {
  it('returns unknown with the undecided keys when maxSteps runs out, after exactly maxSteps steps', () => {
    const result = checkLinearizability(hardKey('k', 0), registerModel({ initialValue: 0 }), { maxSteps: 10_000 });
    expect(result).toEqual({ verdict: 'unknown', reason: 'step-budget', undecidedKeys: ['k'], steps: 10_000, partitions: 1 });
  });

  it('is deterministic: the same history and budget give the same verdict and step count', () => {
    const history = [...hardKey('a', 0), ...staleReadKey('b', 100), ...hardKey('c', 200)];
    const first = checkLinearizability(history, registerModel({ initialValue: 0 }), { maxSteps: 50_000 });
    const second = checkLinearizability(history, registerModel({ initialValue: 0 }), { maxSteps: 50_000 });
    expect(second).toEqual(first);
  });

  it('returns unknown with reason time-budget when timeoutMs passes first', () => {
    const result = checkLinearizability(hardKey('k', 0, 40), registerModel({ initialValue: 0 }), { timeoutMs: 1 });
    expect(result).toMatchObject({ verdict: 'unknown', reason: 'time-budget', undecidedKeys: ['k'] });
  });
});

describe('not-linearizable evidence', () => {
  const history = [
    op(0, 'a', write(1), 0, 10),
    op(1, 'b', cas(1, 2), 20, 30, { output: true }),
    op(2, 'c', read, 25, 35, { output: 1 }),
    op(3, 'a', read, 40, 50, { output: 1 }), // stale: the cas finished at 30
  ];
  const result = checkLinearizability(history, casRegisterModel({ initialValue: 0 }));

  it('gives the longest legal order found, with the state after each operation', () => {
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    expect(result.evidence.longestPrefix.map((step) => [step.operation.id, step.stateAfter])).toEqual([
      [0, 1],
      [2, 1],
      [1, 2],
    ]);
    expect(result.evidence.stateAfterPrefix).toBe(2);
  });

  it('names the operation that could not be linearized, and every candidate is illegal there', () => {
    if (result.verdict !== 'not-linearizable') throw new Error('expected a refutation');
    expect(result.evidence.blockedOperation).toBe(history[3]);
    expect(result.evidence.nextCandidates).toEqual([history[3]]);
    const model = casRegisterModel({ initialValue: 0 });
    for (const candidate of result.evidence.nextCandidates) {
      expect(model.step(result.evidence.stateAfterPrefix, candidate.input, candidate.output).legal).toBe(false);
    }
  });

  it('prints the story with the model descriptions', () => {
    if (result.verdict !== 'not-linearizable') throw new Error('expected a refutation');
    expect(result.evidence.text).toBe(
      [
        'not linearizable: no legal order consistent with real time covers more than 3 of the 4 operations.',
        'longest legal order found:',
        '  #0 process a [0ms, 10ms] write(1)  => 1',
        '  #2 process c [25ms, 35ms] read() -> 1  => 1',
        '  #1 process b [20ms, 30ms] cas(1, 2) -> ok  => 2',
        'then, in state 2, no operation that could come next is legal:',
        '  #3 process a [40ms, 50ms] read() -> 1  <- completed at 50ms, so it had to be linearized by then',
      ].join('\n'),
    );
  });

  it('an operation illegal from the start gives an empty prefix and the initial state', () => {
    const refuted = checkLinearizability([op(0, 0, read, 0, 1, { output: 9 })], registerModel({ initialValue: 0 }));
    expect(refuted).toMatchObject({ verdict: 'not-linearizable', key: undefined, evidence: { longestPrefix: [], stateAfterPrefix: 0 } });
  });
});

describe('a user model', () => {
  type QueueInput = { kind: 'enqueue'; value: number } | { kind: 'dequeue' };
  // A FIFO queue; states are arrays, compared by the default structural hash.
  const queue: Model<readonly number[], QueueInput, number | null> = {
    name: 'queue',
    init: () => [],
    step: (state, input, output) => {
      if (input.kind === 'enqueue') return { legal: true, state: [...state, input.value] };
      const head = state[0] ?? null;
      if (output !== undefined && output !== head) return { legal: false };
      return { legal: true, state: state.slice(1) };
    },
    describeOperation: (input, output) => (input.kind === 'enqueue' ? `enqueue(${input.value})` : `dequeue() -> ${String(output)}`),
  };
  const queueOp = (id: number, process: number, input: QueueInput, invokeMs: number, completeMs: number, output?: number | null) => okOperation<QueueInput, number | null>(id, process, input, invokeMs, completeMs, output);

  it('accepts concurrent enqueues dequeued in either order', () => {
    const history = [
      queueOp(0, 0, { kind: 'enqueue', value: 1 }, 0, 10),
      queueOp(1, 1, { kind: 'enqueue', value: 2 }, 0, 10),
      queueOp(2, 0, { kind: 'dequeue' }, 20, 30, 2),
      queueOp(3, 1, { kind: 'dequeue' }, 40, 50, 1),
    ];
    expect(checkLinearizability(history, queue).verdict).toBe('linearizable');
  });

  it('refutes a queue that is really a stack', () => {
    const history = [
      queueOp(0, 0, { kind: 'enqueue', value: 1 }, 0, 10),
      queueOp(1, 0, { kind: 'enqueue', value: 2 }, 20, 30),
      queueOp(2, 0, { kind: 'dequeue' }, 40, 50, 2),
    ];
    const result = checkLinearizability(history, queue);
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict === 'not-linearizable') expect(result.evidence.text).toContain('dequeue() -> 2');
  });
});

type RegisterOperation = Operation<{ kind: 'read' } | { kind: 'write'; value: number }, number>;

/**
 * Many concurrent writes of distinct values, then a read of a value none wrote: refuting it means
 * trying every subset of the writes, far beyond a small step budget.
 */
function hardKey(key: string, firstId: number, writes = 24): RegisterOperation[] {
  const operations: RegisterOperation[] = [];
  for (let index = 0; index < writes; index++) {
    operations.push({ id: firstId + index, process: `${key}-${index}`, key, input: { kind: 'write', value: index + 1 }, invokeMs: 0, completeMs: 100, status: 'ok' });
  }
  operations.push({ id: firstId + writes, process: `${key}-reader`, key, input: { kind: 'read' }, output: -1, invokeMs: 50, completeMs: 60, status: 'ok' });
  return operations;
}

/** A write, then a read that misses it: refuted in a handful of steps. */
function staleReadKey(key: string, firstId: number): RegisterOperation[] {
  return [
    { id: firstId, process: `${key}-writer`, key, input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 10, status: 'ok' },
    { id: firstId + 1, process: `${key}-reader`, key, input: { kind: 'read' }, output: 0, invokeMs: 20, completeMs: 30, status: 'ok' },
  ];
}
