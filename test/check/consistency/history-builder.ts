import type { Operation } from '../../../src/history/operation.js';

/** Hand-written histories, one operation per line: who, what, when, and how it ended. */
export class HistoryBuilder<I = unknown, O = unknown> {
  private readonly operations: Array<Operation<I, O>> = [];

  /** An acknowledged operation. */
  ok(process: string, input: I, invokeMs: number, completeMs: number, output?: O, key?: string): this {
    return this.push({ process, input, invokeMs, completeMs, status: 'ok', ...(output === undefined ? {} : { output }), ...(key === undefined ? {} : { key }) });
  }

  /** An operation that certainly did not happen. */
  fail(process: string, input: I, invokeMs: number, completeMs: number, key?: string): this {
    return this.push({ process, input, invokeMs, completeMs, status: 'fail', ...(key === undefined ? {} : { key }) });
  }

  /** An operation whose outcome is unknown. */
  info(process: string, input: I, invokeMs: number, key?: string): this {
    return this.push({ process, input, invokeMs, status: 'info', ...(key === undefined ? {} : { key }) });
  }

  build(): Array<Operation<I, O>> {
    return [...this.operations];
  }

  private push(operation: Omit<Operation<I, O>, 'id'>): this {
    this.operations.push({ id: this.operations.length, ...operation } as Operation<I, O>);
    return this;
  }
}

export const write = (value: string | number) => ({ kind: 'write' as const, value });
export const read = { kind: 'read' as const };
