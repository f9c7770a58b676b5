import { requirePositiveInteger } from '../validate.js';

/**
 * Keeps the last `limit` items pushed, oldest first: a bound that never grows, for traces and
 * logs where the most recent entries are the ones that explain a failure.
 *
 * @example
 * ```ts
 * const ring = new RingBuffer<number>(2);
 * ring.push(1); ring.push(2); ring.push(3);
 * ring.items(); // [2, 3]
 * ring.discardedCount; // 1
 * ```
 */
export class RingBuffer<T> {
  /** The most items kept; older ones are discarded first. */
  readonly limit: number;
  private readonly ring: T[] = [];
  private nextIndex = 0;
  private total = 0;

  constructor(limit: number) {
    requirePositiveInteger(limit, 'limit');
    this.limit = limit;
  }

  /** Appends an item, discarding the oldest when full. */
  push(item: T): void {
    if (this.ring.length < this.limit) this.ring.push(item);
    else this.ring[this.nextIndex] = item;
    this.nextIndex = (this.nextIndex + 1) % this.limit;
    this.total++;
  }

  /** The kept items, oldest first. */
  items(): T[] {
    if (this.ring.length < this.limit) return this.ring.slice();
    return this.ring.slice(this.nextIndex).concat(this.ring.slice(0, this.nextIndex));
  }

  /** How many items were ever pushed, including discarded ones. */
  get pushedCount(): number {
    return this.total;
  }

  /** How many items were discarded because the ring was full. */
  get discardedCount(): number {
    return this.total - this.ring.length;
  }
}
