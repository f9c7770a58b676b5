import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';

const directory = mkdtempSync(join(tmpdir(), 'faultline-property-testing-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));
const firstReport = join(directory, 'first', 'property-testing.html');

describe('property-testing example', () => {
  it('finds the stale read, shrinks it to one fault, replays it, and shows the fix passing; twice the same', async () => {
    const [first, second] = await Promise.all([
      runExample('examples/property-testing/index.ts', '--out', join(directory, 'first')),
      runExample('examples/property-testing/index.ts', '--out', join(directory, 'second')),
    ]);
    expect(hashIn(second)).toBe(hashIn(first));
    expect(second).toBe(first.replace(join(directory, 'first'), join(directory, 'second')));
    expect(first).toMatch(/property failed: fast-check seed 2026, path "[\d:]+", after \d+ runs and \d+ shrinks/);
    expect(first).toContain("invariant 'linearizable' violated");
    expect(first).toMatch(/faults \(1\):\n {5}t=\d+ ms (crash|partition)/);
    expect(first).toMatch(/replay:\n {5}checkCluster\(scenario, \{"seed":\d+,"faults":\[/);
    expect(first).toMatch(/it fails again with 'linearizable'/);
    expect(first).toMatch(/300 cases passed; faults applied in \d+, operations completed in \d+, linearizability decided in 300/);
    // The run is deterministic: its figures (and the README's "one fault and two operations") are exact.
    expect(first).toContain('after 115 runs and 173 shrinks');
    expect(first).toContain('2. The replay line reruns exactly that case: 1 fault(s), 2 operation(s).');
    expect(first).toContain('300 cases passed; faults applied in 300, operations completed in 290, linearizability decided in 300');
    // The traced replay: the stale read on the buggy register, the new value through the leader.
    expect(first).toContain('reads from any replica: write 1 at 0 ms -> ok at 10 ms; read at 11 ms -> 0 at 21 ms: not-linearizable');
    expect(first).toContain('reads through the leader: write 1 at 0 ms -> ok at 10 ms; read at 11 ms -> 1 at 21 ms: linearizable');
    expect(first).toContain("the traced replay of the fix has checkCluster's trace hash: yes");
    expect(hashIn(first)).toBe('c57f433003508c41');
    const html = readFileSync(firstReport, 'utf8');
    expect(html.match(/<section class="run"/g)).toHaveLength(2);
    expect(html).toContain('39be21a08424eab4'); // the buggy replay's trace hash
    expect(readFileSync(join(directory, 'second', 'property-testing.html'), 'utf8')).toBe(html);
  }, 120_000);

  it.skipIf(!chromiumPresent)('opens the HTML report in headless Chromium with no errors and no requests, showing both replays', async () => {
    const opened = await openReportInChromium(firstReport);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    expect(opened.text).toContain('Property testing: the stale read fast-check found, replayed');
    expect(opened.text).toMatch(/^reads from any replica\t2\twrite 1 at 0 ms -> ok at 10 ms; read at 11 ms -> 0 at 21 ms\tnot-linearizable\t/m);
    expect(opened.text).toContain('r2 is down from 0 to 11 ms');
    expect(opened.text).toContain('fixed: every read through the leader');
  }, 60_000);
});
