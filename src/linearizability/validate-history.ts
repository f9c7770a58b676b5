import { InvalidArgumentError } from '../errors.js';
import type { Operation } from '../history/operation.js';
import { rejectUnknownKeys, requireFunction, requireObject } from '../validate.js';
import type { Model } from './model.js';

// Internal: everything the search assumes about its input, checked once up front, so a malformed
// history fails with an error naming the operation and the field rather than somewhere deep in
// the search.

const OPERATION_KEYS = ['id', 'process', 'key', 'input', 'output', 'invokeMs', 'completeMs', 'status'];
const STATUSES = ['ok', 'fail', 'info', 'pending'];
const OPTIONAL_MODEL_FUNCTIONS = ['key', 'hash', 'validate', 'describeOperation', 'describeState'] as const;

export function validateModel(model: unknown): void {
  requireObject(model, 'model');
  requireFunction(model['init'], 'model.init');
  requireFunction(model['step'], 'model.step');
  for (const name of OPTIONAL_MODEL_FUNCTIONS) {
    if (model[name] !== undefined) requireFunction(model[name], `model.${name}`);
  }
}

/** Checks every operation; returns each operation's partition key. */
export function validateHistory<I, O>(history: unknown, model: Model<unknown, I, O>): (string | undefined)[] {
  if (!Array.isArray(history)) throw new InvalidArgumentError('history', history, 'an array of operations');
  const firstIndexById = new Map<number, number>();
  return history.map((operation: unknown, index) => {
    const field = `history[${index}]`;
    requireObject(operation, field);
    rejectUnknownKeys(operation, field, OPERATION_KEYS);
    const checked = operation as unknown as Operation<I, O>;
    requireUniqueId(checked.id, field, firstIndexById, index);
    requireProcess(checked.process, field);
    requireTimes(checked, field);
    if (checked.status !== 'ok' && checked.output !== undefined) {
      throw new InvalidArgumentError(`${field}.output`, checked.output, `undefined: only an 'ok' operation has an output (this one is '${checked.status}')`);
    }
    const problem = model.validate?.(checked.input, checked.output);
    if (problem !== undefined) {
      const value = problem.part === 'input' ? checked.input : checked.output;
      throw new InvalidArgumentError(`${field}.${problem.part}`, value, `${problem.expected} (model '${model.name ?? 'unnamed'}')`);
    }
    return partitionKey(checked, field, model);
  });
}

function requireUniqueId(id: unknown, field: string, firstIndexById: Map<number, number>, index: number): void {
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new InvalidArgumentError(`${field}.id`, id, 'an integer');
  const first = firstIndexById.get(id);
  if (first !== undefined) throw new InvalidArgumentError(`${field}.id`, id, `an id no other operation has (history[${first}] already has ${id})`);
  firstIndexById.set(id, index);
}

function requireProcess(process: unknown, field: string): void {
  const valid = (typeof process === 'string' && process.length > 0) || (typeof process === 'number' && Number.isFinite(process));
  if (!valid) throw new InvalidArgumentError(`${field}.process`, process, 'a non-empty string or a finite number');
}

function requireTimes(operation: Operation<unknown, unknown>, field: string): void {
  if (typeof operation.status !== 'string' || !STATUSES.includes(operation.status)) {
    throw new InvalidArgumentError(`${field}.status`, operation.status, "one of 'ok', 'fail', 'info', 'pending'");
  }
  const { invokeMs, completeMs, status } = operation;
  if (typeof invokeMs !== 'number' || !Number.isFinite(invokeMs)) throw new InvalidArgumentError(`${field}.invokeMs`, invokeMs, 'a finite time in ms');
  if (status === 'pending') {
    if (completeMs !== undefined) throw new InvalidArgumentError(`${field}.completeMs`, completeMs, "undefined: a 'pending' operation never completed");
    return;
  }
  if (completeMs === undefined && status === 'info') return;
  if (typeof completeMs !== 'number' || !Number.isFinite(completeMs) || completeMs < invokeMs) {
    const optional = status === 'info' ? ' (or undefined)' : '';
    throw new InvalidArgumentError(`${field}.completeMs`, completeMs, `a finite time in ms >= invokeMs (${invokeMs})${optional}: an operation cannot complete before it starts`);
  }
}

function partitionKey<I>(operation: Operation<I, unknown>, field: string, model: Model<unknown, I, unknown>): string | undefined {
  if (model.key === undefined) {
    if (operation.key !== undefined && typeof operation.key !== 'string') throw new InvalidArgumentError(`${field}.key`, operation.key, 'a string or undefined');
    return operation.key;
  }
  if (operation.key !== undefined) {
    throw new InvalidArgumentError(`${field}.key`, operation.key, `undefined: model '${model.name ?? 'unnamed'}' splits the history by key itself`);
  }
  const key: unknown = model.key(operation.input);
  if (typeof key !== 'string') throw new InvalidArgumentError(`model.key(${field}.input)`, key, 'a string');
  return key;
}
