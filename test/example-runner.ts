import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The example tests run each example as users do (a child process through tsx) and read what it
// printed; every example ends with its run's trace hash.
const execFileAsync = promisify(execFile);

/** Runs an example to completion and returns what it printed. */
export async function runExample(file: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', file, ...args], { encoding: 'utf8', cwd: process.cwd() });
  return stdout;
}

/** The trace hash an example's output ends with. */
export function hashIn(output: string): string {
  const match = /trace hash ([0-9a-f]{16})\s*$/.exec(output);
  if (match === null) throw new Error(`output does not end with a trace hash:\n${output}`);
  return match[1]!;
}
