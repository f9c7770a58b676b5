import type { ResolvedOutlierDetection } from './balancer-options.js';

/**
 * The latest outcomes of one backend's requests, bounded to `windowSize`, and the verdict
 * outlier detection takes over them.
 */
export class OutlierWindow {
  private readonly errors: boolean[] = [];
  private readonly latenciesMs: number[] = [];
  private errorCount = 0;
  private latencySumMs = 0;

  constructor(private readonly options: ResolvedOutlierDetection) {}

  /** Adds one outcome, forgetting the oldest beyond the window. */
  add(ok: boolean, latencyMs: number): void {
    this.errors.push(!ok);
    this.latenciesMs.push(latencyMs);
    if (!ok) this.errorCount++;
    this.latencySumMs += latencyMs;
    if (this.errors.length > this.options.windowSize) {
      if (this.errors.shift()) this.errorCount--;
      this.latencySumMs -= this.latenciesMs.shift()!;
    }
  }

  /** Why the backend is an outlier (`error rate` or `latency`), or undefined if it is not (or too few requests). */
  verdict(): 'error rate' | 'latency' | undefined {
    const count = this.errors.length;
    if (count < this.options.minRequests) return undefined;
    if (this.errorCount / count >= this.options.maxErrorRate) return 'error rate';
    if (this.latencySumMs / count > this.options.maxMeanLatencyMs) return 'latency';
    return undefined;
  }

  /** True once a whole window of requests has passed without a verdict. */
  get fullAndClean(): boolean {
    return this.errors.length >= this.options.windowSize && this.verdict() === undefined;
  }

  clear(): void {
    this.errors.length = 0;
    this.latenciesMs.length = 0;
    this.errorCount = 0;
    this.latencySumMs = 0;
  }
}
