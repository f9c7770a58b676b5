/**
 * A replicated set on two replicas that exchange their whole state every 50 ms.
 *
 * A client adds a new member every 100 ms, alternately through r1 and r2; the replica adds it,
 * stamps its state with its own (skewable) clock and acknowledges at once. Buggy variant: the
 * state is a last-writer-wins register, so a merge keeps the state with the higher
 * (stamp, replica) and drops the other's members: a replica whose clock is behind stamps its
 * newer state lower, and its acknowledged add is lost. Fixed variant: each replica keeps the
 * library's OR-Set CRDT (`orSet`) and merges the state it receives, which keeps concurrent adds.
 */
import { noLostUpdates, type ClusterScenario } from '../../../src/check/index.js';
import { HistoryRecorder } from '../../../src/history/history-recorder.js';
import { orSet, type NodeBehaviour, type OrSetState, type Simulation } from '../../../src/index.js';

type Stamp = { timeMs: number; replica: number };
type Message =
  | { type: 'add'; value: string; id: number }
  | { type: 'ack'; id: number }
  | { type: 'state'; members: string[]; stamp: Stamp }
  | { type: 'crdt-state'; set: OrSetState };

export interface LwwStore {
  members: Record<string, string[]>;
  history: HistoryRecorder<unknown, unknown>;
}

const REPLICAS = ['r1', 'r2'];
const EXCHANGE_EVERY_MS = 50;
const ADD_EVERY_MS = 100;
const LAST_ADD_MS = 4_000;

const later = (first: Stamp, second: Stamp) => first.timeMs > second.timeMs || (first.timeMs === second.timeMs && first.replica > second.replica);
const union = (first: readonly string[], second: readonly string[]) => [...new Set([...first, ...second])].sort();

function replica(index: number, store: LwwStore, crdt: boolean): NodeBehaviour<Message> {
  const id = REPLICAS[index]!;
  const other = REPLICAS[1 - index]!;
  return (ctx) => {
    let stamp: Stamp = { timeMs: -Infinity, replica: index };
    let set = orSet.empty();
    const keep = (next: OrSetState) => {
      set = next;
      store.members[id] = orSet.elements(set);
    };
    return {
      onStart() {
        ctx.setTimer(EXCHANGE_EVERY_MS, 'exchange');
      },
      onTimer() {
        ctx.send(other, crdt ? { type: 'crdt-state', set } : { type: 'state', members: store.members[id]!, stamp });
        ctx.setTimer(EXCHANGE_EVERY_MS, 'exchange');
      },
      onMessage(from, message) {
        if (message.type === 'add') {
          if (crdt) keep(orSet.add(set, id, message.value));
          else store.members[id] = union(store.members[id]!, [message.value]);
          stamp = { timeMs: ctx.now(), replica: index };
          ctx.send(from, { type: 'ack', id: message.id });
        } else if (message.type === 'crdt-state') {
          keep(orSet.merge(set, message.set));
        } else if (message.type === 'state' && later(message.stamp, stamp)) {
          store.members[id] = message.members;
          stamp = message.stamp;
        }
      },
    };
  };
}

function client(store: LwwStore, sim: Simulation): NodeBehaviour<Message> {
  return (ctx) => {
    let count = 0;
    return {
      onStart() {
        ctx.setTimer(ADD_EVERY_MS, 'add');
      },
      onTimer() {
        const value = `v${count}`;
        const id = store.history.invoke('c', { kind: 'add', value }, sim.now);
        ctx.send(REPLICAS[count % REPLICAS.length]!, { type: 'add', value, id });
        count++;
        if (count * ADD_EVERY_MS < LAST_ADD_MS) ctx.setTimer(ADD_EVERY_MS, 'add');
      },
      onMessage(_from, message) {
        if (message.type === 'ack') store.history.ok(message.id, undefined, sim.now);
      },
    };
  };
}

/** The scenario; `crdt` picks the fixed variant. */
export function lwwStoreScenario(crdt: boolean): ClusterScenario<LwwStore> {
  return {
    name: crdt ? 'replicated set merged as an OR-Set (CRDT)' : 'replicated set with a last-writer-wins merge on local clocks',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const store: LwwStore = { members: { r1: [], r2: [] }, history: new HistoryRecorder() };
      REPLICAS.forEach((id, index) => sim.addNode(id, replica(index, store, crdt)));
      sim.addNode('c', client(store, sim));
      return store;
    },
    invariants: [noLostUpdates({ history: (store) => store.history.operations(), replicas: (store) => store.members, rule: 'add-wins-set' })],
    healAtMs: 4_500,
    untilMs: 5_000,
  };
}

export const lwwStoreNodes = { nodes: REPLICAS, clients: ['c'] };
