/**
 * `faultline merge`: joins the shard reports of one sweep into the report the unsharded sweep
 * would have written. Plain Node: it reads JSON and needs neither fast-check nor the scenario.
 */
import type { SeedResult } from '../check/sweep-seed.js';
import { ShardCoverageError } from './report-errors.js';
import { parseShard } from './shard.js';
import { REPORT_FORMAT, REPORT_FORMAT_VERSION, type ShardSummary, type SweepReport } from './sweep-report.js';

/** A report and the file it was read from (named in messages and in the merged listing). */
export interface ReportFile {
  file: string;
  report: SweepReport;
}

/** Missing shards named in a message, at most; a 1000-shard sweep missing half says how many more. */
const NAMED_AT_MOST = 10;

/**
 * Merges the shard reports of one sweep, after checking they are of one sweep and cover it
 * exactly once (each shard `i/n` once, the same `n`); throws {@link ShardCoverageError} otherwise.
 *
 * @example
 * ```ts
 * const merged = mergeReports(files.map((file) => ({ file, report: readSweepReport(file) })));
 * ```
 */
export function mergeReports(reports: readonly ReportFile[]): SweepReport {
  if (reports.length === 0) throw new ShardCoverageError('missing', 'no reports to merge');
  requireOneSweep(reports);
  const ordered = requireEachShardOnce(reports);
  const sum = (count: (report: SweepReport) => number): number => ordered.reduce((total, { report }) => total + count(report), 0);
  const first = ordered[0]!.report;
  const coverage = sumCoverage(ordered.map(({ report }) => report.coverage));
  const merged: SweepReport = {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    faultlineVersion: first.faultlineVersion,
    file: first.file,
    scenarioSha256: first.scenarioSha256,
    firstSeed: first.firstSeed,
    seeds: first.seeds,
    shard: '1/1',
    runsPerSeed: first.runsPerSeed,
    seedsRun: sum((report) => report.seedsRun),
    passed: sum((report) => report.passed),
    failed: sum((report) => report.failed),
    failures: ordered.flatMap(({ report }) => report.failures).sort(bySeed),
    coverage,
    coverageRequired: first.coverageRequired,
    coverageMissing: first.coverageRequired.filter((name) => (coverage[name] ?? 0) === 0),
    durationMs: sum((report) => report.durationMs ?? 0),
    shards: ordered.map(summaryOf),
  };
  // Each report's seeds were checked to belong to its shard, and the shards are distinct: the
  // seeds add up to the sweep's, none twice.
  if (merged.seedsRun !== merged.seeds) throw new Error(`internal: merged ${merged.seedsRun} of ${merged.seeds} seeds`);
  return merged;
}

function bySeed(first: SeedResult, second: SeedResult): number {
  return first.fastCheckSeed - second.fastCheckSeed;
}

function summaryOf({ file, report }: ReportFile): ShardSummary {
  return { shard: report.shard, report: file, seedsRun: report.seedsRun, passed: report.passed, failed: report.failed, durationMs: report.durationMs ?? 0 };
}

/** Per condition, in name order (as a sweep writes it): how many seeds met it, over all shards. */
function sumCoverage(coverages: readonly Record<string, number>[]): Record<string, number> {
  const seedsMet = new Map<string, number>();
  for (const coverage of coverages) for (const [name, count] of Object.entries(coverage)) seedsMet.set(name, (seedsMet.get(name) ?? 0) + count);
  return Object.fromEntries([...seedsMet].sort(([first], [second]) => (first < second ? -1 : 1)));
}

/** What two shards of one sweep must agree on, each with how a message names it. */
const SWEEP_IDENTITY: readonly { name: string; of: (report: SweepReport) => string }[] = [
  { name: 'faultline', of: (report) => report.faultlineVersion },
  { name: 'scenario', of: (report) => `sha256 ${report.scenarioSha256.slice(0, 12)}` },
  { name: 'seeds', of: (report) => String(report.seeds) },
  { name: 'first seed', of: (report) => String(report.firstSeed) },
  { name: 'runs per seed', of: (report) => String(report.runsPerSeed) },
  { name: 'shard count', of: (report) => String(parseShard(report.shard).count) },
  { name: 'required coverage', of: (report) => JSON.stringify(report.coverageRequired) },
];

function requireOneSweep(reports: readonly ReportFile[]): void {
  const [first, ...others] = reports;
  for (const { name, of } of SWEEP_IDENTITY) {
    const other = others.find(({ report }) => of(report) !== of(first!.report));
    if (other !== undefined) {
      const files = `(${first!.file}, ${other.file})`;
      const detail = name === 'scenario' ? `scenario ${first!.report.file} ${of(first!.report)} vs ${other.report.file} ${of(other.report)}` : `${name} ${of(first!.report)} vs ${of(other.report)}`;
      throw new ShardCoverageError('different-sweeps', `reports are from different sweeps: ${detail} ${files}`);
    }
  }
}

/** The reports in shard order, after checking each shard of the sweep is there exactly once. */
function requireEachShardOnce(reports: readonly ReportFile[]): ReportFile[] {
  const count = parseShard(reports[0]!.report.shard).count;
  const byIndex = new Map<number, ReportFile[]>();
  for (const entry of reports) {
    const { index } = parseShard(entry.report.shard);
    byIndex.set(index, [...(byIndex.get(index) ?? []), entry]);
  }
  const problems: string[] = [];
  const indices = [...byIndex.keys()].sort((first, second) => first - second);
  for (const index of indices) {
    const copies = byIndex.get(index)!;
    if (copies.length > 1) problems.push(`shard ${index}/${count} appears ${copies.length === 2 ? 'twice' : `${copies.length} times`} (${copies.map(({ file }) => file).join(', ')})`);
  }
  const duplicated = problems.length > 0;
  const missing = missingShards(byIndex, count);
  if (missing !== undefined) problems.push(missing);
  if (problems.length > 0) throw new ShardCoverageError(duplicated ? 'duplicate' : 'missing', problems.join('; '));
  return indices.map((index) => byIndex.get(index)![0]!);
}

function missingShards(present: ReadonlyMap<number, unknown>, count: number): string | undefined {
  const named: string[] = [];
  // Stops after naming NAMED_AT_MOST: at most present.size + NAMED_AT_MOST steps, whatever count
  // a report declares; the rest are counted, not listed.
  for (let index = 1; index <= count && named.length < NAMED_AT_MOST; index++) if (!present.has(index)) named.push(`${index}/${count}`);
  const more = count - present.size - named.length;
  if (named.length === 0) return undefined;
  if (named.length === 1) return `shard ${named[0]} is missing`;
  return `shards ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} are missing`;
}
