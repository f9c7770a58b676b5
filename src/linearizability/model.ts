/**
 * What a {@link Model} says about one operation applied to a state: illegal, or legal with the
 * state after it.
 *
 * @example
 * ```ts
 * const legal: StepResult<number> = { legal: true, state: 3 };
 * const illegal: StepResult<number> = { legal: false };
 * ```
 */
export type StepResult<State> =
  | {
      /** The model accepts the operation in this state. */
      readonly legal: true;
      /** The state after the operation. */
      readonly state: State;
    }
  | {
      /** The model refuses the operation in this state. */
      readonly legal: false;
    };

/**
 * Where an operation does not fit a model, as {@link Model.validate} reports it.
 *
 * @example
 * ```ts
 * const problem: ShapeProblem = { part: 'input', expected: "{ kind: 'read' } or { kind: 'write', value }" };
 * ```
 */
export interface ShapeProblem {
  /** The part of the operation that is wrong. */
  readonly part: 'input' | 'output';
  /** What the model accepts there, for the error message. */
  readonly expected: string;
}

/**
 * A sequential specification: the object's initial state and what each operation does to it.
 * The checker asks whether the operations of a concurrent history can be put in one order,
 * consistent with real time, that this specification accepts.
 *
 * States must be treated as immutable: `step` returns a new state and never changes the one it
 * was given, because the search returns to earlier states when it backtracks.
 *
 * @example
 * ```ts
 * // A counter: `add` returns nothing, `get` returns the sum so far.
 * type CounterInput = { kind: 'add'; amount: number } | { kind: 'get' };
 * const counter: Model<number, CounterInput, number> = {
 *   name: 'counter',
 *   init: () => 0,
 *   step: (state, input, output) => {
 *     if (input.kind === 'add') return { legal: true, state: state + input.amount };
 *     return output === undefined || output === state ? { legal: true, state } : { legal: false };
 *   },
 * };
 * ```
 */
export interface Model<State, Input, Output> {
  /** A short name for messages, e.g. `cas-register`. */
  readonly name?: string;
  /** The state before any operation. */
  init(): State;
  /**
   * Applies one operation to `state`. `output` is `undefined` when the result was not observed (an
   * `info` or `pending` operation, or an `ok` one recorded without output): accept any result then.
   * Must be pure and deterministic.
   */
  step(state: State, input: Input, output: Output | undefined): StepResult<State>;
  /**
   * Splits the history into independent sub-histories checked on their own (P-compositionality),
   * e.g. one per key of a map. Operations with different keys must never affect each other.
   */
  key?(input: Input): string;
  /**
   * Two states with the same hash must be equal: the search skips a configuration it has already
   * explored. Optional when states are primitives, or arrays and plain objects of primitives.
   */
  hash?(state: State): string;
  /** Checks an operation's shape before the search, so bad input fails up front with a clear error. */
  validate?(input: unknown, output: unknown): ShapeProblem | undefined;
  /** Describes an operation for evidence, e.g. `cas(1, 2) -> ok`. */
  describeOperation?(input: Input, output: Output | undefined): string;
  /** Describes a state for evidence. */
  describeState?(state: State): string;
}
