import type { NodeContext } from '../world/node-context.js';
import { orDefault, rejectUnknownKeys, requireFunction, requireObject, requirePositive, requirePositiveInteger, requireString } from '../validate.js';
import type { CrdtState } from './crdt.js';
import type { ReplicaStore } from './replica-store.js';

/**
 * Every message the anti-entropy pieces send. A node that uses them takes these in its own
 * message type (`type M = AntiEntropyMessage | MyMessage`) and hands them to the piece's
 * `handleMessage`, which returns false for anything else.
 *
 * - `anti-entropy/state`: a whole store (state exchange);
 * - `anti-entropy/digest`: a store's bucket hashes (digest exchange, opening a round);
 * - `anti-entropy/entries`: the entries of the buckets that differed (`reply` true from the
 *   peer that got the digest, false back from the node that opened the round);
 * - `anti-entropy/repair`: one key's merged state, to a replica a quorum read found stale.
 *
 * @example
 * ```ts
 * type Message = AntiEntropyMessage | { type: 'put'; key: string };
 * ```
 */
export type AntiEntropyMessage =
  | {
      /** A whole store, from state exchange. */
      readonly type: 'anti-entropy/state';
      /** The sender's store. */
      readonly store: ReplicaStore;
    }
  | {
      /** A digest, opening a digest-exchange round. */
      readonly type: 'anti-entropy/digest';
      /** Buckets the keys are hashed into. */
      readonly bucketCount: number;
      /** One hash per bucket. */
      readonly hashes: readonly number[];
    }
  | {
      /** Entries of the buckets that differed. */
      readonly type: 'anti-entropy/entries';
      /** The buckets that differed. */
      readonly buckets: readonly number[];
      /** The sender's entries in those buckets (those the receiver needs). */
      readonly store: ReplicaStore;
      /** True from the peer that got the digest (asking for the opener's entries back). */
      readonly reply: boolean;
    }
  | {
      /** A read repair. */
      readonly type: 'anti-entropy/repair';
      /** The key repaired. */
      readonly key: string;
      /** Its merged state. */
      readonly state: CrdtState;
    };

/**
 * What an anti-entropy piece has cost so far on one node: what it sent, and what it dropped.
 *
 * @example
 * ```ts
 * const { messagesSent, entriesSent } = exchange.cost; // entries: store entries carried
 * ```
 */
export interface AntiEntropyCost {
  /** Rounds this node opened. */
  rounds: number;
  /** Messages this node sent. */
  messagesSent: number;
  /** Store entries (one key's state each) carried by those messages. */
  entriesSent: number;
  /** Bucket hashes carried by digest messages. */
  hashesSent: number;
  /** Anti-entropy messages received that were malformed (a corrupting fault, a bug) and ignored. */
  malformedDropped: number;
}

/**
 * The part of a node's context an anti-entropy piece uses (a `NodeContext` is one).
 *
 * @example
 * ```ts
 * const host: AntiEntropyHost = ctx; // inside sim.addNode('a', (ctx) => ...)
 * ```
 */
export type AntiEntropyHost = Pick<NodeContext<AntiEntropyMessage>, 'id' | 'peers' | 'rng' | 'send' | 'setTimer'>;

/**
 * Where a piece reads and writes the node's store: the node keeps the store (in its closure or
 * in `ctx.durable`), the piece only borrows it.
 *
 * @example
 * ```ts
 * let store: ReplicaStore = {};
 * const access: StoreAccess = { read: () => store, write: (next) => { store = next; } };
 * ```
 */
export interface StoreAccess {
  /** The node's store now. */
  read(): ReplicaStore;
  /** Replaces the node's store (called with a merged store). */
  write(store: ReplicaStore): void;
}

/**
 * Options of the periodic exchanges ({@link createStateExchange}, {@link createDigestExchange}).
 *
 * @example
 * ```ts
 * const options: ExchangeOptions = { read: () => store, write: (next) => { store = next; }, intervalMs: 200, fanout: 2 };
 * ```
 */
export interface ExchangeOptions extends StoreAccess {
  /** Local time between rounds, in ms (> 0). */
  intervalMs: number;
  /** Peers contacted per round, drawn from `ctx.rng` (an integer >= 1; default 1). */
  fanout?: number;
  /** The name of the piece's timer. Default `'anti-entropy'`. */
  timerName?: string;
}

/**
 * A periodic anti-entropy piece inside a node's behaviour: `start()` in `onStart`/`onRecover`,
 * and `handleTimer` and `handleMessage` first in `onTimer` and `onMessage` (each returns true
 * when the timer or message was the piece's).
 *
 * @example
 * ```ts
 * onTimer(name) { if (exchange.handleTimer(name)) return; },
 * onMessage(from, message) { if (exchange.handleMessage(from, message)) return; },
 * ```
 */
export interface AntiEntropyExchange {
  /** Arms the timer of the first round. */
  start(): void;
  /** Runs a round and re-arms, if `name` is the piece's timer. */
  handleTimer(name: string): boolean;
  /** Handles an anti-entropy message; false for any other message. */
  handleMessage(from: string, message: unknown): boolean;
  /** Runs one round now (contacts `fanout` peers). */
  round(): void;
  /** What the piece has sent and dropped on this node (this incarnation). */
  readonly cost: Readonly<AntiEntropyCost>;
}

/** Internal: the resolved options. */
export interface ResolvedExchangeOptions extends StoreAccess {
  readonly intervalMs: number;
  readonly fanout: number;
  readonly timerName: string;
}

/** Internal: checks exchange options; `extraKeys` are the caller's own. */
export function resolveExchangeOptions(options: ExchangeOptions, field: string, extraKeys: readonly string[] = []): ResolvedExchangeOptions {
  requireObject(options, field);
  rejectUnknownKeys(options, field, ['read', 'write', 'intervalMs', 'fanout', 'timerName', ...extraKeys]);
  requireFunction(options.read, `${field}.read`);
  requireFunction(options.write, `${field}.write`);
  requirePositive(options.intervalMs, `${field}.intervalMs`);
  const fanout = orDefault(options.fanout, 1);
  requirePositiveInteger(fanout, `${field}.fanout`, 1_000_000);
  const timerName = orDefault(options.timerName, 'anti-entropy');
  requireString(timerName, `${field}.timerName`);
  return { read: options.read, write: options.write, intervalMs: options.intervalMs, fanout, timerName };
}

/** Internal: a fresh cost record. */
export function zeroCost(): AntiEntropyCost {
  return { rounds: 0, messagesSent: 0, entriesSent: 0, hashesSent: 0, malformedDropped: 0 };
}

/** Internal: `fanout` distinct peers, drawn from the node's stream (all of them, undrawn, when fewer). */
export function choosePeers(host: AntiEntropyHost, fanout: number): string[] {
  const peers = [...host.peers];
  if (fanout >= peers.length) return peers;
  for (let index = 0; index < fanout; index++) {
    const pick = host.rng.int(index, peers.length - 1);
    [peers[index], peers[pick]] = [peers[pick]!, peers[index]!];
  }
  return peers.slice(0, fanout);
}

/** Internal: true for an object whose `type` is one of `types`. */
export function hasType(message: unknown, types: readonly string[]): message is { type: string } & Record<string, unknown> {
  return typeof message === 'object' && message !== null && types.includes((message as { type?: unknown }).type as string);
}
