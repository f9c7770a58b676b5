import { freeze } from 'immer';
import { InvalidArgumentError, InvalidStateError } from './errors.js';
import { EventLoop, type EventLoopOptions, type RunOptions, type RunResult } from './kernel/event-loop.js';
import { requireBoundedShape } from './plain-data.js';
import { rejectUnknownKeys, requireFunction, requireNonNegative, requireObject, requirePositiveInteger, requireString } from './validate.js';
import { builtInFailureModels } from './faults/built-in-models.js';
import type { FailureModel } from './faults/failure-model.js';
import type { Fault, FaultLogEntry, FaultSchedule } from './faults/fault.js';
import { noteFaultInTrace } from './faults/fault-trace.js';
import { IncidentVerbs } from './faults/incident-verbs.js';
import { FaultInjector, type FaultListener, type InjectOptions } from './faults/injector.js';
import { nemesis, type NemesisOptions } from './faults/nemesis.js';
import { SimulatedFaultWorld } from './faults/simulated-fault-world.js';
import type { Adversary } from './world/adversary.js';
import { AsyncOperations } from './world/async-operations.js';
import { NodeClock } from './world/clock.js';
import { ClockControl } from './world/clock-control.js';
import { Delivery } from './world/delivery.js';
import { DurableStorage } from './world/durable-storage.js';
import { EventLog, type LogEntry } from './world/event-log.js';
import { GroundTruth } from './world/ground-truth.js';
// observe/metrics
import { MetricsRegistry } from './observe/metrics/registry.js';
import { nodeMetrics, type NodeMetrics } from './observe/metrics/node-metrics.js';
import type { NodeServices } from './world/incarnation-context.js';
import { NodeLifecycle } from './world/lifecycle.js';
import type { LinkModel } from './world/link-model.js';
import { Network, type NetworkConfig } from './world/network.js';
import type { AddNodeOptions, NodeBehaviour, NodeHandlers, NodeView } from './world/node-context.js';
import { NodeRegistry } from './world/node-registry.js';
import { NodeRuntime } from './world/node-runtime.js';
import { NodeTimers } from './world/node-timers.js';
import { readServiceModel } from './world/service-model.js';
import { Transmission } from './world/transmission.js';
import { defineWorldEvents, type WorldEventKinds } from './world/world-events.js';
// ---- observe: tracing and logs (issue 13) ----
import { SimulationTracer } from './observe/tracing/simulation-tracer.js';
import { Tracing, readTracingOptions, type TracingOptions } from './observe/tracing/tracing.js';
import { queryLogs, type LogQuery } from './observe/logs/log-query.js';
// ---- end observe: tracing and logs ----
import type { WorldKernel } from './world/world-kernel.js';
// ---- failure domains, removal, start delay (issue 15) ----
import { domainOutageModel } from './faults/models/domain-outage.js';
import { readNodeDomains, type NodeDomains } from './world/failure-domains.js';
import { NodeRemoval, type RemoveNodeOptions } from './world/node-removal.js';
// ---- end failure domains, removal, start delay ----

/**
 * Options of a {@link Simulation}: the kernel's options plus the network and the event log.
 *
 * @example
 * ```ts
 * const sim = new Simulation({
 *   seed: 7,
 *   network: { link: { latency: { kind: 'exponential', meanMs: 5 }, lossProbability: 0.01 } },
 *   trace: true,
 * });
 * ```
 */
export interface SimulationOptions extends EventLoopOptions {
  /** The network's default and region link models. */
  network?: NetworkConfig;
  /** Entries the event log keeps (the most recent). Default 10,000. */
  logLimit?: number;
  /** Called with each log entry as it is written, e.g. to print a live story. */
  onLog?: (entry: LogEntry) => void;
}

const DEFAULT_MAILBOX_LIMIT = 10_000;
const ADD_NODE_OPTION_KEYS = ['durable', 'clock', 'region', 'mailboxLimit', 'service', 'domains', 'startDelayMs'];

/**
 * A simulated cluster: the deterministic {@link EventLoop} plus nodes, their clocks and the
 * network between them. Verbs read like an incident report: `crash`, `restart`, `jumpClock`,
 * `network.block`.
 *
 * The class is a facade: each concern lives in a module named for it under `world/` (nodes'
 * lives, sending, delivery, timers, async operations, storage, clocks, the event log) and
 * `faults/` (the injector, the incident verbs, what failure models act through).
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } });
 * for (const id of ['a', 'b', 'c']) {
 *   sim.addNode(id, (ctx) => ({
 *     onStart() { ctx.setTimer(100, 'beat'); },
 *     onTimer() { ctx.broadcast('alive'); ctx.setTimer(100, 'beat'); },
 *     onMessage(from) { ctx.log(`${from} is alive`); },
 *   }));
 * }
 * sim.schedule(250, () => sim.crash('b'));
 * sim.run({ until: 1_000 });
 * console.log(sim.network.stats().dropped['node-down'], sim.traceHash());
 * ```
 */
export class Simulation extends EventLoop {
  static override readonly optionKeys: readonly string[] = [...EventLoop.optionKeys, 'network', 'logLimit', 'onLog'];

  /** The simulated network: link models, cuts and counters. */
  readonly network: Network;
  /** What was really true when: who was up, which links were cut, every clock's offset. */
  readonly truth: GroundTruth;

  private readonly registry = new NodeRegistry();
  private readonly eventLog: EventLog;
  private readonly services: NodeServices;
  private readonly lifecycle: NodeLifecycle;
  private readonly clocks: ClockControl;
  private readonly faults: FaultInjector;
  private readonly faultWorld: SimulatedFaultWorld;
  private readonly verbs: IncidentVerbs;
  // observe/metrics: made on first use, so a run without metrics schedules no sampler.
  private metricsRegistry: MetricsRegistry | undefined;
  private readonly nodeMetricsViews = new Map<string, NodeMetrics>();
  private readonly messaging: { transmission: Transmission; delivery: Delivery; asyncOperations: AsyncOperations };
  private tracingView: Tracing | undefined;
  private readonly removal: NodeRemoval;

  constructor(options: SimulationOptions) {
    super(options);
    this.eventLog = new EventLog(this, options.logLimit, options.onLog);
    const kernel = this.worldKernel();
    const registry = this.registry;
    // The handlers reach the modules through `parts`, filled in below: the kinds must exist first.
    const parts = {} as { delivery: Delivery; timers: NodeTimers; asyncOperations: AsyncOperations; lifecycle: NodeLifecycle };
    const kinds: WorldEventKinds = defineWorldEvents(this, registry, {
      start: (t, a, b) => parts.lifecycle.handleStart(t, a, b),
      deliver: (t, a, b, c, p) => parts.delivery.handleDeliver(t, a, b, c, p),
      timer: (t, a, _b, _c, p) => parts.timers.handleTimer(t, a, p as string),
      wake: (t, a, _b, _c, p) => parts.asyncOperations.handleWake(t, a, p as () => void),
      receiveTimeout: (t, a, _b, _c, p) => parts.asyncOperations.handleReceiveTimeout(t, a, p as Parameters<AsyncOperations['handleReceiveTimeout']>[2]),
      callTimeout: (t, a, b) => parts.asyncOperations.handleCallTimeout(t, a, b),
      heldDeliver: (t, a, b, c, p) => parts.delivery.handleHeldDeliver(t, a, b, c, p),
      service: (t, a) => parts.delivery.handleService(t, a),
    });
    this.truth = new GroundTruth(() => this.now, (id, field) => void registry.indexOf(id, field));
    const onCutChange = (from: number, to: number, blocked: boolean): void => this.truth.noteCut(registry.idOf(from), registry.idOf(to), blocked);
    this.network = new Network(this, registry, kinds.deliver, options.network, onCutChange);
    const transmission = new Transmission(kernel, registry, this.network);
    parts.asyncOperations = new AsyncOperations(kernel, kinds, registry, transmission);
    parts.timers = new NodeTimers(kernel, kinds, registry, parts.asyncOperations);
    parts.delivery = new Delivery(kernel, kinds, registry, this.network, this.truth, parts.asyncOperations);
    const storage = new DurableStorage(kernel);
    this.services = { loop: this, registry, transmission, timers: parts.timers, asyncOperations: parts.asyncOperations, storage, log: this.eventLog, spans: undefined, metricsOf: (id) => this.nodeMetricsOf(id) };
    this.lifecycle = parts.lifecycle = new NodeLifecycle(kernel, kinds, this.truth, parts.delivery, this.services);
    this.clocks = new ClockControl(kernel);
    this.faultWorld = new SimulatedFaultWorld({ loop: this, registry, lifecycle: this.lifecycle, network: this.network, transmission, clocks: this.clocks, truth: this.truth });
    this.faults = new FaultInjector(this.faultWorld, builtInFailureModels, (entry) => noteFaultInTrace(kernel, entry));
    this.messaging = { transmission, delivery: parts.delivery, asyncOperations: parts.asyncOperations };
    this.verbs = new IncidentVerbs(this.faults, registry, this.lifecycle, () => this.now);
    this.removal = new NodeRemoval(this, registry, this.lifecycle, this.truth);
  }

  // ---------------------------------------------------------------- nodes

  /**
   * Adds a node that starts now (or after `options.startDelayMs`): `behaviour(ctx)` builds its
   * handlers and `onStart` runs as the node's first event. Node ids must be unique, and the id of
   * a removed node is not reused. `options.domains` places it in failure domains.
   *
   * @example
   * ```ts
   * sim.addNode('s1', station, { domains: { zone: 'east', power: 'feed-a' } });
   * sim.schedule(5_000, () => sim.addNode('s9', station, { startDelayMs: 30_000 })); // boots for 30 s
   * ```
   */
  addNode<M = unknown, D = unknown>(id: string, behaviour: NodeBehaviour<M, D>, options: AddNodeOptions<D> = {}): void {
    requireString(id, 'id');
    this.registry.requireFreeId(id);
    requireFunction(behaviour, `behaviour of node '${id}'`);
    const field = `options of node '${id}'`;
    const raw: unknown = options;
    requireObject(raw, field);
    rejectUnknownKeys(raw, field, ADD_NODE_OPTION_KEYS);
    const service = options.service === undefined ? undefined : readServiceModel(options.service, `${field}.service`);
    if (options.region !== undefined) requireString(options.region, `${field}.region`);
    const mailboxLimit = options.mailboxLimit === undefined ? DEFAULT_MAILBOX_LIMIT : options.mailboxLimit;
    requirePositiveInteger(mailboxLimit, `${field}.mailboxLimit`);
    const clock = new NodeClock(this.now, options.clock === undefined ? {} : options.clock, `${field}.clock`);
    // immer's deep freeze recurses: bound the depth first, so a deep value is a typed error.
    requireBoundedShape(options.durable, `${field}.durable`);
    // ---- failure domains, start delay (issue 15) ----
    const domains = readNodeDomains(options.domains, `${field}.domains`);
    const startDelayMs = readStartDelay(options.startDelayMs, this.now, `${field}.startDelayMs`);
    // ---- end failure domains, start delay ----
    const durable = freeze(options.durable, true);
    const node = new NodeRuntime(this.registry.size, id, behaviour as NodeBehaviour<unknown, unknown>, clock, this.rng(`node:${id}`), options.region, durable, mailboxLimit);
    node.service = service;
    node.domains = domains;
    this.registry.add(node);
    this.truth.registerNode(id, clock);
    try {
      this.lifecycle.begin(node, 0, startDelayMs);
    } catch (error) {
      // A node whose behaviour failed never existed: its id stays free and no peer sees it.
      this.registry.removeLast();
      throw error;
    }
    this.truth.noteDomains(id, domains);
    if (Object.keys(domains).length > 0 && !this.faults.kinds().includes(domainOutageModel.kind)) this.faults.register(domainOutageModel);
  }

  /** Ids of every node not removed, in the order they were added. */
  nodeIds(): string[] {
    return this.registry.liveIds();
  }

  /**
   * @internal {@link EventLoop.dispose}, and the link table's arrays go back to the pool too.
   *
   * @example
   * ```ts
   * outcome.sim.dispose(); // after a passing case nobody reads again
   * ```
   */
  override dispose(): void {
    super.dispose();
    this.network.releaseStorage();
  }

  // ---- failure domains, removal (issue 15) ----
  /**
   * Takes a node out of the cluster for good. Abrupt (the default): it goes down now, like a
   * crash that never recovers. Graceful: it drains for `drainMs` (refusing new messages and calls
   * with `node-draining`, finishing what it holds, still receiving replies to its own calls),
   * then goes. Either way messages to it are dropped as `node-removed`, it leaves `ctx.peers` and
   * broadcasts, the truth records it (`truth.isRemoved`, `truth.isDraining`), and its id is never
   * reused. An unknown node is an `UnknownNodeError`; one removed or draining already, an
   * `InvalidStateError`.
   *
   * @example
   * ```ts
   * sim.schedule(10_000, () => sim.removeNode('worker-3', { graceful: true, drainMs: 2_000 }));
   * ```
   */
  removeNode(id: string, options: RemoveNodeOptions = {}): void {
    this.removal.remove(id, options);
  }

  /**
   * Every node's failure domains, for nodes that declared some (removed ones included): the shape
   * `nemesis` and `faultSchedule` take as `domains`.
   *
   * @example
   * ```ts
   * const arbitrary = faultSchedule({ nodes: sim.nodeIds(), domains: sim.domains(), horizonMs: 10_000 });
   * ```
   */
  domains(): Record<string, NodeDomains> {
    const result: Record<string, NodeDomains> = {};
    for (const node of this.registry.nodes) if (Object.keys(node.domains).length > 0) result[node.id] = { ...node.domains };
    return result;
  }
  // ---- end failure domains, removal ----

  /** A read-only view of a node: whether it is up, its handlers (volatile state) and durable state. */
  node<H = NodeHandlers, D = unknown>(id: string): NodeView<H, D> {
    const node = this.registry.named(id);
    return {
      id: node.id,
      index: node.index,
      up: node.up,
      incarnation: node.incarnation,
      region: node.region,
      handlers: node.handlers as H,
      durable: node.durable as D,
      localTimeMs: node.clock.read(this.now),
      // observe/metrics
      inboxLength: node.inbox.length,
      queueDelayMs: node.service === undefined ? 0 : Math.max(0, node.busyUntilMs - this.now) + (node.inbox.length * 1000) / node.service.messagesPerSec,
      diskWriteErrors: node.diskWriteErrors,
    };
  }

  /** True if the node is up (not crashed). */
  isUp(id: string): boolean {
    return this.registry.named(id).up;
  }

  /** The node's local clock reading now. */
  localTime(id: string): number {
    return this.registry.named(id).clock.read(this.now);
  }

  // ---------------------------------------------------------------- incidents

  /**
   * Crashes a node now: it runs no handler and no timer, messages to it are dropped
   * (`node-down`), and its volatile state, timers and pending async operations are gone.
   * Durable state stays. Recorded as a `crash` fault (until `restart`).
   */
  crash(id: string): void {
    this.verbs.crash(id);
  }

  /**
   * Restarts a crashed node now with fresh handlers from its behaviour (volatile state reset,
   * durable state kept); `onRecover` (or `onStart`) runs as its next event. Ends its `crash` fault.
   */
  restart(id: string): void {
    this.verbs.restart(id);
  }

  /** Freezes a node now (a GC pause): its timers and messages wait until `resume`. A `pause` fault. */
  pause(id: string): void {
    this.verbs.pause(id);
  }

  /** Unfreezes a paused node: everything that waited runs now, in order. */
  resume(id: string): void {
    this.verbs.resume(id);
  }

  /**
   * Splits the network into groups (covering every node) that cannot reach each other, until
   * `heal`. A `partition` fault.
   */
  partition(...groups: string[][]): void {
    this.verbs.partition(groups);
  }

  /** Cuts one node off from every other, until `heal`. An `isolate` fault. */
  isolate(id: string): void {
    this.verbs.isolate(id);
  }

  /** Makes the directed link `from → to` `factor` times slower, until `heal`. A `link` fault. */
  slow(from: string, to: string, factor: number): void {
    this.verbs.slow(from, to, factor);
  }

  /** Degrades links with a partial link model, until `heal`. A `link` fault. */
  degrade(links: Array<[string, string]>, model: LinkModel): void {
    this.verbs.degrade(links, model);
  }

  /**
   * Steps a node's clock by `deltaMs` (negative: backwards). A `clock-skew` fault without an end:
   * it lasts until the liveness phase (`heal` ends network faults only).
   */
  skewClock(id: string, deltaMs: number): void {
    this.verbs.skewClock(id, deltaMs);
  }

  /** Ends every network fault now (partitions, isolations, bridges, link faults). Returns how many ended. */
  heal(): number {
    return this.verbs.heal();
  }

  /** Steps a node's clock by `deltaMs` now (negative jumps backwards). Pending timers are not moved. */
  jumpClock(id: string, deltaMs: number): void {
    this.clocks.jump(this.registry.named(id), deltaMs);
  }

  /** Sets a node's clock drift from now on (the reading is continuous). */
  setClockDrift(id: string, driftPpm: number): void {
    this.clocks.setDrift(this.registry.named(id), driftPpm);
  }

  // ---------------------------------------------------------------- fault schedules

  /**
   * Validates a whole fault schedule up front (kinds, targets, times, overlaps, budget) and
   * schedules every fault. Errors name the fault's index and field.
   */
  inject(schedule: FaultSchedule, options: InjectOptions = {}): void {
    this.faults.inject(schedule, options);
  }

  /** Adds a failure model (a plugin); its faults can then be injected like the built-in ones. */
  registerFailureModel(model: FailureModel): void {
    this.faults.register(model);
  }

  /** Names an adversary function for `byzantine` faults with `behaviour: 'custom'`. */
  registerAdversary(name: string, adversary: Adversary): void {
    this.faultWorld.registerAdversary(name, adversary);
  }

  // ---------------------------------------------------------------- observe/metrics

  /**
   * The simulation's metrics registry: counters, gauges and histograms sampled into bounded
   * series every `intervalMs` of simulated time (see {@link MetricsRegistry}). Made on first use.
   */
  get metrics(): MetricsRegistry {
    if (this.metricsRegistry === undefined) this.metricsRegistry = new MetricsRegistry(this);
    return this.metricsRegistry;
  }

  // Sampling fills the window a run asks for, even through a quiet spell (it would otherwise
  // pause when only the sampler is left). A run without metrics pays one undefined check.
  override run(options: RunOptions = {}): RunResult {
    if (this.metricsRegistry !== undefined) this.metricsRegistry.noteRunUntil(runUntilOf(options));
    return super.run(options);
  }

  override runAsync(options: RunOptions = {}): Promise<RunResult> {
    if (this.metricsRegistry !== undefined) this.metricsRegistry.noteRunUntil(runUntilOf(options));
    return super.runAsync(options);
  }

  private nodeMetricsOf(id: string): NodeMetrics {
    let view = this.nodeMetricsViews.get(id);
    if (view === undefined) this.nodeMetricsViews.set(id, (view = nodeMetrics(this.metrics, id)));
    return view;
  }

  /** Every fault applied and reverted so far, with true times: the ground truth of what was injected. */
  get faultLog(): readonly FaultLogEntry[] {
    return this.faults.log;
  }

  /**
   * Tells `listener` of every fault as it starts and ends (`{ phase, fault, faultId, atMs }`):
   * injected faults, the verbs (`crash`, `restart`, `pause`, `resume`, `partition`, `heal`, …),
   * and the ends a heal or liveness phase brings. It runs synchronously at that instant, after the
   * world changed (a crashed node is already down), so a harness can fail the operations pending
   * on a crashed node without polling `faultLog`. Listeners run in subscription order and do not
   * touch the trace hash. One that throws stops the run with a {@link HandlerError} naming the
   * fault. A custom failure model that crashes nodes inside its own `apply` is reported as the
   * start of that fault (check `sim.isUp`). Returns a function that unsubscribes the listener.
   *
   * @example
   * ```ts
   * const stop = sim.onFault(({ phase, fault }) => {
   *   if (phase === 'start' && fault.kind === 'crash') clients.failPendingOn(fault.target!);
   * });
   * ```
   */
  onFault(listener: FaultListener): () => void {
    requireFunction(listener, 'onFault(listener)');
    return this.faults.subscribe(listener);
  }

  /** Faults in force now. */
  activeFaults(): Array<Readonly<Fault>> {
    return this.faults.activeFaults();
  }

  /** The registered failure-model kinds. */
  faultKinds(): string[] {
    return this.faults.kinds();
  }

  /**
   * Starts the liveness phase at `atMs`: no fault starts after it, and every active fault ends
   * then (crashed nodes restart, partitions heal, paused nodes resume), so a test can require
   * convergence within a bound.
   */
  livenessPhase(atMs: number): void {
    this.faults.livenessPhase(atMs);
  }

  /**
   * Draws a random fault schedule for this simulation's nodes from its seed (a `nemesis`
   * stream); inject it with `sim.inject`.
   */
  nemesis(options: Omit<NemesisOptions, 'seed' | 'nodes'> & { seed?: NemesisOptions['seed'] }): FaultSchedule {
    requireObject(options as unknown, 'nemesis(options)');
    // Only a cluster with domains gets them: a nemesis without domains draws as it always did.
    const live = this.nodeIds();
    const domains = Object.fromEntries(Object.entries(this.domains()).filter(([id]) => live.includes(id)));
    const withDomains = Object.keys(domains).length > 0 && !('domains' in options) ? { domains } : {};
    return nemesis({ ...withDomains, ...options, seed: options.seed === undefined ? this.seed : options.seed, nodes: live });
  }

  /**
   * The event log written by `ctx.log` (the most recent `logLimit` entries, oldest first), or
   * those of them a query selects (by node, level, time range or field).
   */
  logs(query?: LogQuery): LogEntry[] {
    const entries = this.eventLog.items();
    return query === undefined ? entries : queryLogs(entries, query);
  }

  // ---- observe: tracing (issue 13) ----
  /**
   * Turns on tracing: from now on `ctx.span` records spans, and messages and calls sent inside a
   * span carry its context. Call it once, before the run; a run without it pays nothing per message.
   *
   * @example
   * ```ts
   * const tracing = sim.enableTracing();
   * sim.run({ until: 1_000 });
   * for (const span of tracing.spans()) console.log(span.traceId, span.name, span.status);
   * ```
   */
  enableTracing(options: TracingOptions = {}): Tracing {
    const { spanLimit } = readTracingOptions(options);
    if (this.tracingView !== undefined) throw new InvalidStateError('sim.enableTracing was already called: keep the Tracing it returned');
    const tracer = new SimulationTracer(this, this.registry.nodes, spanLimit);
    const messaging = this.messaging;
    messaging.transmission.tap = messaging.delivery.tap = messaging.asyncOperations.tap = tracer;
    this.services.spans = tracer;
    return (this.tracingView = new Tracing(tracer));
  }

  /** The tracing `enableTracing` turned on, or undefined while it is off. */
  get tracing(): Tracing | undefined {
    return this.tracingView;
  }
  // ---- end observe: tracing ----

  /** The kernel as the world's modules see it; built once, so the hot path allocates nothing. */
  private worldKernel(): WorldKernel {
    return {
      loop: this,
      hash: this.runningHash,
      asyncRuns: {
        require: (what) => this.requireAsyncRun(what),
        noteWork: () => this.noteAsyncWork(),
        noteFailure: (error) => this.noteAsyncFailure(error),
      },
    };
  }
}

// observe/metrics: malformed options are left for the loop to reject with its own typed error.
function runUntilOf(options: unknown): number {
  const until: unknown = typeof options === 'object' && options !== null ? (options as RunOptions).until : undefined;
  return typeof until === 'number' ? until : Infinity;
}

// ---- start delay (issue 15) ----
/** A start delay in [0, the kernel's last instant - now] ms; 0 when absent. */
function readStartDelay(value: unknown, nowMs: number, field: string): number {
  if (value === undefined) return 0;
  requireNonNegative(value, field);
  const latestMs = EventLoop.maxSimulatedTimeMs - nowMs;
  if (value > latestMs) throw new InvalidArgumentError(field, value, `a delay in [0, ${latestMs}] ms, so the node starts by EventLoop.maxSimulatedTimeMs`);
  return value;
}
// ---- end start delay ----
