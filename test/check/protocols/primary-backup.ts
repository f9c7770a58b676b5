/**
 * Primary-backup with failover, with and without fencing.
 *
 * Two candidates (n1 starts as primary, n2 as backup) and a storage node s; a client c sends a
 * write to both candidates every 50 ms, and whichever believes it is primary stores it. The
 * backup promotes itself after 300 ms without a heartbeat. Without fencing, a deposed primary
 * (paused, or cut off and then healed) keeps storing with its old epoch after the new primary
 * has stored with a newer one: split brain reaches storage. With fencing, storage refuses a
 * write from an epoch older than one it has accepted, and tells the writer to step down.
 *
 * Known minimum: one fault (a pause of n1, or a partition that separates n1 from n2).
 */
import type { ClusterScenario } from '../../../src/check/index.js';
import type { NodeBehaviour, Simulation } from '../../../src/index.js';

type Message =
  | { type: 'write'; value: number }
  | { type: 'heartbeat'; epoch: number }
  | { type: 'store'; epoch: number; value: number }
  | { type: 'fenced'; epoch: number };

export interface PrimaryBackup {
  /** Epochs of the writes storage accepted, in order. */
  readonly stored: Array<{ atMs: number; epoch: number; value: number }>;
}

const CANDIDATES = ['n1', 'n2'];
const TICK_MS = 50;
const PROMOTE_AFTER_MS = 300;

function candidate(index: number): NodeBehaviour<Message> {
  return (ctx) => {
    // A restarted node has lost its role with its memory: it comes back as a backup.
    let primary = index === 0 && ctx.incarnation === 0;
    let epoch = primary ? 2 : 0; // epochs are unique per node: 2k + index
    let lastHeardMs = 0;
    const other = CANDIDATES[1 - index]!;
    const learn = (seen: number): void => {
      if (seen > epoch) {
        epoch = seen;
        primary = false;
      }
    };
    return {
      onStart() {
        ctx.setTimer(TICK_MS, 'tick');
      },
      onRecover() {
        ctx.setTimer(TICK_MS, 'tick');
      },
      onTimer() {
        ctx.setTimer(TICK_MS, 'tick');
        if (primary) ctx.send(other, { type: 'heartbeat', epoch });
        else if (ctx.now() - lastHeardMs > PROMOTE_AFTER_MS) {
          epoch = (Math.floor(epoch / 2) + 1) * 2 + index;
          primary = true;
        }
      },
      onMessage(_from, message) {
        if (message.type === 'heartbeat') {
          lastHeardMs = ctx.now();
          learn(message.epoch);
        } else if (message.type === 'fenced') learn(message.epoch);
        else if (message.type === 'write' && primary) ctx.send('s', { type: 'store', epoch, value: message.value });
      },
    };
  };
}

function storage(system: PrimaryBackup, sim: Simulation, fenced: boolean): NodeBehaviour<Message> {
  return (ctx) => {
    let highestEpoch = 0;
    return {
      onMessage(from, message) {
        if (message.type !== 'store') return;
        if (fenced && message.epoch < highestEpoch) {
          ctx.send(from, { type: 'fenced', epoch: highestEpoch });
          return;
        }
        highestEpoch = Math.max(highestEpoch, message.epoch);
        system.stored.push({ atMs: sim.now, epoch: message.epoch, value: message.value });
      },
    };
  };
}

const client: NodeBehaviour<Message> = (ctx) => {
  let next = 0;
  return {
    onStart() {
      ctx.setTimer(TICK_MS, 'write');
    },
    onTimer() {
      ctx.setTimer(TICK_MS, 'write');
      next++;
      for (const id of CANDIDATES) ctx.send(id, { type: 'write', value: next });
    },
  };
};

/** The scenario; `fenced` picks the fixed variant. */
export function primaryBackupScenario(fenced: boolean): ClusterScenario<PrimaryBackup> {
  return {
    name: fenced ? 'primary-backup with fencing' : 'primary-backup without fencing',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const system: PrimaryBackup = { stored: [] };
      CANDIDATES.forEach((id, index) => sim.addNode(id, candidate(index)));
      sim.addNode('s', storage(system, sim, fenced));
      sim.addNode('c', client);
      return system;
    },
    invariants: [
      {
        name: 'no write from a deposed primary reaches storage',
        check({ stored }) {
          const last = stored[stored.length - 1];
          const before = stored[stored.length - 2];
          if (last === undefined || before === undefined || last.epoch >= before.epoch) return true;
          return `storage accepted value ${last.value} from epoch ${last.epoch} at t=${last.atMs} ms after value ${before.value} from epoch ${before.epoch}`;
        },
      },
    ],
    untilMs: 6_000,
  };
}

/** Nodes faults may hit (storage and client stay up, but partitions place them on a side). */
export const primaryBackupNodes = { nodes: CANDIDATES, clients: ['s', 'c'] };
