/**
 * What the disk of a node does when it persists, under disk faults.
 *
 * @example
 * ```ts
 * const failing: DiskState = { cacheWrites: false, failProbability: 0.1, full: false };
 * ```
 */
export interface DiskState {
  /** Writes go to a cache and are lost on crash unless `ctx.sync()` ran. */
  cacheWrites: boolean;
  /** Probability a persist fails with `DiskError` (code `DISK_WRITE_FAILED`). */
  failProbability: number;
  /** Every persist fails with `DiskError` (code `DISK_FULL`). */
  full: boolean;
}
