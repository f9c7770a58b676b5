/**
 * The large-cluster case: 10,000 nodes, each sending a heartbeat every second to the three nodes
 * after it on a ring, which watch it with a phi-accrual detector (Akka's defaults) and check
 * their verdicts every second. 10 simulated minutes, with a normal latency and 0.1 % loss, and
 * 20 nodes crashing along the way so detectors have something to find.
 *
 *   npm run bench:cluster                     10,000 nodes, 600 s (about a minute of wall time)
 *   npm run bench:cluster -- --nodes 1000 --seconds 60 --json
 *
 * Reports wall time, simulated-to-wall speed-up, events and messages per second, and peak
 * memory (the process's maximum resident set size). Wall-clock code: a benchmark.
 */
import { parseArgs } from 'node:util';
import { PhiAccrualDetector, Simulation } from '../src/index.js';

const WATCHERS = 3;
const HEARTBEAT_MS = 1_000;
const CRASHES = 20;

interface Options {
  nodes: number;
  seconds: number;
}

function buildCluster({ nodes, seconds }: Options): { sim: Simulation; suspicions: () => number } {
  const sim = new Simulation({
    seed: 1,
    maxPendingEvents: 2 ** 24,
    logLimit: 1,
    network: { link: { latency: { kind: 'normal', meanMs: 20, stdDevMs: 5 }, lossProbability: 0.001 } },
  });
  const ids = Array.from({ length: nodes }, (_, index) => `n${index}`);
  let suspicions = 0;
  ids.forEach((id, index) => {
    const watched = Array.from({ length: WATCHERS }, (_, step) => ids[(index - step - 1 + nodes) % nodes]!);
    const targets = Array.from({ length: WATCHERS }, (_, step) => ids[(index + step + 1) % nodes]!);
    sim.addNode<number>(id, (ctx) => {
      const detectors = new Map(watched.map((peer) => [peer, new PhiAccrualDetector()]));
      const tick = (): void => {
        for (const target of targets) ctx.send(target, 0);
        for (const detector of detectors.values()) if (!detector.isAvailable(ctx.now())) suspicions++;
        ctx.setTimer(HEARTBEAT_MS, 'tick');
      };
      return {
        onStart: () => ctx.setTimer(ctx.rng.uniform(0, HEARTBEAT_MS), 'tick'),
        onTimer: tick,
        onMessage: (from) => detectors.get(from)?.heartbeat(ctx.now()),
      };
    });
  });
  const crashRng = sim.rng('bench:crashes');
  const crashed = crashRng.shuffle([...ids]).slice(0, Math.min(CRASHES, Math.floor(nodes / 4)));
  sim.inject(crashed.map((target) => ({ kind: 'crash', atMs: Math.round(crashRng.uniform(0.2, 0.9) * seconds * 1_000), target })));
  return { sim, suspicions: () => suspicions };
}

function main(): void {
  const { values } = parseArgs({ options: { nodes: { type: 'string', default: '10000' }, seconds: { type: 'string', default: '600' }, json: { type: 'boolean', default: false } } });
  const options = { nodes: Number(values.nodes), seconds: Number(values.seconds) };
  if (!Number.isInteger(options.nodes) || options.nodes < WATCHERS + 1 || !(options.seconds > 0)) throw new Error('--nodes must be an integer > 3 and --seconds > 0');
  const buildStarted = performance.now();
  const { sim, suspicions } = buildCluster(options);
  const buildMs = performance.now() - buildStarted;
  const started = performance.now();
  const { eventsProcessed } = sim.run({ until: options.seconds * 1_000 });
  const wallMs = performance.now() - started;
  const delivered = sim.network.stats().delivered;
  const result = {
    nodes: options.nodes,
    simulatedSeconds: options.seconds,
    buildSeconds: buildMs / 1_000,
    wallSeconds: wallMs / 1_000,
    speedUp: (options.seconds * 1_000) / wallMs,
    events: eventsProcessed,
    eventsPerSec: eventsProcessed / (wallMs / 1_000),
    messagesDelivered: delivered,
    messagesPerSec: delivered / (wallMs / 1_000),
    suspicionsRaised: suspicions(),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    node: process.version,
  };
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(`${result.nodes} nodes, ${result.simulatedSeconds} simulated s: ${result.wallSeconds.toFixed(1)} s wall (+${result.buildSeconds.toFixed(1)} s to build), ${result.speedUp.toFixed(1)}x real time`);
    console.log(`${(result.events / 1e6).toFixed(1)} M events (${(result.eventsPerSec / 1e6).toFixed(2)} M/s), ${(result.messagesDelivered / 1e6).toFixed(1)} M messages delivered (${(result.messagesPerSec / 1e6).toFixed(2)} M/s), ${result.suspicionsRaised} suspicion checks failed`);
    console.log(`peak memory (max RSS): ${result.peakRssMiB.toFixed(0)} MiB, Node ${result.node}`);
  }
}

main();
