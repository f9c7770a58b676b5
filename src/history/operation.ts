/**
 * How a client operation ended, with Jepsen's meanings:
 * - `ok`: it took effect and returned `output`;
 * - `fail`: it certainly did not take effect (a linearizability check drops it);
 * - `info`: indeterminate (a timeout, a lost connection): it may or may not have taken effect, at
 *   any moment from its invocation on, so a check keeps it pending to the end of the history;
 * - `pending`: it never completed before the history ended; treated exactly like `info`.
 *
 * @example
 * ```ts
 * const status: OperationStatus = 'info'; // the client timed out: the write may still land
 * ```
 */
export type OperationStatus = 'ok' | 'fail' | 'info' | 'pending';

/**
 * One client operation of a history: what a process asked for, when, and how it ended, in
 * simulated milliseconds. Built by a {@link HistoryRecorder} or by hand.
 *
 * @example
 * ```ts
 * const write: Operation<{ kind: 'write'; value: number }, undefined> = {
 *   id: 0, process: 'client-1', input: { kind: 'write', value: 3 }, invokeMs: 10, completeMs: 25, status: 'ok',
 * };
 * ```
 */
export interface Operation<I, O> {
  /** Unique within the history. */
  readonly id: number;
  /** The client that issued it; a process runs one operation at a time. */
  readonly process: string | number;
  /**
   * Independent key (Jepsen's `independent`): operations on different keys are checked as
   * separate histories. Leave it out when the model partitions by itself (`keyValueModel`).
   */
  readonly key?: string;
  /** What was asked, in the model's input shape. */
  readonly input: I;
  /** What came back; only an `ok` operation has one, and `undefined` there means "not observed". */
  readonly output?: O;
  /** Simulated time of the invocation, in ms. */
  readonly invokeMs: number;
  /**
   * Simulated time the outcome was known, in ms: required for `ok` and `fail`, optional for `info`
   * (a check ignores it: the operation stays pending), absent for `pending`.
   */
  readonly completeMs?: number;
  /** How it ended; see {@link OperationStatus}. */
  readonly status: OperationStatus;
}
