#!/usr/bin/env node
/**
 * The `faultline` command. Node-only.
 *
 *   faultline sweep <scenario-file> [--seeds N] [--first-seed S] [--workers W] [--shard i/n]
 *                   [--runs-per-seed R] [--out failures.json]
 *   faultline --help | --version
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { FaultlineError, InvalidArgumentError } from '../errors.js';

const USAGE = `usage: faultline sweep <scenario-file> [--seeds N] [--first-seed S] [--workers W] [--shard i/n] [--runs-per-seed R] [--out file.json]

Runs the scenario file's SweepModule (its default export) on a worker pool: each seed is a
fast-check seed from which --runs-per-seed cases are generated (default 1). Failures are shrunk
and written, with their minimal fault schedules and replay lines, as JSON (default
faultline-sweep.json). Shard i/n takes every n-th seed, so n shards cover the sweep once.
Exit status: 0 when every seed passed (and required coverage was met), 1 otherwise, 2 on bad usage.

Needs fast-check (npm install -D fast-check), and tsx for a .ts scenario file (npm install -D tsx).

       faultline --help     this text
       faultline --version  the installed faultline's version`;

/** Set by the build (tsup `define`); from source, read from package.json instead. */
declare const __FAULTLINE_VERSION__: string | undefined;

function version(): string {
  if (typeof __FAULTLINE_VERSION__ === 'string') return __FAULTLINE_VERSION__;
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

type SweepRunner = typeof import('./sweep.js');

/**
 * The sweep needs fast-check, an optional peer dependency: imported only when a sweep runs, so
 * `--help` and `--version` work without it, and its absence is said in one line, not a stack trace.
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

/** fast-check folds seeds to 32 bits: larger ones would repeat smaller ones. */
const MAX_SEED = 2 ** 31 - 1;

class UsageError extends Error {}
class MissingDependencyError extends UsageError {}

function count(text: string | undefined, flag: string, fallback: number, minimum: number, maximum: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) throw new InvalidArgumentError(flag, text, `an integer in [${minimum}, ${maximum}]`);
  return value;
}

function parse(argv: string[]): ReturnType<typeof parseArguments> {
  try {
    return parseArguments(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseArguments(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      'runs-per-seed': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  if (positionals[0] !== 'sweep' || positionals.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { MAX_WORKERS, parseShard, runSweep } = await loadSweepRunner();
  const out = values.out ?? 'faultline-sweep.json';
  const seeds = count(values.seeds, '--seeds', 100, 1, MAX_SEED);
  const started = performance.now(); // wall-clock: progress output only
  const report = await runSweep({
    file: positionals[1]!,
    seeds,
    firstSeed: count(values['first-seed'], '--first-seed', 0, 0, MAX_SEED + 1 - seeds),
    workers: count(values.workers, '--workers', Math.max(1, availableParallelism() - 1), 0, MAX_WORKERS),
    shard: values.shard === undefined ? { index: 1, count: 1 } : parseShard(values.shard),
    runsPerSeed: count(values['runs-per-seed'], '--runs-per-seed', 1, 1, 1_000_000),
    onProgress: (done, total, failures) => {
      if (done % Math.max(1, Math.floor(total / 20)) === 0 || done === total) {
        process.stderr.write(`seeds ${done}/${total}, ${failures} failing, ${((performance.now() - started) / 1000).toFixed(1)} s\n`); // wall-clock: progress
      }
    },
  });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${report.passed} of ${report.seedsRun} seeds passed, ${report.failed} failed; report: ${out}\n`);
  for (const failure of report.failures.slice(0, 5)) {
    process.stdout.write(`  fast-check seed ${failure.fastCheckSeed}: ${failure.property ?? failure.message?.split('\n')[0]}\n    ${failure.replay ?? ''}\n`);
  }
  if (report.coverageMissing.length > 0) process.stdout.write(`required coverage never met: ${report.coverageMissing.join(', ')}\n`);
  return report.failed === 0 && report.coverageMissing.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof MissingDependencyError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
    else process.stderr.write(`${error instanceof FaultlineError ? `${error.code}: ${error.message}` : String(error)}\n`);
    process.exitCode = error instanceof FaultlineError || error instanceof UsageError ? 2 : 1;
  },
);
