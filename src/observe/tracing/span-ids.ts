import type { Rng } from '../../kernel/rng.js';

const WORD_RANGE = 0x1_0000_0000;

/** Trace and span ids in OpenTelemetry's shape (hex, never all zeros), drawn from one named seeded stream. */
export class SpanIds {
  constructor(private readonly rng: Rng) {}

  traceId(): string {
    return this.hexWords(4);
  }

  spanId(): string {
    return this.hexWords(2);
  }

  private hexWords(count: number): string {
    let hex = '';
    for (let word = 0; word < count; word++) {
      // The last word is odd, so an id is never all zeros (OpenTelemetry's "invalid" id).
      const value = Math.floor(this.rng.random() * WORD_RANGE);
      hex += ((word === count - 1 ? value | 1 : value) >>> 0).toString(16).padStart(8, '0');
    }
    return hex;
  }
}
