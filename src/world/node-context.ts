import type { ServiceModel } from './service-model.js';
import type { NodeDomains } from './failure-domains.js';
import type { ClockConfig } from './clock.js';
import type { Draft } from 'immer';
import type { Rng } from '../kernel/rng.js';
// observe/metrics: a type-only import (no runtime edge from world to observe).
import type { NodeMetrics } from '../observe/metrics/node-metrics.js';
import type { NodeLogger } from './event-log.js';
import type { SpanHandle } from './span-api.js';

/**
 * The handlers of one incarnation of a node. All are optional. Any of them may be `async` (then
 * run the simulation with `await sim.runAsync()`).
 *
 * @example
 * ```ts
 * const handlers: NodeHandlers<string> = {
 *   onStart() { ctx.setTimer(100, 'tick'); },
 *   onMessage(from, message) { ctx.log(`got ${message} from ${from}`); },
 *   onTimer(name) { ctx.broadcast('ping'); ctx.setTimer(100, 'tick'); },
 * };
 * ```
 */
export interface NodeHandlers<M = unknown> {
  /**
   * Runs when the node is added (at the time it is added), as its first event: a message that
   * lands at that instant waits until it has run.
   */
  onStart?(): void | Promise<void>;
  /** Runs for each message delivered to the node that no `ctx.receive` is waiting for. */
  onMessage?(from: string, message: M): void | Promise<void>;
  /** Runs when a timer set with `ctx.setTimer` fires. */
  onTimer?(name: string, data: unknown): void | Promise<void>;
  /**
   * Runs after a restart, on the fresh handlers (falls back to `onStart` when absent), as the new
   * incarnation's first event: messages and calls already on their way for that instant wait.
   */
  onRecover?(): void | Promise<void>;
  /** Answers `ctx.call` requests: the returned value (or awaited value) is the reply. */
  onCall?(from: string, request: M): unknown;
}

/**
 * What node code can see and do. Time is the node's *local* clock; randomness is the node's own
 * stream; state that must survive a crash goes through `persist`.
 *
 * @example
 * ```ts
 * sim.addNode('a', (ctx) => ({
 *   onStart() { ctx.send('b', { type: 'hello', at: ctx.now() }); },
 * }));
 * ```
 */
export interface NodeContext<M = unknown, D = unknown> {
  /** This node's id. */
  readonly id: string;
  /** Ids of every other node, in the order they were added. */
  readonly peers: readonly string[];
  /** This node's random stream (seeded from the simulation seed and the node id). */
  readonly rng: Rng;
  /** Durable state as last persisted (deeply frozen). Survives crashes. */
  readonly durable: D;
  /** Which life of the node this is: 0 at first start, +1 for each crash (so each restart runs a new one). */
  readonly incarnation: number;
  /**
   * True while this context may act: its incarnation is the node's current one and the node is up
   * (a paused node is live; its timers wait for the resume). False once the node crashed, even
   * after a restart (the restart runs a new incarnation with a context of its own). Code that
   * keeps a context to act on later, from outside the node's own events, checks it first.
   *
   * @example
   * ```ts
   * if (kept.live) kept.setTimer(0, 'wake'); // else the node crashed since: a later onRecover starts afresh
   * ```
   */
  readonly live: boolean;
  /** The local clock's reading in ms (offset, drift and jumps applied). */
  now(): number;
  /** Sends a message over the simulated network. */
  send(to: string, message: M): void;
  /** Sends a message to every other node. */
  broadcast(message: M): void;
  /**
   * Arms the timer `name` to fire after `delayMs` of local time, re-arming it if already set (a
   * node has at most one pending timer per name). `data` is handed to `onTimer`.
   */
  setTimer(delayMs: number, name: string, data?: unknown): void;
  /** Disarms the timer `name`. Returns false if it was not pending. */
  cancelTimer(name: string): boolean;
  // observe/metrics
  /**
   * Counters, gauges and histograms of this node, in the simulation's registry (`sim.metrics`),
   * each series labelled `node` with this node's id. Made on first use.
   */
  readonly metrics: NodeMetrics;
  /**
   * Appends a structured entry to the simulation's event log: `ctx.log(message, fields)` at
   * `info`, or `ctx.log.debug/info/warn/error(message, fields)`.
   */
  readonly log: NodeLogger;
  // ---- tracing (issue 13, observe: tracing) ----
  /**
   * Starts a span (a no-op handle when tracing is off, see `sim.enableTracing`). Until it ends it
   * is the current span of the code that started it: spans that code starts and messages and
   * calls it sends are its children, carried across the network so a request through several
   * nodes is one trace. The current span is scoped to the code that runs, not to the node: every
   * event starts with none (a timer, `onStart`), or with the hop of the message it delivers
   * (`onMessage`, `onCall`), so requests that overlap on one node stay separate traces.
   *
   * Across `await` (there is no portable async context, so faultline carries it itself): the
   * awaitables faultline makes, `ctx.sleep`, `ctx.call`, `ctx.receive` and the promise
   * `ctx.span(name, body)` returns, resume their continuation in the span that was current when
   * they were made, so do awaits built only on them (`Promise.all` of calls, an `async` helper
   * that awaits them). A `ctx.receive` made outside any span resumes in the trace of the message
   * it takes. Limit: after awaiting a promise faultline did not make (your own, or a library's),
   * the code continues in the span of the code that settled it. That is the awaiting code's own
   * span when it settled it itself or the promise had already settled, but another request's
   * span, or a handler's, when that one settled it (a queue or lock shared by requests, a
   * promise resolved from `onMessage`). Around such a wait, use `ctx.span(name, () => wait)`:
   * its promise always returns to the caller's span. A handle that is never ended stays current
   * for the rest of the code that started it, after its awaits too.
   *
   * @example
   * ```ts
   * async onTimer() {
   *   const span = ctx.span('checkout');
   *   await ctx.sleep(5);
   *   await ctx.call('stock', { item: 42 }, { timeoutMs: 50 }); // a child of 'checkout'
   *   span.end();
   * }
   * ```
   */
  span(name: string): SpanHandle;
  /**
   * Runs `body` inside a new span, ending it when `body` returns or its promise settles (failed,
   * with the error's message, when it throws or rejects). The span is current for `body`,
   * including after its awaits (see the other overload for the rules and limits); the code
   * after `ctx.span` returns, and whoever awaits its promise, continues in the span around it.
   *
   * @example
   * ```ts
   * await ctx.span('checkout', async () => {
   *   await ctx.sleep(5);
   *   await ctx.call('payments', order, { timeoutMs: 100 }); // a child of 'checkout'
   * });
   * ```
   */
  span<T>(name: string, body: () => T): T;
  // ---- end tracing ----
  /** Updates durable state through an immer recipe (structural sharing, no deep copy). */
  persist(recipe: (draft: Draft<D>) => void | D): void;
  /**
   * Makes every persisted write durable. Needed only under a disk fault that caches writes
   * (`disk-unsynced-loss`): there, writes since the last sync are lost on crash.
   */
  sync(): void;
  /** Async: resolves after `delayMs` of local time. */
  sleep(delayMs: number): Promise<void>;
  /**
   * Async: resolves with the first message (from the mailbox or yet to arrive) that `filter`
   * accepts. With `timeoutMs`, rejects with `ReceiveTimeoutError` when none arrives in time.
   */
  receive(filter?: (message: M, from: string) => boolean, options?: { timeoutMs?: number }): Promise<Received<M>>;
  /**
   * Async: sends `request` to `to`, whose `onCall` handler answers; resolves with the answer or
   * rejects with `CallTimeoutError` after `timeoutMs` of local time.
   */
  call<R = unknown>(to: string, request: M, options: { timeoutMs: number }): Promise<R>;
}

/**
 * A message taken by `ctx.receive`.
 *
 * @example
 * ```ts
 * const { from, message } = await ctx.receive((m) => m.type === 'vote');
 * ```
 */
export interface Received<M = unknown> {
  /** The sender. */
  from: string;
  /** The message. */
  message: M;
}

/**
 * Builds one incarnation of a node: called when the node is added and again on every restart.
 * Whatever it keeps in its closure (or in the object it returns) is volatile state, gone on
 * crash; durable state lives in `ctx.durable`.
 *
 * @example
 * ```ts
 * const counter: NodeBehaviour<number, { total: number }> = (ctx) => {
 *   let sinceRestart = 0; // volatile
 *   return {
 *     onMessage(from, amount) {
 *       sinceRestart += amount;
 *       ctx.persist((state) => { state.total += amount; });
 *     },
 *   };
 * };
 * ```
 */
export type NodeBehaviour<M = unknown, D = unknown> = (ctx: NodeContext<M, D>) => NodeHandlers<M>;

/**
 * Options of `sim.addNode`.
 *
 * @example
 * ```ts
 * sim.addNode('eu-1', behaviour, { region: 'eu', clock: { driftPpm: 50 }, durable: { term: 0 } });
 * ```
 */
export interface AddNodeOptions<D = unknown> {
  /** Initial durable state. Default `undefined`. */
  durable?: D;
  /** The node's clock. Default: exact. */
  clock?: ClockConfig;
  /** Region name, for region link models. */
  region?: string;
  /** Messages the async mailbox may hold before it drops (`mailbox-overflow`). Default 10,000. */
  mailboxLimit?: number;
  /** Limited service capacity (messages per second and a bounded inbox). Default: unlimited. */
  service?: ServiceModel;
  // ---- failure domains, start delay (issue 15) ----
  /**
   * The failure domains the node belongs to (`zone`, `rack`, `power`): a `domain-outage` fault
   * takes out every node of one at once. Separate from `region`, which picks link models:
   * nodes of one region may hang off different racks and power feeds.
   */
  domains?: NodeDomains;
  /**
   * Provisioning time before the node starts, in ms (an autoscaler's boot delay). Until then it
   * exists (peers can address it) but is down: `onStart` has not run and messages to it are
   * dropped as `node-starting`, as a machine that is still booting refuses connections. Default 0.
   */
  startDelayMs?: number;
  // ---- end failure domains, start delay ----
}

/**
 * A read-only view of a node from outside the simulation, for tests and reports.
 *
 * @example
 * ```ts
 * const view = sim.node<MyHandlers>('a');
 * if (view.up) console.log(view.handlers.commitIndex, view.durable);
 * ```
 */
export interface NodeView<H = NodeHandlers, D = unknown> {
  /** The node's id. */
  readonly id: string;
  /** Position in the order nodes were added. */
  readonly index: number;
  /** False while crashed. */
  readonly up: boolean;
  /** 0 at first start, +1 on each crash. */
  readonly incarnation: number;
  /** The node's region, if it has one. */
  readonly region: string | undefined;
  /** The current incarnation's handlers object (its volatile state). */
  readonly handlers: H;
  /** Durable state as last persisted. */
  readonly durable: D;
  /** The node's local clock reading now. */
  readonly localTimeMs: number;
  // observe/metrics
  /** Messages waiting in the inbox for a limited service (0 without one). */
  readonly inboxLength: number;
  /**
   * How long a message arriving now would wait before service: the rest of the current service
   * time plus one service time per queued message (0 without a limited service).
   */
  readonly queueDelayMs: number;
  /** Writes (`ctx.persist`) that failed with `DiskError` (any code, any incarnation) since the node was added. */
  readonly diskWriteErrors: number;
}
