/**
 * Disk faults: a write-ahead log that acknowledges too early. A client appends entry #1, #2, …
 * every 40 ms to two log servers, and counts an entry as safe once a server acknowledges it. Both
 * disks cache writes (`disk-unsynced-loss`): `ctx.persist` reaches the cache, and only
 * `ctx.sync()` (fsync) makes it durable.
 *
 * - `lazy` acknowledges right after `ctx.persist` and syncs every 500 ms in the background;
 * - `safe` calls `ctx.sync()` before every acknowledgement.
 *
 * At 990 ms both crash for 200 ms. Later `safe`'s disk fills up for 300 ms (`disk-full`): its
 * persist throws a `DiskError` with code DISK_FULL, which the node turns into a refusal.
 *
 * What to look for: `lazy` comes back without entries it had acknowledged — the client was told
 * "safe" and the data is gone. `safe` loses nothing it acknowledged; while its disk is full it
 * says no instead of lying.
 *
 * Run: npx tsx examples/disk-faults.ts
 */
import { DiskError, formatTimeline, Simulation, type NodeBehaviour } from 'faultline';

const SERVERS = ['lazy', 'safe'];
const APPEND_EVERY_MS = 40;
const LAZY_SYNC_EVERY_MS = 500;
const RUN_FOR_MS = 2_400;

type Message = { type: 'append'; entry: number } | { type: 'ack'; entry: number } | { type: 'refused'; entry: number; reason: string };
type Durable = { entries: number[] };

const logServer =
  (syncBeforeAck: boolean): NodeBehaviour<Message, Durable> =>
  (ctx) => ({
    onStart() {
      if (!syncBeforeAck) ctx.setTimer(LAZY_SYNC_EVERY_MS, 'background-sync');
    },
    onRecover() {
      const entries = ctx.durable.entries;
      ctx.log(`recovered: its log holds ${entries.length} entries, the last is #${entries.at(-1) ?? 'none'}`);
      if (!syncBeforeAck) ctx.setTimer(LAZY_SYNC_EVERY_MS, 'background-sync');
    },
    onTimer() {
      ctx.sync(); // group commit: cheap on average, but everything since the last one is at risk
      ctx.log(`background fsync: ${ctx.durable.entries.length} entries now on disk`);
      ctx.setTimer(LAZY_SYNC_EVERY_MS, 'background-sync');
    },
    onMessage(from, message) {
      if (message.type !== 'append') return;
      try {
        ctx.persist((log) => {
          log.entries.push(message.entry);
        });
      } catch (error) {
        if (!(error instanceof DiskError)) throw error;
        ctx.send(from, { type: 'refused', entry: message.entry, reason: error.code });
        return;
      }
      if (syncBeforeAck) ctx.sync();
      ctx.send(from, { type: 'ack', entry: message.entry });
    },
  });

const acknowledged = new Map<string, number[]>(SERVERS.map((id) => [id, []]));
const client: NodeBehaviour<Message> = (ctx) => {
  let next = 1;
  const refusing = new Set<string>();
  return {
    onStart() {
      ctx.setTimer(APPEND_EVERY_MS, 'append');
    },
    onTimer() {
      for (const server of SERVERS) ctx.send(server, { type: 'append', entry: next });
      next++;
      ctx.setTimer(APPEND_EVERY_MS, 'append');
    },
    onMessage(from, message) {
      if (message.type === 'ack') {
        acknowledged.get(from)!.push(message.entry);
        if (refusing.delete(from)) ctx.log(`${from} accepts appends again (#${message.entry})`);
      } else if (message.type === 'refused' && !refusing.has(from)) {
        refusing.add(from);
        ctx.log(`${from} refused #${message.entry}: ${message.reason} — not acknowledged, so the client knows`);
      }
    },
  };
};

const sim = new Simulation({
  seed: 'disk-faults',
  trace: true,
  network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } },
});
sim.addNode('lazy', logServer(false), { durable: { entries: [] } });
sim.addNode('safe', logServer(true), { durable: { entries: [] } });
sim.addNode('client', client);

sim.inject([
  { kind: 'disk-unsynced-loss', atMs: 0, target: 'lazy' },
  { kind: 'disk-unsynced-loss', atMs: 0, target: 'safe' },
  { kind: 'crash', atMs: 990, durationMs: 200, target: 'lazy' },
  { kind: 'crash', atMs: 990, durationMs: 200, target: 'safe' },
  { kind: 'disk-full', atMs: 1_600, durationMs: 300, target: 'safe' },
]);
sim.run({ until: RUN_FOR_MS });

console.log('Disk faults: a client appends to two write-ahead logs whose disks cache writes until fsync.');
console.log('`lazy` acks after persist and fsyncs every 500 ms; `safe` fsyncs before each ack. Both crash at 990 ms; `safe`\'s disk is full 1600-1900 ms.');
console.log('Look for: acknowledged entries that `lazy` no longer has after the crash; `safe` refusing, not lying, when its disk is full.\n');

console.log('What happened:');
const faultLines = sim.faultLog
  .filter(({ fault }) => fault.kind !== 'crash' && fault.atMs > 0)
  .map(({ timeMs, phase, fault }) => ({ timeMs, text: `${fault.target!.padEnd(6)} -- ${fault.kind} ${phase === 'apply' ? 'begins' : 'ends'}` }));
const traceLines = formatTimeline(sim.trace!.records(), { types: ['crash', 'restart', 'log'] })
  .split('\n')
  .map((line) => ({ timeMs: Number.parseFloat(line), text: line.slice(16) }));
for (const { timeMs, text } of [...faultLines, ...traceLines].sort((a, b) => a.timeMs - b.timeMs)) {
  console.log(`${timeMs.toFixed(3).padStart(11)} ms  ${text}`);
}

console.log('\nFigures (acknowledged = the client was told the entry was safe):');
for (const id of SERVERS) {
  const kept = new Set(sim.node<unknown, Durable>(id).durable.entries);
  const acked = acknowledged.get(id)!;
  const lost = acked.filter((entry) => !kept.has(entry));
  const range = lost.length === 0 ? '' : ` (#${lost[0]}-#${lost.at(-1)})`;
  const refused = sim.trace!.records().filter((record) => record.type === 'send' && record.node === id && (record.message as Message).type === 'refused').length;
  console.log(`  ${id.padEnd(5)} acknowledged ${acked.length}, in its log now ${kept.size}, acknowledged but LOST ${lost.length}${range}, refused (disk full) ${refused}`);
}
console.log(`\ntrace hash ${sim.traceHash()}`);
