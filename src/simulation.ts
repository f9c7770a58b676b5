import { freeze, produce, type Draft } from 'immer';
import {
  CallTimeoutError,
  DiskError,
  DuplicateNodeError,
  HandlerError,
  InvalidArgumentError,
  InvalidStateError,
  ReceiveTimeoutError,
  UnknownNodeError,
} from './errors.js';
import { EventLoop, type EventLoopOptions } from './kernel/event-loop.js';
import { RingBuffer } from './kernel/ring-buffer.js';
import type { Rng } from './kernel/rng.js';
import { rejectUnknownKeys, requireFunction, requireNonNegative, requireObject, requirePositive, requirePositiveInteger, requireString } from './validate.js';
import { builtInFailureModels } from './faults/built-in-models.js';
import type { FailureModel, FaultWorld } from './faults/failure-model.js';
import type { Fault, FaultLogEntry, FaultSchedule } from './faults/fault.js';
import { FaultInjector, type InjectOptions } from './faults/injector.js';
import { nemesis, type NemesisOptions } from './faults/nemesis.js';
import { NodeClock } from './world/clock.js';
import { GroundTruth } from './world/ground-truth.js';
import type { LinkModel } from './world/link-model.js';
import type { AddNodeOptions, NodeBehaviour, NodeHandlers, NodeView } from './world/node-context.js';
import {
  CallReply,
  CallRequest,
  IncarnationContext,
  NodeRuntime,
  type Adversary,
  type NodeHost,
  type ReceiveWaiter,
  type ServiceModel,
} from './world/node-runtime.js';
import {
  DROP_LINK_BLOCKED,
  DROP_MAILBOX_OVERFLOW,
  DROP_NO_CALL_HANDLER,
  DROP_NODE_DOWN,
  DROP_STALE_REPLY,
  DROP_SEND_OMISSION,
  DROP_RECEIVE_OMISSION,
  DROP_INBOX_OVERFLOW,
  dropReasons,
  Network,
  SENT,
  type NetworkConfig,
  type NodeDirectory,
} from './world/network.js';

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

/**
 * One entry of the event log, written by `ctx.log`.
 *
 * @example
 * ```ts
 * for (const entry of sim.logs()) console.log(`${entry.timeMs} ${entry.node}: ${entry.message}`);
 * ```
 */
export interface LogEntry {
  /** True time. */
  timeMs: number;
  /** The writer's local clock reading. */
  localTimeMs: number;
  /** The writer. */
  node: string;
  /** What it wrote. */
  message: string;
  /** Structured fields, when given. */
  fields?: Record<string, unknown>;
}

const MAX_NODES = 2 ** 21;
/** A timer name whose timer is not pending (kept in the map to avoid churn). */
const NO_TIMER = -1;
/** Timer names kept marked (not deleted) per node; beyond this, fired names are deleted. */
const TIMER_NAMES_KEPT = 64;
const HANDLER_NAMES = ['onStart', 'onMessage', 'onTimer', 'onRecover', 'onCall'] as const;
const DEFAULT_MAILBOX_LIMIT = 10_000;

// Tags mixed into the trace hash for state changes that are not events of their own.
const HASH_CRASH = 0x63726173;
const HASH_RESTART = 0x72657374;
const HASH_SEND = 0x73656e64;
const HASH_CLOCK = 0x636c6f63;
const HASH_FAULT = 0x66617574;
const HASH_PAUSE = 0x70617573;
const NETWORK_FAULT_KINDS = new Set(['partition', 'partition-one-way', 'isolate', 'bridge', 'link', 'slow-node']);

/**
 * A simulated cluster: the deterministic {@link EventLoop} plus nodes, their clocks and the
 * network between them. Verbs read like an incident report: `crash`, `restart`, `jumpClock`,
 * `network.block`.
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

  private readonly nodes: NodeRuntime[] = [];
  private readonly indexById = new Map<string, number>();
  private peersCache: Array<readonly string[] | undefined> = [];
  private readonly eventLog: RingBuffer<LogEntry>;
  private readonly onLog: ((entry: LogEntry) => void) | undefined;
  private messageCounter = 0;
  private readonly startKind: number;
  private readonly deliverKind: number;
  private readonly timerKind: number;
  private readonly wakeKind: number;
  private readonly receiveTimeoutKind: number;
  private readonly callTimeoutKind: number;
  private readonly heldDeliverKind: number;
  private readonly serviceKind: number;
  private readonly faults: FaultInjector;
  private readonly adversaries = new Map<string, Adversary>();

  constructor(options: SimulationOptions) {
    super(options);
    const logLimit = options.logLimit ?? 10_000;
    requirePositiveInteger(logLimit, 'logLimit', 100_000_000);
    this.eventLog = new RingBuffer(logLimit);
    if (options.onLog !== undefined) requireFunction(options.onLog, 'onLog');
    this.onLog = options.onLog;
    this.startKind = this.defineEvent({ name: 'start', handle: (t, a, b) => this.handleStart(t, a, b), describe: (t, _a, b) => this.describe(t, b === 1 ? 'onRecover' : 'onStart') });
    this.deliverKind = this.defineEvent({ name: 'deliver', handle: (t, a, b, c, p) => this.handleDeliver(t, a, b, c, p), describe: (t, a, _b, _c, p) => this.describe(t, `${p instanceof CallRequest ? 'onCall' : 'onMessage'} from '${this.nodes[a]!.id}'`) });
    this.timerKind = this.defineEvent({ name: 'timer', handle: (t, a, _b, _c, p) => this.handleTimer(t, a, p as string), describe: (t, _a, _b, _c, p) => this.describe(t, `onTimer '${String(p)}'`) });
    this.wakeKind = this.defineEvent({ name: 'wake', handle: (t, a, _b, _c, p) => this.handleWake(t, a, p as () => void), describe: (t) => this.describe(t, 'sleep wake-up') });
    this.receiveTimeoutKind = this.defineEvent({ name: 'receive-timeout', handle: (t, a, _b, _c, p) => this.handleReceiveTimeout(t, a, p as ReceiveWaiter), describe: (t) => this.describe(t, 'receive timeout') });
    this.callTimeoutKind = this.defineEvent({ name: 'call-timeout', handle: (t, a, b) => this.handleCallTimeout(t, a, b), describe: (t) => this.describe(t, 'call timeout') });
    this.heldDeliverKind = this.defineEvent({ name: 'deliver-held', handle: (t, a, b, c, p) => this.handleHeldDeliver(t, a, b, c, p), describe: (t, a) => this.describe(t, `onMessage from '${this.nodes[a]!.id}' (held by a pause)`) });
    this.serviceKind = this.defineEvent({ name: 'service', handle: (t, a) => this.handleService(t, a), describe: (t) => this.describe(t, 'onMessage (from its inbox)') });
    this.truth = new GroundTruth(() => this.now, (id, field) => void this.directory.indexOf(id, field));
    const onCutChange = (from: number, to: number, blocked: boolean): void => this.truth.noteCut(this.nodes[from]!.id, this.nodes[to]!.id, blocked);
    this.network = new Network(this, this.directory, this.deliverKind, options.network, onCutChange);
    this.faults = new FaultInjector(this.faultWorld, builtInFailureModels, (entry) => this.noteFault(entry));
  }

  // ---------------------------------------------------------------- nodes

  /**
   * Adds a node that starts now: `behaviour(ctx)` builds its handlers and `onStart` runs as the
   * node's first event. Node ids must be unique.
   */
  addNode<M = unknown, D = unknown>(id: string, behaviour: NodeBehaviour<M, D>, options: AddNodeOptions<D> = {}): void {
    requireString(id, 'id');
    if (this.indexById.has(id)) throw new DuplicateNodeError(id);
    requireFunction(behaviour, `behaviour of node '${id}'`);
    const raw: unknown = options;
    requireObject(raw, `options of node '${id}'`);
    rejectUnknownKeys(raw, `options of node '${id}'`, ['durable', 'clock', 'region', 'mailboxLimit', 'service']);
    const service = options.service === undefined ? undefined : readService(options.service, `options of node '${id}'.service`);
    if (options.region !== undefined) requireString(options.region, `options of node '${id}'.region`);
    const mailboxLimit = options.mailboxLimit ?? DEFAULT_MAILBOX_LIMIT;
    requirePositiveInteger(mailboxLimit, `options of node '${id}'.mailboxLimit`);
    if (this.nodes.length >= MAX_NODES) throw new InvalidStateError(`a simulation holds at most ${MAX_NODES} nodes`);
    const clock = new NodeClock(this.now, options.clock ?? {}, `options of node '${id}'.clock`);
    const durable = freeze(options.durable, true);
    const node = new NodeRuntime(this.nodes.length, id, behaviour as NodeBehaviour<unknown, unknown>, clock, this.rng(`node:${id}`), options.region, durable, mailboxLimit);
    node.service = service;
    this.nodes.push(node);
    this.indexById.set(id, node.index);
    this.peersCache = [];
    this.truth.registerNode(id, clock);
    try {
      this.beginIncarnation(node, 0);
    } catch (error) {
      // A node whose behaviour failed never existed: its id stays free and no peer sees it.
      this.nodes.pop();
      this.indexById.delete(id);
      this.peersCache = [];
      throw error;
    }
  }

  /** Ids of every node, in the order they were added. */
  nodeIds(): string[] {
    return this.nodes.map((node) => node.id);
  }

  /** A read-only view of a node: whether it is up, its handlers (volatile state) and durable state. */
  node<H = NodeHandlers, D = unknown>(id: string): NodeView<H, D> {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    return {
      id: node.id,
      index: node.index,
      up: node.up,
      incarnation: node.incarnation,
      region: node.region,
      handlers: node.handlers as H,
      durable: node.durable as D,
      localTimeMs: node.clock.read(this.now),
    };
  }

  /** True if the node is up (not crashed). */
  isUp(id: string): boolean {
    return this.nodes[this.directory.indexOf(id, 'id')]!.up;
  }

  /** The node's local clock reading now. */
  localTime(id: string): number {
    return this.nodes[this.directory.indexOf(id, 'id')]!.clock.read(this.now);
  }

  /**
   * Crashes a node now: it runs no handler and no timer, messages to it are dropped
   * (`node-down`), and its volatile state, timers and pending async operations are gone.
   * Durable state stays. Recorded as a `crash` fault (until `restart`).
   */
  crash(id: string): void {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    if (!node.up) throw new InvalidStateError(`node '${id}' is already crashed; restart it first`);
    this.faults.applyNow({ kind: 'crash', atMs: this.now, target: id }, `crash('${id}')`);
  }

  /**
   * Restarts a crashed node now with fresh handlers from its behaviour (volatile state reset,
   * durable state kept); `onRecover` (or `onStart`) runs as its next event. Ends its `crash` fault.
   */
  restart(id: string): void {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    if (node.up) throw new InvalidStateError(`node '${id}' is up; only a crashed node can be restarted`);
    const ended = this.faults.endWhere((fault) => fault.kind === 'crash' && fault.target === id);
    if (ended === 0 || !node.up) this.restartNode(node);
  }

  /** Freezes a node now (a GC pause): its timers and messages wait until `resume`. A `pause` fault. */
  pause(id: string): void {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    if (!node.up || node.paused) throw new InvalidStateError(`node '${id}' is ${node.up ? 'already paused' : 'crashed'}; only an up, running node can be paused`);
    this.faults.applyNow({ kind: 'pause', atMs: this.now, target: id }, `pause('${id}')`);
  }

  /** Unfreezes a paused node: everything that waited runs now, in order. */
  resume(id: string): void {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    if (!node.paused) throw new InvalidStateError(`node '${id}' is not paused`);
    const ended = this.faults.endWhere((fault) => fault.kind === 'pause' && fault.target === id);
    if (ended === 0 || node.paused) this.resumeNode(node);
  }

  /**
   * Splits the network into groups (covering every node) that cannot reach each other, until
   * `heal`. A `partition` fault.
   */
  partition(...groups: string[][]): void {
    this.faults.applyNow({ kind: 'partition', atMs: this.now, params: { groups } }, 'partition(...)');
  }

  /** Cuts one node off from every other, until `heal`. An `isolate` fault. */
  isolate(id: string): void {
    this.faults.applyNow({ kind: 'isolate', atMs: this.now, target: id }, `isolate('${id}')`);
  }

  /** Makes the directed link `from → to` `factor` times slower, until `heal`. A `link` fault. */
  slow(from: string, to: string, factor: number): void {
    this.faults.applyNow({ kind: 'link', atMs: this.now, params: { links: [[from, to]], model: { latencyFactor: factor } } }, `slow('${from}', '${to}')`);
  }

  /** Degrades links with a partial link model, until `heal`. A `link` fault. */
  degrade(links: Array<[string, string]>, model: LinkModel): void {
    this.faults.applyNow({ kind: 'link', atMs: this.now, params: { links, model: model as Record<string, unknown> } }, 'degrade(...)');
  }

  /**
   * Steps a node's clock by `deltaMs` (negative: backwards). A `clock-skew` fault without an end:
   * it lasts until the liveness phase (`heal` ends network faults only).
   */
  skewClock(id: string, deltaMs: number): void {
    this.faults.applyNow({ kind: 'clock-skew', atMs: this.now, target: id, params: { deltaMs } }, `skewClock('${id}')`);
  }

  /** Ends every network fault now (partitions, isolations, bridges, link faults). Returns how many ended. */
  heal(): number {
    return this.faults.endWhere((fault) => NETWORK_FAULT_KINDS.has(fault.kind));
  }

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
    requireString(name, 'name');
    requireFunction(adversary, 'adversary');
    this.adversaries.set(name, adversary);
  }

  /** Every fault applied and reverted so far, with true times: the ground truth of what was injected. */
  get faultLog(): readonly FaultLogEntry[] {
    return this.faults.log;
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
    return nemesis({ ...options, seed: options.seed ?? this.seed, nodes: this.nodeIds() });
  }

  /** Steps a node's clock by `deltaMs` now (negative jumps backwards). Pending timers are not moved. */
  jumpClock(id: string, deltaMs: number): void {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    node.clock.jump(this.now, deltaMs);
    this.noteClockChange(node, { jumpMs: deltaMs });
  }

  /** Sets a node's clock drift from now on (the reading is continuous). */
  setClockDrift(id: string, driftPpm: number): void {
    const node = this.nodes[this.directory.indexOf(id, 'id')]!;
    node.clock.setDrift(this.now, driftPpm);
    this.noteClockChange(node, { driftPpm });
  }

  /** The event log written by `ctx.log` (the most recent `logLimit` entries, oldest first). */
  logs(): LogEntry[] {
    return this.eventLog.items();
  }

  private noteClockChange(node: NodeRuntime, detail: Record<string, number>): void {
    this.mixIntoHash(HASH_CLOCK);
    this.mixIntoHash(node.index);
    for (const value of Object.values(detail)) this.mixNumberIntoHash(value);
    this.record({ timeMs: this.now, type: 'clock', node: node.id, detail: { ...detail, localTimeMs: node.clock.read(this.now) } });
  }

  private noteFault(entry: FaultLogEntry): void {
    this.mixIntoHash(HASH_FAULT);
    this.mixIntoHash(entry.faultId);
    this.mixIntoHash(entry.phase === 'apply' ? 1 : 2);
    // The record itself: two schedules that differ only in a parameter must not hash alike.
    this.mixStringIntoHash(canonicalJson(entry.fault));
    this.record({ timeMs: this.now, type: 'fault', node: entry.fault.target, detail: { phase: entry.phase, faultId: entry.faultId, fault: entry.fault } });
  }

  private crashNode(node: NodeRuntime): void {
    if (!node.up) return;
    node.up = false;
    for (const handle of node.timers.values()) this.cancel(handle);
    for (const waiter of node.receivers) this.cancel(waiter.timeoutHandle);
    for (const call of node.calls.values()) this.cancel(call.timeoutHandle);
    if (node.paused) this.truth.notePaused(node.id, false);
    if (node.inbox.length > 0) this.truth.noteOverloaded(node.id, false);
    for (const held of node.held) if (held.kind === this.heldDeliverKind || held.kind === this.deliverKind) this.network.linkAt(held.b).dropped[DROP_NODE_DOWN]!++;
    for (const queued of node.inbox) this.network.linkAt(queued.linkIndex).dropped[DROP_NODE_DOWN]!++;
    node.resetVolatile();
    if (node.disk.cacheWrites) node.durable = node.syncedDurable;
    node.incarnation++;
    this.truth.noteUp(node.id, false);
    this.mixIntoHash(HASH_CRASH);
    this.mixIntoHash(node.index);
    this.record({ timeMs: this.now, type: 'crash', node: node.id });
  }

  private restartNode(node: NodeRuntime): void {
    if (node.up) return;
    node.up = true;
    this.truth.noteUp(node.id, true);
    this.mixIntoHash(HASH_RESTART);
    this.mixIntoHash(node.index);
    this.record({ timeMs: this.now, type: 'restart', node: node.id, detail: { incarnation: node.incarnation } });
    this.beginIncarnation(node, 1);
  }

  private pauseNode(node: NodeRuntime): void {
    if (!node.up || node.paused) return;
    node.paused = true;
    this.truth.notePaused(node.id, true);
    this.mixIntoHash(HASH_PAUSE);
    this.mixIntoHash(node.index);
    this.record({ timeMs: this.now, type: 'pause', node: node.id });
  }

  private resumeNode(node: NodeRuntime): void {
    if (!node.paused) return;
    node.paused = false;
    this.truth.notePaused(node.id, false);
    this.mixIntoHash(HASH_PAUSE);
    this.mixIntoHash(node.index);
    this.record({ timeMs: this.now, type: 'resume', node: node.id, detail: { released: node.held.length } });
    const held = node.held;
    node.held = [];
    for (const event of held) {
      const handle = this.scheduleEvent(0, event.kind, node.index, event.a, event.b, event.c, event.payload);
      if (event.kind === this.timerKind) node.timers.set(event.payload as string, handle);
    }
  }

  /** Keeps an event for a paused node; it runs, in order, when the node resumes. */
  private hold(node: NodeRuntime, kind: number, a: number, b: number, c: number, payload: unknown): void {
    node.held.push({ kind, a, b, c, payload });
  }

  private beginIncarnation(node: NodeRuntime, recovering: 0 | 1): void {
    const context = new IncarnationContext(this.host, node);
    let handlers: unknown;
    node.building = true;
    try {
      handlers = node.behaviour(context);
    } catch (error) {
      throw new HandlerError(node.id, 'behaviour (building handlers)', this.now, error);
    } finally {
      node.building = false;
    }
    if (typeof handlers !== 'object' || handlers === null) {
      throw new InvalidArgumentError(`behaviour of node '${node.id}'`, handlers, 'a function returning an object of handlers');
    }
    for (const name of HANDLER_NAMES) {
      const handler = (handlers as Record<string, unknown>)[name];
      if (handler !== undefined && typeof handler !== 'function') {
        throw new InvalidArgumentError(`handlers of node '${node.id}'.${name}`, handler, 'a function or absent');
      }
    }
    node.handlers = handlers as NodeHandlers<unknown>;
    this.scheduleEvent(0, this.startKind, node.index, node.incarnation, recovering);
  }

  // ---------------------------------------------------------------- event handlers

  private handleStart(target: number, incarnation: number, recovering: number): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return this.hold(node, this.startKind, incarnation, recovering, 0, undefined);
    this.record({ timeMs: this.now, type: 'start', node: node.id, detail: { incarnation, recovering: recovering === 1 } });
    const handlers = node.handlers;
    if (recovering === 1 && handlers.onRecover !== undefined) this.adopt(node, handlers.onRecover(), 'onRecover');
    else if (handlers.onStart !== undefined) this.adopt(node, handlers.onStart(), 'onStart');
  }

  private handleDeliver(to: number, from: number, linkIndex: number, messageId: number, message: unknown): void {
    const node = this.nodes[to]!;
    if (this.network.isCut(linkIndex)) return this.dropOnArrival(linkIndex, DROP_LINK_BLOCKED, messageId, message);
    if (!node.up) return this.dropOnArrival(linkIndex, DROP_NODE_DOWN, messageId, message);
    if (node.receiveOmission > 0 && this.omissionRng(node).random() < node.receiveOmission) {
      return this.dropOnArrival(linkIndex, DROP_RECEIVE_OMISSION, messageId, message);
    }
    this.acceptMessage(node, linkIndex, from, messageId, message);
  }

  /** A message that reached a paused node's inbox before the pause ended: no second trip over the link. */
  private handleHeldDeliver(to: number, from: number, linkIndex: number, messageId: number, message: unknown): void {
    const node = this.nodes[to]!;
    if (!node.up) return this.dropOnArrival(linkIndex, DROP_NODE_DOWN, messageId, message);
    this.acceptMessage(node, linkIndex, from, messageId, message);
  }

  private acceptMessage(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (node.paused) {
      // A frozen process's socket buffer is finite too: past its inbox bound, arrivals are dropped.
      if (node.held.length >= (node.service?.inboxLimit ?? node.mailboxLimit)) return this.dropOnArrival(linkIndex, DROP_INBOX_OVERFLOW, messageId, message);
      return this.hold(node, this.heldDeliverKind, from, linkIndex, messageId, message);
    }
    // While a backlog drains (even after the capacity fault ended) new arrivals queue behind it.
    if (node.service !== undefined || node.inbox.length > 0) return this.enqueueForService(node, linkIndex, from, messageId, message);
    this.consumeMessage(node, linkIndex, from, messageId, message);
  }

  private enqueueForService(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (node.service !== undefined && node.inbox.length >= node.service.inboxLimit) return this.dropOnArrival(linkIndex, DROP_INBOX_OVERFLOW, messageId, message);
    node.inbox.push({ from, linkIndex, messageId, message });
    if (node.inbox.length > 1 || node.busyUntilMs > this.now) this.truth.noteOverloaded(node.id, true);
    if (node.serviceScheduled) return;
    node.serviceScheduled = true;
    this.scheduleEvent(Math.max(0, node.busyUntilMs - this.now), this.serviceKind, node.index, node.incarnation);
  }

  /** The node takes the next message from its inbox and is busy for one service time. */
  private handleService(target: number, incarnation: number): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return this.hold(node, this.serviceKind, incarnation, 0, 0, undefined);
    const queued = node.inbox.shift();
    if (queued === undefined) {
      node.serviceScheduled = false;
      return;
    }
    const serviceMs = node.service === undefined ? 0 : 1000 / node.service.messagesPerSec;
    node.busyUntilMs = this.now + serviceMs;
    if (node.inbox.length > 0) this.scheduleEvent(serviceMs, this.serviceKind, node.index, node.incarnation);
    else {
      node.serviceScheduled = false;
      this.truth.noteOverloaded(node.id, false);
    }
    this.consumeMessage(node, queued.linkIndex, queued.from, queued.messageId, queued.message);
  }

  private consumeMessage(node: NodeRuntime, linkIndex: number, from: number, messageId: number, message: unknown): void {
    if (message instanceof CallRequest && node.handlers.onCall === undefined) {
      return this.dropOnArrival(linkIndex, DROP_NO_CALL_HANDLER, messageId, message);
    }
    if (message instanceof CallReply && !node.calls.has(message.callId)) {
      return this.dropOnArrival(linkIndex, DROP_STALE_REPLY, messageId, message);
    }
    const fromId = this.nodes[from]!.id;
    if (message instanceof CallRequest) {
      this.noteDelivered(linkIndex, node, fromId, messageId, message);
      return this.answerCall(node, from, message);
    }
    if (message instanceof CallReply) {
      this.noteDelivered(linkIndex, node, fromId, messageId, message);
      return this.completeCall(node, message);
    }
    const handlers = node.handlers;
    const receiver = node.receivers.length > 0 ? this.takeReceiver(node, fromId, message) : undefined;
    if (receiver === undefined && handlers.onMessage === undefined && node.mailbox.length >= node.mailboxLimit) {
      return this.dropOnArrival(linkIndex, DROP_MAILBOX_OVERFLOW, messageId, message);
    }
    this.noteDelivered(linkIndex, node, fromId, messageId, message);
    if (receiver !== undefined) {
      receiver.resolve({ from: fromId, message });
      this.noteAsyncWork();
    } else if (handlers.onMessage !== undefined) {
      const result = handlers.onMessage(fromId, message);
      if (result !== undefined) this.adopt(node, result, `onMessage from '${fromId}'`);
    } else {
      node.mailbox.push({ from: fromId, message });
    }
  }

  private noteDelivered(linkIndex: number, node: NodeRuntime, fromId: string, messageId: number, message: unknown): void {
    this.network.countDelivered(linkIndex);
    if (this.trace !== undefined) this.record({ timeMs: this.now, type: 'deliver', node: node.id, from: fromId, to: node.id, messageId, message });
  }

  private handleTimer(target: number, incarnation: number, name: string): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return this.hold(node, this.timerKind, incarnation, 0, 0, name);
    this.forgetTimer(node, name);
    let data: unknown = undefined;
    if (node.timerData.size > 0) {
      data = node.timerData.get(name);
      node.timerData.delete(name);
    }
    if (this.trace !== undefined) this.record({ timeMs: this.now, type: 'timer', node: node.id, timer: name });
    const handlers = node.handlers;
    if (handlers.onTimer !== undefined) {
      const result = handlers.onTimer(name, data);
      if (result !== undefined) this.adopt(node, result, `onTimer '${name}'`);
    }
  }

  private handleWake(target: number, incarnation: number, resume: () => void): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return this.hold(node, this.wakeKind, incarnation, 0, 0, resume);
    resume();
    this.noteAsyncWork();
  }

  private handleReceiveTimeout(target: number, incarnation: number, waiter: ReceiveWaiter): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return this.hold(node, this.receiveTimeoutKind, incarnation, 0, 0, waiter);
    const position = node.receivers.indexOf(waiter);
    if (position < 0) return;
    node.receivers.splice(position, 1);
    waiter.reject(new ReceiveTimeoutError(waiter.timeoutMs));
    this.noteAsyncWork();
  }

  private handleCallTimeout(target: number, incarnation: number, callId: number): void {
    const node = this.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return this.hold(node, this.callTimeoutKind, incarnation, callId, 0, undefined);
    const call = node.calls.get(callId);
    if (call === undefined) return;
    node.calls.delete(callId);
    call.reject(new CallTimeoutError(call.to, call.timeoutMs));
    this.noteAsyncWork();
  }

  private dropOnArrival(linkIndex: number, code: number, messageId: number, message: unknown): void {
    const link = this.network.linkAt(linkIndex);
    link.dropped[code]!++;
    this.mixIntoHash(code);
    if (this.trace !== undefined) {
      const from = this.nodes[link.from]!.id;
      const to = this.nodes[link.to]!.id;
      this.record({ timeMs: this.now, type: 'drop', node: to, from, to, messageId, message, reason: dropReasons[code] });
    }
  }

  /** Runs a handler's returned promise as an async process, or does nothing for a plain return. */
  private adopt(node: NodeRuntime, result: unknown, event: string): void {
    if (typeof result !== 'object' || result === null || typeof (result as { then?: unknown }).then !== 'function') return;
    // Attach the rejection handler first: if the sync runner refuses the promise below, its
    // rejection must not surface later as an unhandled rejection.
    (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
      this.noteAsyncFailure(new HandlerError(node.id, `${event} (async)`, this.now, error));
    });
    this.requireAsyncRun(`node '${node.id}' ${event} returned a Promise, so it`);
    this.noteAsyncWork();
  }

  // ---------------------------------------------------------------- messaging

  private transmitFrom(node: NodeRuntime, to: number, message: unknown): void {
    if (node.adversary !== undefined) return this.transmitThroughAdversary(node, to, message);
    this.transmit(node, node.index, to, message);
  }

  /** Puts a message on the wire from `sender`; `claimedFrom` differs only when a byzantine node forges. */
  private transmit(sender: NodeRuntime, claimedFrom: number, to: number, message: unknown): void {
    const messageId = (this.messageCounter = (this.messageCounter + 1) | 0);
    let outcome: number;
    if (sender.sendOmission > 0 && this.omissionRng(sender).random() < sender.sendOmission) {
      this.network.countDropAtSend(sender.index, to, DROP_SEND_OMISSION);
      outcome = DROP_SEND_OMISSION;
    } else {
      outcome = this.network.transmit(sender.index, to, message, messageId, claimedFrom);
    }
    this.mixIntoHash(HASH_SEND ^ outcome);
    if (this.trace === undefined) return;
    const toId = this.nodes[to]!.id;
    const fromId = this.nodes[claimedFrom]!.id;
    this.record({ timeMs: this.now, type: 'send', node: sender.id, from: fromId, to: toId, messageId, message });
    if (outcome !== SENT) this.record({ timeMs: this.now, type: 'drop', node: sender.id, from: fromId, to: toId, messageId, message, reason: dropReasons[outcome] });
  }

  private omissionRng(node: NodeRuntime): Rng {
    node.omissionRng ??= this.rng(`fault:omission:${node.id}`);
    return node.omissionRng;
  }

  private transmitThroughAdversary(node: NodeRuntime, to: number, message: unknown): void {
    const field = `adversary of node '${node.id}'`;
    // The adversary sees (and rewrites) what the node meant to say, not the RPC envelope around it.
    const envelope = message instanceof CallRequest || message instanceof CallReply ? message : undefined;
    const content = envelope instanceof CallRequest ? envelope.request : envelope instanceof CallReply ? envelope.reply : message;
    node.byzantineRng ??= this.rng(`fault:byzantine:${node.id}`);
    const outputs: unknown = node.adversary!(content, this.nodes[to]!.id, node.byzantineRng);
    if (!Array.isArray(outputs)) throw new InvalidArgumentError(field, outputs, 'a function returning an array of { to, message, from? }');
    for (const output of outputs as unknown[]) {
      requireObject(output, `${field}: output`);
      const toIndex = this.directory.indexOf(output['to'], `${field}: output.to`);
      const fromIndex = output['from'] === undefined ? node.index : this.directory.indexOf(output['from'], `${field}: output.from`);
      this.transmit(node, fromIndex, toIndex, rewrap(envelope, output['message']));
    }
  }

  /** Removes and returns the first waiting receive whose filter accepts the message. */
  private takeReceiver(node: NodeRuntime, from: string, message: unknown): ReceiveWaiter | undefined {
    const receivers = node.receivers;
    for (let position = 0; position < receivers.length; position++) {
      const waiter = receivers[position]!;
      if (waiter.filter !== undefined && !waiter.filter(message, from)) continue;
      receivers.splice(position, 1);
      this.cancel(waiter.timeoutHandle);
      return waiter;
    }
    return undefined;
  }

  private answerCall(node: NodeRuntime, from: number, envelope: CallRequest): void {
    const incarnation = node.incarnation;
    const reply = node.handlers.onCall!(this.nodes[from]!.id, envelope.request);
    if (typeof reply !== 'object' || reply === null || typeof (reply as { then?: unknown }).then !== 'function') {
      return this.transmitFrom(node, from, new CallReply(envelope.callId, reply));
    }
    (reply as PromiseLike<unknown>).then(
      (value) => {
        try {
          if (node.up && node.incarnation === incarnation) this.transmitFrom(node, from, new CallReply(envelope.callId, value));
        } catch (error) {
          this.noteAsyncFailure(new HandlerError(node.id, 'onCall (async reply)', this.now, error));
        }
      },
      (error: unknown) => this.noteAsyncFailure(new HandlerError(node.id, 'onCall (async)', this.now, error)),
    );
    this.requireAsyncRun(`node '${node.id}' onCall returned a Promise, so it`);
    this.noteAsyncWork();
  }

  private completeCall(node: NodeRuntime, envelope: CallReply): void {
    const call = node.calls.get(envelope.callId)!;
    node.calls.delete(envelope.callId);
    this.cancel(call.timeoutHandle);
    call.resolve(envelope.reply);
    this.noteAsyncWork();
  }

  // ---------------------------------------------------------------- what node contexts call

  private readonly directory: NodeDirectory = {
    idOf: (index) => this.nodes[index]!.id,
    indexOf: (id, field) => {
      const index = typeof id === 'string' ? this.indexById.get(id) : undefined;
      if (index === undefined) throw new UnknownNodeError(field, id, this.nodeIds());
      return index;
    },
    regionOf: (index) => this.nodes[index]!.region,
  };

  private readonly host: NodeHost = {
    localNow: (node) => node.clock.read(this.now),
    peers: (node) => this.peersOf(node),
    send: (node, to, message) => {
      const index = this.indexById.get(to);
      // The field name is built only on the error path: this is the hot path of every message.
      this.transmitFrom(node, index ?? this.directory.indexOf(to, `ctx.send on '${node.id}': to`), message);
    },
    broadcast: (node, message) => {
      for (let index = 0; index < this.nodes.length; index++) if (index !== node.index) this.transmitFrom(node, index, message);
    },
    setTimer: (node, delayMs, name, data) => this.setTimer(node, delayMs, name, data),
    cancelTimer: (node, name) => this.cancelTimer(node, name),
    log: (node, message, fields) => this.writeLog(node, message, fields),
    persist: (node, recipe) => this.persist(node, recipe),
    sync: (node) => {
      node.syncedDurable = node.durable;
    },
    sleep: (node, delayMs) => this.sleep(node, delayMs),
    receive: (node, filter, options) => this.receive(node, filter, options),
    call: (node, to, request, options) => this.call(node, to, request, options),
  };

  private nodeNamed(id: string): NodeRuntime {
    return this.nodes[this.directory.indexOf(id, 'id')]!;
  }

  private readonly faultWorld: FaultWorld = this.createFaultWorld();

  private createFaultWorld(): FaultWorld {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- a getter in the literal needs the simulation
    const simulation = this;
    return {
    get now(): number {
      return simulation.now;
    },
    nodeIds: () => this.nodeIds(),
    requireNode: (id, field) => this.nodes[this.directory.indexOf(id, field)]!.id,
    isUp: (id) => this.nodeNamed(id).up,
    isPaused: (id) => this.nodeNamed(id).paused,
    crashNode: (id) => this.crashNode(this.nodeNamed(id)),
    restartNode: (id) => this.restartNode(this.nodeNamed(id)),
    pauseNode: (id) => this.pauseNode(this.nodeNamed(id)),
    resumeNode: (id) => this.resumeNode(this.nodeNamed(id)),
    setOmission: (id, sendProbability, receiveProbability) => {
      const node = this.nodeNamed(id);
      node.sendOmission = sendProbability;
      node.receiveOmission = receiveProbability;
    },
    cutLink: (from, to) => this.network.cut(this.directory.indexOf(from, 'from'), this.directory.indexOf(to, 'to')),
    uncutLink: (from, to) => this.network.uncut(this.directory.indexOf(from, 'from'), this.directory.indexOf(to, 'to')),
    addLinkLayer: (from, to, faultId, model) => this.network.addFaultLayer(this.directory.indexOf(from, 'from'), this.directory.indexOf(to, 'to'), faultId, model),
    removeLinkLayer: (from, to, faultId) => this.network.removeFaultLayer(this.directory.indexOf(from, 'from'), this.directory.indexOf(to, 'to'), faultId),
    jumpClock: (id, deltaMs) => this.jumpClock(id, deltaMs),
    setClockDrift: (id, driftPpm) => this.setClockDrift(id, driftPpm),
    clockDrift: (id) => this.nodeNamed(id).clock.driftPpm,
    setAdversary: (id, adversary) => {
      const node = this.nodeNamed(id);
      node.adversary = adversary;
      this.truth.noteByzantine(id, adversary !== undefined);
    },
    adversaryNamed: (name, field) => {
      const adversary = typeof name === 'string' ? this.adversaries.get(name) : undefined;
      if (adversary === undefined) throw new InvalidArgumentError(field, name, `the name of an adversary registered with sim.registerAdversary (${[...this.adversaries.keys()].join(', ') || 'none yet'})`);
      return adversary;
    },
    service: (id) => this.nodeNamed(id).service,
    setService: (id, service) => {
      this.nodeNamed(id).service = service === undefined ? undefined : readService(service, 'service');
    },
    disk: (id) => this.nodeNamed(id).disk,
    linkModel: (from, to) => this.network.linkModel(from, to),
    injectMessage: (from, to, message) => this.transmit(this.nodeNamed(from), this.directory.indexOf(from, 'from'), this.directory.indexOf(to, 'to'), message),
    rng: (name) => this.rng(name),
    schedule: (delayMs, callback) => this.schedule(delayMs, callback),
    cancel: (handle) => this.cancel(handle),
    };
  }

  private peersOf(node: NodeRuntime): readonly string[] {
    let peers = this.peersCache[node.index];
    if (peers === undefined) {
      peers = Object.freeze(this.nodes.filter((other) => other !== node).map((other) => other.id));
      this.peersCache[node.index] = peers;
    }
    return peers;
  }

  private setTimer(node: NodeRuntime, delayMs: number, name: string, data: unknown): void {
    if (typeof delayMs !== 'number' || !(delayMs >= 0 && delayMs < Infinity)) requireNonNegative(delayMs, `ctx.setTimer on '${node.id}': delayMs`);
    if (typeof name !== 'string') throw new InvalidArgumentError(`ctx.setTimer on '${node.id}': name`, name, 'a string');
    const previous = node.timers.get(name);
    if (previous !== undefined && previous !== NO_TIMER) this.cancel(previous);
    const handle = this.scheduleEvent(node.clock.trueDurationOf(delayMs), this.timerKind, node.index, node.incarnation, 0, 0, name);
    node.timers.set(name, handle);
    if (data !== undefined) node.timerData.set(name, data);
    else if (node.timerData.size > 0) node.timerData.delete(name);
  }

  /**
   * Marks a timer name as not pending instead of deleting it, so re-arming the same few names does
   * not churn the Map's table; past a bound (unique names like `retry-17`) names are deleted.
   */
  private forgetTimer(node: NodeRuntime, name: string): void {
    if (node.timers.size > TIMER_NAMES_KEPT) node.timers.delete(name);
    else node.timers.set(name, NO_TIMER);
  }

  private cancelTimer(node: NodeRuntime, name: string): boolean {
    const handle = node.timers.get(name);
    if (handle === undefined || handle === NO_TIMER) return false;
    this.forgetTimer(node, name);
    if (node.timerData.size > 0) node.timerData.delete(name);
    return this.cancel(handle);
  }

  private writeLog(node: NodeRuntime, message: string, fields: Record<string, unknown> | undefined): void {
    const entry: LogEntry = { timeMs: this.now, localTimeMs: node.clock.read(this.now), node: node.id, message: String(message) };
    if (fields !== undefined) entry.fields = fields;
    this.eventLog.push(entry);
    this.record({ timeMs: this.now, type: 'log', node: node.id, detail: entry });
    this.onLog?.(entry);
  }

  private persist(node: NodeRuntime, recipe: (draft: Draft<unknown>) => unknown): void {
    requireFunction(recipe, `ctx.persist on '${node.id}': recipe`);
    const disk = node.disk;
    if (disk.full) throw new DiskError('DISK_FULL', node.id);
    if (disk.failProbability > 0 && this.rng(`fault:disk:${node.id}`).random() < disk.failProbability) throw new DiskError('DISK_WRITE_FAILED', node.id);
    node.durable = produce(node.durable, recipe as (draft: Draft<unknown>) => void);
    if (!disk.cacheWrites) node.syncedDurable = node.durable;
    if (this.trace !== undefined) this.record({ timeMs: this.now, type: 'persist', node: node.id, detail: node.durable });
  }

  private sleep(node: NodeRuntime, delayMs: number): Promise<void> {
    this.requireAsyncRun(`ctx.sleep on '${node.id}'`);
    requireNonNegative(delayMs, `ctx.sleep on '${node.id}': delayMs`);
    return new Promise((resolve) => {
      this.scheduleEvent(node.clock.trueDurationOf(delayMs), this.wakeKind, node.index, node.incarnation, 0, 0, resolve);
    });
  }

  private receive(node: NodeRuntime, filter: ReceiveWaiter['filter'], options: { timeoutMs?: number } | undefined): Promise<{ from: string; message: unknown }> {
    this.requireAsyncRun(`ctx.receive on '${node.id}'`);
    const field = `ctx.receive on '${node.id}'`;
    if (filter !== undefined) requireFunction(filter, `${field}: filter`);
    const timeoutMs = readTimeout(options, field, false);
    const position = node.mailbox.findIndex((entry) => filter === undefined || filter(entry.message, entry.from));
    if (position >= 0) return Promise.resolve(node.mailbox.splice(position, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter: ReceiveWaiter = { filter, resolve, reject, timeoutMs: timeoutMs ?? Infinity, timeoutHandle: -1 };
      node.receivers.push(waiter);
      if (timeoutMs === undefined) return;
      waiter.timeoutHandle = this.scheduleEvent(node.clock.trueDurationOf(timeoutMs), this.receiveTimeoutKind, node.index, node.incarnation, 0, 0, waiter);
    });
  }

  private call(node: NodeRuntime, to: string, request: unknown, options: { timeoutMs: number }): Promise<unknown> {
    const field = `ctx.call on '${node.id}'`;
    this.requireAsyncRun(field);
    const toIndex = this.directory.indexOf(to, `${field}: to`);
    const timeoutMs = readTimeout(options, field, true)!;
    const callId = node.nextCallId++;
    return new Promise((resolve, reject) => {
      const timeoutHandle = this.scheduleEvent(node.clock.trueDurationOf(timeoutMs), this.callTimeoutKind, node.index, node.incarnation, callId);
      node.calls.set(callId, { to, timeoutMs, resolve, reject, timeoutHandle });
      this.transmitFrom(node, toIndex, new CallRequest(callId, request));
    });
  }

  private describe(target: number, event: string): { nodeId: string; event: string } {
    return { nodeId: this.nodes[target]!.id, event };
  }
}

function rewrap(envelope: CallRequest | CallReply | undefined, content: unknown): unknown {
  if (envelope instanceof CallRequest) return new CallRequest(envelope.callId, content);
  if (envelope instanceof CallReply) return new CallReply(envelope.callId, content);
  return content;
}

/** JSON with object keys sorted at every level, so equal records hash alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function readService(service: unknown, field: string): Required<ServiceModel> {
  requireObject(service, field);
  rejectUnknownKeys(service, field, ['messagesPerSec', 'inboxLimit']);
  requirePositive(service['messagesPerSec'], `${field}.messagesPerSec`);
  const inboxLimit = service['inboxLimit'] === undefined ? 1_000 : service['inboxLimit'];
  requirePositiveInteger(inboxLimit, `${field}.inboxLimit`);
  return { messagesPerSec: service['messagesPerSec'], inboxLimit };
}

function readTimeout(options: unknown, field: string, required: boolean): number | undefined {
  if (options === undefined && !required) return undefined;
  requireObject(options, `${field}: options`);
  rejectUnknownKeys(options, `${field}: options`, ['timeoutMs']);
  const timeoutMs = options['timeoutMs'];
  if (timeoutMs === undefined && !required) return undefined;
  requirePositive(timeoutMs, `${field}: options.timeoutMs`);
  return timeoutMs;
}
