import fc from 'fast-check';
import { conflictsWithAccepted } from '../../faults/admission.js';
import { findBudgetViolation, type BudgetedFault, type FaultBudget } from '../../faults/budget.js';
import type { FailureModel } from '../../faults/failure-model.js';
import type { Fault, FaultSchedule } from '../../faults/fault.js';

/**
 * One kind the generator may draw, as {@link ScheduleArbitrary} needs it. Internal.
 *
 * @example
 * ```ts
 * const source: KindSource = { kind: 'crash', weight: 1, arbitrary: crashes, model: crashModel, nodes: ['n1', 'n2'] };
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
}

/**
 * What shapes the schedules. Internal.
 *
 * @example
 * ```ts
 * const shape: ScheduleShape = { sources, minFaults: 0, maxFaults: 4, swarm: true, minDurationMs: 1, maxDurationMs: 5_000, everyone: ['n1', 'n2'], budget: undefined };
 * ```
 */
export interface ScheduleShape {
  readonly sources: readonly KindSource[];
  readonly minFaults: number;
  readonly maxFaults: number;
  /** Each case enables a random subset of the kinds (swarm testing). */
  readonly swarm: boolean;
  readonly minDurationMs: number;
  /** A widened fault stays within the generator's longest. */
  readonly maxDurationMs: number;
  /** Every node and client, for budget checks. */
  readonly everyone: readonly string[];
  readonly budget: FaultBudget | undefined;
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
 * than a local one. A case draws how many faults it has (uniform over [minFaults, maxFaults])
 * and, under swarm testing, which kinds are enabled (each with even odds), then draws faults of
 * the enabled kinds by weight; a fault that conflicts with another or breaks the budget is
 * replaced by a fresh draw (a few times at most). The shrinker tries, in order: no faults; each
 * fault on its own; deleting each fault; deleting one fault while widening another of the same
 * kind to cover it (which also merges overlapping faults); then each fault made simpler (earlier,
 * shorter, first node, simplest parameters). Every candidate is admitted like a generated case,
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
    const enabled = this.shape.swarm ? this.swarmOf(mrng) : this.shape.sources;
    const count = mrng.nextInt(this.shape.minFaults, this.shape.maxFaults);
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

  /** Swarm testing: each kind is enabled with even odds; at least one always is. */
  private swarmOf(mrng: fc.Random): readonly KindSource[] {
    const enabled = this.shape.sources.filter(() => mrng.nextInt(0, 1) === 1);
    return enabled.length > 0 ? enabled : [this.shape.sources[mrng.nextInt(0, this.shape.sources.length - 1)]!];
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
        const widened: Gene = { fault: { ...kept, atMs, durationMs: endMs - atMs }, source: genes[keep]!.source, context: undefined };
        const candidate = this.admit(without(genes, drop).map((gene) => (gene === genes[keep] ? widened : gene)));
        if (candidate.length >= this.shape.minFaults) yield candidate;
      }
    }
  }

  /** fast-check's shrinks of a drawn fault; for one the shrinker made: shorter, then on the first node. */
  private *simplerFaults(gene: Gene): Generator<Gene> {
    if (gene.context !== undefined) {
      for (const value of gene.source.arbitrary.shrink(gene.fault, gene.context)) yield { fault: value.value, source: gene.source, context: value.context };
      return;
    }
    const { fault, source } = gene;
    if (fault.durationMs !== undefined && fault.durationMs > this.shape.minDurationMs) {
      for (const durationMs of new Set([this.shape.minDurationMs, Math.ceil((fault.durationMs + this.shape.minDurationMs) / 2), fault.durationMs - 1])) {
        if (durationMs < fault.durationMs) yield { fault: { ...fault, durationMs }, source, context: undefined };
      }
    }
    const first = source.nodes[0];
    if (fault.target !== undefined && first !== undefined && fault.target !== first) yield { fault: { ...fault, target: first }, source, context: undefined };
  }

  /** Sorts by start and keeps each fault that neither conflicts with nor breaks the budget of those kept. */
  private admit(genes: readonly Gene[]): Gene[] {
    const sorted = genes.map((gene, index) => ({ gene, index })).sort((first, second) => first.gene.fault.atMs - second.gene.fault.atMs || first.index - second.index);
    const accepted: BudgetedFault[] = [];
    const kept: Gene[] = [];
    const nodeList = { nodeIds: () => [...this.shape.everyone] };
    for (const { gene } of sorted) {
      const candidate = { fault: gene.fault, model: gene.source.model };
      if (conflictsWithAccepted(candidate, accepted)) continue;
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
