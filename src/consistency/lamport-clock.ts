import { InvalidArgumentError } from '../errors.js';
import { compareStrings } from './keyed-record.js';
import { rejectUnknownKeys, requireObject } from '../validate.js';
import { requireNodeId, requireVersion } from './state-checks.js';

/**
 * A Lamport clock's state, which is also the timestamp it last issued: plain data, safe to keep
 * in `ctx.durable` or to send in a message.
 *
 * @example
 * ```ts
 * const clock: LamportTimestamp = { node: 'a', time: 3 };
 * ```
 */
export interface LamportTimestamp {
  /** The node whose clock this is; breaks ties between equal times. */
  readonly node: string;
  /** Events counted so far, raised past every timestamp received. */
  readonly time: number;
}

/**
 * Lamport's logical clock (1978): `tick` before each local event or send, `receive` on each
 * message; if event e happened before f then `compare(e, f) < 0`. Pure functions over plain
 * {@link LamportTimestamp}s: each returns the new state, which is the new timestamp.
 *
 * @example
 * ```ts
 * let clock = lamportClock.create('a');
 * clock = lamportClock.tick(clock);                          // { node: 'a', time: 1 }
 * clock = lamportClock.receive(clock, { node: 'b', time: 7 }); // { node: 'a', time: 8 }
 * ```
 */
export const lamportClock = {
  /** A clock for `node` at time 0. */
  create(node: string): LamportTimestamp {
    requireNodeId(node, 'node');
    return { node, time: 0 };
  },

  /** The clock after one local event or send. */
  tick(clock: LamportTimestamp): LamportTimestamp {
    requireLamport(clock, 'clock');
    return { node: clock.node, time: nextTime(clock.time, 'clock.time') };
  },

  /**
   * The clock after receiving `remote`: past both. A timestamp that claims to be this node's own
   * yet is ahead of its clock means two processes share the node id, or a clock was handed to
   * the wrong node, and is refused.
   */
  receive(clock: LamportTimestamp, remote: LamportTimestamp): LamportTimestamp {
    requireLamport(clock, 'clock');
    requireLamport(remote, 'remote');
    if (remote.node === clock.node && remote.time > clock.time) {
      throw new InvalidArgumentError('remote.time', remote.time, `at most ${clock.time}: a timestamp of node '${clock.node}' ahead of its own clock (a clock used by two nodes?)`);
    }
    return { node: clock.node, time: nextTime(Math.max(clock.time, remote.time), 'remote.time') };
  },

  /** The total order: by time, then by node id. Negative when `a` comes first. */
  compare(a: LamportTimestamp, b: LamportTimestamp): number {
    requireLamport(a, 'a');
    requireLamport(b, 'b');
    return a.time - b.time || compareStrings(a.node, b.node);
  },

  /** Throws InvalidArgumentError naming the first malformed field of `clock`. */
  validate(clock: unknown, field = 'clock'): asserts clock is LamportTimestamp {
    requireLamport(clock, field);
  },
};

function requireLamport(value: unknown, field: string): asserts value is LamportTimestamp {
  requireObject(value, field);
  rejectUnknownKeys(value, field, ['node', 'time']);
  requireNodeId(value['node'], `${field}.node`);
  requireVersion(value['time'], `${field}.time`);
}

function nextTime(time: number, field: string): number {
  if (time >= Number.MAX_SAFE_INTEGER) throw new InvalidArgumentError(field, time, 'below 9007199254740991 (the clock would stop counting)');
  return time + 1;
}
