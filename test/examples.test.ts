import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

  it("the README's excerpt of the demo's output is what the demo prints, line for line and in order", () => {
    const readme = readFileSync('README.md', 'utf8');
    const excerpt = /The demo prints[\s\S]*?\n```\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(excerpt, 'the demo excerpt in the README').toBeDefined();
    // "..." marks lines left out; "<- ..." is a note for the reader, not output.
    const excerptLines = excerpt!.split('\n').filter((line) => line.trim() !== '...' && line.trim() !== '').map((line) => line.replace(/\s+<- .*$/, '').trimEnd());
    expect(excerptLines.length).toBeGreaterThan(8);
    const outputLines = runExample('examples/heartbeat-cluster.ts').split('\n').map((line) => line.trimEnd());
    let position = 0;
    for (const line of excerptLines) {
      const found = outputLines.indexOf(line, position);
      expect(found, `README line not printed (in order) by the demo: ${line}`).toBeGreaterThanOrEqual(0);
      position = found + 1;
    }
  });

  it('async-rpc retries through the server crash and reads back the last write, reproducibly', () => {
    const output = runExample('examples/async-rpc.ts');
    expect(output).toMatch(/timed out; retrying/);
    expect(output).toMatch(/put x=6 → ok/);
    expect(output).toMatch(/final read x=6/);
    expect(hashIn(runExample('examples/async-rpc.ts'))).toBe(hashIn(output));
  });
});
