import { InvalidArgumentError } from '../errors.js';

/** One shard of a sweep: `index` of `count`, 1-based, as vitest and CI matrices write shards. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * The seeds of one shard, in order: of the sweep's seeds `firstSeed .. firstSeed + seeds - 1`,
 * those whose offset is congruent to `index - 1` modulo `count`, so the shards of one sweep
 * cover its seeds exactly once.
 *
 * @example
 * ```ts
 * shardSeeds(100, 10, { index: 2, count: 4 }); // [101, 105, 109]
 * ```
 */
export function shardSeeds(firstSeed: number, seeds: number, shard: Shard): number[] {
  const result: number[] = [];
  for (let offset = shard.index - 1; offset < seeds; offset += shard.count) result.push(firstSeed + offset);
  return result;
}

/**
 * How many seeds a shard runs, without listing them.
 *
 * @example
 * ```ts
 * shardSize(10, { index: 2, count: 4 }); // 3
 * ```
 */
export function shardSize(seeds: number, shard: Shard): number {
  return seeds < shard.index ? 0 : Math.floor((seeds - shard.index) / shard.count) + 1;
}

/**
 * Parses `i/n` (1-based: `1/8` .. `8/8`).
 *
 * @example
 * ```ts
 * parseShard('2/8'); // { index: 2, count: 8 }
 * parseShard('0/8'); // throws InvalidArgumentError: --shard must be i/n with 1 <= i <= n
 * ```
 */
export function parseShard(text: string, field = '--shard'): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(count) || !(count >= 1) || !(index >= 1 && index <= count)) {
    throw new InvalidArgumentError(field, text, 'i/n with 1 <= i <= n, e.g. 2/8');
  }
  return { index, count };
}
