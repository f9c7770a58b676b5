import type { Model } from './model.js';
import {
  describeRegisterOperation,
  describeRegisterValue,
  readInitialValue,
  validateRegisterOperation,
  type RegisterInput,
  type RegisterModelOptions,
  type RegisterValue,
} from './register-model.js';

/**
 * An operation on a compare-and-set register: a {@link RegisterInput}, or `cas`, which sets the
 * value to `to` if it equals `from`.
 *
 * @example
 * ```ts
 * const swap: CasRegisterInput = { kind: 'cas', from: 1, to: 2 };
 * ```
 */
export type CasRegisterInput =
  | RegisterInput
  | {
      /** Compare and set. */
      readonly kind: 'cas';
      /** The value expected. */
      readonly from: RegisterValue;
      /** The value set when the expected one is there. */
      readonly to: RegisterValue;
    };

/**
 * What a CAS register operation returns: the value read for `read`; for `cas`, `true` when it
 * swapped and `false` when the compare failed (ignored for `write`).
 *
 * @example
 * ```ts
 * const swapped: CasRegisterOutput = true;
 * ```
 */
export type CasRegisterOutput = RegisterValue;

/**
 * A compare-and-set register (Knossos's `cas-register`, Porcupine's etcd model).
 * - `read` is legal when its output equals the state, or when its output is unknown;
 * - `write` is always legal;
 * - `cas` with output `true` is legal only when the state equals `from`, and sets `to`; with
 *   output `false` (an `ok` operation reporting a failed compare) only when it differs; with an
 *   unknown output either way. A `cas` recorded as `fail` is dropped, as Jepsen does.
 *
 * @example
 * ```ts
 * const history = new HistoryRecorder<CasRegisterInput, CasRegisterOutput>();
 * const swap = history.invoke(0, { kind: 'cas', from: 0, to: 1 }, 0);
 * history.ok(swap, true, 5);
 * const read = history.invoke(0, { kind: 'read' }, 6);
 * history.ok(read, 1, 8);
 * checkLinearizability(history.operations(), casRegisterModel({ initialValue: 0 })).verdict; // 'linearizable'
 * ```
 */
export function casRegisterModel(options: RegisterModelOptions = {}): Model<RegisterValue, CasRegisterInput, CasRegisterOutput> {
  const initialValue = readInitialValue(options);
  return {
    name: 'cas-register',
    init: () => initialValue,
    step: (state, input, output) => {
      if (input.kind === 'write') return { legal: true, state: input.value };
      if (input.kind === 'read') return output === undefined || output === state ? { legal: true, state } : { legal: false };
      const matches = state === input.from;
      if (output === undefined) return { legal: true, state: matches ? input.to : state };
      if (output === true) return matches ? { legal: true, state: input.to } : { legal: false };
      return matches ? { legal: false } : { legal: true, state };
    },
    validate: (input, output) => validateRegisterOperation(input, output, true),
    describeOperation: (input, output) => describeRegisterOperation(input, output),
    describeState: (state) => describeRegisterValue(state),
  };
}
