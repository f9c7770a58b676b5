import { InvalidArgumentError } from '../../errors.js';
import type { NodeBehaviour, NodeHandlers } from '../../world/node-context.js';
import type { HealthCheckKind } from './health-check-options.js';

/** A probe on the wire, from a checker to a target. */
export class HealthProbe {
  constructor(
    readonly checkIndex: number,
    readonly probeId: number,
    readonly kind: HealthCheckKind,
    readonly request: unknown,
  ) {}
}

/** A target's answer to a {@link HealthProbe}. */
export class HealthProbeReply {
  constructor(
    readonly checkIndex: number,
    readonly probeId: number,
    readonly reply: unknown,
  ) {}
}

/**
 * Wraps a node's behaviour with a health endpoint, as a service exposes `/livez` and `/readyz`.
 * Both probes arrive as messages, so like every message they wait while the node is paused and
 * queue in its inbox behind a backlog when it has a limited service (as a real `/livez` waits
 * for the saturated server that serves it: an overloaded node can fail liveness too). Then a
 * liveness probe is answered without the node's handlers, and a readiness probe by the node's
 * own `onCall` handler with the check's request, so it takes the whole path a client's
 * `ctx.call` takes (the inbox, the service model, the handler). Every other message
 * reaches the node's `onMessage` unchanged. A `ctx.receive` waiting with no filter would take a
 * probe first: give it a filter.
 *
 * @example
 * ```ts
 * sim.addNode('api', withHealthEndpoint((ctx) => ({ onCall: (from, request) => 'ok' })), { service });
 * ```
 */
export function withHealthEndpoint<M = unknown, D = unknown>(behaviour: NodeBehaviour<M, D>): NodeBehaviour<M, D> {
  if (typeof behaviour !== 'function') throw new InvalidArgumentError('behaviour', behaviour, 'a node behaviour (a function of ctx)');
  return (ctx) => {
    const handlers = behaviour(ctx);
    // Inherit from the node's handlers so `sim.node(id).handlers` still shows its state.
    const wrapped = Object.create(handlers) as NodeHandlers<M>;
    wrapped.onMessage = (from: string, message: M): void | Promise<void> => {
      if (!(message instanceof HealthProbe)) return handlers.onMessage?.call(handlers, from, message);
      if (message.kind === 'liveness') return ctx.send(from, new HealthProbeReply(message.checkIndex, message.probeId, undefined) as M);
      if (handlers.onCall === undefined) {
        throw new InvalidArgumentError(`readiness probe of '${ctx.id}'`, message.request, 'a target whose handlers have onCall to answer it');
      }
      const reply = handlers.onCall.call(handlers, from, message.request as M);
      const answer = (value: unknown): void => ctx.send(from, new HealthProbeReply(message.checkIndex, message.probeId, value) as M);
      if (isThenable(reply)) return Promise.resolve(reply).then(answer);
      answer(reply);
    };
    return wrapped;
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
