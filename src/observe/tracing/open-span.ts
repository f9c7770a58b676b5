import type { SpanHandle } from '../../world/span-api.js';
import type { SpanRecord } from './span-record.js';

/** A span node code holds: writes go to its record until it ends. */
export class OpenSpan implements SpanHandle {
  /** The span current when this one started (its parent): current again when this one ends. */
  previous: OpenSpan | undefined;

  constructor(
    readonly record: SpanRecord,
    readonly nodeIndex: number,
    private readonly nowMs: () => number,
    private readonly onEnd: (span: OpenSpan) => void,
  ) {}

  get traceId(): string {
    return this.record.traceId;
  }

  get spanId(): string {
    return this.record.spanId;
  }

  get ended(): boolean {
    return this.record.endMs !== undefined;
  }

  setAttribute(key: string, value: string | number | boolean): void {
    if (!this.ended) this.record.attributes[String(key)] = value;
  }

  addEvent(name: string, attributes: Record<string, string | number | boolean> = {}): void {
    if (!this.ended) this.record.events.push({ name: String(name), timeMs: this.nowMs(), attributes: { ...attributes } });
  }

  setError(message: string): void {
    if (this.ended) return;
    this.record.status = 'error';
    this.record.statusMessage = String(message);
  }

  end(): void {
    if (this.ended) return;
    this.record.endMs = this.nowMs();
    this.onEnd(this);
  }
}
