import type { Model, ShapeProblem } from './model.js';

/**
 * An operation on a map from string keys to string values: `get` returns the value (its output,
 * `''` for a key never written), `put` sets it, `append` adds to its end.
 *
 * @example
 * ```ts
 * const inputs: KeyValueInput[] = [
 *   { kind: 'put', key: 'x', value: 'a' },
 *   { kind: 'append', key: 'x', value: 'b' },
 *   { kind: 'get', key: 'x' }, // output 'ab'
 * ];
 * ```
 */
export type KeyValueInput =
  | {
      /** Read the key's value. */
      readonly kind: 'get';
      /** The key. */
      readonly key: string;
    }
  | {
      /** Replace the key's value. */
      readonly kind: 'put';
      /** The key. */
      readonly key: string;
      /** The new value. */
      readonly value: string;
    }
  | {
      /** Add to the end of the key's value. */
      readonly kind: 'append';
      /** The key. */
      readonly key: string;
      /** What is appended. */
      readonly value: string;
    };

/**
 * A key-value map (the model of Porcupine's key-value tests). Keys never affect each other, so
 * the checker splits the history by key and checks each key on its own: the state of one
 * sub-history is that key's value, `''` at first. A `get` with an unknown output is always legal.
 *
 * @example
 * ```ts
 * const history = new HistoryRecorder<KeyValueInput, string>();
 * const append = history.invoke('c1', { kind: 'append', key: 'x', value: 'a' }, 0);
 * const get = history.invoke('c2', { kind: 'get', key: 'x' }, 1);
 * history.ok(get, '', 2); // ordered before the append: fine
 * history.ok(append, undefined, 3);
 * checkLinearizability(history.operations(), keyValueModel()).verdict; // 'linearizable'
 * ```
 */
export function keyValueModel(): Model<string, KeyValueInput, string> {
  return {
    name: 'key-value',
    init: () => '',
    step: (state, input, output) => {
      if (input.kind === 'put') return { legal: true, state: input.value };
      if (input.kind === 'append') return { legal: true, state: state + input.value };
      return output === undefined || output === state ? { legal: true, state } : { legal: false };
    },
    key: (input) => input.key,
    validate: validateKeyValueOperation,
    describeOperation: (input, output) => {
      if (input.kind === 'get') return `get(${JSON.stringify(input.key)}) -> ${output === undefined ? 'unknown' : JSON.stringify(output)}`;
      return `${input.kind}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
    },
    describeState: (state) => JSON.stringify(state),
  };
}

const SHAPES = "{ kind: 'get', key }, { kind: 'put', key, value } or { kind: 'append', key, value }, with string keys and values";

function validateKeyValueOperation(input: unknown, output: unknown): ShapeProblem | undefined {
  if (typeof input !== 'object' || input === null) return { part: 'input', expected: SHAPES };
  const fields = input as Record<string, unknown>;
  const keys = Object.keys(fields);
  if (typeof fields['key'] !== 'string') return { part: 'input', expected: SHAPES };
  if (fields['kind'] === 'get' && keys.length === 2) {
    return output === undefined || typeof output === 'string' ? undefined : { part: 'output', expected: "the value read (a string, '' for a key never written), or undefined when unknown" };
  }
  const writes = fields['kind'] === 'put' || fields['kind'] === 'append';
  return writes && keys.length === 3 && typeof fields['value'] === 'string' ? undefined : { part: 'input', expected: SHAPES };
}
