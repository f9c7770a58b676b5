/**
 * Single-decree Paxos on three acceptors, with acceptors that forget on a crash and with
 * acceptors that persist their promises.
 *
 * Two proposers each want their own value chosen: p1 proposes 'x' from 100 ms, p2 proposes 'y'
 * from 3,000 ms, and each retries every 300 ms (with a fresh, higher ballot) until a round
 * succeeds. A round is the textbook one: prepare to every acceptor; with promises from a
 * majority, propose the value of the highest-ballot proposal those promises report (or its own)
 * to the acceptors that promised; done once they all accepted. Latency is 2–10 ms, so which two
 * acceptors answer first varies from round to round.
 *
 * The bug: the acceptors keep their promise and accepted proposal in memory. An acceptor of x's
 * majority that crashes and restarts has forgotten x; if p2's first two promises come from it
 * and from the acceptor p1 never asked to accept, p2 sees no accepted value and gets 'y' chosen
 * too. The fixed variant persists (and syncs) its state before it answers, as Paxos requires.
 *
 * Known minimum: one fault. Without a crash no acceptor forgets anything, and the acceptors are
 * then exactly Paxos's, which is safe under any loss, delay, pause or partition; a single crash
 * of one of x's two acceptors, restarted before p2's round, is enough when p2 hears first from
 * it and from the acceptor p1 did not use.
 */
import type { ClusterScenario, GeneratedKind } from '../../../src/check/index.js';
import type { NodeBehaviour } from '../../../src/index.js';

interface Proposal {
  ballot: number;
  value: string;
}

interface AcceptorState {
  promised: number;
  accepted: Proposal | null;
}

type Message =
  | { type: 'prepare'; ballot: number }
  | { type: 'promise'; ballot: number; accepted: Proposal | null }
  | { type: 'accept'; ballot: number; value: string }
  | { type: 'accepted'; ballot: number };

export interface Paxos {
  /** Every acceptance, by ballot: its value and the acceptors that accepted it. */
  readonly acceptances: Map<number, { value: string; by: Set<string> }>;
}

const ACCEPTORS = ['a1', 'a2', 'a3'];
const MAJORITY = 2;
const PROPOSERS = [
  { id: 'p1', value: 'x', firstMs: 100 },
  { id: 'p2', value: 'y', firstMs: 3_000 },
];
const RETRY_MS = 300;

function acceptor(system: Paxos, durable: boolean): NodeBehaviour<Message, AcceptorState> {
  return (ctx) => {
    // The bug: without `durable`, what this acceptor promised dies with the incarnation.
    let state: AcceptorState = durable ? ctx.durable : { promised: 0, accepted: null };
    const save = (next: AcceptorState): void => {
      state = next;
      if (durable) {
        ctx.persist(() => next);
        ctx.sync();
      }
    };
    return {
      onMessage(from, message) {
        if (message.type === 'prepare' && message.ballot > state.promised) {
          const accepted = state.accepted;
          save({ promised: message.ballot, accepted });
          ctx.send(from, { type: 'promise', ballot: message.ballot, accepted });
        } else if (message.type === 'accept' && message.ballot >= state.promised) {
          save({ promised: message.ballot, accepted: { ballot: message.ballot, value: message.value } });
          const acceptance = system.acceptances.get(message.ballot) ?? { value: message.value, by: new Set<string>() };
          acceptance.by.add(ctx.id);
          system.acceptances.set(message.ballot, acceptance);
          ctx.send(from, { type: 'accepted', ballot: message.ballot });
        }
      },
    };
  };
}

function proposer(index: number): NodeBehaviour<Message> {
  const { value: own, firstMs } = PROPOSERS[index]!;
  return (ctx) => {
    let ballot = -1;
    let promises: Array<{ from: string; accepted: Proposal | null }> = [];
    let accepts = 0;
    let done = false;
    return {
      onStart() {
        ctx.setTimer(firstMs, 'round');
      },
      onTimer() {
        if (done) return;
        // Ballots grow with time and stay unique per proposer: no two rounds share one.
        ballot = Math.floor(ctx.now()) * PROPOSERS.length + index;
        promises = [];
        accepts = 0;
        for (const id of ACCEPTORS) ctx.send(id, { type: 'prepare', ballot });
        ctx.setTimer(RETRY_MS, 'round');
      },
      onMessage(from, message) {
        if (message.ballot !== ballot) return;
        if (message.type === 'promise' && promises.length < MAJORITY) {
          promises.push({ from, accepted: message.accepted });
          if (promises.length < MAJORITY) return;
          const reported = promises.flatMap((promise) => (promise.accepted === null ? [] : [promise.accepted]));
          const highest = reported.sort((first, second) => second.ballot - first.ballot)[0];
          for (const promise of promises) ctx.send(promise.from, { type: 'accept', ballot, value: highest?.value ?? own });
        } else if (message.type === 'accepted' && ++accepts === MAJORITY) done = true;
      },
    };
  };
}

function oneValueChosen({ acceptances }: Paxos): true | string {
  const chosen = [...acceptances].filter(([, acceptance]) => acceptance.by.size >= MAJORITY);
  if (new Set(chosen.map(([, acceptance]) => acceptance.value)).size <= 1) return true;
  return `two values were chosen: ${chosen.map(([ballot, { value, by }]) => `'${value}' in ballot ${ballot} by ${[...by].join(' and ')}`).join('; ')}`;
}

/** The scenario; `durable` picks the fixed variant. */
export function consensusScenario(durable: boolean): ClusterScenario<Paxos> {
  return {
    name: durable ? 'Paxos with durable acceptors' : 'Paxos with acceptors that forget on a crash',
    simulation: { network: { link: { latency: { kind: 'uniform', minMs: 2, maxMs: 10 } } } },
    setup(sim) {
      const system: Paxos = { acceptances: new Map() };
      for (const id of ACCEPTORS) sim.addNode(id, acceptor(system, durable), { durable: { promised: 0, accepted: null } });
      PROPOSERS.forEach(({ id }, index) => sim.addNode(id, proposer(index)));
      return system;
    },
    invariants: [{ name: 'at most one value is chosen', check: oneValueChosen }],
    untilMs: 6_000,
  };
}

/** Faults hit the acceptors; the proposers stay up but partitions place them on a side. */
export const consensusFaults = { nodes: ACCEPTORS, clients: PROPOSERS.map(({ id }) => id), kinds: ['crash', 'pause', 'partition', 'link'] as GeneratedKind[] };
/** See the module comment: one crash. */
export const consensusMinimumFaults = 1;
