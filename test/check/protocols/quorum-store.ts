/**
 * A quorum-replicated register on three replicas: writes wait for W acknowledgements, reads for
 * R replies and return the highest version among them.
 *
 * One client writes version 1, 2, 3, … every 100 ms and reads 50 ms after each write. With
 * R + W ≤ N (here W = 1, R = 1) a read quorum need not meet the last write quorum: a replica
 * that missed a write (cut off, or crashed while it was sent) answers first and the read returns
 * a stale version. With R + W > N (W = 2, R = 2) every read meets every acknowledged write.
 *
 * Known minimum: one fault (a partition or a crash that makes r1 miss a write).
 */
import type { ClusterScenario } from '../../../src/check/index.js';
import type { NodeBehaviour, Simulation } from '../../../src/index.js';

type Message =
  | { type: 'write'; version: number }
  | { type: 'written'; version: number }
  | { type: 'read'; id: number }
  | { type: 'value'; id: number; version: number };

export interface QuorumStore {
  /** Highest version acknowledged to the client, with when. */
  acknowledged: Array<{ version: number; atMs: number }>;
  /** Completed reads: what they returned and the newest version acknowledged before they began. */
  reads: Array<{ invokeMs: number; version: number; mustSeeVersion: number }>;
}

const REPLICAS = ['r1', 'r2', 'r3'];
const PERIOD_MS = 100;
const LAST_OPERATION_MS = 5_000;

const replica: NodeBehaviour<Message, { version: number }> = (ctx) => ({
  onMessage(from, message) {
    if (message.type === 'write') {
      if (message.version > ctx.durable.version) ctx.persist(() => ({ version: message.version }));
      ctx.send(from, { type: 'written', version: message.version });
    } else if (message.type === 'read') ctx.send(from, { type: 'value', id: message.id, version: ctx.durable.version });
  },
});

function client(system: QuorumStore, sim: Simulation, quorum: { write: number; read: number }): NodeBehaviour<Message> {
  return (ctx) => {
    let version = 0;
    let writeAcks = 0;
    let readId = 0;
    let read = { replies: 0, version: 0, invokeMs: 0, mustSeeVersion: 0 };
    const newestAcknowledged = (): number => system.acknowledged[system.acknowledged.length - 1]?.version ?? 0;
    return {
      onStart() {
        ctx.setTimer(PERIOD_MS, 'write');
      },
      onTimer(name) {
        if (name === 'write') {
          version++;
          writeAcks = 0;
          for (const id of REPLICAS) ctx.send(id, { type: 'write', version });
          ctx.setTimer(PERIOD_MS / 2, 'read');
          if (sim.now < LAST_OPERATION_MS) ctx.setTimer(PERIOD_MS, 'write');
        } else {
          readId++;
          read = { replies: 0, version: 0, invokeMs: sim.now, mustSeeVersion: newestAcknowledged() };
          for (const id of REPLICAS) ctx.send(id, { type: 'read', id: readId });
        }
      },
      onMessage(_from, message) {
        if (message.type === 'written' && message.version === version && ++writeAcks === quorum.write) {
          system.acknowledged.push({ version, atMs: sim.now });
        } else if (message.type === 'value' && message.id === readId && read.replies < quorum.read) {
          read.version = Math.max(read.version, message.version);
          if (++read.replies === quorum.read) system.reads.push({ invokeMs: read.invokeMs, version: read.version, mustSeeVersion: read.mustSeeVersion });
        }
      },
    };
  };
}

function readsSeeAcknowledgedWrites({ reads }: QuorumStore): true | string {
  const last = reads[reads.length - 1];
  if (last === undefined || last.version >= last.mustSeeVersion) return true;
  return `the read begun at ${last.invokeMs} ms returned version ${last.version}, but version ${last.mustSeeVersion} was acknowledged before it began`;
}

/** The scenario; `strict` picks R + W > N (the fixed variant). */
export function quorumScenario(strict: boolean): ClusterScenario<QuorumStore> {
  const quorum = strict ? { write: 2, read: 2 } : { write: 1, read: 1 };
  return {
    name: `quorum store N=3 W=${quorum.write} R=${quorum.read}`,
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const system: QuorumStore = { acknowledged: [], reads: [] };
      for (const id of REPLICAS) sim.addNode(id, replica, { durable: { version: 0 } });
      sim.addNode('c', client(system, sim, quorum));
      return system;
    },
    invariants: [{ name: 'a read sees every write acknowledged before it began', check: readsSeeAcknowledgedWrites }],
    untilMs: 6_000,
  };
}

export const quorumNodes = { nodes: REPLICAS, clients: ['c'] };
