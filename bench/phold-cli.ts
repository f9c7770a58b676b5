/**
 * Runs one PHOLD case through faultline's public API (phold.ts) and reports its rate.
 *
 *   npm run -s bench:phold -- --lps 1000 --pop 16 --events 2000000 --json
 *
 * Options:
 *   --lps N       logical processes (integer >= 1; 1e5 is accepted)
 *   --pop P       events in flight per process (integer >= 1; lps * pop <= 2^26)
 *   --events E    events per timed run (integer >= 1)
 *   --runs R      timed runs (default 5); the figure is their median
 *   --seed S      simulation seed (default 1)
 *   --baseline    also run the hand-written heap (baseline-heap.ts) and report the ratio
 *   --json        print one JSON object instead of a sentence
 *
 * Each run builds a fresh model (not timed) and times `E` events (about E: the run stops at the
 * simulated time by which E events are expected, and the actual count is what is divided by the
 * wall-clock time). One untimed run first warms up the JIT. Use `npm run -s` so npm's banner does
 * not precede the JSON on stdout; progress goes to stderr.
 */
import { parseArgs } from 'node:util';
import { createBaselinePhold } from './baseline-heap.js';
import { median } from './measure.js';
import { createFaultlinePhold, type PholdModel, type PholdParameters } from './phold.js';

const MAX_PENDING = 2 ** 26;
const WARMUP_EVENTS = 200_000;
/** Below this many events per run, timer resolution and JIT noise dominate the figure. */
const FEW_EVENTS = 100_000;
const USAGE = 'usage: npm run -s bench:phold -- --lps N --pop P --events E [--runs R] [--seed S] [--baseline] [--json]';

class UsageError extends Error {}

function integerOption(values: Record<string, unknown>, name: string, fallback: number | undefined, max = Number.MAX_SAFE_INTEGER): number {
  const raw = values[name];
  if (raw === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got '${String(raw)}'`);
  }
  return value;
}

function readOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        lps: { type: 'string' },
        pop: { type: 'string' },
        events: { type: 'string' },
        runs: { type: 'string' },
        seed: { type: 'string' },
        baseline: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return undefined;
  const lps = integerOption(values, 'lps', undefined, MAX_PENDING);
  const pop = integerOption(values, 'pop', undefined, MAX_PENDING);
  if (lps * pop > MAX_PENDING) throw new UsageError(`--lps times --pop must be at most ${MAX_PENDING} events in flight, got ${lps * pop}`);
  const events = integerOption(values, 'events', undefined, 1e10);
  const runs = integerOption(values, 'runs', 5, 100);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isFinite(seed)) throw new UsageError(`--seed must be a number, got '${values.seed}'`);
  return { parameters: { lps, pop }, events, runs, seed, baseline: values.baseline, json: values.json };
}

type Create = (parameters: PholdParameters, seed: number) => PholdModel;

/** Median events/s over `runs` fresh models, after one untimed warmup run. */
function measureRuns(create: Create, parameters: PholdParameters, events: number, runs: number, seed: number, label: string): { median: number; perRun: number[] } {
  create(parameters, seed).advance(Math.min(events, WARMUP_EVENTS));
  const perRun: number[] = [];
  for (let run = 0; run < runs; run++) {
    const model = create(parameters, seed); // same seed: every run does the same work
    const start = performance.now();
    const processed = model.advance(events);
    const elapsedMs = performance.now() - start;
    perRun.push((processed / elapsedMs) * 1000);
    process.stderr.write(`  ${label} run ${run + 1}/${runs}: ${processed} events, ${Math.round(perRun[run]!).toLocaleString('en-US')} events/s\n`);
  }
  return { median: median(perRun), perRun };
}

function main(): void {
  const options = readOptions();
  if (options === undefined) {
    console.log(USAGE);
    return;
  }
  const { parameters, events, runs, seed } = options;
  if (events < FEW_EVENTS) process.stderr.write(`bench:phold: warning: ${events} events per run is too few for a stable figure; use ${FEW_EVENTS} or more\n`);
  const faultline = measureRuns(createFaultlinePhold, parameters, events, runs, seed, 'faultline');
  const report: Record<string, unknown> = {
    benchmark: 'phold',
    implementation: 'faultline EventLoop',
    lps: parameters.lps,
    pop: parameters.pop,
    events,
    runs,
    seed,
    eventsPerSec: faultline.median,
    runsEventsPerSec: faultline.perRun,
    nodeVersion: process.version,
  };
  if (options.baseline) {
    const baseline = measureRuns(createBaselinePhold, parameters, events, runs, seed, 'baseline');
    report['baselineEventsPerSec'] = baseline.median;
    report['ratioToBaseline'] = faultline.median / baseline.median;
  }
  if (options.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const ratio = options.baseline ? `, ${(report['ratioToBaseline'] as number).toFixed(2)} of the baseline heap` : '';
  console.log(`PHOLD lps=${parameters.lps} pop=${parameters.pop}: ${Math.round(faultline.median).toLocaleString('en-US')} events/s (median of ${runs} runs${ratio})`);
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError) console.error(`bench:phold: ${error.message}\n${USAGE}`);
  else console.error(error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
