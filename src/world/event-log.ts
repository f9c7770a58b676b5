import type { EventLoop } from '../kernel/event-loop.js';
import { RingBuffer } from '../kernel/ring-buffer.js';
import { requireFunction, requirePositiveInteger } from '../validate.js';
import type { NodeRuntime } from './node-runtime.js';

/**
 * One entry of the event log, written by `ctx.log`.
 *
 * @example
 * ```ts
 * for (const entry of sim.logs()) console.log(`${entry.timeMs} ${entry.node}: ${entry.message}`);
 * ```
 */
export interface LogEntry {
  /** True time. */
  timeMs: number;
  /** The writer's local clock reading. */
  localTimeMs: number;
  /** The writer. */
  node: string;
  /** What it wrote. */
  message: string;
  /** Structured fields, when given. */
  fields?: Record<string, unknown>;
}

const DEFAULT_LOG_LIMIT = 10_000;

/** What `ctx.log` writes: the most recent entries, the trace, and the live `onLog` listener. */
export class EventLog {
  private readonly entries: RingBuffer<LogEntry>;
  private readonly onLog: ((entry: LogEntry) => void) | undefined;

  constructor(
    private readonly loop: EventLoop,
    logLimit: unknown,
    onLog: unknown,
  ) {
    const limit = logLimit === undefined ? DEFAULT_LOG_LIMIT : logLimit;
    requirePositiveInteger(limit, 'logLimit', 100_000_000);
    if (onLog !== undefined) requireFunction(onLog, 'onLog');
    this.entries = new RingBuffer(limit);
    this.onLog = onLog as ((entry: LogEntry) => void) | undefined;
  }

  write(node: NodeRuntime, message: string, fields: Record<string, unknown> | undefined): void {
    const nowMs = this.loop.now;
    const entry: LogEntry = { timeMs: nowMs, localTimeMs: node.clock.read(nowMs), node: node.id, message: String(message) };
    if (fields !== undefined) entry.fields = fields;
    this.entries.push(entry);
    this.loop.trace?.push({ timeMs: nowMs, type: 'log', node: node.id, detail: entry });
    this.onLog?.(entry);
  }

  /** The kept entries, oldest first. */
  items(): LogEntry[] {
    return this.entries.items();
  }
}
