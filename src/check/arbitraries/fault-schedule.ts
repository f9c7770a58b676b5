import fc from 'fast-check';
import { InvalidArgumentError } from '../../errors.js';
import { conflictsWithAccepted } from '../../faults/admission.js';
import { findBudgetViolation, validateBudget, type BudgetedFault, type FaultBudget } from '../../faults/budget.js';
import { builtInFailureModels } from '../../faults/built-in-models.js';
import type { Fault, FaultSchedule } from '../../faults/fault.js';
import { nemesisKinds, type NemesisKind } from '../../faults/nemesis.js';
import { orDefault, rejectUnknownKeys, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from '../../validate.js';

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
  /** Kinds to generate. Default: `crash`, `pause`, `partition`. */
  kinds?: readonly NemesisKind[];
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
const DEFAULT_KINDS: readonly NemesisKind[] = ['crash', 'pause', 'partition'];
const NETWORK_KINDS: readonly NemesisKind[] = ['partition', 'isolate', 'partition-one-way', 'link'];
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
  if (!Array.isArray(kinds) || kinds.length === 0) throw new InvalidArgumentError('kinds', kinds, `a non-empty array of ${nemesisKinds.join(', ')}`);
  kinds.forEach((kind, index) => {
    if (!(nemesisKinds as readonly string[]).includes(kind)) throw new InvalidArgumentError(`kinds[${index}]`, kind, `one of ${nemesisKinds.join(', ')}`);
    if (nodes.length < 2 && NETWORK_KINDS.includes(kind)) throw new InvalidArgumentError(`kinds[${index}]`, kind, 'a single-node kind: it needs two nodes');
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

function faultOfKind(kind: NemesisKind, settings: Settings): fc.Arbitrary<Fault> {
  return fc.tuple(timing(settings), targetsOf(kind, settings)).map(([when, what]) => ({ kind, ...when, ...what }));
}

function targetsOf(kind: NemesisKind, settings: Settings): fc.Arbitrary<Pick<Fault, 'target' | 'params'>> {
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
  }
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
