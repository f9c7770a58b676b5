import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runExample } from './example-runner.js';
import packageJson from '../package.json' with { type: 'json' };

// `npm run demo` strings the heartbeat cluster and the four incidents together; each part is
// pinned by its own test, so this one checks the running order and that a part runs whole.
describe('the showcase (npm run demo)', () => {
  it('is what npm run demo runs', () => {
    expect(packageJson.scripts.demo).toBe('tsx examples/showcase.ts');
  });

  it('lists the heartbeat cluster, then the four incidents, and every file exists', async () => {
    const output = await runExample('examples/showcase.ts', '--list');
    const names = output.trim().split('\n').map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(['heartbeat-cluster', 'payment-spike', 'iot-partition', 'ev-charging', 'predict-disk-failure']);
    for (const file of ['heartbeat-cluster', 'incidents/payment-spike', 'incidents/iot-partition', 'incidents/ev-charging', 'predict-disk-failure']) {
      expect(existsSync(`examples/${file}.ts`), file).toBe(true);
    }
  });

  it('runs one part as the reader would, banner first and its trace hash last', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'faultline-showcase-'));
    const output = await runExample('examples/showcase.ts', '--only', 'iot-partition', '--out', outDir);
    expect(output).toContain('3/5  iot-partition: a partition on skewed clocks');
    expect(output).toContain('trace hash e75f8640fab2ffa0');
    expect(existsSync(join(outDir, 'iot-partition.html'))).toBe(true);
    expect(output.trimEnd().endsWith('open the .html files in a browser).')).toBe(true);
  }, 120_000);

  it('rejects a part it does not have, naming the ones it has', async () => {
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/showcase.ts', '--only', 'nope'], { encoding: 'utf8' });
    await expect(run).rejects.toThrow(/--only takes one of heartbeat-cluster, payment-spike/);
  });
});
