import { InvalidArgumentError } from '../../errors.js';
import { requireNonNegative, requirePositive, requirePositiveInteger } from '../../validate.js';
import type { ServiceModel } from '../../world/service-model.js';
import type { Fault } from '../fault.js';
import type { FailureModel, FaultWorld } from '../failure-model.js';
import { paramsOf, targetOf } from './params.js';

const MAX_RATE_PER_SEC = 10_000_000;

/**
 * `capacity`: the target can handle only `messagesPerSec` messages per simulated second, with
 * at most `inboxLimit` waiting (default 1,000); excess waits (its delay shows as latency) and then
 * overflows (`inbox-overflow`). Revert restores the node's previous capacity.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'capacity', atMs: 0, durationMs: 60_000, target: 'db', params: { messagesPerSec: 200, inboxLimit: 100 } }]);
 * ```
 */
export const capacityModel: FailureModel = {
  kind: 'capacity',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const params = paramsOf(fault, field, ['messagesPerSec', 'inboxLimit']);
    requirePositive(params['messagesPerSec'], `${field}.params.messagesPerSec`);
    if (params['inboxLimit'] !== undefined) requirePositiveInteger(params['inboxLimit'], `${field}.params.inboxLimit`);
  },
  apply(fault, world) {
    const previous = world.service(fault.target!);
    world.setService(fault.target!, fault.params as unknown as ServiceModel);
    return previous;
  },
  revert(fault, world, _id, previous) {
    world.setService(fault.target!, previous as ServiceModel | undefined);
  },
  conflictKeys: (fault) => [`capacity:${fault.target}`],
};

/**
 * `traffic-spike`: for the fault's duration, messages arrive at the target from `params.from` (a
 * node, standing for the crowd of clients) at a Poisson rate ramping linearly from `ratePerSec`
 * to `endRatePerSec` (default: constant). Each carries `params.message`; an object message gets
 * two more fields, `sequence` (1, 2, …) and `sentAtMs` (true send time), to measure latency by. With a `capacity` on
 * the target this is how a Black-Friday spike or a DDoS becomes an observable overload.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'traffic-spike', atMs: 1_000, durationMs: 2_000, target: 'api',
 *   params: { from: 'clients', ratePerSec: 100, endRatePerSec: 5_000, message: { type: 'request' } } }]);
 * ```
 */
export const trafficSpikeModel: FailureModel = {
  kind: 'traffic-spike',
  requiresDuration: true,
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const params = paramsOf(fault, field, ['from', 'ratePerSec', 'endRatePerSec', 'message']);
    world.requireNode(params['from'], `${field}.params.from`);
    readRate(params['ratePerSec'], `${field}.params.ratePerSec`);
    if (params['endRatePerSec'] !== undefined) readRate(params['endRatePerSec'], `${field}.params.endRatePerSec`);
  },
  apply(fault, world) {
    const generator = { handle: -1, stopped: false };
    startArrivals(fault, world, generator);
    return generator;
  },
  revert(_fault, world, _id, generator) {
    const running = generator as { handle: number; stopped: boolean };
    running.stopped = true;
    world.cancel(running.handle);
  },
};

/** Object messages get `sequence` and `sentAtMs`, so node code can measure the latency it suffers. */
function stamped(message: unknown, sequence: number, sentAtMs: number): unknown {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return message;
  return { ...(message as Record<string, unknown>), sequence, sentAtMs };
}

function readRate(value: unknown, field: string): number {
  requireNonNegative(value, field);
  if (value > MAX_RATE_PER_SEC) throw new InvalidArgumentError(field, value, `a rate in [0, ${MAX_RATE_PER_SEC}] per second`);
  return value;
}

/** Poisson arrivals with a linearly changing rate, by thinning a process at the peak rate. */
function startArrivals(fault: Fault, world: FaultWorld, generator: { handle: number; stopped: boolean }): void {
  const params = fault.params!;
  const startRate = params['ratePerSec'] as number;
  const endRate = (params['endRatePerSec'] as number | undefined) ?? startRate;
  const peakPerMs = Math.max(startRate, endRate) / 1000;
  if (peakPerMs === 0) return;
  const rng = world.rng(`fault:traffic-spike:${fault.target}:${fault.atMs}`);
  const startMs = world.now;
  const durationMs = fault.durationMs!;
  let sent = 0;
  const next = (): void => {
    if (generator.stopped) return;
    const elapsedMs = world.now - startMs;
    const ratePerMs = (startRate + ((endRate - startRate) * Math.min(1, elapsedMs / durationMs))) / 1000;
    if (rng.random() * peakPerMs < ratePerMs) world.injectMessage(params['from'] as string, fault.target!, stamped(params['message'], ++sent, world.now));
    generator.handle = world.schedule(rng.exponential(1 / peakPerMs), next);
  };
  generator.handle = world.schedule(rng.exponential(1 / peakPerMs), next);
}
