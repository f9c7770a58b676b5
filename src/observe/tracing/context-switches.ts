import type { OpenSpan } from './open-span.js';

/**
 * Switches of a node's current span, queued as microtasks so that they run in order with the
 * continuations of async node code. A continuation runs in a microtask the moment the promise it
 * awaits settles; a switch queued just before that settling runs just before it, so the
 * continuation starts in the span the switch names. Each switch is one entry here and one call
 * of a shared function (no closure per switch).
 *
 * Bounded: outside `runAsync` no microtask runs until the run returns, so past `limit` pending
 * switches the rest are skipped (none of them could change what the run records).
 */
export class ContextSwitches {
  private readonly nodeIndexes: number[] = [];
  private readonly spans: Array<OpenSpan | undefined> = [];
  private head = 0;
  private readonly applyNext = (): void => this.apply();

  constructor(
    private readonly limit: number,
    private readonly makeCurrent: (nodeIndex: number, span: OpenSpan | undefined) => void,
  ) {}

  /** Makes `span` (or no span) current on the node once the microtasks queued before now have run. */
  queue(nodeIndex: number, span: OpenSpan | undefined): void {
    if (this.nodeIndexes.length - this.head >= this.limit) return;
    this.nodeIndexes.push(nodeIndex);
    this.spans.push(span);
    queueMicrotask(this.applyNext);
  }

  private apply(): void {
    const position = this.head++;
    const nodeIndex = this.nodeIndexes[position]!;
    const span = this.spans[position];
    this.spans[position] = undefined;
    if (this.head === this.nodeIndexes.length) {
      this.nodeIndexes.length = this.spans.length = this.head = 0;
    }
    this.makeCurrent(nodeIndex, span);
  }
}
