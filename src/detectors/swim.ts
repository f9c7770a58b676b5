import type { NodeBehaviour, NodeContext, NodeHandlers } from '../world/node-context.js';
import {
  rejectUnknownKeys,
  requireNonNegative,
  requireObject,
  requirePositive,
  requirePositiveInteger,
} from '../validate.js';
import { InvalidArgumentError } from '../errors.js';

// SWIM (Das, Gupta, Motivala, DSN 2002) with the Lifeguard extensions (Dadgar, Phillips, Currey,
// 2018), modelled on HashiCorp memberlist (state.go, suspicion.go, awareness.go, util.go). Runs as
// an ordinary simulated node: every message goes over the simulated network, every timeout is a
// local-clock timer, every random choice comes from `ctx.rng`.

/**
 * A member's state as one node sees it.
 *
 * @example
 * ```ts
 * const state: SwimState = 'suspect';
 * ```
 */
export type SwimState = 'alive' | 'suspect' | 'dead';

/**
 * A membership update, piggybacked on protocol messages: "`node` is `state` at `incarnation`",
 * said by `from` (for `suspect`, the accuser; Lifeguard counts distinct accusers).
 *
 * @example
 * ```ts
 * const update: SwimUpdate = { state: 'suspect', node: 'n3', incarnation: 0, from: 'n1' };
 * ```
 */
export interface SwimUpdate {
  /** The claimed state. */
  readonly state: SwimState;
  /** The member the claim is about. */
  readonly node: string;
  /** The member's incarnation the claim refers to. */
  readonly incarnation: number;
  /** Who made the claim. */
  readonly from: string;
}

/**
 * The messages SWIM nodes exchange. `ping`/`ack` are the direct probe, `ping-req` asks an
 * intermediary to probe `target` on the sender's behalf, `nack` is the intermediary's "I could
 * not reach it either" (Lifeguard), `gossip` carries updates that found no probe to ride on.
 * Every message piggybacks membership `updates`.
 *
 * @example
 * ```ts
 * const ping: SwimMessage = { type: 'ping', seq: 1, target: 'n2', updates: [] };
 * ```
 */
export type SwimMessage = SwimProbe | SwimReply | SwimGossip;

/**
 * A probe: `ping` (direct) or `ping-req` (ask the addressee to probe `target` for the sender).
 *
 * @example
 * ```ts
 * const probe: SwimProbe = { type: 'ping-req', seq: 7, target: 'n3', updates: [] };
 * ```
 */
export interface SwimProbe {
  /** Direct ping, or a request for an indirect one. */
  readonly type: 'ping' | 'ping-req';
  /** Matches the reply to the probe. */
  readonly seq: number;
  /** The member being probed. */
  readonly target: string;
  /** Piggybacked membership updates. */
  readonly updates: readonly SwimUpdate[];
}

/**
 * A reply to a probe: `ack` (reached) or `nack` (an intermediary could not reach the target).
 *
 * @example
 * ```ts
 * const ack: SwimReply = { type: 'ack', seq: 7, updates: [] };
 * ```
 */
export interface SwimReply {
  /** Reached, or not reached by the intermediary. */
  readonly type: 'ack' | 'nack';
  /** The probe's sequence number. */
  readonly seq: number;
  /** Piggybacked membership updates. */
  readonly updates: readonly SwimUpdate[];
}

/**
 * Updates that found no probe to ride on.
 *
 * @example
 * ```ts
 * const gossip: SwimGossip = { type: 'gossip', updates: [] };
 * ```
 */
export interface SwimGossip {
  /** Discriminant. */
  readonly type: 'gossip';
  /** Membership updates. */
  readonly updates: readonly SwimUpdate[];
}

/**
 * Options of {@link swimNode}. Every field is optional; the defaults are memberlist's
 * `DefaultLANConfig()` (hashicorp/memberlist, config.go).
 *
 * @example
 * ```ts
 * const options: SwimOptions = { probeIntervalMs: 500, probeTimeoutMs: 200, indirectChecks: 2 };
 * ```
 */
export interface SwimOptions {
  /** Time between probes (`ProbeInterval`), before Lifeguard scaling. Default 1000 ms. */
  probeIntervalMs?: number;
  /** Time to wait for a direct ack before asking for indirect probes (`ProbeTimeout`), before scaling. Must be below `probeIntervalMs`. Default 500 ms. */
  probeTimeoutMs?: number;
  /** Members asked to probe indirectly (`IndirectChecks`, SWIM's k). Default 3. */
  indirectChecks?: number;
  /** Suspicion timeout multiplier (`SuspicionMult`): min timeout = mult·max(1, log10 n)·interval (the log truncated to thousandths, as memberlist does). Default 4. */
  suspicionMult?: number;
  /** Max suspicion timeout = this × min timeout (`SuspicionMaxTimeoutMult`). Default 6. */
  suspicionMaxTimeoutMult?: number;
  /** Members to gossip to per gossip round (`GossipNodes`). Default 3. */
  gossipNodes?: number;
  /** Time between gossip rounds (`GossipInterval`). Default 200 ms. */
  gossipIntervalMs?: number;
  /** How long dead members still receive gossip (`GossipToTheDeadTime`), so they can learn of their death and refute. Default 30,000 ms. */
  gossipToTheDeadMs?: number;
  /** Local health multiplier bound (`AwarenessMaxMultiplier`): the score ranges over 0..this−1. Default 8. */
  awarenessMaxMultiplier?: number;
  /** Each update is sent up to this × ceil(log10(n+1)) times (`RetransmitMult`). Default 4. */
  retransmitMult?: number;
}

/**
 * The defaults of {@link SwimOptions}: memberlist's `DefaultLANConfig()` (hashicorp/memberlist
 * config.go: IndirectChecks 3, RetransmitMult 4, SuspicionMult 4, SuspicionMaxTimeoutMult 6,
 * ProbeTimeout 500 ms, ProbeInterval 1 s, AwarenessMaxMultiplier 8, GossipNodes 3,
 * GossipInterval 200 ms, GossipToTheDeadTime 30 s).
 *
 * @example
 * ```ts
 * const fast = swimNode({ ...SWIM_DEFAULTS, probeIntervalMs: 200, probeTimeoutMs: 100 });
 * ```
 */
export const SWIM_DEFAULTS: Readonly<Required<SwimOptions>> = Object.freeze({
  probeIntervalMs: 1_000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  gossipNodes: 3,
  gossipIntervalMs: 200,
  gossipToTheDeadMs: 30_000,
  awarenessMaxMultiplier: 8,
  retransmitMult: 4,
});

const OPTION_KEYS = Object.keys(SWIM_DEFAULTS);

/**
 * One node's view of one member.
 *
 * @example
 * ```ts
 * const entry: SwimMember = { state: 'alive', incarnation: 2 };
 * ```
 */
export interface SwimMember {
  /** The member's state as this node sees it. */
  readonly state: SwimState;
  /** The highest incarnation this node has accepted for the member. */
  readonly incarnation: number;
}

/**
 * A change of a member's state in one node's table.
 *
 * @example
 * ```ts
 * const event: SwimEvent = { atMs: 5_120, node: 'n3', state: 'dead', incarnation: 0, from: 'n1' };
 * ```
 */
export interface SwimEvent {
  /** The observing node's local clock reading when it changed its mind. */
  readonly atMs: number;
  /** The member whose state changed (the observer itself when it refutes). */
  readonly node: string;
  /** The new state. */
  readonly state: SwimState;
  /** The incarnation that goes with it. */
  readonly incarnation: number;
  /** Who the news came from (the observer itself for its own verdicts). */
  readonly from: string;
}

/**
 * The handlers of a SWIM node plus a read-only window on its state, for tests and harnesses:
 * read it with `sim.node<SwimHandlers>(id).handlers`.
 *
 * @example
 * ```ts
 * const view = sim.node<SwimHandlers>('n1').handlers;
 * view.members().get('n3')?.state;      // 'dead'
 * view.events.filter((e) => e.node === 'n3');
 * view.healthScore();                   // Lifeguard local health, 0..7
 * ```
 */
export interface SwimHandlers extends NodeHandlers<SwimMessage> {
  /** The membership table, self included (a live view: do not hold it across runs if you need a snapshot). */
  members(): ReadonlyMap<string, SwimMember>;
  /** Every state change, in order (self refutations appear with `node` = own id, state `alive`). */
  readonly events: readonly SwimEvent[];
  /** Lifeguard local health score, 0..awarenessMaxMultiplier−1 (0 is healthy). */
  healthScore(): number;
  /** This node's own incarnation number. */
  incarnation(): number;
  /** Suspicion timeout bounds [min, max] in ms for the current cluster size. */
  suspicionTimeoutBounds(): readonly [number, number];
}

/**
 * Checks SWIM options and fills in the defaults. Throws `InvalidArgumentError` naming the
 * offending option.
 *
 * @example
 * ```ts
 * resolveSwimOptions({ indirectChecks: 2 }).probeIntervalMs; // 1000
 * resolveSwimOptions({ indirectChecks: 0 });                 // throws: indirectChecks must be ...
 * ```
 */
export function resolveSwimOptions(options: SwimOptions = {}): Readonly<Required<SwimOptions>> {
  requireObject(options, 'options');
  rejectUnknownKeys(options as Record<string, unknown>, '', OPTION_KEYS);
  const resolved = { ...SWIM_DEFAULTS, ...options };
  requirePositive(resolved.probeIntervalMs, 'probeIntervalMs');
  requirePositive(resolved.probeTimeoutMs, 'probeTimeoutMs');
  if (resolved.probeTimeoutMs >= resolved.probeIntervalMs) {
    throw new InvalidArgumentError('probeTimeoutMs', resolved.probeTimeoutMs, `a number below probeIntervalMs (${resolved.probeIntervalMs})`);
  }
  requirePositiveInteger(resolved.indirectChecks, 'indirectChecks');
  requirePositiveInteger(resolved.suspicionMult, 'suspicionMult');
  requirePositiveInteger(resolved.suspicionMaxTimeoutMult, 'suspicionMaxTimeoutMult');
  requirePositiveInteger(resolved.gossipNodes, 'gossipNodes');
  requirePositive(resolved.gossipIntervalMs, 'gossipIntervalMs');
  requireNonNegative(resolved.gossipToTheDeadMs, 'gossipToTheDeadMs');
  requirePositiveInteger(resolved.awarenessMaxMultiplier, 'awarenessMaxMultiplier');
  requirePositiveInteger(resolved.retransmitMult, 'retransmitMult');
  return Object.freeze(resolved);
}

/**
 * memberlist's `suspicionTimeout` (util.go), with its integer arithmetic: the node scale
 * max(1, log10(max(1, n))) is truncated to thousandths before it scales the interval
 * (`time.Duration(nodeScale*1000)`), so the result is SuspicionMult · ⌊1000·scale⌋ · interval / 1000.
 * At 50 nodes with the defaults that is 6792 ms, not 4 · 1.69897 · 1000 = 6795.9.
 *
 * Go's final `/ 1000` divides nanoseconds, so it is exact for any interval that is a whole
 * number of microseconds. (`Math.log10` and Go's `math.Log10` can differ in the last bit, but
 * never so that the truncation differs: checked for every n up to 2^21.)
 *
 * @example
 * ```ts
 * swimSuspicionTimeoutMs(4, 5, 1_000);   // 4000 (log10 5 < 1, floored to 1)
 * swimSuspicionTimeoutMs(4, 50, 1_000);  // 6792 (scale 1.69897… truncated to 1.698)
 * swimSuspicionTimeoutMs(4, 100, 1_000); // 8000
 * ```
 */
export function swimSuspicionTimeoutMs(suspicionMult: number, n: number, intervalMs: number): number {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, n)));
  const nodeScaleThousandths = Math.trunc(nodeScale * 1_000);
  return (suspicionMult * nodeScaleThousandths * intervalMs) / 1_000;
}

/**
 * Lifeguard's dynamic suspicion timeout, before subtracting the time already elapsed, as memberlist
 * computes it (suspicion.go): with k < 1 expected confirmations, min; with none yet, max
 * (`newSuspicion`); otherwise `remainingSuspicionTime`, which works in float seconds and floors to
 * whole milliseconds: ⌊1000·(max_s − (max_s − min_s)·ln(c + 1)/ln(k + 1))⌋ ms, never below min.
 * Working in seconds matters: `max_s` is Go's `Duration.Seconds()` (whole seconds plus the rest
 * divided by 1e9), and its rounding can put the product just below a whole millisecond (k = 3,
 * min 6610, max 39660, one confirmation: 23134 ms, where the same formula in ms gives 23135).
 *
 * @example
 * ```ts
 * swimSuspicionTimeoutAfter(0, 2, 4_000, 24_000); // 24000
 * swimSuspicionTimeoutAfter(1, 2, 4_000, 24_000); // 11381
 * swimSuspicionTimeoutAfter(2, 2, 4_000, 24_000); // 4000
 * ```
 */
export function swimSuspicionTimeoutAfter(confirmations: number, expected: number, minMs: number, maxMs: number): number {
  if (expected < 1) return minMs;
  if (confirmations === 0) return maxMs;
  const fraction = Math.log(confirmations + 1) / Math.log(expected + 1);
  const maxSeconds = durationSeconds(maxMs);
  const rawSeconds = maxSeconds - fraction * (maxSeconds - durationSeconds(minMs));
  return Math.max(minMs, Math.floor(1_000 * rawSeconds));
}

/** Go's `time.Duration.Seconds()` of a duration of `ms` (whole nanoseconds): seconds and the rest converted apart. */
function durationSeconds(ms: number): number {
  const nanoseconds = Math.round(ms * 1e6);
  const seconds = Math.trunc(nanoseconds / 1e9);
  return seconds + (nanoseconds - seconds * 1e9) / 1e9;
}

/**
 * memberlist's `retransmitLimit`: RetransmitMult · ceil(log10(n + 1)).
 *
 * @example
 * ```ts
 * swimRetransmitLimit(4, 6);  // 4
 * swimRetransmitLimit(4, 10); // 8
 * ```
 */
export function swimRetransmitLimit(retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(n + 1));
}

/** Most updates piggybacked on one message (memberlist bounds by packet bytes instead). */
const MAX_PIGGYBACK = 8;
/** An intermediary nacks after this fraction of the probe timeout without an ack from the target. */
const NACK_FRACTION = 0.8;

interface MutableMember {
  state: SwimState;
  incarnation: number;
}

interface Suspicion {
  readonly incarnation: number;
  readonly startMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly expected: number;
  readonly accusers: Set<string>;
  confirmations: number;
}

interface Broadcast {
  readonly update: SwimUpdate;
  transmits: number;
}

interface Probe {
  readonly seq: number;
  readonly target: string;
  acked: boolean;
  nacks: number;
  expectedNacks: number;
}

interface Relay {
  readonly origin: string;
  readonly originSeq: number;
  readonly target: string;
}

/**
 * A SWIM + Lifeguard group-membership node. Give every member of the cluster the same behaviour;
 * each starts knowing every other node (`ctx.peers`) as alive at incarnation 0.
 *
 * Each (scaled) probe interval the node pings the next member of a shuffled round-robin list; if
 * no ack arrives within the (scaled) probe timeout it asks `indirectChecks` random members to
 * `ping-req` the target (they answer `ack` or, Lifeguard, `nack`). No ack by the end of the
 * interval: the target becomes `suspect`, and after the Lifeguard suspicion timeout (shrinking
 * as other members independently confirm) `dead`. Updates spread by piggybacking on probe
 * traffic and a gossip timer, each sent a bounded number of times. A member that hears it is
 * suspected or dead refutes with a higher incarnation. Lifeguard local health: missed nacks and
 * refutations raise a score that stretches this node's probe interval and timeout.
 *
 * State is volatile: a restarted member starts over at incarnation 0 and rejoins by refuting the
 * `dead` verdict it hears (gossip to the dead, or a dead notice on the ack to its own ping).
 * While a node is crashed its view's `handlers` are not SWIM handlers: check `sim.isUp(id)` first.
 * Every state change and health-score change is also written with `ctx.log`.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 1 });
 * for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) sim.addNode(id, swimNode());
 * sim.scheduleAt(10_000, () => sim.crash('n3'));
 * sim.run({ until: 60_000 });
 * sim.node<SwimHandlers>('n1').handlers.members().get('n3')?.state; // 'dead'
 * ```
 */
export function swimNode(options: SwimOptions = {}): NodeBehaviour<SwimMessage> {
  const config = resolveSwimOptions(options);
  return (ctx) => createSwimHandlers(ctx, config);
}

function createSwimHandlers(ctx: NodeContext<SwimMessage>, config: Readonly<Required<SwimOptions>>): SwimHandlers {
  const self = ctx.id;
  const members = new Map<string, MutableMember>();
  /** Local time each member entered its current state (for gossip-to-the-dead). */
  const sinceMs = new Map<string, number>();
  const events: SwimEvent[] = [];
  const suspicions = new Map<string, Suspicion>();
  const relays = new Map<number, Relay>();
  /** Pending broadcasts, at most one per member (a newer one replaces the older). */
  const queue = new Map<string, Broadcast>();
  let ownIncarnation = 0;
  let health = 0;
  let seq = 0;
  let probeOrder: string[] = [];
  let probeIndex = 0;
  let probe: Probe | undefined;

  let knownPeers: readonly string[] = [];
  members.set(self, { state: 'alive', incarnation: 0 });
  syncPeers();

  /** Nodes added after this one appear in `ctx.peers` later: admit them as alive at incarnation 0. */
  function syncPeers(): void {
    const peers = ctx.peers;
    if (peers === knownPeers) return;
    knownPeers = peers;
    for (const peer of peers) if (!members.has(peer)) members.set(peer, { state: 'alive', incarnation: 0 });
  }

  // ------------------------------------------------------------ helpers

  /** memberlist's estNumNodes: members not (yet) known dead, self included. */
  function liveCount(): number {
    let n = 0;
    for (const member of members.values()) if (member.state !== 'dead') n += 1;
    return n;
  }

  function scale(ms: number): number {
    return ms * (health + 1);
  }

  function applyHealthDelta(delta: number): void {
    const before = health;
    health = Math.min(config.awarenessMaxMultiplier - 1, Math.max(0, health + delta));
    if (health !== before) ctx.log(`health score ${health}`, { delta });
  }

  function record(node: string, state: SwimState, incarnation: number, from: string): void {
    events.push({ atMs: ctx.now(), node, state, incarnation, from });
    ctx.log(`${node} ${state}`, { incarnation, from });
  }

  function enqueue(update: SwimUpdate): void {
    queue.set(update.node, { update, transmits: 0 });
  }

  /** Takes up to MAX_PIGGYBACK updates, least-transmitted first; `first` goes in front (buddy system). */
  function piggyback(first?: SwimUpdate): SwimUpdate[] {
    const out: SwimUpdate[] = [];
    if (first !== undefined) out.push(first);
    if (queue.size === 0) return out;
    const limit = swimRetransmitLimit(config.retransmitMult, liveCount());
    // Queue is tiny (≤ one entry per member): a sort per message is cheaper than a heap's upkeep.
    const ordered = [...queue.values()].sort((a, b) => a.transmits - b.transmits);
    for (const broadcast of ordered) {
      if (out.length >= MAX_PIGGYBACK) break;
      if (first !== undefined && broadcast.update.node === first.node) continue;
      out.push(broadcast.update);
      broadcast.transmits += 1;
      if (broadcast.transmits >= limit) queue.delete(broadcast.update.node);
    }
    return out;
  }

  function shuffle(items: string[]): void {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(ctx.rng.random() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
  }

  /** Up to `count` random members other than self and `exclude` that `accept` admits. */
  function randomMembers(count: number, exclude: string | undefined, accept: (id: string, member: MutableMember) => boolean): string[] {
    const candidates: string[] = [];
    for (const [id, member] of members) {
      if (id !== self && id !== exclude && accept(id, member)) candidates.push(id);
    }
    shuffle(candidates);
    if (candidates.length > count) candidates.length = count;
    return candidates;
  }

  function nextProbeTarget(): string | undefined {
    for (let attempts = 0; attempts <= members.size; attempts += 1) {
      if (probeIndex >= probeOrder.length) {
        probeOrder = [];
        for (const id of members.keys()) if (id !== self) probeOrder.push(id);
        shuffle(probeOrder);
        probeIndex = 0;
        if (probeOrder.length === 0) return undefined;
      }
      const candidate = probeOrder[probeIndex++]!;
      if (members.get(candidate)!.state !== 'dead') return candidate;
    }
    return undefined;
  }

  // ------------------------------------------------------------ membership rules
  //
  // SWIM's incarnation ordering (Das, Gupta & Motivala 2002, §4.2), for a member held at j:
  //   alive{i}   overrides alive{j} and suspect{j} only if i > j (and revives dead{j}, for rejoins);
  //   suspect{i} overrides alive{j} if i >= j, suspect{j} if i > j (equal: a Lifeguard confirmation);
  //   dead{i}    overrides alive{j} and suspect{j} if i >= j. The paper's confirm overrides any
  //              incarnation; like memberlist (deadNode) a dead{i} with i < j is ignored, because
  //              a restarted member rejoins at a higher incarnation and a stale death notice
  //              still being gossiped must not kill it again.
  // Suspect or dead about ourselves at >= our incarnation: refute with a higher one. Nothing
  // overrides dead but a higher alive.

  function refute(accusedIncarnation: number): void {
    ownIncarnation = Math.max(ownIncarnation + 1, accusedIncarnation + 1);
    const me = members.get(self)!;
    me.incarnation = ownIncarnation;
    enqueue({ state: 'alive', node: self, incarnation: ownIncarnation, from: self });
    record(self, 'alive', ownIncarnation, self);
    applyHealthDelta(1); // Lifeguard: being suspected hints that we are the slow one
  }

  function startSuspicion(node: string, incarnation: number, accuser: string): void {
    const n = liveCount();
    const minMs = swimSuspicionTimeoutMs(config.suspicionMult, n, config.probeIntervalMs);
    const maxMs = config.suspicionMaxTimeoutMult * minMs;
    // memberlist state.go: k = SuspicionMult − 2 confirmations, none when the cluster is too small.
    let expected = config.suspicionMult - 2;
    if (n - 2 < expected) expected = 0;
    const suspicion: Suspicion = { incarnation, startMs: ctx.now(), minMs, maxMs, expected, accusers: new Set([accuser]), confirmations: 0 };
    suspicions.set(node, suspicion);
    ctx.setTimer(swimSuspicionTimeoutAfter(0, expected, minMs, maxMs), `suspect:${node}`, node);
  }

  function confirmSuspicion(node: string, accuser: string): boolean {
    const suspicion = suspicions.get(node);
    if (suspicion === undefined || suspicion.confirmations >= suspicion.expected || suspicion.accusers.has(accuser)) return false;
    suspicion.accusers.add(accuser);
    suspicion.confirmations += 1;
    const total = swimSuspicionTimeoutAfter(suspicion.confirmations, suspicion.expected, suspicion.minMs, suspicion.maxMs);
    const remaining = total - (ctx.now() - suspicion.startMs);
    ctx.setTimer(Math.max(0, remaining), `suspect:${node}`, node);
    return true;
  }

  function clearSuspicion(node: string): void {
    if (suspicions.delete(node)) ctx.cancelTimer(`suspect:${node}`);
  }

  function onAlive(update: SwimUpdate): void {
    if (update.node === self) return; // only we raise our own incarnation
    const member = members.get(update.node);
    if (member === undefined || update.incarnation <= member.incarnation) return;
    const changed = member.state !== 'alive';
    member.state = 'alive';
    member.incarnation = update.incarnation;
    sinceMs.set(update.node, ctx.now());
    clearSuspicion(update.node);
    enqueue(update);
    if (changed) record(update.node, 'alive', update.incarnation, update.from);
  }

  function onSuspect(update: SwimUpdate): void {
    const member = members.get(update.node);
    if (member === undefined || update.incarnation < member.incarnation) return;
    if (update.node === self) {
      refute(update.incarnation);
      return;
    }
    if (member.state === 'dead') return;
    if (member.state === 'suspect' && update.incarnation === member.incarnation) {
      // Lifeguard: an independent accuser shortens the timeout; pass the confirmation on.
      if (confirmSuspicion(update.node, update.from)) enqueue(update);
      return;
    }
    // A suspicion of a newer incarnation than the one we suspect is a new suspicion: the member
    // refuted the old one (we missed its alive) and was suspected again. Here we follow the SWIM
    // paper (suspect{i} overrides suspect{j} when i > j), not memberlist: its suspectNode counts
    // such a message as a confirmation of the timer it has and keeps the old incarnation, so the
    // death it declares is of an incarnation the member already left behind.
    clearSuspicion(update.node);
    member.state = 'suspect';
    member.incarnation = update.incarnation;
    sinceMs.set(update.node, ctx.now());
    startSuspicion(update.node, update.incarnation, update.from);
    enqueue(update);
    record(update.node, 'suspect', update.incarnation, update.from);
  }

  function onDead(update: SwimUpdate): void {
    const member = members.get(update.node);
    if (member === undefined || update.incarnation < member.incarnation) return;
    if (update.node === self) {
      refute(update.incarnation);
      return;
    }
    if (member.state === 'dead') return;
    member.state = 'dead';
    member.incarnation = update.incarnation;
    sinceMs.set(update.node, ctx.now());
    clearSuspicion(update.node);
    enqueue(update);
    record(update.node, 'dead', update.incarnation, update.from);
  }

  function merge(updates: readonly SwimUpdate[]): void {
    for (let i = 0; i < updates.length; i += 1) {
      const update = updates[i]!;
      if (update.state === 'alive') onAlive(update);
      else if (update.state === 'suspect') onSuspect(update);
      else onDead(update);
    }
  }

  /** A member we think dead is talking to us: tell it (stands in for memberlist's push-pull sync). */
  function deadNotice(to: string): SwimUpdate | undefined {
    const member = members.get(to);
    if (member === undefined || member.state !== 'dead') return undefined;
    return { state: 'dead', node: to, incarnation: member.incarnation, from: self };
  }

  // ------------------------------------------------------------ probing

  function finishProbe(): void {
    const finished = probe;
    probe = undefined;
    if (finished === undefined) return;
    ctx.cancelTimer('probe-timeout');
    if (finished.acked) return;
    // Lifeguard (memberlist probeNode): missing nacks mean our own links are the problem.
    if (finished.expectedNacks > 0) {
      if (finished.nacks < finished.expectedNacks) applyHealthDelta(finished.expectedNacks - finished.nacks);
    } else {
      applyHealthDelta(1);
    }
    const member = members.get(finished.target);
    if (member === undefined || member.state === 'dead') return;
    if (member.state === 'suspect') {
      if (confirmSuspicion(finished.target, self)) enqueue({ state: 'suspect', node: finished.target, incarnation: member.incarnation, from: self });
      return;
    }
    onSuspect({ state: 'suspect', node: finished.target, incarnation: member.incarnation, from: self });
  }

  function startProbe(): void {
    finishProbe();
    ctx.setTimer(scale(config.probeIntervalMs), 'probe');
    const target = nextProbeTarget();
    if (target === undefined) return;
    seq += 1;
    probe = { seq, target, acked: false, nacks: 0, expectedNacks: 0 };
    const member = members.get(target)!;
    // Lifeguard buddy system: tell a suspect first, so it can refute at once.
    const buddy = member.state === 'suspect' ? { state: 'suspect' as const, node: target, incarnation: member.incarnation, from: self } : undefined;
    ctx.send(target, { type: 'ping', seq, target, updates: piggyback(buddy) });
    ctx.setTimer(scale(config.probeTimeoutMs), 'probe-timeout');
  }

  function indirectProbe(): void {
    if (probe === undefined || probe.acked) return;
    const target = probe.target;
    const helpers = randomMembers(config.indirectChecks, target, (_id, member) => member.state === 'alive');
    probe.expectedNacks = helpers.length;
    for (const helper of helpers) {
      ctx.send(helper, { type: 'ping-req', seq: probe.seq, target, updates: piggyback() });
    }
  }

  function gossip(): void {
    ctx.setTimer(config.gossipIntervalMs, 'gossip');
    if (queue.size === 0) return;
    const now = ctx.now();
    const targets = randomMembers(config.gossipNodes, undefined, (id, member) => member.state !== 'dead' || now - (sinceMs.get(id) ?? 0) < config.gossipToTheDeadMs);
    for (const target of targets) {
      const updates = piggyback();
      if (updates.length === 0) break;
      ctx.send(target, { type: 'gossip', updates });
    }
  }

  // ------------------------------------------------------------ handlers

  function start(): void {
    // Desynchronise the first probe so members do not all probe in lock-step.
    ctx.setTimer(ctx.rng.random() * config.probeIntervalMs, 'probe');
    ctx.setTimer(config.gossipIntervalMs, 'gossip');
  }

  function onMessage(from: string, message: SwimMessage): void {
    syncPeers();
    merge(message.updates);
    switch (message.type) {
      case 'ping':
        if (message.target !== self) break; // meant for someone else (memberlist checks the name too)
        ctx.send(from, { type: 'ack', seq: message.seq, updates: piggyback(deadNotice(from)) });
        break;
      case 'ping-req': {
        seq += 1;
        relays.set(seq, { origin: from, originSeq: message.seq, target: message.target });
        ctx.send(message.target, { type: 'ping', seq, target: message.target, updates: piggyback() });
        // Nack at 80% of the probe timeout so it can reach the origin before its probe deadline.
        ctx.setTimer(NACK_FRACTION * config.probeTimeoutMs, `relay:${seq}`, seq);
        break;
      }
      case 'ack': {
        if (probe !== undefined && probe.seq === message.seq && !probe.acked) {
          probe.acked = true;
          ctx.cancelTimer('probe-timeout');
          applyHealthDelta(-1);
          return;
        }
        const relay = relays.get(message.seq);
        if (relay !== undefined) {
          relays.delete(message.seq);
          ctx.cancelTimer(`relay:${message.seq}`);
          ctx.send(relay.origin, { type: 'ack', seq: relay.originSeq, updates: piggyback() });
        }
        break;
      }
      case 'nack':
        if (probe !== undefined && probe.seq === message.seq) probe.nacks += 1;
        break;
      case 'gossip':
        break;
    }
  }

  function onTimer(name: string, data: unknown): void {
    syncPeers();
    if (name === 'probe') startProbe();
    else if (name === 'probe-timeout') indirectProbe();
    else if (name === 'gossip') gossip();
    else if (name.startsWith('relay:')) {
      const relay = relays.get(data as number);
      if (relay === undefined) return;
      relays.delete(data as number);
      ctx.send(relay.origin, { type: 'nack', seq: relay.originSeq, updates: piggyback() });
    } else if (name.startsWith('suspect:')) {
      const node = data as string;
      const suspicion = suspicions.get(node);
      const member = members.get(node);
      if (suspicion === undefined || member === undefined || member.state !== 'suspect' || member.incarnation !== suspicion.incarnation) return;
      onDead({ state: 'dead', node, incarnation: member.incarnation, from: self });
    }
  }

  return {
    onStart: start,
    onRecover: start,
    onMessage,
    onTimer,
    members() {
      syncPeers();
      return members;
    },
    events,
    healthScore: () => health,
    incarnation: () => ownIncarnation,
    suspicionTimeoutBounds() {
      const minMs = swimSuspicionTimeoutMs(config.suspicionMult, liveCount(), config.probeIntervalMs);
      return [minMs, config.suspicionMaxTimeoutMult * minMs] as const;
    },
  };
}
