/**
 * Replays one case of a cluster scenario with the trace on, for pictures: `checkCluster` runs a
 * case lean (no trace) and, on the buggy register, throws instead of returning the simulation.
 * This builds the case exactly as `checkCluster` does (same seed, setup, faults and workload, so
 * the same trace hash) and returns the traced simulation with the history and its verdict.
 */
import { Coverage, type ClusterCase, type ClusterScenario } from 'faultline/check';
import { checkLinearizability, HistoryRecorder, Simulation, type LinearizabilityResult, type Operation } from 'faultline';

/** A case replayed with its trace kept. */
export interface TracedReplay {
  sim: Simulation;
  history: ReadonlyArray<Operation<unknown, unknown>>;
  /** The history checked against the scenario's model. */
  verdict: LinearizabilityResult<unknown, unknown, unknown>;
}

export function replayTraced<System, Op>(scenario: ClusterScenario<System, Op>, testCase: ClusterCase<Op>): TracedReplay {
  const sim = new Simulation({ ...scenario.simulation, seed: testCase.seed, trace: true });
  const history = new HistoryRecorder<unknown, unknown>();
  const system = scenario.setup(sim, { coverage: new Coverage(), history });
  sim.inject(testCase.faults ?? []);
  for (const item of testCase.workload ?? []) sim.scheduleAt(item.atMs, () => scenario.operate!(system, item, sim));
  sim.run({ until: scenario.untilMs });
  const model = scenario.linearizability!.model;
  return { sim, history: history.operations(), verdict: checkLinearizability(history.operations(), model) };
}
