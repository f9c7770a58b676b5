import { CallTimeoutError, HandlerError, ReceiveTimeoutError } from '../errors.js';
import { rejectUnknownKeys, requireFunction, requireNonNegative, requireObject, requirePositive } from '../validate.js';
import { CallReply, CallRequest } from './call-envelope.js';
import { trueDelayOf } from './local-delay.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime, ReceiveWaiter } from './node-runtime.js';
import type { Transmission } from './transmission.js';
import type { WorldEventKinds } from './world-events.js';
import type { WorldKernel } from './world-kernel.js';
import type { AwaitTap, MessageTap, SpanHandle } from './span-api.js';

/**
 * Node code under `runAsync`: handlers that return promises, `ctx.sleep`, `ctx.receive` and
 * `ctx.call`, and the events that wake, time out or answer them.
 */
export class AsyncOperations {
  /**
   * Tracing's view of calls ending and of awaits (each resumes in the span current when it was
   * created); undefined (and never called) unless tracing is on.
   */
  tap: (MessageTap & AwaitTap) | undefined = undefined;

  constructor(
    private readonly kernel: WorldKernel,
    private readonly kinds: WorldEventKinds,
    private readonly registry: NodeRegistry,
    private readonly transmission: Transmission,
  ) {}

  /** Runs a handler's returned promise as an async process, or does nothing for a plain return. */
  adopt(node: NodeRuntime, result: unknown, event: string): void {
    if (!isThenable(result)) return;
    const asyncRuns = this.kernel.asyncRuns;
    // Attach the rejection handler first: if the sync runner refuses the promise below, its
    // rejection must not surface later as an unhandled rejection.
    result.then(undefined, (error: unknown) => {
      asyncRuns.noteFailure(new HandlerError(node.id, `${event} (async)`, this.kernel.loop.now, error));
    });
    asyncRuns.require(`node '${node.id}' ${event} returned a Promise, so it`);
    asyncRuns.noteWork();
  }

  sleep(node: NodeRuntime, delayMs: number): Promise<void> {
    this.kernel.asyncRuns.require(`ctx.sleep on '${node.id}'`);
    requireNonNegative(delayMs, `ctx.sleep on '${node.id}': delayMs`);
    const trueDelayMs = trueDelayOf(this.kernel.loop, node, delayMs, 'ctx.sleep', 'delayMs');
    const tap = this.tap;
    return new Promise((resolve) => {
      const wake = tap === undefined ? resolve : resumingIn(tap, node, tap.contextOf(node), resolve);
      this.kernel.loop.scheduleEvent(trueDelayMs, this.kinds.wake, node.index, node.incarnation, 0, 0, wake);
    });
  }

  receive(node: NodeRuntime, filter: ReceiveWaiter['filter'], options: { timeoutMs?: number } | undefined): Promise<{ from: string; message: unknown }> {
    this.kernel.asyncRuns.require(`ctx.receive on '${node.id}'`);
    const field = `ctx.receive on '${node.id}'`;
    if (filter !== undefined) requireFunction(filter, `${field}: filter`);
    const timeoutMs = readTimeout(options, field, false);
    const trueTimeoutMs = timeoutMs === undefined ? undefined : trueDelayOf(this.kernel.loop, node, timeoutMs, 'ctx.receive', 'options.timeoutMs');
    const position = node.mailbox.findIndex((entry) => filter === undefined || filter(entry.message, entry.from));
    // Taken from the mailbox: the continuation runs in this step, in the span current now.
    if (position >= 0) return Promise.resolve(node.mailbox.splice(position, 1)[0]!);
    const tap = this.tap;
    return new Promise((resolve, reject) => {
      const waiter: ReceiveWaiter =
        tap === undefined
          ? { filter, resolve, reject, timeoutMs: timeoutMs ?? Infinity, timeoutHandle: -1 }
          : { filter, ...receivingIn(tap, node, resolve, reject), timeoutMs: timeoutMs ?? Infinity, timeoutHandle: -1 };
      node.receivers.push(waiter);
      if (trueTimeoutMs === undefined) return;
      waiter.timeoutHandle = this.kernel.loop.scheduleEvent(trueTimeoutMs, this.kinds.receiveTimeout, node.index, node.incarnation, 0, 0, waiter);
    });
  }

  call(node: NodeRuntime, to: string, request: unknown, options: { timeoutMs: number }): Promise<unknown> {
    const field = `ctx.call on '${node.id}'`;
    this.kernel.asyncRuns.require(field);
    const toIndex = this.registry.indexOf(to, `${field}: to`);
    const timeoutMs = readTimeout(options, field, true)!;
    const trueTimeoutMs = trueDelayOf(this.kernel.loop, node, timeoutMs, 'ctx.call', 'options.timeoutMs');
    const callId = node.nextCallId++;
    const tap = this.tap;
    return new Promise((resolve, reject) => {
      const timeoutHandle = this.kernel.loop.scheduleEvent(trueTimeoutMs, this.kinds.callTimeout, node.index, node.incarnation, callId);
      if (tap === undefined) node.calls.set(callId, { to, timeoutMs, resolve, reject, timeoutHandle });
      else {
        const context = tap.contextOf(node);
        node.calls.set(callId, { to, timeoutMs, resolve: resumingIn(tap, node, context, resolve), reject: resumingIn(tap, node, context, reject), timeoutHandle });
      }
      this.transmission.sendFrom(node, toIndex, new CallRequest(callId, request));
    });
  }

  handleWake(target: number, incarnation: number, resume: () => void): void {
    const node = this.registry.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return node.hold(this.kinds.wake, incarnation, 0, 0, resume);
    resume();
    this.kernel.asyncRuns.noteWork();
  }

  handleReceiveTimeout(target: number, incarnation: number, waiter: ReceiveWaiter): void {
    const node = this.registry.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return node.hold(this.kinds.receiveTimeout, incarnation, 0, 0, waiter);
    const position = node.receivers.indexOf(waiter);
    if (position < 0) return;
    node.receivers.splice(position, 1);
    waiter.reject(new ReceiveTimeoutError(waiter.timeoutMs));
    this.kernel.asyncRuns.noteWork();
  }

  handleCallTimeout(target: number, incarnation: number, callId: number): void {
    const node = this.registry.nodes[target]!;
    if (!node.up || node.incarnation !== incarnation) return;
    if (node.paused) return node.hold(this.kinds.callTimeout, incarnation, callId, 0, undefined);
    const call = node.calls.get(callId);
    if (call === undefined) return;
    node.calls.delete(callId);
    if (this.tap !== undefined) this.tap.callSettled(node, callId, true);
    call.reject(new CallTimeoutError(call.to, call.timeoutMs));
    this.kernel.asyncRuns.noteWork();
  }

  /** Removes and returns the first waiting receive whose filter accepts the message. */
  takeReceiver(node: NodeRuntime, from: string, message: unknown): ReceiveWaiter | undefined {
    const receivers = node.receivers;
    for (let position = 0; position < receivers.length; position++) {
      const waiter = receivers[position]!;
      if (waiter.filter !== undefined && !waiter.filter(message, from)) continue;
      receivers.splice(position, 1);
      this.kernel.loop.cancel(waiter.timeoutHandle);
      return waiter;
    }
    return undefined;
  }

  /** Runs `onCall` for a request and sends its reply (at once, or when its promise settles). */
  answerCall(node: NodeRuntime, from: number, envelope: CallRequest): void {
    const incarnation = node.incarnation;
    const reply = node.handlers.onCall!(this.registry.idOf(from), envelope.request);
    if (!isThenable(reply)) return this.transmission.sendFrom(node, from, new CallReply(envelope.callId, reply));
    const asyncRuns = this.kernel.asyncRuns;
    reply.then(
      (value) => {
        try {
          if (node.up && node.incarnation === incarnation) this.transmission.sendFrom(node, from, new CallReply(envelope.callId, value));
        } catch (error) {
          asyncRuns.noteFailure(new HandlerError(node.id, 'onCall (async reply)', this.kernel.loop.now, error));
        }
      },
      (error: unknown) => asyncRuns.noteFailure(new HandlerError(node.id, 'onCall (async)', this.kernel.loop.now, error)),
    );
    asyncRuns.require(`node '${node.id}' onCall returned a Promise, so it`);
    asyncRuns.noteWork();
  }

  /** Resolves the pending call a reply answers (the caller checked that it is pending). */
  completeCall(node: NodeRuntime, envelope: CallReply): void {
    const call = node.calls.get(envelope.callId)!;
    node.calls.delete(envelope.callId);
    this.kernel.loop.cancel(call.timeoutHandle);
    if (this.tap !== undefined) this.tap.callSettled(node, envelope.callId, false);
    call.resolve(envelope.reply);
    this.kernel.asyncRuns.noteWork();
  }
}

/** Wraps a settle function (a promise's resolve or reject) so its continuation runs in `context`. */
function resumingIn<V>(tap: AwaitTap, node: NodeRuntime, context: SpanHandle | undefined, settle: (value: V) => void): (value: V) => void {
  return (value) => {
    tap.resumeIn(node, context);
    settle(value);
  };
}

/**
 * A receive's settle functions under tracing. A receive made outside any span continues in the
 * trace of the message it takes (the hop is current while that message is delivered).
 */
function receivingIn(
  tap: AwaitTap,
  node: NodeRuntime,
  resolve: ReceiveWaiter['resolve'],
  reject: ReceiveWaiter['reject'],
): Pick<ReceiveWaiter, 'resolve' | 'reject'> {
  const context = tap.contextOf(node);
  return {
    resolve: (received) => {
      tap.resumeIn(node, context ?? tap.contextOf(node));
      resolve(received);
    },
    reject: resumingIn(tap, node, context, reject),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
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
