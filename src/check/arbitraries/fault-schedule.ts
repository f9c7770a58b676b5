import fc from 'fast-check';
import { InvalidArgumentError } from '../../errors.js';
import { validateBudget, type FaultBudget } from '../../faults/budget.js';
import { builtInFailureModels } from '../../faults/built-in-models.js';
import type { FailureModel } from '../../faults/failure-model.js';
import type { Fault, FaultSchedule } from '../../faults/fault.js';
import { nemesisKinds } from '../../faults/nemesis.js';
import { orDefault, rejectUnknownKeys, requireBoolean, requireFinite, requireFunction, requireNonNegative, requireObject, requireOneOf, requirePositive, requirePositiveInteger, requireString } from '../../validate.js';
import { targetsOf, timing, type ByzantineNames, type KindDraw } from './fault-kinds.js';
import { ScheduleArbitrary, type KindSource } from './schedule-arbitrary.js';
import { readSwarm, type SwarmDimensions, type SwarmOptions } from './swarm.js';
// ---- failure domains (issue 15) ----
import { domainOutageModel } from '../../faults/models/domain-outage.js';
import { readDomainMap, type NodeDomains } from '../../world/failure-domains.js';
import { domainFaultKinds, domainOutageParams } from './domain-outage.js';
// ---- end failure domains ----
import { degradationKinds } from '../../faults/models/degradation/kinds.js';

/**
 * Every built-in fault kind {@link faultSchedule} can generate: the nemesis kinds, and the
 * bridge, byzantine, resource, clock-jump and disk kinds.
 *
 * @example
 * ```ts
 * faultSchedule({ nodes, horizonMs: 10_000, kinds: generatedKinds.filter((kind) => !kind.startsWith('disk')) });
 * ```
 */
export const generatedKinds = [
  ...nemesisKinds,
  'bridge',
  'byzantine',
  'capacity',
  'traffic-spike',
  'clock-jump',
  'disk-unsynced-loss',
  'disk-write-fail',
  'disk-full',
] as const;

/**
 * A fault kind {@link faultSchedule} can generate.
 *
 * @example
 * ```ts
 * const kinds: GeneratedKind[] = ['crash', 'byzantine', 'disk-full'];
 * ```
 */
export type GeneratedKind = (typeof generatedKinds)[number];

/**
 * A failure model that also says how to generate its faults, so {@link faultSchedule} can draw
 * and shrink a custom kind like a built-in one. Register the same object in the scenario's setup
 * (`sim.registerFailureModel(model)`) and list it in `FaultScheduleOptions.models`. A model
 * without `revert` is permanent: its faults get no duration.
 *
 * @example
 * ```ts
 * const flap: GeneratedFailureModel = {
 *   kind: 'flap',
 *   validate(fault, world, field) { world.requireNode(fault.target, `${field}.target`); },
 *   apply(fault, world) { world.crashNode(fault.target!); },
 *   revert(fault, world) { world.restartNode(fault.target!); },
 *   downNodes: (fault) => [fault.target!],
 *   arbitrary: ({ nodes }) => fc.constantFrom(...nodes).map((target) => ({ target })),
 * };
 * faultSchedule({ nodes, horizonMs: 5_000, kinds: ['crash', 'flap'], models: [flap] });
 * ```
 */
export interface GeneratedFailureModel extends FailureModel {
  /**
   * The target and params of one fault (start and duration are drawn by the generator). Shrinks
   * as the arbitrary shrinks: put the simplest values first (e.g. `fc.constantFrom(...nodes)`
   * shrinks to the first node).
   */
  arbitrary(context: { nodes: readonly string[]; clients: readonly string[] }): fc.Arbitrary<Pick<Fault, 'target' | 'params'>>;
}

/**
 * What {@link faultSchedule} generates.
 *
 * @example
 * ```ts
 * const options: FaultScheduleOptions = {
 *   nodes: ['n1', 'n2', 'n3'], kinds: ['crash', 'partition', 'disk-full'], minFaults: 1, maxFaults: 4, horizonMs: 10_000,
 *   weights: { crash: 2 }, targets: { 'disk-full': ['n1'] }, budget: { maxNodesDown: 1 },
 * };
 * ```
 */
export interface FaultScheduleOptions {
  /** Nodes the faults may hit. */
  nodes: readonly string[];
  /** Other nodes of the cluster (clients): never targeted, but a partition puts each on a side. */
  clients?: readonly string[];
  /**
   * Kinds to generate: any of {@link generatedKinds}, and the kinds of `models`. Default:
   * `crash`, `pause`, `partition`. Parameters are drawn from these ranges: link loss 10–90 % or
   * latency ×2–20; slow node ×2–20; clock skew and jump ±2 s, drift ±5,000 ppm; omission
   * 10–90 %; byzantine `corrupt`, `drop`, `duplicate` (2–3 copies), `replay` or `forge` (as
   * another node), with probability 10–100 %; capacity 10–1,000 messages/s with an inbox of
   * 10–1,000; a traffic spike of 100–5,000 messages/s from another node; disk write failures
   * 10–100 %. A clock jump is permanent (no duration); every other fault ends by `horizonMs`.
   * With `domains`, also `domain-outage` (see `domains`), which the default then includes.
   * Also the `degradationKinds` (`disk-wearout`, `memory-leak`, `latency-creep`, `error-ramp`),
   * only when named: time to failure within [minDurationMs, maxDurationMs], linear or exponential,
   * crash or degrade, noise 0–20 %, a leak of 64 MiB–4 GiB, write latency +10–500 ms, a peak
   * error rate of 10–100 %, service time +1–100 ms.
   */
  kinds?: ReadonlyArray<GeneratedKind | (string & Record<never, never>)>;
  /** Relative chance of each kind (positive). Default 1 for every kind. */
  weights?: Readonly<Record<string, number>>;
  /**
   * Restricts the nodes a kind may target (a subset of `nodes`): the node of a node fault, the
   * ends of a link fault, the bridge of a bridge, the nodes that may stand apart in a partition.
   * Default: `nodes` for every kind.
   */
  targets?: Readonly<Record<string, readonly string[]>>;
  /**
   * Fewest faults: shrinking never goes below it, nor does a case under `swarm.count` (unless the
   * budget refuses faults). Default 0.
   */
  minFaults?: number;
  /**
   * Most faults. Default 5. Every case draws this many (fewer only when a draw conflicts or
   * breaks the budget too often), unless `swarm.count` spreads the count down to `minFaults`.
   */
  maxFaults?: number;
  /** Every fault starts at or after `startMs` and ends by `horizonMs` (true ms). */
  horizonMs: number;
  /** Earliest start. Default 0. */
  startMs?: number;
  /** Latest start. Default: `horizonMs - 1 - minDurationMs`. */
  latestStartMs?: number;
  /**
   * Shortest fault, in ms. Default 10 (or less, to fit the window and `maxDurationMs`): a fault
   * shorter than a message's hop rarely changes anything, and with a 1 ms floor a log-uniform
   * draw spends a third of its faults below 10 ms. Set 1 to draw the shortest blips too.
   */
  minDurationMs?: number;
  /** Longest fault, in ms. Default: the whole window. */
  maxDurationMs?: number;
  /**
   * How durations are drawn between the shortest and the longest: `log-uniform` (default: a
   * 10 ms blip is as likely as a 1 s outage or a 100 s one) or `uniform`.
   */
  durations?: 'log-uniform' | 'uniform';
  /**
   * Swarm testing: which features each case draws afresh; see {@link SwarmOptions}. `true` turns
   * every dimension on, `false` every one off. Default `{ nodes: true, kinds: false, count: false }`:
   * every case draws `maxFaults` faults, and half of them aim at a random subset of the nodes.
   */
  swarm?: boolean | SwarmOptions;
  /** Faults that would break the budget (or overlap a fault of the same kind on the same target) are dropped. */
  budget?: FaultBudget;
  /** Custom failure models to generate (their kinds listed in `kinds`). */
  models?: readonly GeneratedFailureModel[];
  /**
   * What byzantine faults may also draw, besides `corrupt`, `drop`, `duplicate`, `replay` and
   * `forge`: `equivocate` on one of `fields` (each peer gets its own variant of the message's
   * value), `equivocate` through one of `derivations` (functions wrapped with `equivocation` that
   * the scenario registers with `sim.registerAdversary`), and `custom` with one of `adversaries`
   * (registered the same way). Default: none of them.
   */
  byzantine?: {
    /** Message fields an `equivocate` fault may flip, one variant per peer. */
    fields?: readonly string[];
    /** Names of registered `equivocation(...)` adversaries an `equivocate` fault may derive through. */
    derivations?: readonly string[];
    /** Names of registered adversaries a `custom` fault may use. */
    adversaries?: readonly string[];
  };
  /**
   * The cluster's failure domains (node or client id → `{ zone, rack, power }`, as
   * `sim.domains()` gives them). With them the generator can draw correlated faults: the kinds
   * of `domainFaultKinds` (`domain-outage`), which the default `kinds` then include. A
   * `domain-outage` names one of the single-kind domains the nodes declare and an effect, `crash`
   * or `partition` (`crash` only for a domain holding every node); it shrinks towards the first
   * domain (zones, then racks, then power feeds) and `crash`. Naming an unknown node is an error.
   */
  domains?: Readonly<Record<string, NodeDomains>>;
}

const OPTION_KEYS = ['nodes', 'clients', 'kinds', 'weights', 'targets', 'minFaults', 'maxFaults', 'horizonMs', 'startMs', 'latestStartMs', 'minDurationMs', 'maxDurationMs', 'durations', 'swarm', 'budget', 'models', 'byzantine', 'domains'];
const DEFAULT_KINDS: readonly GeneratedKind[] = ['crash', 'pause', 'partition'];
/** A fault shorter than this rarely outlasts a message's hop (the default latency is tens of ms). */
const DEFAULT_MIN_DURATION_MS = 10;
/** Kinds whose faults join two of their nodes. */
const PAIR_KINDS: readonly string[] = ['partition-one-way', 'link', 'traffic-spike'];
const builtInByKind = new Map(builtInFailureModels.map((model) => [model.kind, model]));

/**
 * An arbitrary of fault schedules: between `minFaults` and `maxFaults` faults, each with an
 * absolute start and its own duration, all ending by `horizonMs`. Because a fault carries its
 * whole life, shrinking can delete any one of them without leaving a partition unhealed or moving
 * another fault. Shrinking aims at the true minimum: it tries each fault alone first, then
 * deletions, then one fault widened to cover a deleted one, then simpler faults (earlier,
 * shorter, simplest parameters, nodes swapped towards the first ones). Faults that would conflict or break the budget are
 * dropped, so every schedule, and every shrink, injects cleanly.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(clusterSeed(), faultSchedule({ nodes, kinds: ['crash', 'partition'], maxFaults: 3, horizonMs: 8_000 }), (seed, faults) => {
 *   checkCluster(scenario, { seed, faults });
 * }));
 * ```
 */
export function faultSchedule(options: FaultScheduleOptions): fc.Arbitrary<FaultSchedule> {
  const settings = readOptions(options);
  const everyone = [...settings.nodes, ...settings.clients];
  const sourceOf = (kind: string, nodes: readonly string[]): KindSource => {
    const model = settings.models.get(kind);
    const draw: KindDraw = { ...settings, nodes, allNodes: settings.nodes, everyone };
    // ---- failure domains (issue 15): a domain outage names a domain, not nodes ----
    if (kind === domainOutageModel.kind && settings.domains !== undefined) {
      const what = domainOutageParams(everyone, settings.domains);
      return { kind, weight: settings.weights[kind] ?? 1, arbitrary: wholeFault(kind, draw, what, false), model: domainOutageModel, nodes, movable: false };
    }
    const what = model === undefined ? targetsOf(kind, draw) : model.arbitrary({ nodes, clients: settings.clients });
    return { kind, weight: settings.weights[kind] ?? 1, arbitrary: wholeFault(kind, draw, what, isPermanent(kind, model)), model: model ?? builtInByKind.get(kind)!, nodes, movable: model === undefined };
  };
  const sources = settings.kinds.map((kind) => sourceOf(kind, settings.targets[kind] ?? settings.nodes));
  // One source per (kind, focused nodes), made at first need: a few per search.
  const focused = new Map<string, KindSource>();
  const focus = (source: KindSource, subset: readonly string[]): KindSource => {
    // A custom model's arbitrary may assume its whole node list, and a domain outage names a domain: neither is focused.
    if (settings.models.has(source.kind) || source.kind === domainOutageModel.kind) return source;
    const nodes = source.nodes.filter((id) => subset.includes(id));
    const needed = PAIR_KINDS.includes(source.kind) ? 2 : 1;
    if (nodes.length < needed || nodes.length === source.nodes.length) return source;
    const key = `${source.kind}|${nodes.join(',')}`;
    let found = focused.get(key);
    if (found === undefined) focused.set(key, (found = { ...sourceOf(source.kind, nodes), whole: source }));
    return found;
  };
  const domains = settings.domains;
  const domainsOf = domains === undefined ? undefined : (id: string): Readonly<NodeDomains> | undefined => domains.get(id);
  return new ScheduleArbitrary({ sources, minFaults: settings.minFaults, maxFaults: settings.maxFaults, swarm: settings.swarm, focus, nodes: settings.nodes, minDurationMs: settings.minDurationMs, maxDurationMs: settings.maxDurationMs, everyone, budget: settings.budget, ...(domainsOf === undefined ? {} : { domainsOf }) });
}

/** A clock jump, or a custom model without `revert`, has no end: it is a step, not a state. */
function isPermanent(kind: string, model: GeneratedFailureModel | undefined): boolean {
  return model === undefined ? kind === 'clock-jump' : model.revert === undefined;
}

function wholeFault(kind: string, draw: KindDraw, what: fc.Arbitrary<Pick<Fault, 'target' | 'params'>>, permanent: boolean): fc.Arbitrary<Fault> {
  return fc.tuple(timing(draw), what).map(([when, target]) => (permanent ? { kind, atMs: when.atMs, ...target } : { kind, ...when, ...target }));
}

interface Settings {
  nodes: string[];
  clients: string[];
  kinds: string[];
  weights: Record<string, number>;
  targets: Record<string, readonly string[]>;
  models: Map<string, GeneratedFailureModel>;
  minFaults: number;
  maxFaults: number;
  horizonMs: number;
  startMs: number;
  latestStartMs: number;
  minDurationMs: number;
  maxDurationMs: number;
  durations: 'log-uniform' | 'uniform';
  swarm: SwarmDimensions;
  byzantine: ByzantineNames;
  budget: FaultBudget | undefined;
  domains: Map<string, Readonly<NodeDomains>> | undefined;
}

function readOptions(options: FaultScheduleOptions): Settings {
  const raw: unknown = options;
  requireObject(raw, 'faultSchedule(options)');
  rejectUnknownKeys(raw, 'faultSchedule(options)', OPTION_KEYS);
  const nodes = nodeIds(options.nodes, 'nodes', 1);
  const clients = nodeIds(orDefault<unknown>(options.clients, []), 'clients', 0);
  const models = readModels(options.models);
  const domains = options.domains === undefined ? undefined : readDomainMap(options.domains, [...nodes, ...clients], 'domains');
  const kinds = readKinds(options.kinds, models, nodes.length, domains !== undefined);
  const { minFaults, maxFaults } = readCounts(options);
  const window = readWindow(options);
  return {
    nodes, clients, kinds, models, minFaults, maxFaults, ...window,
    weights: readWeights(options.weights, kinds),
    targets: readTargets(options.targets, kinds.filter((kind) => kind !== domainOutageModel.kind), nodes),
    durations: readDurations(options.durations),
    swarm: readSwarm(options.swarm),
    byzantine: readByzantine(options.byzantine),
    budget: options.budget === undefined ? undefined : validateBudget(options.budget, 'budget'),
    domains,
  };
}

function nodeIds(value: unknown, field: string, minimum: number, what = 'node ids'): string[] {
  if (!Array.isArray(value) || value.length < minimum || !value.every((id) => typeof id === 'string')) {
    throw new InvalidArgumentError(field, value, minimum > 0 ? `a non-empty array of ${what}` : `an array of ${what}`);
  }
  if (new Set(value).size !== value.length) throw new InvalidArgumentError(field, value, `${what} without repeats`);
  return [...value] as string[];
}

function readModels(value: unknown): Map<string, GeneratedFailureModel> {
  const models = new Map<string, GeneratedFailureModel>();
  if (value === undefined) return models;
  if (!Array.isArray(value)) throw new InvalidArgumentError('models', value, 'an array of failure models with an arbitrary');
  value.forEach((model: unknown, index) => {
    const field = `models[${index}]`;
    requireObject(model, field);
    requireString(model['kind'], `${field}.kind`);
    for (const method of ['validate', 'apply', 'arbitrary']) requireFunction(model[method], `${field}.${method}`);
    if (builtInByKind.has(model['kind']) || models.has(model['kind'])) throw new InvalidArgumentError(`${field}.kind`, model['kind'], 'a kind that is neither built in nor listed twice');
    models.set(model['kind'], model as unknown as GeneratedFailureModel);
  });
  return models;
}

function readKinds(value: unknown, models: ReadonlyMap<string, GeneratedFailureModel>, nodeCount: number, hasDomains: boolean): string[] {
  // A cluster with domains gets correlated faults by default; one without draws exactly as before.
  const kinds = orDefault(value, hasDomains ? [...DEFAULT_KINDS, ...domainFaultKinds] : DEFAULT_KINDS);
  // Degradation kinds are drawn only when named, so the default mixes (and the searches pinned on them) stay as they were.
  const known = [...generatedKinds, ...degradationKinds, ...(hasDomains ? domainFaultKinds : []), ...models.keys()];
  if (!Array.isArray(kinds) || kinds.length === 0) throw new InvalidArgumentError('kinds', kinds, `a non-empty array of ${known.join(', ')}`);
  kinds.forEach((kind: unknown, index) => {
    if (!hasDomains && (domainFaultKinds as readonly unknown[]).includes(kind)) throw new InvalidArgumentError(`kinds[${index}]`, kind, `one of ${known.join(', ')} ('${String(kind)}' needs the cluster's domains: pass domains)`);
    if (!known.includes(kind as string)) throw new InvalidArgumentError(`kinds[${index}]`, kind, `one of ${known.join(', ')}`);
    if (nodeCount < 2 && (PAIR_KINDS.includes(kind as string) || kind === 'partition' || kind === 'isolate')) throw new InvalidArgumentError(`kinds[${index}]`, kind, 'a single-node kind: it needs two nodes');
    if (nodeCount < 3 && kind === 'bridge') throw new InvalidArgumentError(`kinds[${index}]`, kind, 'a kind for fewer nodes: a bridge needs three');
  });
  if (new Set(kinds).size !== kinds.length) throw new InvalidArgumentError('kinds', kinds, 'kinds without repeats (use weights to favour one)');
  return [...kinds] as string[];
}

function readCounts(options: FaultScheduleOptions): { minFaults: number; maxFaults: number } {
  const maxFaults = orDefault(options.maxFaults, 5);
  requirePositiveInteger(maxFaults, 'maxFaults', 1_000);
  const minFaults = orDefault(options.minFaults, 0);
  if (!Number.isInteger(minFaults) || minFaults < 0 || minFaults > maxFaults) throw new InvalidArgumentError('minFaults', minFaults, `an integer in [0, maxFaults] ([0, ${maxFaults}])`);
  return { minFaults, maxFaults };
}

function readWindow(options: FaultScheduleOptions): Pick<Settings, 'horizonMs' | 'startMs' | 'latestStartMs' | 'minDurationMs' | 'maxDurationMs'> {
  requirePositive(options.horizonMs, 'horizonMs');
  const startMs = orDefault(options.startMs, 0);
  requireNonNegative(startMs, 'startMs');
  if (!(startMs + 1 < options.horizonMs) || !Number.isFinite(options.horizonMs)) throw new InvalidArgumentError('horizonMs', options.horizonMs, `a finite time > startMs + 1 (${startMs + 1} ms)`);
  const windowMs = Math.floor(options.horizonMs - startMs);
  if (windowMs < 2) throw new InvalidArgumentError('horizonMs', options.horizonMs, `a time at least 2 ms after startMs (${startMs} ms), so a fault fits`);
  const maxDurationMs = orDefault(options.maxDurationMs, windowMs);
  requirePositiveInteger(maxDurationMs, 'maxDurationMs', windowMs);
  // The default floor gives way to the window, maxDurationMs and a late latestStartMs the user set.
  const roomAfterLatestMs = typeof options.latestStartMs === 'number' && Number.isFinite(options.latestStartMs) ? Math.floor(Math.ceil(options.horizonMs) - 1 - options.latestStartMs) : Infinity;
  const minDurationMs = orDefault(options.minDurationMs, Math.max(1, Math.min(DEFAULT_MIN_DURATION_MS, windowMs - 1, maxDurationMs, roomAfterLatestMs)));
  requirePositiveInteger(minDurationMs, 'minDurationMs', windowMs - 1);
  if (maxDurationMs < minDurationMs) throw new InvalidArgumentError('maxDurationMs', maxDurationMs, `an integer >= minDurationMs (${minDurationMs})`);
  const earliestMs = Math.ceil(startMs);
  const lastStartMs = Math.max(earliestMs, Math.ceil(options.horizonMs) - 1 - minDurationMs);
  const latestStartMs = orDefault(options.latestStartMs, lastStartMs);
  requireFinite(latestStartMs, 'latestStartMs');
  if (latestStartMs < earliestMs || latestStartMs > lastStartMs) throw new InvalidArgumentError('latestStartMs', latestStartMs, `a time in [startMs, horizonMs - 1 - minDurationMs] ([${earliestMs}, ${lastStartMs}] ms)`);
  return { horizonMs: options.horizonMs, startMs: earliestMs, latestStartMs: Math.floor(latestStartMs), minDurationMs, maxDurationMs };
}

function readDurations(value: unknown): 'log-uniform' | 'uniform' {
  if (value === undefined) return 'log-uniform';
  requireOneOf(value, 'durations', ['log-uniform', 'uniform']);
  return value;
}

function readByzantine(value: unknown): ByzantineNames {
  if (value === undefined) return { fields: [], derivations: [], adversaries: [] };
  requireObject(value, 'byzantine');
  rejectUnknownKeys(value, 'byzantine', ['fields', 'derivations', 'adversaries']);
  const names = (key: string): string[] => (value[key] === undefined ? [] : nodeIds(value[key], `byzantine.${key}`, 1, 'names'));
  return { fields: names('fields'), derivations: names('derivations'), adversaries: names('adversaries') };
}

function readWeights(value: unknown, kinds: readonly string[]): Record<string, number> {
  if (value === undefined) return {};
  requireObject(value, 'weights');
  rejectUnknownKeys(value, 'weights', kinds);
  for (const [kind, weight] of Object.entries(value)) {
    requirePositive(weight, `weights.${kind}`);
    requireFinite(weight, `weights.${kind}`, 'a positive finite number');
  }
  return { ...(value as Record<string, number>) };
}

function readTargets(value: unknown, kinds: readonly string[], nodes: readonly string[]): Record<string, readonly string[]> {
  if (value === undefined) return {};
  requireObject(value, 'targets');
  rejectUnknownKeys(value, 'targets', kinds);
  const targets: Record<string, readonly string[]> = {};
  for (const [kind, list] of Object.entries(value)) {
    const ids = nodeIds(list, `targets.${kind}`, PAIR_KINDS.includes(kind) ? 2 : 1);
    const stranger = ids.find((id) => !nodes.includes(id));
    if (stranger !== undefined) throw new InvalidArgumentError(`targets.${kind}`, list, `ids from nodes (${nodes.join(', ')}); not: ${stranger}`);
    targets[kind] = ids;
  }
  return targets;
}
