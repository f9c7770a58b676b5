import { requireObject, requirePositive, requirePositiveInteger } from '../validate.js';
import type { TraceRecord, TraceRecordType } from '../kernel/trace-recorder.js';

/**
 * Options of {@link formatTimeline}.
 *
 * @example
 * ```ts
 * formatTimeline(sim.trace!.records(), { types: ['crash', 'restart', 'log'], nodes: ['a', 'b'] });
 * ```
 */
export interface TimelineOptions {
  /** Only these record types. Default: every type but `send` and `persist`. */
  types?: readonly TraceRecordType[];
  /** Only records at these nodes. Default: all. */
  nodes?: readonly string[];
  /** At most this many lines (the last ones). Default 200. */
  maxLines?: number;
}

const DEFAULT_TYPES: readonly TraceRecordType[] = ['callback', 'start', 'deliver', 'drop', 'timer', 'crash', 'restart', 'log', 'clock'];

/**
 * Formats trace records as a readable, one-line-per-event timeline.
 *
 * @example
 * ```ts
 * console.log(formatTimeline(sim.trace!.records(), { types: ['crash', 'restart', 'log'] }));
 * //    1200.000 ms  n3  ✖ crashed
 * //    1534.112 ms  n1  n3 suspected (silent for 334 ms)
 * ```
 */
export function formatTimeline(records: readonly TraceRecord[], options: TimelineOptions = {}): string {
  const types = new Set(options.types ?? DEFAULT_TYPES);
  const nodes = options.nodes === undefined ? undefined : new Set(options.nodes);
  const lines: string[] = [];
  for (const record of records) {
    if (!types.has(record.type)) continue;
    if (nodes !== undefined && (record.node === undefined || !nodes.has(record.node))) continue;
    lines.push(`${formatTime(record.timeMs)}  ${(record.node ?? '').padEnd(6)} ${describeRecord(record)}`);
  }
  const maxLines = options.maxLines ?? 200;
  return lines.slice(Math.max(0, lines.length - maxLines)).join('\n');
}

/**
 * Options of {@link formatLanes}.
 *
 * @example
 * ```ts
 * formatLanes(sim.trace!.records(), { nodes: sim.nodeIds(), untilMs: 5_000, columns: 50 });
 * ```
 */
export interface LanesOptions {
  /** One lane per node, in this order. */
  nodes: readonly string[];
  /** The right edge of the chart, in ms. */
  untilMs: number;
  /** Characters per lane. Default 60. */
  columns?: number;
}

/**
 * Draws one lane per node over time: `█` up, `·` crashed, `✖` the column of a crash, `↻` of a
 * restart. A picture of who was down when, for teaching and for incident write-ups.
 *
 * @example
 * ```ts
 * console.log(formatLanes(sim.trace!.records(), { nodes: ['a', 'b'], untilMs: 1_000, columns: 20 }));
 * // a  ████████████████████
 * // b  ██████✖·····↻███████
 * ```
 */
export function formatLanes(records: readonly TraceRecord[], options: LanesOptions): string {
  requireObject(options as unknown, 'formatLanes(options)');
  requirePositive(options.untilMs, 'untilMs');
  const columns = options.columns ?? 60;
  requirePositiveInteger(columns, 'columns', 10_000);
  const msPerColumn = options.untilMs / columns;
  const width = Math.max(...options.nodes.map((id) => id.length));
  const lanes = options.nodes.map((id) => {
    const cells = laneCells(records, id, columns, msPerColumn);
    return `${id.padEnd(width)}  ${cells.join('')}`;
  });
  const axis = `${''.padEnd(width)}  0${`${options.untilMs} ms`.padStart(columns - 1)}`;
  return [...lanes, axis].join('\n');
}

function laneCells(records: readonly TraceRecord[], node: string, columns: number, msPerColumn: number): string[] {
  const cells: string[] = [];
  let up = true;
  let index = 0;
  const own = records.filter((record) => record.node === node && (record.type === 'crash' || record.type === 'restart'));
  for (let column = 0; column < columns; column++) {
    const endMs = (column + 1) * msPerColumn;
    let mark: string | undefined;
    while (index < own.length && own[index]!.timeMs < endMs) {
      const record = own[index++]!;
      up = record.type === 'restart';
      mark = up ? '↻' : '✖';
    }
    cells.push(mark ?? (up ? '█' : '·'));
  }
  return cells;
}

function formatTime(timeMs: number): string {
  return `${timeMs.toFixed(3).padStart(11)} ms`;
}

function describeRecord(record: TraceRecord): string {
  switch (record.type) {
    case 'deliver':
      return `← ${record.from}: ${preview(record.message)}`;
    case 'send':
      return `→ ${record.to}: ${preview(record.message)}`;
    case 'drop':
      return `✗ dropped ${record.from}→${record.to} (${record.reason}): ${preview(record.message)}`;
    case 'timer':
      return `⏰ ${record.timer}`;
    case 'crash':
      return '✖ crashed';
    case 'restart':
      return '↻ restarted';
    case 'start':
      return '▶ started';
    case 'log':
      return (record.detail as { message?: string } | undefined)?.message ?? '';
    case 'clock':
      return `clock ${preview(record.detail)}`;
    default:
      return `${record.type} ${preview(record.detail)}`;
  }
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
