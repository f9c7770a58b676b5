import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HistoryRecorder } from '../../src/history/history-recorder.js';
import type { Operation } from '../../src/history/operation.js';
import { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from '../../src/linearizability/cas-register-model.js';
import { checkLinearizability, type LinearizabilityOptions, type LinearizabilityResult } from '../../src/linearizability/check-linearizability.js';
import { historyFromJepsenEvents, parseEdnHistory, type JepsenEvent } from '../../src/linearizability/formats/jepsen-history.js';
import { keyValueModel, type KeyValueInput } from '../../src/linearizability/key-value-model.js';
import type { Model } from '../../src/linearizability/model.js';
import type { RegisterValue } from '../../src/linearizability/register-model.js';

// The external acceptance histories live outside the repository, in ../shared/testdata relative
// to the repository root; they are read in place, never copied in.

/** Where the 125 histories and their manifest are, resolved from this file. */
export const ACCEPTANCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/testdata/linearizability');
export const ACCEPTANCE_DATA_PRESENT = existsSync(join(ACCEPTANCE_ROOT, 'manifest.json'));

/** One entry of manifest.json, the fields the tests use. */
export interface AcceptanceCase {
  file: string;
  format: 'porcupine-jepsen-etcd-log' | 'porcupine-kv-edn-lines' | 'knossos-edn-history';
  model: string;
  expectedLinearizable: boolean;
  operations: number;
  initialValue?: RegisterValue;
}

export function readManifest(): AcceptanceCase[] {
  const manifest = JSON.parse(readFileSync(join(ACCEPTANCE_ROOT, 'manifest.json'), 'utf8')) as { cases: AcceptanceCase[] };
  return manifest.cases;
}

/** Parses a case's file and checks it with the model its format calls for. */
export function checkAcceptanceCase(entry: AcceptanceCase, options: LinearizabilityOptions = {}): { result: LinearizabilityResult<unknown, unknown, unknown>; operations: number } {
  const text = readFileSync(join(ACCEPTANCE_ROOT, entry.file), 'utf8');
  const { history, model } = loadCase(entry, text);
  const result = checkLinearizability(history, model, options) as LinearizabilityResult<unknown, unknown, unknown>;
  return { result, operations: history.length };
}

function loadCase(entry: AcceptanceCase, text: string): { history: readonly Operation<unknown, unknown>[]; model: Model<unknown, unknown, unknown> } {
  const erase = <S, I, O>(history: readonly Operation<I, O>[], model: Model<S, I, O>) => ({
    history: history as readonly Operation<unknown, unknown>[],
    model: model as unknown as Model<unknown, unknown, unknown>,
  });
  switch (entry.format) {
    case 'porcupine-jepsen-etcd-log':
      return erase(parseJepsenEtcdLog(text), casRegisterModel({ initialValue: null }));
    case 'porcupine-kv-edn-lines':
      return erase(parsePorcupineKeyValueLog(text), keyValueModel());
    case 'knossos-edn-history':
      if (entry.model === 'knossos-multi-register') return erase(knossosMultiRegisterHistory(text), multiRegisterModel({ x: 0, y: 0 }));
      return erase(knossosCasRegisterHistory(text), casRegisterModel({ initialValue: entry.initialValue ?? 0 }));
  }
}

const ETCD_LINE = /^INFO\s+jepsen\.util\s+-\s+(\d+)\s+:(invoke|ok|fail|info)\s+:(read|write|cas)\s+(nil|\d+|\[\d+ \d+\]|:timed-out)\s*$/;

/**
 * Porcupine's etcd logs (originally from Jepsen runs against etcd). Semantics as in Porcupine's
 * own test: `:fail :cas` is a completed cas whose compare failed (output false, checked);
 * `:fail :read :timed-out` cannot constrain anything, so it is recorded as failed; `:info` writes
 * and cas stay pending to the end. Times are line numbers. Absent is `null`.
 */
export function parseJepsenEtcdLog(text: string): readonly Operation<CasRegisterInput, CasRegisterOutput>[] {
  const history = new HistoryRecorder<CasRegisterInput, CasRegisterOutput>();
  const inFlight = new Map<number, number>();
  text.split('\n').forEach((line, lineIndex) => {
    if (line.trim() === '') return;
    const match = ETCD_LINE.exec(line);
    if (match === null) throw new Error(`etcd log line ${lineIndex + 1} is not a Jepsen etcd event: ${line}`);
    const [, processText, type, f, valueText] = match as unknown as [string, string, string, string, string];
    const process = Number(processText);
    if (type === 'invoke') {
      inFlight.set(process, history.invoke(process, etcdInput(f, valueText), lineIndex));
      return;
    }
    const id = inFlight.get(process);
    if (id === undefined) throw new Error(`etcd log line ${lineIndex + 1}: process ${process} completes an operation it never invoked`);
    inFlight.delete(process);
    if (type === 'info' || (type === 'fail' && f === 'read')) {
      if (type === 'info') history.info(id, lineIndex);
      else history.fail(id, lineIndex);
    } else if (f === 'cas') history.ok(id, type === 'ok', lineIndex);
    else if (f === 'read') history.ok(id, valueText === 'nil' ? null : Number(valueText), lineIndex);
    else history.ok(id, undefined, lineIndex);
  });
  return history.operations();
}

function etcdInput(f: string, valueText: string): CasRegisterInput {
  if (f === 'read') return { kind: 'read' };
  if (f === 'write') return { kind: 'write', value: Number(valueText) };
  const [from, to] = valueText.slice(1, -1).split(' ').map(Number) as [number, number];
  return { kind: 'cas', from, to };
}

/** Porcupine's key-value logs: one EDN map per line, `:key` and `:value` strings. */
export function parsePorcupineKeyValueLog(text: string): readonly Operation<KeyValueInput, string>[] {
  return historyFromJepsenEvents<KeyValueInput, string>(parseEdnHistory(text), (invocation, completion) => {
    const key = invocation.fields['key'] as string;
    if (invocation.f === 'get') return { input: { kind: 'get', key }, output: completion?.value as string | undefined };
    return { input: { kind: invocation.f as 'put' | 'append', key, value: invocation.value as string } };
  });
}

/** Knossos cas-register histories: a `nil` read value is unknown, `:fail` is dropped, `:info` stays pending. */
export function knossosCasRegisterHistory(text: string): readonly Operation<CasRegisterInput, CasRegisterOutput>[] {
  return historyFromJepsenEvents<CasRegisterInput, CasRegisterOutput>(parseEdnHistory(text), (invocation, completion) => {
    if (invocation.f === 'read') return { input: { kind: 'read' }, output: (completion?.value as RegisterValue | undefined) ?? undefined };
    if (invocation.f === 'write') return { input: { kind: 'write', value: invocation.value as RegisterValue } };
    const [from, to] = invocation.value as [RegisterValue, RegisterValue];
    return { input: { kind: 'cas', from, to }, output: true };
  });
}

/** A micro-operation of Knossos's multi-register transactions: `[:read :x 1]` or `[:write :y 2]`. */
export type MultiRegisterMicroOperation = readonly ['read' | 'write', string, number | null];

/** Knossos multi-register histories: a `:txn` of reads and writes; the ok completion carries the values read. */
export function knossosMultiRegisterHistory(text: string): readonly Operation<readonly MultiRegisterMicroOperation[], readonly MultiRegisterMicroOperation[]>[] {
  const transaction = (event: JepsenEvent | undefined) => event?.value as unknown as readonly MultiRegisterMicroOperation[] | undefined;
  return historyFromJepsenEvents(parseEdnHistory(text), (invocation, completion) => ({ input: transaction(invocation) ?? [], output: transaction(completion) }));
}

/**
 * Knossos's multi-register as a user model: registers that a transaction reads and writes
 * atomically. A `nil` read is unknown; the completion's reads must match the state.
 */
export function multiRegisterModel(initial: Readonly<Record<string, number>>): Model<Readonly<Record<string, number | null>>, readonly MultiRegisterMicroOperation[], readonly MultiRegisterMicroOperation[]> {
  return {
    name: 'multi-register',
    init: () => initial,
    step: (state, input, output) => {
      let next = state;
      for (const [f, register, value] of output ?? input) {
        if (f === 'write') next = { ...next, [register]: value };
        else if (value !== null && next[register] !== value) return { legal: false };
      }
      return { legal: true, state: next };
    },
    describeOperation: (input, output) => `txn ${JSON.stringify(output ?? input)}`,
  };
}
