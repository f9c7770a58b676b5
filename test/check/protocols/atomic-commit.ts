/**
 * Two-phase commit: a coordinator and two participants, with participants that give up waiting
 * and with participants that ask.
 *
 * Every 400 ms the coordinator starts a transaction: it sends `prepare`, and with two yes votes
 * it decides commit (any no, or no answer within 300 ms: abort), persists the decision and sends
 * it. A participant votes yes (p2 votes no on every fifth transaction, so aborts happen without
 * faults too), persists that it is prepared, and waits for the decision.
 *
 * The bug: a prepared participant that has heard nothing for 300 ms aborts on its own. Having
 * voted yes it no longer may: the coordinator may already have decided commit. The fixed
 * variant asks the coordinator instead, again every 300 ms, and the coordinator answers from its
 * persisted decisions (deciding abort for a transaction it knows nothing of, which no one can
 * have committed): the classic blocking but safe termination protocol.
 *
 * Known minimum: one fault. Without faults every decision arrives within 10 ms, long before a
 * participant's 300 ms patience runs out, so both variants behave alike; one lost commit (a
 * lossy link, a partition or a crash of the participant) or a coordinator paused after the
 * votes are sent is enough.
 */
import type { ClusterScenario, GeneratedKind } from '../../../src/check/index.js';
import type { NodeBehaviour } from '../../../src/index.js';

type Decision = 'commit' | 'abort';
type Message =
  | { type: 'prepare'; tx: number }
  | { type: 'vote'; tx: number; yes: boolean }
  | { type: 'decision'; tx: number; decision: Decision }
  | { type: 'status'; tx: number };

export interface AtomicCommit {
  /** Per transaction: each node's decisions, as `node: decision` (a node may decide once). */
  readonly decisions: Map<number, Set<string>>;
}

interface CoordinatorState {
  nextTx: number;
  decided: Record<number, Decision>;
}

const PARTICIPANTS = ['p1', 'p2'];
const TRANSACTION_EVERY_MS = 400;
const LAST_TRANSACTION_MS = 4_800;
const PATIENCE_MS = 300;

function record(system: AtomicCommit, tx: number, node: string, decision: Decision): void {
  const decisions = system.decisions.get(tx) ?? new Set<string>();
  decisions.add(`${node}: ${decision}`);
  system.decisions.set(tx, decisions);
}

function coordinator(system: AtomicCommit): NodeBehaviour<Message, CoordinatorState> {
  return (ctx) => {
    const yesVotes = new Map<number, number>();
    const decide = (tx: number, decision: Decision): void => {
      yesVotes.delete(tx);
      ctx.persist((state) => {
        state.decided[tx] = decision;
      });
      ctx.sync();
      record(system, tx, ctx.id, decision);
      for (const id of PARTICIPANTS) ctx.send(id, { type: 'decision', tx, decision });
    };
    const schedule = (): void => ctx.setTimer(TRANSACTION_EVERY_MS, 'begin');
    return {
      onStart: schedule,
      onRecover: schedule,
      onTimer(name, data) {
        if (name === 'give-up') {
          if (yesVotes.has(data as number)) decide(data as number, 'abort');
          return;
        }
        const tx = ctx.durable.nextTx;
        ctx.persist((state) => {
          state.nextTx++;
        });
        yesVotes.set(tx, 0);
        for (const id of PARTICIPANTS) ctx.send(id, { type: 'prepare', tx });
        ctx.setTimer(PATIENCE_MS, 'give-up', tx);
        if (ctx.now() < LAST_TRANSACTION_MS) schedule();
      },
      onMessage(from, message) {
        if (message.type === 'vote' && yesVotes.has(message.tx)) {
          if (!message.yes) decide(message.tx, 'abort');
          else {
            const yes = yesVotes.get(message.tx)! + 1;
            yesVotes.set(message.tx, yes);
            if (yes === PARTICIPANTS.length) decide(message.tx, 'commit');
          }
        } else if (message.type === 'status') {
          // Presumed abort: a transaction with no decision on record committed nowhere.
          if (ctx.durable.decided[message.tx] === undefined) decide(message.tx, 'abort');
          else ctx.send(from, { type: 'decision', tx: message.tx, decision: ctx.durable.decided[message.tx]! });
        }
      },
    };
  };
}

function participant(system: AtomicCommit, asks: boolean): NodeBehaviour<Message, { prepared: number[] }> {
  return (ctx) => {
    const decide = (tx: number, decision: Decision): void => {
      if (!ctx.durable.prepared.includes(tx)) return;
      ctx.persist((state) => {
        state.prepared = state.prepared.filter((prepared) => prepared !== tx);
      });
      record(system, tx, ctx.id, decision);
    };
    const wait = (tx: number): void => ctx.setTimer(PATIENCE_MS, 'waited', tx);
    return {
      onRecover() {
        for (const tx of ctx.durable.prepared) wait(tx);
      },
      onTimer(_name, data) {
        const tx = data as number;
        if (!ctx.durable.prepared.includes(tx)) return;
        if (asks) {
          ctx.send('co', { type: 'status', tx });
          wait(tx);
        } else decide(tx, 'abort'); // the bug: a yes vote is a promise to wait for the decision
      },
      onMessage(_from, message) {
        if (message.type === 'decision') decide(message.tx, message.decision);
        if (message.type !== 'prepare') return;
        const yes = !(ctx.id === 'p2' && message.tx % 5 === 4);
        if (yes) {
          ctx.persist((state) => {
            state.prepared.push(message.tx);
          });
          ctx.sync();
          wait(message.tx);
        }
        ctx.send('co', { type: 'vote', tx: message.tx, yes });
      },
    };
  };
}

function allOrNothing({ decisions }: AtomicCommit): true | string {
  for (const [tx, made] of decisions) {
    const kinds = new Set([...made].map((entry) => entry.split(': ')[1]));
    if (kinds.size > 1) return `transaction ${tx} was decided both ways: ${[...made].join(', ')}`;
  }
  return true;
}

/** The scenario; `asks` picks the fixed variant. */
export function atomicCommitScenario(asks: boolean): ClusterScenario<AtomicCommit> {
  return {
    name: asks ? 'two-phase commit, participants ask the coordinator' : 'two-phase commit, participants abort on a timeout',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const system: AtomicCommit = { decisions: new Map() };
      sim.addNode('co', coordinator(system), { durable: { nextTx: 0, decided: {} } });
      for (const id of PARTICIPANTS) sim.addNode(id, participant(system, asks), { durable: { prepared: [] } });
      return system;
    },
    invariants: [{ name: 'every node decides a transaction the same way', check: allOrNothing }],
    untilMs: 6_000,
  };
}

/** Faults hit every node. */
export const atomicCommitFaults = { nodes: ['co', ...PARTICIPANTS], clients: [], kinds: ['crash', 'pause', 'partition', 'link'] as GeneratedKind[] };
/** See the module comment: one lost decision or one paused coordinator. */
export const atomicCommitMinimumFaults = 1;
