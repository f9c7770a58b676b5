import { InvalidArgumentError } from '../../errors.js';
import type { FaultLogEntry } from '../../faults/fault.js';
import type { TraceRecord } from '../../kernel/trace-recorder.js';
import { rejectUnknownKeys, requireFinite, requireObject, requireString } from '../../validate.js';
import type { SpanRecord } from '../tracing/span-record.js';

/**
 * What {@link toChromeTrace} draws. Every part is optional but `nodes`.
 *
 * @example
 * ```ts
 * const input: ChromeTraceInput = { nodes: sim.nodeIds(), trace: sim.trace!.records(), faults: sim.faultLog, spans: tracing.spans(), endMs: sim.now };
 * ```
 */
export interface ChromeTraceInput {
  /** The nodes, in the order their tracks should appear (`sim.nodeIds()`). */
  nodes: readonly string[];
  /** Trace records (`sim.trace.records()`): sends, deliveries and drops become flow arrows, logs instants. */
  trace?: readonly TraceRecord[];
  /** The fault log (`sim.faultLog`): each fault a slice on the `faults` track. */
  faults?: readonly FaultLogEntry[];
  /** Recorded spans (`tracing.spans()`): slices on their node's track. */
  spans?: readonly SpanRecord[];
  /** Where faults still active and spans still open end. Default: the latest time in the input. */
  endMs?: number;
}

/**
 * One event of the Trace Event Format (times in microseconds).
 *
 * @example
 * ```ts
 * const slice: ChromeTraceEvent = { name: 'crash b', cat: 'fault', ph: 'X', ts: 250_000, dur: 100_000, pid: 0, tid: 1 };
 * ```
 */
export interface ChromeTraceEvent {
  /** The event's name. */
  name: string;
  /** Its category: `fault`, `message`, `span`, `log` or `__metadata`. */
  cat: string;
  /** Phase: `X` complete, `i` instant, `s`/`f` flow start and end, `M` metadata. */
  ph: 'X' | 'i' | 's' | 'f' | 'M';
  /** Start time in microseconds of simulated time (absent on metadata). */
  ts?: number;
  /** Duration in microseconds (complete events). */
  dur?: number;
  /** The track's process: 0 for faults, a node's position + 1 for a node. */
  pid: number;
  /** The lane within the process. */
  tid: number;
  /** Flow id (flow events). */
  id?: number;
  /** `e`: the flow end binds to the enclosing slice. */
  bp?: 'e';
  /** Instant scope: `t` (thread). */
  s?: 't';
  /** Details shown when the event is selected. */
  args?: Record<string, string | number | boolean>;
}

/**
 * A trace in the Trace Event Format's JSON object form: `JSON.stringify` it to a file and open it
 * in Perfetto (ui.perfetto.dev) or chrome://tracing.
 *
 * @example
 * ```ts
 * writeFileSync('out/trace.json', JSON.stringify(toChromeTrace({ nodes: sim.nodeIds(), trace: sim.trace!.records() })));
 * ```
 */
export interface ChromeTrace {
  /** The events. */
  traceEvents: ChromeTraceEvent[];
  /** How the viewer shows times. */
  displayTimeUnit: 'ms';
}

const FAULTS_PID = 0;
const MESSAGES_TID = 1;
const FIRST_SPAN_TID = 2;
const INPUT_KEYS = ['nodes', 'trace', 'faults', 'spans', 'endMs'];

/**
 * Builds a Chrome / Perfetto trace: one process per node (messages and logs on its first lane,
 * spans on lanes below), a `faults` process with each fault as a slice from apply to revert, and
 * each message as a flow arrow from its send to its delivery or drop.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, trace: true });
 * // … add nodes, inject faults, run …
 * const json = JSON.stringify(toChromeTrace({ nodes: sim.nodeIds(), trace: sim.trace!.records(), faults: sim.faultLog, endMs: sim.now }));
 * ```
 */
export function toChromeTrace(input: ChromeTraceInput): ChromeTrace {
  const { nodes, trace, faults, spans, endMs } = readInput(input);
  const builder = new TraceBuilder(nodes);
  builder.addFaults(faults, endMs);
  builder.addMessages(trace);
  builder.addSpans(spans, endMs);
  return { traceEvents: builder.finish(), displayTimeUnit: 'ms' };
}

function microseconds(ms: number): number {
  return Math.round(ms * 1000 * 1000) / 1000;
}

/**
 * Lanes where slices nest properly: a slice goes on the first lane whose open slices all end at
 * or before it starts, or whose innermost open slice contains it.
 */
class LanePacker {
  private readonly lanes: number[][] = [];

  place(startMs: number, endMs: number): number {
    for (let lane = 0; lane < this.lanes.length; lane++) {
      const open = this.lanes[lane]!;
      while (open.length > 0 && open[open.length - 1]! <= startMs) open.pop();
      if (open.length === 0 || open[open.length - 1]! >= endMs) {
        open.push(endMs);
        return lane;
      }
    }
    this.lanes.push([endMs]);
    return this.lanes.length - 1;
  }
}

class TraceBuilder {
  private readonly events: ChromeTraceEvent[] = [];
  private readonly pids = new Map<string, number>();
  private readonly threadNames = new Map<string, string>();
  private nextFlowId = 1;

  constructor(private readonly nodes: string[]) {
    nodes.forEach((node, index) => this.pids.set(node, index + 1));
  }

  addFaults(faults: readonly FaultLogEntry[], endMs: number): void {
    const applied = new Map<number, FaultLogEntry>();
    const packer = new LanePacker();
    const slice = (entry: FaultLogEntry, untilMs: number): void => {
      const tid = packer.place(entry.timeMs, untilMs) + 1;
      const fault = entry.fault;
      const name = fault.target === undefined ? fault.kind : `${fault.kind} ${fault.target}`;
      const args: Record<string, string | number> = { faultId: entry.faultId, kind: fault.kind };
      if (fault.target !== undefined) args['target'] = fault.target;
      this.slice(name, 'fault', FAULTS_PID, tid, entry.timeMs, untilMs, args);
      this.threadNames.set(`${FAULTS_PID}:${tid}`, `faults ${tid}`);
    };
    for (const entry of faults) {
      if (entry.phase === 'apply') applied.set(entry.faultId, entry);
      const start = applied.get(entry.faultId);
      if (entry.phase === 'revert' && start !== undefined) {
        applied.delete(entry.faultId);
        slice(start, entry.timeMs);
      }
    }
    for (const start of applied.values()) slice(start, Math.max(endMs, start.timeMs));
  }

  addMessages(trace: readonly TraceRecord[]): void {
    const flows = new Map<number, ChromeTraceEvent>();
    for (const record of trace) {
      if (record.type === 'send') this.noteSend(record, flows);
      else if (record.type === 'deliver') this.noteArrival(record, `deliver ← ${record.from}`, flows);
      else if (record.type === 'drop') this.noteArrival(record, `drop (${record.reason ?? 'unknown'})`, flows);
      else if (record.type === 'log') this.noteLog(record);
    }
  }

  addSpans(spans: readonly SpanRecord[], endMs: number): void {
    const packers = new Map<number, LanePacker>();
    for (const span of spans) {
      const pid = this.pidOf(span.node);
      const packer = packers.get(pid) ?? new LanePacker();
      packers.set(pid, packer);
      const untilMs = span.endMs ?? Math.max(endMs, span.startMs);
      const tid = packer.place(span.startMs, untilMs) + FIRST_SPAN_TID;
      this.threadNames.set(`${pid}:${tid}`, `spans ${tid - FIRST_SPAN_TID + 1}`);
      const args: Record<string, string | number | boolean> = { ...span.attributes, traceId: span.traceId, spanId: span.spanId, status: span.status };
      if (span.parentSpanId !== undefined) args['parentSpanId'] = span.parentSpanId;
      if (span.statusMessage !== undefined) args['statusMessage'] = span.statusMessage;
      this.slice(span.name, 'span', pid, tid, span.startMs, untilMs, args);
      for (const event of span.events) this.events.push({ name: event.name, cat: 'span', ph: 'i', s: 't', ts: microseconds(event.timeMs), pid, tid, args: { ...event.attributes } });
    }
  }

  finish(): ChromeTraceEvent[] {
    const metadata: ChromeTraceEvent[] = [{ name: 'process_name', cat: '__metadata', ph: 'M', pid: FAULTS_PID, tid: 0, args: { name: 'faults' } }];
    for (const [node, pid] of this.pids) {
      metadata.push({ name: 'process_name', cat: '__metadata', ph: 'M', pid, tid: 0, args: { name: node } });
      metadata.push({ name: 'process_sort_index', cat: '__metadata', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
      metadata.push({ name: 'thread_name', cat: '__metadata', ph: 'M', pid, tid: MESSAGES_TID, args: { name: 'messages and logs' } });
    }
    for (const [key, name] of this.threadNames) {
      const [pid, tid] = key.split(':').map(Number) as [number, number];
      metadata.push({ name: 'thread_name', cat: '__metadata', ph: 'M', pid, tid, args: { name } });
    }
    return metadata.concat(this.events);
  }

  /** The arrow's start waits for its end: a message still in flight when the run stopped gets no arrow. */
  private noteSend(record: TraceRecord, flows: Map<number, ChromeTraceEvent>): void {
    const pid = this.pidOf(record.node!);
    this.slice(`send → ${record.to}`, 'message', pid, MESSAGES_TID, record.timeMs, record.timeMs, { messageId: record.messageId!, to: record.to! });
    flows.set(record.messageId!, { name: 'message', cat: 'message', ph: 's', id: 0, ts: microseconds(record.timeMs), pid, tid: MESSAGES_TID });
  }

  /** A delivery or a drop: the arrow of its send ends here (a duplicate's second arrival gets a slice only). */
  private noteArrival(record: TraceRecord, name: string, flows: Map<number, ChromeTraceEvent>): void {
    const pid = this.pidOf(record.node!);
    const args: Record<string, string | number> = { messageId: record.messageId!, from: record.from! };
    if (record.reason !== undefined) args['reason'] = record.reason;
    this.slice(name, 'message', pid, MESSAGES_TID, record.timeMs, record.timeMs, args);
    const start = flows.get(record.messageId!);
    if (start === undefined) return;
    flows.delete(record.messageId!);
    const flowId = (start.id = this.nextFlowId++);
    this.events.push(start, { name: 'message', cat: 'message', ph: 'f', bp: 'e', id: flowId, ts: microseconds(record.timeMs), pid, tid: MESSAGES_TID });
  }

  private noteLog(record: TraceRecord): void {
    const entry = record.detail as { message?: unknown; level?: unknown } | undefined;
    const args: Record<string, string> = {};
    if (typeof entry?.level === 'string') args['level'] = entry.level;
    const name = typeof entry?.message === 'string' ? entry.message : 'log';
    this.events.push({ name, cat: 'log', ph: 'i', s: 't', ts: microseconds(record.timeMs), pid: this.pidOf(record.node!), tid: MESSAGES_TID, args });
  }

  private slice(name: string, cat: string, pid: number, tid: number, startMs: number, endMs: number, args: Record<string, string | number | boolean>): void {
    const ts = microseconds(startMs);
    this.events.push({ name, cat, ph: 'X', ts, dur: microseconds(endMs) - ts, pid, tid, args });
  }

  /** A node missing from `nodes` (a record of one added later) gets the next track. */
  private pidOf(node: string): number {
    let pid = this.pids.get(node);
    if (pid === undefined) {
      pid = this.pids.size + 1;
      this.pids.set(node, pid);
      this.nodes.push(node);
    }
    return pid;
  }
}

interface ReadInput {
  nodes: string[];
  trace: readonly TraceRecord[];
  faults: readonly FaultLogEntry[];
  spans: readonly SpanRecord[];
  endMs: number;
}

function readInput(input: unknown): ReadInput {
  requireObject(input, 'toChromeTrace(input)');
  rejectUnknownKeys(input, 'toChromeTrace(input)', INPUT_KEYS);
  const nodes = requireArray(input['nodes'], 'toChromeTrace(input).nodes') as unknown[];
  nodes.forEach((node, index) => requireString(node, `toChromeTrace(input).nodes[${index}]`));
  if (new Set(nodes).size !== nodes.length) throw new InvalidArgumentError('toChromeTrace(input).nodes', nodes, 'distinct node ids');
  const trace = (input['trace'] === undefined ? [] : requireArray(input['trace'], 'toChromeTrace(input).trace')) as TraceRecord[];
  const faults = (input['faults'] === undefined ? [] : requireArray(input['faults'], 'toChromeTrace(input).faults')) as FaultLogEntry[];
  const spans = (input['spans'] === undefined ? [] : requireArray(input['spans'], 'toChromeTrace(input).spans')) as SpanRecord[];
  let endMs = input['endMs'];
  if (endMs === undefined) endMs = latestTimeMs(trace, faults, spans);
  else requireFinite(endMs, 'toChromeTrace(input).endMs');
  return { nodes: [...(nodes as string[])], trace, faults, spans, endMs: endMs as number };
}

function requireArray(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, value, 'an array');
  return value;
}

function latestTimeMs(trace: readonly TraceRecord[], faults: readonly FaultLogEntry[], spans: readonly SpanRecord[]): number {
  let latestMs = 0;
  for (const record of trace) latestMs = Math.max(latestMs, record.timeMs);
  for (const entry of faults) latestMs = Math.max(latestMs, entry.timeMs);
  for (const span of spans) latestMs = Math.max(latestMs, span.endMs ?? span.startMs);
  return latestMs;
}
