import type { RampParams } from './ramp.js';

/**
 * What a degradation fault raises at its peak, in the units of the signals a monitor reads. A
 * kind sets only the fields it degrades. Internal: the metrics layer sums these per node.
 */
export interface DegradationPeaks {
  /** Resident memory leaked by the failure time, in bytes. */
  readonly leakBytes?: number;
  /** Disk write latency added by the failure time, in ms. */
  readonly extraWriteLatencyMs?: number;
  /** Probability a disk write (`ctx.persist`) fails, at the failure time. */
  readonly writeErrorProbability?: number;
  /** Service time per message added by the failure time, in ms. */
  readonly extraServiceMs?: number;
}

/** A degradation fault read back from its record: its ramp and its peaks. Internal. */
export interface DegradationSpec {
  readonly ramp: RampParams;
  readonly peaks: DegradationPeaks;
}
