import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from '../../src/linearizability/cas-register-model.js';
import { checkLinearizability } from '../../src/linearizability/check-linearizability.js';
import { historyFromJepsenEvents, parseEdnHistory, type JepsenEvent } from '../../src/linearizability/formats/jepsen-history.js';
import type { RegisterValue } from '../../src/linearizability/register-model.js';
import { catchError, expectInvalidArgument } from '../detectors/expect-invalid.js';

const casRegister = (invocation: JepsenEvent, completion: JepsenEvent | undefined): { input: CasRegisterInput; output?: CasRegisterOutput } => {
  if (invocation.f === 'read') return { input: { kind: 'read' }, output: (completion?.value as RegisterValue | undefined) ?? undefined };
  if (invocation.f === 'write') return { input: { kind: 'write', value: invocation.value as number } };
  const [from, to] = invocation.value as [number, number];
  return { input: { kind: 'cas', from, to }, output: true };
};

describe('parseEdnHistory', () => {
  it('reads a Knossos history: a list of maps, with comments, commas and nil', () => {
    const events = parseEdnHistory(`; a write, then a read
      ({:type :invoke, :f :write, :value 0, :process 0}
       {:type :ok, :f :write, :value 0, :process 0}
       {:type :invoke, :f :cas, :value [0 4], :process 1}
       {:type :invoke, :f :read, :value nil, :process 2}
       {:process :nemesis, :type :info, :f :start, :value "Cut off #{:n1 :n2}"}
       {:type :ok, :f :read, :value 4, :process 2})`);
    expect(events.map((event) => [event.process, event.type, event.f, event.value])).toEqual([
      [0, 'invoke', 'write', 0],
      [0, 'ok', 'write', 0],
      [1, 'invoke', 'cas', [0, 4]],
      [2, 'invoke', 'read', null],
      ['nemesis', 'info', 'start', 'Cut off #{:n1 :n2}'],
      [2, 'ok', 'read', 4],
    ]);
  });

  it('reads one map per line, keeping every field (Porcupine key-value logs)', () => {
    const events = parseEdnHistory('{:process 9, :type :invoke, :f :append, :key "0", :value "x 9 0 y"}\n{:process 9, :type :ok, :f :append, :key "0", :value "x 9 0 y"}\n');
    expect(events).toHaveLength(2);
    expect(events[0]?.fields).toEqual({ process: 9, type: 'invoke', f: 'append', key: '0', value: 'x 9 0 y' });
  });

  it('reads sets, tagged values, discarded forms, big integers and string escapes', () => {
    const [event] = parseEdnHistory('[{:process 0 :type :ok :f :txn :value [#{1 2} #inst "2024-01-01" #_ ignored 12345678901234567890 "a\\"b\\u0041"] :time 7686455705}]');
    expect(event?.value).toEqual([[1, 2], '2024-01-01', 12345678901234567890n, 'a"bA']);
    expect(event?.fields['time']).toBe(7686455705);
  });

  it('names the line and column of a syntax error', () => {
    const error = catchError(() => parseEdnHistory('[{:process 0, :type :invoke}\n {:process 1, :type :ok')) as InvalidArgumentError;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.field).toBe('text (EDN, line 2, column 24)');
    expect(error.message).toContain("a closing '}'");
  });

  it('refuses what is not an operation map', () => {
    expectInvalidArgument(() => parseEdnHistory('[1 2]'), 'events[0]');
    expectInvalidArgument(() => parseEdnHistory('[{:process 0, :type :done, :f :read}]'), 'events[0].type');
    expectInvalidArgument(() => parseEdnHistory('[{:process 0, :type :ok}]'), 'events[0].f');
    expectInvalidArgument(() => parseEdnHistory('[{:process 0 :type}]'), 'text (EDN, line 1, column 20)');
    expectInvalidArgument(() => parseEdnHistory(3 as never), 'text');
  });
});

describe('historyFromJepsenEvents', () => {
  it('pairs invocations with completions per process, skips the nemesis, and uses event positions as times', () => {
    const events = parseEdnHistory(`[
      {:process 0, :type :invoke, :f :write, :value 1}
      {:process 1, :type :invoke, :f :read, :value nil}
      {:process :nemesis, :type :info, :f :kill, :value nil}
      {:process 0, :type :info, :f :write, :value 1}
      {:process 1, :type :ok, :f :read, :value 1}
      {:process 2, :type :invoke, :f :cas, :value [1 2]}
      {:process 2, :type :fail, :f :cas, :value [1 2]}
      {:process 3, :type :invoke, :f :read, :value nil}]`);
    expect(historyFromJepsenEvents(events, casRegister)).toEqual([
      { id: 0, process: 0, input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 3, status: 'info' },
      { id: 1, process: 1, input: { kind: 'read' }, output: 1, invokeMs: 1, completeMs: 4, status: 'ok' },
      { id: 2, process: 2, input: { kind: 'cas', from: 1, to: 2 }, invokeMs: 5, completeMs: 6, status: 'fail' },
      { id: 3, process: 3, input: { kind: 'read' }, invokeMs: 7, status: 'pending' },
    ]);
  });

  it('feeds the checker: Knossos immediate-failure is refuted', () => {
    const events = parseEdnHistory(`[{:process 0, :type :invoke, :f :cas, :value [1 2]}
      {:process 1, :type :invoke, :f :read, :value nil}
      {:process 0, :type :ok, :f :cas, :value [1 2]}
      {:process 1, :type :fail, :f :read, :value nil}]`);
    const result = checkLinearizability(historyFromJepsenEvents(events, casRegister), casRegisterModel({ initialValue: 0 }));
    expect(result.verdict).toBe('not-linearizable');
  });

  it('refuses a completion with no invocation, and a second invocation before the first completes', () => {
    expectInvalidArgument(() => historyFromJepsenEvents(parseEdnHistory('[{:process 0, :type :ok, :f :read, :value 1}]'), casRegister), 'events[0]');
    const twice = parseEdnHistory('[{:process 0, :type :invoke, :f :read, :value nil} {:process 0, :type :invoke, :f :read, :value nil}]');
    expectInvalidArgument(() => historyFromJepsenEvents(twice, casRegister), 'events[1]');
  });
});
