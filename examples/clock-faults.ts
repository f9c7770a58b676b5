/**
 * Clock faults: last-writer-wins on wall-clock timestamps. Two writers take turns writing key x
 * every 50 ms, each stamping its write with its own clock (`ctx.now()`); the store keeps the write
 * with the highest stamp and silently discards the rest. Every write really is newer than the one
 * before it, so every discard is a lost update. Three clock faults, one after another:
 *
 * - 1.0–2.0 s clock-skew: w1's clock is set 800 ms back (then NTP corrects it);
 * - 2.0–3.5 s clock-drift: w2's oscillator runs 10% fast, so it creeps ahead of true time;
 * - 4.0 s clock-jump: NTP steps w2's clock back by the 150 ms it gained.
 *
 * What to look for: the store starting and stopping discarding each writer's writes; the table of
 * what each node's clock said against the ground truth (`sim.truth.clockOffset`). No message is
 * lost and no node is down: the data loss comes entirely from trusting wall clocks.
 *
 * Run: npx tsx examples/clock-faults.ts
 */
import { Simulation, type NodeBehaviour } from 'faultline';

const WRITERS = ['w1', 'w2'];
const WRITE_EVERY_MS = 100; // per writer; w2 is offset by 50 ms, so a write every 50 ms overall
const RUN_FOR_MS = 5_000;
const PHASES = [
  { name: 'clocks in sync', fromMs: 0, toMs: 1_000 },
  { name: 'w1 skewed -800 ms', fromMs: 1_000, toMs: 2_000 },
  { name: 'w2 drifting +10%', fromMs: 2_000, toMs: 3_500 },
  { name: 'w2 ahead, not drifting', fromMs: 3_500, toMs: 4_000 },
  { name: 'w2 jumped back', fromMs: 4_000, toMs: RUN_FOR_MS },
];

type Write = { key: 'x'; writer: string; seq: number; stampMs: number };

const writer: NodeBehaviour<Write> = (ctx) => {
  let seq = 0;
  return {
    onStart() {
      ctx.setTimer(ctx.id === 'w1' ? WRITE_EVERY_MS : WRITE_EVERY_MS / 2, 'write');
    },
    onTimer() {
      ctx.send('store', { key: 'x', writer: ctx.id, seq: ++seq, stampMs: ctx.now() });
      ctx.setTimer(WRITE_EVERY_MS, 'write');
    },
  };
};

/** Last-writer-wins by timestamp: the textbook way to resolve concurrent writes without coordination. */
const store: NodeBehaviour<Write> = (ctx) => {
  let current: Write | undefined;
  const discardedInARow = new Map(WRITERS.map((id) => [id, 0]));
  return {
    onMessage(_from, write) {
      const streak = discardedInARow.get(write.writer)!;
      if (current === undefined || write.stampMs > current.stampMs) {
        if (streak > 0) ctx.log(`accepts ${write.writer}'s writes again, after discarding ${streak}`, { kept: true, writer: write.writer });
        else ctx.log('kept', { kept: true, writer: write.writer, quiet: true });
        discardedInARow.set(write.writer, 0);
        current = write;
        return;
      }
      if (streak === 0) {
        ctx.log(`starts discarding ${write.writer}'s writes: ${write.writer}#${write.seq} stamped ${write.stampMs.toFixed(0)} ms ` +
          `loses to ${current.writer}#${current.seq} stamped ${current.stampMs.toFixed(0)} ms`, { kept: false, writer: write.writer });
      } else {
        ctx.log('discarded', { kept: false, writer: write.writer, quiet: true });
      }
      discardedInARow.set(write.writer, streak + 1);
    },
  };
};

const sim = new Simulation({
  seed: 'clock-faults',
  trace: true,
  network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } } },
});
for (const id of WRITERS) sim.addNode(id, writer);
sim.addNode('store', store);

sim.inject([
  { kind: 'clock-skew', atMs: 1_000, durationMs: 1_000, target: 'w1', params: { deltaMs: -800 } },
  { kind: 'clock-drift', atMs: 2_000, durationMs: 1_500, target: 'w2', params: { driftPpm: 100_000 } },
  { kind: 'clock-jump', atMs: 4_000, target: 'w2', params: { deltaMs: -150 } },
]);
sim.run({ until: RUN_FOR_MS });

console.log('Clock faults vs last-writer-wins: w1 and w2 take turns writing x every 50 ms, stamped with their own clocks.');
console.log('Faults: w1 skewed -800 ms (1-2 s); w2 drifts +10% (2-3.5 s); w2 jumps back 150 ms (4 s).');
console.log('Look for: the store discarding writes that were really the newest; clocks that read wrong while their nodes trust them.\n');

console.log('What happened:');
const story = [
  ...sim.faultLog.map(({ timeMs, phase, fault }) => ({ timeMs, text: `-- ${phase === 'apply' ? 'fault' : 'reverted'}: ${fault.kind} ${fault.target} ${JSON.stringify(fault.params)}` })),
  ...sim.logs().filter((entry) => entry.fields?.['quiet'] !== true).map((entry) => ({ timeMs: entry.timeMs, text: `${entry.node}  ${entry.message}` })),
].sort((a, b) => a.timeMs - b.timeMs);
for (const { timeMs, text } of story) console.log(`${timeMs.toFixed(1).padStart(8)} ms  ${text}`);

console.log('\nWhat each clock said vs the truth (a node cannot see its own error; it believes its reading):');
console.log('   true time   w1 read   w1 off by   w2 read   w2 off by');
for (const atMs of [500, 1_500, 2_500, 3_000, 3_500, 3_999, 4_000, 4_500]) {
  const cells = WRITERS.map((id) => {
    const offsetMs = sim.truth.clockOffset(id, atMs);
    return `${(atMs + offsetMs).toFixed(0).padStart(8)} ${`${offsetMs >= 0 ? '+' : ''}${offsetMs.toFixed(0)} ms`.padStart(11)}`;
  });
  console.log(`  ${String(atMs).padStart(7)} ms  ${cells.join(' ')}`);
}

console.log('\nWrites kept / discarded (every discard is a lost update: it was really the newest write):');
for (const phase of PHASES) {
  const decided = sim.logs().filter((entry) => entry.node === 'store' && entry.timeMs >= phase.fromMs && entry.timeMs < phase.toMs);
  const cells = WRITERS.map((id) => {
    const mine = decided.filter((entry) => entry.fields?.['writer'] === id);
    return `${id} ${mine.filter((entry) => entry.fields?.['kept'] === true).length} / ${mine.filter((entry) => entry.fields?.['kept'] === false).length}`;
  });
  console.log(`  ${`${phase.fromMs}-${phase.toMs} ms`.padEnd(13)} ${phase.name.padEnd(24)} ${cells.map((cell) => cell.padEnd(12)).join('')}`);
}
console.log(`\nFigures: ${sim.network.stats().sent} writes sent, ${sim.network.stats().delivered} delivered; nodes down: none.`);
console.log(`\ntrace hash ${sim.traceHash()}`);
