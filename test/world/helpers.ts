// Shared fixtures for the world-layer tests: nodes that record what reaches them, a handle on a
// node's context for driving it from outside, and small statistics helpers.
import type { AddNodeOptions, NodeContext, Simulation } from '../../src/index.js';

/** One message as a recording node saw it. */
export interface Arrival<M = unknown> {
  /** True time of delivery. */
  timeMs: number;
  /** The receiver's local clock at delivery. */
  localTimeMs: number;
  from: string;
  message: M;
}

/** A node whose context the test keeps, so it can send from scheduled callbacks. */
export interface Probe<M = unknown> {
  /** The context of the node's current incarnation. */
  readonly ctx: NodeContext<M>;
  /** Every message delivered to `onMessage`, across incarnations. */
  readonly arrivals: Arrival<M>[];
}

/** Adds a node that keeps its context and records each delivered message. */
export function addProbe<M = unknown>(sim: Simulation, id: string, options?: AddNodeOptions): Probe<M> {
  const arrivals: Arrival<M>[] = [];
  let current: NodeContext<M> | undefined;
  sim.addNode<M>(
    id,
    (ctx) => {
      current = ctx;
      return {
        onMessage(from, message) {
          arrivals.push({ timeMs: sim.now, localTimeMs: ctx.now(), from, message });
        },
      };
    },
    options,
  );
  return {
    get ctx() {
      return current!;
    },
    arrivals,
  };
}

/** Sends `count` messages `{ seq }` from `from` to `to`, `gapMs` apart, the first at `startMs`. */
export function sendSequence(sim: Simulation, from: Probe<{ seq: number }>, to: string, count: number, gapMs: number, startMs = 0): void {
  for (let seq = 0; seq < count; seq++) {
    sim.schedule(startMs - sim.now + seq * gapMs, () => from.ctx.send(to, { seq }));
  }
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample standard deviation. */
export function stdDev(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((sum, value) => sum + (value - m) ** 2, 0) / (values.length - 1));
}

/** Pairs (i < j) whose order of arrival is the reverse of their order of sending. */
export function inversions(sequence: readonly number[]): number {
  let count = 0;
  for (let i = 0; i < sequence.length; i++) {
    for (let j = i + 1; j < sequence.length; j++) if (sequence[i]! > sequence[j]!) count++;
  }
  return count;
}

/** Standard error of a proportion `p` estimated from `n` Bernoulli trials. */
export function binomialStandardError(p: number, n: number): number {
  return Math.sqrt((p * (1 - p)) / n);
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw). */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned normally');
}

/** Awaits `promise` and returns its rejection reason (failing the test if it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
