/**
 * PHOLD, the standard synthetic benchmark of discrete-event kernels: `lps` logical processes and
 * `lps * pop` events in flight. Each event, when it runs, schedules one new event at a uniformly
 * random process after 0.1 + Exp(1) time units. The population is constant, so the kernel's
 * queue stays at `lps * pop` pending events.
 *
 * This file runs PHOLD through faultline's public API (EventLoop, defineEvent, scheduleEvent and
 * a named random stream); baseline-heap.ts runs the same model on a hand-written heap.
 */
import { EventLoop } from '../src/index.js';

export interface PholdParameters {
  /** Logical processes. */
  lps: number;
  /** Events in flight per process. */
  pop: number;
}

/**
 * A PHOLD instance that can be advanced batch by batch. No event can run before LOOKAHEAD, so a
 * model starts at that time: the first batch then finds events however many are in flight.
 */
export interface PholdModel {
  /**
   * Runs about `events` events: every event up to the simulated time by which `events` are
   * expected at the steady-state rate. Returns how many actually ran.
   */
  advance(events: number): number;
}

export const LOOKAHEAD = 0.1;
export const MEAN_DELAY = LOOKAHEAD + 1;

/** Simulated time in which `events` events are expected to run. */
export function horizonFor(events: number, { lps, pop }: PholdParameters): number {
  return (events * MEAN_DELAY) / (lps * pop);
}

/** PHOLD on a faultline EventLoop. */
export function createFaultlinePhold(parameters: PholdParameters, seed = 1): PholdModel {
  const { lps, pop } = parameters;
  const loop = new EventLoop({ seed });
  const rng = loop.rng('phold');
  const lastLp = lps - 1;
  const kind: number = loop.defineEvent({
    name: 'phold',
    handle: () => {
      loop.scheduleEvent(LOOKAHEAD + rng.exponential(1), kind, rng.int(0, lastLp));
    },
  });
  for (let lp = 0; lp < lps; lp++) {
    for (let copy = 0; copy < pop; copy++) loop.scheduleEvent(LOOKAHEAD + rng.exponential(1), kind, lp);
  }
  loop.run({ until: LOOKAHEAD });
  return {
    advance(events) {
      const until = loop.now + horizonFor(events, parameters);
      return loop.run({ until, maxEvents: 2 * events + lps * pop }).eventsProcessed;
    },
  };
}
