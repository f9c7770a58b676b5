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
    if (this.node.incarnation !== this.incarnation || !this.node.up) {
      throw new InvalidStateError(
        `ctx.${operation} on node '${this.id}' from incarnation ${this.incarnation}, which has crashed (current incarnation ${this.node.incarnation}, ${this.node.up ? 'up' : 'down'})`,
      );
    }
  }
}
