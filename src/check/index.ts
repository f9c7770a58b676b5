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
 *
 * `fc` is the very fast-check this module imports, so arbitraries combined with it are of the same
 * copy the runners check against (two copies of fast-check do not mix: `instanceof`, shrinking
 * and `fc.pre` break across them).
 *
 * @example
 * ```ts
 * import { fc, faultSchedule } from 'faultline/check';
 * const cases = fc.tuple(fc.integer(), faultSchedule({ nodes: ['n1', 'n2'], horizonMs: 5_000 }));
 * ```
 * @packageDocumentation
 */
import fc from 'fast-check';

/**
 * The fast-check that `faultline/check` was built against (the same module object its
 * arbitraries and runners use). Import it from here rather than from `fast-check`, so a project
 * with another copy of fast-check installed does not mix the two.
 *
 * @example
 * ```ts
 * import { fc, faultSchedule } from 'faultline/check';
 * faultSchedule({ nodes: ['n1'], horizonMs: 1_000 }) instanceof fc.Arbitrary; // true
 * ```
 */
export { fc };
export { checkCluster, checkClusterAsync, type CheckOptions, type ClusterOutcome } from './check-cluster.js';
export { assertCluster, clusterProperty, type AssertClusterOptions, type ClusterCheckSummary, type CaseTuple, type CoverageRequirement } from './assert-cluster.js';
export type { ClusterScenario, ClusterCase, Invariant, LivenessRequirement, LinearizabilityRequirement, WorkloadOperation, ScenarioTools } from './scenario.js';
export type { Violation } from './case-run.js';
export { Coverage, CoverageTally, FAULTS_APPLIED, FAULTS_HIT, OPERATIONS_COMPLETED, LINEARIZABILITY_DECIDED, type CoverageCount } from './coverage.js';
export { faultSchedule, generatedKinds, type FaultScheduleOptions, type GeneratedKind, type GeneratedFailureModel } from './arbitraries/fault-schedule.js';
export type { SwarmOptions } from './arbitraries/swarm.js';
export { domainFaultKinds } from './arbitraries/domain-outage.js';
export { clusterSeed } from './arbitraries/cluster-seed.js';
export { workload, type WorkloadOptions } from './arbitraries/workload.js';
export { sweepSeed, sweepModuleOf, type SweepModule, type SeedResult } from './sweep-seed.js';

// --- Reconcile: consistency checkers (issue 16) ---
export { convergence, type ConvergenceCheck, type ConvergenceMeasure, type ConvergenceOptions } from './consistency/convergence.js';
export type { ReplicaStates } from './consistency/replica-states.js';
export { checkLostUpdates, type CustomUpdateRule, type LostUpdate, type LostUpdatesResult, type UpdateInput, type UpdateRule } from './consistency/lost-updates.js';
export { checkSessionGuarantees, type SessionCheckOptions, type SessionCheckResult, type SessionGuarantee, type SessionViolation, type SessionViolationReason } from './consistency/session-guarantees.js';
export { noLostUpdates, sessionGuarantees, type NoLostUpdatesOptions, type SessionGuaranteesOptions } from './consistency/history-invariants.js';
