import { InvalidArgumentError } from '../errors.js';
import type { TraceRecord } from '../kernel/trace-recorder.js';
import { orDefault, rejectUnknownKeys, requireFinite, requireObject, requirePositiveInteger } from '../validate.js';
import { requireRecords } from './text-timeline.js';

// Internal: what a space-time (Lamport) diagram shows, read from trace records once, so the SVG
// and the ASCII pictures draw the same lanes, arrows and shading.

/** One message: its send, and its delivery or drop. A duplicated message gives one arrow per copy. */
export interface MessageArrow {
  messageId: number;
  from: string;
  to: string;
  sendMs: number;
  /** Delivery or drop time. */
  endMs: number;
  /** Why it was dropped; absent when delivered. */
  dropReason?: string;
  /** True when it was dropped as it was sent (loss, a cut link), not at the addressee. */
  droppedAtSender: boolean;
  message: unknown;
}

/** A stretch of time a node was down (crashed) or paused, clipped to the window. */
export interface NodeStateInterval {
  node: string;
  state: 'down' | 'paused';
  startMs: number;
  endMs: number;
}

/** A fault from its apply record to its revert record (or to the window's end), clipped to the window. */
export interface FaultInterval {
  faultId: number;
  kind: string;
  /** The node it hits; absent for faults that hit the network or many nodes (a partition). */
  target?: string;
  params?: unknown;
  startMs: number;
  endMs: number;
  /** True when no revert record was seen before the window's end. */
  open: boolean;
}

/** A lane event drawn as a mark: a crash, restart, pause or resume. */
export interface LaneEvent {
  node: string;
  type: 'crash' | 'restart' | 'pause' | 'resume';
  timeMs: number;
}

/** A fault starting or ending, as the trace recorded it. */
export interface FaultEvent {
  timeMs: number;
  phase: 'apply' | 'revert';
  faultId: number;
  kind: string;
  target?: string;
  params?: unknown;
}

export interface SpaceTimeModel {
  nodes: readonly string[];
  fromMs: number;
  untilMs: number;
  /** Arrows in the window between shown nodes, in the order they ended, at most `maxMessages` (spread through the window when capped). */
  arrows: MessageArrow[];
  /** Arrows in the window before the cap. */
  totalMessages: number;
  /** Messages sent in the window and neither delivered nor dropped by the end of the records. */
  inFlight: number;
  states: NodeStateInterval[];
  faults: FaultInterval[];
  laneEvents: LaneEvent[];
  faultEvents: FaultEvent[];
}

/** The options every space-time picture takes. */
export interface WindowOptions {
  nodes?: readonly string[];
  fromMs?: number;
  untilMs?: number;
  maxMessages?: number;
}

/** Validates the records and the window options (known keys: the window's plus `extraKeys`). */
export function readWindow(records: readonly TraceRecord[], options: WindowOptions, caller: string, extraKeys: readonly string[], defaultMaxMessages: number): Required<WindowOptions> {
  requireRecords(records);
  requireObject(options as unknown, `${caller}(options)`);
  rejectUnknownKeys(options as Record<string, unknown>, `${caller}(options)`, ['nodes', 'fromMs', 'untilMs', 'maxMessages', ...extraKeys]);
  if (options.nodes !== undefined && (!Array.isArray(options.nodes) || options.nodes.length === 0 || options.nodes.some((id) => typeof id !== 'string'))) {
    throw new InvalidArgumentError('nodes', options.nodes, 'a non-empty array of node ids');
  }
  const fromMs = orDefault(options.fromMs, 0);
  requireFinite(fromMs, 'fromMs');
  const lastMs = records.reduce((latest, record) => (Number.isFinite(record.timeMs) && record.timeMs > latest ? record.timeMs : latest), fromMs);
  const untilMs = orDefault(options.untilMs, lastMs > fromMs ? lastMs : fromMs + 1);
  requireFinite(untilMs, 'untilMs');
  if (untilMs <= fromMs) {
    // Without an untilMs the window ends at fromMs + 1 at the least: only a fromMs too large to add 1 to gets here.
    if (options.untilMs === undefined) throw new InvalidArgumentError('fromMs', fromMs, `a time to which 1 ms can be added (below ${Number.MAX_SAFE_INTEGER})`);
    throw new InvalidArgumentError('untilMs', untilMs, `a time after fromMs (${fromMs} ms)`);
  }
  const maxMessages = orDefault(options.maxMessages, defaultMaxMessages);
  requirePositiveInteger(maxMessages, 'maxMessages', 1_000_000);
  const nodes = options.nodes === undefined ? nodesOf(records) : [...options.nodes];
  if (new Set(nodes).size !== nodes.length) throw new InvalidArgumentError('nodes', options.nodes, 'node ids without repeats');
  return { nodes, fromMs, untilMs, maxMessages };
}

/**
 * At most `limit` arrows for a drawing that spans the window: the dropped ones first (the
 * story is usually in them; up to half the limit, themselves spread evenly), then delivered
 * ones spread evenly through the rest, all in their time order. A capped drawing then shows the
 * whole window thinned, not its start.
 */
function spreadEvenly(arrows: MessageArrow[], limit: number): MessageArrow[] {
  if (arrows.length <= limit) return arrows;
  const dropped = arrows.filter((arrow) => arrow.dropReason !== undefined);
  const keptDrops = evenlySpaced(dropped, Math.min(dropped.length, Math.max(1, Math.floor(limit / 2))));
  const delivered = arrows.filter((arrow) => arrow.dropReason === undefined);
  const kept = new Set([...keptDrops, ...evenlySpaced(delivered, limit - keptDrops.length)]);
  return arrows.filter((arrow) => kept.has(arrow));
}

/** `count` items evenly spaced through the list, the first one included, in list order. */
function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const picked: T[] = [];
  for (let index = 0; index < count; index++) picked.push(items[Math.floor((index * items.length) / count)]!);
  return picked;
}

/** Every node the records name, in the order they first appear. */
function nodesOf(records: readonly TraceRecord[]): string[] {
  const seen = new Set<string>();
  for (const record of records) {
    for (const id of [record.node, record.from, record.to]) if (typeof id === 'string') seen.add(id);
  }
  return [...seen];
}

/**
 * Reads the lanes, arrows and shading of a window out of the records. Arrows are those that
 * cross the window (a picture cuts them at its edges), or with `endInWindow` only those that
 * end in it (a picture with one row per arrival).
 */
export function buildSpaceTimeModel(records: readonly TraceRecord[], window: Required<WindowOptions>, endInWindow = false): SpaceTimeModel {
  const { fromMs, untilMs } = window;
  const shown = new Set(window.nodes);
  const messages = readMessages(records, shown, fromMs, untilMs, endInWindow);
  return {
    nodes: window.nodes,
    fromMs,
    untilMs,
    // One row per arrival reads top to bottom, so a capped text picture keeps the first rows; a
    // drawing spans the window, so a capped one keeps arrows spread evenly across it.
    arrows: endInWindow ? messages.arrows.slice(0, window.maxMessages) : spreadEvenly(messages.arrows, window.maxMessages),
    totalMessages: messages.arrows.length,
    inFlight: messages.inFlight,
    states: readStates(records, shown, fromMs, untilMs),
    faults: readFaults(records, shown, fromMs, untilMs),
    laneEvents: readLaneEvents(records, shown, fromMs, untilMs),
    faultEvents: readFaultEvents(records, shown, fromMs, untilMs),
  };
}

function readMessages(records: readonly TraceRecord[], shown: ReadonlySet<string>, fromMs: number, untilMs: number, endInWindow: boolean): { arrows: MessageArrow[]; inFlight: number } {
  const sends = new Map<number, TraceRecord>();
  const ended = new Set<number>();
  const arrows: MessageArrow[] = [];
  for (const record of records) {
    if (record.messageId === undefined || record.from === undefined || record.to === undefined) continue;
    if (record.type === 'send') sends.set(record.messageId, record);
    if (record.type !== 'deliver' && record.type !== 'drop') continue;
    ended.add(record.messageId);
    const send = sends.get(record.messageId);
    // A send older than the kept records cannot be drawn: its time is unknown.
    if (send === undefined || !shown.has(record.from) || !shown.has(record.to)) continue;
    if (record.timeMs < fromMs || send.timeMs > untilMs || (endInWindow && record.timeMs > untilMs)) continue;
    const arrow: MessageArrow = { messageId: record.messageId, from: record.from, to: record.to, sendMs: send.timeMs, endMs: record.timeMs, droppedAtSender: false, message: record.message };
    if (record.type === 'drop') {
      arrow.dropReason = record.reason ?? 'unknown';
      arrow.droppedAtSender = record.node === record.from && record.timeMs === send.timeMs;
    }
    arrows.push(arrow);
  }
  let inFlight = 0;
  for (const [id, send] of sends) {
    if (!ended.has(id) && send.timeMs >= fromMs && send.timeMs <= untilMs && shown.has(send.from!) && shown.has(send.to!)) inFlight++;
  }
  return { arrows, inFlight };
}

function readStates(records: readonly TraceRecord[], shown: ReadonlySet<string>, fromMs: number, untilMs: number): NodeStateInterval[] {
  const intervals: NodeStateInterval[] = [];
  const downSince = new Map<string, number>();
  const pausedSince = new Map<string, number>();
  const close = (since: Map<string, number>, node: string, state: NodeStateInterval['state'], endMs: number): void => {
    const startMs = since.get(node);
    if (startMs === undefined) return;
    since.delete(node);
    if (startMs <= untilMs && (endMs > fromMs || startMs >= fromMs)) intervals.push({ node, state, startMs: Math.max(startMs, fromMs), endMs: Math.min(endMs, untilMs) });
  };
  for (const record of records) {
    const node = record.node;
    if (node === undefined || !shown.has(node)) continue;
    if (record.type === 'crash') {
      close(pausedSince, node, 'paused', record.timeMs);
      if (!downSince.has(node)) downSince.set(node, record.timeMs);
    } else if (record.type === 'restart') close(downSince, node, 'down', record.timeMs);
    else if (record.type === 'pause' && !pausedSince.has(node)) pausedSince.set(node, record.timeMs);
    else if (record.type === 'resume') close(pausedSince, node, 'paused', record.timeMs);
  }
  for (const node of [...downSince.keys()]) close(downSince, node, 'down', untilMs);
  for (const node of [...pausedSince.keys()]) close(pausedSince, node, 'paused', untilMs);
  return intervals;
}

function readLaneEvents(records: readonly TraceRecord[], shown: ReadonlySet<string>, fromMs: number, untilMs: number): LaneEvent[] {
  const events: LaneEvent[] = [];
  for (const record of records) {
    if (record.type !== 'crash' && record.type !== 'restart' && record.type !== 'pause' && record.type !== 'resume') continue;
    if (record.node === undefined || !shown.has(record.node) || record.timeMs < fromMs || record.timeMs > untilMs) continue;
    events.push({ node: record.node, type: record.type, timeMs: record.timeMs });
  }
  return events;
}

interface FaultDetail {
  phase: 'apply' | 'revert';
  faultId: number;
  fault: { kind: string; target?: string; params?: unknown };
}

function faultDetailOf(record: TraceRecord): FaultDetail | undefined {
  if (record.type !== 'fault') return undefined;
  const detail = record.detail as Partial<FaultDetail> | undefined;
  if (detail === undefined || typeof detail.faultId !== 'number' || typeof detail.fault?.kind !== 'string') return undefined;
  return detail as FaultDetail;
}

function readFaultEvents(records: readonly TraceRecord[], shown: ReadonlySet<string>, fromMs: number, untilMs: number): FaultEvent[] {
  const events: FaultEvent[] = [];
  for (const record of records) {
    const detail = faultDetailOf(record);
    if (detail === undefined || record.timeMs < fromMs || record.timeMs > untilMs) continue;
    const { kind, target, params } = detail.fault;
    if (target !== undefined && !shown.has(target)) continue;
    events.push({ timeMs: record.timeMs, phase: detail.phase, faultId: detail.faultId, kind, ...(target === undefined ? {} : { target }), ...(params === undefined ? {} : { params }) });
  }
  return events;
}

function readFaults(records: readonly TraceRecord[], shown: ReadonlySet<string>, fromMs: number, untilMs: number): FaultInterval[] {
  const open = new Map<number, FaultInterval>();
  const intervals: FaultInterval[] = [];
  for (const record of records) {
    const detail = faultDetailOf(record);
    if (detail === undefined) continue;
    const { kind, target, params } = detail.fault;
    if (target !== undefined && !shown.has(target)) continue;
    if (detail.phase === 'apply') {
      open.set(detail.faultId, { faultId: detail.faultId, kind, ...(target === undefined ? {} : { target }), ...(params === undefined ? {} : { params }), startMs: record.timeMs, endMs: untilMs, open: true });
    } else {
      const interval = open.get(detail.faultId);
      if (interval === undefined) continue;
      open.delete(detail.faultId);
      intervals.push({ ...interval, endMs: record.timeMs, open: false });
    }
  }
  intervals.push(...open.values());
  return intervals
    .filter((interval) => interval.startMs <= untilMs && (interval.endMs > fromMs || interval.startMs >= fromMs))
    .map((interval) => ({ ...interval, startMs: Math.max(interval.startMs, fromMs), endMs: Math.min(interval.endMs, untilMs) }))
    .sort((a, b) => a.startMs - b.startMs || a.faultId - b.faultId);
}
