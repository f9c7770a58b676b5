import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashIn, runExample } from './example-runner.js';

// Every failure-family example must run, tell its story and end with its trace hash; run twice,
// it must print the same hash. The runs are child processes, started concurrently to save time.

/** Runs an example twice at once; returns the first output after checking both hashes agree. */
async function runTwice(file: string): Promise<string> {
  const [first, second] = await Promise.all([runExample(file), runExample(file)]);
  expect(hashIn(second)).toBe(hashIn(first));
  return first;
}

/** The numbers of the table row that starts with `label` (after the label). */
function rowNumbers(output: string, label: RegExp): number[] {
  const line = output.split('\n').find((text) => label.test(text));
  if (line === undefined) throw new Error(`no row ${label} in:\n${output}`);
  return [...line.replace(label, '').matchAll(/-?\d+(\.\d+)?/g)].map((match) => Number(match[0]));
}

/** The example said it wrote out/<name>.html, and the page holds a section per run. */
function expectReport(output: string, name: string, sections: string[]): void {
  expect(output).toContain(`wrote out/${name}.html (open it in a browser)`);
  const html = readFileSync(`out/${name}.html`, 'utf8');
  for (const label of sections) expect(html).toContain(`>${label}<`);
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

  it('partition: majority/minority and one-way partitions split the brain, a bridge leaves no agreement', async () => {
    const output = await runTwice('examples/partition.ts');
    expect(output).toMatch(/n3  n3  n3  n5  n5 +n3, n5 .*SPLIT BRAIN/);
    expect(output).toMatch(/n4  n4  n4  n4  n5 +n4, n5 .*SPLIT BRAIN/);
    expect(output).toMatch(/n3  n3  n5  n5  n5 +n5 .*no agreement on who leads/);
    expect(output).toMatch(/healed: bridge/);
    expect(output).toMatch(/nodes down at any time: 0/);
    // After the last heal everyone follows n5 again.
    const beliefs = output.split('\n').filter((line) => /^ +\d+ ms  n\d  /.test(line));
    expect(beliefs.at(-1)).toMatch(/n5  n5  n5  n5  n5 +n5 /);
  });

  it('gray-failure: requests time out under a flaky link and a slow node while the health check stays green', async () => {
    const output = await runTwice('examples/gray-failure.ts');
    const healthy = rowNumbers(output, /^ {2}healthy +/);
    const flaky = rowNumbers(output, /^ {2}flaky client<->server link +/);
    const slow = rowNumbers(output, /^ {2}slow server node +/);
    expect(healthy[1]).toBe(0); // timed out
    expect(flaky[1]).toBeGreaterThan(flaky[0]! / 2);
    expect(slow[1]).toBeGreaterThan(0);
    expect(slow[3]).toBeGreaterThan(3 * healthy[3]!); // p50 latency
    expect(output).toMatch(/timed out: users see errors/);
    expect(output).toMatch(/Health monitor: \d+ pings, 0 failed/);
    expect(output).toMatch(/server down during \[\]/);
  });

  it('byzantine: equivocation and corruption make honest nodes disagree; forged votes are misattributed', async () => {
    const output = await runTwice('examples/byzantine.ts');
    expect(output).toMatch(/^ +1 +honest .*agree$/m);
    expect(output).toMatch(/^ +2 +equivocate .*-> abort .*DISAGREE$/m);
    expect(output).toMatch(/\(claims to be n2!\)/);
    expect(output).toMatch(/^ +3 +forge +C C C - -> commit/m);
    expect(output).toMatch(/^ +4 +corrupt .*\?.*DISAGREE$/m);
    expect(output).toMatch(/^ +5 +honest .*agree$/m);
    expect(output).toMatch(/n4 byzantine during rounds 2, 3, 4\./);
  });

  it('overload: without a remedy the queue outgrows the client timeout and goodput collapses; a queue deadline keeps it at capacity', async () => {
    const output = await runTwice('examples/overload.ts');
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
    expectReport(output, 'overload', ['no remedy', 'queue deadline 100 ms', 'CoDel 5 ms / 100 ms']);
  });

  it('clock-faults: skew, drift and a backward jump make wall-clock last-writer-wins lose writes; HLC stamps lose none', async () => {
    const output = await runTwice('examples/clock-faults.ts');
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
    expectReport(output, 'clock-faults', ['broken: wall-clock stamps', 'fixed: HLC stamps']);
  });

  it('disk-faults: acknowledged but unsynced writes are lost in a crash; a full disk surfaces as DISK_FULL', async () => {
    const output = await runTwice('examples/disk-faults.ts');
    expect(output).toMatch(/lazy +recovered: its log holds 12 entries/);
    expect(output).toMatch(/safe refused #\d+: DISK_FULL/);
    expect(output).toMatch(/lazy +acknowledged \d+, in its log now \d+, acknowledged but LOST [1-9]\d*/);
    expect(output).toMatch(/safe +acknowledged \d+, in its log now \d+, acknowledged but LOST 0, refused \(disk full\) [1-9]/);
  });

  it('pause: a leader frozen between its lease check and its write writes after its successor, unless the store fences', async () => {
    const output = await runTwice('examples/pause.ts');
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
    expectReport(output, 'pause', ['broken: unfenced store', 'fixed: fenced store']);
  });

  it('nemesis: prints a JSON schedule, injects it, and the cluster converges after the liveness phase', async () => {
    const output = await runTwice('examples/nemesis.ts');
    const schedule = output.split('\n').filter((line) => line.startsWith('  {"kind"')).map((line) => JSON.parse(line) as { kind: string; atMs: number });
    expect(schedule.length).toBeGreaterThan(0);
    expect(schedule.every((fault) => fault.atMs < 4_000)).toBe(true);
    expect(output).toMatch(/== liveness phase/);
    expect(output).toMatch(/converged \d+ ms after the liveness phase began/);
  });
});
