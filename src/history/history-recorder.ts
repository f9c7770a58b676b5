import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import { orDefault, rejectUnknownKeys, requireNonNegative, requireObject, requirePositiveInteger, requireString } from '../validate.js';
import type { Operation, OperationStatus } from './operation.js';

/**
 * Options of a {@link HistoryRecorder}.
 *
 * @example
 * ```ts
 * const options: HistoryRecorderOptions = { maxOperations: 10_000 };
 * ```
 */
export interface HistoryRecorderOptions {
  /** The most operations the recorder accepts; one more `invoke` throws. Default 1,000,000. */
  maxOperations?: number;
}

type MutableOperation<I, O> = { -readonly [K in keyof Operation<I, O>]: Operation<I, O>[K] };

const DEFAULT_MAX_OPERATIONS = 1_000_000;

/**
 * Records the client operations of a run (invocation, then `ok`, `fail` or `info`) with their
 * simulated times, for a linearizability check. It rejects what no real client can do: completing
 * an operation twice or before it was invoked, or a process starting a second operation while its
 * first has no outcome yet. After `info` the process may go on: the indeterminate operation stays
 * concurrent with everything after it, as a request lost in the network would.
 *
 * @example
 * ```ts
 * const history = new HistoryRecorder<CasRegisterInput, RegisterValue>();
 * const write = history.invoke('client-1', { kind: 'write', value: 1 }, 0);
 * const read = history.invoke('client-2', { kind: 'read' }, 5);
 * history.ok(write, undefined, 10);
 * history.ok(read, 1, 12);
 * checkLinearizability(history.operations(), casRegisterModel()).verdict; // 'linearizable'
 * ```
 */
export class HistoryRecorder<I, O> {
  /** The most operations this recorder accepts. */
  readonly maxOperations: number;
  private readonly recorded: MutableOperation<I, O>[] = [];
  private readonly inFlightByProcess = new Map<string | number, number>();

  constructor(options: HistoryRecorderOptions = {}) {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, '', ['maxOperations']);
    const maxOperations = orDefault(options.maxOperations, DEFAULT_MAX_OPERATIONS);
    requirePositiveInteger(maxOperations, 'maxOperations');
    this.maxOperations = maxOperations;
  }

  /** How many operations were invoked so far. */
  get size(): number {
    return this.recorded.length;
  }

  /** Records that `process` invoked an operation at `atMs`; returns its id (0, 1, 2, … in order). */
  invoke(process: string | number, input: I, atMs: number, key?: string): number {
    requireProcess(process);
    requireNonNegative(atMs, 'atMs');
    if (key !== undefined) requireString(key, 'key');
    const inFlight = this.inFlightByProcess.get(process);
    if (inFlight !== undefined) {
      throw new InvalidStateError(
        `process ${describeProcess(process)} invoked an operation at ${atMs}ms while its operation ${inFlight} (invoked at ${this.recorded[inFlight]?.invokeMs}ms) has no outcome yet; a process runs one operation at a time: record ok, fail or info first, or use another process id`,
      );
    }
    if (this.recorded.length >= this.maxOperations) {
      throw new InvalidStateError(`the history is full: maxOperations (${this.maxOperations}) reached at ${atMs}ms; raise it with new HistoryRecorder({ maxOperations })`);
    }
    const id = this.recorded.length;
    const operation: MutableOperation<I, O> = { id, process, input, invokeMs: atMs, status: 'pending' };
    if (key !== undefined) operation.key = key;
    this.recorded.push(operation);
    this.inFlightByProcess.set(process, id);
    return id;
  }

  /**
   * Records that operation `id` took effect and returned `output` at `atMs`; `undefined` when it
   * returns nothing (a write) or the result was not observed.
   */
  ok(id: number, output: O | undefined, atMs: number): void {
    const operation = this.complete(id, 'ok', atMs);
    if (output !== undefined) operation.output = output;
  }

  /** Records that operation `id` certainly did not take effect (known at `atMs`). */
  fail(id: number, atMs: number): void {
    this.complete(id, 'fail', atMs);
  }

  /** Records that the outcome of operation `id` is unknown (a timeout at `atMs`): it may still take effect. */
  info(id: number, atMs: number): void {
    this.complete(id, 'info', atMs);
  }

  /** A copy of the operations so far, by id; operations with no outcome yet are `pending`. */
  operations(): readonly Operation<I, O>[] {
    return this.recorded.map((operation) => ({ ...operation }));
  }

  private complete(id: number, status: OperationStatus, atMs: number): MutableOperation<I, O> {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= this.recorded.length) {
      const range = this.recorded.length === 0 ? 'an id returned by invoke (none invoked yet)' : `an id returned by invoke, in [0, ${this.recorded.length - 1}]`;
      throw new InvalidArgumentError('id', id, range);
    }
    const operation = this.recorded[id] as MutableOperation<I, O>;
    if (operation.status !== 'pending') {
      throw new InvalidStateError(`operation ${id} of process ${describeProcess(operation.process)} already completed as '${operation.status}' at ${operation.completeMs}ms; it cannot also be '${status}'`);
    }
    requireNonNegative(atMs, 'atMs');
    if (atMs < operation.invokeMs) {
      throw new InvalidArgumentError('atMs', atMs, `a time >= ${operation.invokeMs}ms, when operation ${id} was invoked: an operation cannot complete before it starts`);
    }
    operation.status = status;
    operation.completeMs = atMs;
    this.inFlightByProcess.delete(operation.process);
    return operation;
  }
}

function requireProcess(process: unknown): asserts process is string | number {
  const isName = typeof process === 'string' && process.length > 0;
  const isNumber = typeof process === 'number' && Number.isFinite(process);
  if (!isName && !isNumber) throw new InvalidArgumentError('process', process, 'a non-empty string or a finite number');
}

function describeProcess(process: string | number): string {
  return typeof process === 'string' ? `'${process}'` : String(process);
}
