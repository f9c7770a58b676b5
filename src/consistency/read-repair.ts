import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFunction, requireObject, requireString } from '../validate.js';
import { hasType, zeroCost, type AntiEntropyCost, type AntiEntropyHost, type AntiEntropyMessage, type StoreAccess } from './anti-entropy.js';
import { canonicalJson } from './canonical-json.js';
import { mergeCrdt, type CrdtState } from './crdt.js';
import { mergeStores, requireCrdt } from './replica-store.js';
import { requireNodeId } from './state-checks.js';
import { wellFormedStore } from './state-exchange.js';

/**
 * One replica's answer to a quorum read of a key: its state, or `null` if it has none.
 *
 * @example
 * ```ts
 * const reply: ReadReply = { from: 'b', state: gCounter.empty() };
 * ```
 */
export interface ReadReply {
  /** The replica that answered. */
  readonly from: string;
  /** Its state of the key; `null` when it holds nothing for it. */
  readonly state: CrdtState | null;
}

/**
 * What a quorum read found: the merge of every reply, and the replicas that lacked it.
 *
 * @example
 * ```ts
 * const { merged, staleReplicas } = planReadRepair(replies);
 * ```
 */
export interface ReadRepairPlan {
  /** The merge of every reply's state; `null` when no replica had the key. */
  readonly merged: CrdtState | null;
  /** Replicas whose state differs from `merged` (or that had none), in reply order. */
  readonly staleReplicas: readonly string[];
}

/**
 * Merges the replies of a quorum read and names the replicas to repair. Pure: sends nothing.
 * Replies must come from distinct replicas and hold states of one CRDT type.
 *
 * @example
 * ```ts
 * const plan = planReadRepair([
 *   { from: 'a', state: gCounter.increment(gCounter.empty(), 'a') },
 *   { from: 'b', state: null },
 * ]);
 * plan.staleReplicas; // ['b']
 * ```
 */
export function planReadRepair(replies: readonly ReadReply[]): ReadRepairPlan {
  if (!Array.isArray(replies) || replies.length === 0) throw new InvalidArgumentError('replies', replies, 'a non-empty array of { from, state }');
  const seen = new Set<string>();
  let merged: CrdtState | null = null;
  replies.forEach((reply, index) => {
    const field = `replies[${index}]`;
    requireReply(reply, field);
    if (seen.has(reply.from)) throw new InvalidArgumentError(`${field}.from`, reply.from, 'a replica not already replying (one reply per replica)');
    seen.add(reply.from);
    if (reply.state === null) return;
    if (merged !== null && reply.state.type !== merged.type) throw new InvalidArgumentError(`${field}.state.type`, reply.state.type, `'${merged.type}' (the type of the earlier replies)`);
    merged = merged === null ? reply.state : mergeCrdt(merged, reply.state);
  });
  const mergedText = merged === null ? 'null' : canonicalJson(merged);
  const staleReplicas = replies.filter((reply) => canonicalJson(reply.state) !== mergedText).map((reply) => reply.from);
  return { merged, staleReplicas };
}

/**
 * Read repair, as a piece of a quorum-read coordinator: the node gathers replicas' replies for a
 * key (with `ctx.call` or its own messages), then `repair` merges them, sends the merge to every
 * stale replica and returns it. Replicas hand incoming repairs to `handleMessage`.
 *
 * Message: `anti-entropy/repair`. Cost per read: one message, one entry, per stale replica
 * (none when all agree); the coordinator repairs itself locally, without a message.
 *
 * @example
 * ```ts
 * const repairs = createReadRepair(ctx, { read: () => store, write: (next) => { store = next; } });
 * const replies = await Promise.all(ctx.peers.map(async (peer) => ({ from: peer, state: await ctx.call(peer, { type: 'get', key }, { timeoutMs: 50 }) })));
 * const value = repairs.repair(key, replies); // the merged state
 * ```
 */
export function createReadRepair(host: Pick<AntiEntropyHost, 'id' | 'send'>, access: StoreAccess): ReadRepair {
  requireObject(access, 'access');
  rejectUnknownKeys(access, 'access', ['read', 'write']);
  requireFunction(access.read, 'access.read');
  requireFunction(access.write, 'access.write');
  const cost = zeroCost();

  function store(key: string, state: CrdtState): void {
    access.write(mergeStores(access.read(), { [key]: state }));
  }

  return {
    repair(key, replies) {
      requireString(key, 'key');
      const { merged, staleReplicas } = planReadRepair(replies);
      if (merged === null) return null;
      cost.rounds++;
      for (const replica of staleReplicas) {
        if (replica === host.id) {
          store(key, merged);
          continue;
        }
        host.send(replica, { type: 'anti-entropy/repair', key, state: merged } satisfies AntiEntropyMessage);
        cost.messagesSent++;
        cost.entriesSent++;
      }
      return merged;
    },
    handleMessage(_from, message) {
      if (!hasType(message, ['anti-entropy/repair'])) return false;
      const key = message['key'];
      const incoming = typeof key === 'string' && key.length > 0 ? wellFormedStore({ [key]: message['state'] }) : undefined;
      if (incoming === undefined) cost.malformedDropped++;
      else access.write(mergeStores(access.read(), incoming));
      return true;
    },
    cost,
  };
}

/**
 * The read-repair piece of a node (see {@link createReadRepair}).
 *
 * @example
 * ```ts
 * onMessage(from, message) { if (repairs.handleMessage(from, message)) return; },
 * ```
 */
export interface ReadRepair {
  /** Merges the replies for `key`, repairs the stale replicas, returns the merge (`null` if none had it). */
  repair(key: string, replies: readonly ReadReply[]): CrdtState | null;
  /** Applies an incoming repair; false for any other message. */
  handleMessage(from: string, message: unknown): boolean;
  /** Repairs made (`rounds`), messages and entries sent, malformed repairs dropped. */
  readonly cost: Readonly<AntiEntropyCost>;
}

function requireReply(value: unknown, field: string): asserts value is ReadReply {
  requireObject(value, field);
  rejectUnknownKeys(value, field, ['from', 'state']);
  requireNodeId(value['from'], `${field}.from`);
  if (value['state'] !== null) requireCrdt(value['state'], `${field}.state`);
}
