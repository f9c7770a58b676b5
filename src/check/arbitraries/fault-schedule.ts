import fc from 'fast-check';
import { InvalidArgumentError } from '../../errors.js';
import { conflictsWithAccepted } from '../../faults/admission.js';
import { findBudgetViolation, validateBudget, type BudgetedFault, type FaultBudget } from '../../faults/budget.js';
import { builtInFailureModels } from '../../faults/built-in-models.js';
import type { Fault, FaultSchedule } from '../../faults/fault.js';
import { nemesisKinds } from '../../faults/nemesis.js';
import { orDefault, rejectUnknownKeys, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from '../../validate.js';

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
 * What {@link faultSchedule} generates.
 *
 * @example
 * ```ts
 * const options: FaultScheduleOptions = { nodes: ['n1', 'n2', 'n3'], kinds: ['crash', 'partition'], maxFaults: 4, horizonMs: 10_000, budget: { maxNodesDown: 1 } };
 * ```
 */
export interface FaultScheduleOptions {
  /** Nodes the faults may hit. */
  nodes: readonly string[];
  /** Other nodes of the cluster (clients): never targeted, but a partition puts each on a side. */
  clients?: readonly string[];
  /**
   * Kinds to generate (any of {@link generatedKinds}). Default: `crash`, `pause`, `partition`.
   * Parameters are drawn from these ranges: link loss 10–90 % or latency ×2–20; slow node ×2–20;
   * clock skew and jump ±2 s, drift ±5,000 ppm; omission 10–90 %; byzantine `corrupt`, `drop`,
   * `duplicate` (2–3 copies), `replay` or `forge` (as another node), with probability 10–100 %;
   * capacity 10–1,000 messages/s with an inbox of 10–1,000; a traffic spike of 100–5,000
   * messages/s from another node; disk write failures 10–100 %. A clock jump is permanent (no
   * duration); every other fault ends by `horizonMs`.
   */
  kinds?: readonly GeneratedKind[];
  /** At most this many faults. Default 5. */
  maxFaults?: number;
  /** Every fault starts at or after `startMs` and ends by `horizonMs` (true ms). */
  horizonMs: number;
  /** Earliest start. Default 0. */
  startMs?: number;
  /** Shortest fault, in ms. Default 1. */
  minDurationMs?: number;
  /** Longest fault, in ms. Default: the whole window. */
  maxDurationMs?: number;
  /** Faults that would break the budget (or overlap a fault of the same kind on the same target) are dropped. */
  budget?: FaultBudget;
}

const OPTION_KEYS = ['nodes', 'clients', 'kinds', 'maxFaults', 'horizonMs', 'startMs', 'minDurationMs', 'maxDurationMs', 'budget'];
const DEFAULT_KINDS: readonly GeneratedKind[] = ['crash', 'pause', 'partition'];
/** Kinds that need two nodes, and `bridge` three. */
const NETWORK_KINDS: readonly GeneratedKind[] = ['partition', 'isolate', 'partition-one-way', 'link', 'bridge', 'traffic-spike'];
const modelsByKind = new Map(builtInFailureModels.map((model) => [model.kind, model]));

/**
 * An arbitrary of fault schedules: up to `maxFaults` faults, each with an absolute start and its
 * own duration, all ending by `horizonMs`. Because a fault carries its whole life, shrinking can
 * delete any one of them without leaving a partition unhealed or moving another fault; it also
 * shrinks starts earlier, durations shorter and targets towards the first node. Faults that
 * would conflict or break the budget are dropped, so every schedule injects cleanly.
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
  const fault = fc.oneof(...settings.kinds.map((kind) => faultOfKind(kind, settings)));
  return fc.array(fault, { maxLength: settings.maxFaults }).map((faults) => admit(faults, settings));
}

type Settings = Required<Omit<FaultScheduleOptions, 'budget'>> & { budget: FaultBudget | undefined };

function readOptions(options: FaultScheduleOptions): Settings {
  const raw: unknown = options;
  requireObject(raw, 'faultSchedule(options)');
  rejectUnknownKeys(raw, 'faultSchedule(options)', OPTION_KEYS);
  const nodes = nodeIds(options.nodes, 'nodes', 1);
  const clients = nodeIds(orDefault<unknown>(options.clients, []), 'clients', 0);
  const kinds = orDefault(options.kinds, DEFAULT_KINDS);
  if (!Array.isArray(kinds) || kinds.length === 0) throw new InvalidArgumentError('kinds', kinds, `a non-empty array of ${generatedKinds.join(', ')}`);
  kinds.forEach((kind, index) => {
    if (!(generatedKinds as readonly string[]).includes(kind)) throw new InvalidArgumentError(`kinds[${index}]`, kind, `one of ${generatedKinds.join(', ')}`);
    if (nodes.length < 2 && NETWORK_KINDS.includes(kind)) throw new InvalidArgumentError(`kinds[${index}]`, kind, 'a single-node kind: it needs two nodes');
    if (nodes.length < 3 && kind === 'bridge') throw new InvalidArgumentError(`kinds[${index}]`, kind, 'a kind for fewer nodes: a bridge needs three');
  });
  const maxFaults = orDefault(options.maxFaults, 5);
  requirePositiveInteger(maxFaults, 'maxFaults', 1_000);
  requirePositive(options.horizonMs, 'horizonMs');
  const startMs = orDefault(options.startMs, 0);
  requireNonNegative(startMs, 'startMs');
  if (!(startMs + 1 < options.horizonMs) || !Number.isFinite(options.horizonMs)) throw new InvalidArgumentError('horizonMs', options.horizonMs, `a finite time > startMs + 1 (${startMs + 1} ms)`);
  const windowMs = Math.floor(options.horizonMs - startMs);
  if (windowMs < 2) throw new InvalidArgumentError('horizonMs', options.horizonMs, `a time at least 2 ms after startMs (${startMs} ms), so a fault fits`);
  const minDurationMs = orDefault(options.minDurationMs, 1);
  requirePositiveInteger(minDurationMs, 'minDurationMs', windowMs - 1);
  const maxDurationMs = orDefault(options.maxDurationMs, windowMs);
  requirePositiveInteger(maxDurationMs, 'maxDurationMs', windowMs);
  if (maxDurationMs < minDurationMs) throw new InvalidArgumentError('maxDurationMs', maxDurationMs, `an integer >= minDurationMs (${minDurationMs})`);
  const budget = options.budget === undefined ? undefined : validateBudget(options.budget, 'budget');
  return { nodes, clients, kinds, maxFaults, horizonMs: options.horizonMs, startMs, minDurationMs, maxDurationMs, budget };
}

function nodeIds(value: unknown, field: string, minimum: number): string[] {
  if (!Array.isArray(value) || value.length < minimum || !value.every((id) => typeof id === 'string')) {
    throw new InvalidArgumentError(field, value, minimum > 0 ? 'a non-empty array of node ids' : 'an array of node ids');
  }
  if (new Set(value).size !== value.length) throw new InvalidArgumentError(field, value, 'node ids without repeats');
  return [...value] as string[];
}

/** Start and duration: integers, shrinking to the earliest start and the shortest duration. */
function timing(settings: Settings): fc.Arbitrary<{ atMs: number; durationMs: number }> {
  const lastStartMs = Math.ceil(settings.horizonMs) - 1 - settings.minDurationMs;
  return fc
    .record({ atMs: fc.integer({ min: Math.ceil(settings.startMs), max: Math.max(Math.ceil(settings.startMs), lastStartMs) }), durationMs: fc.integer({ min: settings.minDurationMs, max: settings.maxDurationMs }) })
    .map(({ atMs, durationMs }) => ({ atMs, durationMs: Math.max(1, Math.min(durationMs, Math.floor(settings.horizonMs) - atMs)) }));
}

function faultOfKind(kind: GeneratedKind, settings: Settings): fc.Arbitrary<Fault> {
  // A clock jump has no end: it is a step, not a state (the model has nothing to revert).
  if (kind === 'clock-jump') return fc.tuple(timing(settings), targetsOf(kind, settings)).map(([when, what]) => ({ kind, atMs: when.atMs, ...what }));
  return fc.tuple(timing(settings), targetsOf(kind, settings)).map(([when, what]) => ({ kind, ...when, ...what }));
}

function targetsOf(kind: GeneratedKind, settings: Settings): fc.Arbitrary<Pick<Fault, 'target' | 'params'>> {
  const node = fc.constantFrom(...settings.nodes);
  const pair = fc.tuple(fc.nat({ max: settings.nodes.length - 1 }), fc.nat({ max: Math.max(0, settings.nodes.length - 2) })).map(([first, offset]) => {
    const second = (first + 1 + offset) % settings.nodes.length;
    return [settings.nodes[first]!, settings.nodes[second]!] as const;
  });
  switch (kind) {
    case 'crash':
    case 'pause':
    case 'isolate':
      return node.map((target) => ({ target }));
    case 'partition':
      return partitionGroups(settings).map((groups) => ({ params: { groups } }));
    case 'partition-one-way':
      return pair.map(([from, to]) => ({ params: { from: [from], to: [to] } }));
    case 'link':
      return fc
        .tuple(pair, fc.boolean(), fc.oneof(fc.integer({ min: 10, max: 90 }).map((percent) => ({ lossProbability: percent / 100 })), fc.integer({ min: 2, max: 20 }).map((latencyFactor) => ({ latencyFactor }))))
        .map(([[from, to], bothWays, model]) => ({ params: { links: [[from, to]], bothWays, model } }));
    case 'slow-node':
      return fc.tuple(node, fc.integer({ min: 2, max: 20 })).map(([target, latencyFactor]) => ({ target, params: { model: { latencyFactor } } }));
    case 'clock-skew':
      return fc.tuple(node, fc.integer({ min: -2_000, max: 2_000 })).map(([target, deltaMs]) => ({ target, params: { deltaMs } }));
    case 'clock-drift':
      return fc.tuple(node, fc.integer({ min: -5_000, max: 5_000 })).map(([target, driftPpm]) => ({ target, params: { driftPpm } }));
    case 'omission':
      return fc.tuple(node, fc.integer({ min: 10, max: 90 })).map(([target, percent]) => ({ target, params: { sendProbability: percent / 100 } }));
    case 'bridge':
      return bridgeSides(settings).map(([bridge, first, second]) => ({ params: { bridge, sides: [first, second] } }));
    case 'byzantine':
      return pair.chain(([target, other]) => byzantineParams(other).map((params) => ({ target, params })));
    case 'capacity':
      return fc.tuple(node, fc.integer({ min: 10, max: 1_000 }), fc.integer({ min: 10, max: 1_000 })).map(([target, messagesPerSec, inboxLimit]) => ({ target, params: { messagesPerSec, inboxLimit } }));
    case 'traffic-spike':
      return fc.tuple(pair, fc.integer({ min: 100, max: 5_000 })).map(([[target, from], ratePerSec]) => ({ target, params: { from, ratePerSec, message: { type: 'spike' } } }));
    case 'clock-jump':
      return fc.tuple(node, fc.integer({ min: -2_000, max: 2_000 })).map(([target, deltaMs]) => ({ target, params: { deltaMs } }));
    case 'disk-unsynced-loss':
    case 'disk-full':
      return node.map((target) => ({ target }));
    case 'disk-write-fail':
      return fc.tuple(node, fc.integer({ min: 10, max: 100 })).map(([target, percent]) => ({ target, params: { probability: percent / 100 } }));
  }
}

/** A byzantine behaviour and its parameters; `other` is a node it may forge. Shrinks to `corrupt` always. */
function byzantineParams(other: string): fc.Arbitrary<Record<string, unknown>> {
  const probability = fc.integer({ min: 10, max: 100 }).map((percent) => 1 - (percent - 10) / 100);
  return fc.oneof(
    probability.map((p) => ({ behaviour: 'corrupt', probability: p })),
    probability.map((p) => ({ behaviour: 'drop', probability: p })),
    fc.integer({ min: 2, max: 3 }).map((copies) => ({ behaviour: 'duplicate', copies })),
    probability.map((p) => ({ behaviour: 'replay', probability: p })),
    fc.constant({ behaviour: 'forge', as: other }),
  );
}

/** A bridge node and the two sides it alone joins, covering every node and client. */
function bridgeSides(settings: Settings): fc.Arbitrary<[string, string[], string[]]> {
  const everyone = [...settings.nodes, ...settings.clients];
  return fc.tuple(fc.nat({ max: settings.nodes.length - 1 }), fc.array(fc.boolean(), { minLength: everyone.length, maxLength: everyone.length })).map(([bridgeIndex, drawn]) => {
    const bridge = settings.nodes[bridgeIndex]!;
    const rest = everyone.filter((id) => id !== bridge);
    const sides = rest.map((_, index) => drawn[index]!);
    // Both sides must hold a node: the first two of the rest go to different sides if need be.
    if (sides.every((side) => side === sides[0])) sides[0] = !sides[0];
    return [bridge, rest.filter((_, index) => sides[index]), rest.filter((_, index) => !sides[index])];
  });
}

/**
 * Two groups covering every node and client: one side flag per node, shrinking to "the first
 * node alone" (a minority of one), the simplest partition there is.
 */
function partitionGroups(settings: Settings): fc.Arbitrary<string[][]> {
  const everyone = [...settings.nodes, ...settings.clients];
  return fc.array(fc.boolean(), { minLength: everyone.length, maxLength: everyone.length }).map((drawn) => {
    const sides = [...drawn]; // a mapper must not change the value fast-check keeps for shrinking
    const nodeSides = sides.slice(0, settings.nodes.length);
    if (nodeSides.every((side) => side === nodeSides[0])) sides[0] = !sides[0];
    const apart = everyone.filter((_, index) => sides[index]);
    const rest = everyone.filter((_, index) => !sides[index]);
    return [apart, rest];
  });
}

/** Sorts by start and keeps each fault that neither conflicts with nor breaks the budget of those kept. */
function admit(faults: readonly Fault[], settings: Settings): FaultSchedule {
  const sorted = faults.map((fault, index) => ({ fault, index })).sort((first, second) => first.fault.atMs - second.fault.atMs || first.index - second.index);
  const accepted: BudgetedFault[] = [];
  const nodeList = { nodeIds: () => [...settings.nodes, ...settings.clients] };
  for (const { fault } of sorted) {
    const candidate = { fault, model: modelsByKind.get(fault.kind)! };
    if (conflictsWithAccepted(candidate, accepted)) continue;
    if (settings.budget !== undefined && findBudgetViolation([...accepted, candidate], nodeList, settings.budget) !== undefined) continue;
    accepted.push(candidate);
  }
  return accepted.map(({ fault }) => fault);
}
