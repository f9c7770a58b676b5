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

  it('overload: queueing delay grows into latency, then the full inbox drops requests, then it drains', async () => {
    const output = await runTwice('examples/overload.ts');
    expect(output).toMatch(/requests start to queue/);
    expect(output).toMatch(/inbox full \(200 waiting\): requests are dropped/);
    expect(output).toMatch(/queue drained: latency back under 10 ms/);
    const early = rowNumbers(output, /^ +0-100 +/);
    const peak = rowNumbers(output, /^ +2300-2400 +/);
    const late = rowNumbers(output, /^ +2900-3000 +/);
    expect(early[3]).toBeLessThan(10); // p50 ms
    expect(peak[2]).toBeGreaterThan(0); // dropped
    expect(peak[3]).toBeGreaterThan(150);
    expect(late[3]).toBeLessThan(10);
    expect(output).toMatch(/[1-9]\d* dropped because the inbox was full/);
  });

  it('clock-faults: skew, drift and a backward jump make last-writer-wins discard the newest writes', async () => {
    const output = await runTwice('examples/clock-faults.ts');
    expect(output).toMatch(/store  starts discarding w1's writes: w1#\d+ stamped \d+ ms loses to w2#\d+/);
    expect(output).toMatch(/store  starts discarding w2's writes/);
    expect(output).toMatch(/^ +1500 ms +700 +-800 ms +1500 +\+0 ms$/m);
    expect(output).toMatch(/^ +3500 ms +3500 +\+0 ms +3650 +\+150 ms$/m);
    expect(output).toMatch(/0-1000 ms +clocks in sync +w1 \d+ \/ 0 +w2 \d+ \/ 0/);
    expect(output).toMatch(/1000-2000 ms +w1 skewed -800 ms +w1 0 \/ 10 +w2 10 \/ 0/);
    expect(output).toMatch(/nodes down: none/);
  });

  it('disk-faults: acknowledged but unsynced writes are lost in a crash; a full disk surfaces as DISK_FULL', async () => {
    const output = await runTwice('examples/disk-faults.ts');
    expect(output).toMatch(/lazy +recovered: its log holds 12 entries/);
    expect(output).toMatch(/safe refused #\d+: DISK_FULL/);
    expect(output).toMatch(/lazy +acknowledged \d+, in its log now \d+, acknowledged but LOST [1-9]\d*/);
    expect(output).toMatch(/safe +acknowledged \d+, in its log now \d+, acknowledged but LOST 0, refused \(disk full\) [1-9]/);
  });

  it('pause: a leader frozen past its lease acts on late timers and writes after its successor', async () => {
    const output = await runTwice('examples/pause.ts');
    expect(output).toMatch(/w1 +❚❚ frozen/);
    expect(output).toMatch(/w2 +granted the lease with token 2: now leads/);
    expect(output).toMatch(/w1 +▶ thawed: \d+ waiting events run now/);
    expect(output).toMatch(/w1 +tick fired 1200 ms late/);
    expect(output).toMatch(/accepts w1's write #\d+ with token 1 after token 2: STALE LEADER WROTE/);
    expect(output).toMatch(/^ {2}w1 frozen +░+ *$/m);
    expect(output).toMatch(/both workers believed they led for ~[1-9]\d* ms/);
    expect(output).toMatch(/paused \[\[1000,2200\]\], down \[\]/);
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
