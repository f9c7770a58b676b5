import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { sweepModuleOf } from '../../src/check/index.js';
import { loadSweepModule } from '../../src/cli/load-module.js';
import { batches, parseShard, runSweep, shardSeeds, type SweepOptions } from '../../src/cli/sweep.js';
import { sweepReportOf } from '../../src/cli/sweep-report.js';
import { InvalidArgumentError } from '../../src/index.js';

const SWEEP_FILE = 'test/check/protocols/quorum.sweep.ts';
const built = existsSync('dist/cli.js') && existsSync('dist/sweep-worker.js');

function options(overrides: Partial<SweepOptions>): SweepOptions {
  return { file: SWEEP_FILE, seeds: 16, firstSeed: 0, workers: 0, shard: { index: 1, count: 1 }, runsPerSeed: 1, ...overrides };
}

describe('sweep batches', () => {
  test.prop([fc.array(fc.nat(), { maxLength: 3_000 }), fc.integer({ min: 1, max: 256 })])('cover the seeds once, in order, in batches of at most 8, and at least 16 per worker when there are enough seeds', (seeds, workers) => {
    const split = batches(seeds, workers);
    expect(split.flat()).toEqual(seeds);
    for (const batch of split) expect(batch.length).toBeGreaterThan(0);
    expect(Math.max(0, ...split.map((batch) => batch.length))).toBeLessThanOrEqual(8);
    if (seeds.length >= workers * 16) expect(split.length).toBeGreaterThanOrEqual(workers * 16);
    // Batches amortise a task's round trip: a long sweep is not sent one seed at a time.
    if (seeds.length >= workers * 16 * 8) expect(split.length).toBe(Math.ceil(seeds.length / 8));
  });
});

describe('sweep sharding', () => {
  test.prop([fc.nat(1_000), fc.nat(300), fc.integer({ min: 1, max: 12 })])('the shards of a sweep cover its seeds exactly once', (firstSeed, seeds, count) => {
    const all = Array.from({ length: count }, (_, index) => shardSeeds(firstSeed, seeds, { index: index + 1, count })).flat();
    expect(all.sort((first, second) => first - second)).toEqual(Array.from({ length: seeds }, (_, offset) => firstSeed + offset));
  });

  it('parses i/n and rejects anything else with a typed error', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '-1/2', '1/2/3']) expect(() => parseShard(bad)).toThrow(InvalidArgumentError);
  });
});

describe('runSweep', () => {
  it('finds the planted bug, reports minimal schedules in seed order, and gives the same report twice', async () => {
    const first = await runSweep(options({}));
    const second = await runSweep(options({}));
    expect(first.failed).toBeGreaterThan(0);
    expect(first.passed + first.failed).toBe(16);
    expect(first.failures.map((failure) => failure.fastCheckSeed)).toEqual([...first.failures.map((failure) => failure.fastCheckSeed)].sort((a, b) => a - b));
    for (const failure of first.failures) {
      expect(failure.property).toBe('a read sees every write acknowledged before it began');
      expect(failure.faults!.length).toBeLessThanOrEqual(2);
      expect(failure.replay).toMatch(/^checkCluster\(scenario, \{"seed":/);
    }
    expect(first.coverage['faults applied']).toBeGreaterThan(0);
    expect(first.coverageMissing).toEqual([]);
    expect(second).toEqual(first);
  });

  it('says in its report which sweep it is, so faultline merge can check shards belong together', async () => {
    const report = await runSweep(options({ seeds: 2, shard: { index: 2, count: 2 } }));
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(report).toMatchObject({ format: 'faultline-sweep-report', formatVersion: 1, faultlineVersion: version, file: SWEEP_FILE, shard: '2/2', seedsRun: 1, coverageRequired: [] });
    expect(report.scenarioSha256).toBe(createHash('sha256').update(readFileSync(SWEEP_FILE)).digest('hex'));
  });

  it('splits into shards whose failures add up to the whole sweep', async () => {
    const whole = await runSweep(options({}));
    const parts = await Promise.all([1, 2, 3].map((index) => runSweep(options({ shard: { index, count: 3 } }))));
    expect(parts.reduce((sum, part) => sum + part.seedsRun, 0)).toBe(16);
    const failures = parts.flatMap((part) => part.failures).sort((first, second) => first.fastCheckSeed - second.fastCheckSeed);
    expect(failures).toEqual(whole.failures);
  });

  it('rejects a scenario file that does not export a sweep module, or does not load', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
    const noExport = join(folder, 'empty.mjs');
    writeFileSync(noExport, 'export const nothing = 1;\n');
    const throwing = join(folder, 'throwing.mjs');
    writeFileSync(throwing, "throw new Error('broken at import');\n");
    await expect(loadSweepModule(noExport)).rejects.toThrow(InvalidArgumentError);
    await expect(loadSweepModule(throwing)).rejects.toThrow(/broken at import/);
    await expect(loadSweepModule(join(folder, 'missing.mjs'))).rejects.toThrow(InvalidArgumentError);
    expect(() => sweepModuleOf({ default: { scenario: 5 } }, 'x.mjs')).toThrow(InvalidArgumentError);
    expect(() => sweepModuleOf({ default: { scenario: {}, options: { numRuns: 5 } } }, 'x.mjs')).toThrow(/options.numRuns must be absent: the sweep sets it/);
  });

  it('checks the scenario in this thread before any seed runs, so its error keeps its type', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
    const broken = join(folder, 'broken.mjs');
    writeFileSync(broken, 'export default { scenario: { setup: () => ({}), untilMs: Number.NaN } };\n');
    await expect(runSweep(options({ file: broken, workers: 2 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'scenario.untilMs' });
  });

  it('reports required coverage that no seed met', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
    const vacuous = join(folder, 'vacuous.mjs');
    writeFileSync(vacuous, "export default { scenario: { setup: (sim) => { sim.addNode('a', () => ({})); return {}; }, untilMs: 10 }, options: { requireCoverage: { sometimes: ['faults applied', 'never'] } } };\n");
    const report = await runSweep(options({ file: vacuous, seeds: 3 }));
    expect(report.failed).toBe(0);
    expect(report.coverageMissing).toEqual(['faults applied', 'never']);
    expect(report.coverageRequired).toEqual(['faults applied', 'never']);
  });
});

describe.skipIf(!built)('the faultline command (built; run `npm run build` first, CI always does)', () => {
  it('runs a sweep on a worker pool and writes the same failures as an in-process run', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'faultline-sweep-')), 'report.json');
    const child = spawnSync(process.execPath, ['dist/cli.js', 'sweep', SWEEP_FILE, '--seeds', '16', '--workers', '2', '--out', out], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    expect(child.stderr).toMatch(/seeds 16\/16, \d+ failing/);
    const report = sweepReportOf(JSON.parse(readFileSync(out, 'utf8')), out);
    expect(report.failures).toEqual((await runSweep(options({}))).failures);
    expect(report.durationMs).toBeGreaterThan(0);
  });

  it('reports a bad scenario file with its typed error, though the workers start while this thread checks it', () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'faultline-sweep-')), 'broken.mjs');
    writeFileSync(broken, 'export default { scenario: { setup: () => ({}), untilMs: Number.NaN } };\n');
    const child = spawnSync(process.execPath, ['dist/cli.js', 'sweep', broken, '--seeds', '64', '--workers', '2'], { encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stderr).toMatch(/^INVALID_ARGUMENT: scenario\.untilMs must be a finite number/m);
  });

  it('exits with status 2 and the usage on bad arguments', () => {
    const child = spawnSync(process.execPath, ['dist/cli.js', 'sweep'], { encoding: 'utf8' });
    expect(child.status).toBe(2);
    expect(child.stderr).toMatch(/usage: faultline sweep/);
    const badShard = spawnSync(process.execPath, ['dist/cli.js', 'sweep', SWEEP_FILE, '--shard', '3/2'], { encoding: 'utf8' });
    expect(badShard.status).toBe(2);
    expect(badShard.stderr).toMatch(/INVALID_ARGUMENT: --shard must be i\/n/);
    const typo = spawnSync(process.execPath, ['dist/cli.js', 'sweep', SWEEP_FILE, '--seed', '3'], { encoding: 'utf8' });
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/Unknown option '--seed'[\s\S]*usage: faultline sweep/);
    const tooMany = spawnSync(process.execPath, ['dist/cli.js', 'sweep', SWEEP_FILE, '--workers', '100000'], { encoding: 'utf8' });
    expect(tooMany.status).toBe(2);
    expect(tooMany.stderr).toMatch(/--workers must be an integer in \[0, 256\]/);
  });

  it('prints --help on stdout and --version as package.json has it, both with status 0', () => {
    const help = spawnSync(process.execPath, ['dist/cli.js', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: faultline sweep[\s\S]*faultline --version/);
    expect(help.stderr).toBe('');
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const child = spawnSync(process.execPath, ['dist/cli.js', flag], { encoding: 'utf8' });
      expect(child.status).toBe(0);
      expect(child.stdout).toBe(`${version}\n`);
    }
  });

  it('says in one line that fast-check is missing when it is not installed, and still answers --version', () => {
    // An installed package with its one dependency (tinypool) but without the optional fast-check.
    const project = mkdtempSync(join(tmpdir(), 'faultline-no-fast-check-'));
    const installed = join(project, 'node_modules', 'faultline');
    mkdirSync(installed, { recursive: true });
    cpSync('dist', join(installed, 'dist'), { recursive: true });
    cpSync('package.json', join(installed, 'package.json'));
    symlinkSync(resolve('node_modules/tinypool'), join(project, 'node_modules', 'tinypool'), 'dir');
    const cli = join(installed, 'dist', 'cli.js');
    const child = spawnSync(process.execPath, [cli, 'sweep', 'scenario.ts'], { encoding: 'utf8', cwd: project });
    expect(child.status).toBe(2);
    expect(child.stderr).toBe('faultline sweep needs fast-check, which is not installed here: npm install -D fast-check\n');
    expect(spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8', cwd: project }).status).toBe(0);
  });
});
