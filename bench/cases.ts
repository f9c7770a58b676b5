/**
 * What property testing pays per case: building a simulation, running short passing cases through
 * `checkCluster`, and the README's seed sweep on 0, 1 and 2 worker threads.
 *
 *   npm run build && npm run bench:cases
 *   npm run bench:cases -- [--dist dist] [--base <other build>/dist] [--runs 5] [--time 1500]
 *                          [--sweep-seeds 2000] [--only new|3-node|5-node|property|shrink|sweep]
 *
 * Cases run on a build (`--dist`, default this checkout's `dist/`), as users get it. With `--base`
 * each in-process case is measured on both builds, alternating in one process, and the ratio
 * head / base is printed. Each run of the in-process cases is a fresh Node process (fresh JIT and
 * heap); the figure of a case is the median over its runs, with the range, and a ratio target is
 * judged on the median of at least five runs. Two copies of one build, measured so, gave 0.98
 * (0.67-1.00) for 3-node cases; each build measured in processes of its own instead gave ranges
 * several times wider on this shared machine, as the load moves between processes. A build's
 * directory needs its package.json (`"type": "module"`): without it Node loads `dist/*.js` by
 * syntax detection, and a copy of this build measured 2.9x slower.
 *
 * - `new Simulation`: `new Simulation({ seed })` alone, constructions per second.
 * - `checkCluster, 3 nodes` / `5 nodes`: passing cases of a heartbeat cluster (every node
 *   broadcasts every 10 ms, 200 ms simulated, one crash and restart, one invariant checked after
 *   every event), cases per second.
 * - `clusterProperty, 3 nodes`: the same 3-node cases as property testing runs them, fast-check
 *   driving `clusterProperty` (the property behind `assertCluster` and `faultline sweep`), which
 *   disposes each passing case's simulation so the next one reuses its arrays; cases per second.
 * - shrink: six failing seeds of the README's sweep, each searched and shrunk to its minimal case
 *   as `faultline sweep` does it (its worker's task, on the example loaded in a user's layout);
 *   failing seeds per second. Shrinking is where that sweep spends 95 % of its time: 72 of its
 *   2,000 seeds fail, and each runs about 1,400 cases to shrink.
 * - sweep: `faultline sweep register.sweep.ts --seeds N` (the README's example) at `--workers 0`,
 *   `1` and `2`, alternating within a run, in a temporary project laid out as a user's (the
 *   example's files, and the checkout that holds `<dist>` as its `node_modules/faultline`); the
 *   wall time of the whole command, its CPU time (`process.cpuUsage()` at exit: every thread,
 *   V8's own included) and the speed-up of each worker count over one thread, taken within each
 *   run (with `--base`, the sweep runs on the head build only: run it again with
 *   `--dist <base>` for the base's figures).
 * - capacities, measured before each sweep run: how much work two processes side by side do
 *   against one alone (2.0 where they do not slow each other down). `parallel`: two spin loops,
 *   work that stays in the core. `memory`: two loops reading a 64 MB array, work that waits on
 *   memory; the two cores of a VM share the host's caches and memory bandwidth, and this figure
 *   says how far. `shrink`: two processes shrinking the failing seeds of the shrink row for 3 s
 *   after two of them (V8 still compiling, as in a sweep). Shrinking is the sweep's own work, so
 *   that figure is about the most two workers can speed the sweep up (it is noisy itself); the
 *   two-worker line gives the speed-up as a fraction of it, and the most the command's own CPU
 *   time allows on two cores.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import type { ClusterScenario, checkCluster as CheckCluster, clusterProperty as ClusterProperty } from '../src/check/index.js';
import type { Simulation as SimulationClass } from '../src/index.js';
import { measureTogether, measureTogetherAsync, median, type AsyncWorkload, type Workload } from './measure.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SWEEP_DIR = 'examples/property-testing';
/** The sweep module first, then what it imports. */
const SWEEP_FILES = ['register.sweep.ts', 'register.ts'] as const;
const IN_PROCESS = ['new', '3-node', '5-node', 'property', 'shrink'] as const;
type InProcessCase = (typeof IN_PROCESS)[number];
const SWEEP_WORKERS = [0, 1, 2] as const;

interface Build {
  Simulation: typeof SimulationClass;
  checkCluster: typeof CheckCluster;
  clusterProperty: typeof ClusterProperty;
}

async function loadBuild(dist: string): Promise<Build> {
  const index = (await import(pathToFileURL(join(resolve(dist), 'index.js')).href)) as { Simulation: typeof SimulationClass };
  const check = (await import(pathToFileURL(join(resolve(dist), 'check.js')).href)) as { checkCluster: typeof CheckCluster; clusterProperty: typeof ClusterProperty };
  return { Simulation: index.Simulation, checkCluster: check.checkCluster, clusterProperty: check.clusterProperty };
}

interface Heartbeats {
  lastHeard: Map<string, number>;
}

/** Every node broadcasts a heartbeat every 10 ms for 200 ms; one invariant after every event. */
function heartbeatScenario(nodeCount: number): ClusterScenario<Heartbeats> {
  const ids = Array.from({ length: nodeCount }, (_, index) => `n${index + 1}`);
  return {
    name: `${nodeCount}-node heartbeats`,
    simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 5 } } } },
    setup(sim) {
      const lastHeard = new Map<string, number>();
      for (const id of ids) {
        sim.addNode(id, (ctx) => ({
          onStart: () => ctx.setTimer(10, 'beat'),
          onTimer() {
            ctx.broadcast('alive');
            ctx.setTimer(10, 'beat');
          },
          onMessage: (from) => void lastHeard.set(from, sim.now),
        }));
      }
      return { lastHeard };
    },
    invariants: [{ name: 'heard only from members', check: (system) => system.lastHeard.size <= nodeCount }],
    untilMs: 200,
  };
}

const CASES_PER_BATCH = 20;
const CONSTRUCTIONS_PER_BATCH = 200;

function workload(name: InProcessCase, build: Build): Workload {
  if (name === 'new') {
    let seed = 0;
    return {
      iterate() {
        for (let index = 0; index < CONSTRUCTIONS_PER_BATCH; index++) new build.Simulation({ seed: seed++ });
        return CONSTRUCTIONS_PER_BATCH;
      },
    };
  }
  const scenario = heartbeatScenario(name === '3-node' ? 3 : 5);
  const faults = [{ kind: 'crash', atMs: 50, durationMs: 70, target: 'n2' }] as const;
  let seed = 0;
  return {
    iterate() {
      for (let index = 0; index < CASES_PER_BATCH; index++) build.checkCluster(scenario, { seed: seed++, faults: [...faults] });
      return CASES_PER_BATCH;
    },
  };
}

const PROPERTY_CASES_PER_BATCH = 100;

/**
 * Passing 3-node cases as property testing runs them: fast-check drives `clusterProperty` (the
 * property behind `assertCluster` and `faultline sweep`), every case with the same crash, so each
 * build does the same work whatever its schedule generator. fast-check's own per-case work is in
 * the figure, as it is in a user's test.
 */
function propertyWorkload(build: Build): AsyncWorkload {
  const faults = fc.constant([{ kind: 'crash', atMs: 50, durationMs: 70, target: 'n2' }] as const);
  const property = build.clusterProperty(heartbeatScenario(3), { faults: faults.map((schedule) => [...schedule]) });
  let seed = 0;
  return {
    async iterate() {
      const details = await fc.check(property, { numRuns: PROPERTY_CASES_PER_BATCH, seed: seed++ });
      if (details.failed) throw new Error(`the heartbeat property failed: ${String(details.errorInstance)}`);
      return PROPERTY_CASES_PER_BATCH;
    },
  };
}

/**
 * Fast-check seeds of the README's sweep that fail: each run shrinks its failure to a minimal case
 * (50-130 ms, about 1,400 cases). Shrinking such seeds is 95 % of that sweep's time.
 */
const SHRINK_SEEDS = [15, 44, 90, 91, 111, 113];

type RunTask = (task: { file: string; seeds: number[]; runsPerSeed: number }) => Promise<Array<{ ok: boolean }>>;

/** Shrinks one failing seed of the README's sweep as `faultline sweep`'s worker does, on `dist`, in the user's project `project`. */
async function shrinkerIn(dist: string, project: string): Promise<(seed: number) => Promise<void>> {
  const runTask = ((await import(pathToFileURL(join(resolve(dist), 'sweep-worker.js')).href)) as { default: RunTask }).default;
  const file = join(project, SWEEP_FILES[0]);
  return async (seed) => {
    const [result] = await runTask({ file, seeds: [seed], runsPerSeed: 1 });
    if (result?.ok !== false) throw new Error(`seed ${seed} of the register sweep was expected to fail`);
  };
}

/** Failing seeds of the README's sweep, each shrunk as `faultline sweep` does it, in a user's layout made in `into`. */
async function shrinkWorkload(dist: string, into: string): Promise<AsyncWorkload> {
  mkdirSync(into);
  const shrink = await shrinkerIn(dist, userProject(dist, into));
  return {
    async iterate() {
      for (const seed of SHRINK_SEEDS) await shrink(seed);
      return SHRINK_SEEDS.length;
    },
  };
}

/** In a child: one run of one case, on the head build and (if given) the base build, alternating. */
async function measureOne(name: InProcessCase, headDist: string, baseDist: string | undefined, timeMs: number): Promise<void> {
  const options = { timeMs, warmupMs: 500, rounds: 5 };
  const dists: Array<[string, string]> = baseDist === undefined ? [['head', headDist]] : [['base', baseDist], ['head', headDist]];
  const caseOf = <W>(label: string, create: () => W) => ({ group: name, name: label, parameters: {}, metric: 'opsPerSec' as const, create });
  if (name === 'shrink') {
    const projects = mkdtempSync(join(tmpdir(), 'faultline-shrink-'));
    try {
      const workloads = await Promise.all(dists.map(([label, dist]) => shrinkWorkload(dist, join(projects, label))));
      printMedians(await measureTogetherAsync(dists.map(([label], index) => caseOf(label, () => workloads[index]!)), options));
    } finally {
      rmSync(projects, { recursive: true, force: true });
    }
    return;
  }
  const builds = await Promise.all(dists.map(async ([label, dist]) => [label, await loadBuild(dist)] as const));
  if (name === 'property') printMedians(await measureTogetherAsync(builds.map(([label, build]) => caseOf(label, () => propertyWorkload(build))), options));
  else printMedians(measureTogether(builds.map(([label, build]) => caseOf(label, () => workload(name, build))), options));
}

/** The child's answer to its parent: each build's median rate, by label. */
function printMedians(results: ReadonlyArray<{ name: string; median: number }>): void {
  console.log(JSON.stringify(Object.fromEntries(results.map((result) => [result.name, result.median]))));
}

/** This process's Node flags, with a bare `--import tsx` resolved here, so a child may start elsewhere. */
function absoluteExecArgv(): string[] {
  return process.execArgv.map((flag, index) => (flag === 'tsx' && process.execArgv[index - 1] === '--import' ? import.meta.resolve('tsx') : flag));
}

function measureInChild(name: InProcessCase, headDist: string, baseDist: string | undefined, timeMs: number): Record<string, number> {
  const args = [...absoluteExecArgv(), SELF, '--child', name, '--dist', resolve(headDist), '--time', String(timeMs), ...(baseDist === undefined ? [] : ['--base', resolve(baseDist)])];
  // The shrink child loads the example's TypeScript through tsx, which reads the tsconfig of its
  // working directory: started in the checkout, it would map `faultline` to the library's source.
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...(name === 'shrink' ? { cwd: tmpdir() } : {}) });
  if (child.status !== 0) throw new Error(`'${name}' failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as Record<string, number>;
}

/**
 * A project laid out as a user's: the sweep example's two files, and a `node_modules` whose
 * `faultline` is the checkout holding `dist` (its other packages linked from that checkout). Run
 * from the checkout itself, the example's `faultline` imports would follow the checkout's
 * tsconfig `paths` to the library's TypeScript source, which tsx then compiles in every thread
 * (about 0.45 s each, measured): a cost users, whose `faultline` is the built package, never pay.
 */
function userProject(dist: string, into: string): string {
  const checkout = resolve(dist, '..');
  const project = join(into, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  for (const entry of readdirSync(join(checkout, 'node_modules'))) {
    if (entry !== 'faultline' && !entry.startsWith('.')) symlinkSync(join(checkout, 'node_modules', entry), join(project, 'node_modules', entry));
  }
  symlinkSync(checkout, join(project, 'node_modules', 'faultline'));
  for (const file of SWEEP_FILES) copyFileSync(join(checkout, SWEEP_DIR, file), join(project, file));
  writeFileSync(join(project, 'package.json'), '{ "type": "module", "private": true }\n');
  return project;
}

/**
 * Preloaded into a sweep command: at exit, prints the CPU time of the whole process (this thread,
 * its workers and V8's helper threads: compiler, GC) on stderr. Workers inherit the preload; only
 * the main thread, which exits last, prints.
 */
const CPU_AT_EXIT = 'data:text/javascript,import { isMainThread } from "node:worker_threads"; if (isMainThread) process.on("exit", () => { const used = process.cpuUsage(); process.stderr.write(`\\ncpu-microseconds ${used.user + used.system}\\n`); })';

/** Wall time and CPU time of one sweep command, in seconds. */
interface SweepTime {
  wall: number;
  cpu: number;
}

/** Times one sweep command run in `project` (see {@link userProject}). */
function timeSweep(project: string, seeds: number, workers: number, outDir: string): SweepTime {
  const args = ['--import', CPU_AT_EXIT, join(project, 'node_modules', 'faultline', 'dist', 'cli.js'), 'sweep', SWEEP_FILES[0], '--seeds', String(seeds), '--workers', String(workers), '--out', join(outDir, `sweep-${workers}.json`)];
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const wall = (performance.now() - started) / 1000;
  // Exit 1 means failing seeds were found, which the buggy register's sweep is meant to find.
  if (child.status !== 0 && child.status !== 1) throw new Error(`sweep --workers ${workers} failed (exit ${child.status ?? child.signal}): ${child.stderr}`);
  const cpu = /cpu-microseconds (\d+)/.exec(child.stderr);
  if (cpu === null) throw new Error(`sweep --workers ${workers} did not report its CPU time: ${child.stderr}`);
  return { wall, cpu: Number(cpu[1]) / 1e6 };
}

/** Spins for `ms` and prints how many rounds of arithmetic it did: work that stays in the core. */
const SPIN = 'let x = 0, n = 0; const end = performance.now() + Number(process.argv[1]); while (performance.now() < end) { for (let i = 0; i < 1e5; i++) x = (x * 1.0000001 + i) % 1e9; n++; } console.log(n + (x < 0 ? 1 : 0));';

/**
 * Reads one number per cache line of a 64 MB array, filled first so that its pages are real
 * memory (an untouched typed array reads the kernel's one zero page), for `ms`, and prints how
 * many passes it made: work that waits on memory.
 */
const STREAM = 'const a = new Float64Array(8 << 20); for (let i = 0; i < a.length; i++) a[i] = i; let s = 0, n = 0; const end = performance.now() + Number(process.argv[1]); while (performance.now() < end) { for (let i = 0; i < a.length; i += 8) s += a[i]; n++; } console.log(n + (s < 0 ? 1 : 0));';

/** Starts a child with `args` (in `cwd`, default this one) and resolves to the number it prints. */
function countFrom(args: readonly string[], cwd?: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], ...(cwd === undefined ? {} : { cwd }) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolvePromise(Number(output)) : reject(new Error(`${args.join(' ')} exited ${code ?? signal}`))));
  });
}

/** Work of two copies of a child side by side over one alone: 2.0 where the copies do not slow each other. */
async function capacity(args: readonly string[], cwd?: string): Promise<number> {
  const alone = await countFrom(args, cwd);
  const together = await Promise.all([countFrom(args, cwd), countFrom(args, cwd)]);
  return (together[0]! + together[1]!) / alone;
}

const SHRINK_CAPACITY_MS = 3000;

/**
 * In a child: failing seeds of the sweep shrunk for `ms` after two of them (the file loaded; V8
 * still compiles during the timed part, as it does in a sweep), the {@link SHRINK_SEEDS} round and
 * round, in the user's project `project`; prints seeds per second.
 */
async function runShrinkFor(ms: number, dist: string, project: string): Promise<void> {
  const shrink = await shrinkerIn(dist, project);
  for (const seed of SHRINK_SEEDS.slice(0, 2)) await shrink(seed);
  let done = 0;
  const started = performance.now();
  while (performance.now() - started < ms) await shrink(SHRINK_SEEDS[done++ % SHRINK_SEEDS.length]!);
  console.log((1000 * done) / (performance.now() - started));
}

/** Capacity for shrinking failing seeds, the sweep's own work (95 % of its time): about the most two workers can speed the sweep up. */
function shrinkCapacity(dist: string, project: string): Promise<number> {
  // Started in the project, as tsx reads the tsconfig of its working directory (see measureInChild).
  return capacity([...absoluteExecArgv(), SELF, '--shrink-for', String(SHRINK_CAPACITY_MS), '--dist', resolve(dist), '--project', project], project);
}

function summary(values: readonly number[], digits: number): string {
  const sorted = [...values].sort((x, y) => x - y);
  return `${median(values).toFixed(digits)} (${sorted[0]!.toFixed(digits)}-${sorted.at(-1)!.toFixed(digits)})`;
}

function rate(perSecond: number, name: InProcessCase): string {
  if (name === 'new') return `${(1e6 / perSecond).toFixed(2)} µs`;
  return name === 'shrink' ? `${(1000 / perSecond).toFixed(0)} ms a failing seed` : `${Math.round(perSecond)} cases/s`;
}

const LABELS: Record<InProcessCase, string> = {
  new: 'new Simulation (constructions/s)',
  '3-node': 'checkCluster, 3-node (cases/s)',
  '5-node': 'checkCluster, 5-node (cases/s)',
  property: 'clusterProperty, 3-node (cases/s)',
  shrink: 'failing seeds of the sweep, shrunk (seeds/s)',
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dist: { type: 'string', default: join(ROOT, 'dist') },
      base: { type: 'string' },
      runs: { type: 'string', default: '5' },
      time: { type: 'string', default: '1500' },
      'sweep-seeds': { type: 'string', default: '2000' },
      only: { type: 'string' },
      child: { type: 'string' },
      'shrink-for': { type: 'string' },
      project: { type: 'string' },
    },
  });
  const timeMs = Number(values.time);
  if (values.child !== undefined) return measureOne(values.child as InProcessCase, values.dist, values.base, timeMs);
  if (values['shrink-for'] !== undefined) return runShrinkFor(Number(values['shrink-for']), values.dist, values.project!);
  const runs = Number(values.runs);
  const only = values.only;
  for (const name of IN_PROCESS) {
    if (only !== undefined && only !== name) continue;
    const head: number[] = [];
    const base: number[] = [];
    for (let run = 0; run < runs; run++) {
      const result = measureInChild(name, values.dist, values.base, timeMs);
      head.push(result['head']!);
      if (result['base'] !== undefined) base.push(result['base']);
      const against = result['base'] === undefined ? '' : `, base ${rate(result['base'], name)}, head/base ${(result['head']! / result['base']).toFixed(2)}`;
      console.log(`${name.padEnd(7)} run ${run + 1}: ${rate(result['head']!, name)}${against}`);
    }
    const label = LABELS[name];
    const digits = name === 'shrink' ? 1 : 0; // about ten a second
    console.log(`${label}: median (range) over ${runs} runs: ${summary(head, digits)}`);
    if (base.length > 0) console.log(`  base: ${summary(base, digits)}; head/base: ${summary(head.map((value, index) => value / base[index]!), 2)}`);
    console.log('');
  }
  if (only !== undefined && only !== 'sweep') return;
  const seeds = Number(values['sweep-seeds']);
  const outDir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const times = new Map<number, SweepTime[]>(SWEEP_WORKERS.map((workers) => [workers, []]));
  const capacities = { parallel: [] as number[], memory: [] as number[], shrink: [] as number[] };
  try {
    const project = userProject(values.dist, outDir);
    for (let run = 0; run < runs; run++) {
      capacities.parallel.push(await capacity(['-e', SPIN, '1000']));
      capacities.memory.push(await capacity(['-e', STREAM, '1000']));
      capacities.shrink.push(await shrinkCapacity(values.dist, project));
      const line = Object.entries(capacities).map(([kind, figures]) => `${kind} capacity ${figures.at(-1)!.toFixed(2)}`);
      for (const workers of SWEEP_WORKERS) {
        const time = timeSweep(project, seeds, workers, outDir);
        times.get(workers)!.push(time);
        line.push(`--workers ${workers}: ${time.wall.toFixed(1)} s (CPU ${time.cpu.toFixed(1)} s)`);
      }
      console.log(`sweep run ${run + 1} (${seeds} seeds): ${line.join(', ')}`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  console.log(`parallel capacity (two spin loops over one; 2.00 on two free cores): ${summary(capacities.parallel, 2)}`);
  console.log(`memory capacity (two loops reading 64 MB over one): ${summary(capacities.memory, 2)}`);
  console.log(`shrink capacity (failing seeds shrunk in two processes over one; about the most two workers can gain): ${summary(capacities.shrink, 2)}`);
  const oneThread = times.get(0)!;
  for (const workers of SWEEP_WORKERS) {
    const timed = times.get(workers)!;
    const wall = timed.map((time) => time.wall);
    const speedUps = timed.map((time, index) => oneThread[index]!.wall / time.wall);
    const parts = [`${summary(wall, 1)} s`, `${summary(wall.map((value) => seeds / value), 0)} seeds/s`, `CPU ${summary(timed.map((time) => time.cpu), 1)} s`, `${summary(timed.map((time) => time.cpu / time.wall), 2)} cores busy`];
    if (workers > 0) parts.push(`speed-up over one thread ${summary(speedUps, 2)}`, `CPU over one thread's ${summary(timed.map((time, index) => time.cpu / oneThread[index]!.cpu), 2)}`);
    if (workers === 2) {
      parts.push(`${summary(speedUps.map((value, index) => value / capacities.shrink[index]!), 2)} of the shrink capacity`);
      // Two cores busy all the time would do this command's CPU work in cpu / 2 seconds.
      parts.push(`most with its CPU work on two cores ${summary(timed.map((time, index) => (2 * oneThread[index]!.wall) / time.cpu), 2)}`);
    }
    console.log(`sweep --workers ${workers}: ${parts.join(', ')}`);
  }
}

await main();
