import { requireFinite } from '../validate.js';
import { CutRecord, LinkCutIndex, unionOfIntervals, type CutBlock } from './cut-blocks.js';
import { readDomainSelector, requireMembers, type DomainSelector, type NodeDomains } from './failure-domains.js';

/** A boolean that changes over true time, kept as its change points so any past time can be asked. */
class BooleanHistory {
  private readonly timesMs: number[] = [];
  private readonly values: boolean[] = [];

  constructor(private readonly initial: boolean) {}

  set(timeMs: number, value: boolean): void {
    if (this.current() === value) return;
    this.timesMs.push(timeMs);
    this.values.push(value);
  }

  current(): boolean {
    return this.values.length === 0 ? this.initial : this.values[this.values.length - 1]!;
  }

  at(timeMs: number): boolean {
    // The last change at or before timeMs wins (binary search: histories can be long).
    let low = 0;
    let high = this.timesMs.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.timesMs[middle]! <= timeMs) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found < 0 ? this.initial : this.values[found]!;
  }

  /** Intervals [fromMs, toMs) in which the value was `value`, up to `untilMs`. */
  intervals(value: boolean, untilMs: number): Array<[number, number]> {
    const result: Array<[number, number]> = [];
    let state = this.initial;
    let sinceMs = 0;
    for (let index = 0; index < this.timesMs.length && this.timesMs[index]! < untilMs; index++) {
      if (state === value && this.timesMs[index]! > sinceMs) result.push([sinceMs, this.timesMs[index]!]);
      state = this.values[index]!;
      sinceMs = this.timesMs[index]!;
    }
    if (state === value && untilMs > sinceMs) result.push([sinceMs, untilMs]);
    return result;
  }
}

/**
 * How a node's clock read at some true time: the source of the truth's clock answers.
 *
 * @example
 * ```ts
 * const exact: ClockReader = { offsetAt: () => 0 };
 * ```
 */
export interface ClockReader {
  /** Local reading minus true time, at true time `trueMs`. */
  offsetAt(trueMs: number): number;
}

/**
 * What was really true in the simulated world, at any past or present time — as opposed to what
 * nodes believe. Failure detectors and monitors are scored against this. Reach it as `sim.truth`.
 *
 * @example
 * ```ts
 * sim.run({ until: 10_000 });
 * sim.truth.isUp('n3', 4_200);            // was n3 up at t = 4.2 s?
 * sim.truth.isCut('n1', 'n2', 4_200);     // could n1 reach n2 then?
 * sim.truth.downIntervals('n3', sim.now); // [[1200, 3000]]
 * ```
 */
export class GroundTruth {
  private readonly up = new Map<string, BooleanHistory>();
  private readonly paused = new Map<string, BooleanHistory>();
  private readonly byzantine = new Map<string, BooleanHistory>();
  private readonly overloaded = new Map<string, BooleanHistory>();
  /** Links cut one by one (`network.block`, a model's `cutLink`), each with its own history. */
  private readonly cut = new Map<string, BooleanHistory>();
  /** Partitions, kept as their groups in start order: their size does not grow with the links they cut. */
  private readonly cutRecords: CutRecord[] = [];
  /** What the partitions did to each link asked about, brought up to date on each question. */
  private readonly partitionCuts = new Map<string, LinkCutIndex>();
  private readonly clocks = new Map<string, ClockReader>();
  // ---- failure domains and removal (issue 15) ----
  /** Every node's domains, in the order nodes were added (removed nodes too: the truth is history). */
  private readonly domains = new Map<string, Readonly<NodeDomains>>();
  private readonly removed = new Map<string, BooleanHistory>();
  private readonly draining = new Map<string, BooleanHistory>();
  // ---- end failure domains and removal ----
  private readonly nowMs: () => number;
  private readonly knownNode: (id: string, field: string) => void;

  /** @internal Built by the simulation. */
  constructor(nowMs: () => number, knownNode: (id: string, field: string) => void) {
    this.nowMs = nowMs;
    this.knownNode = knownNode;
  }

  /** Was node `id` up (not crashed) at `atMs` (default now)? A paused node is up. */
  isUp(id: string, atMs?: number): boolean {
    return this.historyOf(this.up, id, true).at(this.time(atMs));
  }

  /** Was node `id` paused (frozen) at `atMs`? */
  isPaused(id: string, atMs?: number): boolean {
    return this.historyOf(this.paused, id, false).at(this.time(atMs));
  }

  /** Was node `id` up and not paused at `atMs`: able to act? */
  isActive(id: string, atMs?: number): boolean {
    return this.isUp(id, atMs) && !this.isPaused(id, atMs);
  }

  /** Was node `id` under a byzantine fault at `atMs`? */
  isByzantine(id: string, atMs?: number): boolean {
    return this.historyOf(this.byzantine, id, false).at(this.time(atMs));
  }

  /**
   * Was node `id` overloaded at `atMs`: messages waiting in its inbox for its limited service
   * capacity (see the `capacity` fault and the `service` node option)?
   */
  isOverloaded(id: string, atMs?: number): boolean {
    return this.historyOf(this.overloaded, id, false).at(this.time(atMs));
  }

  /** Intervals [fromMs, toMs) before `untilMs` in which node `id` had a backlog. */
  overloadedIntervals(id: string, untilMs: number): Array<[number, number]> {
    requireFinite(untilMs, 'untilMs');
    return this.historyOf(this.overloaded, id, false).intervals(true, untilMs);
  }

  /** Was the directed link `from → to` cut (nothing passes) at `atMs`? */
  isCut(from: string, to: string, atMs?: number): boolean {
    this.knownNode(from, 'from');
    this.knownNode(to, 'to');
    const timeMs = this.time(atMs);
    if (this.cut.get(linkKey(from, to))?.at(timeMs) === true) return true;
    return this.partitionCutsOf(from, to).isCutAt(this.cutRecords, timeMs);
  }

  /** Node `id`'s clock reading minus true time at `atMs`, in ms. */
  clockOffset(id: string, atMs?: number): number {
    this.knownNode(id, 'id');
    return this.clocks.get(id)!.offsetAt(this.time(atMs));
  }

  /** Intervals [fromMs, toMs) before `untilMs` in which node `id` was crashed. */
  downIntervals(id: string, untilMs: number): Array<[number, number]> {
    requireFinite(untilMs, 'untilMs');
    return this.historyOf(this.up, id, true).intervals(false, untilMs);
  }

  /** Intervals [fromMs, toMs) before `untilMs` in which node `id` was paused. */
  pausedIntervals(id: string, untilMs: number): Array<[number, number]> {
    requireFinite(untilMs, 'untilMs');
    return this.historyOf(this.paused, id, false).intervals(true, untilMs);
  }

  /**
   * Intervals [fromMs, toMs) before `untilMs` in which `from → to` was cut, sorted; cuts that
   * overlap or touch (one partition ending as another starts) are joined: the link was cut throughout.
   */
  cutIntervals(from: string, to: string, untilMs: number): Array<[number, number]> {
    requireFinite(untilMs, 'untilMs');
    this.knownNode(from, 'from');
    this.knownNode(to, 'to');
    const byLink = this.cut.get(linkKey(from, to))?.intervals(true, untilMs) ?? [];
    const byPartitions = this.partitionCutsOf(from, to).intervals(this.cutRecords, untilMs);
    if (byLink.length === 0 && byPartitions.sorted) return byPartitions.intervals;
    return unionOfIntervals([...byLink, ...byPartitions.intervals]);
  }

  // ---- failure domains and removal (issue 15) ----
  /** The failure domains node `id` belongs to (`{}` when it declared none). */
  domainsOf(id: string): Readonly<NodeDomains> {
    this.knownNode(id, 'id');
    return this.domains.get(id) ?? {};
  }

  /**
   * The nodes in `domain`, in the order they were added (removed ones included: they were
   * members). A domain no node belongs to is an error, not an empty answer: it is a typo.
   */
  domainMembers(domain: DomainSelector): string[] {
    const selector = readDomainSelector(domain, 'domain');
    return requireMembers([...this.domains.keys()], (id) => this.domains.get(id), selector, 'domain');
  }

  /** Was every node of `domain` down (crashed, removed, or not started yet) at `atMs`? */
  isDomainDown(domain: DomainSelector, atMs?: number): boolean {
    const timeMs = this.time(atMs);
    return this.domainMembers(domain).every((id) => !this.isUp(id, timeMs));
  }

  /**
   * Intervals [fromMs, toMs) before `untilMs` in which every node of `domain` was down at once: a
   * whole-domain outage, whether one fault or several made it.
   */
  domainDownIntervals(domain: DomainSelector, untilMs: number): Array<[number, number]> {
    requireFinite(untilMs, 'untilMs');
    const [first, ...rest] = this.domainMembers(domain).map((id) => this.downIntervals(id, untilMs));
    return rest.reduce(intersectIntervals, first!);
  }

  /**
   * Was `domain` cut off from every node outside it, both ways, at `atMs`? False when every node
   * is in it (there is nothing to be cut off from).
   */
  isDomainIsolated(domain: DomainSelector, atMs?: number): boolean {
    const timeMs = this.time(atMs);
    const members = this.domainMembers(domain);
    const outsiders = [...this.domains.keys()].filter((id) => !members.includes(id) && !this.isRemoved(id, timeMs));
    if (outsiders.length === 0) return false;
    return members.every((member) => outsiders.every((other) => this.isCut(member, other, timeMs) && this.isCut(other, member, timeMs)));
  }

  /** Had node `id` been removed by `sim.removeNode` at `atMs`? */
  isRemoved(id: string, atMs?: number): boolean {
    return this.historyOf(this.removed, id, false).at(this.time(atMs));
  }

  /** Was node `id` draining (a graceful `sim.removeNode` under way, refusing new messages) at `atMs`? */
  isDraining(id: string, atMs?: number): boolean {
    return this.historyOf(this.draining, id, false).at(this.time(atMs));
  }

  /** @internal */
  noteRemoved(id: string): void {
    this.historyOf(this.removed, id, false).set(this.nowMs(), true);
    this.historyOf(this.draining, id, false).set(this.nowMs(), false);
  }

  /** @internal */
  noteDraining(id: string): void {
    this.historyOf(this.draining, id, false).set(this.nowMs(), true);
  }
  // ---- end failure domains and removal ----

  /** @internal */
  registerNode(id: string, clock: ClockReader): void {
    this.clocks.set(id, clock);
  }

  /** @internal Once the node exists (its behaviour built its handlers). */
  noteDomains(id: string, domains: Readonly<NodeDomains>): void {
    this.domains.set(id, domains);
  }

  /** @internal */
  noteUp(id: string, up: boolean): void {
    this.historyOf(this.up, id, true).set(this.nowMs(), up);
  }

  /** @internal */
  notePaused(id: string, paused: boolean): void {
    this.historyOf(this.paused, id, false).set(this.nowMs(), paused);
  }

  /** @internal */
  noteByzantine(id: string, byzantine: boolean): void {
    this.historyOf(this.byzantine, id, false).set(this.nowMs(), byzantine);
  }

  /** @internal */
  noteOverloaded(id: string, overloaded: boolean): void {
    this.historyOf(this.overloaded, id, false).set(this.nowMs(), overloaded);
  }

  /** @internal */
  noteCut(from: string, to: string, cut: boolean): void {
    let history = this.cut.get(linkKey(from, to));
    if (history === undefined) {
      history = new BooleanHistory(false);
      this.cut.set(linkKey(from, to), history);
    }
    history.set(this.nowMs(), cut);
  }

  private partitionCutsOf(from: string, to: string): LinkCutIndex {
    const key = linkKey(from, to);
    let index = this.partitionCuts.get(key);
    if (index === undefined) {
      index = new LinkCutIndex(from, to);
      this.partitionCuts.set(key, index);
    }
    return index;
  }

  /** @internal A set of blocks is cut from now on; pass what this returns to `noteCutBlocksEnd`. */
  noteCutBlocksStart(blocks: readonly CutBlock[]): CutRecord {
    const record = new CutRecord(blocks, this.nowMs());
    this.cutRecords.push(record);
    return record;
  }

  /** @internal The blocks of `record` are no longer cut. */
  noteCutBlocksEnd(record: CutRecord): void {
    record.endMs = this.nowMs();
  }

  private historyOf(map: Map<string, BooleanHistory>, id: string, initial: boolean): BooleanHistory {
    this.knownNode(id, 'id');
    let history = map.get(id);
    if (history === undefined) {
      history = new BooleanHistory(initial);
      map.set(id, history);
    }
    return history;
  }

  private time(atMs: number | undefined): number {
    if (atMs === undefined) return this.nowMs();
    requireFinite(atMs, 'atMs');
    return atMs;
  }
}

function linkKey(from: string, to: string): string {
  return JSON.stringify([from, to]);
}

/** The times in both sorted lists of disjoint intervals, as a sorted list of disjoint intervals. */
function intersectIntervals(first: Array<[number, number]>, second: Array<[number, number]>): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    const fromMs = Math.max(first[i]![0], second[j]![0]);
    const toMs = Math.min(first[i]![1], second[j]![1]);
    if (fromMs < toMs) result.push([fromMs, toMs]);
    if (first[i]![1] < second[j]![1]) i++;
    else j++;
  }
  return result;
}
