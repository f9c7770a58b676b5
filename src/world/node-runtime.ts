import type { Rng } from '../kernel/rng.js';
import type { BoundAdversary } from './adversary.js';
import type { NodeClock } from './clock.js';
import type { DiskState } from './disk-state.js';
import type { NodeDomains } from './failure-domains.js';
import type { NodeBehaviour, NodeHandlers } from './node-context.js';
import type { ServiceModel } from './service-model.js';

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
  /**
   * False from the moment an incarnation's handlers are built until its `onStart` / `onRecover`
   * has run: messages that arrive in between (at the same instant) wait, as for a pause, so the
   * start handler is the incarnation's first event whatever was already scheduled.
   */
  started = false;
  paused = false;
  held: HeldEvent[] = [];
  sendOmission = 0;
  receiveOmission = 0;
  adversary: BoundAdversary | undefined = undefined;
  /** The node's fault streams, made on first use (each draw stays on its own stream). */
  omissionRng: Rng | undefined = undefined;
  byzantineRng: Rng | undefined = undefined;
  service: Required<ServiceModel> | undefined = undefined;
  busyUntilMs = 0;
  inbox: QueuedMessage[] = [];
  serviceScheduled = false;
  syncedDurable: unknown;
  readonly disk: DiskState = { cacheWrites: false, failProbability: 0, full: false };
  /** Writes (`ctx.persist`) that failed with `DiskError`, over the node's life (issue 14). */
  diskWriteErrors = 0;
  // ---- failure domains, removal, start delay (issue 15) ----
  /** The failure domains the node belongs to (frozen; empty when it declared none). */
  domains: Readonly<NodeDomains> = {};
  /** True while a start delay runs: the node exists (peers can address it) but has not started. */
  provisioning = false;
  /** The pending `start` event of a provisioning node, so a crash while it boots can cancel it. */
  startHandle = -1;
  /** True from a graceful `removeNode` until the node is removed: new messages are refused. */
  draining = false;
  /** True once removed: down for good, its id never reused. */
  removed = false;
  // ---- end failure domains, removal, start delay ----

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

  /** Keeps an event for a paused node; it runs, in order, when the node resumes. */
  hold(kind: number, a: number, b: number, c: number, payload: unknown): void {
    this.held.push({ kind, a, b, c, payload });
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
