/**
 * A last-writer-wins register on two replicas, with wall-clock timestamps or with hybrid
 * logical clocks.
 *
 * A client writes a new value every 100 ms, alternately through r1 and r2. The replica stamps the
 * write, applies it, replicates it to the other replica, and acknowledges the client once the
 * other replica has it. Each replica keeps the value with the highest (timestamp, replica)
 * stamp. With wall-clock stamps, a replica whose clock is behind stamps a later write lower than
 * an earlier one, and the later write is silently lost. With a hybrid logical clock (never stamp
 * lower than any stamp seen), a write acknowledged before another is invoked always loses to it.
 *
 * Known minimum: one fault (a clock skew of either replica).
 */
import type { ClusterScenario } from '../../../src/check/index.js';
import type { NodeBehaviour, Simulation } from '../../../src/index.js';

type Stamp = { timeMs: number; replica: number };
type Message =
  | { type: 'write'; id: number }
  | { type: 'replicate'; id: number; stamp: Stamp }
  | { type: 'replicated'; id: number }
  | { type: 'ack'; id: number };

interface Write {
  invokeMs: number;
  ackMs?: number;
}

export interface LwwRegister {
  /** Every write the client issued, by id. */
  readonly writes: Write[];
  /** Id of the write each replica currently holds (-1: none yet). */
  readonly held: Record<string, number>;
}

const REPLICAS = ['r1', 'r2'];
const WRITE_EVERY_MS = 100;
const LAST_WRITE_MS = 5_000;

function later(first: Stamp, second: Stamp): boolean {
  return first.timeMs > second.timeMs || (first.timeMs === second.timeMs && first.replica > second.replica);
}

function replica(index: number, system: LwwRegister, hybrid: boolean): NodeBehaviour<Message, { id: number; stamp: Stamp }> {
  const id = REPLICAS[index]!;
  const other = REPLICAS[1 - index]!;
  return (ctx) => {
    let highestSeenMs = -Infinity;
    const apply = (writeId: number, stamp: Stamp): void => {
      highestSeenMs = Math.max(highestSeenMs, stamp.timeMs);
      if (!later(stamp, ctx.durable.stamp)) return;
      ctx.persist(() => ({ id: writeId, stamp }));
      system.held[id] = writeId;
    };
    const waiting = new Map<number, string>();
    return {
      onMessage(from, message) {
        if (message.type === 'write') {
          const timeMs = hybrid ? Math.max(ctx.now(), highestSeenMs + 1) : ctx.now();
          const stamp = { timeMs, replica: index };
          apply(message.id, stamp);
          waiting.set(message.id, from);
          ctx.send(other, { type: 'replicate', id: message.id, stamp });
        } else if (message.type === 'replicate') {
          apply(message.id, message.stamp);
          ctx.send(from, { type: 'replicated', id: message.id });
        } else if (message.type === 'replicated') {
          const client = waiting.get(message.id);
          if (client === undefined) return;
          waiting.delete(message.id);
          ctx.send(client, { type: 'ack', id: message.id });
        }
      },
    };
  };
}

function client(system: LwwRegister, sim: Simulation): NodeBehaviour<Message> {
  return (ctx) => ({
    onStart() {
      ctx.setTimer(WRITE_EVERY_MS, 'write');
    },
    onTimer() {
      const id = system.writes.length;
      system.writes.push({ invokeMs: sim.now });
      ctx.send(REPLICAS[id % REPLICAS.length]!, { type: 'write', id });
      if (sim.now < LAST_WRITE_MS) ctx.setTimer(WRITE_EVERY_MS, 'write');
    },
    onMessage(_from, message) {
      if (message.type === 'ack') system.writes[message.id]!.ackMs ??= sim.now;
    },
  });
}

/**
 * The latest acknowledged write reached both replicas before it was acknowledged, so each must
 * hold it or a write not acknowledged before it began.
 */
function noLostUpdate(system: LwwRegister): true | string {
  let latest = -1;
  system.writes.forEach((write, id) => {
    if (write.ackMs !== undefined && (latest < 0 || write.ackMs > system.writes[latest]!.ackMs!)) latest = id;
  });
  if (latest < 0) return true;
  const invokedMs = system.writes[latest]!.invokeMs;
  for (const [id, writeId] of Object.entries(system.held)) {
    const ackMs = writeId < 0 ? undefined : system.writes[writeId]!.ackMs;
    if (ackMs !== undefined && ackMs < invokedMs) {
      return `${id} holds write ${writeId} (acknowledged at ${ackMs} ms), but write ${latest}, begun at ${invokedMs} ms after it, was acknowledged: it was lost`;
    }
  }
  return true;
}

/** The scenario; `hybrid` picks the fixed variant. */
export function lwwScenario(hybrid: boolean): ClusterScenario<LwwRegister> {
  return {
    name: hybrid ? 'LWW register with hybrid logical clocks' : 'LWW register with wall-clock timestamps',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const system: LwwRegister = { writes: [], held: Object.fromEntries(REPLICAS.map((id) => [id, -1])) };
      REPLICAS.forEach((id, index) => sim.addNode(id, replica(index, system, hybrid), { durable: { id: -1, stamp: { timeMs: -Infinity, replica: -1 } } }));
      sim.addNode('c', client(system, sim));
      return system;
    },
    invariants: [{ name: 'no acknowledged write is lost', check: noLostUpdate }],
    untilMs: 6_000,
  };
}

export const lwwNodes = { nodes: REPLICAS, clients: ['c'] };
