import { InvalidArgumentError } from '../errors.js';
import type { Operation } from '../history/operation.js';
import type { Model } from './model.js';
import type { DeepestDeadEnd } from './partition-search.js';

/**
 * One step of a partial linearization: an operation and the model state right after it.
 *
 * @example
 * ```ts
 * const step: LinearizedStep<RegisterInput, RegisterValue, RegisterValue> = {
 *   operation: { id: 0, process: 0, input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 5, status: 'ok' },
 *   stateAfter: 1,
 * };
 * ```
 */
export interface LinearizedStep<I, O, State> {
  /** The operation, as it was in the history. */
  readonly operation: Operation<I, O>;
  /** The model state after it. */
  readonly stateAfter: State;
}

/**
 * Why a history is not linearizable: the deepest point the search reached.
 *
 * The search tried every order consistent with real time. `longestPrefix` is the first of the
 * longest orders it found in which every operation is legal (Porcupine's partial linearization,
 * Knossos's final path). After it, in `stateAfterPrefix`, every operation that could come next
 * (`nextCandidates`: invoked, not yet linearized) is illegal, and `blockedOperation` completed
 * at that point, so it had to be linearized by then. This is where the search failed, not a
 * minimal counterexample: a shorter illegal prefix may exist.
 *
 * @example
 * ```ts
 * const result = checkLinearizability(history, registerModel());
 * if (result.verdict === 'not-linearizable') console.log(result.evidence.text);
 * ```
 */
export interface LinearizabilityEvidence<I, O, State> {
  /** The longest partial linearization found, in order. */
  readonly longestPrefix: readonly LinearizedStep<I, O, State>[];
  /** The model state after `longestPrefix` (the initial state when it is empty). */
  readonly stateAfterPrefix: State;
  /** The completed operation that could not be linearized before its completion. */
  readonly blockedOperation: Operation<I, O>;
  /** Every operation that could come next after the prefix; each is illegal in `stateAfterPrefix`. */
  readonly nextCandidates: readonly Operation<I, O>[];
  /** The same, as text to print. */
  readonly text: string;
}

/** How many linearized operations the text shows before the dead end; the data keeps them all. */
const PREFIX_LINES_SHOWN = 12;

export function buildEvidence<State, I, O>(model: Model<State, I, O>, operations: readonly Operation<I, O>[], deadEnd: DeepestDeadEnd, key: string | undefined): LinearizabilityEvidence<I, O, State> {
  let state = model.init();
  const longestPrefix = deadEnd.prefix.map((index) => {
    const operation = operations[index] as Operation<I, O>;
    const result = model.step(state, operation.input, outputOf(operation));
    if (!result.legal) throw new Error('internal: a linearized operation became illegal on replay (is model.step deterministic?)');
    state = result.state;
    return { operation, stateAfter: state };
  });
  const nextCandidates = deadEnd.candidates.map((index) => operations[index] as Operation<I, O>);
  // At the deepest dead end every candidate must be illegal: a legal one would have led deeper.
  // If one is legal, the memo merged two different states, or the model is not deterministic.
  const legalCandidate = nextCandidates.find((operation) => model.step(state, operation.input, outputOf(operation)).legal);
  if (legalCandidate !== undefined) {
    throw new InvalidArgumentError('model', model.name, `a model whose step is deterministic and whose hash is equal only for equal states (operation ${legalCandidate.id} is legal where the search found it was not)`);
  }
  const blockedOperation = operations[deadEnd.blocked] as Operation<I, O>;
  const text = describeDeadEnd(model, { longestPrefix, stateAfterPrefix: state, blockedOperation, nextCandidates }, operations.length, key);
  return { longestPrefix, stateAfterPrefix: state, blockedOperation, nextCandidates, text };
}

function describeDeadEnd<State, I, O>(model: Model<State, I, O>, evidence: Omit<LinearizabilityEvidence<I, O, State>, 'text'>, total: number, key: string | undefined): string {
  const where = key === undefined ? '' : ` (key ${JSON.stringify(key)})`;
  const lines = [`not linearizable${where}: no legal order consistent with real time covers more than ${evidence.longestPrefix.length} of the ${total} operations.`];
  if (evidence.longestPrefix.length > 0) {
    lines.push('longest legal order found:');
    const hidden = evidence.longestPrefix.length - PREFIX_LINES_SHOWN;
    if (hidden > 0) lines.push(`  … ${hidden} earlier operations`);
    for (const step of evidence.longestPrefix.slice(Math.max(hidden, 0))) {
      lines.push(`  ${describeOperation(model, step.operation)}  => ${describeState(model, step.stateAfter)}`);
    }
  }
  lines.push(`then, in state ${describeState(model, evidence.stateAfterPrefix)}, no operation that could come next is legal:`);
  for (const operation of evidence.nextCandidates) {
    const blocked = operation === evidence.blockedOperation ? `  <- completed at ${operation.completeMs}ms, so it had to be linearized by then` : '';
    lines.push(`  ${describeOperation(model, operation)}${blocked}`);
  }
  return lines.join('\n');
}

function describeOperation<I, O>(model: Model<unknown, I, O>, operation: Operation<I, O>): string {
  const output = outputOf(operation);
  const what = model.describeOperation?.(operation.input, output) ?? `${safeJson(operation.input)} -> ${output === undefined ? 'unknown' : safeJson(output)}`;
  const completed = operation.status === 'ok' ? `${operation.completeMs}ms` : operation.status;
  return `#${operation.id} process ${String(operation.process)} [${operation.invokeMs}ms, ${completed}] ${what}`;
}

function describeState<State>(model: Model<State, unknown, unknown>, state: State): string {
  return model.describeState?.(state) ?? safeJson(state);
}

/** The output the model sees: only `ok` operations have one. */
export function outputOf<I, O>(operation: Operation<I, O>): O | undefined {
  return operation.status === 'ok' ? operation.output : undefined;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_, inner: unknown) => (typeof inner === 'bigint' ? `${inner}n` : inner)) ?? String(value);
  } catch {
    return String(value);
  }
}
