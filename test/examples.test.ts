import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Every example must run and tell its story; run twice, it must print the same trace hash.
function runExample(file: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', cwd: process.cwd() });
}

function hashIn(output: string): string {
  const match = /trace hash ([0-9a-f]{16})/.exec(output);
  if (match === null) throw new Error(`no trace hash in output:\n${output}`);
  return match[1]!;
}

describe('examples', () => {
  it('heartbeat-cluster shows the crash, the suspicions, the restart and the lanes, reproducibly', () => {
    const output = runExample('examples/heartbeat-cluster.ts');
    expect(output).toMatch(/n3 +✖ crashed/);
    expect(output).toMatch(/suspects n3/);
    expect(output).toMatch(/n3 +↻ restarted/);
    expect(output).toMatch(/trusts n3 again \(boot #2\)/);
    expect(output).toMatch(/^n3 +█+✖·+↻█+$/m);
    expect(hashIn(runExample('examples/heartbeat-cluster.ts'))).toBe(hashIn(output));
    expect(hashIn(runExample('examples/heartbeat-cluster.ts', '--seed', 'other'))).not.toBe(hashIn(output));
  });

  it('async-rpc retries through the server crash and reads back the last write, reproducibly', () => {
    const output = runExample('examples/async-rpc.ts');
    expect(output).toMatch(/timed out; retrying/);
    expect(output).toMatch(/put x=6 → ok/);
    expect(output).toMatch(/final read x=6/);
    expect(hashIn(runExample('examples/async-rpc.ts'))).toBe(hashIn(output));
  });
});
