/**
 * faultline: a deterministic discrete-event simulator of distributed systems under failure.
 *
 * @example
 * ```ts
 * import { Simulation } from 'faultline';
 * const sim = new Simulation({ seed: 1 });
 * sim.addNode('a', (ctx) => ({ onStart() { ctx.log('hello'); } }));
 * sim.run();
 * ```
 * @packageDocumentation
 */
export {
  FaultlineError,
  InvalidArgumentError,
  UnknownNodeError,
  DuplicateNodeError,
  LimitExceededError,
  HandlerError,
  InvalidStateError,
  AsyncRunRequiredError,
  CallTimeoutError,
  ReceiveTimeoutError,
  FaultConflictError,
  BudgetExceededError,
  DiskError,
  PropertyViolationError,
  PropertyFailedError,
  type PropertyCounterexample,
  type PropertyFailureDetails,
  InvariantError,
  NondeterminismError,
  CoverageError,
} from './errors.js';
export {
  EventLoop,
  type EventLoopOptions,
  type EventHandler,
  type EventKindDefinition,
  type EventDescription,
  type TraceOptions,
  type RunOptions,
  type RunResult,
} from './kernel/event-loop.js';
export { Rng, type Seed } from './kernel/rng.js';
export {
  distributionKinds,
  MAX_DRAW_MS,
  type Distribution,
  type ShiftedDistribution,
  type ConstantDistribution,
  type UniformDistribution,
  type ExponentialDistribution,
  type NormalDistribution,
  type LogNormalDistribution,
  type ParetoDistribution,
} from './kernel/distribution.js';
export type { TraceRecorder, TraceRecord, TraceRecordType } from './kernel/trace-recorder.js';
export type { NodeClock, ClockConfig } from './world/clock.js';
export { baseLinkModel, type LinkModel } from './world/link-model.js';
export { dropReasons, type Network, type NetworkConfig, type RegionLink, type DropReason, type LinkStats } from './world/network.js';
export type { NodeContext, NodeHandlers, NodeBehaviour, AddNodeOptions, NodeView, Received } from './world/node-context.js';
export { Simulation, type SimulationOptions } from './simulation.js';
export type { LogEntry } from './world/event-log.js';
export { fullMesh, regions } from './world/topology.js';
export { formatTimeline, formatLanes, type TimelineOptions, type LanesOptions } from './report/text-timeline.js';
export type { Fault, FaultSchedule, FaultLogEntry } from './faults/fault.js';
export type { FailureModel, FaultWorld, NodeList } from './faults/failure-model.js';
export { builtInFailureModels } from './faults/built-in-models.js';
export { majorityMinority } from './faults/models/partition.js';
export { validateBudget, findBudgetViolation, type FaultBudget, type BudgetedFault, type BudgetViolation } from './faults/budget.js';
export type { InjectOptions, FaultEvent, FaultListener } from './faults/injector.js';
export { nemesis, nemesisKinds, type NemesisKind, type NemesisOptions } from './faults/nemesis.js';
export type { GroundTruth, ClockReader } from './world/ground-truth.js';
export type { CutBlock } from './world/cut-blocks.js';
export type { Adversary, AdversaryContext, AdversaryOutput, BoundAdversary } from './world/adversary.js';
export { equivocation, type Derivation } from './faults/models/equivocation.js';
export type { ServiceModel } from './world/service-model.js';
export type { DiskState } from './world/disk-state.js';
export type { FailureDetector } from './detectors/failure-detector.js';
export { FixedTimeoutDetector, type FixedTimeoutDetectorOptions } from './detectors/fixed-timeout.js';
export { PhiAccrualDetector, type PhiAccrualDetectorOptions } from './detectors/phi-accrual.js';
export { ExponentialAccrualDetector, type ExponentialAccrualDetectorOptions } from './detectors/exponential-accrual.js';
export { NfdSDetector, NfdEDetector, type NfdSOptions, type NfdEOptions } from './detectors/chen.js';
export { BertierDetector, type BertierOptions } from './detectors/bertier.js';
export { FreshnessPointDetector } from './detectors/freshness-point.js';
export { SatzgerDetector, type SatzgerOptions } from './detectors/satzger.js';
export {
  runDetectorHarness,
  type DetectorHarnessOptions,
  type DetectorHarnessResult,
  type DetectorTransition,
  type HeartbeatArrival,
} from './detectors/harness.js';
export { measureQoS, summarise, mistakeCauses, type MistakeCause, type Mistake, type Summary, type QoSContext, type QoSMeasurement } from './detectors/qos.js';
export { analyticQoS, type AnalyticQoS, type AnalyticQoSOptions, type AnalyticDelay } from './detectors/analytic.js';
export {
  swimNode,
  swimSuspicionTimeoutMs,
  swimSuspicionTimeoutAfter,
  swimRetransmitLimit,
  SWIM_DEFAULTS,
  type SwimOptions,
  type SwimState,
  type SwimUpdate,
  type SwimMessage,
  type SwimProbe,
  type SwimReply,
  type SwimGossip,
  type SwimMember,
  type SwimEvent,
  type SwimHandlers,
} from './detectors/swim.js';
export { thresholdSweep, poolQoS, type SweepFamily, type SweepPoint, type ThresholdSweepOptions } from './detectors/sweep.js';
export { tradeoffSvg, type TradeoffPoint, type TradeoffSvgOptions } from './report/tradeoff-svg.js';
export { spaceTimeSvg, type SpaceTimeSvgOptions } from './report/space-time-svg.js';
export { spaceTimeAscii, type SpaceTimeAsciiOptions } from './report/space-time-ascii.js';
export type { Operation, OperationStatus } from './history/operation.js';
export { HistoryRecorder, type HistoryRecorderOptions } from './history/history-recorder.js';
export type { Model, StepResult, ShapeProblem } from './linearizability/model.js';
export { registerModel, type RegisterValue, type RegisterInput, type RegisterModelOptions } from './linearizability/register-model.js';
export { casRegisterModel, type CasRegisterInput, type CasRegisterOutput } from './linearizability/cas-register-model.js';
export { keyValueModel, type KeyValueInput } from './linearizability/key-value-model.js';
export {
  checkLinearizability,
  type LinearizabilityOptions,
  type LinearizabilityResult,
  type Linearizable,
  type NotLinearizable,
  type LinearizabilityUnknown,
} from './linearizability/check-linearizability.js';
export type { LinearizabilityEvidence, LinearizedStep } from './linearizability/evidence.js';
export type { EdnValue } from './linearizability/formats/edn.js';
export { parseEdnHistory, historyFromJepsenEvents, type JepsenEvent, type ConvertedOperation } from './linearizability/formats/jepsen-history.js';
// --- Observe: health checks (issue 13, wt-obs-health) ---
export {
  type HealthCheckKind,
  type HealthStatus,
  type HealthCheckOptions,
  type HealthCheckerOptions,
  type ResolvedHealthCheck,
} from './observe/health/health-check-options.js';
export { withHealthEndpoint } from './observe/health/health-endpoint.js';
export { HealthChecker, addHealthChecker, createHealthChecker, type HealthTransition, type ProbeOutcome } from './observe/health/health-checker.js';
export type { CheckLifetime } from './observe/health/health-checker.js';
export { healthDetectorTransitions, measureHealthQoS } from './observe/health/health-qos.js';
// --- end health checks ---

// ---- observe: tracing, logs, Chrome trace and JSON Lines exports (issue 13) ----
export type { SpanHandle } from './world/span-api.js';
export type { LogLevel, NodeLogger } from './world/event-log.js';
export { Tracing, type TracingOptions } from './observe/tracing/tracing.js';
export type { SpanRecord, SpanEvent, SpanKind } from './observe/tracing/span-record.js';
export { queryLogs, type LogQuery } from './observe/logs/log-query.js';
export { toChromeTrace, type ChromeTrace, type ChromeTraceEvent, type ChromeTraceInput } from './observe/export/chrome-trace.js';
export { toJsonLines, parseJsonLines } from './observe/export/jsonl.js';
// ---- end observe: tracing ----

// --- Observe: metrics and alerts (issue 13) ---
export { Counter, Gauge, Histogram, Instrument, type Labels, type MetricKind, type MetricChild } from './observe/metrics/instruments.js';
export { MetricsRegistry, defaultBucketsMs, type MetricsOptions, type MetricOptions, type SeriesView, type SamplingClock } from './observe/metrics/registry.js';
export type { NodeMetrics, NodeCounter, NodeGauge, NodeHistogram } from './observe/metrics/node-metrics.js';
export { watchWorld, worldMetricNames, type WatchWorldOptions } from './observe/metrics/world-metrics.js';
export { AlertManager, type AlertEvent, type AlertState, type AlertManagerOptions } from './observe/alerts/alert-manager.js';
export type { AlertRule, AlertMeasure } from './observe/alerts/alert-rule.js';
export { scoreAlerts, type AlertScore, type AlertScoreOptions, type ScoredIncident } from './observe/alerts/alert-score.js';
export { toPrometheusText, type PrometheusTextOptions } from './observe/export/prometheus.js';
// --- end observe: metrics and alerts ---

// ---- predict: predictors ----
export { runPredictor, predictStreams, type Predictor, type PredictorVerdict, type PredictionAlarm, type MetricSample, type PredictionStream } from './observe/predict/predictor.js';
export { seriesSamples, metricStreams, type SeriesSampleOptions, type MetricStreamOptions } from './observe/predict/metric-streams.js';
export type { KnownBaseline } from './observe/predict/baseline.js';
export { EwmaPredictor, type EwmaPredictorOptions } from './observe/predict/ewma-predictor.js';
export { HoltPredictor, type HoltPredictorOptions } from './observe/predict/holt-predictor.js';
export { CusumPredictor, type CusumPredictorOptions } from './observe/predict/cusum-predictor.js';
export { scorePredictions, type PredictionIncident, type PredictionScoreOptions, type PredictionScore, type ScoredPredictionIncident } from './observe/predict/prediction-score.js';
export { predictorSweep, type PredictorFamily, type PredictorSweepOptions, type PredictorSweepPoint } from './observe/predict/predictor-sweep.js';
export { leadTimeTradeoffSvg, type LeadTimePoint, type LeadTimeSvgOptions } from './observe/predict/lead-time-svg.js';
export { LogRatePredictor, logRateStreams, detectLogAnomalies, type LogRateOptions, type LogRatePredictorOptions, type LogAnomalyOptions } from './observe/predict/log-anomaly.js';
// ---- end predict: predictors ----

// ---- recover: failure domains, node removal, start delay (issue 15, wt-domains) ----
export { domainKeys, type DomainKey, type NodeDomains, type DomainSelector } from './world/failure-domains.js';
export { domainOutageModel, domainOutageEffects, type DomainOutageEffect } from './faults/models/domain-outage.js';
export type { RemoveNodeOptions } from './world/node-removal.js';
// ---- end recover: failure domains ----

// --- Recover: client resilience and load shedding (issue 15) ---
export { Backoff, type BackoffOptions, type BackoffJitter, type UniformSource } from './patterns/client/backoff.js';
export { RetryBudget, type RetryBudgetOptions } from './patterns/client/retry-budget.js';
export { CircuitBreaker, type CircuitBreakerOptions, type CircuitState, type BreakerPermit } from './patterns/client/circuit-breaker.js';
export { ResilientCallError, FailedReplyError, type ResilientCallFailure } from './patterns/client/client-errors.js';
export {
  ResilientClient,
  resilientClient,
  type ResilientClientOptions,
  type ResilientClientStats,
  type HedgeOptions,
} from './patterns/client/resilient-client.js';
export { CoDel, type CoDelOptions } from './patterns/shedding/codel.js';
export {
  AdmissionController,
  type AdmissionOptions,
  type Admission,
  type AdmissionRelease,
  type AdmissionStats,
  type ShedReason,
  type ShedRequest,
} from './patterns/shedding/admission-controller.js';
export { withLoadShedding, ShedReply, type LoadSheddingOptions, type LoadSheddingHandlers } from './patterns/shedding/load-shedding.js';
// --- end client resilience and load shedding ---

// --- Recover: supervisor, failover, load balancer (issue 15) ---
export { RestartPolicy, type RestartBackoffOptions, type RestartIntensityOptions, type ResolvedRestartPolicy } from './patterns/supervisor/restart-policy.js';
export { Supervisor, createSupervisor, addSupervisor, type SupervisorOptions, type SupervisorEvent } from './patterns/supervisor/supervisor.js';
export { DetectorWatch, createDetectorWatch, withHeartbeats, type DetectorWatchOptions, type DetectorVerdict, type TargetLifetime } from './patterns/supervisor/detector-watch.js';
export { measureWatchQoS } from './patterns/supervisor/watch-qos.js';
export type { VerdictSource } from './patterns/supervisor/verdicts.js';
export { LeaseTable, type LeaseRecord, type LeaseAnswer } from './patterns/failover/lease-table.js';
export { FencedWrite, FencedWriteReply } from './patterns/failover/messages.js';
export { FencedStore, addFencedStore, type StoreWrite, type FencedStoreState, type FencedStoreOptions } from './patterns/failover/fenced-store.js';
export { LeaseAuthority, addLeaseAuthority, type LeaseGrant } from './patterns/failover/lease-authority.js';
export { withLease, type Lease, type LeaseHolderOptions, type LeasedBehaviour } from './patterns/failover/lease-holder.js';
export { addPrimaryBackup, type PrimaryBackupOptions, type PrimaryBackup } from './patterns/failover/primary-backup.js';
export { LoadBalancer, type BalancerEvent, type BackendState } from './patterns/balancer/load-balancer.js';
export type { BalancingPolicy, BackendOptions, OutlierDetectionOptions, LoadBalancerOptions } from './patterns/balancer/balancer-options.js';
export { BalancerFailure, loadBalancerProxy, addLoadBalancer, type ProxyOptions, type AddLoadBalancerOptions } from './patterns/balancer/balancer-proxy.js';
// --- end Recover: supervisor, failover, load balancer ---

// --- Reconcile: clocks, CRDTs, anti-entropy (issue 16) ---
export { lamportClock, type LamportTimestamp } from './consistency/lamport-clock.js';
export { versionVector, type VersionVector, type CausalOrder } from './consistency/version-vector.js';
export { hybridLogicalClock, type HlcTimestamp, type PhysicalClock } from './consistency/hybrid-logical-clock.js';
export { gCounter, type GCounterState } from './consistency/g-counter.js';
export { pnCounter, type PnCounterState } from './consistency/pn-counter.js';
export { lwwRegister, type LwwRegisterState } from './consistency/lww-register.js';
export { mvRegister, type MvRegisterState, type MvRegisterEntry } from './consistency/mv-register.js';
export { orSet, type OrSetState } from './consistency/or-set.js';
export { mergeCrdt, crdtTypes, type CrdtState } from './consistency/crdt.js';
export { mergeStores, storeDigest, differingBuckets, storeSlice, MAX_BUCKET_COUNT, type ReplicaStore, type StoreDigest } from './consistency/replica-store.js';
export type { AntiEntropyMessage, AntiEntropyCost, AntiEntropyHost, StoreAccess, ExchangeOptions, AntiEntropyExchange } from './consistency/anti-entropy.js';
export { createStateExchange } from './consistency/state-exchange.js';
export { createDigestExchange, type DigestExchangeOptions } from './consistency/digest-exchange.js';
export { planReadRepair, createReadRepair, type ReadReply, type ReadRepairPlan, type ReadRepair } from './consistency/read-repair.js';
// --- end Reconcile ---

// ---- recover: autoscaler ----
export { ScalingPolicy, type ScalingPolicyOptions, type PoolReading, type ScalingDecision } from './patterns/autoscaler/scaling-policy.js';
export type { AutoscalerOptions, PoolMetric, PoolNodeOptions } from './patterns/autoscaler/autoscaler-options.js';
export { Autoscaler, addAutoscaler, type AutoscalerEvent, type AutoscalerDecision } from './patterns/autoscaler/autoscaler.js';
export type { PoolHealthCheck, PoolHealthChecks } from './patterns/autoscaler/pool-health-checks.js';
// ---- end recover: autoscaler ----

// ---- predict: degradation faults ----
export { degradationKinds, type DegradationKind } from './faults/models/degradation/kinds.js';
export type { RampShape, DegradationOutcome } from './faults/models/degradation/ramp.js';
export { degradationIncidents, type DegradationIncident } from './faults/models/degradation/incidents.js';
export { watchDegradation, degradationMetricNames, type WatchDegradationOptions } from './observe/metrics/degradation-metrics.js';
// ---- end predict: degradation faults ----
