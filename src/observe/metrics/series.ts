/**
 * One sampled time series with bounded memory. It keeps at most `capacity` samples; when full it
 * drops every other sample and from then on records only every second offered sample (its stride
 * doubles). So a run of any length is covered from its first sample to its last, at a resolution
 * no finer than needed to fit: memory is O(capacity) per series, whatever the run's length.
 */
export class BoundedSeries {
  readonly timesMs: number[] = [];
  readonly values: number[][] = [];
  private stride = 1;
  private offered = 0;

  constructor(private readonly capacity: number) {}

  /** Offers one sample; kept only if it falls on the current stride. */
  offer(timeMs: number, value: readonly number[]): void {
    const keep = this.offered % this.stride === 0;
    this.offered++;
    if (!keep) return;
    if (this.timesMs.length >= this.capacity) this.halve();
    this.timesMs.push(timeMs);
    this.values.push(value.slice());
  }

  /** The sampling stride now: 1 at full resolution, 2^k after k halvings. */
  get resolution(): number {
    return this.stride;
  }

  private halve(): void {
    let kept = 0;
    for (let index = 0; index < this.timesMs.length; index += 2) {
      this.timesMs[kept] = this.timesMs[index]!;
      this.values[kept] = this.values[index]!;
      kept++;
    }
    this.timesMs.length = kept;
    this.values.length = kept;
    // Kept samples sit at offers 0, 2s, 4s, ...; with an even capacity the sample being offered
    // now (offer capacity * s) lies on the new grid too, so spacing stays uniform.
    this.stride *= 2;
  }
}
