import { InvalidArgumentError } from '../../errors.js';
import { EventLoop } from '../../kernel/event-loop.js';
import { requireMetricName } from '../../observe/metrics/metric-name.js';
import type { Simulation } from '../../simulation.js';
import { orDefault, rejectUnknownKeys, requireFunction, requireNonNegative, requireObject, requirePositive, requirePositiveInteger, requireString } from '../../validate.js';
import { readNodeDomains, type NodeDomains } from '../../world/failure-domains.js';
import type { NodeBehaviour } from '../../world/node-context.js';
import { readServiceModel, type ServiceModel } from '../../world/service-model.js';
import { LoadBalancer } from '../balancer/load-balancer.js';
import { DetectorWatch, readTargets } from '../supervisor/detector-watch.js';
import { readPoolHealthChecks, type PoolHealthChecks } from './pool-health-checks.js';
import { resolveScalingPolicy, type ResolvedScalingPolicy, type ScalingPolicyOptions } from './scaling-policy.js';

/**
 * Where an autoscaler reads its metric, per serving node:
 * - `{ gauge }`: a gauge in `sim.metrics` with a `node` label, averaged over the serving nodes
 *   (a node with no series counts as 0; no series at all is no data). `watchWorld`'s
 *   `faultline_inbox_length` (queue length) and `faultline_service_queue_delay_seconds`
 *   (queueing latency) are such gauges, and so is any gauge nodes set through `ctx.metrics`.
 * - `{ counterRate }`: a counter with a `node` label (one nodes count through `ctx.metrics`):
 *   its increase per second since the previous evaluation, per serving node. Requests served per
 *   second per node is utilisation in requests (as AWS's request count per target).
 * - `{ read }`: your reader, given the serving nodes and the true time; it returns the per-node
 *   value (>= 0), or NaN for no data.
 *
 * @example
 * ```ts
 * const queueLength: PoolMetric = { gauge: worldMetricNames.inboxLength };
 * const servedPerSecond: PoolMetric = { counterRate: 'requests_total' }; // ctx.metrics.counter('requests_total').inc() in onCall
 * const inFlight: PoolMetric = { read: (serving) => serving.reduce((sum, id) => sum + balancer.backend(id).outstanding, 0) / serving.length };
 * ```
 */
export type PoolMetric =
  | {
    /** The name of a gauge with a `node` label. */
    gauge: string;
  }
  | {
    /** The name of a counter with a `node` label. */
    counterRate: string;
  }
  | {
    /** Returns the per-node value over the serving nodes at `nowMs` (true time): >= 0, or NaN for no data. */
    read: (serving: readonly string[], nowMs: number) => number;
  };

/**
 * Options of the nodes an autoscaler launches (the rest of `sim.addNode`'s options: the start
 * delay is the autoscaler's `startDelayMs`).
 *
 * @example
 * ```ts
 * const nodeOptions: PoolNodeOptions = { service: { messagesPerSec: 100 }, domains: { zone: 'east' } };
 * ```
 */
export interface PoolNodeOptions {
  /** The service model (capacity) of each launched node. */
  service?: ServiceModel;
  /** Its region. */
  region?: string;
  /** Its failure domains. */
  domains?: NodeDomains;
  /** Its mailbox bound. */
  mailboxLimit?: number;
}

/**
 * Options of {@link addAutoscaler}: a {@link ScalingPolicyOptions | scaling policy}, the pool it
 * starts with, what it launches, how it reads its metric, and the balancer in front of the pool.
 *
 * @example
 * ```ts
 * const options: AutoscalerOptions = {
 *   pool: ['w1', 'w2'], behaviour: worker, idPrefix: 'w', nodeOptions: { service: { messagesPerSec: 100 } },
 *   metric: { gauge: worldMetricNames.inboxLength }, targetValue: 4, minSize: 2, maxSize: 8,
 *   startDelayMs: 2_000, drainMs: 1_000, balancer,
 * };
 * ```
 */
export interface AutoscalerOptions extends ScalingPolicyOptions {
  /** The pool's nodes at the start: existing nodes, between minSize and maxSize of them (and backends of `balancer`, if given). */
  pool: string[];
  /** What each launched node runs. */
  behaviour: NodeBehaviour;
  /** Launched nodes are named `${idPrefix}${n}`, n = 1, 2, … skipping ids in use. Default: the autoscaler's id and `-`. */
  idPrefix?: string;
  /** `sim.addNode` options of each launched node. */
  nodeOptions?: PoolNodeOptions;
  /** The metric target tracking holds at `targetValue`. */
  metric: PoolMetric;
  /** Time between evaluations, on the autoscaler's clock, in ms (> 0). Default 1,000. */
  evaluationIntervalMs?: number;
  /** The provisioning delay: a launched node boots (down, serving nothing) this long, in ms (>= 0). Default 1,000. */
  startDelayMs?: number;
  /** A node scaled in drains this long (finishing what it holds, refusing new work) before it is removed, in ms (> 0). Default 1,000. */
  drainMs?: number;
  /** The balancer in front of the pool: a launched node joins its rotation once it serves; a node scaled in leaves it before it drains. */
  balancer?: LoadBalancer;
  /**
   * Health checks for each launched node (see {@link PoolHealthChecks}): added to `checker` when
   * the node starts, before it joins `balancer`, named `${node}/${suffix}`; removed when the node
   * is scaled in. Without them a balancer trusts a launched node until outlier ejection notices it.
   * If `balancer` follows verdicts, `checker` must be the health checker it follows: any other
   * source would never see these checks.
   *
   * @example
   * ```ts
   * const health = createHealthChecker(sim, 'lb', { checks: pool.map((target) => ({ target, kind: 'liveness', intervalMs: 100, timeoutMs: 50 })) });
   * const balancer = addLoadBalancer(sim, 'lb', { backends: pool, verdicts: health, timeoutMs: 500 });
   * addAutoscaler(sim, 'scaler', { ...scaling, pool, behaviour: withHealthEndpoint(worker), balancer,
   *   healthChecks: { checker: health, checks: [{ kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] } });
   * ```
   */
  healthChecks?: PoolHealthChecks;
  /**
   * A failure-detector watch over the pool ({@link DetectorWatch}): each launched node becomes
   * one of its targets when it starts, before it joins `balancer` ({@link DetectorWatch.addTarget}),
   * and stops being one when it is scaled in ({@link DetectorWatch.removeTarget}), so a balancer
   * following the watch takes a launched node that dies out of rotation once its detector
   * suspects it. The launched nodes must send the watch heartbeats: wrap `behaviour` with
   * {@link withHeartbeats} (`to` the watch's node), or the watch never hears from them and,
   * as detectors trust before the first heartbeat, never suspects them. The starting pool's
   * targets are yours to give the watch. If `balancer` follows verdicts, `watch` must be the
   * source it follows, as for `healthChecks`. A separate option rather than a kind of
   * `healthChecks`: a watch has no per-node checks to configure, only its nodes.
   *
   * @example
   * ```ts
   * const watch = createDetectorWatch(sim, 'lb', { targets: pool, detector: () => new FixedTimeoutDetector({ timeoutMs: 300 }), checkIntervalMs: 50 });
   * const balancer = addLoadBalancer(sim, 'lb', { backends: pool, verdicts: watch, timeoutMs: 500 });
   * addAutoscaler(sim, 'scaler', { ...scaling, pool, behaviour: withHeartbeats(worker, { to: 'lb', intervalMs: 100 }), balancer, watch });
   * ```
   */
  watch?: DetectorWatch;
}

/** Options with defaults filled in. */
export interface ResolvedAutoscalerOptions {
  policy: ResolvedScalingPolicy;
  pool: string[];
  behaviour: NodeBehaviour;
  idPrefix: string;
  nodeOptions: PoolNodeOptions;
  metric: PoolMetric;
  evaluationIntervalMs: number;
  startDelayMs: number;
  drainMs: number;
  balancer: LoadBalancer | undefined;
  healthChecks: PoolHealthChecks | undefined;
  watch: DetectorWatch | undefined;
}

const AUTOSCALER_KEYS = ['pool', 'behaviour', 'idPrefix', 'nodeOptions', 'metric', 'evaluationIntervalMs', 'startDelayMs', 'drainMs', 'balancer', 'healthChecks', 'watch'];
const NODE_OPTION_KEYS = ['service', 'region', 'domains', 'mailboxLimit'];
const MAX_DELAY_MS = EventLoop.maxSimulatedTimeMs;

/** Validates an autoscaler's options against the simulation (the pool must exist; the autoscaler's own node, `id`, does not yet). */
export function resolveAutoscalerOptions(sim: Simulation, id: string, options: unknown): ResolvedAutoscalerOptions {
  requireObject(options, 'options');
  // Checks every key, the policy's and these: an unknown one is refused there.
  const policy = resolveScalingPolicy(options, 'options', AUTOSCALER_KEYS);
  const pool = readTargets(sim, options['pool'], 'options.pool');
  if (pool.length < policy.minSize || pool.length > policy.maxSize) throw new InvalidArgumentError('options.pool', pool, `between minSize (${policy.minSize}) and maxSize (${policy.maxSize}) nodes`);
  requireFunction(options['behaviour'], 'options.behaviour');
  const idPrefix = orDefault(options['idPrefix'], `${id}-`);
  requireString(idPrefix, 'options.idPrefix');
  const balancer = options['balancer'];
  if (balancer !== undefined) readBalancer(balancer, pool);
  return {
    policy, pool, idPrefix, balancer: balancer as LoadBalancer | undefined,
    behaviour: options['behaviour'] as NodeBehaviour,
    nodeOptions: readNodeOptions(options['nodeOptions']),
    metric: readMetric(options['metric']),
    evaluationIntervalMs: readDuration(options['evaluationIntervalMs'], 1_000, 'options.evaluationIntervalMs', requirePositive),
    startDelayMs: readDuration(options['startDelayMs'], 1_000, 'options.startDelayMs', requireNonNegative),
    drainMs: readDuration(options['drainMs'], 1_000, 'options.drainMs', requirePositive),
    healthChecks: readHealthChecks(options['healthChecks'], balancer as LoadBalancer | undefined),
    watch: readWatch(options['watch'], balancer as LoadBalancer | undefined),
  };
}

/**
 * `healthChecks`, and its checker against the balancer's: a balancer that follows another source
 * would never see the launched nodes' checks and would route to them blind, a silently wrong run.
 */
function readHealthChecks(value: unknown, balancer: LoadBalancer | undefined): PoolHealthChecks | undefined {
  if (value === undefined) return undefined;
  const healthChecks = readPoolHealthChecks(value, 'options.healthChecks');
  const followed = balancer?.verdictSource;
  if (followed !== undefined && followed !== healthChecks.checker) {
    throw new InvalidArgumentError('options.healthChecks.checker', `checker '${healthChecks.checker.id}'`, 'the health checker options.balancer follows (its verdicts), so the balancer sees the launched nodes\' checks');
  }
  return healthChecks;
}

/** `watch`, and against the balancer's source, for the reason `healthChecks` is. */
function readWatch(value: unknown, balancer: LoadBalancer | undefined): DetectorWatch | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof DetectorWatch)) throw new InvalidArgumentError('options.watch', value, 'a DetectorWatch (createDetectorWatch)');
  const followed = balancer?.verdictSource;
  if (followed !== undefined && followed !== value) {
    throw new InvalidArgumentError('options.watch', `watch '${value.id}'`, 'the detector watch options.balancer follows (its verdicts), so the balancer sees the launched nodes\' verdicts');
  }
  return value;
}

function readDuration(value: unknown, fallback: number, field: string, check: (value: unknown, field: string) => void): number {
  const duration = orDefault(value, fallback);
  check(duration, field);
  if ((duration as number) > MAX_DELAY_MS) throw new InvalidArgumentError(field, duration, `a duration of at most ${MAX_DELAY_MS} ms`);
  return duration as number;
}

const METRIC_KEYS = ['gauge', 'counterRate', 'read'];

function readMetric(value: unknown): PoolMetric {
  requireObject(value, 'options.metric');
  rejectUnknownKeys(value, 'options.metric', METRIC_KEYS);
  const given = METRIC_KEYS.filter((key) => value[key] !== undefined);
  if (given.length !== 1) throw new InvalidArgumentError('options.metric', value, 'an object with exactly one of gauge or counterRate (a metric name) or read (a function)');
  if (given[0] === 'read') {
    requireFunction(value['read'], 'options.metric.read');
    return { read: value['read'] as (serving: readonly string[], nowMs: number) => number };
  }
  const name = value[given[0]!];
  requireMetricName(name, `options.metric.${given[0]!}`);
  return given[0] === 'gauge' ? { gauge: name } : { counterRate: name };
}

function readNodeOptions(value: unknown): PoolNodeOptions {
  if (value === undefined) return {};
  const field = 'options.nodeOptions';
  requireObject(value, field);
  rejectUnknownKeys(value, field, NODE_OPTION_KEYS);
  const result: PoolNodeOptions = {};
  if (value['service'] !== undefined) result.service = readServiceModel(value['service'], `${field}.service`);
  if (value['region'] !== undefined) {
    requireString(value['region'], `${field}.region`);
    result.region = value['region'];
  }
  if (value['domains'] !== undefined) result.domains = { ...readNodeDomains(value['domains'], `${field}.domains`) };
  if (value['mailboxLimit'] !== undefined) {
    requirePositiveInteger(value['mailboxLimit'], `${field}.mailboxLimit`);
    result.mailboxLimit = value['mailboxLimit'];
  }
  return result;
}

function readBalancer(value: unknown, pool: readonly string[]): void {
  if (!(value instanceof LoadBalancer)) throw new InvalidArgumentError('options.balancer', value, 'a LoadBalancer (new LoadBalancer or addLoadBalancer)');
  pool.forEach((member, index) => {
    try {
      value.backend(member);
    } catch {
      throw new InvalidArgumentError(`options.pool[${index}]`, member, "a backend of options.balancer (the pool starts as the balancer's backends)");
    }
  });
}
