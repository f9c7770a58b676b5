import { InvalidArgumentError } from '../errors.js';
import type { TraceRecord } from '../kernel/trace-recorder.js';
import { orDefault } from '../validate.js';
import { preview } from './message-preview.js';
import { buildSpaceTimeModel, readWindow, type FaultEvent, type LaneEvent, type MessageArrow, type SpaceTimeModel } from './space-time-model.js';

/**
 * Options of {@link spaceTimeAscii}.
 *
 * @example
 * ```ts
 * const options: SpaceTimeAsciiOptions = { nodes: ['a', 'b', 'c'], fromMs: 500, untilMs: 900, columns: 36, maxMessages: 50 };
 * ```
 */
export interface SpaceTimeAsciiOptions {
  /** One lane per node, left to right, in this order. Default: every node the records name, in order of first appearance. */
  nodes?: readonly string[];
  /** First time shown, in true ms. Default 0. */
  fromMs?: number;
  /** Last time shown, in true ms, after `fromMs`. Default: the last record's time. */
  untilMs?: number;
  /** Characters for the lanes (the time column and the notes come on top), an integer in [8, 1000]. Default 72. */
  columns?: number;
  /** At most this many message rows (an integer in [1, 1000000]), the first ones; the picture says when it left some out. Default 200. */
  maxMessages?: number;
}

const LANE = { up: '│', down: '·', paused: '┆' } as const;
const LANE_MARKS = { crash: '✖', restart: '↻', pause: '‖', resume: '▶' } as const;

/**
 * Draws a space-time (Lamport) diagram for a terminal: time runs down, one lane per node runs
 * across, and each row is one event at its true time: a message arriving (`├───▶` from its
 * sender's lane to its addressee's), a message dropped (`╌╌✕`, or `✕` next to the sender when it
 * was lost as sent, with the reason in the note), a crash `✖`, restart `↻`, pause `‖`, resume `▶`,
 * a fault starting `⚡` or ending `✓`. Between events a lane reads `│` up, `·` down, `┆` paused.
 * The same lanes, arrows and faults as {@link spaceTimeSvg}, with a row for each message that arrives
 * or is dropped in the window; bounded by `maxMessages`.
 *
 * @throws InvalidArgumentError if `records` is not an array of records, or an option is out of
 *   range or unknown (`untilMs` must be after `fromMs`).
 *
 * @example
 * ```ts
 * console.log(spaceTimeAscii(sim.trace!.records(), { fromMs: 195, untilMs: 215, columns: 24 }));
 * //    time ms  a       b       c
 * //    200.000  │       │       ✖       c crashed
 * //    203.114  ├──────▶│       ·       a → b {"ping":"a"} (sent 198.902)
 * //    204.000  ├──────╌╌╌╌╌╌╌✕·       a → c {"ping":"a"} ✕ node-down (sent 199.310)
 * ```
 */
export function spaceTimeAscii(records: readonly TraceRecord[], options: SpaceTimeAsciiOptions = {}): string {
  const window = readWindow(records, options, 'spaceTimeAscii', ['columns'], 200);
  const columns = orDefault(options.columns, 72);
  if (!Number.isInteger(columns) || columns < 8 || columns > 1_000) throw new InvalidArgumentError('columns', columns, 'an integer in [8, 1000]');
  const model = buildSpaceTimeModel(records, window, true);
  const pitch = Math.max(3, Math.floor(columns / model.nodes.length));
  return [header(model, pitch), ...rowsOf(model).map((row) => drawRow(row, model, pitch)), ...footer(model)].join('\n');
}

type Row = { timeMs: number; order: number } & ({ kind: 'message'; arrow: MessageArrow } | { kind: 'lane'; event: LaneEvent } | { kind: 'fault'; event: FaultEvent });

/** Every event of the model, in time order; at equal times faults first, then lane events, then messages. */
function rowsOf(model: SpaceTimeModel): Row[] {
  const rows: Row[] = [
    ...model.faultEvents.map((event): Row => ({ kind: 'fault', event, timeMs: event.timeMs, order: 0 })),
    ...model.laneEvents.map((event): Row => ({ kind: 'lane', event, timeMs: event.timeMs, order: 1 })),
    ...model.arrows.map((arrow): Row => ({ kind: 'message', arrow, timeMs: arrow.endMs, order: 2 })),
  ];
  // Array.prototype.sort is stable: events of one kind at one time keep their record order.
  return rows.sort((a, b) => a.timeMs - b.timeMs || a.order - b.order);
}

const TIME_WIDTH = 11;

function header(model: SpaceTimeModel, pitch: number): string {
  const names = model.nodes.map((id) => (id.length >= pitch ? `${id.slice(0, pitch - 2)}…` : id).padEnd(pitch)).join('');
  return `${'time ms'.padStart(TIME_WIDTH)}  ${names}`.trimEnd();
}

function laneStateAt(model: SpaceTimeModel, node: string, timeMs: number): keyof typeof LANE {
  let state: keyof typeof LANE = 'up';
  for (const interval of model.states) {
    if (interval.node !== node || timeMs < interval.startMs || timeMs >= interval.endMs) continue;
    if (interval.state === 'down') return 'down';
    state = 'paused';
  }
  return state;
}

function drawRow(row: Row, model: SpaceTimeModel, pitch: number): string {
  const cells = new Array<string>(pitch * model.nodes.length).fill(' ');
  const laneAt = (node: string): number => model.nodes.indexOf(node) * pitch;
  model.nodes.forEach((node, index) => (cells[index * pitch] = LANE[laneStateAt(model, node, row.timeMs)]));
  let note: string;
  if (row.kind === 'message') note = drawArrow(cells, row.arrow, laneAt(row.arrow.from), laneAt(row.arrow.to));
  else if (row.kind === 'lane') {
    cells[laneAt(row.event.node)] = LANE_MARKS[row.event.type];
    note = `${row.event.node} ${{ crash: 'crashed', restart: 'restarted', pause: 'paused', resume: 'resumed' }[row.event.type]}`;
  } else {
    const { phase, kind, target, params } = row.event;
    note = `${phase === 'apply' ? '⚡' : '✓'} ${kind}${target === undefined ? '' : ` ${target}`}${phase === 'apply' && params !== undefined ? ` ${preview(params, 60)}` : ''}${phase === 'apply' ? '' : ' ended'}`;
  }
  return `${row.timeMs.toFixed(3).padStart(TIME_WIDTH)}  ${cells.join('')}  ${note}`;
}

/** Draws one message into the row's cells and returns its note. */
function drawArrow(cells: string[], arrow: MessageArrow, from: number, to: number): string {
  const what = `${arrow.from} → ${arrow.to} ${preview(arrow.message, 40)}`;
  const sent = `(sent ${arrow.sendMs.toFixed(3)})`;
  const note = arrow.dropReason === undefined ? `${what} ${sent}` : `${what} ✕ ${arrow.dropReason} ${sent}`;
  if (from === to) {
    cells[from] = arrow.dropReason === undefined ? '↺' : '✕';
    return note;
  }
  const step = to > from ? 1 : -1;
  cells[from] = step > 0 ? '├' : '┤';
  if (arrow.droppedAtSender) {
    cells[from + step] = '✕';
    return note;
  }
  const line = arrow.dropReason === undefined ? '─' : '╌';
  for (let cell = from + step; cell !== to; cell += step) cells[cell] = line;
  cells[to - step] = arrow.dropReason === undefined ? (step > 0 ? '▶' : '◀') : '✕';
  return note;
}

function footer(model: SpaceTimeModel): string[] {
  const lines = [`legend: ${LANE.up} up  ${LANE.down} down  ${LANE.paused} paused  ├─▶ delivered  ╌✕ dropped  ✖ crash  ↻ restart  ‖ pause  ▶ resume  ⚡ fault  ✓ fault ended`];
  if (model.arrows.length < model.totalMessages) lines.push(`capped: ${model.arrows.length} of ${model.totalMessages} messages shown (maxMessages)`);
  if (model.inFlight > 0) lines.push(`${model.inFlight} messages still in flight at the end`);
  return lines;
}
