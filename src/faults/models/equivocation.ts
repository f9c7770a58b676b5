import { requireFunction } from '../../validate.js';
import type { Adversary, AdversaryContext } from '../../world/adversary.js';

/**
 * What a byzantine node tells one peer instead of `message`: called once per addressee with its
 * id and its rank among the node's peers (0, 1, 2, … in node order), so different peers can be
 * told different things. What it returns is delivered as it is.
 *
 * @example
 * ```ts
 * const splitBallot: Derivation = (message, _peer, index) => ({ ...(message as { ballot: number }), ballot: (message as { ballot: number }).ballot + index });
 * ```
 */
export type Derivation = (message: unknown, peer: string, index: number, context: AdversaryContext) => unknown;

// Adversaries built by `equivocation`, so `equivocate` can insist its `derive` names one.
const equivocations = new WeakSet<Adversary>();

/**
 * An adversary that sends each peer what `derive` makes of the message: register it with
 * `sim.registerAdversary` and name it in an `equivocate` fault's `derive`. The fault stays plain
 * data (it holds the name, not the function), so it prints and replays; a replay must register
 * the same function under the same name before `sim.inject`, or the inject fails naming
 * `params.derive`. A message the node sends to itself passes unchanged.
 *
 * @example
 * ```ts
 * sim.registerAdversary('split-ballot', equivocation((message, _peer, index) => ({ ...(message as object), ballot: index })));
 * sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 5_000, target: 'n3', params: { behaviour: 'equivocate', derive: 'split-ballot' } }]);
 * ```
 */
export function equivocation(derive: Derivation): Adversary {
  requireFunction(derive, 'equivocation(derive)');
  const adversary: Adversary = (message, to, _rng, context) => [{ to, message: context.peerIndex < 0 ? message : derive(message, to, context.peerIndex, context) }];
  equivocations.add(adversary);
  return adversary;
}

/** True for adversaries built by {@link equivocation}. */
export function isEquivocation(adversary: Adversary): boolean {
  return equivocations.has(adversary);
}

/**
 * The `equivocate` behaviour's derived form: peer k gets the message with `field` replaced by
 * variant k of its value (variant 0 is the value itself). Messages that are not objects, or do
 * not hold `field` as a boolean, number or string, pass unchanged.
 */
export function fieldFlipper(field: string): Adversary {
  return (message, to, _rng, { peerIndex }) => {
    if (peerIndex < 0 || typeof message !== 'object' || message === null || Array.isArray(message) || !Object.hasOwn(message, field)) return [{ to, message }];
    const value: unknown = (message as Record<string, unknown>)[field];
    const variant = variantOf(value, peerIndex);
    return [{ to, message: variant === value ? message : { ...(message as Record<string, unknown>), [field]: variant } }];
  };
}

// Below this magnitude adding a small rank always gives a new double; above it, dividing does.
const EXACT_ADDITION_LIMIT = 2 ** 52;

/**
 * Variant `index` of a scalar: distinct for every index (booleans only have two), and variant 0
 * is the value itself. Values of other types have no variants.
 */
export function variantOf(value: unknown, index: number): unknown {
  if (index === 0) return value;
  switch (typeof value) {
    case 'boolean':
      return index % 2 === 0 ? value : !value;
    case 'number':
      if (!Number.isFinite(value)) return index;
      return Math.abs(value) < EXACT_ADDITION_LIMIT ? value + index : value / (index + 1);
    case 'string':
      return `${value}#${index}`;
    default:
      return value;
  }
}
