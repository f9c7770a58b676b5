// Internal: Lowe's memo for the linearizability search, the set of configurations (set of
// linearized operations, model state) already explored. An open-addressing hash table over typed
// arrays rather than a Map of strings: a hard search stores millions of configurations, a JS Map
// stops at 2^24 entries, and a bitset copied into one shared pool costs a few words per entry.
// Lookups are exact: the 64-bit hash only narrows the candidates, the bitsets are compared in full.

// Small at first: a property test checks a short history per case, whose search stores a few
// dozen configurations, and five typed arrays of 1,024 entries (20 KB outside the JS heap) were
// 7.6 % of a sweep of the register example (CPU profile). Arrays of 64 bytes or less live in the
// JS heap and cost next to nothing to make; growth doubles from here.
const INITIAL_CAPACITY = 16;

export class MemoTable {
  private slots = new Int32Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  private hashesA = new Int32Array(INITIAL_CAPACITY);
  private hashesB = new Int32Array(INITIAL_CAPACITY);
  private stateIds = new Int32Array(INITIAL_CAPACITY);
  private pool: Uint32Array;
  private count = 0;

  constructor(private readonly words: number) {
    this.pool = new Uint32Array(INITIAL_CAPACITY * Math.max(words, 1));
  }

  /** How many configurations are stored. */
  get size(): number {
    return this.count;
  }

  /** Stores the configuration unless it is already there; true when it was new. */
  addIfAbsent(bits: Uint32Array, hashA: number, hashB: number, stateId: number): boolean {
    let slot = slotHash(hashA, hashB, stateId) & this.mask;
    for (;;) {
      const stored = this.slots[slot] as number;
      if (stored === 0) break;
      const entry = stored - 1;
      if (this.hashesA[entry] === hashA && this.hashesB[entry] === hashB && this.stateIds[entry] === stateId && this.sameBits(entry, bits)) return false;
      slot = (slot + 1) & this.mask;
    }
    const entry = this.count;
    if (entry === this.hashesA.length) this.growEntries();
    this.hashesA[entry] = hashA;
    this.hashesB[entry] = hashB;
    this.stateIds[entry] = stateId;
    this.pool.set(bits, entry * this.words);
    this.slots[slot] = entry + 1;
    this.count++;
    if (this.count * 2 > this.slots.length) this.growSlots();
    return true;
  }

  private sameBits(entry: number, bits: Uint32Array): boolean {
    const offset = entry * this.words;
    for (let word = 0; word < this.words; word++) {
      if (this.pool[offset + word] !== bits[word]) return false;
    }
    return true;
  }

  private growEntries(): void {
    const capacity = this.hashesA.length * 2;
    this.hashesA = grown(this.hashesA, capacity);
    this.hashesB = grown(this.hashesB, capacity);
    this.stateIds = grown(this.stateIds, capacity);
    const pool = new Uint32Array(capacity * Math.max(this.words, 1));
    pool.set(this.pool);
    this.pool = pool;
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = slotHash(this.hashesA[entry] as number, this.hashesB[entry] as number, this.stateIds[entry] as number) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = entry + 1;
    }
  }
}

function grown(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(capacity);
  bigger.set(array);
  return bigger;
}

function slotHash(hashA: number, hashB: number, stateId: number): number {
  return mix32(hashA ^ Math.imul(hashB, 0x9e3779b1) ^ Math.imul(stateId + 1, 0x85ebca77));
}

/** Murmur3's finaliser: spreads every input bit over the output. */
export function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x | 0;
}
