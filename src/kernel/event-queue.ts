import { LimitExceededError } from '../errors.js';
import { requirePositiveInteger } from '../validate.js';

/** Handles encode (generation, slot); slots stay below this bound so a handle is a safe integer. */
const SLOT_LIMIT = 2 ** 26;
const GENERATION_MASK = 2 ** 27 - 1;
const INITIAL_CAPACITY = 1024;
/** Heap size below which the branchless sift wins (measured: faster at 1e3–1e5, slower at 1e6). */
const BRANCHLESS_BELOW = 1 << 18;

/** Kind value that marks a cancelled event; real kinds are below it. */
export const CANCELLED_KIND = 255;

/**
 * A binary min-heap of events keyed by (time, order), stored in typed arrays.
 *
 * The heap itself holds only what every comparison needs: the time (inline, so sifting touches
 * contiguous memory) and the slot of the event. An event's other fields — including its order,
 * which only matters when two times are exactly equal — live in a slot (struct-of-arrays), so a
 * sift step moves two numbers, as the fastest plain heaps do. Slots are recycled through a free
 * list and carry a generation, so a handle is `generation * SLOT_LIMIT + slot` and cancellation
 * is O(1): the slot's kind is set to a reserved value (255) and the entry is skipped when it
 * reaches the top. When cancelled entries outnumber live ones the heap is compacted, so timer
 * churn cannot grow it without bound.
 *
 * Popping copies the event's fields into the `current*` registers and frees the slot at once,
 * so handlers can schedule into the same slot without any allocation.
 *
 * @example
 * ```ts
 * const queue = new EventQueue(1_000_000);
 * const handle = queue.push(5, 0, 1, 0, 0, 0, 0, undefined);
 * queue.cancel(handle); // true
 * queue.pop();          // false: the only event was cancelled
 * ```
 */
export class EventQueue {
  /** Time of the event most recently popped. */
  currentTime = 0;
  /** Kind of the event most recently popped. */
  currentKind = 0;
  /** Target field of the event most recently popped. */
  currentTarget = 0;
  /** First integer field of the event most recently popped. */
  currentA = 0;
  /** Second integer field of the event most recently popped. */
  currentB = 0;
  /** Third integer field of the event most recently popped. */
  currentC = 0;
  /** Object payload of the event most recently popped. */
  currentPayload: unknown = undefined;

  private heapTime: Float64Array;
  private heapSlot: Int32Array;
  private heapSize = 0;
  /**
   * The root entry was popped but left in place: the next push drops straight into the root and
   * sifts down once, instead of a sift down on pop plus a sift up on push. A simulation event
   * usually schedules its successor, so this halves the heap work of the common case.
   */
  private rootVacant = false;

  private slotOrder: Float64Array;
  private slotKind: Uint8Array;
  private slotTarget: Int32Array;
  private slotA: Int32Array;
  private slotB: Int32Array;
  private slotC: Int32Array;
  private slotGeneration: Uint32Array;
  /** Payloads; a free slot's entry is always `undefined`, so events without one never touch it. */
  private readonly slotPayload: unknown[];
  private freeSlots: Int32Array;
  private freeCount = 0;
  private slotsUsed = 0;
  private cancelledCount = 0;
  private capacity: number;
  private readonly maxPending: number;

  constructor(maxPending: number = SLOT_LIMIT) {
    requirePositiveInteger(maxPending, 'maxPending', SLOT_LIMIT);
    this.maxPending = Math.min(maxPending, SLOT_LIMIT);
    this.capacity = Math.min(INITIAL_CAPACITY, this.maxPending);
    const capacity = this.capacity;
    this.heapTime = new Float64Array(capacity);
    this.heapSlot = new Int32Array(capacity);
    this.slotOrder = new Float64Array(capacity);
    this.slotKind = new Uint8Array(capacity);
    this.slotTarget = new Int32Array(capacity);
    this.slotA = new Int32Array(capacity);
    this.slotB = new Int32Array(capacity);
    this.slotC = new Int32Array(capacity);
    this.slotGeneration = new Uint32Array(capacity);
    this.slotPayload = new Array<unknown>(capacity).fill(undefined);
    this.freeSlots = new Int32Array(capacity);
  }

  /** Number of live (not cancelled) events waiting. */
  get size(): number {
    return this.heapSize - this.cancelledCount - (this.rootVacant ? 1 : 0);
  }

  /** Bytes held by the typed arrays, for memory reports. */
  get byteLength(): number {
    return this.capacity * (8 + 4 + 8 + 1 + 4 * 4 + 4 + 4) + this.slotPayload.length * 8;
  }

  /** Adds an event and returns its handle for {@link EventQueue.cancel}. */
  push(time: number, order: number, kind: number, target: number, a: number, b: number, c: number, payload: unknown): number {
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount]! : this.newSlot();
    this.slotOrder[slot] = order;
    this.slotKind[slot] = kind;
    this.slotTarget[slot] = target;
    this.slotA[slot] = a;
    this.slotB[slot] = b;
    this.slotC[slot] = c;
    if (payload !== undefined) this.slotPayload[slot] = payload;
    if (this.rootVacant) {
      this.rootVacant = false;
      this.siftDown(0, time, slot);
    } else {
      // Sift up, inline: the hot path of every schedule.
      const heapTime = this.heapTime;
      const heapSlot = this.heapSlot;
      let position = this.heapSize++;
      while (position > 0) {
        const parent = (position - 1) >> 1;
        const parentTime = heapTime[parent]!;
        if (parentTime < time || (parentTime === time && this.slotOrder[heapSlot[parent]!]! <= order)) break;
        heapTime[position] = parentTime;
        heapSlot[position] = heapSlot[parent]!;
        position = parent;
      }
      heapTime[position] = time;
      heapSlot[position] = slot;
    }
    return this.slotGeneration[slot]! * SLOT_LIMIT + slot;
  }

  /** Cancels a pending event in O(1). Returns false if it already ran, was cancelled, or never existed. */
  cancel(handle: number): boolean {
    if (!this.isPending(handle)) return false;
    const slot = handle % SLOT_LIMIT;
    this.slotKind[slot] = CANCELLED_KIND;
    this.slotPayload[slot] = undefined;
    this.cancelledCount++;
    if (this.cancelledCount > 64 && this.cancelledCount * 2 > this.heapSize) this.compact();
    return true;
  }

  /** True if the handle names an event that is still waiting to run. */
  isPending(handle: number): boolean {
    if (!Number.isSafeInteger(handle) || handle < 0) return false;
    const slot = handle % SLOT_LIMIT;
    if (!(slot >= 0 && slot < this.slotsUsed)) return false;
    return this.slotGeneration[slot] === (handle - slot) / SLOT_LIMIT && this.slotKind[slot] !== CANCELLED_KIND;
  }

  /** Time of the next live event, or `Infinity` when none is waiting. */
  peekTime(): number {
    this.settleRoot();
    this.dropCancelledTop();
    return this.heapSize === 0 ? Infinity : this.heapTime[0]!;
  }

  /**
   * Removes the next live event into the `current*` registers. Returns false when the queue is
   * empty.
   */
  pop(): boolean {
    if (this.rootVacant) this.settleRoot();
    for (;;) {
      if (this.heapSize === 0) return false;
      const slot = this.heapSlot[0]!;
      const kind = this.slotKind[slot]!;
      const time = this.heapTime[0]!;
      if (kind === CANCELLED_KIND) {
        this.removeTop();
        this.releaseSlot(slot);
        this.cancelledCount--;
        continue;
      }
      this.currentTime = time;
      this.currentKind = kind;
      this.currentTarget = this.slotTarget[slot]!;
      this.currentA = this.slotA[slot]!;
      this.currentB = this.slotB[slot]!;
      this.currentC = this.slotC[slot]!;
      const payload = this.slotPayload[slot];
      this.currentPayload = payload;
      if (payload !== undefined) this.slotPayload[slot] = undefined;
      this.slotGeneration[slot] = (this.slotGeneration[slot]! + 1) & GENERATION_MASK;
      this.freeSlots[this.freeCount++] = slot;
      this.rootVacant = true;
      return true;
    }
  }

  /** Removes every event. */
  clear(): void {
    this.settleRoot();
    for (let position = 0; position < this.heapSize; position++) {
      const slot = this.heapSlot[position]!;
      this.slotPayload[slot] = undefined;
      this.releaseSlot(slot);
    }
    this.heapSize = 0;
    this.cancelledCount = 0;
  }

  /** Completes a deferred removal of the popped root (see `rootVacant`). */
  private settleRoot(): void {
    if (!this.rootVacant) return;
    this.rootVacant = false;
    this.removeTop();
  }

  private dropCancelledTop(): void {
    while (this.heapSize > 0) {
      const slot = this.heapSlot[0]!;
      if (this.slotKind[slot] !== CANCELLED_KIND) return;
      this.removeTop();
      this.cancelledCount--;
      this.releaseSlot(slot);
    }
  }

  private removeTop(): void {
    const last = --this.heapSize;
    if (last > 0) this.siftDown(0, this.heapTime[last]!, this.heapSlot[last]!);
  }

  private siftDown(position: number, time: number, slot: number): void {
    if (this.heapSize < BRANCHLESS_BELOW) this.siftDownBranchless(position, time, slot);
    else this.siftDownBranchy(position, time, slot);
  }

  /**
   * For heaps that fit in cache: picking the smaller child without a branch avoids the
   * mispredictions a random comparison causes at every level (the rare exact tie is a second,
   * well-predicted test).
   */
  private siftDownBranchless(position: number, time: number, slot: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const size = this.heapSize;
    const half = size >> 1;
    while (position < half) {
      const left = 2 * position + 1;
      const right = left + 1;
      let child = left + (+(right < size) & +(heapTime[right]! < heapTime[left]!));
      if (right < size && heapTime[right] === heapTime[left] && this.orderBefore(heapSlot[right]!, heapSlot[left]!)) child = right;
      const childTime = heapTime[child]!;
      if (time < childTime || (time === childTime && !this.orderBefore(heapSlot[child]!, slot))) break;
      heapTime[position] = childTime;
      heapSlot[position] = heapSlot[child]!;
      position = child;
    }
    heapTime[position] = time;
    heapSlot[position] = slot;
  }

  /**
   * For heaps far larger than cache: a predicted branch lets the CPU start loading the next level
   * before the comparison resolves, which beats the branchless pick once memory is the bottleneck.
   */
  private siftDownBranchy(position: number, time: number, slot: number): void {
    const heapTime = this.heapTime;
    const heapSlot = this.heapSlot;
    const size = this.heapSize;
    const half = size >> 1;
    while (position < half) {
      let child = 2 * position + 1;
      let childTime = heapTime[child]!;
      const right = child + 1;
      if (right < size) {
        const rightTime = heapTime[right]!;
        if (rightTime < childTime || (rightTime === childTime && this.orderBefore(heapSlot[right]!, heapSlot[child]!))) {
          child = right;
          childTime = rightTime;
        }
      }
      if (time < childTime || (time === childTime && !this.orderBefore(heapSlot[child]!, slot))) break;
      heapTime[position] = childTime;
      heapSlot[position] = heapSlot[child]!;
      position = child;
    }
    heapTime[position] = time;
    heapSlot[position] = slot;
  }

  /** Equal times only: does the event in slot `first` run before the one in `second`? */
  private orderBefore(first: number, second: number): boolean {
    return this.slotOrder[first]! < this.slotOrder[second]!;
  }

  /** A slot when the free list is empty: reclaim cancelled ones, else take a new one (growing). */
  private newSlot(): number {
    if (this.slotsUsed === this.capacity && this.cancelledCount > 0) {
      // Cancelled events still hold slots until compaction; reclaim them before growing.
      this.compact();
      if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    }
    if (this.slotsUsed === this.capacity) this.grow();
    return this.slotsUsed++;
  }

  private releaseSlot(slot: number): void {
    this.slotGeneration[slot] = (this.slotGeneration[slot]! + 1) & GENERATION_MASK;
    this.freeSlots[this.freeCount++] = slot;
  }

  private compact(): void {
    this.settleRoot();
    let kept = 0;
    for (let position = 0; position < this.heapSize; position++) {
      const slot = this.heapSlot[position]!;
      if (this.slotKind[slot] === CANCELLED_KIND) {
        this.releaseSlot(slot);
        continue;
      }
      this.heapTime[kept] = this.heapTime[position]!;
      this.heapSlot[kept] = slot;
      kept++;
    }
    this.heapSize = kept;
    this.cancelledCount = 0;
    for (let position = (kept >> 1) - 1; position >= 0; position--) {
      this.siftDown(position, this.heapTime[position]!, this.heapSlot[position]!);
    }
  }

  private grow(): void {
    if (this.capacity >= this.maxPending) {
      throw new LimitExceededError(
        'maxPendingEvents',
        this.maxPending,
        this.currentTime,
        'too many events are waiting at once; raise it with new Simulation({ maxPendingEvents })',
      );
    }
    const capacity = Math.min(this.capacity * 2, this.maxPending);
    this.heapTime = grownFloat64(this.heapTime, capacity);
    this.heapSlot = grownInt32(this.heapSlot, capacity);
    this.slotOrder = grownFloat64(this.slotOrder, capacity);
    this.slotKind = grownUint8(this.slotKind, capacity);
    this.slotTarget = grownInt32(this.slotTarget, capacity);
    this.slotA = grownInt32(this.slotA, capacity);
    this.slotB = grownInt32(this.slotB, capacity);
    this.slotC = grownInt32(this.slotC, capacity);
    this.slotGeneration = grownUint32(this.slotGeneration, capacity);
    this.freeSlots = grownInt32(this.freeSlots, capacity);
    for (let slot = this.capacity; slot < capacity; slot++) this.slotPayload.push(undefined);
    this.capacity = capacity;
  }
}

function grownFloat64(array: Float64Array, capacity: number): Float64Array {
  const next = new Float64Array(capacity);
  next.set(array);
  return next;
}

function grownInt32(array: Int32Array, capacity: number): Int32Array {
  const next = new Int32Array(capacity);
  next.set(array);
  return next;
}

function grownUint32(array: Uint32Array, capacity: number): Uint32Array {
  const next = new Uint32Array(capacity);
  next.set(array);
  return next;
}

function grownUint8(array: Uint8Array, capacity: number): Uint8Array {
  const next = new Uint8Array(capacity);
  next.set(array);
  return next;
}
