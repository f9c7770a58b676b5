import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn, runExample } from './example-runner.js';

// Every failure-family example must run, tell its story and end with its trace hash; run twice,
// it must print the same hash. The runs are child processes, started concurrently to save time.

/** Runs an example twice at once; returns the first output after checking both hashes agree. */
async function runTwice(file: string): Promise<string> {
  const [first, second] = await Promise.all([runExample(file), runExample(file)]);
  expect(hashIn(second)).toBe(hashIn(first));
  return first;
}

// Two runs, then Chromium opening the report: under a loaded, concurrent suite this outlasts the default.
const REPORT_TEST_TIMEOUT_MS = 180_000;

/**
 * Runs an example that writes `out/<name>.html` twice at once, each into its own `--out` folder;
 * checks the hashes and the two reports agree; returns the first output and report.
 */
async function runTwiceWithReport(name: string): Promise<{ output: string; report: string }> {
  const directory = mkdtempSync(join(tmpdir(), `faultline-${name}-`));
  const [first, second] = await Promise.all(['a', 'b'].map((run) => runExample(`examples/${name}.ts`, '--out', join(directory, run))));
  expect(hashIn(second!)).toBe(hashIn(first!));
  const report = readFileSync(join(directory, 'a', `${name}.html`), 'utf8');
  expect(readFileSync(join(directory, 'b', `${name}.html`), 'utf8')).toBe(report);
  expect(first).toContain(`${join(directory, 'a', `${name}.html`)} (open it in a browser)`);
  if (chromiumPresent) {
    // A reader opens it offline: no errors, no requests beyond the file; a screenshot is kept.
    const opened = await openReportInChromium(join(directory, 'a', `${name}.html`), { screenshotPath: `reports/browser/${name}.png` });
    expect([...opened.consoleErrors, ...opened.pageErrors, ...opened.externalRequests]).toEqual([]);
  }
  return { output: first!, report };
}

/** The numbers of the table row that starts with `label` (after the label). */
function rowNumbers(output: string, label: RegExp): number[] {
  const line = output.split('\n').find((text) => label.test(text));
  if (line === undefined) throw new Error(`no row ${label} in:\n${output}`);
  return [...line.replace(label, '').matchAll(/-?\d+(\.\d+)?/g)].map((match) => Number(match[0]));
}

/** The report holds a section per run. */
function expectSections(report: string, sections: string[]): void {
  for (const label of sections) expect(report).toContain(`>${label}<`);
}

describe.concurrent('failure-family examples', () => {
  it('crash-recovery: crash-stop stays down, crash-recovery keeps durable state and loses volatile state', async () => {
    const output = await runTwice('examples/crash-recovery.ts');
    expect(output).toMatch(/stop +✖ crashed/);
    expect(output).toMatch(/no ack from stop for \d+ ms/);
    expect(output).toMatch(/revive +back up: in-memory count starts again at 0, durable total still 9/);
    expect(output).toMatch(/^stop +█+✖·+$/m);
    expect(output).toMatch(/^revive +█+✖·+↻█+$/m);
    expect(output).toMatch(/stop .*durable total 9, in-memory count \(gone\); truth: down \[1000, 3000\)/);
    expect(output).toMatch(/revive .*durable total 22, in-memory count 13 \(since its restart\); truth: down \[1000, 1700\)/);
  });

  it('partition: the naive election splits the brain and acknowledges writes on the minority side; the quorum never does', async () => {
    const { output, report } = await runTwiceWithReport('partition');
    for (const label of ['naive: the highest id heard from lately leads', 'quorum: majority votes, terms, leases']) expect(report).toContain(`<h2>${label}</h2>`);
    const [naive, quorum] = output.split(/^Quorum: /m) as [string, string];
    expect(naive).toMatch(/n3  n3  n3  n5  n5 +n3, n5 .*SPLIT BRAIN/);
    expect(naive).toMatch(/n4  n4  n4  n4  n5 +n4, n5 .*SPLIT BRAIN/);
    expect(naive).toMatch(/n3  n3  n5  n5  n5 +n5 .*no agreement on who leads/);
    expect(quorum.split(/^Summary/m)[0]).not.toMatch(/SPLIT BRAIN/);
    expect(quorum).toMatch(/n5 steps down in term 1/);
    expect(quorum).toMatch(/n2 elected in term 3 with votes of n1, n2, n3/);
    expect(output).toMatch(/healed: bridge/);
    expect(output).toMatch(/nodes down at any time: 0/);
    // phase, version: leaders at once (max), ms with 2+ leaders, ms with no leader, writes acked, on a minority side
    expect(rowNumbers(output, /^ {2}majority\/minority 1000-2000 +naive +/)).toEqual([2, 780, 0, 17, 10]);
    expect(rowNumbers(output, /^ {2}majority\/minority 1000-2000 +quorum +/)).toEqual([1, 0, 670, 2, 0]);
    expect(rowNumbers(output, /^ {2}one-way \(n5 mute\) 2600-3600 +naive +/)).toEqual([2, 780, 0, 17, 10]);
    expect(rowNumbers(output, /^ {2}one-way \(n5 mute\) 2600-3600 +quorum +/)).toEqual([1, 0, 0, 10, 0]);
    expect(rowNumbers(output, /^ {2}whole run 600-6000 +naive +/)).toEqual([2, 1580, 0, 70, 20]);
    expect(rowNumbers(output, /^ {2}whole run 600-6000 +quorum +/)).toEqual([1, 0, 670, 46, 0]);
  }, REPORT_TEST_TIMEOUT_MS);

  it('byzantine: the naive vote and MACs alone let a liar split the honest nodes; MACs + echo with 3f + 1 nodes agree, with 3 nodes not', async () => {
    const { output, report } = await runTwiceWithReport('byzantine');
    for (const label of ['naive, n = 4', 'MACs, n = 4', 'MACs + echo, n = 4', 'MACs + echo, n = 3']) expect(report).toContain(`<h2>${label}</h2>`);
    const section = (label: string) => output.split(`\n${label}: `)[1]!.split('\n\n')[0]!;
    const naive = section('naive, n = 4');
    expect(naive).toMatch(/^ +1 +honest .*agree$/m);
    expect(naive).toMatch(/^ +2 +equivocate .*C A C A -> abort .*DISAGREE$/m);
    expect(naive).toMatch(/^ +3 +forge +C C C - -> commit/m);
    expect(naive).toMatch(/^ +4 +corrupt .*\?.*DISAGREE$/m);
    expect(output).toMatch(/\(claims to be n2!\)/);
    expect(section('MACs, n = 4')).toMatch(/^ +3 +forge +C A C - -> commit/m);
    expect(section('MACs, n = 4')).toMatch(/^ +2 +equivocate .*DISAGREE$/m);
    expect(section('MACs + echo, n = 4')).not.toMatch(/DISAGREE/);
    expect(section('MACs + echo, n = 3')).toMatch(/^ +2 +equivocate +C A C -> commit +C A A -> abort +DISAGREE$/m);
    // nodes, n - f, rounds where honest nodes disagree, forged votes accepted, garbage votes counted, messages
    expect(rowNumbers(output, /^ {2}naive, n = 4 +/)).toEqual([4, 2, 2, 4, 3, 1, 60]);
    expect(rowNumbers(output, /^ {2}MACs, n = 4 +/)).toEqual([4, 1, 2, 0, 0, 60]);
    expect(rowNumbers(output, /^ {2}MACs \+ echo, n = 4 +/)).toEqual([4, 3, 0, 0, 0, 498]);
    expect(rowNumbers(output, /^ {2}MACs \+ echo, n = 3 +/)).toEqual([3, 2, 1, 2, 0, 0, 190]);
    expect(output).toMatch(/n4 byzantine during rounds 2, 3, 4;/);
  }, REPORT_TEST_TIMEOUT_MS);

  it('overload: without a remedy the queue outgrows the client timeout and goodput collapses; a queue deadline keeps it at capacity', async () => {
    const { output, report } = await runTwiceWithReport('overload');
    expect(output).toMatch(/requests start to queue/);
    expect(output).toMatch(/requests outwait their clients \(500 ms\): the api serves requests nobody waits for/);
    expect(output).toMatch(/inbox full \(1000 waiting\): requests are dropped unseen/);
    expect(output).toMatch(/recovered: every later request succeeds/);
    // Per phase: requests, ok, p50, p99, dropped, shed, timed out, too late, goodput/s.
    const phase = (api: string, name: string) => {
      const lines = output.split('\n');
      const first = lines.findIndex((line) => line.startsWith(`  ${api} `));
      const row = lines.slice(first, first + 3).find((line) => new RegExp(`^ {2}(${api})? +${name} `).test(line))!;
      return [...row.replace(/^ {2}\D*?(before|during|after) +/, '').matchAll(/\d+(\.\d+)?/g)].map((match) => Number(match[0]));
    };
    expect(phase('no remedy', 'before')).toEqual([174, 174, 4.2, 7.2, 0, 0, 0, 0, 348]);
    expect(phase('no remedy', 'during')).toEqual([2914, 1888, 124, 490.4, 72, 0, 1026, 954, 944]);
    expect(phase('no remedy', 'after')).toEqual([604, 276, 287.3, 499.8, 0, 0, 328, 328, 184]);
    expect(phase('queue deadline 100 ms', 'during')).toEqual([2914, 1942, 102.5, 106.1, 0, 972, 0, 0, 971]);
    expect(phase('queue deadline 100 ms', 'after')).toEqual([604, 604, 5.3, 93.8, 0, 0, 0, 0, 403]);
    expect(phase('CoDel 5 ms / 100 ms', 'during')).toEqual([2914, 1944, 127, 493.1, 0, 159, 890, 811, 972]);
    // The window after the spike: nothing answered in time without a remedy, capacity with the deadline.
    expect(rowNumbers(output, /^ {2}2250-2500 +/)).toEqual([2436, 0, 106.4, 1000, 0]);
    expect(output).toMatch(/no remedy: 72 dropped because the inbox was full/);
    expect(output).toMatch(/queue deadline 100 ms: admitted 2720, shed 972 \(deadline\)/);
    expectSections(report, ['no remedy', 'queue deadline 100 ms', 'CoDel 5 ms / 100 ms']);
  });

  it('clock-faults: skew, drift and a backward jump make wall-clock last-writer-wins lose writes; HLC stamps lose none', async () => {
    const { output, report } = await runTwiceWithReport('clock-faults');
    expect(output).toMatch(/store  starts discarding w1's writes: w1#\d+ stamped \d+ ms loses to w2#\d+ stamped \d+ ms, the write it had just read/);
    expect(output).toMatch(/store  starts discarding w2's writes: w2#\d+ stamped \d+ ms loses to w2#\d+/);
    expect(output).toMatch(/With HLC stamps, on the same faults: the store never discarded a write\./);
    expect(output).toMatch(/^ +1500 ms +700 +-800 ms +1500 +\+0 ms$/m);
    expect(output).toMatch(/^ +3500 ms +3500 +\+0 ms +3650 +\+150 ms$/m);
    expect(output).toMatch(/0-1000 ms +clocks in sync +w1 \d+ \/ 0 +w2 \d+ \/ 0 +w1 \d+ \/ 0 +w2 \d+ \/ 0$/m);
    expect(output).toMatch(/1000-2000 ms +w1 skewed -800 ms +w1 0 \/ 10 +w2 10 \/ 0 +w1 10 \/ 0 +w2 10 \/ 0$/m);
    // Wall clock against HLC: the same 100 writes; 26 lost, every one causally later, against none.
    expect(rowNumbers(output, /^ {2}writes +/)).toEqual([100, 100]);
    expect(rowNumbers(output, /^ {2}writes lost \(discarded by the store\) +/)).toEqual([26, 0]);
    expect(rowNumbers(output, /^ {2}causally-later writes overwritten +/)).toEqual([26, 0]);
    expect(output).toMatch(/nodes down: none/);
    expectSections(report, ['broken: wall-clock stamps', 'fixed: HLC stamps']);
  });

  it('disk-faults: acknowledged but unsynced writes are lost in a crash; a full disk surfaces as DISK_FULL', async () => {
    const output = await runTwice('examples/disk-faults.ts');
    expect(output).toMatch(/lazy +recovered: its log holds 12 entries/);
    expect(output).toMatch(/safe refused #\d+: DISK_FULL/);
    expect(output).toMatch(/lazy +acknowledged \d+, in its log now \d+, acknowledged but LOST [1-9]\d*/);
    expect(output).toMatch(/safe +acknowledged \d+, in its log now \d+, acknowledged but LOST 0, refused \(disk full\) [1-9]/);
  });

  it('pause: a leader frozen between its lease check and its write writes after its successor, unless the store fences', async () => {
    const { output, report } = await runTwiceWithReport('pause');
    expect(output).toMatch(/w1 +❚❚ frozen/);
    expect(output).toMatch(/lock +grants the lease to w2, epoch 2/);
    expect(output).toMatch(/w1 +▶ thawed: \d+ waiting events run now/);
    expect(output).toMatch(/w1 +write fired 1190 ms late: sends x with epoch 1/);
    expect(output).toMatch(/store accepts w1's write w1#\d+ with epoch 1 after epoch 2: STALE LEADER WROTE/);
    expect(output).toMatch(/store refuses w1's write w1#\d+ with epoch 1 after epoch 2: FENCED/);
    expect(output).toMatch(/w1 +its write was refused: the store has seen epoch 2; stops acting as primary/);
    expect(output).toMatch(/^ {2}w1 frozen +░+ *$/m);
    expect(output).toMatch(/^ {2}store, unfenced +[·12]*![·12]*$/m);
    expect(output).toMatch(/^ {2}store, fenced +[·12]*x[·12]*$/m);
    // Unfenced against fenced: the same writes; one stale write applied (over w2's) against none.
    expect(rowNumbers(output, /^ {2}stale writes accepted +/)).toEqual([1, 0]);
    expect(rowNumbers(output, /^ {2}stale writes refused +/)).toEqual([0, 1]);
    expect(output).toMatch(/successor's write the stale one replaced +w2#\d+ +none/);
    expect(output).toMatch(/paused \[\[1010,2210\]\], down \[\]/);
    expectSections(report, ['broken: unfenced store', 'fixed: fenced store']);
  });

  it('nemesis: prints a JSON schedule, injects it, and the cluster converges after the liveness phase', async () => {
    const { output, report } = await runTwiceWithReport('nemesis');
    expect(report).toContain('how far the furthest-behind live node lags the true total');
    const schedule = output.split('\n').filter((line) => line.startsWith('  {"kind"')).map((line) => JSON.parse(line) as { kind: string; atMs: number });
    expect(schedule.length).toBe(10);
    expect(schedule.every((fault) => fault.atMs < 4_000)).toBe(true);
    expect(output).toMatch(/== liveness phase/);
    expect(output).toMatch(/converged 200 ms after the liveness phase began/);
    expect(output).toMatch(/^ {2}n3 +5 +49 +1028 +165$/m);
    // The legend under the lanes names exactly the symbols the lanes draw: pauses show as ░.
    const lines = output.split('\n');
    const lanes = lines.filter((line) => /^n\d {2}/.test(line)).map((line) => line.slice(4));
    const legend = lines[lines.findIndex((line) => /^ +0 +5000 ms$/.test(line)) + 1]!;
    expect(lanes).toHaveLength(5);
    expect(lanes[2]).toMatch(/░+█+↯█+$/);
    const drawn = [...new Set(lanes.join(''))].sort();
    const named = [...legend.trim().matchAll(/(?:^| {2})(\S) /g)].map((match) => match[1]).sort();
    expect(named).toEqual(drawn);
    expect(legend.trim()).toBe('█ up  ░ paused  ↯ crash and restart in one column');
  }, REPORT_TEST_TIMEOUT_MS);
});
