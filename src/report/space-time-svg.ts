import { InvalidArgumentError } from '../errors.js';
import type { TraceRecord } from '../kernel/trace-recorder.js';
import { orDefault, requirePositiveInteger } from '../validate.js';
import { preview } from './message-preview.js';
import { buildSpaceTimeModel, readWindow, type FaultInterval, type MessageArrow, type NodeStateInterval, type SpaceTimeModel } from './space-time-model.js';
import { faultColour } from './fault-colours.js';
import { escapeXml, label, niceStep, px } from './svg-primitives.js';

/**
 * Options of {@link spaceTimeSvg}.
 *
 * @example
 * ```ts
 * const options: SpaceTimeSvgOptions = { nodes: ['a', 'b', 'c'], fromMs: 0, untilMs: 2_000, width: 1_200, maxMessages: 500 };
 * ```
 */
export interface SpaceTimeSvgOptions {
  /** One lane per node, top to bottom, in this order. Default: every node the records name, in order of first appearance. */
  nodes?: readonly string[];
  /** Left edge of the picture, in true ms. Default 0. */
  fromMs?: number;
  /** Right edge, in true ms, after `fromMs`. Default: the last record's time. */
  untilMs?: number;
  /** Width in px, an integer in [320, 20000]. Default 960. */
  width?: number;
  /**
   * At most this many message arrows (an integer in [1, 1000000]), spread evenly through the
   * window when there are more; the picture says when it left some out. Default 2000, which keeps the SVG under about
   * 1 MB.
   */
  maxMessages?: number;
  /** Title drawn on top. Default `Space-time diagram`. */
  title?: string;
  /**
   * Prefix of the ids inside the SVG (arrowhead, hatching, clip area), so several diagrams can be
   * inlined in one HTML page: a letter, then letters, digits, `-` or `_`. Default `st`.
   */
  idPrefix?: string;
}

const LANE_PITCH_PX = 46;
const TOP_PX = 52;
const BOTTOM_PX = 34;
const RIGHT_PX = 16;
const CHAR_PX = 7;
const DELIVERED = '#1f77b4';
const DROPPED = '#d62728';

/**
 * Draws a space-time (Lamport) diagram of a traced run as a self-contained SVG document: one
 * horizontal lane per node, time left to right; an arrow per message from its send to its
 * delivery; a dropped message as a red dashed arrow ending in ✕ where it was dropped (at the
 * addressee, or just after the send for loss and cut links), with the reason in its tooltip;
 * grey shading where a node was down, hatching where it was paused; faults as coloured bands:
 * across every lane for faults without a target (a partition), under the lane for a node's own.
 * Every mark has a `<title>` tooltip. Output is bounded by `maxMessages`, deterministic for the
 * same records and options, and XML-escaped.
 *
 * `records` come from `sim.trace!.records()` (create the Simulation with `trace: true`); a
 * message whose send fell out of a bounded trace is not drawn.
 *
 * @throws InvalidArgumentError if `records` is not an array of records, or an option is out of
 *   range or unknown (`untilMs` must be after `fromMs`).
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1, trace: true });
 * // … add nodes, inject faults, run …
 * writeFileSync('out/space-time.svg', spaceTimeSvg(sim.trace!.records(), { untilMs: 2_000 }));
 * ```
 */
export function spaceTimeSvg(records: readonly TraceRecord[], options: SpaceTimeSvgOptions = {}): string {
  const window = readWindow(records, options, 'spaceTimeSvg', ['width', 'title', 'idPrefix'], 2_000);
  const width = orDefault(options.width, 960);
  requirePositiveInteger(width, 'width', 20_000);
  if (width < 320) throw new InvalidArgumentError('width', width, 'an integer in [320, 20000]');
  const title = orDefault(options.title, 'Space-time diagram');
  if (typeof title !== 'string') throw new InvalidArgumentError('title', title, 'a string');
  const idPrefix = orDefault(options.idPrefix, 'st');
  if (typeof idPrefix !== 'string' || !/^[A-Za-z][\w-]{0,63}$/.test(idPrefix)) throw new InvalidArgumentError('idPrefix', idPrefix, 'a letter then up to 63 letters, digits, - or _');
  return drawSpaceTime(buildSpaceTimeModel(records, window), width, title, idPrefix);
}

/** Maps the model's times and lanes to px. */
interface Frame {
  left: number;
  right: number;
  x(timeMs: number): number;
  y(node: string): number;
  bottom: number;
  /** An id inside this SVG. */
  id(name: string): string;
}

function frameOf(model: SpaceTimeModel, width: number, idPrefix: string): Frame {
  const left = 16 + CHAR_PX * Math.max(4, ...model.nodes.map((id) => Math.min(id.length, 24)));
  const right = width - RIGHT_PX;
  const scale = (right - left) / (model.untilMs - model.fromMs);
  const lanes = new Map(model.nodes.map((id, index) => [id, TOP_PX + LANE_PITCH_PX * (index + 0.5)]));
  return { left, right, x: (timeMs) => left + (timeMs - model.fromMs) * scale, y: (node) => lanes.get(node)!, bottom: TOP_PX + LANE_PITCH_PX * model.nodes.length, id: (name) => `${idPrefix}-${name}` };
}

function drawSpaceTime(model: SpaceTimeModel, width: number, title: string, idPrefix: string): string {
  const frame = frameOf(model, width, idPrefix);
  const height = frame.bottom + BOTTOM_PX;
  const kinds = faultKinds(model.faults);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    definitions(frame, height),
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${px(frame.left)}" y="16" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${px(frame.left)}" y="32" fill="#555">${escapeXml(captionOf(model))}</text>`,
    ...model.faults.filter((fault) => fault.target === undefined).map((fault) => globalFaultBand(fault, frame, kinds)),
    ...model.nodes.map((node) => laneLine(node, frame)),
    ...model.states.map((state) => stateBand(state, frame)),
    ...model.faults.filter((fault) => fault.target !== undefined).map((fault) => nodeFaultStrip(fault, frame, kinds)),
    // Arrows that start before the window or end after it are cut at its edges.
    `<g clip-path="url(#${frame.id('plot')})">`,
    ...model.arrows.map((arrow) => messageArrow(arrow, frame)),
    '</g>',
    ...model.laneEvents.map((event) => laneMark(event, frame)),
    timeAxis(model, frame),
    '</svg>',
  ].join('\n');
}

function definitions(frame: Frame, height: number): string {
  return [
    '<defs>',
    `<marker id="${frame.id('arrow')}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="${DELIVERED}"/></marker>`,
    `<pattern id="${frame.id('paused')}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff7e0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e0a030" stroke-width="2"/></pattern>`,
    `<clipPath id="${frame.id('plot')}"><rect x="${px(frame.left)}" y="0" width="${px(frame.right - frame.left)}" height="${height}"/></clipPath>`,
    '</defs>',
  ].join('');
}

function captionOf(model: SpaceTimeModel): string {
  const parts = [`${label(model.fromMs)}–${label(model.untilMs)} ms`, `→ delivered, ✕ dropped, grey: down, hatched: paused, bands: faults`];
  if (model.arrows.length < model.totalMessages) parts.push(`capped: ${model.arrows.length} of ${model.totalMessages} messages drawn (maxMessages)`);
  if (model.inFlight > 0) parts.push(`${model.inFlight} still in flight`);
  return parts.join(' · ');
}

/** The colour of each fault kind drawn. */
function faultKinds(faults: readonly FaultInterval[]): Map<string, string> {
  return new Map(faults.map((fault) => [fault.kind, faultColour(fault.kind)]));
}

function faultTitle(fault: FaultInterval): string {
  const target = fault.target === undefined ? '' : ` ${fault.target}`;
  const params = fault.params === undefined ? '' : ` ${preview(fault.params, 120)}`;
  return `${fault.kind}${target}${params}: ${label(fault.startMs)}–${label(fault.endMs)} ms${fault.open ? ' (not healed)' : ''}`;
}

function globalFaultBand(fault: FaultInterval, frame: Frame, kinds: ReadonlyMap<string, string>): string {
  const x = frame.x(fault.startMs);
  const w = Math.max(1, frame.x(fault.endMs) - x);
  const colour = kinds.get(fault.kind)!;
  return (
    `<g class="fault" data-kind="${escapeXml(fault.kind)}"><title>${escapeXml(faultTitle(fault))}</title>` +
    `<rect x="${px(x)}" y="${TOP_PX - 8}" width="${px(w)}" height="${px(frame.bottom - TOP_PX + 8)}" fill="${colour}" fill-opacity="0.12" stroke="${colour}" stroke-opacity="0.5"/>` +
    `<text x="${px(x + 3)}" y="${TOP_PX + 2}" fill="${colour}">${escapeXml(fault.kind)}</text></g>`
  );
}

function nodeFaultStrip(fault: FaultInterval, frame: Frame, kinds: ReadonlyMap<string, string>): string {
  const x = frame.x(fault.startMs);
  const w = Math.max(1, frame.x(fault.endMs) - x);
  const colour = kinds.get(fault.kind)!;
  const y = frame.y(fault.target!) + 12;
  const text = w > fault.kind.length * 6 ? `<text x="${px(x + 2)}" y="${px(y + 14)}" fill="${colour}" font-size="10">${escapeXml(fault.kind)}</text>` : '';
  return `<g class="fault" data-kind="${escapeXml(fault.kind)}"><title>${escapeXml(faultTitle(fault))}</title><rect x="${px(x)}" y="${px(y)}" width="${px(w)}" height="4" fill="${colour}"/>${text}</g>`;
}

function laneLine(node: string, frame: Frame): string {
  const y = frame.y(node);
  const name = node.length > 24 ? `${node.slice(0, 23)}…` : node;
  return `<text x="8" y="${px(y + 4)}"><title>${escapeXml(node)}</title>${escapeXml(name)}</text><line x1="${px(frame.left)}" y1="${px(y)}" x2="${px(frame.right)}" y2="${px(y)}" stroke="#333" stroke-width="1.5"/>`;
}

function stateBand(state: NodeStateInterval, frame: Frame): string {
  const x = frame.x(state.startMs);
  const w = Math.max(1, frame.x(state.endMs) - x);
  const fill = state.state === 'down' ? 'fill="#999" fill-opacity="0.55"' : `fill="url(#${frame.id('paused')})" fill-opacity="0.8"`;
  const text = `${state.node} ${state.state} ${label(state.startMs)}–${label(state.endMs)} ms`;
  return `<rect class="${state.state}" x="${px(x)}" y="${px(frame.y(state.node) - 9)}" width="${px(w)}" height="18" ${fill}><title>${escapeXml(text)}</title></rect>`;
}

function messageArrow(arrow: MessageArrow, frame: Frame): string {
  const x1 = frame.x(arrow.sendMs);
  const y1 = frame.y(arrow.from);
  const what = `${arrow.from} → ${arrow.to}: ${preview(arrow.message)}; sent ${label(arrow.sendMs)} ms`;
  if (arrow.dropReason === undefined) {
    const text = `${what}, delivered ${label(arrow.endMs)} ms`;
    return `<line class="msg" x1="${px(x1)}" y1="${px(y1)}" x2="${px(frame.x(arrow.endMs))}" y2="${px(frame.y(arrow.to))}" stroke="${DELIVERED}" stroke-width="1" marker-end="url(#${frame.id('arrow')})"><title>${escapeXml(text)}</title></line>`;
  }
  // Dropped as sent: a short stub towards the addressee; dropped on arrival: the whole way.
  const yTo = frame.y(arrow.to);
  const [x2, y2] = arrow.droppedAtSender ? [x1 + 14, y1 + (yTo - y1) * 0.3] : [frame.x(arrow.endMs), yTo];
  const text = `${what}, dropped ${label(arrow.endMs)} ms (${arrow.dropReason})`;
  return (
    `<g class="drop"><title>${escapeXml(text)}</title>` +
    `<line x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${DROPPED}" stroke-width="1" stroke-dasharray="3 2"/>` +
    `<path d="M${px(x2 - 3)},${px(y2 - 3)} L${px(x2 + 3)},${px(y2 + 3)} M${px(x2 - 3)},${px(y2 + 3)} L${px(x2 + 3)},${px(y2 - 3)}" stroke="${DROPPED}" stroke-width="1.6"/></g>`
  );
}

const LANE_MARKS = { crash: '✖', restart: '↻', pause: '‖', resume: '▶' } as const;

function laneMark(event: SpaceTimeModel['laneEvents'][number], frame: Frame): string {
  const text = `${event.node} ${event.type === 'crash' ? 'crashed' : event.type === 'restart' ? 'restarted' : event.type === 'pause' ? 'paused' : 'resumed'} at ${label(event.timeMs)} ms`;
  return `<text class="${event.type}" x="${px(frame.x(event.timeMs))}" y="${px(frame.y(event.node) - 12)}" text-anchor="middle" fill="#000"><title>${escapeXml(text)}</title>${LANE_MARKS[event.type]}</text>`;
}

function timeAxis(model: SpaceTimeModel, frame: Frame): string {
  const span = model.untilMs - model.fromMs;
  const step = niceStep(span, Math.max(2, Math.floor((frame.right - frame.left) / 90)));
  const ticks: string[] = [];
  const first = Math.ceil(model.fromMs / step);
  // Counted, not accumulated: at extreme magnitudes adding `step` may not move the time at all.
  for (let index = 0; index <= 100; index++) {
    const tick = (first + index) * step;
    if (tick > model.untilMs + step * 1e-9) break;
    const x = frame.x(tick);
    ticks.push(`<line x1="${px(x)}" y1="${px(frame.bottom)}" x2="${px(x)}" y2="${px(frame.bottom + 4)}" stroke="#333"/><text x="${px(x)}" y="${px(frame.bottom + 16)}" text-anchor="middle">${escapeXml(label(tick))}</text>`);
  }
  return [
    `<line x1="${px(frame.left)}" y1="${px(frame.bottom)}" x2="${px(frame.right)}" y2="${px(frame.bottom)}" stroke="#333"/>`,
    ...ticks,
    `<text x="${px(frame.right)}" y="${px(frame.bottom + 30)}" text-anchor="end" fill="#555">true time (ms)</text>`,
  ].join('\n');
}
