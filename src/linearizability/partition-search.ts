import type { Operation } from '../history/operation.js';
import { InvalidArgumentError } from '../errors.js';
import { MemoTable, mix32 } from './memo-table.js';
import type { Model, StepResult } from './model.js';
import { StateInterner } from './state-interner.js';

// Internal: the Wing & Gong search with Lowe's memoisation for one independent sub-history, as
// Porcupine's checkSingle does it, made resumable so the checker can run several partitions side
// by side in slices of steps.
//
// The history is a doubly linked list of call and return entries in time order. The search walks
// it from the front: at a call entry it tries to linearize that operation next (the model must
// accept it, and the configuration must be new to the memo); if so it lifts the operation's two
// entries out of the list and starts again from the front. Reaching a return entry means that
// operation had to be linearized by now and was not: the search backtracks. Indeterminate
// operations return at +Infinity, after every determinate one, so they may be linearized at any
// point after their call; and since their effect is optional, the search succeeds as soon as
// every determinate operation is linearized.
//
// Node numbering: 0 is the head sentinel, 1 + 2i the call of operation i, 2 + 2i its return.

const HEAD = 0;
const NONE = -1;

/** Where a partition's search stands. */
export type SearchStatus = 'running' | 'linearizable' | 'refuted';

/** The deepest point the search reached before a dead end, kept for the evidence. */
export interface DeepestDeadEnd {
  /** Operation indices (into the partition) in linearization order. */
  readonly prefix: readonly number[];
  /** The operation whose return entry stopped the search. */
  readonly blocked: number;
  /** Every operation whose call came before that return and was not yet linearized. */
  readonly candidates: readonly number[];
}

export class PartitionSearch<State, I, O> {
  /** Steps taken so far. */
  steps = 0;
  status: SearchStatus = 'running';
  /** Set once refuted. */
  deepest: DeepestDeadEnd | undefined;

  private readonly next: Int32Array;
  private readonly previous: Int32Array;
  private readonly inputs: I[];
  private readonly outputs: (O | undefined)[];
  private readonly determinate: Uint8Array;
  private readonly zobristA: Int32Array;
  private readonly zobristB: Int32Array;
  private readonly bits: Uint32Array;
  private readonly memo: MemoTable;
  private readonly interner: StateInterner<State>;
  private readonly stackCalls: Int32Array;
  private readonly stackStates: State[] = [];
  private depth = 0;
  private cursor: number;
  private state: State;
  private hashA = 0;
  private hashB = 0;
  private remainingDeterminate = 0;
  private deepestDepth = -1;

  constructor(
    private readonly model: Model<State, I, O>,
    readonly operations: readonly Operation<I, O>[],
  ) {
    const count = operations.length;
    this.inputs = operations.map((operation) => operation.input);
    this.outputs = operations.map((operation) => (operation.status === 'ok' ? operation.output : undefined));
    this.determinate = Uint8Array.from(operations, (operation) => (operation.status === 'ok' ? 1 : 0));
    this.remainingDeterminate = this.determinate.reduce((sum, flag) => sum + flag, 0);
    this.zobristA = Int32Array.from(operations, (_, index) => mix32(Math.imul(index + 1, 0x9e3779b9)));
    this.zobristB = Int32Array.from(operations, (_, index) => mix32(Math.imul(index + 1, 0x85ebca77) ^ 0x27d4eb2f));
    const words = Math.ceil(count / 32);
    this.bits = new Uint32Array(words);
    this.memo = new MemoTable(words);
    this.interner = new StateInterner(model.hash?.bind(model));
    this.stackCalls = new Int32Array(count);
    this.next = new Int32Array(2 * count + 1).fill(NONE);
    this.previous = new Int32Array(2 * count + 1).fill(NONE);
    this.linkInTimeOrder();
    this.cursor = this.next[HEAD] as number;
    this.state = model.init();
    this.interner.idOf(this.state);
  }

  /** Runs at most `budget` steps; returns how many were taken. */
  run(budget: number): number {
    let taken = 0;
    while (this.status === 'running') {
      if (this.remainingDeterminate === 0) {
        this.status = 'linearizable';
        break;
      }
      if (taken === budget) break;
      taken++;
      const node = this.cursor;
      if (node === NONE) throw new Error('internal: the linearizability search ran off the end of the history');
      if ((node & 1) === 1) this.tryCall(node);
      else this.backtrack(node);
    }
    this.steps += taken;
    return taken;
  }

  /** Operation indices in linearization order once the search succeeded. */
  linearization(): number[] {
    return Array.from(this.stackCalls.subarray(0, this.depth), (call) => (call - 1) >> 1);
  }

  private tryCall(call: number): void {
    const index = (call - 1) >> 1;
    const result: StepResult<State> = this.model.step(this.state, this.inputs[index] as I, this.outputs[index]);
    if (typeof result !== 'object' || result === null) throw new InvalidArgumentError('model.step', result, 'a function returning { legal: true, state } or { legal: false }');
    if (!result.legal) {
      this.cursor = this.next[call] as number;
      return;
    }
    this.toggle(index);
    if (!this.memo.addIfAbsent(this.bits, this.hashA, this.hashB, this.interner.idOf(result.state))) {
      this.toggle(index);
      this.cursor = this.next[call] as number;
      return;
    }
    this.stackCalls[this.depth] = call;
    this.stackStates[this.depth] = this.state;
    this.depth++;
    this.state = result.state;
    this.remainingDeterminate -= this.determinate[index] as number;
    this.lift(call);
    this.cursor = this.next[HEAD] as number;
  }

  private backtrack(returnNode: number): void {
    if (this.depth > this.deepestDepth) this.recordDeadEnd(returnNode);
    if (this.depth === 0) {
      this.status = 'refuted';
      return;
    }
    this.depth--;
    const call = this.stackCalls[this.depth] as number;
    const index = (call - 1) >> 1;
    this.state = this.stackStates[this.depth] as State;
    this.stackStates.length = this.depth;
    this.toggle(index);
    this.remainingDeterminate += this.determinate[index] as number;
    this.unlift(call);
    this.cursor = this.next[call] as number;
  }

  private recordDeadEnd(returnNode: number): void {
    this.deepestDepth = this.depth;
    const candidates: number[] = [];
    for (let node = this.next[HEAD] as number; node !== returnNode; node = this.next[node] as number) candidates.push((node - 1) >> 1);
    this.deepest = { prefix: this.linearization(), blocked: (returnNode - 2) >> 1, candidates };
  }

  private toggle(index: number): void {
    this.bits[index >>> 5] = (this.bits[index >>> 5] as number) ^ (1 << (index & 31));
    this.hashA ^= this.zobristA[index] as number;
    this.hashB ^= this.zobristB[index] as number;
  }

  /** Unlinks an operation's call and return entries; the return always follows the call. */
  private lift(call: number): void {
    const { next, previous } = this;
    const returnNode = call + 1;
    next[previous[call] as number] = next[call] as number;
    previous[next[call] as number] = previous[call] as number;
    next[previous[returnNode] as number] = next[returnNode] as number;
    const afterReturn = next[returnNode] as number;
    if (afterReturn !== NONE) previous[afterReturn] = previous[returnNode] as number;
  }

  /** Exactly undoes {@link lift}: relinks the return, then the call. */
  private unlift(call: number): void {
    const { next, previous } = this;
    const returnNode = call + 1;
    next[previous[returnNode] as number] = returnNode;
    const afterReturn = next[returnNode] as number;
    if (afterReturn !== NONE) previous[afterReturn] = returnNode;
    next[previous[call] as number] = call;
    previous[next[call] as number] = call;
  }

  /**
   * Orders the entries by time; at equal times calls come before returns (so operations that
   * touch are concurrent, the permissive reading), then by position in the history.
   * Indeterminate operations return at +Infinity.
   */
  private linkInTimeOrder(): void {
    const entries: { node: number; timeMs: number }[] = [];
    this.operations.forEach((operation, index) => {
      entries.push({ node: 1 + 2 * index, timeMs: operation.invokeMs });
      const returnMs = operation.status === 'ok' ? (operation.completeMs as number) : Infinity;
      entries.push({ node: 2 + 2 * index, timeMs: returnMs });
    });
    entries.sort((a, b) => a.timeMs - b.timeMs || (b.node & 1) - (a.node & 1) || a.node - b.node);
    let previousNode = HEAD;
    for (const { node } of entries) {
      this.next[previousNode] = node;
      this.previous[node] = previousNode;
      previousNode = node;
    }
  }
}
