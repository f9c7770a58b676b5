import type { Draft } from 'immer';
import { InvalidStateError } from '../errors.js';
import type { EventLoop } from '../kernel/event-loop.js';
import type { Rng } from '../kernel/rng.js';
import type { AsyncOperations } from './async-operations.js';
import type { DurableStorage } from './durable-storage.js';
import type { EventLog, LogLevel, NodeLogger } from './event-log.js';
import type { NodeContext } from './node-context.js';
import type { NodeMetrics } from '../observe/metrics/node-metrics.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';
import type { NodeTimers } from './node-timers.js';
import type { Transmission } from './transmission.js';
import { disabledSpan } from './disabled-span.js';
import type { NodeSpans, SpanHandle } from './span-api.js';

/** The world's modules a node's context reaches: what `ctx` can do, each in the module named for it. */
export interface NodeServices {
  readonly loop: EventLoop;
  readonly registry: NodeRegistry;
  readonly transmission: Transmission;
  readonly timers: NodeTimers;
  readonly asyncOperations: AsyncOperations;
  readonly storage: DurableStorage;
  readonly log: EventLog;
  /** observe/metrics: the node-scoped view of `sim.metrics` (built on first use). */
  readonly metricsOf: (nodeId: string) => NodeMetrics;
  /** Tracing, once `sim.enableTracing` installs it. */
  spans: NodeSpans | undefined;
}

/**
 * The context of one incarnation. Once the node crashes, the old context refuses to act, so a
 * stray closure of a dead incarnation cannot send or persist from beyond the grave.
 */
export class IncarnationContext implements NodeContext<unknown, unknown> {
  readonly id: string;
  readonly incarnation: number;
  // True private fields: a user who logs or inspects `ctx` (or a test library that hashes it)
  // sees its id and incarnation, not the whole simulation behind it.
  readonly #services: NodeServices;
  readonly #node: NodeRuntime;
  #logger: NodeLogger | undefined;

  constructor(services: NodeServices, node: NodeRuntime) {
    this.#services = services;
    this.#node = node;
    this.id = node.id;
    this.incarnation = node.incarnation;
  }

  // The test requireAlive makes inline on the hot path (every send and timer), for code outside it.
  get live(): boolean {
    const node = this.#node;
    return !node.building && node.incarnation === this.incarnation && node.up;
  }

  get peers(): readonly string[] {
    return this.#services.registry.peersOf(this.#node);
  }

  get rng(): Rng {
    return this.#node.rng;
  }

  get durable(): unknown {
    return this.#node.durable;
  }

  now(): number {
    return this.#node.clock.read(this.#services.loop.now);
  }

  send(to: string, message: unknown): void {
    this.requireAlive('send');
    this.#services.transmission.send(this.#node, to, message);
  }

  broadcast(message: unknown): void {
    this.requireAlive('broadcast');
    this.#services.transmission.broadcast(this.#node, message);
  }

  setTimer(delayMs: number, name: string, data?: unknown): void {
    this.requireAlive('setTimer');
    this.#services.timers.set(this.#node, delayMs, name, data);
  }

  cancelTimer(name: string): boolean {
    this.requireAlive('cancelTimer');
    return this.#services.timers.cancel(this.#node, name);
  }

  // observe/metrics
  get metrics(): NodeMetrics {
    return this.#services.metricsOf(this.id);
  }

  /** Built on first use, so an incarnation that never logs allocates nothing for it. */
  get log(): NodeLogger {
    return (this.#logger ??= this.buildLogger());
  }

  span<T>(name: string, body?: () => T): SpanHandle | T {
    this.requireAlive('span');
    const spans = this.#services.spans;
    if (body === undefined) return spans === undefined ? disabledSpan : spans.start(this.#node, name);
    if (spans === undefined) return body();
    return spans.run(this.#node, name, body);
  }

  persist(recipe: (draft: Draft<unknown>) => unknown): void {
    this.requireAlive('persist');
    this.#services.storage.persist(this.#node, recipe);
  }

  sync(): void {
    this.requireAlive('sync');
    this.#services.storage.sync(this.#node);
  }

  sleep(delayMs: number): Promise<void> {
    this.requireAlive('sleep');
    return this.#services.asyncOperations.sleep(this.#node, delayMs);
  }

  receive(filter?: (message: unknown, from: string) => boolean, options?: { timeoutMs?: number }): Promise<{ from: string; message: unknown }> {
    this.requireAlive('receive');
    return this.#services.asyncOperations.receive(this.#node, filter, options);
  }

  call<R = unknown>(to: string, request: unknown, options: { timeoutMs: number }): Promise<R> {
    this.requireAlive('call');
    return this.#services.asyncOperations.call(this.#node, to, request, options) as Promise<R>;
  }

  private buildLogger(): NodeLogger {
    const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>): void => {
      this.requireAlive('log');
      this.#services.log.write(this.#node, level, message, fields);
    };
    return Object.assign(write('info'), { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') });
  }

  /**
   * Runs before every act of node code (every send and timer): one cheap test, with the messages
   * built out of line, keeps it small enough for V8 to inline into each act.
   */
  private requireAlive(operation: string): void {
    const node = this.#node;
    if (node.building || node.incarnation !== this.incarnation || !node.up) this.refuse(operation);
  }

  private refuse(operation: string): never {
    const node = this.#node;
    if (node.building) {
      throw new InvalidStateError(`ctx.${operation} on node '${this.id}' inside its behaviour factory: build handlers there, act in onStart or onRecover`);
    }
    throw new InvalidStateError(
      `ctx.${operation} on node '${this.id}' from incarnation ${this.incarnation}, which has crashed (current incarnation ${node.incarnation}, ${node.up ? 'up' : 'down'})`,
    );
  }
}
