import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

describe('search anatomy (bench/search-anatomy.ts)', () => {
  it('draws the cases bench:search rates, and every group adds up', async () => {
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'bench/search-anatomy.ts', '--only', 'consensus', '--cases', '300'], { encoding: 'utf8' });
    const [faultline, baseline] = stdout.split('baseline\n') as [string, string];
    const share = (text: string, group: string): [number, number] => {
      const match = new RegExp(`${group}\\s+([\\d.]+) % of the cases, of which ([\\d.]+) % fail`).exec(text);
      if (match === null) throw new Error(`no line for ${group} in:\n${text}`);
      return [Number(match[1]), Number(match[2])];
    };
    // The same 300 cases as the "cases that fail" column of bench/results/search.md for consensus.
    expect(share(faultline, 'every case')[1]).toBe(8.3);
    expect(share(baseline, 'every case')[1]).toBe(5.7);
    for (const text of [faultline, baseline]) {
      const [withGood] = share(text, 'a good crash: yes');
      const [withoutGood] = share(text, 'a good crash: no');
      expect(withGood + withoutGood).toBeCloseTo(100, 0);
      // Without a crash no case fails: the bug needs one.
      expect(share(text, 'crashes: 0')[1]).toBe(0);
    }
  }, 60_000);
});
