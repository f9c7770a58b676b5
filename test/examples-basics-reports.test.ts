import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { runExample } from './example-runner.js';

// The first examples (the demo, async RPC, crash-stop against crash-recovery, disk faults) write
// out/<name>.html. Each is run twice at once into its own --out folder: same hash, same page; its
// summary table is pinned; and the page opens in headless Chromium with no errors and no requests.
const directory = mkdtempSync(join(tmpdir(), 'faultline-basics-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Two runs, then Chromium opening the report: under a loaded, concurrent suite this outlasts the default.
const REPORT_TEST_TIMEOUT_MS = 180_000;

interface Opened {
  output: string;
  report: string;
  /** The page's visible text in Chromium (empty when Chromium is missing). */
  text: string;
}

async function runTwiceAndOpen(file: string, name: string): Promise<Opened> {
  const [first, second] = await Promise.all(['a', 'b'].map((run) => runExample(file, '--out', join(directory, name, run))));
  // The demo ends with "trace hash <hex> (same seed, …)", the others with the hash alone.
  const hashOf = (output: string) => /trace hash ([0-9a-f]{16})/.exec(output)?.[1];
  expect(hashOf(first!)).toMatch(/^[0-9a-f]{16}$/);
  expect(hashOf(second!)).toBe(hashOf(first!));
  const path = join(directory, name, 'a', `${name}.html`);
  const report = readFileSync(path, 'utf8');
  expect(readFileSync(join(directory, name, 'b', `${name}.html`), 'utf8')).toBe(report);
  expect(first).toContain(`report: ${path} (open it in a browser)`);
  if (!chromiumPresent) return { output: first!, report, text: '' };
  const opened = await openReportInChromium(path, { screenshotPath: `reports/browser/${name}.png` });
  expect([...opened.consoleErrors, ...opened.pageErrors, ...opened.externalRequests]).toEqual([]);
  return { output: first!, report, text: opened.text };
}

/** The cells of the printed table row that starts with `label`, split on runs of 2+ spaces. */
function row(output: string, label: RegExp): string[] {
  const line = output.split('\n').find((text) => label.test(text));
  expect(line, `a row matching ${label}`).toBeDefined();
  return line!.trim().split(/ {2,}/);
}

describe.concurrent('the first examples write a report that opens in Chromium', () => {
  it('heartbeat-cluster (the demo): the same hash as ever, each peer\'s verdicts about n3 scored against the truth', async () => {
    const { output, report, text } = await runTwiceAndOpen('examples/heartbeat-cluster.ts', 'heartbeat-cluster');
    expect(output).toMatch(/events: 1560, trace hash e13f60e1bb7af0be \(same seed, same hash: run it again\)\s*$/);
    // peer, suspicions, false (n3 up), detected after ms, trusted again after restart ms
    expect(row(output, /^ {2}n1 /)).toEqual(['n1', '1', '0', '301', '123']);
    expect(row(output, /^ {2}n5 /)).toEqual(['n5', '2', '1', '299', '111']);
    for (const label of ['the whole run', 'the crash, closer (1100-1800 ms)', 'the restart, closer (2900-3400 ms)']) expect(report).toContain(`<h2>${label}</h2>`);
    expect(report).toContain('e13f60e1bb7af0be');
    if (chromiumPresent) {
      expect(text).toContain('Heartbeats and a crash: five nodes, a fixed timeout');
      expect(text).toMatch(/^n5\t2\t1\t299\t111$/m);
      expect(text).toContain('n2 watching n3');
    }
  }, REPORT_TEST_TIMEOUT_MS);

  it('async-rpc: every call with its attempts, the timeouts charted over the crash', async () => {
    const { output, report, text } = await runTwiceAndOpen('examples/async-rpc.ts', 'async-rpc');
    expect(output).toMatch(/final read x=6/);
    // call, attempts, timed out, took ms, reply
    expect(row(output, /^ {2}put x=4 /)).toEqual(['put x=4', '3', '2', '113', 'ok']);
    expect(row(output, /^ {2}put x=6 /)).toEqual(['put x=6', '2', '1', '65', 'ok']);
    expect(row(output, /^ {2}get x /)).toEqual(['get x', '1', '0', '16', '6']);
    expect(report).toContain('call attempts so far, by outcome');
    if (chromiumPresent) {
      expect(text).toContain('Async RPC: retrying through a server crash');
      expect(text).toMatch(/^put x=4\t3\t2\t113\tok$/m);
      expect(text).toMatch(/^crash\tserver\t/m);
    }
  }, REPORT_TEST_TIMEOUT_MS);

  it('crash-recovery: crash-stop and crash-recovery as two sections, the counts charted', async () => {
    const { output, report, text } = await runTwiceAndOpen('examples/crash-recovery.ts', 'crash-recovery');
    // server, failure model, incs sent, acked, lost to a down node, durable total, in-memory count, down ms
    expect(row(output, /^ {2}stop +crash-stop /)).toEqual(['stop', 'crash-stop', '30', '9', '20', '9', '-', '2000']);
    expect(row(output, /^ {2}revive +crash-recovery /)).toEqual(['revive', 'crash-recovery', '30', '22', '7', '22', '13', '700']);
    for (const label of ['crash-stop: stop never comes back', 'crash-recovery: revive restarts at 1700 ms']) expect(report).toContain(`<h2>${label}</h2>`);
    expect(report).toContain('revive: the in-memory count (since its last boot)');
    if (chromiumPresent) {
      expect(text).toContain('Crash-stop against crash-recovery');
      expect(text).toMatch(/^revive\tcrash-recovery\t30\t22\t7\t22\t13\t700$/m);
    }
  }, REPORT_TEST_TIMEOUT_MS);

  it('disk-faults: ack-before-fsync loses acknowledged entries, sync-first does not, as two sections', async () => {
    const { output, report, text } = await runTwiceAndOpen('examples/disk-faults.ts', 'disk-faults');
    // server, acks, acknowledged, in its log, acknowledged but lost, refused (disk full)
    expect(row(output, /^ {2}lazy +before fsync /)).toEqual(['lazy', 'before fsync', '54', '42', '12', '0']);
    expect(row(output, /^ {2}safe +after fsync /)).toEqual(['safe', 'after fsync', '46', '46', '0', '8']);
    for (const label of ['ack before fsync (lazy)', 'sync first (safe)']) expect(report).toContain(`<h2>${label}</h2>`);
    expect(report).toContain('lazy: entries acknowledged, in its log, and acknowledged but lost');
    if (chromiumPresent) {
      expect(text).toContain('Disk faults: acknowledging before fsync');
      expect(text).toMatch(/^lazy\tbefore fsync\t54\t42\t12\t0$/m);
      expect(text).toMatch(/^disk-full\tsafe\t/m);
    }
  }, REPORT_TEST_TIMEOUT_MS);
});
