/**
 * PHOLD on a plain hand-written binary heap: the floor a JavaScript event kernel can hope for.
 * Keys are (time, sequence) in two Float64Arrays, the event's target in an Int32Array; the
 * handler and a mulberry32 generator are inlined into the loop. No cancellation, no handles, no
 * dispatch, no trace hash. Same parameters and same `advance` semantics as phold.ts.
 *
 * It is a class, like faultline's EventQueue, so V8 compiles both the same way: a closure-based
 * version would get its arrays embedded as constants when only one instance exists (function
 * context specialisation), which flatters it in a one-model process and not in phold-cli.ts.
 */
import { horizonFor, LOOKAHEAD, type PholdModel, type PholdParameters } from './phold.js';

class BaselinePhold implements PholdModel {
  private readonly lps: number;
  private readonly parameters: PholdParameters;
  private readonly heapTime: Float64Array;
  private readonly heapSeq: Float64Array;
  private readonly heapTarget: Int32Array;
  private size = 0;
  private nextSeq = 0;
  private now = LOOKAHEAD; // as phold.ts: nothing can run earlier
  private state: number;

  constructor(parameters: PholdParameters, seed: number) {
    const { lps, pop } = parameters;
    this.lps = lps;
    this.parameters = parameters;
    this.heapTime = new Float64Array(lps * pop);
    this.heapSeq = new Float64Array(lps * pop);
    this.heapTarget = new Int32Array(lps * pop);
    this.state = seed | 0;
    for (let lp = 0; lp < lps; lp++) {
      for (let copy = 0; copy < pop; copy++) this.push(LOOKAHEAD - Math.log(1 - this.random()), lp);
    }
  }

  advance(events: number): number {
    const until = this.now + horizonFor(events, this.parameters);
    const heapTime = this.heapTime;
    let processed = 0;
    while (this.size > 0 && heapTime[0]! <= until) {
      const now = heapTime[0]!;
      this.now = now;
      this.removeTop();
      processed++;
      this.push(now + LOOKAHEAD - Math.log(1 - this.random()), Math.floor(this.random() * this.lps));
    }
    if (until > this.now) this.now = until;
    return processed;
  }

  /** mulberry32. */
  private random(): number {
    const state = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private push(time: number, target: number): void {
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapTarget = this.heapTarget;
    const seq = this.nextSeq++;
    let position = this.size++;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      const parentTime = heapTime[parent]!;
      if (parentTime < time || (parentTime === time && heapSeq[parent]! < seq)) break;
      heapTime[position] = parentTime;
      heapSeq[position] = heapSeq[parent]!;
      heapTarget[position] = heapTarget[parent]!;
      position = parent;
    }
    heapTime[position] = time;
    heapSeq[position] = seq;
    heapTarget[position] = target;
  }

  /** Removes the root by sifting the last entry down from the top. */
  private removeTop(): void {
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapTarget = this.heapTarget;
    const last = --this.size;
    if (last === 0) return;
    const time = heapTime[last]!;
    const seq = heapSeq[last]!;
    const target = heapTarget[last]!;
    const half = last >> 1;
    let position = 0;
    while (position < half) {
      let child = 2 * position + 1;
      const right = child + 1;
      if (right < last) {
        const rightTime = heapTime[right]!;
        const leftTime = heapTime[child]!;
        if (rightTime < leftTime || (rightTime === leftTime && heapSeq[right]! < heapSeq[child]!)) child = right;
      }
      const childTime = heapTime[child]!;
      if (time < childTime || (time === childTime && seq < heapSeq[child]!)) break;
      heapTime[position] = childTime;
      heapSeq[position] = heapSeq[child]!;
      heapTarget[position] = heapTarget[child]!;
      position = child;
    }
    heapTime[position] = time;
    heapSeq[position] = seq;
    heapTarget[position] = target;
  }
}

export function createBaselinePhold(parameters: PholdParameters, seed = 1): PholdModel {
  return new BaselinePhold(parameters, seed);
}
