import { RingBuffer } from './ring-buffer.js';

/**
 * What a trace record describes. The kernel records `callback` events; the world records the
 * rest.
 *
 * @example
 * ```ts
 * const crashes = sim.trace!.records().filter((record) => record.type === ('crash' satisfies TraceRecordType));
 * ```
 */
export type TraceRecordType =
  | 'callback'
  | 'start'
  | 'send'
  | 'deliver'
  | 'drop'
  | 'timer'
  | 'crash'
  | 'restart'
  | 'persist'
  | 'log'
  | 'clock'
  | 'fault'
  | 'pause'
  | 'resume';

/**
 * One recorded event, as plain data. Fields that do not apply to a type are absent.
 *
 * @example
 * ```ts
 * const record: TraceRecord = { timeMs: 12.5, type: 'deliver', node: 'b', from: 'a', to: 'b', messageId: 7, message: 'ping' };
 * ```
 */
export interface TraceRecord {
  /** True simulated time, in ms. */
  timeMs: number;
  /** What happened. */
  type: TraceRecordType;
  /** The node the event happened at. */
  node?: string;
  /** Sender of the message concerned. */
  from?: string;
  /** Addressee of the message concerned. */
  to?: string;
  /** Identifies one send; a duplicate delivery carries the same id. */
  messageId?: number;
  /** The message concerned (the object itself, not a copy: treat messages as immutable). */
  message?: unknown;
  /** Name of the timer that fired. */
  timer?: string;
  /** Why a message was dropped, e.g. `loss`, `node-down`, `link-blocked`, `queue-overflow`. */
  reason?: string;
  /** Free-form structured detail (log fields, clock readings, …). */
  detail?: unknown;
}

/**
 * The opt-in, bounded trace of a run: it keeps the last `limit` records, which are the ones that
 * explain a failure.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, trace: { limit: 10_000 } });
 * sim.run({ until: 1_000 });
 * for (const record of sim.trace!.records()) console.log(record.timeMs, record.type);
 * ```
 */
export class TraceRecorder extends RingBuffer<TraceRecord> {
  /** The kept records, oldest first. */
  records(): TraceRecord[] {
    return this.items();
  }
}
