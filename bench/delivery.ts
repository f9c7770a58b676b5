/**
 * Message delivery through the simulated network: a full mesh of nodes on the default link
 * (uniform latency, a small loss probability so the loss draw runs on every send). Each node
 * starts a few messages; every delivered message makes its receiver send one new message to a
 * random peer (`ctx.rng`), so the number in flight stays nearly constant. Reported in messages
 * delivered per second.
 *
 * The 100-node mesh (9,900 directed links) is the case with a target. A 10-node mesh with the
 * same number of messages in flight is measured as a control: it runs the same code per message
 * but its 90 links' state fits in the CPU caches, so the gap between the two is the cost of
 * per-link state.
 */
import { Simulation } from '../src/index.js';
import type { BenchCase, Workload } from './measure.js';

/** Messages expected per measured batch. */
const BATCH_MESSAGES = 1 << 14;
const MIN_LATENCY_MS = 1;
const MAX_LATENCY_MS = 5;

export interface DeliveryParameters {
  nodes: number;
  /** Messages each node starts with. */
  inFlightPerNode: number;
  /** Small, so the population barely decays over a run, but > 0 so the loss check runs. */
  lossProbability: number;
}

export const defaultDeliveryParameters: DeliveryParameters = { nodes: 100, inFlightPerNode: 10, lossProbability: 1e-5 };
const controlParameters: DeliveryParameters = { nodes: 10, inFlightPerNode: 100, lossProbability: 1e-5 };

export const DELIVERY = 'Simulation full mesh';
export const DELIVERY_CONTROL = 'Simulation 10-node mesh (control)';

function delivery({ nodes, inFlightPerNode, lossProbability }: DeliveryParameters): Workload {
  const sim = new Simulation({
    seed: 1,
    network: { link: { latency: { kind: 'uniform', minMs: MIN_LATENCY_MS, maxMs: MAX_LATENCY_MS }, lossProbability } },
  });
  const message = Object.freeze({ type: 'hop' });
  let delivered = 0;
  for (let index = 0; index < nodes; index++) {
    sim.addNode(`n${index}`, (ctx) => {
      let peers: readonly string[] = [];
      return {
        onStart() {
          peers = ctx.peers; // read once every node exists
          for (let copy = 0; copy < inFlightPerNode; copy++) ctx.send(ctx.rng.pick(peers), message);
        },
        onMessage() {
          delivered++;
          ctx.send(ctx.rng.pick(peers), message);
        },
      };
    });
  }
  const meanLatencyMs = (MIN_LATENCY_MS + MAX_LATENCY_MS) / 2;
  const horizonMs = (BATCH_MESSAGES * meanLatencyMs) / (nodes * inFlightPerNode);
  return {
    iterate() {
      const before = delivered;
      sim.run({ until: sim.now + horizonMs });
      return delivered - before;
    },
  };
}

function deliveryCase(name: string, parameters: DeliveryParameters): BenchCase {
  return {
    group: 'network delivery',
    name,
    parameters: { ...parameters, latency: `uniform ${MIN_LATENCY_MS}-${MAX_LATENCY_MS}ms` },
    metric: 'messagesPerSec',
    create: () => delivery(parameters),
  };
}

export function deliveryCases(parameters: DeliveryParameters = defaultDeliveryParameters): BenchCase[] {
  return [deliveryCase(DELIVERY, parameters), deliveryCase(DELIVERY_CONTROL, controlParameters)];
}
