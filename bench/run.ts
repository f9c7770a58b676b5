/**
 * Runs the kernel benchmark suite (kernel.bench.ts) and prints a table of median rates and the
 * ratios the project tracks.
 *
 *   npm run bench                       table on stdout (about 1 to 2 minutes)
 *   npm run bench -- --json             also writes bench/results.json (one record per case)
 *   npm run bench -- --json --out f     writes the JSON to f instead
 *   npm run bench -- --filter phold     only cases whose group, parameters (as printed while running,
 *                                       e.g. "queue hold/pending=1000") or name contain the text,
 *                                       plus the cases they are compared with
 *   npm run bench -- --time 3000        measured wall-clock budget per case, in ms (default 1500)
 *
 * JSON goes to a file rather than stdout so npm's banner cannot corrupt it. Each record holds the
 * case's group, name, parameters, its rate under `opsPerSec`, `eventsPerSec` or `messagesPerSec`
 * (the median over measured batches), `runs` (how many batches were measured) and the Node
 * version; `comparisons` holds the ratios the project tracks (faultline / flatqueue, delivery
 * rate / 2 M msgs/s, PHOLD faultline / baseline heap).
 *
 * Every comparison set (e.g. faultline's queue and flatqueue at one size) runs in its own Node
 * process (run-case.ts), alternating between its cases, so no set inherits another's JIT feedback
 * or heap and a ratio is taken under the same machine load. Numbers are wall-clock rates on this
 * machine: compare them across commits on one machine, and with nothing else running.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { kernelCases } from './kernel.bench.js';
import { comparisonKey, defaultMeasureOptions, type BenchCase, type CaseResult } from './measure.js';
import { compare, comparisonsTable, jsonDocument, resultsTable } from './report.js';

const DEFAULT_OUT = fileURLToPath(new URL('./results.json', import.meta.url));
const RUN_CASE = fileURLToPath(new URL('./run-case.ts', import.meta.url));
const USAGE = 'usage: npm run bench -- [--json [--out path]] [--filter text] [--time ms]';

/** Measures one comparison set in a child Node process with the same loader flags (tsx) as this one. */
function measureInChild(key: string, timeMs: number): CaseResult[] {
  const child = spawnSync(process.execPath, [...process.execArgv, RUN_CASE, key, String(timeMs)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`'${key}' failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout) as CaseResult[];
}

/** Cases grouped by comparison key, in suite order. */
function comparisonSets(cases: readonly BenchCase[]): Map<string, BenchCase[]> {
  const sets = new Map<string, BenchCase[]>();
  for (const benchCase of cases) {
    const key = comparisonKey(benchCase);
    sets.set(key, [...(sets.get(key) ?? []), benchCase]);
  }
  return sets;
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      filter: { type: 'string' },
      time: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const timeMs = values.time === undefined ? defaultMeasureOptions.timeMs : Number(values.time);
  if (!Number.isInteger(timeMs) || timeMs < 1) throw new Error(`--time must be a whole number of ms >= 1, got '${values.time}'`);
  if (values.out !== undefined && !values.json) throw new Error('--out only makes sense with --json');
  return { ...values, timeMs, out: values.out ?? DEFAULT_OUT };
}

function main(): void {
  const options = readOptions();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const filter = options.filter?.toLowerCase();
  const cases = kernelCases().filter(
    (benchCase) => filter === undefined || `${comparisonKey(benchCase)} ${benchCase.name}`.toLowerCase().includes(filter),
  );
  if (cases.length === 0) throw new Error(`no case matches --filter '${options.filter}'`);
  const results: CaseResult[] = [];
  const started = performance.now();
  for (const [key, set] of comparisonSets(cases)) {
    process.stderr.write(`  ${key}: ${set.map((benchCase) => benchCase.name).join(' vs ')} ...`);
    const measured = measureInChild(key, options.timeMs);
    process.stderr.write(` ${measured.map((result) => `${Math.round(result.median).toLocaleString('en-US')}/s`).join(' vs ')}\n`);
    results.push(...measured);
  }
  const comparisons = compare(results);
  console.log(`\nfaultline kernel benchmarks, Node ${process.version}, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  console.log(resultsTable(results));
  if (comparisons.length > 0) console.log(`\n${comparisonsTable(comparisons)}`);
  if (options.json) {
    writeFileSync(options.out, `${JSON.stringify(jsonDocument(results, comparisons), null, 2)}\n`);
    const shown = relative(process.cwd(), options.out);
    console.log(`\nwrote ${shown.startsWith('..') ? options.out : shown}`);
  }
}

try {
  main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exitCode = 1;
}
