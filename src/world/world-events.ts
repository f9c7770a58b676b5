import type { EventHandler, EventLoop } from '../kernel/event-loop.js';
import { CallRequest } from './call-envelope.js';
import type { NodeRegistry } from './node-registry.js';

/** The kernel's numbers for the world's event kinds. */
export interface WorldEventKinds {
  /** `onStart` (b = 0) or `onRecover` (b = 1) of incarnation a. */
  readonly start: number;
  /** A message arriving over link b from a, with message id c. */
  readonly deliver: number;
  /** Timer named by the payload, of incarnation a. */
  readonly timer: number;
  /** A `ctx.sleep` ending; the payload resumes it. */
  readonly wake: number;
  /** A `ctx.receive` giving up; the payload is its waiter. */
  readonly receiveTimeout: number;
  /** A `ctx.call` giving up on call id b. */
  readonly callTimeout: number;
  /** A message that reached a paused node, taken when it resumes. */
  readonly heldDeliver: number;
  /** The node takes the next message from its service inbox. */
  readonly service: number;
}

/** What runs for each world event kind. */
export type WorldEventHandlers = { readonly [K in keyof WorldEventKinds]: EventHandler };

/**
 * Defines the world's event kinds on the loop. The order of definition numbers the kinds, and
 * the numbers are mixed into the trace hash: keep it.
 */
export function defineWorldEvents(loop: EventLoop, registry: NodeRegistry, handle: WorldEventHandlers): WorldEventKinds {
  const about = (target: number, event: string): { nodeId: string; event: string } => ({ nodeId: registry.idOf(target), event });
  return {
    start: loop.defineKnownEvent({ name: 'start', handle: handle.start, describe: (t, _a, b) => about(t, b === 1 ? 'onRecover' : 'onStart') }),
    deliver: loop.defineKnownEvent({
      name: 'deliver',
      handle: handle.deliver,
      describe: (t, a, _b, _c, p) => about(t, `${p instanceof CallRequest ? 'onCall' : 'onMessage'} from '${registry.idOf(a)}'`),
    }),
    timer: loop.defineKnownEvent({ name: 'timer', handle: handle.timer, describe: (t, _a, _b, _c, p) => about(t, `onTimer '${String(p)}'`) }),
    wake: loop.defineKnownEvent({ name: 'wake', handle: handle.wake, describe: (t) => about(t, 'sleep wake-up') }),
    receiveTimeout: loop.defineKnownEvent({ name: 'receive-timeout', handle: handle.receiveTimeout, describe: (t) => about(t, 'receive timeout') }),
    callTimeout: loop.defineKnownEvent({ name: 'call-timeout', handle: handle.callTimeout, describe: (t) => about(t, 'call timeout') }),
    heldDeliver: loop.defineKnownEvent({
      name: 'deliver-held',
      handle: handle.heldDeliver,
      describe: (t, a) => about(t, `onMessage from '${registry.idOf(a)}' (held by a pause)`),
    }),
    service: loop.defineKnownEvent({ name: 'service', handle: handle.service, describe: (t) => about(t, 'onMessage (from its inbox)') }),
  };
}
