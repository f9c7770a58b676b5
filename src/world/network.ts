import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import type { EventLoop } from '../kernel/event-loop.js';
import { rejectUnknownKeys, requireObject, requirePositive, requireString } from '../validate.js';
import { baseLinkModel, CompiledLinkModel, validateLinkModel, type LinkModel } from './link-model.js';
import { linkStreamName } from './link-stream-name.js';
import { LinkTable } from './link-table.js';
import { ShapeSnapshot } from '../plain-data.js';

/**
 * Network-wide configuration: the default link model, region models and message sizing.
 *
 * @example
 * ```ts
 * const network: NetworkConfig = {
 *   link: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } },
 *   intraRegion: { latency: { kind: 'constant', ms: 0.5 } },
 *   interRegion: { latency: { kind: 'normal', meanMs: 80, stdDevMs: 10 } },
 *   regionLinks: [{ between: ['us', 'eu'], link: { latency: { kind: 'constant', ms: 45 } } }],
 * };
 * ```
 */
export interface NetworkConfig {
  /** Default model of every link. */
  link?: LinkModel;
  /** Laid over the default for links between two nodes of the same region. */
  intraRegion?: LinkModel;
  /** Laid over the default for links between nodes of different regions. */
  interRegion?: LinkModel;
  /** Models for particular region pairs (both directions), taking precedence over `interRegion`. */
  regionLinks?: ReadonlyArray<RegionLink>;
  /** Size of a message without a numeric `sizeBytes` property, for bandwidth limits. Default 64. */
  defaultMessageSizeBytes?: number;
}

/**
 * The link model between two particular regions, both directions.
 *
 * @example
 * ```ts
 * const transatlantic: RegionLink = { between: ['us', 'eu'], link: { latency: { kind: 'constant', ms: 45 } } };
 * ```
 */
export interface RegionLink {
  /** The two regions. */
  between: readonly [string, string];
  /** Their link model, laid over the default. */
  link: LinkModel;
}

/**
 * Why a message was not delivered.
 *
 * @example
 * ```ts
 * const stats = sim.network.stats();
 * console.log(stats.dropped.loss, stats.dropped['node-down']);
 * ```
 */
export type DropReason =
  | 'loss'
  | 'link-blocked'
  | 'node-down'
  | 'queue-overflow'
  | 'mailbox-overflow'
  | 'no-call-handler'
  | 'stale-reply'
  | 'send-omission'
  | 'receive-omission'
  | 'inbox-overflow'
  | 'node-removed'
  | 'node-draining'
  | 'node-starting';

/**
 * Every drop reason, in a stable order.
 *
 * @example
 * ```ts
 * const stats = sim.network.stats();
 * for (const reason of dropReasons) console.log(reason, stats.dropped[reason]);
 * ```
 */
export const dropReasons: readonly DropReason[] = [
  'loss',
  'link-blocked',
  'node-down',
  'queue-overflow',
  'mailbox-overflow',
  'no-call-handler',
  'stale-reply',
  'send-omission',
  'receive-omission',
  'inbox-overflow',
  'node-removed',
  'node-draining',
  'node-starting',
];

/**
 * Message counters, for one link or summed over the network.
 *
 * @example
 * ```ts
 * const { sent, delivered, duplicated, dropped } = sim.network.linkStats('a', 'b');
 * ```
 */
export interface LinkStats {
  /** Messages handed to the link by `send` (a duplicate is not a second send). */
  sent: number;
  /** Copies handed to a live node. */
  delivered: number;
  /** Extra copies the link made. */
  duplicated: number;
  /** Messages or copies not delivered, by reason. */
  dropped: Record<DropReason, number>;
}

/** Where the nodes are, as the network needs to know them. */
export interface NodeDirectory {
  /** Nodes added so far. */
  readonly size: number;
  idOf(index: number): string;
  indexOf(id: unknown, field: string): number;
  regionOf(index: number): string | undefined;
}

/**
 * Internal state of one directed link that a message on the default path does not touch. What
 * every message does touch — random stream, cut flag, sent and delivered counters, compiled
 * model — is kept by `index` in the network's {@link LinkTable} and model list, so a send does
 * not chase this object (see LinkTable for why). It is made on first need (a drop, a cut, a
 * fault layer, bandwidth or FIFO state): a short passing case's links mostly never need it.
 */
export class LinkState {
  readonly index: number;
  readonly from: number;
  readonly to: number;
  /** Cut by `Network.block`. */
  manuallyBlocked = false;
  /** Faults currently cutting the link one by one (cuts nest). */
  cutCount = 0;
  /** Partitions currently cutting the link as part of a block (the truth records the block). */
  blockCutCount = 0;
  /** Whether the ground truth was last told this link is cut on its own (block, or link cuts). */
  reportedCut = false;
  /** Link-model layers of active faults, applied over the override in this order. */
  faultLayers: Array<{ id: number; model: Readonly<LinkModel> }> = [];
  busyUntilMs = 0;
  lastFifoDeliveryMs = 0;
  duplicated = 0;
  /**
   * Drops by code. A plain array, not a Float64Array: a typed array of more than 64 bytes has
   * its memory outside the JS heap and costs about a microsecond to make (Node 20, measured).
   */
  readonly dropped: number[] = zeros(dropReasons.length);

  constructor(index: number, from: number, to: number) {
    this.index = index;
    this.from = from;
    this.to = to;
  }
}

/** Drop codes index `dropReasons`. */
export const DROP_LOSS = 0;
export const DROP_LINK_BLOCKED = 1;
export const DROP_NODE_DOWN = 2;
export const DROP_QUEUE_OVERFLOW = 3;
export const DROP_MAILBOX_OVERFLOW = 4;
export const DROP_NO_CALL_HANDLER = 5;
export const DROP_STALE_REPLY = 6;
export const DROP_SEND_OMISSION = 7;
export const DROP_RECEIVE_OMISSION = 8;
export const DROP_INBOX_OVERFLOW = 9;
/** To a node `sim.removeNode` removed. */
export const DROP_NODE_REMOVED = 10;
/** A new message to a node being drained by a graceful `sim.removeNode`. */
export const DROP_NODE_DRAINING = 11;
/** To a node whose start delay has not run out yet (it is still provisioning). */
export const DROP_NODE_STARTING = 12;
/** Returned by `transmit` when the message is on its way. */
export const SENT = -1;

const NODE_KEY_FACTOR = 2 ** 21;
const NO_LAYERS: ReadonlyArray<{ model: Readonly<LinkModel> }> = [];

/**
 * The simulated network: resolves each directed link's model (default, region, override), draws
 * loss, duplication, reordering and delay from the link's own random stream, models bandwidth
 * and queueing, and schedules deliveries on the event loop. Links are created on first use.
 *
 * Reach it as `sim.network`.
 *
 * @example
 * ```ts
 * sim.network.setLink('a', 'b', { lossProbability: 0.3 });       // a→b only
 * sim.network.setLink('b', 'a', { lossProbability: 0.3 });
 * sim.network.block('c', 'a');                                    // nothing from c reaches a
 * console.log(sim.network.stats().dropped.loss);
 * ```
 */
export class Network {
  private readonly loop: EventLoop;
  private readonly nodes: NodeDirectory;
  private readonly deliverKind: number;
  private defaultLink: Readonly<LinkModel> | undefined;
  private readonly intraRegion: Readonly<LinkModel> | undefined;
  private readonly interRegion: Readonly<LinkModel> | undefined;
  private readonly regionPairs: ReadonlyMap<string, Readonly<LinkModel>>;
  private readonly overrides = new Map<number, Readonly<LinkModel>>();
  private readonly defaultMessageSizeBytes: number;
  /**
   * Links with no override and no fault layer share one compiled model per region layer: with
   * every network read from the same configuration until `setDefaultLink` gives it its own.
   */
  private sharedModels: Map<Readonly<LinkModel> | undefined, CompiledLinkModel>;
  /** Each link's cold state, indexed like the table; `undefined` until first needed. */
  private readonly links: Array<LinkState | undefined> = [];
  /** Each link's ends as `from * NODE_KEY_FACTOR + to`, indexed like `links`. */
  private readonly ends: number[] = [];
  /** The hot per-link state, indexed like `links`. */
  private readonly table = new LinkTable();
  /** Each link's compiled model, indexed like `links` (most links share one). */
  private readonly models: CompiledLinkModel[] = [];
  /** Set by {@link Network.releaseStorage}. */
  private released = false;

  private readonly onCutChange: (from: number, to: number, blocked: boolean) => void;

  /** @internal Built by {@link Simulation}. */
  constructor(
    loop: EventLoop,
    nodes: NodeDirectory,
    deliverKind: number,
    config: NetworkConfig = NO_CONFIG,
    onCutChange: (from: number, to: number, blocked: boolean) => void = () => undefined,
  ) {
    this.onCutChange = onCutChange;
    this.loop = loop;
    this.nodes = nodes;
    this.deliverKind = deliverKind;
    const settings = networkSettings(config);
    this.defaultLink = settings.defaultLink;
    this.intraRegion = settings.intraRegion;
    this.interRegion = settings.interRegion;
    this.regionPairs = settings.regionPairs;
    this.defaultMessageSizeBytes = settings.defaultMessageSizeBytes;
    this.sharedModels = settings.sharedModels;
  }

  /** Replaces the default link model (a partial model over the built-in base) for every link. */
  setDefaultLink(model: LinkModel): void {
    const candidate = validateLinkModel(model, 'link');
    // Compile everything before changing anything, so a rejected model leaves the network as it was.
    checkRegionLayers(candidate, { intraRegion: this.intraRegion, interRegion: this.interRegion, regionPairs: this.regionPairs }, 'link');
    const compiled: CompiledLinkModel[] = [];
    for (let index = 0; index < this.ends.length; index++) {
      const from = this.fromOf(index);
      const to = this.toOf(index);
      compiled.push(this.compileWith(from, to, candidate, this.overrideOf(from, to), this.links[index]?.faultLayers ?? NO_LAYERS));
    }
    this.defaultLink = candidate;
    this.sharedModels = new Map();
    for (let index = 0; index < compiled.length; index++) this.models[index] = compiled[index]!;
  }

  /**
   * Overrides the model of the directed link `from → to` (a partial model over the default and
   * region models); `undefined` removes the override.
   */
  setLink(from: string, to: string, model: LinkModel | undefined): void {
    const fromIndex = this.nodes.indexOf(from, 'from');
    const toIndex = this.nodes.indexOf(to, 'to');
    const key = fromIndex * NODE_KEY_FACTOR + toIndex;
    const override = model === undefined ? undefined : validateLinkModel(model, `link ${from}->${to}`);
    const index = this.linkIndex(fromIndex, toIndex);
    const compiled = this.compileWith(fromIndex, toIndex, this.defaultLink, override, this.links[index]?.faultLayers ?? NO_LAYERS);
    if (override === undefined) this.overrides.delete(key);
    else this.overrides.set(key, override);
    this.models[index] = compiled;
  }

  /** The resolved model of `from → to`, as data. */
  linkModel(from: string, to: string): Readonly<LinkModel> {
    return this.models[this.linkIndex(this.nodes.indexOf(from, 'from'), this.nodes.indexOf(to, 'to'))]!.model;
  }

  /**
   * Cuts the directed link `from → to`: new messages are dropped at send and messages already in
   * flight are dropped if the link is still cut when they arrive (`link-blocked`). The building
   * block of partitions.
   */
  block(from: string, to: string): void {
    const link = this.link(this.nodes.indexOf(from, 'from'), this.nodes.indexOf(to, 'to'));
    link.manuallyBlocked = true;
    this.refreshBlocked(link);
  }

  /**
   * Blocks the link while anything cuts it. The ground truth hears of cuts made link by link here;
   * a partition's cuts reach it as the partition's blocks (see `cutInBlock`).
   */
  private refreshBlocked(link: LinkState): void {
    const cutOnItsOwn = link.manuallyBlocked || link.cutCount > 0;
    const blocked = cutOnItsOwn || link.blockCutCount > 0;
    if (this.table.isBlocked(link.index) !== blocked) this.table.setBlocked(link.index, blocked);
    if (link.reportedCut === cutOnItsOwn) return;
    link.reportedCut = cutOnItsOwn;
    this.onCutChange(link.from, link.to, cutOnItsOwn);
  }

  /** @internal Counts a message its sender never put on the link (send omission). */
  countDropAtSend(from: number, to: number, code: number): void {
    const link = this.link(from, to);
    this.table.countSent(link.index);
    link.dropped[code]!++;
  }

  /** Restores a link cut by {@link Network.block}; its model is unchanged. */
  unblock(from: string, to: string): void {
    const link = this.link(this.nodes.indexOf(from, 'from'), this.nodes.indexOf(to, 'to'));
    link.manuallyBlocked = false;
    this.refreshBlocked(link);
  }

  /** @internal A fault cuts `from → to`; cuts nest, so overlapping partitions heal independently. */
  cut(from: number, to: number): void {
    const link = this.link(from, to);
    link.cutCount++;
    this.refreshBlocked(link);
  }

  /** @internal A fault's cut of `from → to` ends. */
  uncut(from: number, to: number): void {
    const link = this.link(from, to);
    link.cutCount = Math.max(0, link.cutCount - 1);
    this.refreshBlocked(link);
  }

  /** @internal Like `cut`, for a link of a partition's block: the truth records the block instead. */
  cutInBlock(from: number, to: number): void {
    const link = this.link(from, to);
    link.blockCutCount++;
    this.refreshBlocked(link);
  }

  /** @internal A partition's cut of `from → to` ends. */
  uncutInBlock(from: number, to: number): void {
    const link = this.link(from, to);
    link.blockCutCount = Math.max(0, link.blockCutCount - 1);
    this.refreshBlocked(link);
  }

  /** @internal Lays a fault's (validated) partial model over `from → to` until removed. */
  addFaultLayer(from: number, to: number, id: number, model: Readonly<LinkModel>): void {
    const link = this.link(from, to);
    const layers = [...link.faultLayers, { id, model }];
    this.models[link.index] = this.compileWith(from, to, this.defaultLink, this.overrideOf(from, to), layers);
    link.faultLayers = layers;
  }

  /** @internal Removes a fault's layer; the link's model is what it would be without that fault. */
  removeFaultLayer(from: number, to: number, id: number): void {
    const link = this.link(from, to);
    link.faultLayers = link.faultLayers.filter((layer) => layer.id !== id);
    this.models[link.index] = this.compileWith(from, to, this.defaultLink, this.overrideOf(from, to), link.faultLayers);
  }

  /** True if `from → to` is cut. */
  isBlocked(from: string, to: string): boolean {
    return this.table.isBlocked(this.linkIndex(this.nodes.indexOf(from, 'from'), this.nodes.indexOf(to, 'to')));
  }

  /** Counters of the directed link `from → to`. */
  linkStats(from: string, to: string): LinkStats {
    const index = this.linkIndex(this.nodes.indexOf(from, 'from'), this.nodes.indexOf(to, 'to'));
    return this.statsOf(index, index + 1);
  }

  /** Counters summed over every link. */
  stats(): LinkStats {
    return this.statsOf(0, this.ends.length);
  }

  /** @internal Resolves (creating on first use) the state of `from → to`. */
  link(from: number, to: number): LinkState {
    return this.linkAt(this.linkIndex(from, to));
  }

  /** @internal The index of `from → to`, creating the link on first use. */
  linkIndex(from: number, to: number): number {
    const index = this.table.find(from, to);
    return index < 0 ? this.createLink(from, to) : index;
  }

  private createLink(from: number, to: number): number {
    if (this.released) this.refuseReleased();
    const name = linkStreamName(this.nodes.idOf(from), this.nodes.idOf(to));
    const compiled = this.compileWith(from, to, this.defaultLink, this.overrideOf(from, to), NO_LAYERS);
    // A cluster's links are usually all made early: room for a full mesh of the nodes so far at once.
    if (this.ends.length === 0) this.table.reserve(this.nodes.size * (this.nodes.size - 1));
    const index = this.table.add(from, to, this.loop.seed, name);
    this.links.push(undefined);
    this.ends.push(from * NODE_KEY_FACTOR + to);
    this.models.push(compiled);
    return index;
  }

  /** @internal The link with this index (delivery events carry it); its state is made on first need. */
  linkAt(index: number): LinkState {
    return this.links[index] ?? this.createState(index);
  }

  private createState(index: number): LinkState {
    const state = new LinkState(index, this.fromOf(index), this.toOf(index));
    this.links[index] = state;
    return state;
  }

  private fromOf(index: number): number {
    return Math.floor(this.ends[index]! / NODE_KEY_FACTOR);
  }

  private toOf(index: number): number {
    return this.ends[index]! % NODE_KEY_FACTOR;
  }

  /** @internal True while the link with this index drops everything: cut by hand or by a fault. */
  isCut(index: number): boolean {
    return this.table.isBlocked(index);
  }

  /** @internal Counts a copy handed to a live node. */
  countDelivered(index: number): void {
    this.table.countDelivered(index);
  }

  /**
   * @internal Puts a message on the link `from → to`. Returns {@link SENT} or the drop code.
   * Draw order per message is fixed (loss, bandwidth, delay, reorder, duplicate) so one
   * message's fate never depends on another link's traffic.
   */
  transmit(from: number, to: number, message: unknown, messageId: number, claimedFrom: number = from): number {
    const index = this.linkIndex(from, to);
    const table = this.table;
    table.countSent(index);
    if (table.isBlocked(index)) return this.dropAtSend(index, DROP_LINK_BLOCKED);
    const model = this.models[index]!;
    if (model.lossProbability > 0 && table.nextUniform(index) < model.lossProbability) return this.dropAtSend(index, DROP_LOSS);
    const nowMs = this.loop.now;
    let departMs = nowMs;
    if (model.bandwidthBytesPerMs !== Infinity) {
      departMs = this.serialise(this.linkAt(index), model, message, nowMs);
      if (departMs < 0) return this.dropAtSend(index, DROP_QUEUE_OVERFLOW);
    }
    this.scheduleCopy(index, model, departMs, to, message, messageId, claimedFrom);
    if (model.duplicateProbability > 0 && table.nextUniform(index) < model.duplicateProbability) {
      this.linkAt(index).duplicated++;
      this.scheduleCopy(index, model, departMs, to, message, messageId, claimedFrom);
    }
    return SENT;
  }

  private dropAtSend(index: number, code: number): number {
    this.linkAt(index).dropped[code]!++;
    return code;
  }

  /** Returns the departure time after queueing behind earlier messages, or -1 if the queue is full. */
  private serialise(link: LinkState, model: CompiledLinkModel, message: unknown, nowMs: number): number {
    const sizeBytes = this.sizeOf(message);
    const startMs = Math.max(nowMs, link.busyUntilMs);
    const backlogBytes = (startMs - nowMs) * model.bandwidthBytesPerMs;
    if (backlogBytes + sizeBytes > model.queueLimitBytes) return -1;
    link.busyUntilMs = startMs + sizeBytes / model.bandwidthBytesPerMs;
    return link.busyUntilMs;
  }

  private scheduleCopy(index: number, model: CompiledLinkModel, departMs: number, to: number, message: unknown, messageId: number, claimedFrom: number): void {
    const table = this.table;
    const nowMs = this.loop.now;
    let arriveMs = departMs + model.latency.sampleFrom(table.states, table.streamOffset(index)) * model.latencyFactor;
    if (model.reorderProbability > 0 && table.nextUniform(index) < model.reorderProbability) {
      arriveMs += model.reorderDelay!.sampleFrom(table.states, table.streamOffset(index));
    } else if (model.fifo) {
      // Strictly after the previous copy, so even a random tie-break cannot swap them.
      const link = this.linkAt(index);
      if (arriveMs <= link.lastFifoDeliveryMs) arriveMs = nextAfter(link.lastFifoDeliveryMs);
      link.lastFifoDeliveryMs = arriveMs;
    }
    this.loop.scheduleEvent(arriveMs - nowMs, this.deliverKind, to, claimedFrom, index, messageId, message);
  }

  /** Counters summed over the links with indices in [start, end). */
  private statsOf(start: number, end: number): LinkStats {
    if (this.released) this.refuseReleased();
    const dropped = zeros(dropReasons.length);
    let sent = 0;
    let delivered = 0;
    let duplicated = 0;
    for (let index = start; index < end; index++) {
      sent += this.table.sent(index);
      delivered += this.table.delivered(index);
      const link = this.links[index];
      if (link === undefined) continue;
      duplicated += link.duplicated;
      for (let code = 0; code < dropped.length; code++) dropped[code]! += link.dropped[code]!;
    }
    return { sent, delivered, duplicated, dropped: byReason(dropped) };
  }

  /**
   * @internal Gives the link table's arrays back to the pool: for a simulation that is done
   * (`Simulation.dispose`). The links are forgotten with them, so every later question about a
   * link (stats, cuts, a new link) throws rather than answer from emptied records.
   */
  releaseStorage(): void {
    this.table.release();
    this.links.length = 0;
    this.ends.length = 0;
    this.models.length = 0;
    this.released = true;
  }

  private refuseReleased(): never {
    throw new InvalidStateError('the simulation was disposed (its case ended): its links are gone');
  }

  /** @internal Messages dropped for the reason `code`, over every link. */
  droppedFor(code: number): number {
    if (this.released) this.refuseReleased();
    let dropped = 0;
    for (const link of this.links) if (link !== undefined) dropped += link.dropped[code]!;
    return dropped;
  }

  private sizeOf(message: unknown): number {
    if (typeof message === 'object' && message !== null) {
      const size = (message as { sizeBytes?: unknown }).sizeBytes;
      if (typeof size === 'number' && size >= 0 && Number.isFinite(size)) return size;
    }
    return this.defaultMessageSizeBytes;
  }

  private overrideOf(from: number, to: number): Readonly<LinkModel> | undefined {
    return this.overrides.get(from * NODE_KEY_FACTOR + to);
  }

  private compileWith(
    from: number,
    to: number,
    defaultLink: Readonly<LinkModel> | undefined,
    override: Readonly<LinkModel> | undefined,
    faultLayers: ReadonlyArray<{ model: Readonly<LinkModel> }>,
  ): CompiledLinkModel {
    const regionLayer = this.regionLayer(from, to);
    const shareable = defaultLink === this.defaultLink && override === undefined && faultLayers.length === 0;
    const shared = shareable ? this.sharedModels.get(regionLayer) : undefined;
    if (shared !== undefined) return shared;
    const field = `link ${this.nodes.idOf(from)}->${this.nodes.idOf(to)}`;
    const compiled = CompiledLinkModel.from([baseLinkModel, defaultLink, regionLayer, override, ...faultLayers.map((layer) => layer.model)], field);
    if (shareable) this.sharedModels.set(regionLayer, compiled);
    return compiled;
  }

  private regionLayer(from: number, to: number): Readonly<LinkModel> | undefined {
    const fromRegion = this.nodes.regionOf(from);
    const toRegion = this.nodes.regionOf(to);
    if (fromRegion === undefined || toRegion === undefined) return undefined;
    if (fromRegion === toRegion) return this.intraRegion;
    return this.regionPairs.get(regionPairKey(fromRegion, toRegion)) ?? this.interRegion;
  }
}

/** The network's configuration, validated, as every network built from it starts. */
interface NetworkSettings {
  readonly defaultLink: Readonly<LinkModel> | undefined;
  readonly intraRegion: Readonly<LinkModel> | undefined;
  readonly interRegion: Readonly<LinkModel> | undefined;
  readonly regionPairs: ReadonlyMap<string, Readonly<LinkModel>>;
  readonly defaultMessageSizeBytes: number;
  /** Compiled models of links on the defaults, by region layer, filled as links are made. */
  readonly sharedModels: Map<Readonly<LinkModel> | undefined, CompiledLinkModel>;
}

const NO_CONFIG: NetworkConfig = Object.freeze({});
const NETWORK_KEYS = ['link', 'intraRegion', 'interRegion', 'regionLinks', 'defaultMessageSizeBytes'];

/** Settings read from a configuration object, with what the object held then (null: too large to snapshot). */
const settingsByConfig = new WeakMap<object, { snapshot: ShapeSnapshot; settings: NetworkSettings } | null>();

/**
 * The settings of `config`, validated and compiled once per configuration object: a property
 * test builds thousands of simulations from one scenario's options. They are read again, with
 * the same errors, whenever the object no longer holds what it held when they were read (the
 * user changed a field), so reuse is never visible. The configuration is read when a
 * simulation is built, as it always was; changing it later changes later simulations.
 */
function networkSettings(config: NetworkConfig): NetworkSettings {
  const cached = typeof config === 'object' && config !== null ? settingsByConfig.get(config) : null;
  if (cached?.snapshot.matches(config) === true) return cached.settings;
  const settings = readNetworkSettings(config);
  if (cached === null) return settings;
  const snapshot = ShapeSnapshot.of(config);
  settingsByConfig.set(config, snapshot === undefined ? null : { snapshot, settings });
  return settings;
}

function readNetworkSettings(config: NetworkConfig): NetworkSettings {
  const raw: unknown = config;
  requireObject(raw, 'network');
  rejectUnknownKeys(raw, 'network', NETWORK_KEYS);
  const defaultLink = config.link === undefined ? undefined : validateLinkModel(config.link, 'network.link');
  const intraRegion = config.intraRegion === undefined ? undefined : validateLinkModel(config.intraRegion, 'network.intraRegion');
  const interRegion = config.interRegion === undefined ? undefined : validateLinkModel(config.interRegion, 'network.interRegion');
  const regionPairs = readRegionLinks(config.regionLinks);
  const defaultMessageSizeBytes = config.defaultMessageSizeBytes === undefined ? 64 : config.defaultMessageSizeBytes;
  requirePositive(defaultMessageSizeBytes, 'network.defaultMessageSizeBytes');
  const layers = { intraRegion, interRegion, regionPairs };
  checkRegionLayers(defaultLink, layers, 'network');
  return { defaultLink, ...layers, defaultMessageSizeBytes, sharedModels: new Map() };
}

/** Rejects a default that, laid under some region model, makes an invalid link (e.g. reordering without a delay). */
function checkRegionLayers(
  defaultLink: Readonly<LinkModel> | undefined,
  layers: Pick<NetworkSettings, 'intraRegion' | 'interRegion' | 'regionPairs'>,
  field: string,
): void {
  CompiledLinkModel.from([baseLinkModel, defaultLink], `${field}.link`);
  if (layers.intraRegion !== undefined) CompiledLinkModel.from([baseLinkModel, defaultLink, layers.intraRegion], `${field}.intraRegion`);
  if (layers.interRegion !== undefined) CompiledLinkModel.from([baseLinkModel, defaultLink, layers.interRegion], `${field}.interRegion`);
  for (const [pair, layer] of layers.regionPairs) CompiledLinkModel.from([baseLinkModel, defaultLink, layer], `${field}.regionLinks(${pair.replace('\u0000', ', ')})`);
}

function readRegionLinks(regionLinks: NetworkConfig['regionLinks']): Map<string, Readonly<LinkModel>> {
  const pairs = new Map<string, Readonly<LinkModel>>();
  if (regionLinks === undefined) return pairs;
  if (!Array.isArray(regionLinks)) throw new InvalidArgumentError('network.regionLinks', regionLinks, 'an array of { between, link }');
  regionLinks.forEach((entry: unknown, index) => {
    const field = `network.regionLinks[${index}]`;
    requireObject(entry, field);
    rejectUnknownKeys(entry, field, ['between', 'link']);
    const between = entry['between'];
    if (!Array.isArray(between) || between.length !== 2) throw new InvalidArgumentError(`${field}.between`, between, 'a pair of region names');
    requireString(between[0], `${field}.between[0]`);
    requireString(between[1], `${field}.between[1]`);
    pairs.set(regionPairKey(between[0], between[1]), validateLinkModel(entry['link'], `${field}.link`));
  });
  return pairs;
}

function zeros(length: number): number[] {
  const array: number[] = [];
  for (let index = 0; index < length; index++) array.push(0);
  return array;
}

/** Drop counters by code, keyed by reason in `dropReasons` order (one literal: one object shape). */
function byReason(dropped: readonly number[]): Record<DropReason, number> {
  return {
    loss: dropped[DROP_LOSS]!,
    'link-blocked': dropped[DROP_LINK_BLOCKED]!,
    'node-down': dropped[DROP_NODE_DOWN]!,
    'queue-overflow': dropped[DROP_QUEUE_OVERFLOW]!,
    'mailbox-overflow': dropped[DROP_MAILBOX_OVERFLOW]!,
    'no-call-handler': dropped[DROP_NO_CALL_HANDLER]!,
    'stale-reply': dropped[DROP_STALE_REPLY]!,
    'send-omission': dropped[DROP_SEND_OMISSION]!,
    'receive-omission': dropped[DROP_RECEIVE_OMISSION]!,
    'inbox-overflow': dropped[DROP_INBOX_OVERFLOW]!,
    'node-removed': dropped[DROP_NODE_REMOVED]!,
    'node-draining': dropped[DROP_NODE_DRAINING]!,
    'node-starting': dropped[DROP_NODE_STARTING]!,
  };
}

function regionPairKey(first: string, second: string): string {
  return first < second ? `${first}\u0000${second}` : `${second}\u0000${first}`;
}

function nextAfter(value: number): number {
  return value + Math.max(Number.MIN_VALUE, Math.abs(value) * Number.EPSILON);
}
