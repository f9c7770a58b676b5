/**
 * Search power: how many runs faultline's fault-schedule search needs to find each planted bug,
 * and how small it shrinks it, against a naive uniform-random schedule generator.
 *
 *   npm run bench:search
 *   npm run bench:search -- [--seeds 10] [--runs 500] [--only consensus,durable-log]
 *                           [--options '{"swarm":false}'] [--faultline-only] [--rate-cases 300]
 *
 * For each planted bug (test/check/protocols/planted-bugs.ts: five protocols written for this
 * benchmark and the three older planted bugs) and each fast-check seed 1..seeds, both searches
 * run `assertCluster(buggy scenario, { faults, seed, numRuns: runs })`:
 * - faultline: `faults` is faultSchedule's options (the kinds the protocol names, at most 4
 *   faults, all over by 5 s);
 * - baseline: `faults` is {@link naiveSchedule}, written here from fc.integer and friends (it does
 *   not use faultSchedule at all): 0–4 faults, each of a uniform kind among the same kinds, a
 *   uniform target, a start uniform in the window, a log-uniform duration, and parameters
 *   uniform in the ranges faultSchedule documents; generation is unbiased (`fc.noBias`), and it
 *   shrinks the way fast-check shrinks any record in an array.
 * Runs-to-find is the run that first failed ("after N runs" in the PropertyFailedError); the
 * shrunk size is the number of faults in the minimal case's replay line. (assertCluster rather
 * than clusterProperty: clusterProperty builds a full report for every failing case it shrinks
 * through, which cost the durable log's searches ~100 ms a case.) The fixed variant of each bug must pass faultline's search with
 * the same seeds and budget. The table goes to stdout and, as markdown, to
 * bench/results/search.md (not with --only, --options or --faultline-only: `--options` merges
 * into faultSchedule's options, to compare its settings; `--faultline-only` skips the baseline
 * and the fixed variants). Besides, each generator's first `--rate-cases` cases (fast-check seed
 * 1) are run once without searching, and the share that fails is printed: a steadier measure of
 * search power than a median over ten searches. Every figure but the seconds is deterministic:
 * rerunning gives the same table.
 *
 * Targets (issue 21): every bug found from every seed within 500 runs; faultline's median
 * runs-to-find at most half the baseline's; shrunk to at most the minimum + 1; fixed variants pass.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { assertCluster, checkCluster, faultSchedule, type AssertClusterOptions, type GeneratedKind } from '../src/check/index.js';
import { PropertyFailedError, PropertyViolationError, type Fault, type FaultSchedule } from '../src/index.js';
import { earlierPlantedBugs, plantedProtocols, SEARCH_WINDOW, type PlantedBug } from '../test/check/protocols/planted-bugs.js';

const RESULTS = fileURLToPath(new URL('./results/search.md', import.meta.url));

// ------------------------------------------------------------------ the naive baseline

/** Kinds whose overlapping faults on one target `sim.inject` refuses, by the state they claim. */
const CLAIMS: Partial<Record<GeneratedKind, string>> = {
  crash: 'process',
  pause: 'process',
  byzantine: 'byzantine',
  'clock-drift': 'clock-drift',
  omission: 'omission',
  capacity: 'capacity',
  'disk-unsynced-loss': 'disk-cache',
  'disk-write-fail': 'disk-fail',
  'disk-full': 'disk-full',
};
const NETWORK_KINDS: readonly GeneratedKind[] = ['partition', 'isolate', 'partition-one-way', 'link', 'bridge', 'traffic-spike'];

/** Uniform draws of one fault; {@link faultOf} turns them into a fault of the drawn kind. */
interface Draw {
  kind: GeneratedKind;
  target: number;
  other: number;
  atMs: number;
  durationFraction: number;
  first: number;
  second: number;
  third: number;
  sides: boolean[];
}

const FRACTION = 1_000_000;

/** An integer uniform in [min, max], from a fraction drawn uniformly in [0, FRACTION]. */
function between(fraction: number, min: number, max: number): number {
  return Math.min(max, min + Math.floor((fraction / (FRACTION + 1)) * (max - min + 1)));
}

function faultOf(draw: Draw, bug: PlantedBug): Fault {
  const { nodes, clients } = bug.faults;
  const target = nodes[draw.target]!;
  const other = nodes[(draw.target + 1 + draw.other) % nodes.length]!;
  const windowMs = SEARCH_WINDOW.horizonMs - draw.atMs;
  // Log-uniform from 1 ms to the rest of the window: blips and long outages alike.
  const durationMs = Math.max(1, Math.min(windowMs, Math.round(Math.exp((draw.durationFraction / FRACTION) * Math.log(windowMs)))));
  const timed = { kind: draw.kind, atMs: draw.atMs, durationMs };
  const everyone = [...nodes, ...clients];
  const sides = everyone.map((_, index) => draw.sides[index]!);
  if (sides.slice(0, nodes.length).every((side) => side === sides[0])) sides[0] = !sides[0];
  const percent = (min: number, max: number): number => between(draw.first, min, max) / 100;
  switch (draw.kind) {
    case 'crash':
    case 'pause':
    case 'isolate':
    case 'disk-unsynced-loss':
    case 'disk-full':
      return { ...timed, target };
    case 'partition':
      return { ...timed, params: { groups: [everyone.filter((_, index) => sides[index]), everyone.filter((_, index) => !sides[index])] } };
    case 'partition-one-way':
      return { ...timed, params: { from: [target], to: [other] } };
    case 'link': {
      const model = draw.second % 2 === 0 ? { lossProbability: percent(10, 90) } : { latencyFactor: between(draw.first, 2, 20) };
      return { ...timed, params: { links: [[target, other]], bothWays: draw.second % 4 < 2, model } };
    }
    case 'slow-node':
      return { ...timed, target, params: { model: { latencyFactor: between(draw.first, 2, 20) } } };
    case 'clock-skew':
      return { ...timed, target, params: { deltaMs: between(draw.first, -2_000, 2_000) } };
    case 'clock-jump':
      return { kind: draw.kind, atMs: draw.atMs, target, params: { deltaMs: between(draw.first, -2_000, 2_000) } };
    case 'clock-drift':
      return { ...timed, target, params: { driftPpm: between(draw.first, -5_000, 5_000) } };
    case 'omission':
      return { ...timed, target, params: { sendProbability: percent(10, 90) } };
    case 'byzantine':
      return { ...timed, target, params: byzantineParams(draw, other) };
    case 'capacity':
      return { ...timed, target, params: { messagesPerSec: between(draw.first, 10, 1_000), inboxLimit: between(draw.third, 10, 1_000) } };
    case 'traffic-spike':
      return { ...timed, target, params: { from: other, ratePerSec: between(draw.first, 100, 5_000), message: { type: 'spike' } } };
    case 'disk-write-fail':
      return { ...timed, target, params: { probability: percent(10, 100) } };
    case 'bridge': {
      const rest = everyone.filter((id) => id !== target);
      const restSides = rest.map((_, index) => sides[index]!);
      if (restSides.every((side) => side === restSides[0])) restSides[0] = !restSides[0];
      return { ...timed, params: { bridge: target, sides: [rest.filter((_, index) => restSides[index]), rest.filter((_, index) => !restSides[index])] } };
    }
  }
}

function byzantineParams(draw: Draw, other: string): Record<string, unknown> {
  const probability = between(draw.first, 10, 100) / 100;
  switch (draw.second % 5) {
    case 0:
      return { behaviour: 'corrupt', probability };
    case 1:
      return { behaviour: 'drop', probability };
    case 2:
      return { behaviour: 'duplicate', copies: between(draw.first, 2, 3) };
    case 3:
      return { behaviour: 'replay', probability };
    default:
      return { behaviour: 'forge', as: other };
  }
}

/** Drops each fault that overlaps an earlier kept one claiming the same state of the same node. */
function injectable(faults: readonly Fault[]): FaultSchedule {
  const kept: Fault[] = [];
  const endOf = (fault: Fault): number => fault.atMs + (fault.durationMs ?? Infinity);
  for (const fault of [...faults].sort((first, second) => first.atMs - second.atMs)) {
    const claim = CLAIMS[fault.kind as GeneratedKind];
    const clash = kept.some((earlier) => claim !== undefined && CLAIMS[earlier.kind as GeneratedKind] === claim && earlier.target === fault.target && earlier.atMs < endOf(fault) && fault.atMs < endOf(earlier));
    if (!clash) kept.push(fault);
  }
  return kept;
}

/** The naive uniform-random schedule generator the search is measured against. */
export function naiveSchedule(bug: PlantedBug): fc.Arbitrary<FaultSchedule> {
  const { nodes, clients, kinds } = bug.faults;
  for (const kind of kinds) if (NETWORK_KINDS.includes(kind) && nodes.length < 2) throw new Error(`${bug.name}: ${kind} needs two nodes`);
  const fraction = fc.integer({ min: 0, max: FRACTION });
  const draw: fc.Arbitrary<Draw> = fc.record({
    kind: fc.constantFrom(...kinds),
    target: fc.integer({ min: 0, max: nodes.length - 1 }),
    other: fc.integer({ min: 0, max: Math.max(0, nodes.length - 2) }),
    atMs: fc.integer({ min: 0, max: SEARCH_WINDOW.horizonMs - 2 }),
    durationFraction: fraction,
    first: fraction,
    second: fc.integer({ min: 0, max: 59 }), // picks among 2, 4 or 5 variants alike
    third: fraction,
    sides: fc.array(fc.boolean(), { minLength: nodes.length + clients.length, maxLength: nodes.length + clients.length }),
  });
  return fc.noBias(fc.array(draw.map((drawn) => faultOf(drawn, bug)), { maxLength: SEARCH_WINDOW.maxFaults })).map(injectable);
}

// ------------------------------------------------------------------ measuring

interface Search {
  /** Runs until the first failing case, or undefined if none failed within the budget. */
  runsToFind: number | undefined;
  /** Faults in the shrunk counterexample. */
  shrunkSize: number | undefined;
  /** Set when a case threw something other than a property violation. */
  error?: string;
}

async function searchOnce(bug: PlantedBug, fixed: boolean, faults: AssertClusterOptions<unknown>['faults'], seed: number, runs: number): Promise<Search> {
  try {
    await assertCluster(bug.scenario(fixed), { faults, seed, numRuns: runs });
    return { runsToFind: undefined, shrunkSize: undefined };
  } catch (error) {
    if (!(error instanceof PropertyFailedError)) throw error;
    const runsToFind = Number(/after (\d+) runs/.exec(error.message)?.[1]);
    if (!(error.cause instanceof PropertyViolationError)) return { runsToFind, shrunkSize: undefined, error: String(error.cause).split('\n')[0] };
    const replay = error.cause.replay;
    const minimal = JSON.parse(replay.slice(replay.indexOf('{'), replay.lastIndexOf(')'))) as { faults: FaultSchedule };
    return { runsToFind, shrunkSize: minimal.faults.length };
  }
}

interface Row {
  bug: string;
  minimum: number;
  faultline: Search[];
  baseline: Search[];
  fixedPasses: boolean;
  /** Share of the first `rateCases` cases that fail, for each generator (undefined when not measured). */
  hitRate: { faultline: number; baseline: number | undefined };
  seconds: number;
}

/**
 * The share of cases that fail among the first `cases` a generator draws (fast-check seed 1, case
 * seeds drawn alongside, as assertCluster draws them): a steadier figure than runs-to-find, whose
 * median over ten searches moves by a factor of two between seed sets.
 */
function hitRate(bug: PlantedBug, schedules: fc.Arbitrary<FaultSchedule>, cases: number): number {
  let failures = 0;
  for (const [seed, faults] of fc.sample(fc.tuple(fc.integer(), schedules), { seed: 1, numRuns: cases })) {
    try {
      checkCluster(bug.scenario(false), { seed, faults });
    } catch (error) {
      if (!(error instanceof PropertyViolationError)) throw error;
      failures++;
    }
  }
  return failures / cases;
}

async function measure(bug: PlantedBug, seeds: number[], runs: number, rateCases: number, extra: Record<string, unknown>, faultlineOnly: boolean): Promise<Row> {
  const started = performance.now();
  const faults = { ...bug.faults, ...SEARCH_WINDOW, ...extra };
  const faultline: Search[] = [];
  const baseline: Search[] = [];
  let fixedPasses = true;
  for (const seed of seeds) {
    faultline.push(await searchOnce(bug, false, faults, seed, runs));
    if (faultlineOnly) continue;
    baseline.push(await searchOnce(bug, false, naiveSchedule(bug), seed, runs));
    if ((await searchOnce(bug, true, faults, seed, runs)).runsToFind !== undefined) fixedPasses = false;
  }
  const rate = { faultline: hitRate(bug, faultSchedule(faults), rateCases), baseline: faultlineOnly ? undefined : hitRate(bug, naiveSchedule(bug), rateCases) };
  return { bug: bug.name, minimum: bug.minimumFaults, faultline, baseline, fixedPasses, hitRate: rate, seconds: (performance.now() - started) / 1_000 };
}

/** Median of the runs-to-find; a search that found nothing counts as more than the budget. */
function median(searches: Search[]): number {
  const runs = searches.map((search) => search.runsToFind ?? Infinity).sort((first, second) => first - second);
  const middle = Math.floor(runs.length / 2);
  return runs.length % 2 === 1 ? runs[middle]! : (runs[middle - 1]! + runs[middle]!) / 2;
}

function runsFigure(searches: Search[], budget: number): string {
  const runs = searches.map((search) => search.runsToFind ?? Infinity);
  const show = (value: number): string => (Number.isFinite(value) ? String(value) : `>${budget}`);
  return `${show(median(searches))} (${show(Math.min(...runs))}–${show(Math.max(...runs))})`;
}

function foundFigure(searches: Search[]): string {
  const found = searches.filter((search) => search.runsToFind !== undefined && search.error === undefined).length;
  return found === searches.length ? 'yes' : `no (${found}/${searches.length})`;
}

function shrunkMax(searches: Search[]): string {
  const sizes = searches.flatMap((search) => (search.shrunkSize === undefined ? [] : [search.shrunkSize]));
  return sizes.length === 0 ? '–' : String(Math.max(...sizes));
}

const HEADER = ['bug', 'min faults', 'faultline runs-to-find, median (range)', 'baseline runs-to-find, median (range)', 'cases that fail (faultline / baseline)', 'found from every seed (faultline / baseline)', 'faultline shrunk max', 'baseline shrunk max', 'fixed variant passes'];

function cells(row: Row, budget: number): string[] {
  return [
    row.bug,
    String(row.minimum),
    runsFigure(row.faultline, budget),
    runsFigure(row.baseline, budget),
    rateFigure(row.hitRate),
    `${foundFigure(row.faultline)} / ${foundFigure(row.baseline)}`,
    shrunkMax(row.faultline),
    shrunkMax(row.baseline),
    row.fixedPasses ? 'yes' : 'no',
  ];
}

function rateFigure({ faultline, baseline }: Row['hitRate']): string {
  const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;
  if (baseline === undefined) return percent(faultline);
  return `${percent(faultline)} / ${percent(baseline)} (${baseline === 0 ? '∞' : (faultline / baseline).toFixed(1)}×)`;
}

function targets(rows: Row[], budget: number): string[] {
  const everyFound = rows.filter((row) => foundFigure(row.faultline) !== 'yes').map((row) => row.bug);
  const notTwiceAsFast = rows.filter((row) => !(median(row.faultline) <= median(row.baseline) / 2)).map((row) => row.bug);
  const shrunkTooBig = rows.filter((row) => row.faultline.some((search) => search.shrunkSize !== undefined && search.shrunkSize > row.minimum + 1)).map((row) => row.bug);
  const fixedFailing = rows.filter((row) => !row.fixedPasses).map((row) => row.bug);
  const errors = rows.flatMap((row) => [...row.faultline, ...row.baseline].flatMap((search) => (search.error === undefined ? [] : [`${row.bug}: ${search.error}`])));
  const verdict = (failing: string[]): string => (failing.length === 0 ? 'met' : `missed by ${failing.join(', ')}`);
  return [
    `- every bug found from every seed within ${budget} runs: ${verdict(everyFound)}`,
    `- faultline's median runs-to-find at most half the baseline's: ${verdict(notTwiceAsFast)}`,
    `- shrunk to at most the minimum + 1 faults: ${verdict(shrunkTooBig)}`,
    `- fixed variants pass the same budget: ${verdict(fixedFailing)}`,
    ...(errors.length === 0 ? [] : ['- cases that threw something other than a violation:', ...errors.map((error) => `  - ${error}`)]),
  ];
}

function markdown(rows: Row[], seeds: number[], budget: number): string {
  const line = (values: string[]): string => `| ${values.join(' | ')} |`;
  return [
    `Search power: ${seeds.length} fast-check seeds (${seeds[0]}–${seeds[seeds.length - 1]}), budget ${budget} runs, at most ${SEARCH_WINDOW.maxFaults} faults over ${SEARCH_WINDOW.horizonMs} ms (\`npm run bench:search -- --seeds ${seeds.length} --runs ${budget}\`).`,
    '',
    line(HEADER),
    line(HEADER.map(() => '---')),
    ...rows.map((row) => line(cells(row, budget))),
    '',
    'Targets:',
    ...targets(rows, budget),
    '',
  ].join('\n');
}

function printTable(rows: Row[], budget: number): void {
  const table = [HEADER, ...rows.map((row) => cells(row, budget))];
  const widths = HEADER.map((_, column) => Math.max(...table.map((cellsOfRow) => cellsOfRow[column]!.length)));
  for (const cellsOfRow of table) console.log(cellsOfRow.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seeds: { type: 'string', default: '10' }, runs: { type: 'string', default: '500' }, only: { type: 'string' }, options: { type: 'string', default: '{}' }, 'rate-cases': { type: 'string', default: '300' }, 'faultline-only': { type: 'boolean', default: false } },
  });
  const extra = JSON.parse(values.options) as Record<string, unknown>;
  const seedCount = Number(values.seeds);
  const runs = Number(values.runs);
  const rateCases = Number(values['rate-cases']);
  if (!Number.isInteger(rateCases) || rateCases < 1) throw new Error(`--rate-cases: expected a positive integer, got ${values['rate-cases']}`);
  if (!Number.isInteger(seedCount) || seedCount < 1) throw new Error(`--seeds: expected a positive integer, got ${values.seeds}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
  const every = [...plantedProtocols, ...earlierPlantedBugs];
  const only = values.only?.split(',');
  const unknown = (only ?? []).filter((name) => !every.some((bug) => bug.name === name));
  if (unknown.length > 0) throw new Error(`--only: unknown bug ${unknown.join(', ')} (known: ${every.map((bug) => bug.name).join(', ')})`);
  const bugs = only === undefined ? every : every.filter((bug) => only.includes(bug.name));
  const seeds = Array.from({ length: seedCount }, (_, index) => index + 1);
  const rows: Row[] = [];
  for (const bug of bugs) {
    const row = await measure(bug, seeds, runs, rateCases, extra, values['faultline-only']);
    rows.push(row);
    console.error(`${bug.name}: ${row.seconds.toFixed(1)} s`);
  }
  printTable(rows, runs);
  console.log(targets(rows, runs).join('\n'));
  // A partial table (--only, --faultline-only) or another generator (--options) would replace the README's figures with a few rows: print it only.
  if (only !== undefined || values.options !== '{}' || values['faultline-only']) return;
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, markdown(rows, seeds, runs));
  console.log(`written to ${RESULTS}`);
}

// Run as a script; imported (to reuse naiveSchedule), it only defines.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
