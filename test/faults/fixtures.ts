// Shared fixtures for the failure-model tests: a traced cluster of recording nodes, and small
// queries over the trace and the fault log.
import { Simulation, type FaultLogEntry, type SimulationOptions, type TraceRecord } from '../../src/index.js';
import { addProbe, type Probe } from '../world/helpers.js';

export { addProbe, binomialStandardError, inversions, mean, sendSequence, stdDev, thrownBy, type Arrival, type Probe } from '../world/helpers.js';

/** Statistical checks use fixed seeds; tolerances are this many standard errors. */
export const Z = 4;

export type Seq = { seq: number };

/** A traced simulation of recording nodes (`addProbe`), one per id; default latency 1 ms. */
export function cluster<M = Seq>(ids: readonly string[], options: Partial<SimulationOptions> = {}): { sim: Simulation; probes: Record<string, Probe<M>> } {
  const sim = new Simulation({ seed: 1, trace: true, ...options });
  const probes: Record<string, Probe<M>> = {};
  for (const id of ids) probes[id] = addProbe<M>(sim, id);
  return { sim, probes };
}

export const FIVE = ['a', 'b', 'c', 'd', 'e'] as const;

/** Trace records of one type, optionally filtered. */
export function records(sim: Simulation, type: TraceRecord['type'], filter: (record: TraceRecord) => boolean = () => true): TraceRecord[] {
  return sim.trace!.records().filter((record) => record.type === type && filter(record));
}

/** Delivered messages `from → to` (trace `deliver` records). */
export function delivered(sim: Simulation, from: string, to: string): TraceRecord[] {
  return records(sim, 'deliver', (record) => record.from === from && record.to === to);
}

/** Every delivery with its one-way delay (delivery time minus the send time of the same messageId). */
export function deliveryDelays(sim: Simulation, from: string, to: string): Array<{ sentMs: number; delayMs: number; message: unknown }> {
  const sentAt = new Map<number, number>();
  for (const send of records(sim, 'send', (record) => record.from === from && record.to === to)) sentAt.set(send.messageId!, send.timeMs);
  return delivered(sim, from, to).map((record) => ({ sentMs: sentAt.get(record.messageId!)!, delayMs: record.timeMs - sentAt.get(record.messageId!)!, message: record.message }));
}

/** The fault log as compact rows: [timeMs, phase, kind, target]. */
export function logRows(sim: Simulation): Array<[number, FaultLogEntry['phase'], string, string | undefined]> {
  return sim.faultLog.map((entry) => [entry.timeMs, entry.phase, entry.fault.kind, entry.fault.target]);
}

/** Every node broadcasts `{ seq }` every `everyMs`, starting at `offsetMs`, until `untilMs`. */
export function chatter(sim: Simulation, probes: Record<string, Probe<Seq>>, everyMs: number, offsetMs: number, untilMs: number): void {
  let seq = 0;
  for (let t = offsetMs; t < untilMs; t += everyMs) {
    sim.schedule(t - sim.now, () => {
      for (const id of Object.keys(probes)) if (sim.isUp(id)) probes[id]!.ctx.broadcast({ seq: seq++ });
    });
  }
}
