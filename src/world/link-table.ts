import { float64Arrays } from '../kernel/array-pool.js';
import { ALEA_STATE_SIZE, nextUniform, seedAleaState, type Seed } from '../kernel/rng.js';

/** Doubles per link record: the Alea state, then the counters and flag every message touches. */
const RECORD_SIZE = 8;
const SENT = ALEA_STATE_SIZE;
const DELIVERED = ALEA_STATE_SIZE + 1;
const BLOCKED = ALEA_STATE_SIZE + 2;
/** Links {@link LinkTable.reserve} makes room for at most; beyond, the table doubles as links come. */
const MAX_RESERVED_LINKS = 64;
const MIN_LINKS = 4;
const NO_RECORDS = new Float64Array(0);
/**
 * Links between two nodes below this index are found in dense rows, one Int32Array per sender
 * (at most 4 MiB in all); links of later nodes in a Map per sender.
 */
const DENSE_NODES = 1024;
const MIN_ROW_LENGTH = 16;

/**
 * The per-link state that every message reads or writes — the link's random stream, its cut flag
 * and its sent and delivered counters — as one record of 8 doubles (64 bytes) per link in one
 * Float64Array.
 *
 * Why not fields of a link object: a 100-node mesh has 9,900 links, and a send plus its delivery
 * used to touch the link object, its `Rng`, seedrandom's closure and the boxed doubles of the
 * Alea state — scattered heap objects that missed the caches on almost every message. A record
 * keeps all of it on one or two cache lines. Each link still has a stream of its own, seeded from
 * `(seed, name)` exactly as `sim.rng(name)` would be, so draws are identical to a named `Rng`'s.
 *
 * Finding a link by `(from, to)` is a lookup in a dense row rather than a Map for the same
 * reason: it runs on every send.
 *
 * @example
 * ```ts
 * const table = new LinkTable();
 * const link = table.add(0, 1, 1, 'link:["a","b"]');
 * table.find(0, 1) === link; // true
 * const lost = table.nextUniform(link) < 0.01;
 * ```
 */
export class LinkTable {
  /**
   * Made at the first link, not with the table: a typed array of more than 64 bytes has its
   * memory outside the JS heap, which costs about a microsecond per array (Node 20, measured),
   * and a simulation that sends nothing needs none.
   */
  private records = NO_RECORDS;
  private count = 0;
  /** By sender below DENSE_NODES: link index + 1 by receiver below DENSE_NODES (0: no link yet). */
  private readonly denseRows: Array<Int32Array | undefined> = [];
  /** By sender: link index by receiver, for pairs outside the dense rows. */
  private readonly sparseRows: Array<Map<number, number> | undefined> = [];

  /** Links in the table. */
  get size(): number {
    return this.count;
  }

  /**
   * The table of Alea states, for samplers that draw from a link's stream at
   * {@link LinkTable.streamOffset}. Re-read it after {@link LinkTable.add}: growing replaces it.
   */
  get states(): Float64Array {
    return this.records;
  }

  /** The index of the link `from → to`, or -1 if it was never added. */
  find(from: number, to: number): number {
    if (from < DENSE_NODES && to < DENSE_NODES) {
      const row = this.denseRows[from];
      return row !== undefined && to < row.length ? row[to]! - 1 : -1;
    }
    return this.sparseRows[from]?.get(to) ?? -1;
  }

  /** Makes room for `links` links in all (at most 64 at once), so they are added without growing. */
  reserve(links: number): void {
    const wanted = Math.min(links, MAX_RESERVED_LINKS) * RECORD_SIZE;
    if (wanted > this.records.length) this.resize(wanted);
  }

  /** Adds the link `from → to`, whose stream is derived from `(seed, name)`; returns its index. */
  add(from: number, to: number, seed: Seed, name: string): number {
    const link = this.count;
    if ((link + 1) * RECORD_SIZE > this.records.length) this.resize(Math.max(this.records.length * 2, MIN_LINKS * RECORD_SIZE));
    seedAleaState(this.records, link * RECORD_SIZE, seed, name);
    this.count++;
    if (from < DENSE_NODES && to < DENSE_NODES) this.denseRow(from, to)[to] = link + 1;
    else this.sparseRow(from).set(to, link);
    return link;
  }

  /** Where the link's Alea state starts in {@link LinkTable.states}. */
  streamOffset(link: number): number {
    return link * RECORD_SIZE;
  }

  /** The next uniform number in [0, 1) of the link's stream. */
  nextUniform(link: number): number {
    return nextUniform(this.records, link * RECORD_SIZE);
  }

  isBlocked(link: number): boolean {
    return this.records[link * RECORD_SIZE + BLOCKED] !== 0;
  }

  setBlocked(link: number, blocked: boolean): void {
    this.records[link * RECORD_SIZE + BLOCKED] = blocked ? 1 : 0;
  }

  countSent(link: number): void {
    this.records[link * RECORD_SIZE + SENT]!++;
  }

  countDelivered(link: number): void {
    this.records[link * RECORD_SIZE + DELIVERED]!++;
  }

  sent(link: number): number {
    return this.records[link * RECORD_SIZE + SENT]!;
  }

  delivered(link: number): number {
    return this.records[link * RECORD_SIZE + DELIVERED]!;
  }

  /** The dense row of `from`, long enough to hold `to`. */
  private denseRow(from: number, to: number): Int32Array {
    const row = this.denseRows[from];
    if (row !== undefined && to < row.length) return row;
    let length = row?.length ?? MIN_ROW_LENGTH;
    while (length <= to) length *= 2;
    const grown = new Int32Array(Math.min(length, DENSE_NODES));
    if (row !== undefined) grown.set(row);
    this.denseRows[from] = grown;
    return grown;
  }

  private sparseRow(from: number): Map<number, number> {
    let row = this.sparseRows[from];
    if (row === undefined) {
      row = new Map();
      this.sparseRows[from] = row;
    }
    return row;
  }

  /**
   * Gives the records back to the pool (see array-pool.ts) for the next simulation of this thread
   * and forgets every link: for a simulation that is done (`Simulation.dispose`).
   */
  release(): void {
    float64Arrays.give(this.records);
    this.records = NO_RECORDS;
    this.count = 0;
    this.denseRows.length = 0;
    this.sparseRows.length = 0;
  }

  private resize(length: number): void {
    // The old records go to the pool: readers of `states` re-read it after `add`, as documented.
    this.records = float64Arrays.grown(this.records, length);
  }
}
