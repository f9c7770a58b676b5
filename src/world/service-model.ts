import { rejectUnknownKeys, requireObject, requirePositive, requirePositiveInteger } from '../validate.js';

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

const DEFAULT_INBOX_LIMIT = 1_000;

/** Checks a service model and fills in its defaults. */
export function readServiceModel(service: unknown, field: string): Required<ServiceModel> {
  requireObject(service, field);
  rejectUnknownKeys(service, field, ['messagesPerSec', 'inboxLimit']);
  requirePositive(service['messagesPerSec'], `${field}.messagesPerSec`);
  const inboxLimit = service['inboxLimit'] === undefined ? DEFAULT_INBOX_LIMIT : service['inboxLimit'];
  requirePositiveInteger(inboxLimit, `${field}.inboxLimit`);
  return { messagesPerSec: service['messagesPerSec'], inboxLimit };
}
