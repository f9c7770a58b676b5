import fc from 'fast-check';
import type { Fault } from '../../faults/fault.js';
// ---- predict: degradation faults ----
import { isDegradationKind } from '../../faults/models/degradation/kinds.js';
import { degradationTargets } from './degradation.js';
// ---- end predict: degradation faults ----

/**
 * What the per-kind arbitraries need to know of the generator's options. Internal.
 *
 * @example
 * ```ts
 * const draw: KindDraw = { nodes: ['n1', 'n2'], allNodes: ['n1', 'n2'], clients: [], everyone: ['n1', 'n2'], startMs: 0, latestStartMs: 4_000, horizonMs: 5_000, minDurationMs: 1, maxDurationMs: 5_000, durations: 'log-uniform', byzantine: { fields: [], derivations: [], adversaries: [] } };
 * ```
 */
export interface KindDraw {
  /** Nodes a fault of this kind may target: the kind's own list when `targets` restricts it, narrowed to a case's focused nodes under `swarm.nodes`. */
  readonly nodes: readonly string[];
  /** Every node of the cluster (clients aside): a byzantine fault may forge as any but itself. */
  readonly allNodes: readonly string[];
  /** The cluster's clients: never targeted, but a partition puts each on a side. */
  readonly clients: readonly string[];
  /** Every node of the cluster, clients last, which a partition or bridge must place on a side. */
  readonly everyone: readonly string[];
  readonly startMs: number;
  readonly latestStartMs: number;
  readonly horizonMs: number;
  readonly minDurationMs: number;
  readonly maxDurationMs: number;
  readonly durations: 'log-uniform' | 'uniform';
  /** Names a byzantine fault may also use; see `FaultScheduleOptions.byzantine`. */
  readonly byzantine: ByzantineNames;
}

/**
 * What byzantine faults may name besides the built-in behaviours. Internal.
 *
 * @example
 * ```ts
 * const names: ByzantineNames = { fields: ['vote'], derivations: ['claim-leader'], adversaries: [] };
 * ```
 */
export interface ByzantineNames {
  /** Message fields to equivocate on (`equivocate` with `field`). */
  readonly fields: readonly string[];
  /** Functions wrapped with `equivocation` and registered in the scenario (`equivocate` with `derive`). */
  readonly derivations: readonly string[];
  /** Adversaries registered in the scenario (`custom`). */
  readonly adversaries: readonly string[];
}

/** Steps of the log-uniform duration draw: fine enough for ms over a day, and shrinks to step 0. */
const LOG_STEPS = 1_000;

/**
 * A start and a duration, integers. The start is uniform over [startMs, latestStartMs]; the
 * duration is log-uniform over [minDurationMs, maxDurationMs] by default, so a 10 ms blip is as
 * likely as a 1 s outage, or uniform. Both shrink towards the earliest start and the shortest
 * fault. A fault is cut short at the horizon.
 */
export function timing(draw: KindDraw): fc.Arbitrary<{ atMs: number; durationMs: number }> {
  const duration = draw.durations === 'uniform' ? fc.integer({ min: draw.minDurationMs, max: draw.maxDurationMs }) : logUniformDuration(draw.minDurationMs, draw.maxDurationMs);
  return fc.record({ atMs: fc.integer({ min: draw.startMs, max: draw.latestStartMs }), durationMs: duration }).map(({ atMs, durationMs }) => ({ atMs, durationMs: Math.max(1, Math.min(durationMs, Math.floor(draw.horizonMs) - atMs)) }));
}

function logUniformDuration(minMs: number, maxMs: number): fc.Arbitrary<number> {
  const ratio = maxMs / minMs;
  return fc.integer({ min: 0, max: LOG_STEPS }).map((step) => Math.min(maxMs, Math.max(minMs, Math.round(minMs * ratio ** (step / LOG_STEPS)))));
}

/**
 * The target and parameters of one built-in kind, in the documented ranges (see
 * `FaultScheduleOptions.kinds`). Each shrinks towards the first node and the simplest parameters.
 */
export function targetsOf(kind: string, draw: KindDraw): fc.Arbitrary<Pick<Fault, 'target' | 'params'>> {
  if (isDegradationKind(kind)) return degradationTargets(kind, draw);
  const node = fc.constantFrom(...draw.nodes);
  const pair = pairOf(draw.nodes);
  switch (kind) {
    case 'crash':
    case 'pause':
    case 'isolate':
    case 'disk-unsynced-loss':
    case 'disk-full':
      return node.map((target) => ({ target }));
    case 'partition':
      return partitionGroups(draw).map((groups) => ({ params: { groups } }));
    case 'partition-one-way':
      return pair.map(([from, to]) => ({ params: { from: [from], to: [to] } }));
    case 'link':
      return fc
        .tuple(pair, fc.boolean(), fc.boolean(), percent(10, 90), fc.integer({ min: 2, max: 20 }))
        .map(([[from, to], bothWays, slow, lossProbability, latencyFactor]) => ({ params: { links: [[from, to]], bothWays, model: slow ? { latencyFactor } : { lossProbability } } }));
    case 'slow-node':
      return fc.tuple(node, fc.integer({ min: 2, max: 20 })).map(([target, latencyFactor]) => ({ target, params: { model: { latencyFactor } } }));
    case 'clock-skew':
    case 'clock-jump':
      return fc.tuple(node, fc.integer({ min: -2_000, max: 2_000 })).map(([target, deltaMs]) => ({ target, params: { deltaMs } }));
    case 'clock-drift':
      return fc.tuple(node, fc.integer({ min: -5_000, max: 5_000 })).map(([target, driftPpm]) => ({ target, params: { driftPpm } }));
    case 'omission':
      return fc.tuple(node, percent(10, 90)).map(([target, sendProbability]) => ({ target, params: { sendProbability } }));
    case 'bridge':
      return bridgeSides(draw).map(([bridge, first, second]) => ({ params: { bridge, sides: [first, second] } }));
    case 'byzantine':
      return byzantinePair(draw).chain(([target, other]) => byzantineParams(other, draw.byzantine).map((params) => ({ target, params })));
    case 'capacity':
      return fc.tuple(node, fc.integer({ min: 10, max: 1_000 }), fc.integer({ min: 10, max: 1_000 })).map(([target, messagesPerSec, inboxLimit]) => ({ target, params: { messagesPerSec, inboxLimit } }));
    case 'traffic-spike':
      return fc.tuple(pair, fc.integer({ min: 100, max: 5_000 })).map(([[target, from], ratePerSec]) => ({ target, params: { from, ratePerSec, message: { type: 'spike' } } }));
    case 'disk-write-fail':
      return fc.tuple(node, percent(10, 100)).map(([target, probability]) => ({ target, params: { probability } }));
    default:
      throw new Error(`no arbitrary for fault kind ${kind}`);
  }
}

/** A probability drawn in whole per cent. */
function percent(min: number, max: number): fc.Arbitrary<number> {
  return fc.integer({ min, max }).map((value) => value / 100);
}

/** Two different nodes, shrinking towards the first two. */
function pairOf(nodes: readonly string[]): fc.Arbitrary<readonly [string, string]> {
  return fc.tuple(fc.nat({ max: nodes.length - 1 }), fc.nat({ max: Math.max(0, nodes.length - 2) })).map(([first, offset]) => {
    const second = (first + 1 + offset) % nodes.length;
    return [nodes[first]!, nodes[second]!] as const;
  });
}

/**
 * A byzantine node and another it may forge as: any other node of the cluster, whichever nodes
 * the kind or the case is restricted to; none in a cluster of one.
 */
function byzantinePair(draw: KindDraw): fc.Arbitrary<readonly [string, string | undefined]> {
  if (draw.allNodes.length < 2) return fc.constantFrom(...draw.nodes).map((target) => [target, undefined] as const);
  if (draw.nodes.length === draw.allNodes.length) return pairOf(draw.nodes);
  return fc.tuple(fc.constantFrom(...draw.nodes), fc.nat({ max: draw.allNodes.length - 2 })).map(([target, offset]) => {
    const others = draw.allNodes.filter((id) => id !== target);
    return [target, others[offset]!] as const;
  });
}

/**
 * A byzantine behaviour and its parameters; `other` is a node it may forge as (without one,
 * `forge` is drawn as `corrupt`). The behaviour is an
 * index, not a `oneof`, so any behaviour shrinks to `corrupt` with probability 1, the simplest.
 * The named forms (equivocation on a field, a derivation, a custom adversary) come last, each
 * when the scenario names some.
 */
function byzantineParams(other: string | undefined, names: ByzantineNames): fc.Arbitrary<Record<string, unknown>> {
  // Shrinks towards probability 1 (always misbehaves): the simplest adversary.
  const probability = fc.integer({ min: 10, max: 100 }).map((value) => (110 - value) / 100);
  const named: Array<(index: number) => Record<string, unknown>> = [];
  if (names.fields.length > 0) named.push((index) => ({ behaviour: 'equivocate', field: names.fields[index % names.fields.length] }));
  if (names.derivations.length > 0) named.push((index) => ({ behaviour: 'equivocate', derive: names.derivations[index % names.derivations.length] }));
  if (names.adversaries.length > 0) named.push((index) => ({ behaviour: 'custom', adversary: names.adversaries[index % names.adversaries.length] }));
  const nameCount = Math.max(names.fields.length, names.derivations.length, names.adversaries.length, 1);
  return fc.tuple(fc.integer({ min: 0, max: 4 + named.length }), probability, fc.integer({ min: 2, max: 3 }), fc.nat({ max: nameCount - 1 })).map(([behaviour, p, copies, name]): Record<string, unknown> => {
    switch (behaviour) {
      case 0:
        return { behaviour: 'corrupt', probability: p };
      case 1:
        return { behaviour: 'drop', probability: p };
      case 2:
        return { behaviour: 'duplicate', copies };
      case 3:
        return { behaviour: 'replay', probability: p };
      case 4:
        return other === undefined ? { behaviour: 'corrupt', probability: p } : { behaviour: 'forge', as: other };
      default:
        return named[behaviour - 5]!(name);
    }
  });
}

/** A bridge node (one of the kind's nodes) and the two sides it alone joins, covering everyone. */
function bridgeSides(draw: KindDraw): fc.Arbitrary<[string, string[], string[]]> {
  const restCount = draw.everyone.length - 1;
  return fc.tuple(fc.nat({ max: draw.nodes.length - 1 }), fc.array(fc.boolean(), { minLength: restCount, maxLength: restCount })).map(([bridgeIndex, drawn]) => {
    const bridge = draw.nodes[bridgeIndex]!;
    const rest = draw.everyone.filter((id) => id !== bridge);
    const sides = [...drawn];
    // Both sides must hold a node: the first of the rest changes side if need be.
    if (sides.every((side) => side === sides[0])) sides[0] = !sides[0];
    return [bridge, rest.filter((_, index) => sides[index]), rest.filter((_, index) => !sides[index])];
  });
}

/**
 * Two groups covering everyone: one flag per node of the kind's list and per client says whether
 * it stands apart (at least one listed node on each side); nodes outside the kind's list stay on
 * the other side. Shrinks to "the first node alone" (a minority of one), the simplest partition
 * there is.
 */
function partitionGroups(draw: KindDraw): fc.Arbitrary<string[][]> {
  const movable = draw.everyone.filter((id) => draw.nodes.includes(id) || draw.clients.includes(id));
  return fc.array(fc.boolean(), { minLength: movable.length, maxLength: movable.length }).map((drawn) => {
    const sides = [...drawn]; // a mapper must not change the value fast-check keeps for shrinking
    const first = movable.indexOf(draw.nodes[0]!);
    const listedApart = movable.filter((id, index) => sides[index] && draw.nodes.includes(id)).length;
    // A listed node must stand apart, and some node must stay behind.
    if (listedApart === 0) sides[first] = true;
    else if (listedApart === draw.nodes.length && draw.everyone.length === draw.nodes.length + draw.clients.length) sides[first] = false;
    const apart = movable.filter((_, index) => sides[index]);
    return [apart, draw.everyone.filter((id) => !apart.includes(id))];
  });
}
