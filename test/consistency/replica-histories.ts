// Arbitraries of reachable CRDT states: three replicas (each its own node) apply random updates
// and now and then merge another replica's state into theirs, as gossip would. Every state a
// test draws is one a real run could hold.
import { fc } from '@fast-check/vitest';
import {
  gCounter,
  lwwRegister,
  mvRegister,
  orSet,
  pnCounter,
  type CrdtState,
  type GCounterState,
  type LwwRegisterState,
  type MvRegisterState,
  type OrSetState,
  type PnCounterState,
} from '../../src/index.js';

export const REPLICAS = ['r0', 'r1', 'r2'] as const;

/** One step of a history: an update at a replica, or a merge of one replica's state into another's. */
export type Step<U> = { kind: 'update'; replica: number; update: U } | { kind: 'merge'; from: number; into: number };

/** What a CRDT needs for a replica history. */
export interface CrdtModel<S, U> {
  name: string;
  empty(): S;
  update: fc.Arbitrary<U>;
  apply(state: S, node: string, update: U, step: number): S;
  merge(a: S, b: S): S;
}

const replica = fc.integer({ min: 0, max: REPLICAS.length - 1 });

export function steps<U>(update: fc.Arbitrary<U>, maxLength = 25): fc.Arbitrary<Array<Step<U>>> {
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('update' as const), replica, update }),
      fc.record({ kind: fc.constant('merge' as const), from: replica, into: replica }),
    ),
    { maxLength },
  );
}

/** The replicas' states after `history`. */
export function replay<S, U>(model: CrdtModel<S, U>, history: ReadonlyArray<Step<U>>): S[] {
  const states = REPLICAS.map(() => model.empty());
  history.forEach((step, index) => {
    if (step.kind === 'update') states[step.replica] = model.apply(states[step.replica]!, REPLICAS[step.replica]!, step.update, index);
    else states[step.into] = model.merge(states[step.into]!, states[step.from]!);
  });
  return states;
}

/** Three reachable states of one history. */
export function reachableStates<S, U>(model: CrdtModel<S, U>): fc.Arbitrary<S[]> {
  return steps(model.update).map((history) => replay(model, history));
}

const elements = fc.constantFrom('apple', 'pear', 'fig', '__proto__', 'constructor');

export const gCounterModel: CrdtModel<GCounterState, number> = {
  name: 'G-Counter',
  empty: gCounter.empty,
  update: fc.integer({ min: 0, max: 100 }),
  apply: (state, node, amount) => gCounter.increment(state, node, amount),
  merge: gCounter.merge,
};

export const pnCounterModel: CrdtModel<PnCounterState, number> = {
  name: 'PN-Counter',
  empty: pnCounter.empty,
  update: fc.integer({ min: -100, max: 100 }),
  apply: (state, node, delta) => pnCounter.add(state, node, delta),
  merge: pnCounter.merge,
};

/** LWW writes: a value and a wall time; the timestamp's logical part orders writes within a step. */
export const lwwRegisterModel: CrdtModel<LwwRegisterState<string>, { value: string; wallMs: number }> = {
  name: 'LWW-Register',
  empty: lwwRegister.empty,
  update: fc.record({ value: fc.constantFrom('red', 'green', 'blue'), wallMs: fc.integer({ min: 0, max: 5 }) }),
  apply: (state, node, { value, wallMs }, step) => lwwRegister.set(state, value, { wallMs, logical: step, node }),
  merge: lwwRegister.merge,
};

export const mvRegisterModel: CrdtModel<MvRegisterState<string>, string> = {
  name: 'MV-Register',
  empty: mvRegister.empty,
  update: fc.constantFrom('red', 'green', 'blue'),
  apply: (state, node, value) => mvRegister.set(state, node, value),
  merge: mvRegister.merge,
};

export type OrSetUpdate = { op: 'add' | 'remove'; element: string };
export const orSetModel: CrdtModel<OrSetState, OrSetUpdate> = {
  name: 'OR-Set',
  empty: orSet.empty,
  update: fc.record({ op: fc.constantFrom('add' as const, 'remove' as const), element: elements }),
  apply: (state, node, { op, element }) => (op === 'add' ? orSet.add(state, node, element) : orSet.remove(state, element)),
  merge: orSet.merge,
};

export const allModels: ReadonlyArray<CrdtModel<CrdtState, unknown>> = [gCounterModel, pnCounterModel, lwwRegisterModel, mvRegisterModel, orSetModel] as never;
