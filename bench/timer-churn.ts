/**
 * Timer churn: the pattern of heartbeats and election timeouts, where most timers are re-armed
 * or cancelled long before they would fire.
 *
 * Every node runs a `tick` timer (every 1 to 2 ms). Each tick re-arms the node's `lease` timer
 * (50 ms, so it never fires: a re-arm cancels the pending one), except every fourth tick, which
 * cancels it with `cancelTimer`. Per processed event that is 1.75 timer arms and 0.75
 * cancellations on average; cancelled entries pile up in the queue until it compacts them. The
 * figure is processed (fired) events per second.
 */
import { EventLoop, Simulation } from '../src/index.js';
import type { BenchCase, Workload } from './measure.js';

const TICK_MIN_MS = 1;
const LEASE_MS = 50;
/** Events expected per measured batch. */
const BATCH_EVENTS = 1 << 14;
/** Mean tick interval: 1 + U(0, 1). */
const MEAN_TICK_MS = TICK_MIN_MS + 0.5;

/** Through the node API: ctx.setTimer (re-arm) and ctx.cancelTimer on a Simulation. */
function nodeTimerChurn(nodes: number): Workload {
  const sim = new Simulation({ seed: 1 });
  for (let index = 0; index < nodes; index++) {
    sim.addNode(`n${index}`, (ctx) => {
      let ticks = 0;
      return {
        onStart() {
          ctx.setTimer(ctx.rng.random(), 'tick');
        },
        onTimer() {
          if (++ticks % 4 === 0) ctx.cancelTimer('lease');
          else ctx.setTimer(LEASE_MS, 'lease');
          ctx.setTimer(TICK_MIN_MS + ctx.rng.random(), 'tick');
        },
      };
    });
  }
  const horizonMs = (BATCH_EVENTS * MEAN_TICK_MS) / nodes;
  return { iterate: () => sim.run({ until: sim.now + horizonMs }).eventsProcessed };
}

/** The same pattern one level down: EventLoop.scheduleEvent and EventLoop.cancel with handles. */
function kernelTimerChurn(timers: number): Workload {
  const loop = new EventLoop({ seed: 1 });
  const rng = loop.rng('churn');
  const leases = new Float64Array(timers).fill(-1);
  const ticks = new Uint32Array(timers);
  const lease = loop.defineEvent({ name: 'lease', handle: () => {} });
  const tick: number = loop.defineEvent({
    name: 'tick',
    handle: (timer) => {
      loop.cancel(leases[timer]!);
      leases[timer] = ++ticks[timer]! % 4 === 0 ? -1 : loop.scheduleEvent(LEASE_MS, lease, timer);
      loop.scheduleEvent(TICK_MIN_MS + rng.random(), tick, timer);
    },
  });
  for (let timer = 0; timer < timers; timer++) loop.scheduleEvent(rng.random(), tick, timer);
  const horizonMs = (BATCH_EVENTS * MEAN_TICK_MS) / timers;
  return { iterate: () => loop.run({ until: loop.now + horizonMs }).eventsProcessed };
}

export function timerChurnCases(nodes = 1000): BenchCase[] {
  return [
    { group: 'timer churn', name: 'ctx.setTimer/cancelTimer', parameters: { nodes }, metric: 'eventsPerSec', create: () => nodeTimerChurn(nodes) },
    { group: 'timer churn', name: 'EventLoop.scheduleEvent/cancel', parameters: { timers: nodes }, metric: 'eventsPerSec', create: () => kernelTimerChurn(nodes) },
  ];
}
