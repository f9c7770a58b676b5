import type { Operation } from '../../history/operation.js';
import type { RegisterInput, RegisterValue } from '../../linearizability/register-model.js';

// Internal: the causal order of a register history, as session order plus reads-from, and each
// operation's causal past as a bitset of writes.

/** A read returned the initial value, not any write's. */
export const INITIAL = -1;

type RegisterOperation = Operation<RegisterInput, RegisterValue>;

/** Where each read's value came from, and what each operation causally follows. */
export interface CausalOrder {
  readonly operations: readonly RegisterOperation[];
  /** Index of the write whose value each ok read returned; INITIAL; undefined for others and unknown outputs. */
  readonly readsFrom: ReadonlyArray<number | undefined>;
  /** Reads of a value no write wrote, or only a failed write wrote: index of the read, and of the failed write if any. */
  readonly unwrittenReads: ReadonlyArray<{ read: number; failedWrite?: number }>;
  /** Each session's effective operations (ok writes, ok reads with a known value), in session order. */
  readonly sessions: ReadonlyArray<readonly number[]>;
  /** The session operation before each operation (undefined: first of its session). */
  readonly sessionPredecessor: ReadonlyArray<number | undefined>;
  /** Position of each write among the writes (its bit), or -1 for other operations. */
  readonly writeBit: readonly number[];
  /** Index of the write of each bit. */
  readonly writeOfBit: readonly number[];
  /** Writes each operation causally follows or is (a write knows itself). */
  readonly knows: readonly Uint32Array[];
  /** Operations on a cycle of session order and reads-from, in cycle order; empty when acyclic. */
  readonly cycle: readonly number[];
}

/** Whether `set` holds `bit`. */
export function has(set: Uint32Array, bit: number): boolean {
  return (set[bit >>> 5]! & (1 << (bit & 31))) !== 0;
}

function add(set: Uint32Array, bit: number): void {
  set[bit >>> 5]! |= 1 << (bit & 31);
}

/** Adds `source` into `target`; true if `target` grew. */
function unite(target: Uint32Array, source: Uint32Array): boolean {
  let grew = false;
  for (let index = 0; index < target.length; index++) {
    const merged = target[index]! | source[index]!;
    if (merged !== target[index]) {
      target[index] = merged;
      grew = true;
    }
  }
  return grew;
}

/**
 * Builds the causal order. `writeIndex(key, value)` finds the write of a value (unique per key,
 * checked by the caller).
 */
export function causalOrder(operations: readonly RegisterOperation[], initialValue: RegisterValue, writeIndex: (key: string, value: RegisterValue) => number | undefined): CausalOrder {
  const writeBit = operations.map(() => -1);
  const writeOfBit: number[] = [];
  operations.forEach((operation, index) => {
    if (operation.input.kind === 'write' && operation.status !== 'fail') writeBit[index] = writeOfBit.push(index) - 1;
  });
  const { readsFrom, unwrittenReads } = resolveReads(operations, initialValue, writeIndex);
  const { sessions, sessionPredecessor } = sessionOrder(operations, readsFrom);
  const words = Math.ceil(writeOfBit.length / 32);
  const knows = operations.map((_, index) => {
    const set = new Uint32Array(words);
    if (writeBit[index]! >= 0) add(set, writeBit[index]!);
    return set;
  });
  propagate(operations, readsFrom, sessionPredecessor, knows);
  const cycle = findCycle(operations, readsFrom, sessionPredecessor, writeBit, knows);
  return { operations, readsFrom, unwrittenReads, sessions, sessionPredecessor, writeBit, writeOfBit, knows, cycle };
}

function resolveReads(operations: readonly RegisterOperation[], initialValue: RegisterValue, writeIndex: (key: string, value: RegisterValue) => number | undefined) {
  const unwrittenReads: Array<{ read: number; failedWrite?: number }> = [];
  const readsFrom = operations.map((operation, index): number | undefined => {
    if (operation.input.kind !== 'read' || operation.status !== 'ok' || operation.output === undefined) return undefined;
    if (operation.output === initialValue) return INITIAL;
    const write = writeIndex(operation.key ?? '', operation.output);
    if (write === undefined || operations[write]!.status === 'fail') {
      unwrittenReads.push(write === undefined ? { read: index } : { read: index, failedWrite: write });
      return undefined;
    }
    return write;
  });
  return { readsFrom, unwrittenReads };
}

/** Session order: by process, by invocation time then id, over the operations with an effect the client knows of. */
function sessionOrder(operations: readonly RegisterOperation[], readsFrom: ReadonlyArray<number | undefined>) {
  const byProcess = new Map<string | number, number[]>();
  const order = operations.map((_, index) => index).sort((a, b) => operations[a]!.invokeMs - operations[b]!.invokeMs || operations[a]!.id - operations[b]!.id);
  const sessionPredecessor: Array<number | undefined> = operations.map(() => undefined);
  for (const index of order) {
    const operation = operations[index]!;
    if (operation.status === 'fail') continue;
    let session = byProcess.get(operation.process);
    if (session === undefined) byProcess.set(operation.process, (session = []));
    sessionPredecessor[index] = session[session.length - 1];
    // An indeterminate write may have happened or not: later operations do not follow it.
    const effective = operation.status === 'ok' && (operation.input.kind === 'write' || readsFrom[index] !== undefined);
    if (effective) session.push(index);
  }
  return { sessions: [...byProcess.values()], sessionPredecessor };
}

/** Unions along session order and reads-from until nothing grows (at most one pass per write, plus one). */
function propagate(operations: readonly RegisterOperation[], readsFrom: ReadonlyArray<number | undefined>, sessionPredecessor: ReadonlyArray<number | undefined>, knows: Uint32Array[]): void {
  const order = operations.map((_, index) => index).sort((a, b) => operations[a]!.invokeMs - operations[b]!.invokeMs || operations[a]!.id - operations[b]!.id);
  for (let grew = true; grew; ) {
    grew = false;
    for (const index of order) {
      const predecessor = sessionPredecessor[index];
      if (predecessor !== undefined && unite(knows[index]!, knows[predecessor]!)) grew = true;
      const source = readsFrom[index];
      if (source !== undefined && source !== INITIAL && unite(knows[index]!, knows[source]!)) grew = true;
    }
  }
}

/**
 * A cycle exists iff some write is known by an operation it causally follows: a write that knows
 * a write which knows it back. Walks back from such a write to print the cycle.
 */
function findCycle(operations: readonly RegisterOperation[], readsFrom: ReadonlyArray<number | undefined>, sessionPredecessor: ReadonlyArray<number | undefined>, writeBit: readonly number[], knows: readonly Uint32Array[]): number[] {
  for (let start = 0; start < operations.length; start++) {
    const bit = writeBit[start]!;
    if (bit < 0) continue;
    const path = pathBack(start, bit, readsFrom, sessionPredecessor, knows);
    if (path !== undefined) return path;
  }
  return [];
}

/** A path from the write `start` back to itself through predecessors that know it, if any. */
function pathBack(start: number, bit: number, readsFrom: ReadonlyArray<number | undefined>, sessionPredecessor: ReadonlyArray<number | undefined>, knows: readonly Uint32Array[]): number[] | undefined {
  const predecessors = (index: number): number[] => [sessionPredecessor[index], readsFrom[index]].filter((other): other is number => other !== undefined && other !== INITIAL);
  const cameFrom = new Map<number, number>();
  const queue = predecessors(start).filter((other) => has(knows[other]!, bit));
  for (const first of queue) cameFrom.set(first, start);
  for (let head = 0; head < queue.length; head++) {
    const index = queue[head]!;
    if (index === start) {
      const cycle = [start];
      // cameFrom leads from an operation to the one it precedes: the cycle in causal order.
      for (let at = cameFrom.get(start)!; at !== start; at = cameFrom.get(at)!) cycle.push(at);
      return cycle;
    }
    for (const other of predecessors(index)) {
      if (cameFrom.has(other) || !has(knows[other]!, bit)) continue;
      cameFrom.set(other, index);
      queue.push(other);
    }
  }
  return undefined;
}
