import { InvalidArgumentError } from '../../errors.js';
import { orDefault, rejectUnknownKeys, requireObject, requirePositive, requireString } from '../../validate.js';
import { requireIntegerInRange } from '../client/option-checks.js';
import { CoDel, type CoDelOptions } from './codel.js';

/**
 * Why a request was shed. `queue-full`: it arrived to a full queue and nothing queued was less
 * important. `evicted`: it was queued, and a more important request took its place. `deadline`:
 * it waited longer than `queueDeadlineMs`. `codel`: CoDel shed it from a standing queue.
 *
 * @example
 * ```ts
 * const reason: ShedReason = 'deadline';
 * ```
 */
export type ShedReason = 'queue-full' | 'evicted' | 'deadline' | 'codel';

/**
 * Admission control in front of a server: at most `maxConcurrent` requests run; the rest wait in
 * a bounded queue, most important class first and oldest first within a class, and are shed on
 * the rules of {@link ShedReason}.
 *
 * @example
 * ```ts
 * const admission: AdmissionOptions = {
 *   maxConcurrent: 8, maxQueueLength: 100, queueDeadlineMs: 200,
 *   priorities: ['critical', 'default', 'batch'], codel: { targetDelayMs: 10, intervalMs: 100 },
 * };
 * ```
 */
export interface AdmissionOptions {
  /** Requests served at once (integer in [1, 100,000]). */
  maxConcurrent: number;
  /** Requests that may wait (integer in [0, 1,000,000]; 0 sheds whatever finds every slot busy). Default 1,000. */
  maxQueueLength?: number;
  /** A request that has waited longer than this is shed instead of served, in ms (> 0). Default: none. */
  queueDeadlineMs?: number;
  /** Priority classes, most important first (distinct non-empty names, 1 to 100). Default `['default']`. */
  priorities?: readonly string[];
  /** CoDel shedding of a standing queue. Default: none. */
  codel?: CoDelOptions;
}

/**
 * What {@link AdmissionController.offer} decided: `run` now, `queued` (perhaps `evicted` a less
 * important waiting request to make room), or `shed` at once.
 *
 * @example
 * ```ts
 * const admission = controller.offer(request, 'default', ctx.now());
 * if (admission.decision === 'shed') return 'overloaded';
 * ```
 */
export type Admission<T> =
  | {
      /** Run the request now: it holds a slot until `finish`. */
      decision: 'run';
    }
  | {
      /** The request waits in the queue. */
      decision: 'queued';
      /** A less important waiting request pushed out to make room, to be answered as shed. */
      evicted: T | undefined;
    }
  | {
      /** The request is shed at once. */
      decision: 'shed';
      /** Why: the queue was full of requests at least as important. */
      reason: 'queue-full';
    };

/**
 * What {@link AdmissionController.finish} hands back: the request to run in the freed slot, and
 * the requests shed on the way to it.
 *
 * @example
 * ```ts
 * const { next, shed } = controller.finish(ctx.now());
 * ```
 */
export interface AdmissionRelease<T> {
  /** The request to run next, or undefined when none is left to run. */
  next: T | undefined;
  /** Requests taken from the queue and shed, in the order they were taken. */
  shed: ShedRequest<T>[];
}

/**
 * A request shed on its way out of the queue, with the reason.
 *
 * @example
 * ```ts
 * for (const { item, reason } of controller.finish(ctx.now()).shed) answer(item, reason);
 * ```
 */
export interface ShedRequest<T> {
  /** The request. */
  item: T;
  /** Why it was shed. */
  reason: ShedReason;
}

/**
 * Counts of an admission controller's decisions.
 *
 * @example
 * ```ts
 * const { admitted, shed } = controller.stats;
 * console.log(`shed by deadline: ${shed.deadline} of ${admitted + shed['queue-full']}`);
 * ```
 */
export interface AdmissionStats {
  /** Requests that started running. */
  admitted: number;
  /** Requests shed, by reason. */
  shed: Record<ShedReason, number>;
}

interface Waiting<T> {
  item: T;
  enqueuedAtMs: number;
}

/** @internal The option names of {@link AdmissionOptions}. */
export const ADMISSION_OPTION_KEYS = ['maxConcurrent', 'maxQueueLength', 'queueDeadlineMs', 'priorities', 'codel'];

/**
 * The admission decisions of one server, as a state machine driven by the caller's clock: it
 * holds the queue but runs nothing. `withLoadShedding` puts it in front of a node's `onCall`.
 *
 * @example
 * ```ts
 * const controller = new AdmissionController<string>({ maxConcurrent: 1, maxQueueLength: 1 });
 * controller.offer('a', 'default', 0); // { decision: 'run' }
 * controller.offer('b', 'default', 0); // { decision: 'queued', evicted: undefined }
 * controller.offer('c', 'default', 0); // { decision: 'shed', reason: 'queue-full' }
 * controller.finish(5).next; // 'b'
 * ```
 */
export class AdmissionController<T> {
  /** Counts of decisions so far. */
  readonly stats: AdmissionStats = { admitted: 0, shed: { 'queue-full': 0, evicted: 0, deadline: 0, codel: 0 } };
  /** The priority classes, most important first. */
  readonly priorities: readonly string[];
  private readonly maxConcurrent: number;
  private readonly maxQueueLength: number;
  private readonly queueDeadlineMs: number | undefined;
  private readonly codel: CoDel | undefined;
  private readonly queues: Waiting<T>[][];
  private running = 0;
  private waiting = 0;

  constructor(options: AdmissionOptions, field = 'options') {
    requireObject(options, field);
    rejectUnknownKeys(options, field, ADMISSION_OPTION_KEYS);
    requireIntegerInRange(options.maxConcurrent, `${field}.maxConcurrent`, 1, 100_000);
    const maxQueueLength = orDefault(options.maxQueueLength, 1_000);
    requireIntegerInRange(maxQueueLength, `${field}.maxQueueLength`, 0, 1_000_000);
    if (options.queueDeadlineMs !== undefined) requirePositive(options.queueDeadlineMs, `${field}.queueDeadlineMs`);
    this.priorities = readPriorities(orDefault(options.priorities, ['default']), `${field}.priorities`);
    this.codel = options.codel === undefined ? undefined : new CoDel(options.codel, `${field}.codel`);
    this.maxConcurrent = options.maxConcurrent;
    this.maxQueueLength = maxQueueLength;
    this.queueDeadlineMs = options.queueDeadlineMs;
    this.queues = this.priorities.map(() => []);
  }

  /** Requests running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Requests waiting now. */
  get queued(): number {
    return this.waiting;
  }

  /** True while CoDel (if configured) is in its dropping state. */
  get codelDropping(): boolean {
    return this.codel?.dropping ?? false;
  }

  /** A request arrives in class `priority`. */
  offer(item: T, priority: string, nowMs: number): Admission<T> {
    const rank = this.rankOf(priority);
    if (this.running < this.maxConcurrent && this.waiting === 0) {
      this.running++;
      this.stats.admitted++;
      return { decision: 'run' };
    }
    let evicted: T | undefined = undefined;
    if (this.waiting >= this.maxQueueLength) {
      const victimRank = this.lowestWaitingRank();
      // Ties keep their place: an equal newcomer does not push out one that came first.
      if (victimRank === undefined || victimRank <= rank) return this.shedOnArrival();
      evicted = this.queues[victimRank]!.pop()!.item;
      this.waiting--;
      this.stats.shed.evicted++;
    }
    this.queues[rank]!.push({ item, enqueuedAtMs: nowMs });
    this.waiting++;
    return { decision: 'queued', evicted };
  }

  /** A running request finished: returns the next to run (if any) and those shed on the way to it. */
  finish(nowMs: number): AdmissionRelease<T> {
    if (this.running === 0) throw new InvalidArgumentError('finish()', this.running, 'a call matched to a running request (none is running)');
    this.running--;
    const shed: ShedRequest<T>[] = [];
    for (let head = this.takeHead(); head !== undefined; head = this.takeHead()) {
      const reason = this.shedReason(nowMs - head.enqueuedAtMs, nowMs);
      if (reason === undefined) {
        this.running++;
        this.stats.admitted++;
        return { next: head.item, shed };
      }
      this.stats.shed[reason]++;
      shed.push({ item: head.item, reason });
    }
    this.codel?.noteEmpty();
    return { next: undefined, shed };
  }

  private shedReason(sojournMs: number, nowMs: number): ShedReason | undefined {
    if (this.queueDeadlineMs !== undefined && sojournMs > this.queueDeadlineMs) return 'deadline';
    if (this.codel !== undefined && this.codel.shouldDrop(sojournMs, nowMs)) return 'codel';
    return undefined;
  }

  private shedOnArrival(): Admission<T> {
    this.stats.shed['queue-full']++;
    return { decision: 'shed', reason: 'queue-full' };
  }

  private takeHead(): Waiting<T> | undefined {
    for (const queue of this.queues) {
      if (queue.length === 0) continue;
      this.waiting--;
      return queue.shift();
    }
    return undefined;
  }

  private lowestWaitingRank(): number | undefined {
    for (let rank = this.queues.length - 1; rank >= 0; rank--) if (this.queues[rank]!.length > 0) return rank;
    return undefined;
  }

  private rankOf(priority: string): number {
    const rank = this.priorities.indexOf(priority);
    if (rank < 0) throw new InvalidArgumentError('priority', priority, `one of the priority classes (${this.priorities.join(', ')})`);
    return rank;
  }
}

function readPriorities(priorities: unknown, field: string): readonly string[] {
  if (!Array.isArray(priorities) || priorities.length < 1 || priorities.length > 100) {
    throw new InvalidArgumentError(field, priorities, 'an array of 1 to 100 class names, most important first');
  }
  priorities.forEach((name, index) => requireString(name, `${field}[${index}]`));
  const repeated = priorities.findIndex((name, index) => priorities.indexOf(name) !== index);
  if (repeated >= 0) throw new InvalidArgumentError(`${field}[${repeated}]`, priorities[repeated], 'a class name not given before');
  return [...(priorities as string[])];
}
