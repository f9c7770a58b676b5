/**
 * Delivery to a crashed node: the cost of a message that travels its link (latency draw, loss
 * check, cut check) and is dropped on arrival because its addressee is down, as under a crash
 * fault. One sender node re-sends on a timer to a peer that is crashed for the whole run;
 * reported in messages dropped per second.
 */
import { Simulation } from '../src/index.js';
import type { BenchCase, Workload } from './measure.js';

const MESSAGES_PER_TICK = 64;
const TICK_MS = 1;
const BATCH_TICKS = 256;

function crashedDelivery(): Workload {
  const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 }, lossProbability: 1e-5 } } });
  const message = Object.freeze({ type: 'request' });
  sim.addNode('sender', (ctx) => ({
    onStart: () => ctx.setTimer(TICK_MS, 'tick'),
    onTimer() {
      for (let copy = 0; copy < MESSAGES_PER_TICK; copy++) ctx.send('down', message);
      ctx.setTimer(TICK_MS, 'tick');
    },
  }));
  sim.addNode('down', () => ({}));
  sim.crash('down');
  return {
    iterate() {
      const before = sim.network.stats().dropped['node-down'];
      sim.run({ until: sim.now + BATCH_TICKS * TICK_MS });
      return sim.network.stats().dropped['node-down'] - before;
    },
  };
}

export function crashedDeliveryCases(): BenchCase[] {
  return [{ group: 'delivery to a crashed node', name: 'Simulation, addressee crashed', parameters: { messagesPerTick: MESSAGES_PER_TICK }, metric: 'messagesPerSec', create: crashedDelivery }];
}
