import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import type { SeedResult } from '../check/sweep-seed.js';
import { rejectUnknownKeys, requireObject, requireString } from '../validate.js';
import { SweepReportError } from './report-errors.js';
import { parseShard, shardSize, type Shard } from './shard.js';

/** What a report file says it is, so a merge can refuse anything else. */
export const REPORT_FORMAT = 'faultline-sweep-report';
/** Raised when a field changes meaning or a required field is added. */
export const REPORT_FORMAT_VERSION = 1;

/** fast-check folds seeds to 32 bits: larger ones would repeat smaller ones. */
export const MAX_SEED = 2 ** 31 - 1;
/** `--runs-per-seed` at most. */
export const MAX_RUNS_PER_SEED = 1_000_000;

/** One shard's line in a merged report. */
export interface ShardSummary {
  /** `i/n`. */
  shard: string;
  /** The report file it came from, as given to `faultline merge`. */
  report: string;
  seedsRun: number;
  passed: number;
  failed: number;
  durationMs: number;
}

/**
 * The JSON report of `faultline sweep` (one shard) or `faultline merge` (all of them, `shard`
 * `1/1`). Everything but `durationMs` and `shards` is the same for the same sweep on any machine,
 * and a merge of a sweep's shards has the same fields as the unsharded sweep.
 */
export interface SweepReport {
  format: typeof REPORT_FORMAT;
  formatVersion: typeof REPORT_FORMAT_VERSION;
  /** The faultline that ran it: results of one seed may differ between versions. */
  faultlineVersion: string;
  /** The scenario file, as given on the command line. */
  file: string;
  /** SHA-256 of the scenario file's bytes (not of the modules it imports): the sweep's identity. */
  scenarioSha256: string;
  firstSeed: number;
  seeds: number;
  /** `i/n`, 1-based: this shard ran the seeds whose offset from `firstSeed` is `i - 1` modulo `n`. */
  shard: string;
  runsPerSeed: number;
  seedsRun: number;
  passed: number;
  failed: number;
  /** Failing seeds, in seed order, with their minimal schedules and replay lines. */
  failures: SeedResult[];
  /** Per `sometimes` condition: in how many seeds it was met. */
  coverage: Record<string, number>;
  /** The module's `requireCoverage.sometimes`, in its order. */
  coverageRequired: string[];
  /** Conditions of `coverageRequired` that no seed met (the sweep then fails). */
  coverageMissing: string[];
  /** Wall-clock milliseconds the sweep took (added by the command; differs between runs). */
  durationMs?: number;
  /** In a merged report: the shards it joined, in shard order. */
  shards?: ShardSummary[];
}

const REPORT_KEYS = ['format', 'formatVersion', 'faultlineVersion', 'file', 'scenarioSha256', 'firstSeed', 'seeds', 'shard', 'runsPerSeed', 'seedsRun', 'passed', 'failed', 'failures', 'coverage', 'coverageRequired', 'coverageMissing', 'durationMs', 'shards'];
const FAILURE_KEYS = ['fastCheckSeed', 'ok', 'coverageMet', 'property', 'evidence', 'path', 'faults', 'faultLines', 'replay', 'message'];
const SUMMARY_KEYS = ['shard', 'report', 'seedsRun', 'passed', 'failed', 'durationMs'];

/**
 * SHA-256 of a scenario file, hex.
 *
 * @example
 * ```ts
 * scenarioSha256('register.sweep.ts'); // 'e3b0c442...'
 * ```
 */
export function scenarioSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Reads and checks a report file written by `faultline sweep` or `faultline merge`.
 *
 * @example
 * ```ts
 * const report = readSweepReport('shard-3.json'); // throws SweepReportError naming the file and field
 * ```
 */
export function readSweepReport(file: string): SweepReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SweepReportError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SweepReportError(file, `is not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  return sweepReportOf(parsed, file);
}

/**
 * Checks parsed JSON is a complete report (with `durationMs`) whose numbers agree with each other.
 *
 * @example
 * ```ts
 * const report = sweepReportOf(JSON.parse(text), 'shard-3.json');
 * ```
 */
export function sweepReportOf(value: unknown, file: string): SweepReport {
  try {
    checkReport(value);
    return value;
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new SweepReportError(file, error.message, { cause: error });
    throw error;
  }
}

function checkReport(value: unknown): asserts value is SweepReport {
  requireObject(value, 'the report');
  if (value['format'] !== REPORT_FORMAT) {
    throw new InvalidArgumentError('format', value['format'], `'${REPORT_FORMAT}' (reports written before faultline merge existed lack it: run that shard again)`);
  }
  if (value['formatVersion'] !== REPORT_FORMAT_VERSION) {
    throw new InvalidArgumentError('formatVersion', value['formatVersion'], `${REPORT_FORMAT_VERSION} (the report format this faultline reads)`);
  }
  rejectUnknownKeys(value, '', REPORT_KEYS);
  requireString(value['faultlineVersion'], 'faultlineVersion');
  requireString(value['file'], 'file');
  if (typeof value['scenarioSha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(value['scenarioSha256'])) {
    throw new InvalidArgumentError('scenarioSha256', value['scenarioSha256'], '64 lowercase hex digits');
  }
  const seeds = requireCount(value['seeds'], 'seeds', 1, MAX_SEED);
  const firstSeed = requireCount(value['firstSeed'], 'firstSeed', 0, MAX_SEED + 1 - seeds);
  requireString(value['shard'], 'shard');
  const shard = parseShard(value['shard'], 'shard');
  requireCount(value['runsPerSeed'], 'runsPerSeed', 1, MAX_RUNS_PER_SEED);
  const size = shardSize(seeds, shard);
  requireCount(value['seedsRun'], 'seedsRun', size, size);
  const failed = requireCount(value['failed'], 'failed', 0, size);
  requireCount(value['passed'], 'passed', size - failed, size - failed);
  checkFailures(value['failures'], { firstSeed, seeds, shard, failed });
  const coverage = checkCoverage(value['coverage'], size);
  const required = requireNames(value['coverageRequired'], 'coverageRequired');
  const missing = required.filter((name) => (coverage[name] ?? 0) === 0);
  if (JSON.stringify(requireNames(value['coverageMissing'], 'coverageMissing')) !== JSON.stringify(missing)) {
    throw new InvalidArgumentError('coverageMissing', value['coverageMissing'], `the required conditions no seed met, ${JSON.stringify(missing)}`);
  }
  requireDuration(value['durationMs'], 'durationMs');
  if (value['shards'] !== undefined) checkSummaries(value['shards']);
}

function requireCount(value: unknown, field: string, minimum: number, maximum: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new InvalidArgumentError(field, value, minimum === maximum ? `${minimum} (what the other fields imply)` : `an integer in [${minimum}, ${maximum}]`);
  }
  return value;
}

function requireDuration(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(field, value, 'a finite number >= 0');
}

function requireNames(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, value, 'an array of condition names');
  value.forEach((name, index) => requireString(name, `${field}[${index}]`));
  return value as string[];
}

interface SeedRange {
  firstSeed: number;
  seeds: number;
  shard: Shard;
  failed: number;
}

function checkFailures(value: unknown, range: SeedRange): void {
  if (!Array.isArray(value)) throw new InvalidArgumentError('failures', value, 'an array');
  if (value.length !== range.failed) throw new InvalidArgumentError('failures', value, `an array of ${range.failed} (failed)`);
  let previousSeed = -1;
  value.forEach((failure: unknown, index) => {
    const field = `failures[${index}]`;
    requireObject(failure, field);
    rejectUnknownKeys(failure, field, FAILURE_KEYS);
    const seed = failure['fastCheckSeed'];
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || !inShard(seed, range)) {
      throw new InvalidArgumentError(`${field}.fastCheckSeed`, seed, `a seed of shard ${range.shard.index}/${range.shard.count} of seeds ${range.firstSeed}..${range.firstSeed + range.seeds - 1}`);
    }
    if (seed <= previousSeed) throw new InvalidArgumentError(`${field}.fastCheckSeed`, seed, `greater than the seed before it, ${previousSeed} (failures in seed order, each once)`);
    previousSeed = seed;
    if (failure['ok'] !== false) throw new InvalidArgumentError(`${field}.ok`, failure['ok'], 'false');
    for (const key of ['property', 'evidence', 'path', 'replay', 'message']) {
      if (failure[key] !== undefined && typeof failure[key] !== 'string') throw new InvalidArgumentError(`${field}.${key}`, failure[key], 'a string, or absent');
    }
    for (const key of ['faults', 'faultLines', 'coverageMet']) {
      if (failure[key] !== undefined && !Array.isArray(failure[key])) throw new InvalidArgumentError(`${field}.${key}`, failure[key], 'an array, or absent');
    }
  });
}

function inShard(seed: number, range: SeedRange): boolean {
  const offset = seed - range.firstSeed;
  return offset >= 0 && offset < range.seeds && offset % range.shard.count === range.shard.index - 1;
}

function checkCoverage(value: unknown, seedsRun: number): Record<string, number> {
  requireObject(value, 'coverage');
  for (const [name, count] of Object.entries(value)) requireCount(count, `coverage[${JSON.stringify(name)}]`, 0, seedsRun);
  return value as Record<string, number>;
}

function checkSummaries(value: unknown): void {
  if (!Array.isArray(value)) throw new InvalidArgumentError('shards', value, 'an array, or absent');
  value.forEach((summary: unknown, index) => {
    const field = `shards[${index}]`;
    requireObject(summary, field);
    rejectUnknownKeys(summary, field, SUMMARY_KEYS);
    requireString(summary['shard'], `${field}.shard`);
    parseShard(summary['shard'], `${field}.shard`);
    requireString(summary['report'], `${field}.report`);
    for (const key of ['seedsRun', 'passed', 'failed']) requireCount(summary[key], `${field}.${key}`, 0, MAX_SEED);
    requireDuration(summary['durationMs'], `${field}.durationMs`);
  });
}
