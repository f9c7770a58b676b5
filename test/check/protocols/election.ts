/**
 * Leader election on three nodes (Raft's, with terms and one vote per term), with a leader that
 * trusts its title and with a leader that holds a lease.
 *
 * A node that has heard no leader for 600–900 ms (drawn afresh each time) stands for the next
 * term and becomes leader with votes from a majority. A node that heard a leader in the last
 * 600 ms ignores candidates, so a live leader is not deposed. The leader sends a heartbeat
 * every 50 ms and each follower acknowledges it, echoing when it was sent.
 *
 * The bug: a leader believes it leads until it hears of a higher term. Cut off or paused, it
 * still does while the others elect a new leader: two leaders at once, which breaks whatever
 * relies on the leader alone (leader-local reads, a lock service). The fixed variant leads only
 * for 300 ms after the send time of the last heartbeat a majority acknowledged: a lease that
 * runs out before any follower that acknowledged it will vote for someone else (600 ms).
 *
 * Known minimum: one fault. Without faults the first leader's heartbeats reach both followers
 * every 50 ms, so no one stands again and there is never a second leader; one partition or
 * isolation of the leader, or one pause of it, longer than the election timeout is enough.
 */
import type { ClusterScenario, GeneratedKind } from '../../../src/check/index.js';
import type { NodeBehaviour, Simulation } from '../../../src/index.js';

type Message =
  | { type: 'stand'; term: number }
  | { type: 'vote'; term: number }
  | { type: 'heartbeat'; term: number; sentMs: number }
  | { type: 'heartbeat-ack'; term: number; sentMs: number };

interface Ballot {
  term: number;
  votedFor: string | null;
}

export interface Election {
  /** Per node, for its current incarnation: whether it leads at a given reading of its clock. */
  readonly leadsAt: Record<string, (localMs: number) => boolean>;
}

const NODES = ['n1', 'n2', 'n3'];
const MAJORITY = 2;
const TICK_MS = 50;
const ELECTION_TIMEOUT_MS = { min: 600, max: 900 };
const LEASE_MS = 300;

function node(system: Election, leased: boolean): NodeBehaviour<Message, Ballot> {
  return (ctx) => {
    let role: 'follower' | 'candidate' | 'leader' = 'follower';
    let votes = 0;
    let leaseFromMs = -Infinity;
    let heardLeaderMs = ctx.now(); // a (re)started node waits a whole timeout before it votes or stands
    let standAtMs = 0;
    const ballot = (term: number, votedFor: string | null): void => {
      ctx.persist(() => ({ term, votedFor }));
      ctx.sync();
    };
    const heardLeaderLately = (): boolean => role === 'leader' || ctx.now() - heardLeaderMs < ELECTION_TIMEOUT_MS.min;
    system.leadsAt[ctx.id] = (localMs) => role === 'leader' && (!leased || localMs - leaseFromMs < LEASE_MS);
    const waitBeforeStanding = (): void => {
      standAtMs = ctx.now() + ctx.rng.int(ELECTION_TIMEOUT_MS.min, ELECTION_TIMEOUT_MS.max);
    };
    waitBeforeStanding();
    const heartbeat = (): void => ctx.broadcast({ type: 'heartbeat', term: ctx.durable.term, sentMs: ctx.now() });
    const stand = (): void => {
      role = 'candidate';
      votes = 1;
      ballot(ctx.durable.term + 1, ctx.id);
      waitBeforeStanding();
      ctx.broadcast({ type: 'stand', term: ctx.durable.term });
    };
    const onMessage = (from: string, message: Message): void => {
      if (message.term > ctx.durable.term) {
        if (message.type === 'stand' && heardLeaderLately()) return;
        ballot(message.term, null);
        role = 'follower';
      }
      if (message.term < ctx.durable.term) return;
      if (message.type === 'stand' && !heardLeaderLately() && (ctx.durable.votedFor ?? from) === from) {
        ballot(message.term, from);
        waitBeforeStanding(); // give the candidate time to win and be heard
        ctx.send(from, { type: 'vote', term: message.term });
      } else if (message.type === 'vote' && role === 'candidate' && ++votes === MAJORITY) {
        role = 'leader';
        leaseFromMs = -Infinity;
        heartbeat();
      } else if (message.type === 'heartbeat') {
        role = 'follower';
        heardLeaderMs = ctx.now();
        waitBeforeStanding();
        ctx.send(from, { type: 'heartbeat-ack', term: message.term, sentMs: message.sentMs });
      } else if (message.type === 'heartbeat-ack' && role === 'leader') {
        // With three nodes, the leader and one follower are a majority.
        leaseFromMs = Math.max(leaseFromMs, message.sentMs);
      }
    };
    const tick = (): void => ctx.setTimer(TICK_MS, 'tick');
    return {
      onStart: tick,
      onRecover: tick,
      onTimer() {
        tick();
        if (role === 'leader') heartbeat();
        else if (ctx.now() >= standAtMs) stand();
      },
      onMessage,
    };
  };
}

function oneLeaderAtATime(system: Election, sim: Simulation): true | string {
  const leaders = NODES.filter((id) => sim.isUp(id) && system.leadsAt[id]!(sim.localTime(id)));
  return leaders.length <= 1 || `${leaders.join(' and ')} both lead at t=${sim.now} ms`;
}

/** The scenario; `leased` picks the fixed variant. */
export function electionScenario(leased: boolean): ClusterScenario<Election> {
  return {
    name: leased ? 'leader election with leader leases' : 'leader election, leaders trust their title',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const system: Election = { leadsAt: {} };
      for (const id of NODES) sim.addNode(id, node(system, leased), { durable: { term: 0, votedFor: null } });
      return system;
    },
    invariants: [{ name: 'at most one node leads at any moment', check: oneLeaderAtATime }],
    untilMs: 6_000,
  };
}

/** Faults hit every node. */
export const electionFaults = { nodes: NODES, clients: [], kinds: ['crash', 'pause', 'partition', 'isolate'] as GeneratedKind[] };
/** See the module comment: one partition, isolation or pause of the leader. */
export const electionMinimumFaults = 1;
