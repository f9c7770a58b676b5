import { InvalidArgumentError } from '../../errors.js';
import type { NodeBehaviour, NodeHandlers } from '../../world/node-context.js';
import { rejectUnknownKeys, requireFunction, requireObject } from '../../validate.js';
import { ADMISSION_OPTION_KEYS, AdmissionController, type AdmissionOptions, type AdmissionStats, type ShedReason } from './admission-controller.js';

/**
 * The reply a shedding server sends when it sheds a request and has no degraded answer: cheap to
 * make, and easy for a client to recognise (`isFailure: (reply) => reply instanceof ShedReply`).
 *
 * @example
 * ```ts
 * const reply = await ctx.call('api', request, { timeoutMs: 100 });
 * if (reply instanceof ShedReply) ctx.log('shed', { reason: reply.reason });
 * ```
 */
export class ShedReply {
  constructor(
    /** Why the request was shed. */
    readonly reason: ShedReason,
  ) {}
}

/**
 * {@link AdmissionOptions} plus how a server classifies requests and answers those it sheds.
 *
 * @example
 * ```ts
 * const shedding: LoadSheddingOptions = {
 *   maxConcurrent: 4, queueDeadlineMs: 100, priorities: ['user', 'batch'],
 *   priorityOf: (request) => (request as { batch?: boolean }).batch ? 'batch' : 'user',
 *   degrade: (request) => cache.get(request), // a stale answer beats none
 * };
 * ```
 */
export interface LoadSheddingOptions extends AdmissionOptions {
  /** The class of a request. Default: the first class for every request. */
  priorityOf?: (request: unknown, from: string) => string;
  /**
   * Degraded mode: the answer to a shed request (a cached or cheaper one), made at once without a
   * slot. Default: a {@link ShedReply}.
   */
  degrade?: (request: unknown, reason: ShedReason, from: string) => unknown;
}

/**
 * The handlers of a node built with {@link withLoadShedding}: the node's own, plus the counts of
 * its admission decisions.
 *
 * @example
 * ```ts
 * const { admitted, shed } = sim.node<LoadSheddingHandlers>('api').handlers.shedding;
 * ```
 */
export interface LoadSheddingHandlers<M = unknown> extends NodeHandlers<M> {
  /** Admitted and shed requests of this incarnation. */
  readonly shedding: AdmissionStats;
}

interface PendingCall {
  from: string;
  request: unknown;
  resolve: (reply: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Wraps a server's behaviour with admission control: its `onCall` runs for at most
 * `maxConcurrent` requests at once (an `async` handler holds its slot until it settles); the rest
 * queue by priority, and are shed (answered with `degrade`'s answer or a {@link ShedReply}) when
 * the queue is full, when they outwait `queueDeadlineMs`, or when CoDel finds a standing queue.
 * Every other handler is the node's own. The queue is volatile: a crash loses it. The wrapped
 * `onCall` returns a promise, so run the simulation with `sim.runAsync()`.
 *
 * @example
 * ```ts
 * sim.addNode('api', withLoadShedding((ctx) => ({
 *   async onCall(from, request) { await ctx.sleep(10); return 'done'; },
 * }), { maxConcurrent: 4, queueDeadlineMs: 100 }));
 * ```
 */
export function withLoadShedding<M = unknown, D = unknown>(behaviour: NodeBehaviour<M, D>, options: LoadSheddingOptions): NodeBehaviour<M, D> {
  requireFunction(behaviour, 'behaviour');
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', [...ADMISSION_OPTION_KEYS, 'priorityOf', 'degrade']);
  const { priorityOf, degrade, ...admission } = options;
  if (priorityOf !== undefined) requireFunction(priorityOf, 'options.priorityOf');
  if (degrade !== undefined) requireFunction(degrade, 'options.degrade');
  // Built once now so bad admission options fail here, not when the node starts.
  new AdmissionController(admission, 'options');
  return (ctx) => {
    const handlers = behaviour(ctx);
    const onCall = handlers.onCall;
    if (typeof onCall !== 'function') throw new InvalidArgumentError(`behaviour of '${ctx.id}'`, handlers, 'handlers with an onCall to shed in front of');
    const controller = new AdmissionController<PendingCall>(admission, 'options');
    const classOf = (request: unknown, from: string): string => (priorityOf === undefined ? controller.priorities[0]! : priorityOf(request, from));
    const answerShed = (call: PendingCall, reason: ShedReason): void => {
      try {
        call.resolve(degrade === undefined ? new ShedReply(reason) : degrade(call.request, reason, call.from));
      } catch (error) {
        call.reject(error);
      }
    };
    const run = (call: PendingCall): void => {
      let result: unknown;
      try {
        result = onCall.call(handlers, call.from, call.request as M);
      } catch (error) {
        call.reject(error);
        return done();
      }
      Promise.resolve(result).then(
        (reply) => (call.resolve(reply), done()),
        (error: unknown) => (call.reject(error), done()),
      );
    };
    const done = (): void => {
      const { next, shed } = controller.finish(ctx.now());
      for (const { item, reason } of shed) answerShed(item, reason);
      if (next !== undefined) run(next);
    };
    const wrapped = Object.create(handlers) as LoadSheddingHandlers<M> & { shedding: AdmissionStats };
    Object.defineProperty(wrapped, 'shedding', { value: controller.stats, enumerable: true });
    wrapped.onCall = (from: string, request: M): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const call: PendingCall = { from, request, resolve, reject };
        const admission = controller.offer(call, classOf(request, from), ctx.now());
        if (admission.decision === 'run') return run(call);
        if (admission.decision === 'shed') return answerShed(call, admission.reason);
        if (admission.evicted !== undefined) answerShed(admission.evicted, 'evicted');
      });
    return wrapped;
  };
}
