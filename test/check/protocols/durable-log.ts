/**
 * An append-only log on one server with group commit, acknowledging appends before and after
 * the fsync.
 *
 * A client appends entries 1, 2, 3, … one at a time: it sends the next entry once the last one
 * is acknowledged, and sends an unanswered or failed one again after 100 ms. The server writes
 * each new entry to disk (`ctx.persist`), answers `failed` when the disk refuses the write
 * (a full or failing disk), and syncs its disk every 50 ms (group commit: one fsync for many
 * appends).
 *
 * The bug: the server acknowledges an append as soon as it is written, before the fsync that
 * makes it durable. Under a disk that caches writes, a crash loses entries the client was told
 * were safe. The fixed variant holds each acknowledgement until the next sync.
 *
 * Known minimum: two faults, `disk-unsynced-loss` and a crash of the server while it lasts. A
 * crash alone loses nothing (without the cached-writes fault every write is durable at once), a
 * cache without a crash loses nothing, and a failing or full disk only makes the server answer
 * `failed`, which both variants do.
 */
import type { ClusterScenario, GeneratedKind } from '../../../src/check/index.js';
import { DiskError, type NodeBehaviour, type Simulation } from '../../../src/index.js';

type Message = { type: 'append'; entry: number } | { type: 'appended'; entry: number } | { type: 'failed'; entry: number };

interface Log {
  entries: number[];
}

export interface DurableLog {
  /** The highest entry acknowledged to the client (entries are acknowledged in order). */
  acknowledged: number;
}

const APPEND_TICK_MS = 10;
const RETRY_MS = 100;
const SYNC_EVERY_MS = 50;

function server(acknowledgeAfterSync: boolean): NodeBehaviour<Message, Log> {
  return (ctx) => {
    let unsynced: Array<{ to: string; entry: number }> = [];
    const acknowledge = (to: string, entry: number): void => {
      if (acknowledgeAfterSync) unsynced.push({ to, entry });
      else ctx.send(to, { type: 'appended', entry }); // the bug: written is not yet durable
    };
    const startSyncing = (): void => ctx.setTimer(SYNC_EVERY_MS, 'sync');
    return {
      onStart: startSyncing,
      onRecover: startSyncing,
      onTimer() {
        ctx.sync();
        for (const { to, entry } of unsynced) ctx.send(to, { type: 'appended', entry });
        unsynced = [];
        startSyncing();
      },
      onMessage(from, message) {
        if (message.type !== 'append') return;
        const length = ctx.durable.entries.length;
        if (message.entry > length + 1) return; // a gap: an acknowledged entry was lost
        if (message.entry <= length) {
          acknowledge(from, message.entry); // a retry of an entry already written
          return;
        }
        try {
          ctx.persist((log) => {
            log.entries.push(message.entry);
          });
        } catch (error) {
          if (!(error instanceof DiskError)) throw error;
          ctx.send(from, { type: 'failed', entry: message.entry });
          return;
        }
        acknowledge(from, message.entry);
      },
    };
  };
}

function client(system: DurableLog, sim: Simulation): NodeBehaviour<Message> {
  return (ctx) => {
    let sentMs = -Infinity;
    const next = (): number => system.acknowledged + 1;
    return {
      onStart() {
        ctx.setTimer(APPEND_TICK_MS, 'append');
      },
      onTimer() {
        ctx.setTimer(APPEND_TICK_MS, 'append');
        if (sim.now - sentMs < RETRY_MS) return;
        sentMs = sim.now;
        ctx.send('log', { type: 'append', entry: next() });
      },
      onMessage(_from, message) {
        if (message.type !== 'appended' || message.entry !== next()) return; // a failed one is sent again
        system.acknowledged = message.entry;
        sentMs = -Infinity;
      },
    };
  };
}

function acknowledgedEntriesSurvive(system: DurableLog, sim: Simulation): true | string {
  const length = sim.node<unknown, Log>('log').durable.entries.length;
  if (length >= system.acknowledged) return true;
  return `entries ${length + 1}..${system.acknowledged} were acknowledged but the log on disk ends at entry ${length}`;
}

/** The scenario; `acknowledgeAfterSync` picks the fixed variant. */
export function durableLogScenario(acknowledgeAfterSync: boolean): ClusterScenario<DurableLog> {
  return {
    name: acknowledgeAfterSync ? 'log acknowledging after fsync' : 'log acknowledging before fsync',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 2 } } } },
    setup(sim) {
      const system: DurableLog = { acknowledged: 0 };
      sim.addNode('log', server(acknowledgeAfterSync), { durable: { entries: [] } });
      sim.addNode('c', client(system, sim));
      return system;
    },
    invariants: [{ name: 'acknowledged entries survive a crash', check: acknowledgedEntriesSurvive }],
    untilMs: 6_000,
  };
}

/** Faults hit the server: crashes and pauses, and the three disk faults. */
export const durableLogFaults = {
  nodes: ['log'],
  clients: ['c'],
  kinds: ['crash', 'pause', 'disk-unsynced-loss', 'disk-write-fail', 'disk-full'] as GeneratedKind[],
};
/** See the module comment: a caching disk and a crash. */
export const durableLogMinimumFaults = 2;
