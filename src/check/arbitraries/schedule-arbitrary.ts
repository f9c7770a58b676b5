import fc from 'fast-check';
import { conflictsWithAccepted } from '../../faults/admission.js';
import { findBudgetViolation, type BudgetedFault, type FaultBudget } from '../../faults/budget.js';
import type { FailureModel } from '../../faults/failure-model.js';
import type { Fault, FaultSchedule } from '../../faults/fault.js';
import type { SwarmDimensions } from './swarm.js';
import type { NodeDomains } from '../../world/failure-domains.js';

/**
 * One kind the generator may draw, as {@link ScheduleArbitrary} needs it. Internal.
 *
 * @example
 * ```ts
 * const source: KindSource = { kind: 'crash', weight: 1, arbitrary: crashes, model: crashModel, nodes: ['n1', 'n2'], movable: true };
 * ```
 */
export interface KindSource {
  readonly kind: string;
  /** Relative chance among the enabled kinds. */
  readonly weight: number;
  /** Whole faults of this kind: start, duration (unless permanent), target and params. */
  readonly arbitrary: fc.Arbitrary<Fault>;
  /** Its failure model: conflict keys and budget accounting for admission. */
  readonly model: FailureModel;
  /** The nodes it may target, first first: a fault the shrinker made moves its target there. */
  readonly nodes: readonly string[];
  /**
   * Whether the shrinker may swap the nodes a fault names: true for the built-in kinds, false for
   * a custom model, whose params may tie nodes together in ways only its `validate` knows.
   */
  readonly movable: boolean;
  /** For a source focused on some of the kind's nodes: the kind's source over all of them. */
  readonly whole?: KindSource;
}

/**
 * What shapes the schedules. Internal.
 *
 * @example
 * ```ts
 * const shape: ScheduleShape = { sources, minFaults: 0, maxFaults: 4, swarm: { kinds: false, nodes: true, count: false }, focus, nodes: ['n1', 'n2'], minDurationMs: 1, maxDurationMs: 5_000, everyone: ['n1', 'n2'], budget: undefined };
 * ```
 */
export interface ScheduleShape {
  readonly sources: readonly KindSource[];
  readonly minFaults: number;
  readonly maxFaults: number;
  /** Which of a case's features are drawn per case (swarm testing). */
  readonly swarm: SwarmDimensions;
  /** The source of a kind restricted to some of its nodes, or the source itself if that leaves it too few (cached by the caller). */
  readonly focus: (source: KindSource, nodes: readonly string[]) => KindSource;
  /** Every node faults may target. */
  readonly nodes: readonly string[];
  readonly minDurationMs: number;
  /** A widened fault stays within the generator's longest. */
  readonly maxDurationMs: number;
  /** Every node and client, for budget checks. */
  readonly everyone: readonly string[];
  readonly budget: FaultBudget | undefined;
  /** The nodes' failure domains, when the cluster has some: a domain outage's nodes depend on them (issue 15). */
  readonly domainsOf?: (id: string) => Readonly<NodeDomains> | undefined;
}

/** A fault as the shrinker keeps it: its kind's source and fast-check's context, if it has one. */
interface Gene {
  readonly fault: Fault;
  readonly source: KindSource;
  /** fast-check's context for `fault`; undefined for a fault the shrinker made (by widening). */
  readonly context: unknown;
}

interface ScheduleContext {
  readonly genes: readonly Gene[];
  /**
   * Faults already tried on their own (and the empty schedule) by an ancestor of this case: they
   * passed, since the shrinker went on to a later candidate, so they are not tried again.
   * Undefined: not even the empty schedule was tried.
   */
  readonly triedAlone: ReadonlySet<Fault> | undefined;
}

/** Draws beyond the case's fault count, for faults the budget or a conflict refuses. */
const EXTRA_DRAWS = 4;
/** The mark of a case whose ancestors tried the empty schedule but no fault alone. */
const NOTHING_ALONE: ReadonlySet<Fault> = new Set();
/** Kind weights are scaled to integers of this resolution for fast-check's integer draws. */
const WEIGHT_RESOLUTION = 1_000_000;

/**
 * Fault schedules with their own shrinker, so a failing case shrinks to the true minimum rather
 * than a local one. A case has `maxFaults` faults, or, under swarm testing of the count, a
 * number uniform over [minFaults, maxFaults]; under swarm testing of kinds, a random subset of
 * the kinds is enabled (each with even odds), and under swarm testing of nodes, half the cases
 * aim every fault at a random subset of the nodes (each kept with even odds). Faults of the
 * enabled kinds are drawn by weight; a fault that conflicts with another or breaks the budget is
 * replaced by a fresh draw (a few times at most). The shrinker tries, in order: no faults; each
 * fault on its own; deleting each fault; deleting one fault while widening another of the same
 * kind to cover it (which also merges overlapping faults); then each fault made simpler (earlier,
 * shorter, simplest parameters, nodes swapped towards the first ones). Every candidate is admitted like a generated case,
 * so shrinking only ever tries schedules that inject. Internal: {@link faultSchedule} builds it.
 *
 * @example
 * ```ts
 * const schedules = new ScheduleArbitrary(shape);
 * ```
 */
export class ScheduleArbitrary extends fc.Arbitrary<FaultSchedule> {
  constructor(private readonly shape: ScheduleShape) {
    super();
  }

  generate(mrng: fc.Random): fc.Value<FaultSchedule> {
    const { swarm, minFaults, maxFaults } = this.shape;
    let enabled = swarm.kinds ? this.kindsOf(mrng) : this.shape.sources;
    if (swarm.nodes && mrng.nextInt(0, 1) === 1) {
      const focused = this.nodesOf(mrng);
      enabled = enabled.map((source) => this.shape.focus(source, focused));
    }
    const count = swarm.count ? mrng.nextInt(minFaults, maxFaults) : maxFaults;
    let genes: Gene[] = [];
    for (let draw = 0; genes.length < count && draw < count + EXTRA_DRAWS; draw++) {
      const source = pickWeighted(enabled, mrng);
      // No bias towards small values: the distributions are the documented ones.
      const value = source.arbitrary.generate(mrng, undefined);
      genes = this.admit([...genes, { fault: value.value, source, context: value.context }]);
    }
    return valueOf({ genes, triedAlone: undefined });
  }

  canShrinkWithoutContext(value: unknown): value is FaultSchedule {
    void value;
    return false;
  }

  shrink(value: FaultSchedule, context: unknown): fc.Stream<fc.Value<FaultSchedule>> {
    if (!isScheduleContext(context) || context.genes.length !== value.length) return fc.Stream.nil();
    return new fc.Stream(this.candidates(context)).map(valueOf);
  }

  /** Swarm over kinds: each kind is enabled with even odds; at least one always is. */
  private kindsOf(mrng: fc.Random): readonly KindSource[] {
    const enabled = this.shape.sources.filter(() => mrng.nextInt(0, 1) === 1);
    return enabled.length > 0 ? enabled : [this.shape.sources[mrng.nextInt(0, this.shape.sources.length - 1)]!];
  }

  /** Swarm over nodes: each node is kept with even odds; at least one always is. */
  private nodesOf(mrng: fc.Random): readonly string[] {
    const { nodes } = this.shape;
    const kept = nodes.filter(() => mrng.nextInt(0, 1) === 1);
    return kept.length > 0 ? kept : [nodes[mrng.nextInt(0, nodes.length - 1)]!];
  }

  /** Smaller or simpler schedules, most promising first, each admitted like a generated one. */
  private *candidates({ genes, triedAlone }: ScheduleContext): Generator<ScheduleContext> {
    const { minFaults } = this.shape;
    const count = genes.length;
    if (count > 0 && minFaults === 0 && triedAlone === undefined) yield { genes: [], triedAlone: undefined };
    if (count > 1 && minFaults <= 1) {
      for (const gene of genes) if (triedAlone?.has(gene.fault) !== true) yield { genes: [gene], triedAlone: NOTHING_ALONE };
    }
    // Each later candidate's singles (and the empty schedule) were tried above and passed.
    const tried = new Set([...(triedAlone ?? []), ...genes.map((gene) => gene.fault)]);
    const marked = (next: Gene[]): ScheduleContext => ({ genes: next, triedAlone: tried });
    if (count > minFaults) for (let index = 0; index < count; index++) yield marked(without(genes, index));
    if (count - 1 >= minFaults) for (const next of this.widenings(genes)) yield marked(next);
    for (let index = 0; index < count; index++) {
      for (const simpler of this.simplerFaults(genes[index]!)) {
        const next = this.admit(genes.map((gene, at) => (at === index ? simpler : gene)));
        if (next.length >= minFaults) yield marked(next);
      }
    }
  }

  /** Deletes one fault and widens another of the same kind to cover its span. */
  private *widenings(genes: readonly Gene[]): Generator<Gene[]> {
    for (let keep = 0; keep < genes.length; keep++) {
      for (let drop = 0; drop < genes.length; drop++) {
        const kept = genes[keep]!.fault;
        const dropped = genes[drop]!.fault;
        if (keep === drop || kept.kind !== dropped.kind || kept.durationMs === undefined || dropped.durationMs === undefined) continue;
        const atMs = Math.min(kept.atMs, dropped.atMs);
        const endMs = Math.max(kept.atMs + kept.durationMs, dropped.atMs + dropped.durationMs);
        if (atMs === kept.atMs && endMs === kept.atMs + kept.durationMs) continue; // plain deletion, tried already
        if (endMs - atMs > this.shape.maxDurationMs) continue;
        // A made fault shrinks over the kind's whole node list, focused or not.
        const source = genes[keep]!.source.whole ?? genes[keep]!.source;
        const widened: Gene = { fault: { ...kept, atMs, durationMs: endMs - atMs }, source, context: undefined };
        const candidate = this.admit(without(genes, drop).map((gene) => (gene === genes[keep] ? widened : gene)));
        if (candidate.length >= this.shape.minFaults) yield candidate;
      }
    }
  }

  /**
   * fast-check's shrinks of a drawn fault, then the same fault with its nodes swapped towards the
   * kind's first ones (over all the kind's nodes, though it was drawn in a focused case); for one
   * the shrinker made: shorter, then swapped the same way.
   */
  private *simplerFaults(gene: Gene): Generator<Gene> {
    if (gene.context !== undefined) {
      for (const value of gene.source.arbitrary.shrink(gene.fault, gene.context)) yield { fault: value.value, source: gene.source, context: value.context };
      // fast-check cannot carry a partition from one node to another, nor a focused fault off its focus.
      const source = gene.source.whole ?? gene.source;
      if (source.movable) for (const moved of swapsTowardsFirst(gene.fault, source.nodes)) yield { fault: moved, source, context: undefined };
      return;
    }
    const { fault, source } = gene;
    if (fault.durationMs !== undefined && fault.durationMs > this.shape.minDurationMs) {
      for (const durationMs of new Set([this.shape.minDurationMs, Math.ceil((fault.durationMs + this.shape.minDurationMs) / 2), fault.durationMs - 1])) {
        if (durationMs < fault.durationMs) yield { fault: { ...fault, durationMs }, source, context: undefined };
      }
    }
    if (source.movable) for (const moved of swapsTowardsFirst(fault, source.nodes)) yield { fault: moved, source, context: undefined };
  }

  /** Sorts by start and keeps each fault that neither conflicts with nor breaks the budget of those kept. */
  private admit(genes: readonly Gene[]): Gene[] {
    const sorted = genes.map((gene, index) => ({ gene, index })).sort((first, second) => first.gene.fault.atMs - second.gene.fault.atMs || first.index - second.index);
    const accepted: BudgetedFault[] = [];
    const kept: Gene[] = [];
    const nodeList = { nodeIds: () => [...this.shape.everyone], domainsOf: this.shape.domainsOf };
    for (const { gene } of sorted) {
      const candidate = { fault: gene.fault, model: gene.source.model };
      if (conflictsWithAccepted(candidate, accepted, nodeList)) continue;
      if (this.shape.budget !== undefined && findBudgetViolation([...accepted, candidate], nodeList, this.shape.budget) !== undefined) continue;
      accepted.push(candidate);
      kept.push(gene);
    }
    return kept;
  }
}

function valueOf(context: ScheduleContext): fc.Value<FaultSchedule> {
  return new fc.Value(context.genes.map((gene) => gene.fault), context);
}

function isScheduleContext(context: unknown): context is ScheduleContext {
  return typeof context === 'object' && context !== null && Array.isArray((context as Partial<ScheduleContext>).genes);
}

/** Params of the built-in kinds that name nodes (a custom kind is never focused). */
const NODE_PARAMS = ['groups', 'from', 'to', 'links', 'bridge', 'sides', 'as'];

/**
 * The fault with two of the kind's nodes swapped, one it names for an earlier one, earliest
 * first: a swap keeps a partition's groups, a link's pair and a forged sender as valid as they
 * were, and steps by steps a fault reaches the first node that still fails.
 */
function* swapsTowardsFirst(fault: Fault, nodes: readonly string[]): Generator<Fault> {
  const named = new Set<string>();
  visitNodeNames(fault, (id) => named.add(id));
  const before = rankSequence(fault, nodes);
  for (let earlier = 0; earlier < nodes.length; earlier++) {
    for (let later = earlier + 1; later < nodes.length; later++) {
      if (!named.has(nodes[later]!)) continue;
      const moved = swapped(fault, nodes[earlier]!, nodes[later]!, nodes);
      // Only swaps that make the fault's node sequence smaller: shrinking cannot go round in circles.
      if (isBefore(rankSequence(moved, nodes), before)) yield moved;
    }
  }
}

/** Where each node the fault names stands in the kind's list, in the order the fault names them. */
function rankSequence(fault: Fault, nodes: readonly string[]): number[] {
  const ranks: number[] = [];
  visitNodeNames(fault, (id) => ranks.push(nodes.includes(id) ? nodes.indexOf(id) : nodes.length));
  return ranks;
}

function isBefore(first: readonly number[], second: readonly number[]): boolean {
  for (let index = 0; index < Math.min(first.length, second.length); index++) if (first[index] !== second[index]) return first[index]! < second[index]!;
  return first.length < second.length;
}

function visitNodeNames(fault: Fault, visit: (id: string) => void): void {
  const walk = (value: unknown): void => {
    if (typeof value === 'string') visit(value);
    else if (Array.isArray(value)) value.forEach(walk);
  };
  walk(fault.target);
  for (const key of NODE_PARAMS) walk(fault.params?.[key]);
}

function swapped(fault: Fault, first: string, second: string, nodes: readonly string[]): Fault {
  const swap = (value: unknown): unknown => (value === first ? second : value === second ? first : Array.isArray(value) ? value.map(swap) : value);
  const moved: Fault = { ...fault };
  if (fault.target !== undefined) moved.target = swap(fault.target) as string;
  if (fault.params !== undefined) {
    const params: Record<string, unknown> = { ...fault.params };
    for (const key of NODE_PARAMS) if (key in params) params[key] = swap(params[key]);
    // A partition's or bridge's sides are sets: kept in the kind's node order, as drawn.
    const rank = (id: string): number => (nodes.includes(id) ? nodes.indexOf(id) : nodes.length);
    for (const key of ['groups', 'sides']) {
      if (Array.isArray(params[key])) params[key] = (params[key] as unknown[]).map((side) => (Array.isArray(side) ? [...(side as string[])].sort((a, b) => rank(a) - rank(b)) : side));
    }
    moved.params = params;
  }
  return moved;
}

function without<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, at) => at !== index);
}

/** A source drawn by weight, with fast-check's random so a case replays from its seed. */
function pickWeighted(sources: readonly KindSource[], mrng: fc.Random): KindSource {
  const total = sources.reduce((sum, source) => sum + source.weight, 0);
  let ticket = mrng.nextInt(0, WEIGHT_RESOLUTION - 1) * (total / WEIGHT_RESOLUTION);
  for (const source of sources) {
    ticket -= source.weight;
    if (ticket < 0) return source;
  }
  return sources[sources.length - 1]!;
}
