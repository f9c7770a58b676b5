const scratchFloat = new Float64Array(1);
const scratchWords = new Int32Array(scratchFloat.buffer);

/**
 * A running 64-bit hash (two 32-bit lanes) of everything that happened in a run. Two runs with
 * equal hashes took the same events in the same order at the same times; a differing hash is
 * the cheapest proof that a run was not deterministic.
 *
 * @example
 * ```ts
 * const hash = new TraceHash();
 * hash.mixNumber(12.5);
 * hash.mixInt(3);
 * hash.hex(); // 16 hex digits
 * ```
 */
export class TraceHash {
  private high = 0x6a09e667 | 0;
  private low = 0x3c6ef372 | 0;

  /** Mixes a 32-bit integer into the hash. */
  mixInt(value: number): void {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    let high = this.high ^ k;
    high = (high << 13) | (high >>> 19);
    this.high = (Math.imul(high, 5) + 0xe6546b64) | 0;
    this.low = Math.imul(this.low ^ k ^ (this.high >>> 11), 0x01000193);
  }

  /** Mixes any number (all 64 bits of its IEEE-754 representation). */
  mixNumber(value: number): void {
    scratchFloat[0] = value;
    this.mixInt(scratchWords[0]!);
    this.mixInt(scratchWords[1]!);
  }

  /** Mixes a string, character by character. */
  mixString(text: string): void {
    this.mixInt(text.length);
    for (let index = 0; index < text.length; index++) this.mixInt(text.charCodeAt(index));
  }

  /** The hash as 16 lowercase hex digits. */
  hex(): string {
    return toHex(finalise(this.high ^ this.low)) + toHex(finalise(this.low + this.high));
  }
}

function finalise(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function toHex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
