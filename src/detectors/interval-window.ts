import { requirePositiveInteger } from '../validate.js';

/** The largest window a detector accepts: 2^20 intervals (8 MB). */
export const MAX_WINDOW = 2 ** 20;

/**
 * The last `capacity` heartbeat intervals in a `Float64Array` ring, with a running sum and sum of
 * squares so the mean and population variance cost O(1) and pushing allocates nothing (Akka's
 * `HeartbeatHistory`, Cassandra's `ArrayBackedBoundedStats`). Each time the ring wraps, the sums
 * are recomputed from the ring, so rounding drift (or an overflow to Infinity from an absurd
 * interval) never outlives the window; that is O(capacity) once per `capacity` pushes.
 *
 * Internal to the detectors: not part of the public API.
 *
 * @example
 * ```ts
 * const window = new IntervalWindow(3, 'maxSampleSize');
 * window.push(100); window.push(110); window.push(90); window.push(140);
 * window.mean; // 113.33 (100 was dropped)
 * ```
 */
export class IntervalWindow {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private sum = 0;
  private sumOfSquares = 0;

  /** `field` names the option in the error thrown for a bad `capacity`. */
  constructor(capacity: number, field: string) {
    requirePositiveInteger(capacity, field, MAX_WINDOW);
    this.ring = new Float64Array(capacity);
  }

  /** How many intervals the window holds (at most its capacity). */
  get size(): number {
    return this.count;
  }

  /** Mean of the held intervals; NaN while empty. */
  get mean(): number {
    return this.sum / this.count;
  }

  /** Population variance of the held intervals, never negative; NaN while empty. */
  get variance(): number {
    if (this.count === 0) return Number.NaN;
    const mean = this.sum / this.count;
    const variance = this.sumOfSquares / this.count - mean * mean;
    return variance > 0 ? variance : 0; // rounding can leave -1e-12 where the true value is 0
  }

  /** Population standard deviation; NaN while empty. */
  get stdDeviation(): number {
    return Math.sqrt(this.variance);
  }

  /** Appends an interval, dropping the oldest when full. */
  push(interval: number): void {
    const capacity = this.ring.length;
    if (this.count === capacity) {
      const oldest = this.ring[this.next]!;
      this.sum -= oldest;
      this.sumOfSquares -= oldest * oldest;
    } else {
      this.count++;
    }
    this.ring[this.next] = interval;
    this.sum += interval;
    this.sumOfSquares += interval * interval;
    if (++this.next === capacity) {
      this.next = 0;
      this.resum();
    }
  }

  private resum(): void {
    let sum = 0;
    let sumOfSquares = 0;
    for (let index = 0; index < this.count; index++) {
      const interval = this.ring[index]!;
      sum += interval;
      sumOfSquares += interval * interval;
    }
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
  }
}

/**
 * Makes a raw suspicion value fit the `FailureDetector` contract: NaN, negative values and
 * -0 become +0, and Infinity becomes `Number.MAX_VALUE`.
 */
export function toSuspicion(value: number): number {
  if (!(value > 0)) return 0;
  return value < Number.MAX_VALUE ? value : Number.MAX_VALUE;
}
