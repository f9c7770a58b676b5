import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createBaselinePhold } from '../bench/baseline-heap.js';
import { createFaultlinePhold, type PholdModel } from '../bench/phold.js';
import { createSimjsPhold } from '../bench/simjs-phold.js';

// Benchmarks are measured in bench/, never timed here; these tests check that the peers run the
// same model, so the ratios compare like with like.
const execFileAsync = promisify(execFile);

describe('PHOLD peers', () => {
  const implementations: Array<[string, (parameters: { lps: number; pop: number }) => PholdModel]> = [
    ['faultline', createFaultlinePhold],
    ['baseline heap', createBaselinePhold],
    ['SIM.JS', createSimjsPhold],
  ];

  it.each(implementations)('%s runs the expected number of events and keeps its population', (_name, create) => {
    const model = create({ lps: 500, pop: 4 });
    const batches = Array.from({ length: 20 }, () => model.advance(20_000));
    const total = batches.reduce((sum, events) => sum + events, 0);
    // 400,000 events expected: each batch covers the simulated time in which 20,000 are due.
    expect(total).toBeGreaterThan(400_000 * 0.97);
    expect(total).toBeLessThan(400_000 * 1.03);
    // A leaking population would show as shrinking batches.
    expect(batches.slice(-5).reduce((sum, events) => sum + events, 0)).toBeGreaterThan(100_000 * 0.95);
  });
});

describe('large-cluster benchmark', () => {
  it('runs a small cluster and reports its figures as JSON', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'bench/large-cluster.ts', '--nodes', '40', '--seconds', '30', '--json'], { encoding: 'utf8' });
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ nodes: 40, simulatedSeconds: 30 });
    // 3 heartbeats a second for ~30 s from each of the 30 nodes that never crash (a quarter do), at most from all 40.
    expect(result.messagesDelivered).toBeGreaterThan(30 * 3 * 28);
    expect(result.messagesDelivered).toBeLessThanOrEqual(40 * 3 * 30);
    expect(result.peakRssMiB).toBeGreaterThan(0);
    expect(result.suspicionsRaised).toBeGreaterThan(0);
  });
});

describe('bench:cases', () => {
  // On the build (CI builds before the tests): the property row against itself as the base, and a
  // short sweep in the temporary user's project the benchmark lays out.
  it('measures passing cases through clusterProperty, side by side with a base build', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'bench/cases.ts', '--only', 'property', '--runs', '1', '--time', '300', '--base', 'dist'], { encoding: 'utf8' });
    const rate = /clusterProperty, 3-node \(cases\/s\): median \(range\) over 1 runs: (\d+)/.exec(stdout);
    expect(rate, stdout).not.toBeNull();
    expect(Number(rate![1])).toBeGreaterThan(100);
    expect(stdout).toMatch(/head\/base: \d+\.\d\d/);
  }, 60_000);

  it('shrinks failing seeds of the README sweep on the build, side by side with a base build', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'bench/cases.ts', '--only', 'shrink', '--runs', '1', '--time', '300', '--base', 'dist'], { encoding: 'utf8' });
    const rate = /failing seeds of the sweep, shrunk \(seeds\/s\): median \(range\) over 1 runs: (\d+\.\d)/.exec(stdout);
    expect(rate, stdout).not.toBeNull();
    expect(Number(rate![1])).toBeGreaterThan(0);
    expect(stdout).toMatch(/shrink  run 1: \d+ ms a failing seed, base \d+ ms a failing seed, head\/base \d+\.\d\d/);
  }, 120_000);

  it('runs the README sweep in a user-like project at 0, 1 and 2 workers', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'bench/cases.ts', '--only', 'sweep', '--runs', '1', '--sweep-seeds', '8'], { encoding: 'utf8' });
    for (const workers of [0, 1, 2]) expect(stdout).toMatch(new RegExp(`sweep --workers ${workers}: [\\d.]+ \\([\\d.]+-[\\d.]+\\) s`));
    for (const kind of ['parallel', 'memory', 'shrink']) expect(stdout).toMatch(new RegExp(`${kind} capacity .*: \\d\\.\\d\\d`));
    expect(stdout).toMatch(/sweep --workers 2: .*\d\.\d\d \([\d.]+-[\d.]+\) of the shrink capacity, most with its CPU work on two cores \d\.\d\d/);
  }, 120_000);
});
