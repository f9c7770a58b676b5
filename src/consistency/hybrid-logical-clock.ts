import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireObject } from '../validate.js';
import { compareStrings } from './keyed-record.js';
import { requireNodeId, requireVersion } from './state-checks.js';

/**
 * A hybrid logical clock's state, which is also the timestamp it last issued: the greatest
 * physical time seen (`wallMs`), a counter ordering events within it (`logical`), and the node.
 *
 * @example
 * ```ts
 * const stamp: HlcTimestamp = { wallMs: 1_000, logical: 2, node: 'a' };
 * ```
 */
export interface HlcTimestamp {
  /** The greatest physical clock reading seen, local or received, in ms. */
  readonly wallMs: number;
  /** Events since `wallMs` last moved. */
  readonly logical: number;
  /** The node whose clock issued the timestamp; breaks ties. */
  readonly node: string;
}

/**
 * What a hybrid logical clock runs on: the node's id and its local physical clock. A
 * `NodeContext` is one, so the clock reads the node's simulated clock, skew, drift and jumps
 * included.
 *
 * @example
 * ```ts
 * const host: PhysicalClock = ctx; // inside a node behaviour
 * const fixed: PhysicalClock = { id: 'a', now: () => 1_000 };
 * ```
 */
export interface PhysicalClock {
  /** The id of the node the clock belongs to. */
  readonly id: string;
  /** The local physical clock's reading, in ms. */
  now(): number;
}

/**
 * Hybrid logical clocks (Kulkarni et al., 2014): timestamps close to physical time that never
 * go backwards and respect causality even when the physical clock steps back or runs fast (a
 * `clock-jump`, `clock-skew` or `clock-drift` fault). `tick` before a local event or a send,
 * `receive` on a message; each returns the new state, which is the new timestamp. Passing the
 * wrong node's clock (its `node` is not `host.id`) is refused.
 *
 * @example
 * ```ts
 * sim.addNode('a', (ctx) => {
 *   let clock = hybridLogicalClock.create(ctx);
 *   return {
 *     onStart() { clock = hybridLogicalClock.tick(clock, ctx); ctx.send('b', { stamp: clock }); },
 *     onMessage(from, message) { clock = hybridLogicalClock.receive(clock, message.stamp, ctx); },
 *   };
 * });
 * ```
 */
export const hybridLogicalClock = {
  /** A clock for `host` reading its physical clock now, logical 0. */
  create(host: PhysicalClock): HlcTimestamp {
    requireHost(host);
    return { wallMs: readPhysical(host), logical: 0, node: host.id };
  },

  /** The clock after one local event or send on `host`. */
  tick(clock: HlcTimestamp, host: PhysicalClock): HlcTimestamp {
    requireOwnClock(clock, host);
    const physicalMs = readPhysical(host);
    if (physicalMs > clock.wallMs) return { wallMs: physicalMs, logical: 0, node: host.id };
    return { wallMs: clock.wallMs, logical: nextLogical(clock.logical, 'clock.logical'), node: host.id };
  },

  /**
   * The clock after `host` receives `remote`: past both, and past the physical clock. A remote
   * timestamp of this same node that is ahead of its clock (two processes sharing an id, or a
   * clock handed to the wrong node) is refused.
   */
  receive(clock: HlcTimestamp, remote: HlcTimestamp, host: PhysicalClock): HlcTimestamp {
    requireOwnClock(clock, host);
    requireHlc(remote, 'remote');
    if (remote.node === host.id && compareHlc(remote, clock) > 0) {
      throw new InvalidArgumentError('remote', remote, `a timestamp of node '${host.id}' no later than its clock (${describe(clock)}); is a clock shared by two nodes?`);
    }
    const wallMs = Math.max(clock.wallMs, remote.wallMs, readPhysical(host));
    const logical =
      wallMs === clock.wallMs && wallMs === remote.wallMs
        ? Math.max(clock.logical, remote.logical)
        : wallMs === clock.wallMs
          ? clock.logical
          : wallMs === remote.wallMs
            ? remote.logical
            : -1;
    return { wallMs, logical: nextLogical(logical, 'remote.logical'), node: host.id };
  },

  /** The total order: by `wallMs`, then `logical`, then node id. Negative when `a` comes first. */
  compare(a: HlcTimestamp, b: HlcTimestamp): number {
    requireHlc(a, 'a');
    requireHlc(b, 'b');
    return compareHlc(a, b);
  },

  /** Throws InvalidArgumentError naming the first malformed field of `timestamp`. */
  validate(timestamp: unknown, field = 'timestamp'): asserts timestamp is HlcTimestamp {
    requireHlc(timestamp, field);
  },
};

/** Internal: checks an HLC timestamp's shape. */
export function requireHlc(value: unknown, field: string): asserts value is HlcTimestamp {
  requireObject(value, field);
  rejectUnknownKeys(value, field, ['wallMs', 'logical', 'node']);
  requireFinite(value['wallMs'], `${field}.wallMs`);
  requireVersion(value['logical'], `${field}.logical`);
  requireNodeId(value['node'], `${field}.node`);
}

/** Internal: the total order, unchecked. */
export function compareHlc(a: HlcTimestamp, b: HlcTimestamp): number {
  return a.wallMs - b.wallMs || a.logical - b.logical || compareStrings(a.node, b.node);
}

function requireHost(host: PhysicalClock): void {
  requireObject(host, 'host');
  requireNodeId(host.id, 'host.id');
  if (typeof host.now !== 'function') throw new InvalidArgumentError('host.now', host.now, 'a function returning the local clock in ms');
}

function requireOwnClock(clock: HlcTimestamp, host: PhysicalClock): void {
  requireHost(host);
  requireHlc(clock, 'clock');
  if (clock.node !== host.id) throw new InvalidArgumentError('clock.node', clock.node, `'${host.id}' (the node ticking it: each node keeps its own clock)`);
}

function readPhysical(host: PhysicalClock): number {
  const physicalMs = host.now();
  requireFinite(physicalMs, 'host.now()');
  return physicalMs;
}

function nextLogical(logical: number, field: string): number {
  if (logical >= Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(field, logical, 'below 9007199254740991');
  return logical + 1;
}

function describe(stamp: HlcTimestamp): string {
  return `${stamp.wallMs}.${stamp.logical}@${stamp.node}`;
}
