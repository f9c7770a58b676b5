import { execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// The built command, on real reports: run `npm run build` first (CI always does).
const built = existsSync('dist/cli.js') && existsSync('dist/sweep-worker.js');
const CLI = resolve('dist/cli.js');
const SWEEP_FILE = resolve('test/check/protocols/quorum.sweep.ts');
const run = promisify(execFile);

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

function faultline(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Outcome {
  const child = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env });
  return { status: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
}

/** Runs sweeps concurrently (each in this process's thread: `--workers 0`, no pool to start). */
async function sweep(folder: string, out: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await run(process.execPath, [CLI, 'sweep', SWEEP_FILE, '--workers', '0', '--out', out, ...args], { cwd: folder, env }).catch((error: { code?: number }) => {
    if (error.code !== 1) throw error;
  });
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function withoutTiming(report: Record<string, unknown>): Record<string, unknown> {
  const { durationMs: _durationMs, shards: _shards, ...rest } = report;
  return rest;
}

describe.skipIf(!built)('faultline merge (built)', () => {
  const folder = mkdtempSync(join(tmpdir(), 'faultline-merge-'));

  beforeAll(async () => {
    await Promise.all([
      sweep(folder, 'whole.json', ['--seeds', '16']),
      ...[1, 2, 3].map((index) => sweep(folder, `shard-${index}.json`, ['--seeds', '16', '--shard', `${index}/3`])),
      sweep(folder, 'other-sweep.json', ['--seeds', '12', '--shard', '2/3']),
    ]);
  }, 120_000);

  it('joins real shard reports into the unsharded sweep’s failures, coverage and totals, and exits 1 as the sweep did', () => {
    const merge = faultline(['merge', 'shard-3.json', 'shard-1.json', 'shard-2.json', '--out', 'merged.json'], folder);
    expect(merge.stderr).toBe('');
    expect(merge.status).toBe(1);
    const merged = readJson(join(folder, 'merged.json'));
    const whole = readJson(join(folder, 'whole.json'));
    expect(whole['failed']).toBeGreaterThan(0);
    expect(withoutTiming(merged)).toEqual(withoutTiming(whole));
    const shards = merged['shards'] as { shard: string; report: string; seedsRun: number; durationMs: number }[];
    expect(shards.map(({ shard, report, seedsRun }) => [shard, report, seedsRun])).toEqual([
      ['1/3', 'shard-1.json', 6],
      ['2/3', 'shard-2.json', 5],
      ['3/3', 'shard-3.json', 5],
    ]);
    expect(merged['durationMs']).toBe(shards.reduce((total, shard) => total + shard.durationMs, 0));
    expect(merge.stdout).toMatch(new RegExp(`^merged 3 shards \\([\\d.]+ s in all, slowest \\d/3 [\\d.]+ s\\): ${whole['passed']} of 16 seeds passed, ${whole['failed']} failed; report: merged.json\\n  fast-check seed \\d+: a read sees every write acknowledged before it began\\n    checkCluster\\(scenario, \\{"seed":`));
  });

  it('exits 0 when the merged sweep passed', async () => {
    const fixed = { ...process.env, FAULTLINE_FIXED: '1' };
    await Promise.all([1, 2].map((index) => sweep(folder, `fixed-${index}.json`, ['--seeds', '6', '--shard', `${index}/2`], fixed)));
    const merge = faultline(['merge', 'fixed-1.json', 'fixed-2.json'], folder);
    expect(merge.status).toBe(0);
    expect(merge.stdout).toMatch(/: 6 of 6 seeds passed, 0 failed; report: faultline-merged.json\n$/);
    expect(readJson(join(folder, 'faultline-merged.json'))['seedsRun']).toBe(6);
  });

  it('exits 2 with one line naming a missing shard, a duplicated one, or reports of another sweep', () => {
    const cases: [string[], string][] = [
      [['shard-1.json', 'shard-3.json'], 'SHARD_COVERAGE: shard 2/3 is missing\n'],
      [['shard-1.json', 'shard-2.json', 'shard-3.json', 'copy/shard-2.json'], 'SHARD_COVERAGE: shard 2/3 appears twice (shard-2.json, copy/shard-2.json)\n'],
      [['shard-1.json', 'other-sweep.json', 'shard-3.json'], 'SHARD_COVERAGE: reports are from different sweeps: seeds 16 vs 12 (shard-1.json, other-sweep.json)\n'],
      [['shard-1.json', 'whole.json'], 'SHARD_COVERAGE: reports are from different sweeps: shard count 3 vs 1 (shard-1.json, whole.json)\n'],
    ];
    mkdirSync(join(folder, 'copy'), { recursive: true });
    cpSync(join(folder, 'shard-2.json'), join(folder, 'copy', 'shard-2.json'));
    for (const [files, message] of cases) {
      const merge = faultline(['merge', ...files, '--out', 'never.json'], folder);
      expect({ status: merge.status, stderr: merge.stderr, stdout: merge.stdout }).toEqual({ status: 2, stderr: message, stdout: '' });
    }
    expect(existsSync(join(folder, 'never.json'))).toBe(false);
  });

  it('exits 2 with one line naming the file and the field of a malformed report, never a stack trace', () => {
    const report = readJson(join(folder, 'shard-1.json'));
    writeFileSync(join(folder, 'truncated.json'), '{"format": "faultline-sweep-report",\n  "seeds": ');
    writeFileSync(join(folder, 'bad-seed.json'), JSON.stringify({ ...report, failures: [{ ...(report['failures'] as object[])[0], fastCheckSeed: -1 }] }));
    const { format: _format, ...old } = report;
    writeFileSync(join(folder, 'old.json'), JSON.stringify(old));
    const cases: [string, RegExp][] = [
      ['truncated.json', /^INVALID_REPORT: truncated\.json: is not JSON \([^\n]+\)\n$/],
      ['bad-seed.json', /^INVALID_REPORT: bad-seed\.json: failures\[0\]\.fastCheckSeed must be a seed of shard 1\/3 of seeds 0\.\.15; got -1\n$/],
      ['old.json', /^INVALID_REPORT: old\.json: format must be 'faultline-sweep-report' \(reports written before faultline merge existed lack it: run that shard again\); got undefined\n$/],
      ['absent.json', /^INVALID_REPORT: absent\.json: cannot be read \(ENOENT\)\n$/],
    ];
    for (const [file, message] of cases) {
      const merge = faultline(['merge', 'shard-2.json', file], folder);
      expect(merge.status).toBe(2);
      expect(merge.stderr).toMatch(message);
    }
  });

  it('exits 2 with its usage when given no reports or another command’s option', () => {
    const none = faultline(['merge'], folder);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^faultline merge takes the report files of a sweep's shards\nusage: faultline merge <report\.json>\.\.\. \[--out merged\.json\]/);
    const sweepOption = faultline(['merge', 'shard-1.json', '--seeds', '3'], folder);
    expect(sweepOption.status).toBe(2);
    expect(sweepOption.stderr).toMatch(/^Unknown option '--seeds'[\s\S]*usage: faultline merge/);
  });

  it('prints its help on stdout, and faultline --help lists it', () => {
    const help = faultline(['merge', '--help'], folder);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: faultline merge <report\.json>\.\.\. \[--out merged\.json\]\n[\s\S]*Exit status: 0 when the merged sweep passed[\s\S]*1 when it did not,\n2 on bad usage or reports that do not cover one sweep exactly once/);
    expect(help.stdout).not.toMatch(/faultline sweep <scenario-file>/);
    const all = faultline(['--help'], folder);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/^usage: faultline sweep <scenario-file>[\s\S]*\nusage: faultline merge <report\.json>[\s\S]*faultline --version/);
  });

  it('keeps its exit status and prints no stack trace when its reader stops early (| head -1)', async () => {
    const child = spawn(process.execPath, [CLI, 'merge', 'shard-1.json', 'shard-2.json', 'shard-3.json', '--out', 'piped.json'], { cwd: folder });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((done) => child.on('close', done));
    expect({ status, stderr }).toEqual({ status: 1, stderr: '' });
    expect(existsSync(join(folder, 'piped.json'))).toBe(true);
  });

  it('works where fast-check is not installed', () => {
    // An installed package without its optional fast-check, nor tinypool: merge needs neither.
    const project = mkdtempSync(join(tmpdir(), 'faultline-merge-no-fast-check-'));
    const installed = join(project, 'node_modules', 'faultline');
    mkdirSync(installed, { recursive: true });
    cpSync('dist', join(installed, 'dist'), { recursive: true });
    cpSync('package.json', join(installed, 'package.json'));
    for (const index of [1, 2, 3]) cpSync(join(folder, `shard-${index}.json`), join(project, `shard-${index}.json`));
    const child = spawnSync(process.execPath, [join(installed, 'dist', 'cli.js'), 'merge', 'shard-1.json', 'shard-2.json', 'shard-3.json'], { encoding: 'utf8', cwd: project });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(1);
    expect(withoutTiming(readJson(join(project, 'faultline-merged.json')))).toEqual(withoutTiming(readJson(join(folder, 'whole.json'))));
  });
});
