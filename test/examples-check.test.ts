import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

async function runExample(file: string): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: process.cwd() });
  return stdout;
}

function hashIn(output: string): string {
  const match = /trace hash ([0-9a-f]{16})\s*$/.exec(output);
  if (match === null) throw new Error(`output does not end with a trace hash:\n${output}`);
  return match[1]!;
}

describe('property-testing example', () => {
  it('finds the stale read, shrinks it to one fault, replays it, and shows the fix passing; twice the same', async () => {
    const [first, second] = await Promise.all([runExample('examples/property-testing/index.ts'), runExample('examples/property-testing/index.ts')]);
    expect(hashIn(second)).toBe(hashIn(first));
    expect(second).toBe(first);
    expect(first).toMatch(/property failed: fast-check seed 2026, path "[\d:]+", after \d+ runs and \d+ shrinks/);
    expect(first).toContain("invariant 'linearizable' violated");
    expect(first).toMatch(/faults \(1\):\n {5}t=\d+ ms (crash|partition)/);
    expect(first).toMatch(/replay:\n {5}checkCluster\(scenario, \{"seed":\d+,"faults":\[/);
    expect(first).toMatch(/it fails again with 'linearizable'/);
    expect(first).toMatch(/300 cases passed; faults applied in \d+, operations completed in \d+, linearizability decided in 300/);
  });
});
