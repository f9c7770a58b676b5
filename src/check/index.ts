/**
 * Property testing of distributed code with fast-check: arbitraries for fault schedules, seeds
 * and workloads; a runner that checks invariants and liveness and reports a minimal, replayable
 * case; and a suite runner with coverage requirements. Needs `fast-check` (a peer dependency).
 *
 * @example
 * ```ts
 * import { assertCluster } from 'faultline/check';
 * await assertCluster(scenario, { faults: { nodes: ['n1', 'n2', 'n3'], horizonMs: 8_000 }, numRuns: 200 });
 * ```
 * @packageDocumentation
 */
export { checkCluster, checkClusterAsync, type CheckOptions, type ClusterOutcome } from './check-cluster.js';
export { assertCluster, clusterProperty, type AssertClusterOptions, type ClusterCheckSummary, type CaseTuple, type CoverageRequirement } from './assert-cluster.js';
export type { ClusterScenario, ClusterCase, Invariant, LivenessRequirement, LinearizabilityRequirement, WorkloadOperation, ScenarioTools } from './scenario.js';
export type { Violation } from './case-run.js';
export { Coverage, CoverageTally, FAULTS_APPLIED, FAULTS_HIT, OPERATIONS_COMPLETED, LINEARIZABILITY_DECIDED, type CoverageCount } from './coverage.js';
export { faultSchedule, generatedKinds, type FaultScheduleOptions, type GeneratedKind, type GeneratedFailureModel } from './arbitraries/fault-schedule.js';
export { clusterSeed } from './arbitraries/cluster-seed.js';
export { workload, type WorkloadOptions } from './arbitraries/workload.js';
export { sweepSeed, sweepModuleOf, type SweepModule, type SeedResult } from './sweep-seed.js';
