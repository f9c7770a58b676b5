import type { Draft } from 'immer';
import { InvalidStateError } from '../errors.js';
import type { Rng } from '../kernel/rng.js';
import type { NodeClock } from './clock.js';
import type { NodeBehaviour, NodeContext, NodeHandlers } from './node-context.js';

/** An async `receive` waiting for a matching message. */
export interface ReceiveWaiter {
  readonly filter: ((message: unknown, from: string) => boolean) | undefined;
  readonly resolve: (received: { from: string; message: unknown }) => void;
  readonly reject: (error: unknown) => void;
  /** Local ms before the receive gives up (Infinity: never). */
  readonly timeoutMs: number;
  timeoutHandle: number;
}

/** An async `call` waiting for its reply. */
export interface PendingCall {
  readonly to: string;
  readonly timeoutMs: number;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
  timeoutHandle: number;
}

/** The envelope of a `ctx.call` request on the wire. */
export class CallRequest {
  constructor(
    readonly callId: number,
    readonly request: unknown,
  ) {}
}

/** The envelope of the reply to a `ctx.call`. */
export class CallReply {
  constructor(
    readonly callId: number,
    readonly reply: unknown,
  ) {}
}

/** An event a paused node could not take yet; it runs when the node resumes. */
export interface HeldEvent {
  readonly kind: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly payload: unknown;
}

/** A message waiting for a node's limited service capacity. */
export interface QueuedMessage {
  readonly from: number;
  readonly linkIndex: number;
  readonly messageId: number;
  readonly message: unknown;
}

/**
 * A node's service capacity: how many messages per second of simulated time it can handle, and
 * how many may wait. Excess waits (queueing delay), then overflows (`inbox-overflow`).
 *
 * @example
 * ```ts
 * sim.addNode('api', behaviour, { service: { messagesPerSec: 500, inboxLimit: 1_000 } });
 * ```
 */
export interface ServiceModel {
  /** Messages handled per simulated second, > 0. */
  messagesPerSec: number;
  /** Messages that may wait; more are dropped. Default 1,000. */
  inboxLimit?: number;
}

/**
 * Rewrites what a byzantine node sends: called for each outgoing message with the addressee and
 * a random stream, it returns the messages to send instead (none drops it; `from` forges the
 * sender).
 *
 * @example
 * ```ts
 * const liar: Adversary = (message, to) => [{ to, message: { ...(message as object), vote: 'no' } }];
 * ```
 */
export type Adversary = (message: unknown, to: string, rng: Rng) => AdversaryOutput[];

/**
 * One message an adversary sends instead of the original.
 *
 * @example
 * ```ts
 * const forged: AdversaryOutput = { to: 'b', message: { vote: 'yes' }, from: 'c' };
 * ```
 */
export interface AdversaryOutput {
  /** The addressee. */
  to: string;
  /** What to send. */
  message: unknown;
  /** The sender the addressee will see (forgery); default the byzantine node itself. */
  from?: string;
}

/** What the disk of a node does when it persists, under disk faults. */
export interface DiskState {
  /** Writes go to a cache and are lost on crash unless `ctx.sync()` ran. */
  cacheWrites: boolean;
  /** Probability a persist fails with `DiskError` (code `DISK_WRITE_FAILED`). */
  failProbability: number;
  /** Every persist fails with `DiskError` (code `DISK_FULL`). */
  full: boolean;
}

/** Internal state of one node: identity, clock, lifecycle and the volatile runtime of its current incarnation. */
export class NodeRuntime {
  readonly index: number;
  readonly id: string;
  readonly behaviour: NodeBehaviour<unknown, unknown>;
  readonly clock: NodeClock;
  readonly rng: Rng;
  readonly mailboxLimit: number;
  region: string | undefined;
  up = true;
  incarnation = 0;
  handlers: NodeHandlers<unknown> = {};
  durable: unknown;
  readonly timers = new Map<string, number>();
  readonly timerData = new Map<string, unknown>();
  mailbox: Array<{ from: string; message: unknown }> = [];
  receivers: ReceiveWaiter[] = [];
  readonly calls = new Map<number, PendingCall>();
  nextCallId = 1;
  /** True while the behaviour factory runs: the incarnation does not exist yet, so it cannot act. */
  building = false;
  paused = false;
  held: HeldEvent[] = [];
  sendOmission = 0;
  receiveOmission = 0;
  adversary: Adversary | undefined = undefined;
  /** The node's fault streams, made on first use (each draw stays on its own stream). */
  omissionRng: Rng | undefined = undefined;
  byzantineRng: Rng | undefined = undefined;
  service: Required<ServiceModel> | undefined = undefined;
  busyUntilMs = 0;
  inbox: QueuedMessage[] = [];
  serviceScheduled = false;
  syncedDurable: unknown;
  readonly disk: DiskState = { cacheWrites: false, failProbability: 0, full: false };

  constructor(
    index: number,
    id: string,
    behaviour: NodeBehaviour<unknown, unknown>,
    clock: NodeClock,
    rng: Rng,
    region: string | undefined,
    durable: unknown,
    mailboxLimit: number,
  ) {
    this.index = index;
    this.id = id;
    this.behaviour = behaviour;
    this.clock = clock;
    this.rng = rng;
    this.region = region;
    this.durable = durable;
    this.syncedDurable = durable;
    this.mailboxLimit = mailboxLimit;
  }

  /** Forgets everything volatile: timers, mailbox, waiting receives and calls (they never complete). */
  resetVolatile(): void {
    this.timers.clear();
    this.timerData.clear();
    this.mailbox = [];
    this.receivers = [];
    this.calls.clear();
    this.handlers = {};
    this.paused = false;
    this.held = [];
    this.inbox = [];
    this.busyUntilMs = 0;
    this.serviceScheduled = false;
  }
}

/** What a node's context asks of the simulation. Implemented privately by `Simulation`. */
export interface NodeHost {
  localNow(node: NodeRuntime): number;
  peers(node: NodeRuntime): readonly string[];
  send(node: NodeRuntime, to: string, message: unknown): void;
  broadcast(node: NodeRuntime, message: unknown): void;
  setTimer(node: NodeRuntime, delayMs: number, name: string, data: unknown): void;
  cancelTimer(node: NodeRuntime, name: string): boolean;
  log(node: NodeRuntime, message: string, fields: Record<string, unknown> | undefined): void;
  persist(node: NodeRuntime, recipe: (draft: Draft<unknown>) => unknown): void;
  sync(node: NodeRuntime): void;
  sleep(node: NodeRuntime, delayMs: number): Promise<void>;
  receive(node: NodeRuntime, filter: ReceiveWaiter['filter'], options: { timeoutMs?: number } | undefined): Promise<{ from: string; message: unknown }>;
  call(node: NodeRuntime, to: string, request: unknown, options: { timeoutMs: number }): Promise<unknown>;
}

/**
 * The context of one incarnation. Once the node crashes, the old context refuses to act, so a
 * stray closure of a dead incarnation cannot send or persist from beyond the grave.
 */
export class IncarnationContext implements NodeContext<unknown, unknown> {
  readonly id: string;
  readonly incarnation: number;
  private readonly host: NodeHost;
  private readonly node: NodeRuntime;

  constructor(host: NodeHost, node: NodeRuntime) {
    this.host = host;
    this.node = node;
    this.id = node.id;
    this.incarnation = node.incarnation;
  }

  get peers(): readonly string[] {
    return this.host.peers(this.node);
  }

  get rng(): Rng {
    return this.node.rng;
  }

  get durable(): unknown {
    return this.node.durable;
  }

  now(): number {
    return this.host.localNow(this.node);
  }

  send(to: string, message: unknown): void {
    this.requireAlive('send');
    this.host.send(this.node, to, message);
  }

  broadcast(message: unknown): void {
    this.requireAlive('broadcast');
    this.host.broadcast(this.node, message);
  }

  setTimer(delayMs: number, name: string, data?: unknown): void {
    this.requireAlive('setTimer');
    this.host.setTimer(this.node, delayMs, name, data);
  }

  cancelTimer(name: string): boolean {
    this.requireAlive('cancelTimer');
    return this.host.cancelTimer(this.node, name);
  }

  log(message: string, fields?: Record<string, unknown>): void {
    this.requireAlive('log');
    this.host.log(this.node, message, fields);
  }

  persist(recipe: (draft: Draft<unknown>) => unknown): void {
    this.requireAlive('persist');
    this.host.persist(this.node, recipe);
  }

  sync(): void {
    this.requireAlive('sync');
    this.host.sync(this.node);
  }

  sleep(delayMs: number): Promise<void> {
    this.requireAlive('sleep');
    return this.host.sleep(this.node, delayMs);
  }

  receive(filter?: (message: unknown, from: string) => boolean, options?: { timeoutMs?: number }): Promise<{ from: string; message: unknown }> {
    this.requireAlive('receive');
    return this.host.receive(this.node, filter, options);
  }

  call<R = unknown>(to: string, request: unknown, options: { timeoutMs: number }): Promise<R> {
    this.requireAlive('call');
    return this.host.call(this.node, to, request, options) as Promise<R>;
  }

  private requireAlive(operation: string): void {
    if (this.node.building) {
      throw new InvalidStateError(`ctx.${operation} on node '${this.id}' inside its behaviour factory: build handlers there, act in onStart or onRecover`);
    }
    if (this.node.incarnation !== this.incarnation || !this.node.up) {
      throw new InvalidStateError(
        `ctx.${operation} on node '${this.id}' from incarnation ${this.incarnation}, which has crashed (current incarnation ${this.node.incarnation}, ${this.node.up ? 'up' : 'down'})`,
      );
    }
  }
}
