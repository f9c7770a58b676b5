import { InvalidArgumentError } from '../errors.js';
import { orDefault, rejectUnknownKeys, requireBoolean, requireObject, requirePositive, requirePositiveInteger } from '../validate.js';
import type { TraceRecord, TraceRecordType } from '../kernel/trace-recorder.js';
import { preview } from './message-preview.js';

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

const DEFAULT_TYPES: readonly TraceRecordType[] = ['start', 'deliver', 'drop', 'timer', 'crash', 'restart', 'log', 'clock', 'fault', 'pause', 'resume'];

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
  requireRecords(records);
  requireObject(options as unknown, 'formatTimeline(options)');
  rejectUnknownKeys(options as Record<string, unknown>, 'formatTimeline(options)', ['types', 'nodes', 'maxLines']);
  if (options.types !== undefined && !Array.isArray(options.types)) throw new InvalidArgumentError('types', options.types, 'an array of trace record types');
  if (options.nodes !== undefined && !Array.isArray(options.nodes)) throw new InvalidArgumentError('nodes', options.nodes, 'an array of node ids');
  const types = new Set<TraceRecordType>(orDefault<readonly TraceRecordType[]>(options.types, DEFAULT_TYPES));
  const nodes = options.nodes === undefined ? undefined : new Set(options.nodes);
  const kept = records.filter((record) => types.has(record.type) && (nodes === undefined || (record.node !== undefined && nodes.has(record.node))));
  const width = Math.max(6, ...kept.map((record) => (record.node ?? '').length));
  const lines = kept.map((record) => `${formatTime(record.timeMs)}  ${(record.node ?? '').padEnd(width)} ${describeRecord(record)}`);
  const maxLines = orDefault(options.maxLines, 200);
  requirePositiveInteger(maxLines, 'maxLines');
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
  /** Append a legend line naming each symbol the lanes use (only those drawn). Default false. */
  legend?: boolean;
}

/**
 * Draws one lane per node over time: `█` up, `░` paused, `·` down, `✖` the column of a crash,
 * `↻` of a restart (`↯` both in one column). A picture of who was down when, for teaching and for
 * incident write-ups. With `legend: true` a last line names the symbols drawn, so a caption
 * cannot drift from the picture. Network faults do not show in the lanes.
 *
 * @example
 * ```ts
 * console.log(formatLanes(sim.trace!.records(), { nodes: ['a', 'b'], untilMs: 1_000, columns: 20, legend: true }));
 * // a  ████████████████████
 * // b  ██████✖·····↻███████
 * //    0             1000 ms
 * //    █ up  · down  ✖ crash  ↻ restart
 * ```
 */
export function formatLanes(records: readonly TraceRecord[], options: LanesOptions): string {
  requireRecords(records);
  requireObject(options as unknown, 'formatLanes(options)');
  rejectUnknownKeys(options as unknown as Record<string, unknown>, 'formatLanes(options)', ['nodes', 'untilMs', 'columns', 'legend']);
  if (!Array.isArray(options.nodes) || options.nodes.some((id) => typeof id !== 'string')) throw new InvalidArgumentError('nodes', options.nodes, 'an array of node ids');
  requirePositive(options.untilMs, 'untilMs');
  const columns = orDefault(options.columns, 60);
  requirePositiveInteger(columns, 'columns', 10_000);
  const legend = orDefault(options.legend, false);
  requireBoolean(legend, 'legend');
  const msPerColumn = options.untilMs / columns;
  const width = Math.max(...options.nodes.map((id) => id.length));
  const lanes = options.nodes.map((id) => laneCells(records, id, columns, msPerColumn).join(''));
  const axis = `0${`${options.untilMs} ms`.padStart(columns - 1)}`;
  const lines = [...options.nodes.map((id, index) => `${id.padEnd(width)}  ${lanes[index]}`), `${''.padEnd(width)}  ${axis}`];
  if (legend) lines.push(`${''.padEnd(width)}  ${laneLegend(lanes.join(''))}`);
  return lines.join('\n');
}

// One table drives both the drawing's caption and laneCell's symbols, so they cannot disagree.
const LANE_SYMBOLS = { up: '█', paused: '░', down: '·', crash: '✖', restart: '↻', crashAndRestart: '↯' } as const;
const LANE_MEANINGS: ReadonlyArray<readonly [string, string]> = [
  [LANE_SYMBOLS.up, 'up'],
  [LANE_SYMBOLS.paused, 'paused'],
  [LANE_SYMBOLS.down, 'down'],
  [LANE_SYMBOLS.crash, 'crash'],
  [LANE_SYMBOLS.restart, 'restart'],
  [LANE_SYMBOLS.crashAndRestart, 'crash and restart in one column'],
];

/** Names the symbols that occur in `drawn`, in a fixed order. */
function laneLegend(drawn: string): string {
  return LANE_MEANINGS.filter(([symbol]) => drawn.includes(symbol)).map(([symbol, meaning]) => `${symbol} ${meaning}`).join('  ');
}

const LANE_EVENTS: ReadonlySet<TraceRecordType> = new Set(['crash', 'restart', 'pause', 'resume']);

function laneCells(records: readonly TraceRecord[], node: string, columns: number, msPerColumn: number): string[] {
  const cells: string[] = [];
  let up = true;
  let paused = false;
  let index = 0;
  const own = records.filter((record) => record.node === node && LANE_EVENTS.has(record.type));
  for (let column = 0; column < columns; column++) {
    const endMs = (column + 1) * msPerColumn;
    let crashed = false;
    let restarted = false;
    while (index < own.length && own[index]!.timeMs < endMs) {
      const record = own[index++]!;
      if (record.type === 'crash') [up, paused, crashed] = [false, false, true];
      else if (record.type === 'restart') [up, restarted] = [true, true];
      else paused = record.type === 'pause';
    }
    cells.push(laneCell(up, paused, crashed, restarted));
  }
  return cells;
}

function laneCell(up: boolean, paused: boolean, crashed: boolean, restarted: boolean): string {
  if (crashed && restarted) return LANE_SYMBOLS.crashAndRestart;
  if (crashed) return LANE_SYMBOLS.crash;
  if (restarted) return LANE_SYMBOLS.restart;
  if (!up) return LANE_SYMBOLS.down;
  return paused ? LANE_SYMBOLS.paused : LANE_SYMBOLS.up;
}

export function requireRecords(records: unknown): void {
  if (!Array.isArray(records) || records.some((record) => typeof record !== 'object' || record === null)) {
    throw new InvalidArgumentError('records', records, 'an array of trace records (sim.trace.records())');
  }
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
    case 'pause':
      return '‖ paused';
    case 'resume':
      return `▶ resumed (${(record.detail as { released?: number } | undefined)?.released ?? 0} waiting events released)`;
    case 'fault':
      return describeFault(record.detail as { phase: string; fault: { kind: string; target?: string; params?: unknown; durationMs?: number } });
    default:
      return `${record.type} ${preview(record.detail)}`;
  }
}

function describeFault(detail: { phase: string; fault: { kind: string; target?: string; params?: unknown; durationMs?: number } }): string {
  const { phase, fault } = detail;
  const target = fault.target === undefined ? '' : ` ${fault.target}`;
  const params = fault.params === undefined ? '' : ` ${preview(fault.params, 100)}`;
  const duration = phase === 'apply' && fault.durationMs !== undefined ? ` for ${fault.durationMs} ms` : '';
  return `${phase === 'apply' ? '⚡ fault' : '✓ fault ended:'} ${fault.kind}${target}${params}${duration}`;
}
