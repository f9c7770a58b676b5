/**
 * Compares two builds of faultline side by side: the same workloads on a base build and on the
 * head build, alternating in one process, so a refactor can show it did not slow the simulator.
 *
 *   npm run build && npm run bench:compare -- --base /path/to/other/checkout/dist/index.js
 *   npm run bench:compare -- --base <dist/index.js> [--head <dist/index.js>] [--runs 5] [--time 1500] [--only delivery]
 *
 * Each (run, workload) pair is measured in its own Node process (fresh JIT and heap), and the
 * ratio head / base of each run is printed with the median and range over the runs: judge a
 * ratio on the median of at least five runs. The workloads go through the public API only:
 * - delivery: messages through a 100-node full mesh (send, network, arrival, onMessage);
 * - timer churn: 100 nodes re-arming and cancelling timers (ctx.setTimer, ctx.cancelTimer);
 * - short runs: a 3-node heartbeat cluster built and run for 200 ms per unit, with a crash
 *   and restart (construction, addNode, lifecycle: what property testing pays per case).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Simulation as SimulationClass } from '../src/index.js';
import { measureTogether, median, type BenchCase, type Workload } from './measure.js';

type SimulationConstructor = typeof SimulationClass;

const SELF = fileURLToPath(import.meta.url);
const DEFAULT_HEAD = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const WORKLOADS = ['delivery', 'timer churn', 'short runs'] as const;
type WorkloadName = (typeof WORKLOADS)[number];

function delivery(Simulation: SimulationConstructor): Workload {
  const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 }, lossProbability: 1e-5 } } });
  const message = Object.freeze({ type: 'hop' });
  let delivered = 0;
  for (let index = 0; index < 100; index++) {
    sim.addNode(`n${index}`, (ctx) => {
      let peers: readonly string[] = [];
      return {
        onStart() {
          peers = ctx.peers;
          for (let copy = 0; copy < 10; copy++) ctx.send(ctx.rng.pick(peers), message);
        },
        onMessage() {
          delivered++;
          ctx.send(ctx.rng.pick(peers), message);
        },
      };
    });
  }
  return {
    iterate() {
      const before = delivered;
      sim.run({ until: sim.now + 50 });
      return delivered - before;
    },
  };
}

function timerChurn(Simulation: SimulationConstructor): Workload {
  const sim = new Simulation({ seed: 1 });
  for (let index = 0; index < 100; index++) {
    sim.addNode(`n${index}`, (ctx) => {
      let ticks = 0;
      return {
        onStart: () => ctx.setTimer(ctx.rng.random(), 'tick'),
        onTimer() {
          if (++ticks % 4 === 0) ctx.cancelTimer('lease');
          else ctx.setTimer(50, 'lease');
          ctx.setTimer(1 + ctx.rng.random(), 'tick');
        },
      };
    });
  }
  return { iterate: () => sim.run({ until: sim.now + 200 }).eventsProcessed };
}

function shortRuns(Simulation: SimulationConstructor): Workload {
  let seed = 0;
  return {
    iterate() {
      for (let run = 0; run < 50; run++) {
        const sim = new Simulation({ seed: seed++, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } });
        for (const id of ['a', 'b', 'c']) {
          sim.addNode(id, (ctx) => ({
            onStart: () => ctx.setTimer(10, 'beat'),
            onTimer() {
              ctx.broadcast('alive');
              ctx.setTimer(10, 'beat');
            },
            onMessage: () => undefined,
          }));
        }
        sim.schedule(50, () => sim.crash('b'));
        sim.schedule(120, () => sim.restart('b'));
        sim.run({ until: 200 });
      }
      return 50;
    },
  };
}

const BUILDERS: Record<WorkloadName, (Simulation: SimulationConstructor) => Workload> = {
  delivery,
  'timer churn': timerChurn,
  'short runs': shortRuns,
};

async function loadSimulation(path: string): Promise<SimulationConstructor> {
  const module = (await import(pathToFileURL(resolve(path)).href)) as { Simulation: SimulationConstructor };
  return module.Simulation;
}

/** In a child: measures one workload on both builds, alternating, and prints head / base. */
async function measureOne(workload: WorkloadName, basePath: string, headPath: string, timeMs: number): Promise<void> {
  const builds: Array<[string, SimulationConstructor]> = [
    ['base', await loadSimulation(basePath)],
    ['head', await loadSimulation(headPath)],
  ];
  const cases: BenchCase[] = builds.map(([name, Simulation]) => ({
    group: workload,
    name,
    parameters: {},
    metric: 'eventsPerSec',
    create: () => BUILDERS[workload](Simulation),
  }));
  const [base, head] = measureTogether(cases, { timeMs, warmupMs: 500, rounds: 5 });
  console.log(JSON.stringify({ base: base!.median, head: head!.median }));
}

function measureInChild(workload: WorkloadName, basePath: string, headPath: string, timeMs: number): { base: number; head: number } {
  const child = spawnSync(process.execPath, [...process.execArgv, SELF, '--child', workload, '--base', basePath, '--head', headPath, '--time', String(timeMs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`'${workload}' failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as { base: number; head: number };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      base: { type: 'string' },
      head: { type: 'string', default: DEFAULT_HEAD },
      runs: { type: 'string', default: '5' },
      time: { type: 'string', default: '1500' },
      child: { type: 'string' },
      only: { type: 'string' },
    },
  });
  if (values.base === undefined) throw new Error('usage: npm run bench:compare -- --base <dist/index.js> [--head <dist/index.js>] [--runs 5] [--time 1500] [--only delivery,timer churn,short runs]');
  const timeMs = Number(values.time);
  if (values.child !== undefined) return measureOne(values.child as WorkloadName, values.base, values.head, timeMs);
  const runs = Number(values.runs);
  const chosen = WORKLOADS.filter((workload) => values.only === undefined || values.only.split(',').includes(workload));
  for (const workload of chosen) {
    const ratios: number[] = [];
    for (let run = 0; run < runs; run++) {
      const { base, head } = measureInChild(workload, values.base, values.head, timeMs);
      ratios.push(head / base);
      console.log(`${workload.padEnd(12)} run ${run + 1}: base ${Math.round(base)}/s, head ${Math.round(head)}/s, head/base ${(head / base).toFixed(3)}`);
    }
    const sorted = [...ratios].sort((x, y) => x - y);
    console.log(`${workload.padEnd(12)} head/base median ${median(ratios).toFixed(3)}, range ${sorted[0]!.toFixed(3)}-${sorted.at(-1)!.toFixed(3)} over ${runs} runs\n`);
  }
}

await main();
