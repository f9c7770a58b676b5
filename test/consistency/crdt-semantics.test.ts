// What each CRDT means, beyond the merge laws: after every replica has merged every other's
// state, the value is what the data type promises for the updates made anywhere.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { gCounter, lwwRegister, mvRegister, orSet, pnCounter, versionVector, type HlcTimestamp } from '../../src/index.js';
import {
  REPLICAS,
  gCounterModel,
  lwwRegisterModel,
  mvRegisterModel,
  orSetModel,
  pnCounterModel,
  replay,
  steps,
  type CrdtModel,
  type Step,
} from './replica-histories.js';

/** Every replica's state merged into one: what all replicas hold once gossip has finished. */
function converged<S, U>(model: CrdtModel<S, U>, history: ReadonlyArray<Step<U>>): S {
  return replay(model, history).reduce((merged, state) => model.merge(merged, state));
}

function updates<U>(history: ReadonlyArray<Step<U>>): U[] {
  return history.flatMap((step) => (step.kind === 'update' ? [step.update] : []));
}

describe('G-Counter', () => {
  test.prop([steps(gCounterModel.update)])('after merge, the value is the sum of the increments made at every replica', (history) => {
    const total = updates(history).reduce((sum, amount) => sum + amount, 0);
    expect(gCounter.value(converged(gCounterModel, history))).toBe(total);
  });

  it('counts each replica once however often its state is merged', () => {
    const a = gCounter.increment(gCounter.empty(), 'a', 3);
    const twice = gCounter.merge(gCounter.merge(gCounter.empty(), a), a);
    expect(gCounter.value(twice)).toBe(3);
  });
});

describe('PN-Counter', () => {
  test.prop([steps(pnCounterModel.update)])('after merge, the value is the sum of the deltas, negative ones included', (history) => {
    const total = updates(history).reduce((sum, delta) => sum + delta, 0);
    expect(pnCounter.value(converged(pnCounterModel, history))).toBe(total);
  });
});

describe('LWW-Register', () => {
  test.prop([steps(lwwRegisterModel.update)])('after merge, holds the write with the greatest timestamp', (history) => {
    const writes = history.flatMap((step, index) =>
      step.kind === 'update' ? [{ value: step.update.value, stamp: { wallMs: step.update.wallMs, logical: index, node: REPLICAS[step.replica]! } }] : [],
    );
    const latest = writes.reduce<(typeof writes)[number] | undefined>((best, write) => (best === undefined || compareStamps(write.stamp, best.stamp) > 0 ? write : best), undefined);
    expect(lwwRegister.value(converged(lwwRegisterModel, history))).toBe(latest?.value ?? null);
  });

  it('breaks a tie of wall time and counter by node id', () => {
    const fromA = lwwRegister.set(lwwRegister.empty(), 'from a', { wallMs: 7, logical: 0, node: 'a' });
    const fromB = lwwRegister.set(lwwRegister.empty(), 'from b', { wallMs: 7, logical: 0, node: 'b' });
    expect(lwwRegister.merge(fromA, fromB).value).toBe('from b');
    expect(lwwRegister.merge(fromB, fromA).value).toBe('from b');
  });

  it('ignores a write older than the one it holds (the lost update LWW allows)', () => {
    const late = lwwRegister.set(lwwRegister.empty(), 'late', { wallMs: 9, logical: 0, node: 'a' });
    expect(lwwRegister.set(late, 'early', { wallMs: 3, logical: 0, node: 'b' }).value).toBe('late');
  });
});

function compareStamps(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wallMs - b.wallMs || a.logical - b.logical || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
}

describe('MV-Register', () => {
  it('keeps concurrent writes as siblings and a later write supersedes them all', () => {
    const a = mvRegister.set(mvRegister.empty(), 'a', 'blue');
    const b = mvRegister.set(mvRegister.empty(), 'b', 'green');
    const both = mvRegister.merge(a, b);
    expect(mvRegister.values(both).sort()).toEqual(['blue', 'green']);
    const resolved = mvRegister.set(both, 'a', 'teal');
    expect(mvRegister.values(resolved)).toEqual(['teal']);
    expect(mvRegister.values(mvRegister.merge(both, resolved))).toEqual(['teal']);
  });

  test.prop([steps(mvRegisterModel.update)])('after merge, holds exactly the writes no other write saw, pairwise concurrent', (history) => {
    const merged = converged(mvRegisterModel, history);
    const writeCount = updates(history).length;
    expect(merged.entries.length > 0).toBe(writeCount > 0);
    for (const entry of merged.entries) {
      for (const other of merged.entries) if (other !== entry) expect(versionVector.compare(entry.version, other.version)).toBe('concurrent');
    }
    // The last write of the history saw every write before it at its replica, so it survives
    // unless a concurrent write elsewhere is also kept: it is always among the values.
    const last = [...history].reverse().find((step) => step.kind === 'update');
    if (last?.kind === 'update') expect(mvRegister.values(merged)).toContain(last.update);
  });
});

describe('OR-Set', () => {
  it('lets an add win over a concurrent remove of the same element', () => {
    const shared = orSet.add(orSet.empty(), 'a', 'apple');
    const removed = orSet.remove(shared, 'apple');
    const readded = orSet.add(shared, 'b', 'apple');
    expect(orSet.has(orSet.merge(removed, readded), 'apple')).toBe(true);
    expect(orSet.has(orSet.merge(readded, removed), 'apple')).toBe(true);
  });

  it('removes an element for good when the remove saw every add', () => {
    const shared = orSet.merge(orSet.add(orSet.empty(), 'a', 'apple'), orSet.add(orSet.empty(), 'b', 'apple'));
    const removed = orSet.remove(shared, 'apple');
    expect(orSet.has(orSet.merge(shared, removed), 'apple')).toBe(false);
    expect(orSet.elements(orSet.merge(removed, shared))).toEqual([]);
  });

  test.prop([fc.array(orSetModel.update, { maxLength: 30 })])('on one replica, behaves as a plain set', (updatesAtOneReplica) => {
    let state = orSet.empty();
    const reference = new Set<string>();
    for (const { op, element } of updatesAtOneReplica) {
      state = op === 'add' ? orSet.add(state, 'a', element) : orSet.remove(state, element);
      if (op === 'add') reference.add(element);
      else reference.delete(element);
    }
    expect(orSet.elements(state)).toEqual([...reference].sort());
  });

  test.prop([steps(orSetModel.update)])('after merge, holds an element iff some add of it was seen by no remove', (history) => {
    // Reference: track which add events each replica has seen; a remove drops the adds of its
    // element its replica has seen, and no others.
    const seen = REPLICAS.map(() => new Set<number>());
    const elementOfAdd: string[] = [];
    const removedAdds = new Set<number>();
    for (const step of history) {
      if (step.kind === 'merge') {
        for (const add of seen[step.from]!) seen[step.into]!.add(add);
      } else if (step.update.op === 'add') {
        seen[step.replica]!.add(elementOfAdd.push(step.update.element) - 1);
      } else {
        for (const add of seen[step.replica]!) if (elementOfAdd[add] === step.update.element) removedAdds.add(add);
      }
    }
    const expected = new Set(elementOfAdd.filter((_element, add) => !removedAdds.has(add)));
    expect(orSet.elements(converged(orSetModel, history))).toEqual([...expected].sort());
  });
});
