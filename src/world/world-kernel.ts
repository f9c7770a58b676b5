import type { HandlerError } from '../errors.js';
import type { EventLoop } from '../kernel/event-loop.js';
import type { TraceHash } from '../kernel/trace-hash.js';

/**
 * What the world's modules use of the kernel: the loop's public API (time, scheduling, streams,
 * the trace recorder), the running hash for state changes that are not events of their own, and
 * the async runner's hooks. The simulation builds one and hands it to each module.
 */
export interface WorldKernel {
  readonly loop: EventLoop;
  readonly hash: TraceHash;
  readonly asyncRuns: AsyncRunHooks;
}

/** The async runner's hooks (protected on the event loop, so the simulation passes them on). */
export interface AsyncRunHooks {
  /** Throws unless running under `runAsync`; `what` names the async operation. */
  require(what: string): void;
  /** Continuations were released and must finish before time moves on. */
  noteWork(): void;
  /** Async node code threw; `runAsync` rethrows it after the current event. */
  noteFailure(error: HandlerError): void;
}
