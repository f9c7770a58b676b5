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
  /** Senders whose messages are cut. */
  readonly from: readonly string[];
  /** Addressees they cannot reach. */
  readonly to: readonly string[];
  /** Cut `to → from` too (a symmetric partition). */
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

/**
 * What the partitions did to one directed link, built on the first question about it and brought
 * up to date on each later one: ended cuts as a sorted union of intervals (binary searched), cuts
 * still in force apart. Each partition record is looked at once per link asked about, so a long
 * nemesis run does not make every `isCut` scan every partition ever applied.
 */
export class LinkCutIndex {
  /** Records before this index of the truth's list have been sorted into `closed` or `open`. */
  private seen = 0;
  private readonly closed: Array<[number, number]> = [];
  private open: CutRecord[] = [];

  constructor(
    private readonly from: string,
    private readonly to: string,
  ) {}

  isCutAt(records: readonly CutRecord[], timeMs: number): boolean {
    this.catchUp(records);
    if (this.open.some((record) => record.activeAt(timeMs))) return true;
    const index = lastStartingBy(this.closed, timeMs);
    return index >= 0 && timeMs < this.closed[index]![1];
  }

  /** Intervals before `untilMs`; `sorted` when they are already a sorted union (no cut in force). */
  intervals(records: readonly CutRecord[], untilMs: number): { intervals: Array<[number, number]>; sorted: boolean } {
    this.catchUp(records);
    const intervals: Array<[number, number]> = [];
    for (const [start, end] of this.closed) {
      if (start >= untilMs) break;
      intervals.push([start, Math.min(end, untilMs)]);
    }
    for (const record of this.open) if (record.startMs < untilMs) intervals.push([record.startMs, Math.min(record.endMs, untilMs)]);
    return { intervals, sorted: this.open.length === 0 };
  }

  private catchUp(records: readonly CutRecord[]): void {
    const stillOpen = this.open.filter((record) => record.endMs === Infinity);
    if (stillOpen.length < this.open.length) for (const record of this.open) if (record.endMs !== Infinity) this.close(record);
    this.open = stillOpen;
    for (; this.seen < records.length; this.seen++) {
      const record = records[this.seen]!;
      if (!record.cuts(this.from, this.to)) continue;
      if (record.endMs === Infinity) this.open.push(record);
      else this.close(record);
    }
  }

  private close(record: CutRecord): void {
    if (record.endMs <= record.startMs) return;
    const last = this.closed[this.closed.length - 1];
    if (last === undefined || record.startMs > last[1]) this.closed.push([record.startMs, record.endMs]);
    else if (record.startMs >= last[0]) last[1] = Math.max(last[1], record.endMs);
    else this.closed.splice(0, this.closed.length, ...unionOfIntervals([...this.closed, [record.startMs, record.endMs]])); // out of order: rare
  }
}

/** The index of the last interval starting at or before `timeMs`, or -1. */
function lastStartingBy(intervals: ReadonlyArray<[number, number]>, timeMs: number): number {
  let low = 0;
  let high = intervals.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (intervals[middle]![0] <= timeMs) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
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
