#!/usr/bin/env node
/**
 * The `faultline` command. Node-only.
 *
 *   faultline sweep <scenario-file> [--seeds N] [--first-seed S] [--workers W] [--shard i/n]
 *                   [--runs-per-seed R] [--out failures.json]
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { FaultlineError, InvalidArgumentError } from '../errors.js';
import { parseShard, runSweep } from './sweep.js';

const USAGE = `usage: faultline sweep <scenario-file> [--seeds N] [--first-seed S] [--workers W] [--shard i/n] [--runs-per-seed R] [--out file.json]

Runs the scenario file's SweepModule (its default export) once per seed on a worker pool,
shrinks each failure, and writes the failing seeds with their minimal fault schedules as JSON.
Exit status: 0 when every seed passed, 1 when some failed, 2 on bad usage.`;

function count(text: string | undefined, flag: string, fallback: number, minimum: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum) throw new InvalidArgumentError(flag, text, `an integer >= ${minimum}`);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seeds: { type: 'string' },
      'first-seed': { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      'runs-per-seed': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true || positionals[0] !== 'sweep' || positionals.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  const out = values.out ?? 'faultline-sweep.json';
  const started = performance.now(); // wall clock: progress output only
  const report = await runSweep({
    file: positionals[1]!,
    seeds: count(values.seeds, '--seeds', 100, 1),
    firstSeed: count(values['first-seed'], '--first-seed', 0, 0),
    workers: count(values.workers, '--workers', Math.max(1, availableParallelism() - 1), 0),
    shard: values.shard === undefined ? { index: 1, count: 1 } : parseShard(values.shard),
    runsPerSeed: count(values['runs-per-seed'], '--runs-per-seed', 1, 1),
    onProgress: (done, total, failures) => {
      if (done % Math.max(1, Math.floor(total / 20)) === 0 || done === total) {
        process.stderr.write(`seeds ${done}/${total}, ${failures} failing, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      }
    },
  });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${report.passed} of ${report.seedsRun} seeds passed, ${report.failed} failed; report: ${out}\n`);
  for (const failure of report.failures.slice(0, 5)) process.stdout.write(`  seed ${failure.seed}: ${failure.property ?? failure.message?.split('\n')[0]}\n    ${failure.replay ?? ''}\n`);
  return report.failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof FaultlineError ? `${error.code}: ${error.message}` : String(error)}\n`);
    process.exitCode = error instanceof FaultlineError ? 2 : 1;
  },
);
