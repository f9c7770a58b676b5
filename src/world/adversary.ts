import type { Rng } from '../kernel/rng.js';

/**
 * Rewrites what a byzantine node sends: called for each outgoing message with the addressee, the
 * node's byzantine random stream and what the fault says about itself, it returns the messages to
 * send instead (none drops it; `from` forges the sender). Functions written for three arguments
 * still work: the context is extra.
 *
 * @example
 * ```ts
 * const liar: Adversary = (message, to) => [{ to, message: { ...(message as object), vote: 'no' } }];
 * // A liar told which node it acts for and the fault's params:
 * const usurper: Adversary = (message, to, rng, { node, params }) => {
 *   const { rate } = params.options as { rate: number };
 *   return [{ to, message: rng.random() < rate ? { ...(message as object), leader: node } : message }];
 * };
 * sim.registerAdversary('usurper', usurper);
 * sim.inject([{ kind: 'byzantine', atMs: 0, target: 'n3', params: { behaviour: 'custom', adversary: 'usurper', options: { rate: 0.5 } } }]);
 * ```
 */
export type Adversary = (message: unknown, to: string, rng: Rng, context: AdversaryContext) => AdversaryOutput[];

/**
 * What an adversary is told besides the message: for whom it acts, under which fault, and where
 * the addressee stands among that node's peers.
 *
 * @example
 * ```ts
 * const split: Adversary = (message, to, _rng, { peerIndex }) =>
 *   [{ to, message: { ...(message as object), vote: peerIndex % 2 === 0 ? 'yes' : 'no' } }];
 * ```
 */
export interface AdversaryContext {
  /** The byzantine node whose outgoing messages the adversary rewrites (the fault's target). */
  readonly node: string;
  /**
   * The fault's params, frozen plain data as injected: `behaviour`, the adversary's name, and
   * `options` (free-form plain data a fault may carry for its adversary).
   */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * The addressee's rank among the node's peers (every node but `node`, in the order they were
   * added): 0 for the first. -1 when the node sends to itself.
   */
  readonly peerIndex: number;
  /** The node's byzantine random stream (the same as the adversary's third argument). */
  readonly rng: Rng;
}

/**
 * An adversary bound to one byzantine node and fault, as the node's sending side calls it: the
 * context is already filled in. Failure models hand these to `FaultWorld.setAdversary`.
 *
 * @example
 * ```ts
 * world.setAdversary('n3', (message, to) => [{ to, message }, { to, message }]); // say it twice
 * ```
 */
export type BoundAdversary = (message: unknown, to: string, rng: Rng) => AdversaryOutput[];

/**
 * One message an adversary sends instead of the original.
 *
 * @example
 * ```ts
 * const forged: AdversaryOutput = { to: 'b', message: { vote: 'yes' }, from: 'c' };
 * ```
 */
export interface AdversaryOutput {
  /** The addressee. */
  to: string;
  /** What to send. */
  message: unknown;
  /** The sender the addressee will see (forgery); default the byzantine node itself. */
  from?: string;
}
