#!/usr/bin/env node
/**
 * The `faultline` command. Node-only.
 *
 *   faultline sweep <scenario-file> [--seeds N] [--first-seed S] [--workers W] [--shard i/n]
 *                   [--runs-per-seed R] [--out failures.json]
 *   faultline merge <report.json>... [--out merged.json]
 *   faultline --help | --version
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { FaultlineError, InvalidArgumentError } from '../errors.js';
import { mergeReports } from './merge.js';
import { MAX_RUNS_PER_SEED, MAX_SEED, readSweepReport, type SweepReport } from './sweep-report.js';
import { faultlineVersion } from './version.js';

const SWEEP_USAGE = `usage: faultline sweep <scenario-file> [--seeds N] [--first-seed S] [--workers W] [--shard i/n] [--runs-per-seed R] [--out file.json]

Runs the scenario file's SweepModule (its default export) on a worker pool: each seed is a
fast-check seed from which --runs-per-seed cases are generated (default 1). Failures are shrunk
and written, with their minimal fault schedules and replay lines, as JSON (default
faultline-sweep.json). Shard i/n (1-based, 1 <= i <= n) takes every n-th seed, so n shards
cover the sweep once; faultline merge joins their reports.
Exit status: 0 when every seed passed (and required coverage was met), 1 otherwise, 2 on bad usage.

Needs fast-check (npm install -D fast-check), and tsx for a .ts scenario file (npm install -D tsx).`;

const MERGE_USAGE = `usage: faultline merge <report.json>... [--out merged.json]

Joins the reports of a sweep's shards (faultline sweep --shard i/n) into the report the unsharded
sweep would have written (default faultline-merged.json): failures in seed order with their replay
lines, coverage counts and totals summed, durations summed, and the shards listed. Checks first
that the reports are of one sweep (same scenario file contents, faultline version, --seeds,
--first-seed, --runs-per-seed and n) and hold each shard 1/n .. n/n exactly once.
Exit status: 0 when the merged sweep passed (and required coverage was met), 1 when it did not,
2 on bad usage or reports that do not cover one sweep exactly once (the message says which).

Needs neither fast-check nor the scenario file.`;

const USAGE = `${SWEEP_USAGE}

${MERGE_USAGE}

       faultline --help     this text (faultline <command> --help: that command's)
       faultline --version  the installed faultline's version`;

type SweepRunner = typeof import('./sweep.js');

/**
 * The sweep needs fast-check, an optional peer dependency: imported only when a sweep runs, so
 * `--help`, `--version` and `merge` work without it, and its absence is said in one line, not a
 * stack trace.
 */
async function loadSweepRunner(): Promise<SweepRunner> {
  try {
    return await import('./sweep.js');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/fast-check|tinypool/.test(message)) {
      const missing = message.includes('fast-check') ? 'fast-check' : 'tinypool';
      throw new MissingDependencyError(`faultline sweep needs ${missing}, which is not installed here: npm install -D ${missing}`);
    }
    throw error;
  }
}

class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string = USAGE,
  ) {
    super(message);
  }
}
class MissingDependencyError extends UsageError {}

function count(text: string | undefined, flag: string, fallback: number, minimum: number, maximum: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) throw new InvalidArgumentError(flag, text, `an integer in [${minimum}, ${maximum}]`);
  return value;
}

const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

const SWEEP_OPTIONS = {
  ...COMMON_OPTIONS,
  seeds: { type: 'string' },
  'first-seed': { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  'runs-per-seed': { type: 'string' },
  out: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const MERGE_OPTIONS = { ...COMMON_OPTIONS, out: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

/** Each command parses its own options, so one command's flag is an error on another. */
function parse<Options extends ParseArgsConfig['options']>(argv: string[], options: Options, usage: string) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}

/** `--help` or `--version` asked: the text printed on stdout; otherwise undefined. */
function answerOf(values: { help?: boolean; version?: boolean }, usage: string): string | undefined {
  if (values.help === true) return usage;
  if (values.version === true) return faultlineVersion();
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'sweep') return sweep(rest);
  if (command === 'merge') return merge(rest);
  const { values } = parse(argv, COMMON_OPTIONS, USAGE);
  const answer = answerOf(values, USAGE);
  if (answer === undefined) throw new UsageError(command === undefined ? 'no command given' : `unknown command '${command}'`);
  process.stdout.write(`${answer}\n`);
  return 0;
}

async function sweep(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, SWEEP_OPTIONS, SWEEP_USAGE);
  const answer = answerOf(values, SWEEP_USAGE);
  if (answer !== undefined) return print(answer);
  if (positionals.length !== 1) throw new UsageError('faultline sweep takes one scenario file', SWEEP_USAGE);
  const { MAX_WORKERS, parseShard, runSweep } = await loadSweepRunner();
  const out = values.out ?? 'faultline-sweep.json';
  const seeds = count(values.seeds, '--seeds', 100, 1, MAX_SEED);
  const started = performance.now(); // wall-clock: progress output and the report's durationMs only
  const report = await runSweep({
    file: positionals[0]!,
    seeds,
    firstSeed: count(values['first-seed'], '--first-seed', 0, 0, MAX_SEED + 1 - seeds),
    workers: count(values.workers, '--workers', Math.max(1, availableParallelism() - 1), 0, MAX_WORKERS),
    shard: values.shard === undefined ? { index: 1, count: 1 } : parseShard(values.shard),
    runsPerSeed: count(values['runs-per-seed'], '--runs-per-seed', 1, 1, MAX_RUNS_PER_SEED),
    onProgress: (done, total, failures) => {
      if (done % Math.max(1, Math.floor(total / 20)) === 0 || done === total) {
        process.stderr.write(`seeds ${done}/${total}, ${failures} failing, ${((performance.now() - started) / 1000).toFixed(1)} s\n`); // wall-clock: progress
      }
    },
  });
  const durationMs = Math.round(performance.now() - started); // wall-clock: durationMs
  return write({ ...report, durationMs }, out, '');
}

function merge(argv: string[]): number {
  const { values, positionals } = parse(argv, MERGE_OPTIONS, MERGE_USAGE);
  const answer = answerOf(values, MERGE_USAGE);
  if (answer !== undefined) return print(answer);
  if (positionals.length === 0) throw new UsageError('faultline merge takes the report files of a sweep\'s shards', MERGE_USAGE);
  const merged = mergeReports(positionals.map((file) => ({ file, report: readSweepReport(file) })));
  const shards = merged.shards ?? [];
  const slowest = shards.reduce((worst, shard) => (shard.durationMs > worst.durationMs ? shard : worst), shards[0]!);
  const heading = `merged ${shards.length} shard${shards.length === 1 ? '' : 's'} (${seconds(merged.durationMs ?? 0)} s in all, slowest ${slowest.shard} ${seconds(slowest.durationMs)} s): `;
  return write(merged, values.out ?? 'faultline-merged.json', heading);
}

function seconds(durationMs: number): string {
  return (durationMs / 1000).toFixed(1);
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

/** Writes the report and its summary; the exit status: 1 when a seed failed or coverage is missing. */
function write(report: SweepReport, out: string, heading: string): number {
  try {
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    throw new InvalidArgumentError('--out', out, `a file that can be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  process.stdout.write(`${heading}${report.passed} of ${report.seedsRun} seeds passed, ${report.failed} failed; report: ${out}\n`);
  for (const failure of report.failures.slice(0, 5)) {
    process.stdout.write(`  fast-check seed ${failure.fastCheckSeed}: ${failure.property ?? failure.message?.split('\n')[0]}\n    ${failure.replay ?? ''}\n`);
  }
  if (report.coverageMissing.length > 0) process.stdout.write(`required coverage never met: ${report.coverageMissing.join(', ')}\n`);
  return report.failed === 0 && report.coverageMissing.length === 0 ? 0 : 1;
}

// A reader that stops early (`faultline merge ... | head -1`) closes the pipe: the report is
// written and the exit status stands, so a closed stdout is no error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof MissingDependencyError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof UsageError) process.stderr.write(`${error.message}\n${error.usage}\n`);
    else process.stderr.write(`${error instanceof FaultlineError ? `${error.code}: ${error.message}` : String(error)}\n`);
    process.exitCode = error instanceof FaultlineError || error instanceof UsageError ? 2 : 1;
  },
);
