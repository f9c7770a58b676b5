import { rejectUnknownKeys, requireObject } from '../validate.js';
import { InvalidArgumentError } from '../errors.js';
import type { Model, ShapeProblem } from './model.js';

/**
 * A value a built-in register holds: a primitive, compared with `===` (`null` is a value too, and
 * the usual "never written").
 *
 * @example
 * ```ts
 * const values: RegisterValue[] = [null, 3, 'x', true, 10n];
 * ```
 */
export type RegisterValue = string | number | boolean | bigint | null;

/**
 * An operation on a read/write register: `read` returns the value (its output), `write` sets it.
 *
 * @example
 * ```ts
 * const inputs: RegisterInput[] = [{ kind: 'read' }, { kind: 'write', value: 3 }];
 * ```
 */
export type RegisterInput =
  | {
      /** Read the value. */
      readonly kind: 'read';
    }
  | {
      /** Set the value. */
      readonly kind: 'write';
      /** The value written. */
      readonly value: RegisterValue;
    };

/**
 * Options of {@link registerModel} and {@link casRegisterModel}.
 *
 * @example
 * ```ts
 * const options: RegisterModelOptions = { initialValue: 0 };
 * ```
 */
export interface RegisterModelOptions {
  /** The value before the first write. Default `null`. */
  initialValue?: RegisterValue;
}

/**
 * A read/write register. A read's output is the value it saw; a read whose output is unknown
 * (`undefined`, e.g. it timed out) is always legal. A write's output is ignored.
 *
 * @example
 * ```ts
 * const history: Operation<RegisterInput, RegisterValue>[] = [
 *   { id: 0, process: 0, input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 10, status: 'ok' },
 *   { id: 1, process: 1, input: { kind: 'read' }, output: 0, invokeMs: 20, completeMs: 30, status: 'ok' },
 * ];
 * checkLinearizability(history, registerModel({ initialValue: 0 })).verdict; // 'not-linearizable': the read is stale
 * ```
 */
export function registerModel(options: RegisterModelOptions = {}): Model<RegisterValue, RegisterInput, RegisterValue> {
  const initialValue = readInitialValue(options);
  return {
    name: 'register',
    init: () => initialValue,
    step: (state, input, output) => {
      if (input.kind === 'write') return { legal: true, state: input.value };
      return output === undefined || output === state ? { legal: true, state } : { legal: false };
    },
    validate: (input, output) => validateRegisterOperation(input, output, false),
    describeOperation: (input, output) => describeRegisterOperation(input, output),
    describeState: (state) => describeRegisterValue(state),
  };
}

/** Reads and checks the options shared by the register models. */
export function readInitialValue(options: RegisterModelOptions): RegisterValue {
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, '', ['initialValue']);
  const initialValue = options.initialValue ?? null;
  if (!isRegisterValue(initialValue)) throw new InvalidArgumentError('initialValue', initialValue, REGISTER_VALUE);
  return initialValue;
}

/** What a register value may be, for messages. */
export const REGISTER_VALUE = 'a string, a number other than NaN, a boolean, a bigint or null';

/** True for values `===` compares meaningfully. */
export function isRegisterValue(value: unknown): value is RegisterValue {
  if (value === null) return true;
  if (typeof value === 'number') return !Number.isNaN(value);
  return typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint';
}

/** Shape check shared by the register and the CAS register. */
export function validateRegisterOperation(input: unknown, output: unknown, allowCas: boolean): ShapeProblem | undefined {
  const shapes = allowCas ? "{ kind: 'read' }, { kind: 'write', value } or { kind: 'cas', from, to }" : "{ kind: 'read' } or { kind: 'write', value }";
  if (typeof input !== 'object' || input === null) return { part: 'input', expected: shapes };
  const fields = input as Record<string, unknown>;
  const kind = fields['kind'];
  const keys = Object.keys(fields);
  if (kind === 'read' && keys.length === 1) {
    return output === undefined || isRegisterValue(output) ? undefined : { part: 'output', expected: `the value read: ${REGISTER_VALUE}, or undefined when unknown` };
  }
  if (kind === 'write' && keys.length === 2 && isRegisterValue(fields['value'])) return undefined;
  if (allowCas && kind === 'cas' && keys.length === 3 && isRegisterValue(fields['from']) && isRegisterValue(fields['to'])) {
    return output === undefined || typeof output === 'boolean' ? undefined : { part: 'output', expected: 'true (swapped), false (compare failed) or undefined when unknown' };
  }
  return { part: 'input', expected: `${shapes}, with values that are ${REGISTER_VALUE}` };
}

/** `read() -> 3`, `write(3)`, `cas(1, 2) -> ok`. */
export function describeRegisterOperation(input: { readonly kind: string; readonly value?: RegisterValue; readonly from?: RegisterValue; readonly to?: RegisterValue }, output: RegisterValue | undefined): string {
  if (input.kind === 'read') return `read() -> ${output === undefined ? 'unknown' : describeRegisterValue(output)}`;
  if (input.kind === 'write') return `write(${describeRegisterValue(input.value ?? null)})`;
  const result = output === undefined ? 'unknown' : output === true ? 'ok' : 'compare failed';
  return `cas(${describeRegisterValue(input.from ?? null)}, ${describeRegisterValue(input.to ?? null)}) -> ${result}`;
}

/** A value as it would be written in code. */
export function describeRegisterValue(value: RegisterValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  return String(value);
}
