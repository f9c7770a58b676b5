import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { SeedResult } from '../../src/check/index.js';
import { mergeReports, type ReportFile } from '../../src/cli/merge.js';
import { ShardCoverageError, SweepReportError } from '../../src/cli/report-errors.js';
import { shardSeeds, type Shard } from '../../src/cli/shard.js';
import { REPORT_FORMAT, REPORT_FORMAT_VERSION, sweepReportOf, type SweepReport } from '../../src/cli/sweep-report.js';

// Reports built here as `faultline sweep` builds them, from per-seed outcomes, so the merge can be
// checked against the whole sweep for any split. The real command's reports are checked in
// merge-cli.test.ts.

interface Outcome {
  failed: boolean;
  met: string[];
}

interface Sweep {
  firstSeed: number;
  outcomes: Outcome[];
  required: string[];
}

const DIGEST = 'ab'.repeat(32);

function reportOf(sweep: Sweep, shard: Shard, durationMs = 10): SweepReport {
  const seeds = shardSeeds(sweep.firstSeed, sweep.outcomes.length, shard);
  const results: SeedResult[] = seeds.map((seed) => {
    const outcome = sweep.outcomes[seed - sweep.firstSeed]!;
    return outcome.failed ? { fastCheckSeed: seed, ok: false, property: 'p', replay: `checkCluster(scenario, {"seed":${seed}});` } : { fastCheckSeed: seed, ok: true, coverageMet: outcome.met };
  });
  const failures = results.filter((result) => !result.ok);
  const counts = new Map<string, number>();
  for (const result of results) for (const name of result.coverageMet ?? []) counts.set(name, (counts.get(name) ?? 0) + 1);
  const coverage = Object.fromEntries([...counts].sort(([first], [second]) => (first < second ? -1 : 1)));
  return {
    format: REPORT_FORMAT,
    formatVersion: REPORT_FORMAT_VERSION,
    faultlineVersion: '0.1.0',
    file: 'scenario.sweep.ts',
    scenarioSha256: DIGEST,
    firstSeed: sweep.firstSeed,
    seeds: sweep.outcomes.length,
    shard: `${shard.index}/${shard.count}`,
    runsPerSeed: 1,
    seedsRun: seeds.length,
    passed: seeds.length - failures.length,
    failed: failures.length,
    failures,
    coverage,
    coverageRequired: sweep.required,
    coverageMissing: sweep.required.filter((name) => (coverage[name] ?? 0) === 0),
    durationMs,
  };
}

function shardsOf(sweep: Sweep, count: number): ReportFile[] {
  return Array.from({ length: count }, (_, index) => ({ file: `shard-${index + 1}.json`, report: reportOf(sweep, { index: index + 1, count }) }));
}

/** What does not depend on how the sweep was split. */
function withoutTiming(report: SweepReport): Omit<SweepReport, 'durationMs' | 'shards'> {
  const { durationMs: _durationMs, shards: _shards, ...rest } = report;
  return rest;
}

const CONDITIONS = ['faults applied', 'leader elected', 'write acknowledged'];
const sweeps = fc.record({
  firstSeed: fc.nat(1_000_000),
  outcomes: fc.array(fc.record({ failed: fc.boolean(), met: fc.subarray(CONDITIONS) }), { minLength: 1, maxLength: 60 }),
  required: fc.subarray([...CONDITIONS, 'never met']),
});

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('mergeReports', () => {
  test.prop([sweeps, fc.integer({ min: 1, max: 12 }), fc.nat()])('gives the unsharded sweep’s report, whatever the split and the order of the files', (sweep, count, rotation) => {
    const shards = shardsOf(sweep, count);
    const shuffled = [...shards.slice(rotation % count), ...shards.slice(0, rotation % count)];
    const shardReports = shards.map(({ file, report }) => sweepReportOf(report, file));
    const merged = mergeReports(shuffled);
    expect(withoutTiming(merged)).toEqual(withoutTiming(reportOf(sweep, { index: 1, count: 1 })));
    expect(merged.durationMs).toBe(10 * count);
    expect(merged.shards!.map((summary) => summary.shard)).toEqual(shardReports.map((report) => report.shard));
    expect(merged.shards!.map((summary) => summary.report)).toEqual(shards.map(({ file }) => file));
    // A merged report is a valid report of the whole sweep, and merging it alone changes nothing.
    expect(withoutTiming(mergeReports([{ file: 'merged.json', report: sweepReportOf(merged, 'merged.json') }]))).toEqual(withoutTiming(merged));
  });

  test.prop([sweeps, fc.integer({ min: 2, max: 12 }), fc.nat()])('names the missing shard when one is left out', (sweep, count, left) => {
    const shards = shardsOf(sweep, count);
    const index = (left % count) + 1;
    const error = thrown(() => mergeReports(shards.filter((_, position) => position !== index - 1)));
    expect(error).toBeInstanceOf(ShardCoverageError);
    expect(error).toMatchObject({ code: 'SHARD_COVERAGE', problem: 'missing', message: `shard ${index}/${count} is missing` });
  });

  test.prop([sweeps, fc.integer({ min: 1, max: 12 }), fc.nat()])('names the shard given twice and both its files', (sweep, count, twice) => {
    const shards = shardsOf(sweep, count);
    const index = (twice % count) + 1;
    const copy = { file: 'copy.json', report: shards[index - 1]!.report };
    const error = thrown(() => mergeReports([...shards, copy]));
    expect(error).toMatchObject({ problem: 'duplicate', message: `shard ${index}/${count} appears twice (shard-${index}.json, copy.json)` });
  });

  it('names every duplicate and then the missing shards, in one line', () => {
    const sweep: Sweep = { firstSeed: 0, outcomes: Array.from({ length: 8 }, () => ({ failed: false, met: [] })), required: [] };
    const [one, two, , four] = shardsOf(sweep, 4);
    expect(() => mergeReports([two!, one!, two!, two!, one!])).toThrow(
      'shard 1/4 appears twice (shard-1.json, shard-1.json); shard 2/4 appears 3 times (shard-2.json, shard-2.json, shard-2.json); shards 3/4, 4/4 are missing',
    );
    expect(() => mergeReports([four!])).toThrow(/^shards 1\/4, 2\/4, 3\/4 are missing$/);
  });

  it('names at most ten missing shards, and counts the rest without visiting them', () => {
    const sweep: Sweep = { firstSeed: 0, outcomes: [{ failed: false, met: [] }], required: [] };
    const count = Number.MAX_SAFE_INTEGER;
    const lone = { file: 'lone.json', report: reportOf(sweep, { index: 3, count }) };
    expect(() => mergeReports([lone])).toThrow(`shards 1/${count}, 2/${count}, 4/${count}, 5/${count}, 6/${count}, 7/${count}, 8/${count}, 9/${count}, 10/${count}, 11/${count} and ${count - 11} more are missing`);
  });

  it('refuses reports of different sweeps, naming what differs and the two files', () => {
    const sweep: Sweep = { firstSeed: 0, outcomes: Array.from({ length: 6 }, () => ({ failed: false, met: [] })), required: [] };
    const [one, two] = shardsOf(sweep, 2);
    const other = (change: Partial<Sweep>, edit: (report: SweepReport) => SweepReport = (report) => report): ReportFile => ({ file: 'other.json', report: edit(reportOf({ ...sweep, ...change }, { index: 2, count: 2 })) });
    const cases: [ReportFile, string][] = [
      [other({ outcomes: Array.from({ length: 8 }, () => ({ failed: false, met: [] })) }), 'seeds 6 vs 8'],
      [other({ firstSeed: 100 }), 'first seed 0 vs 100'],
      [other({ required: ['never met'] }), 'required coverage [] vs ["never met"]'],
      [other({}, (report) => ({ ...report, runsPerSeed: 4 })), 'runs per seed 1 vs 4'],
      [other({}, (report) => ({ ...report, faultlineVersion: '0.2.0' })), 'faultline 0.1.0 vs 0.2.0'],
      [other({}, (report) => ({ ...report, file: 'other.sweep.ts', scenarioSha256: 'cd'.repeat(32) })), 'scenario scenario.sweep.ts sha256 abababababab vs other.sweep.ts sha256 cdcdcdcdcdcd'],
      [{ file: 'other.json', report: reportOf(sweep, { index: 2, count: 3 }) }, 'shard count 2 vs 3'],
    ];
    for (const [report, difference] of cases) {
      expect(() => mergeReports([one!, report])).toThrow(new ShardCoverageError('different-sweeps', `reports are from different sweeps: ${difference} (shard-1.json, other.json)`));
    }
    // The same scenario contents under another path is the same sweep (a shard run from elsewhere).
    expect(mergeReports([one!, { file: 'two.json', report: { ...two!.report, file: './scenario.sweep.ts' } }]).file).toBe('scenario.sweep.ts');
  });
});

describe('sweep report validation', () => {
  const sweep: Sweep = { firstSeed: 10, outcomes: [{ failed: true, met: [] }, { failed: false, met: ['faults applied'] }, { failed: true, met: [] }, { failed: false, met: [] }], required: ['faults applied'] };
  const valid = reportOf(sweep, { index: 1, count: 2 });

  it('accepts a report the command writes, and names the file and field of what it refuses', () => {
    expect(sweepReportOf(valid, 'a.json')).toBe(valid);
    const refused: [unknown, string][] = [
      [[], "a.json: the report must be an object; got an array of length 0"],
      [{ ...valid, format: undefined }, "a.json: format must be 'faultline-sweep-report' (reports written before faultline merge existed lack it: run that shard again); got undefined"],
      [{ ...valid, formatVersion: 2 }, 'a.json: formatVersion must be 1 (the report format this faultline reads); got 2'],
      [{ ...valid, seedz: 4 }, 'a.json: seedz must be absent'],
      [{ ...valid, seeds: '4' }, "a.json: seeds must be an integer in [1, 2147483647]; got '4'"],
      [{ ...valid, shard: '3/2' }, "a.json: shard must be i/n with 1 <= i <= n, e.g. 2/8; got '3/2'"],
      [{ ...valid, seedsRun: 3 }, 'a.json: seedsRun must be 2 (what the other fields imply); got 3'],
      [{ ...valid, passed: 1 }, 'a.json: passed must be 0 (what the other fields imply); got 1'],
      [{ ...valid, failures: [{ ...valid.failures[0]!, fastCheckSeed: 'x' }, valid.failures[1]] }, "a.json: failures[0].fastCheckSeed must be a seed of shard 1/2 of seeds 10..13; got 'x'"],
      // Seed 11 is shard 2/2's: counted here it would be counted twice in a merge.
      [{ ...valid, failures: [valid.failures[0], { ...valid.failures[1]!, fastCheckSeed: 11 }] }, 'a.json: failures[1].fastCheckSeed must be a seed of shard 1/2 of seeds 10..13; got 11'],
      [{ ...valid, failures: [valid.failures[0], valid.failures[0]] }, 'a.json: failures[1].fastCheckSeed must be greater than the seed before it, 10'],
      [{ ...valid, failures: [valid.failures[0]] }, 'a.json: failures must be an array of 2 (failed)'],
      [{ ...valid, failures: [{ ...valid.failures[0]!, replay: 5 }, valid.failures[1]] }, 'a.json: failures[0].replay must be a string, or absent; got 5'],
      [{ ...valid, coverage: { 'faults applied': 3 } }, 'a.json: coverage["faults applied"] must be an integer in [0, 2]; got 3'],
      [{ ...valid, coverageMissing: [] }, 'a.json: coverageMissing must be the required conditions no seed met, ["faults applied"]'],
      [{ ...valid, durationMs: undefined }, 'a.json: durationMs must be a finite number >= 0; got undefined'],
      [{ ...valid, shards: [{ shard: '1/1', report: 'x.json', seedsRun: 1, passed: 1, failed: 0 }] }, 'a.json: shards[0].durationMs must be a finite number >= 0; got undefined'],
    ];
    for (const [report, message] of refused) {
      const error = thrown(() => sweepReportOf(report, 'a.json'));
      expect(error).toBeInstanceOf(SweepReportError);
      expect((error as SweepReportError).file).toBe('a.json');
      expect((error as Error).message.startsWith(message)).toBe(true);
    }
  });

  test.prop([fc.jsonValue()])('refuses any other JSON with a SweepReportError', (value) => {
    expect(() => sweepReportOf(value, 'a.json')).toThrow(SweepReportError);
  });

  test.prop([fc.constantFrom(...Object.keys(valid)), fc.jsonValue()])('a report with one field replaced is accepted as a consistent report, or refused with a SweepReportError', (key, value) => {
    const edited = { ...valid, [key]: value };
    let accepted: SweepReport | undefined;
    try {
      accepted = sweepReportOf(edited, 'a.json');
    } catch (error) {
      expect(error).toBeInstanceOf(SweepReportError);
      return;
    }
    // What passes merges with the other shard, or is refused as another sweep's: never a crash.
    try {
      expect(mergeReports([{ file: 'a.json', report: accepted }, { file: 'b.json', report: reportOf(sweep, { index: 2, count: 2 }) }]).seedsRun).toBe(4);
    } catch (error) {
      expect(error).toBeInstanceOf(ShardCoverageError);
    }
  });
});
