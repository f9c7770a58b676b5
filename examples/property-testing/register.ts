/**
 * A small replicated register, the system under test of the property-testing walkthrough.
 *
 * Three replicas. r1 is the leader: it applies each write, acknowledges it, and copies it to r2
 * and r3 in the background. The buggy version lets a client read from any replica, which is fast
 * but can return a value that a completed write has already replaced (when the copy has not
 * arrived, or was cut off). The fixed version sends every read to the leader.
 */
import fc from 'fast-check';
import type { ClusterScenario, FaultScheduleOptions, WorkloadOperation } from 'faultline/check';
import { workload } from 'faultline/check';
import { registerModel, type NodeBehaviour, type RegisterInput, type RegisterValue } from 'faultline';

/** A client operation: write a value, or read from one replica. */
export type RegisterOperation = { type: 'write'; value: number } | { type: 'read'; replica: string };

type Message =
  | { type: 'write'; op: number; value: number }
  | { type: 'written'; op: number }
  | { type: 'read'; op: number }
  | { type: 'value'; op: number; value: number }
  | { type: 'replicate'; value: number; version: number };

export interface Register {
  /** Issues one client operation (the scenario's `operate` calls it). */
  submit(operation: RegisterOperation): void;
}

export const REPLICAS = ['r1', 'r2', 'r3'];
const LEADER = 'r1';

/** A replica keeps its value on disk, so a crash loses nothing. Only the leader takes writes. */
const replica: NodeBehaviour<Message, { value: number; version: number }> = (ctx) => ({
  onMessage(from, message) {
    if (message.type === 'write') {
      const version = ctx.durable.version + 1;
      ctx.persist(() => ({ value: message.value, version }));
      ctx.send(from, { type: 'written', op: message.op });
      for (const follower of REPLICAS.filter((id) => id !== ctx.id)) ctx.send(follower, { type: 'replicate', value: message.value, version });
    } else if (message.type === 'replicate') {
      if (message.version > ctx.durable.version) ctx.persist(() => ({ value: message.value, version: message.version }));
    } else if (message.type === 'read') ctx.send(from, { type: 'value', op: message.op, value: ctx.durable.value });
  },
});

/** Builds the scenario; `readsFromLeader` is the fix. */
export function registerScenario(readsFromLeader: boolean): ClusterScenario<Register, RegisterOperation> {
  return {
    name: readsFromLeader ? 'register, reads through the leader' : 'register, reads from any replica',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim, { history }) {
      for (const id of REPLICAS) sim.addNode(id, replica, { durable: { value: 0, version: 0 } });
      let submit: (operation: RegisterOperation) => void = () => {};
      sim.addNode<Message>('client', (ctx) => {
        submit = (operation) => {
          // Each operation is its own Jepsen "process": one that never returns stays pending.
          const input: RegisterInput = operation.type === 'write' ? { kind: 'write', value: operation.value } : { kind: 'read' };
          const op = history.invoke(history.size, input, sim.now);
          if (operation.type === 'write') ctx.send(LEADER, { type: 'write', op, value: operation.value });
          else ctx.send(readsFromLeader ? LEADER : operation.replica, { type: 'read', op });
        };
        return {
          onMessage(_from, message) {
            if (message.type === 'written') history.ok(message.op, undefined, sim.now);
            else if (message.type === 'value') history.ok(message.op, message.value as RegisterValue, sim.now);
          },
        };
      });
      return { submit: (operation) => submit(operation) };
    },
    operate: (register, item: WorkloadOperation<RegisterOperation>) => register.submit(item.operation),
    linearizability: { model: registerModel({ initialValue: 0 }) },
    untilMs: 5_000,
  };
}

/** Faults to try: partitions and crashes of the replicas, all healed by 4 s. */
export const faults: FaultScheduleOptions = { nodes: REPLICAS, clients: ['client'], kinds: ['partition', 'crash'], maxFaults: 3, horizonMs: 4_000 };

/** Workloads to try: up to 12 reads and writes in the first 4 s. */
export const operations = workload<RegisterOperation>({
  clients: ['client'],
  operation: fc.oneof(
    fc.record({ type: fc.constant('write' as const), value: fc.integer({ min: 1, max: 9 }) }),
    fc.record({ type: fc.constant('read' as const), replica: fc.constantFrom(...REPLICAS) }),
  ),
  maxOperations: 12,
  horizonMs: 4_000,
});
