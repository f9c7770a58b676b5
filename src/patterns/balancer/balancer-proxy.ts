import { CallTimeoutError, InvalidArgumentError } from '../../errors.js';
import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireFunction, requireObject, requirePositive, requireString } from '../../validate.js';
import type { NodeBehaviour, NodeHandlers } from '../../world/node-context.js';
import { readTargets } from '../supervisor/detector-watch.js';
import { verdictFeed } from '../supervisor/verdicts.js';
import { resolveBalancerOptions, type LoadBalancerOptions } from './balancer-options.js';
import { LoadBalancer } from './load-balancer.js';

/**
 * The reply a balancer proxy gives instead of a backend's: `no-backend` (none in rotation) or
 * `timeout` (the backend did not answer within `timeoutMs`).
 *
 * @example
 * ```ts
 * const reply = await ctx.call('lb', request, { timeoutMs: 500 });
 * if (reply instanceof BalancerFailure) ctx.log(`failed: ${reply.reason}`);
 * ```
 */
export class BalancerFailure {
  constructor(
    /** Why the request failed. */
    readonly reason: 'no-backend' | 'timeout',
    /** The backend tried, for a timeout. */
    readonly backend?: string,
  ) {}
}

/**
 * Options of {@link loadBalancerProxy}.
 *
 * @example
 * ```ts
 * const options: ProxyOptions = { timeoutMs: 200, isError: (reply) => reply === 'error' };
 * ```
 */
export interface ProxyOptions {
  /** How long the proxy waits for a backend, on its clock, in ms (> 0). */
  timeoutMs: number;
  /** Which backend replies count as errors for outlier detection. Default: none (only timeouts). */
  isError?: (reply: unknown) => boolean;
}

/**
 * Options of {@link addLoadBalancer}: a balancer's options and its proxy's.
 *
 * @example
 * ```ts
 * const options: AddLoadBalancerOptions = { backends: ['b1', 'b2'], policy: 'power-of-two-choices', timeoutMs: 200 };
 * ```
 */
export interface AddLoadBalancerOptions extends LoadBalancerOptions, ProxyOptions {}

/**
 * A node behaviour that forwards each `ctx.call` it receives to the backend `balancer` picks
 * (with `ctx.call`, so run with `sim.runAsync()`), answers with the backend's reply or a
 * {@link BalancerFailure}, and reports every outcome and latency back to the balancer. A restart
 * of the proxy forgets the requests it had in flight.
 *
 * @example
 * ```ts
 * const balancer = new LoadBalancer({ backends: ['b1', 'b2'] });
 * sim.addNode('lb', loadBalancerProxy(balancer, { timeoutMs: 200 }));
 * ```
 */
export function loadBalancerProxy(balancer: LoadBalancer, options: ProxyOptions): NodeBehaviour {
  if (!(balancer instanceof LoadBalancer)) throw new InvalidArgumentError('balancer', balancer, 'a LoadBalancer');
  const { timeoutMs, isError } = readProxyOptions(options);
  return (ctx) => {
    const forget = (): void => balancer.resetOutstanding();
    const handlers: NodeHandlers = {
      onStart: forget,
      onRecover: forget,
      onCall: async (_from, request) => {
        const startedMs = ctx.now();
        const backend = balancer.pick(startedMs);
        if (backend === undefined) return new BalancerFailure('no-backend');
        try {
          const reply = await ctx.call(backend, request, { timeoutMs });
          balancer.finish(backend, { ok: !isError(reply), latencyMs: ctx.now() - startedMs }, ctx.now());
          return reply;
        } catch (error) {
          if (!(error instanceof CallTimeoutError)) throw error;
          balancer.finish(backend, { ok: false, latencyMs: ctx.now() - startedMs }, ctx.now());
          return new BalancerFailure('timeout', backend);
        }
      },
    };
    return handlers;
  };
}

/**
 * Adds a load-balancing proxy node `id`: a {@link LoadBalancer} over existing backend nodes,
 * drawing `power-of-two-choices` from the stream `sim.rng('balancer:' + id)` unless given one.
 * A verdict source built for the same id (`createHealthChecker(sim, id, ...)`) runs inside the
 * proxy, so the balancer acts on its own checks; one run by another node is followed as is.
 *
 * @example
 * ```ts
 * const health = createHealthChecker(sim, 'lb', { checks: backends.map((target) => ({ target, kind: 'liveness', intervalMs: 100, timeoutMs: 50 })) });
 * const balancer = addLoadBalancer(sim, 'lb', { backends, policy: 'least-outstanding', verdicts: health, timeoutMs: 200 });
 * ```
 */
export function addLoadBalancer(sim: Simulation, id: string, options: AddLoadBalancerOptions): LoadBalancer {
  requireString(id, 'id');
  const raw: unknown = options;
  requireObject(raw, 'options');
  const withRng = { ...options, rng: options.rng ?? sim.rng(`balancer:${id}`) };
  const resolved = resolveBalancerOptions(withRng, ['timeoutMs', 'isError']);
  readTargets(sim, resolved.backends.map((backend) => backend.id), 'options.backends');
  const { timeoutMs, isError, ...balancerOptions } = withRng;
  const proxyOptions: ProxyOptions = isError === undefined ? { timeoutMs } : { timeoutMs, isError };
  readProxyOptions(proxyOptions);
  const balancer = new LoadBalancer(balancerOptions);
  const proxy = loadBalancerProxy(balancer, proxyOptions);
  const feed = options.verdicts === undefined ? undefined : verdictFeed(options.verdicts, 'options.verdicts', ['liveness', 'readiness']);
  sim.addNode(id, feed !== undefined && feed.id === id ? feed.embedIn(proxy) : proxy);
  return balancer;
}

function readProxyOptions(options: unknown): { timeoutMs: number; isError: (reply: unknown) => boolean } {
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', ['timeoutMs', 'isError']);
  requirePositive(raw['timeoutMs'], 'options.timeoutMs');
  const isError = raw['isError'] ?? (() => false);
  requireFunction(isError, 'options.isError');
  return { timeoutMs: raw['timeoutMs'], isError: isError as (reply: unknown) => boolean };
}
