import { InvalidArgumentError } from '../errors.js';
import { DistributionSampler, type Distribution } from '../kernel/distribution.js';
import { plainDataLimits, requireBoundedShape } from '../plain-data.js';
import { rejectUnknownKeys, requireBoolean, requireInRange, requireObject, requirePositive, requireProbability } from '../validate.js';

/**
 * How one directed link behaves, as plain data. Every field is optional: a partial model is laid
 * over the one beneath it (the network default, then the region model, then a per-link
 * override), field by field.
 *
 * - Each message's delay is drawn independently from `latency`, so a spread-out distribution
 *   reorders messages by itself; set `fifo: true` for a TCP-like link where no message overtakes
 *   an earlier one.
 * - `reorderProbability` holds a message back by an extra `reorderDelay` so later ones overtake it
 *   (and it skips the FIFO rule).
 * - With `bandwidthBytesPerMs`, messages are serialised one after another; a message that would
 *   push the backlog past `queueLimitBytes` is dropped and counted as `queue-overflow`.
 *
 * @example
 * ```ts
 * const flaky: LinkModel = {
 *   latency: { kind: 'normal', meanMs: 20, stdDevMs: 5 },
 *   lossProbability: 0.05,
 *   duplicateProbability: 0.01,
 * };
 * ```
 */
export interface LinkModel {
  /** One-way delay of each message. Default `{ kind: 'constant', ms: 1 }`. */
  latency?: Distribution;
  /** Multiplies every drawn delay: 10 makes a link ten times slower (a gray failure). Default 1. */
  latencyFactor?: number;
  /** Probability a message is lost. Default 0. */
  lossProbability?: number;
  /** Probability a message is delivered twice (the copy has its own delay). Default 0. */
  duplicateProbability?: number;
  /** Probability a message is held back by `reorderDelay`. Default 0. */
  reorderProbability?: number;
  /** Extra delay of held-back messages; required when `reorderProbability` > 0. */
  reorderDelay?: Distribution;
  /** Deliver in send order (TCP-like): a message never overtakes an earlier one. Default false. */
  fifo?: boolean;
  /** Serialisation rate in bytes per ms (1 Mbit/s = 125). Default unlimited. */
  bandwidthBytesPerMs?: number;
  /** Bytes that may wait to be sent when bandwidth is limited. Default 1 MiB. */
  queueLimitBytes?: number;
}

const LINK_MODEL_KEYS = [
  'latency',
  'latencyFactor',
  'lossProbability',
  'duplicateProbability',
  'reorderProbability',
  'reorderDelay',
  'fifo',
  'bandwidthBytesPerMs',
  'queueLimitBytes',
];

const DEFAULT_QUEUE_LIMIT_BYTES = 1024 * 1024;

/**
 * The link model every link starts from before defaults and overrides are applied.
 *
 * @example
 * ```ts
 * baseLinkModel.latency; // { kind: 'constant', ms: 1 }
 * ```
 */
export const baseLinkModel: Readonly<LinkModel> = Object.freeze({
  latency: Object.freeze({ kind: 'constant', ms: 1 }) as Distribution,
  lossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  fifo: false,
});

/**
 * Checks a (partial) link model and returns a frozen copy without its `undefined` fields (an
 * `undefined` field is absent: it does not hide the layer beneath). `null` is no value of any
 * field. Throws {@link InvalidArgumentError} naming the field under `field`.
 *
 * @example
 * ```ts
 * validateLinkModel({ lossProbability: 0.1, fifo: undefined }, 'link'); // { lossProbability: 0.1 }
 * validateLinkModel({ lossProbability: null }, 'link'); // throws: link.lossProbability ... got null
 * ```
 */
export function validateLinkModel(model: unknown, field: string): Readonly<LinkModel> {
  requireObject(model, field);
  requireBoundedShape(model, field, plainDataLimits);
  rejectUnknownKeys(model, field, LINK_MODEL_KEYS);
  const { latency, reorderDelay, lossProbability, duplicateProbability, reorderProbability, fifo } = model;
  if (latency !== undefined) DistributionSampler.from(latency, `${field}.latency`);
  if (reorderDelay !== undefined) DistributionSampler.from(reorderDelay, `${field}.reorderDelay`);
  if (lossProbability !== undefined) requireProbability(lossProbability, `${field}.lossProbability`);
  if (duplicateProbability !== undefined) requireProbability(duplicateProbability, `${field}.duplicateProbability`);
  if (reorderProbability !== undefined) requireProbability(reorderProbability, `${field}.reorderProbability`);
  if (fifo !== undefined) requireBoolean(fifo, `${field}.fifo`);
  if (model['latencyFactor'] !== undefined) requireInRange(model['latencyFactor'], `${field}.latencyFactor`, Number.MIN_VALUE, 1e6);
  if (model['bandwidthBytesPerMs'] !== undefined) requirePositive(model['bandwidthBytesPerMs'], `${field}.bandwidthBytesPerMs`);
  if (model['queueLimitBytes'] !== undefined) requirePositive(model['queueLimitBytes'], `${field}.queueLimitBytes`);
  return Object.freeze(definedFields(model)) as Readonly<LinkModel>;
}

function definedFields(model: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defined: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(model)) if (value !== undefined) defined[key] = value;
  return defined;
}

/**
 * A fully resolved link model, compiled for the send path: samplers instead of data, numbers
 * instead of optional fields.
 *
 * @example
 * ```ts
 * const compiled = CompiledLinkModel.from([baseLinkModel, { lossProbability: 0.1 }], 'link');
 * compiled.lossProbability; // 0.1
 * ```
 */
export class CompiledLinkModel {
  /** The merged model, as data. */
  readonly model: Readonly<LinkModel>;
  readonly latency: DistributionSampler;
  readonly latencyFactor: number;
  readonly lossProbability: number;
  readonly duplicateProbability: number;
  readonly reorderProbability: number;
  readonly reorderDelay: DistributionSampler | undefined;
  readonly fifo: boolean;
  readonly bandwidthBytesPerMs: number;
  readonly queueLimitBytes: number;

  private constructor(model: Readonly<LinkModel>, field: string) {
    this.model = model;
    this.latency = DistributionSampler.from(model.latency, `${field}.latency`);
    this.latencyFactor = model.latencyFactor ?? 1;
    this.lossProbability = model.lossProbability ?? 0;
    this.duplicateProbability = model.duplicateProbability ?? 0;
    this.reorderProbability = model.reorderProbability ?? 0;
    this.reorderDelay = model.reorderDelay === undefined ? undefined : DistributionSampler.from(model.reorderDelay, `${field}.reorderDelay`);
    if (this.reorderProbability > 0 && this.reorderDelay === undefined) {
      throw new InvalidArgumentError(`${field}.reorderDelay`, undefined, 'a distribution when reorderProbability > 0');
    }
    this.fifo = model.fifo ?? false;
    this.bandwidthBytesPerMs = model.bandwidthBytesPerMs ?? Infinity;
    this.queueLimitBytes = model.queueLimitBytes ?? DEFAULT_QUEUE_LIMIT_BYTES;
  }

  /**
   * Merges validated partial models, later ones winning field by field (a field that is
   * `undefined` in a layer is absent there), and compiles the result.
   */
  static from(layers: ReadonlyArray<Readonly<LinkModel> | undefined>, field: string): CompiledLinkModel {
    const merged: Record<string, unknown> = {};
    for (const layer of layers) if (layer !== undefined) Object.assign(merged, definedFields(layer));
    return new CompiledLinkModel(Object.freeze(merged) as Readonly<LinkModel>, field);
  }
}
