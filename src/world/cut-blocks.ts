/**
 * Directed cuts from every node of `from` to every node of `to` (and back when `bothWays`): the
 * shape every partition is made of. A 100/100 partition is one block, not 20,000 links.
 *
 * @example
 * ```ts
 * const block: CutBlock = { from: ['a', 'b'], to: ['c'], bothWays: true }; // {a, b} | {c}
 * ```
 */
export interface CutBlock {
  readonly from: readonly string[];
  readonly to: readonly string[];
  readonly bothWays: boolean;
}

/** One set of blocks cut together (one partition) over true time [startMs, endMs). */
export class CutRecord {
  private readonly sides: ReadonlyArray<{ from: ReadonlySet<string>; to: ReadonlySet<string>; bothWays: boolean }>;
  endMs = Infinity;

  constructor(
    blocks: readonly CutBlock[],
    readonly startMs: number,
  ) {
    this.sides = blocks.map((block) => ({ from: new Set(block.from), to: new Set(block.to), bothWays: block.bothWays }));
  }

  /** Does it cut `from → to`, whatever the time? */
  cuts(from: string, to: string): boolean {
    return this.sides.some((side) => (side.from.has(from) && side.to.has(to)) || (side.bothWays && side.from.has(to) && side.to.has(from)));
  }

  activeAt(timeMs: number): boolean {
    return this.startMs <= timeMs && timeMs < this.endMs;
  }
}

/** Every directed link the blocks cut, once each, in block order. */
export function linksOf(blocks: readonly CutBlock[]): Array<[string, string]> {
  const links: Array<[string, string]> = [];
  for (const block of blocks) {
    for (const a of block.from) {
      for (const b of block.to) {
        links.push([a, b]);
        if (block.bothWays) links.push([b, a]);
      }
    }
  }
  return links;
}

/** The union of half-open intervals, sorted, with touching ones joined. */
export function unionOfIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = intervals.filter(([from, to]) => to > from).sort((x, y) => x[0] - y[0]);
  const union: Array<[number, number]> = [];
  for (const [from, to] of sorted) {
    const last = union[union.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else union.push([from, to]);
  }
  return union;
}
