import type { EventLoop } from '../kernel/event-loop.js';
import { RingBuffer } from '../kernel/ring-buffer.js';
import { requireFunction, requirePositiveInteger } from '../validate.js';
import type { NodeRuntime } from './node-runtime.js';

/**
 * How serious a log entry is, least to most.
 *
 * @example
 * ```ts
 * const level: LogLevel = 'warn';
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The levels in order of severity. */
export const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * `ctx.log`: call it for an `info` entry, or use the method named for the level.
 *
 * @example
 * ```ts
 * ctx.log('request served', { latencyMs: 12 });
 * ctx.log.warn('replica lagging', { behindBy: 40 });
 * ctx.log.error('write lost', { key: 'x' });
 * ```
 */
export interface NodeLogger {
  /** Writes an `info` entry. */
  (message: string, fields?: Record<string, unknown>): void;
  /** Writes a `debug` entry. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Writes an `info` entry. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Writes a `warn` entry. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Writes an `error` entry. */
  error(message: string, fields?: Record<string, unknown>): void;
}

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
  /** How serious it is (`info` for a plain `ctx.log`). */
  level: LogLevel;
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

  write(node: NodeRuntime, level: LogLevel, message: string, fields: Record<string, unknown> | undefined): void {
    const nowMs = this.loop.now;
    const entry: LogEntry = { timeMs: nowMs, localTimeMs: node.clock.read(nowMs), node: node.id, level, message: String(message) };
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
