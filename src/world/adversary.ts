import type { Rng } from '../kernel/rng.js';

/**
 * Rewrites what a byzantine node sends: called for each outgoing message with the addressee and
 * a random stream, it returns the messages to send instead (none drops it; `from` forges the
 * sender).
 *
 * @example
 * ```ts
 * const liar: Adversary = (message, to) => [{ to, message: { ...(message as object), vote: 'no' } }];
 * ```
 */
export type Adversary = (message: unknown, to: string, rng: Rng) => AdversaryOutput[];

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
