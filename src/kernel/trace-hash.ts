/**
 * Scratch space for the words of one mix: a number's two 32-bit halves (through the float view),
 * then an event's three words. The lanes then take them in one pass.
 */
const scratchWords = new Int32Array(5);
const scratchFloat = new Float64Array(scratchWords.buffer, 0, 1);
const imul = Math.imul;

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
    scratchWords[0] = value;
    this.mixWords(1);
  }

  /** Mixes any number (all 64 bits of its IEEE-754 representation). */
  mixNumber(value: number): void {
    scratchFloat[0] = value;
    this.mixWords(2);
  }

  /**
   * Mixes one event of the kernel: its time as `mixNumber` does, then three 32-bit words as three
   * `mixInt`s would (the same hash). One call per event, small enough for V8 to inline into the
   * kernel's dispatch whichever of the two it optimizes first.
   */
  mixEvent(timeMs: number, first: number, second: number, third: number): void {
    scratchFloat[0] = timeMs;
    scratchWords[2] = first;
    scratchWords[3] = second;
    scratchWords[4] = third;
    this.mixWords(5);
  }

  /** Mixes the first `count` scratch words, with the lanes in locals for the whole pass. */
  private mixWords(count: number): void {
    let high = this.high;
    let low = this.low;
    for (let index = 0; index < count; index++) {
      let k = imul(scratchWords[index]!, 0xcc9e2d51);
      k = imul((k << 15) | (k >>> 17), 0x1b873593);
      high ^= k;
      high = (imul((high << 13) | (high >>> 19), 5) + 0xe6546b64) | 0;
      low = imul(low ^ k ^ (high >>> 11), 0x01000193);
    }
    this.high = high;
    this.low = low;
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

/** The two hex digits of each byte value: four lookups write a word (measured 30 ns against 300 ns for `toString(16)`). */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A 32-bit unsigned value as 8 lowercase hex digits. */
function toHex(value: number): string {
  return BYTE_HEX[value >>> 24]! + BYTE_HEX[(value >>> 16) & 0xff]! + BYTE_HEX[(value >>> 8) & 0xff]! + BYTE_HEX[value & 0xff]!;
}
