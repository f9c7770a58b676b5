import type { Operation, OperationStatus } from '../../src/history/operation.js';
import type { CasRegisterInput, CasRegisterOutput } from '../../src/linearizability/cas-register-model.js';

/** A register operation written as a story line: who, what, from when to when, how it ended. */
export function op(
  id: number,
  process: string | number,
  input: CasRegisterInput,
  invokeMs: number,
  completeMs: number | undefined,
  outcome: { status?: OperationStatus; output?: CasRegisterOutput } = {},
): Operation<CasRegisterInput, CasRegisterOutput> {
  const status = outcome.status ?? (completeMs === undefined ? 'pending' : 'ok');
  return {
    id,
    process,
    input,
    invokeMs,
    ...(completeMs === undefined ? {} : { completeMs }),
    ...(outcome.output === undefined ? {} : { output: outcome.output }),
    status,
  };
}

export const read = { kind: 'read' } as const;
export const write = (value: number): CasRegisterInput => ({ kind: 'write', value });
export const cas = (from: number, to: number): CasRegisterInput => ({ kind: 'cas', from, to });

/** A completed (`ok`) operation of any model; `output` absent when it was not observed. */
export function okOperation<I, O>(id: number, process: number, input: I, invokeMs: number, completeMs: number, output?: O): Operation<I, O> {
  return { id, process, input, invokeMs, completeMs, status: 'ok', ...(output === undefined ? {} : { output }) };
}
