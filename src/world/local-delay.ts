import { InvalidArgumentError } from '../errors.js';
import { EventLoop } from '../kernel/event-loop.js';
import type { NodeRuntime } from './node-runtime.js';

/**
 * The true duration of a delay the node's code gave on its local clock, checked so the event it
 * schedules lands no later than the kernel's last instant; the error names the caller's argument
 * (`ctx.setTimer on 'a': delayMs`, from `operation` and `argument`) rather than the kernel's.
 */
export function trueDelayOf(loop: EventLoop, node: NodeRuntime, localDelayMs: number, operation: string, argument: string): number {
  const trueDelayMs = node.clock.trueDurationOf(localDelayMs);
  if (loop.now + trueDelayMs <= EventLoop.maxSimulatedTimeMs) return trueDelayMs;
  // The field is built here only: setTimer is on the hot path of every heartbeat.
  const field = `${operation} on '${node.id}': ${argument}`;
  const latestLocalMs = (EventLoop.maxSimulatedTimeMs - loop.now) / node.clock.trueDurationOf(1);
  throw new InvalidArgumentError(field, localDelayMs, `a delay in [0, ${latestLocalMs}] ms on the node's clock (no event can be later than EventLoop.maxSimulatedTimeMs)`);
}
