import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../src/errors.js';
import { HistoryRecorder } from '../../src/history/history-recorder.js';
import { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from '../../src/linearizability/cas-register-model.js';
import { checkLinearizability } from '../../src/linearizability/check-linearizability.js';
import { catchError, expectInvalidArgument } from '../detectors/expect-invalid.js';

const recorder = () => new HistoryRecorder<CasRegisterInput, CasRegisterOutput>();

function expectInvalidState(action: () => unknown, messagePart: string): void {
  const error = catchError(action);
  expect(error).toBeInstanceOf(InvalidStateError);
  expect((error as InvalidStateError).code).toBe('INVALID_STATE');
  expect((error as InvalidStateError).message).toContain(messagePart);
}

describe('HistoryRecorder', () => {
  it('records invocations and outcomes with their simulated times, by id', () => {
    const history = recorder();
    const write = history.invoke('a', { kind: 'write', value: 1 }, 0);
    const read = history.invoke('b', { kind: 'read' }, 2, 'k');
    const swap = history.invoke('c', { kind: 'cas', from: 1, to: 2 }, 3);
    const timedOut = history.invoke('d', { kind: 'write', value: 9 }, 4);
    history.ok(write, undefined, 5);
    history.ok(read, 1, 6);
    history.fail(swap, 7);
    history.info(timedOut, 8);
    const stillRunning = history.invoke('a', { kind: 'read' }, 9);
    expect([write, read, swap, timedOut, stillRunning]).toEqual([0, 1, 2, 3, 4]);
    expect(history.size).toBe(5);
    expect(history.operations()).toEqual([
      { id: 0, process: 'a', input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 5, status: 'ok' },
      { id: 1, process: 'b', key: 'k', input: { kind: 'read' }, output: 1, invokeMs: 2, completeMs: 6, status: 'ok' },
      { id: 2, process: 'c', input: { kind: 'cas', from: 1, to: 2 }, invokeMs: 3, completeMs: 7, status: 'fail' },
      { id: 3, process: 'd', input: { kind: 'write', value: 9 }, invokeMs: 4, completeMs: 8, status: 'info' },
      { id: 4, process: 'a', input: { kind: 'read' }, invokeMs: 9, status: 'pending' },
    ]);
  });

  it('hands out copies: changing them does not change the record', () => {
    const history = recorder();
    history.invoke('a', { kind: 'read' }, 0);
    const snapshot = history.operations() as unknown as { status: string }[];
    (snapshot[0] as { status: string }).status = 'ok';
    expect(history.operations()[0]?.status).toBe('pending');
  });

  it('lets a process go on after info; the indeterminate write stays concurrent with what follows', () => {
    const history = recorder();
    const lost = history.invoke('a', { kind: 'write', value: 1 }, 0);
    history.info(lost, 10);
    const read = history.invoke('a', { kind: 'read' }, 20);
    history.ok(read, 0, 30);
    const later = history.invoke('b', { kind: 'read' }, 40);
    history.ok(later, 1, 50); // the lost write landed after all
    expect(checkLinearizability(history.operations(), casRegisterModel({ initialValue: 0 })).verdict).toBe('linearizable');
  });

  it('refuses a second operation from a process whose first has no outcome', () => {
    const history = recorder();
    history.invoke('a', { kind: 'read' }, 0);
    expectInvalidState(() => history.invoke('a', { kind: 'read' }, 1), "process 'a' invoked an operation at 1ms while its operation 0");
  });

  it('refuses to complete an operation twice', () => {
    const history = recorder();
    const id = history.invoke(7, { kind: 'read' }, 0);
    history.ok(id, 3, 1);
    expectInvalidState(() => history.fail(id, 2), "operation 0 of process 7 already completed as 'ok' at 1ms");
  });

  it('refuses an unknown id', () => {
    expectInvalidArgument(() => recorder().ok(0, 1, 1), 'id');
    const history = recorder();
    history.invoke('a', { kind: 'read' }, 0);
    expectInvalidArgument(() => history.info(1, 1), 'id');
    expectInvalidArgument(() => history.info(-1, 1), 'id');
    expectInvalidArgument(() => history.info(0.5, 1), 'id');
  });

  it('refuses a completion before the invocation', () => {
    const history = recorder();
    const id = history.invoke('a', { kind: 'read' }, 10);
    expectInvalidArgument(() => history.ok(id, 1, 9), 'atMs');
    expect(history.operations()[0]?.status).toBe('pending');
  });

  it('refuses bad times, processes and keys', () => {
    const history = recorder();
    expectInvalidArgument(() => history.invoke('a', { kind: 'read' }, Number.NaN), 'atMs');
    expectInvalidArgument(() => history.invoke('a', { kind: 'read' }, -1), 'atMs');
    expectInvalidArgument(() => history.invoke('', { kind: 'read' }, 0), 'process');
    expectInvalidArgument(() => history.invoke(undefined as never, { kind: 'read' }, 0), 'process');
    expectInvalidArgument(() => history.invoke('a', { kind: 'read' }, 0, ''), 'key');
    expect(history.size).toBe(0);
  });

  it('is bounded by maxOperations', () => {
    const history = new HistoryRecorder<CasRegisterInput, CasRegisterOutput>({ maxOperations: 2 });
    history.invoke('a', { kind: 'read' }, 0);
    history.invoke('b', { kind: 'read' }, 0);
    expectInvalidState(() => history.invoke('c', { kind: 'read' }, 1), 'maxOperations (2) reached');
    expect(new HistoryRecorder().maxOperations).toBe(1_000_000);
  });

  it('validates its options', () => {
    expectInvalidArgument(() => new HistoryRecorder({ maxOperations: 0 }), 'maxOperations');
    expectInvalidArgument(() => new HistoryRecorder({ maxOps: 5 } as never), 'maxOps');
  });
});
