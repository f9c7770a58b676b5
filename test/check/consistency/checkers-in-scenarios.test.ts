import { describe, expect, it } from 'vitest';
import { checkCluster, convergence, noLostUpdates, sessionGuarantees, type ClusterScenario } from '../../../src/check/index.js';
import { HistoryRecorder } from '../../../src/history/history-recorder.js';
import { PropertyViolationError, type NodeBehaviour } from '../../../src/index.js';

/** Two replicas of a grow-only set that send each other their state every `exchangeEveryMs` (0: never). */
interface Store {
  members: Record<string, string[]>;
  history: HistoryRecorder<unknown, unknown>;
}
type Message = { type: 'state'; members: string[] };
const REPLICAS = ['r1', 'r2'];

function replica(id: string, store: Store, exchangeEveryMs: number): NodeBehaviour<Message> {
  const other = REPLICAS.find((name) => name !== id)!;
  return (ctx) => ({
    onStart() {
      if (exchangeEveryMs > 0) ctx.setTimer(exchangeEveryMs, 'exchange');
    },
    onTimer() {
      ctx.send(other, { type: 'state', members: store.members[id]! });
      ctx.setTimer(exchangeEveryMs, 'exchange');
    },
    onMessage(_from, message) {
      store.members[id] = [...new Set([...store.members[id]!, ...message.members])].sort();
    },
  });
}

function scenario(exchangeEveryMs: number, withinMs: number) {
  const converged = convergence<Store, string[]>({ replicas: (store) => store.members, fromMs: 1_000, withinMs });
  const base: ClusterScenario<Store, { value: string; at: string }> = {
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const store: Store = { members: { r1: [], r2: [] }, history: new HistoryRecorder() };
      for (const id of REPLICAS) sim.addNode(id, replica(id, store, exchangeEveryMs));
      return store;
    },
    operate(store, { client, operation }, sim) {
      const id = store.history.invoke(client, { kind: 'add', value: operation.value }, sim.now);
      store.members[operation.at] = [...new Set([...store.members[operation.at]!, operation.value])].sort();
      store.history.ok(id, undefined, sim.now);
    },
    workload: [
      { atMs: 100, client: 'c1', operation: { value: 'a', at: 'r1' } },
      { atMs: 200, client: 'c2', operation: { value: 'b', at: 'r2' } },
    ],
    healAtMs: 1_000,
    invariants: [converged.invariant, converged.atEnd, noLostUpdates({ history: (store) => store.history.operations(), replicas: (store) => store.members, rule: 'add-wins-set' })],
    untilMs: 3_000,
  };
  return { converged, base };
}

const partition = [{ kind: 'partition' as const, atMs: 50, durationMs: 950, params: { groups: [['r1'], ['r2']] } }];

describe('the consistency checkers as invariants of checkCluster', () => {
  it('measure how long replicas that exchange state took to converge after the faults', () => {
    const { converged, base } = scenario(300, 1_000);
    const outcome = checkCluster(base, { seed: 1, faults: partition });
    const measure = converged.measure(outcome.sim);
    expect(measure.fromMs).toBe(1_000);
    expect(measure.tookMs).toBeGreaterThan(0);
    expect(measure.tookMs).toBeLessThanOrEqual(300 + 10);
  });

  it('report replicas that never exchange state, grouped by state', () => {
    const { base } = scenario(0, 500);
    try {
      checkCluster(base, { seed: 1, faults: partition });
      expect.unreachable('the replicas never converge');
    } catch (error) {
      expect(error).toBeInstanceOf(PropertyViolationError);
      const violation = error as PropertyViolationError;
      expect(violation.property).toBe('replicas converge');
      expect(violation.evidence).toContain('r1: ["a"]');
      expect(violation.evidence).toContain('r2: ["b"]');
    }
  });

  it('report an acknowledged add missing from a replica at the end', () => {
    const { base } = scenario(0, 500);
    const lossOnly = { ...base, invariants: [base.invariants![2]!] };
    expect(() => checkCluster(lossOnly, { seed: 1 })).toThrow(/add\("b"\).* was lost|add\("a"\).* was lost/);
  });

  it('check session guarantees of the recorded history at the end', () => {
    const { base } = scenario(300, 1_000);
    const staleRead = {
      ...base,
      invariants: [sessionGuarantees<Store>({ history: () => [
        { id: 0, process: 'c1', input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 5, status: 'ok' },
        { id: 1, process: 'c1', input: { kind: 'read' }, output: null, invokeMs: 10, completeMs: 12, status: 'ok' },
      ] })],
    };
    expect(() => checkCluster(staleRead, { seed: 1 })).toThrow(/read-your-writes: read #1/);
  });
});
