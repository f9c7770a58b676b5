import { AsyncRunRequiredError, HandlerError, InvalidArgumentError, InvalidStateError, LimitExceededError } from '../errors.js';
import { rejectUnknownKeys, requireObject, requireOneOf, requirePositiveInteger } from '../validate.js';
import { EventQueue } from './event-queue.js';
import { yieldToMacrotask } from './macrotask.js';
import { Rng, simulationSeeded, type Seed } from './rng.js';
import { TraceHash } from './trace-hash.js';
import { TraceRecorder, type TraceRecord } from './trace-recorder.js';

/**
 * Handles one kind of event. The integer fields and the payload are whatever the code that
 * scheduled the event put there; the handler reads the time from `loop.now`.
 *
 * @example
 * ```ts
 * const arrive: EventHandler = (target, a) => console.log(`process ${target} got job ${a} at ${loop.now}`);
 * const kind = loop.defineEvent({ name: 'arrive', handle: arrive });
 * ```
 */
export type EventHandler = (target: number, a: number, b: number, c: number, payload: unknown) => void;

/**
 * Defines a kind of event for {@link EventLoop.defineEvent}.
 *
 * @example
 * ```ts
 * const ping = sim.defineEvent({ name: 'ping', handle: (target) => console.log('ping', target, sim.now) });
 * sim.scheduleEvent(10, ping, 3);
 * ```
 */
export interface EventKindDefinition {
  /** A name for error messages and benchmarks. */
  name: string;
  /** Runs each event of this kind. */
  handle: EventHandler;
  /**
   * Describes an event of this kind for error messages: which node it belongs to and what it is.
   * Only called when a handler throws.
   */
  describe?: (target: number, a: number, b: number, c: number, payload: unknown) => EventDescription;
}

/**
 * Names an event in an error message.
 *
 * @example
 * ```ts
 * const description: EventDescription = { nodeId: 'a', event: "onTimer 'election'" };
 * ```
 */
export interface EventDescription {
  /** The node the event belongs to, if any. */
  nodeId?: string;
  /** What the event is. */
  event: string;
}

/**
 * Options of an event loop (and of a {@link Simulation}, which extends it).
 *
 * @example
 * ```ts
 * const options: EventLoopOptions = { seed: 'bug-1234', tieBreak: 'random', maxEvents: 1e6, trace: true };
 * ```
 */
export interface EventLoopOptions {
  /** Seed of every random stream. Equal seeds and inputs give equal runs. */
  seed: Seed;
  /**
   * How events at the same time are ordered: `fifo` (default) in the order they were scheduled;
   * `random` by a seeded stream, to explore other interleavings (still deterministic per seed).
   */
  tieBreak?: 'fifo' | 'random';
  /** Default bound on events processed by one `run`/`runUntilQuiet` call. Default 100,000,000. */
  maxEvents?: number;
  /**
   * Simulated time no event may pass, in ms. Default 30 days; at most
   * {@link EventLoop.maxSimulatedTimeMs} (2^53 - 1).
   */
  maxTimeMs?: number;
  /** Bound on events waiting at once. Default 2^26. */
  maxPendingEvents?: number;
  /**
   * Bound on events processed at one simulated instant, so that a handler re-arming itself at
   * delay 0 (time never advances) fails at once, naming the event, instead of spinning until
   * `maxEvents`. Default 1,000,000.
   */
  maxEventsPerInstant?: number;
  /** Record a trace: `true` keeps the last 100,000 records; `{ limit }` chooses how many. */
  trace?: boolean | TraceOptions;
}

/**
 * How much of a trace to keep.
 *
 * @example
 * ```ts
 * new Simulation({ seed: 1, trace: { limit: 1_000 } });
 * ```
 */
export interface TraceOptions {
  /** Records kept (the most recent). */
  limit: number;
}

/**
 * Options of one run.
 *
 * @example
 * ```ts
 * sim.run({ until: 60_000, maxEvents: 5_000_000 });
 * ```
 */
export interface RunOptions {
  /** Stop once the next event is later than this simulated time (ms); `now` is then set to it. */
  until?: number;
  /** Bound on events this call may process; past it the run throws {@link LimitExceededError}. */
  maxEvents?: number;
}

/**
 * What a run did.
 *
 * @example
 * ```ts
 * const { eventsProcessed, stoppedBy } = sim.run({ until: 1_000 });
 * ```
 */
export interface RunResult {
  /** Events processed by this call. */
  eventsProcessed: number;
  /** Simulated time at the end of the call. */
  timeMs: number;
  /** `until` if the time bound was reached, `quiet` if no event was left. */
  stoppedBy: 'until' | 'quiet';
}

const DEFAULT_MAX_EVENTS = 100_000_000;
const DEFAULT_MAX_TIME_MS = 30 * 24 * 3600 * 1000;
/**
 * The latest time an event may have: past 2^53 ms whole milliseconds are no longer representable,
 * so a 1 ms delay could leave time where it was. It also keeps every event time finite: the queue
 * answers `Infinity` for "nothing pending", so an event at `Infinity` would be lost.
 */
const MAX_SIMULATED_TIME_MS = Number.MAX_SAFE_INTEGER;
/**
 * Far above any real burst at one instant (a broadcast to 1e5 nodes is 1e5 events), yet a
 * zero-delay loop reaches it in about a tenth of a second instead of the 8-12 s of `maxEvents`.
 */
const DEFAULT_MAX_EVENTS_PER_INSTANT = 1_000_000;
const DEFAULT_TRACE_LIMIT = 100_000;
const MAX_EVENT_KINDS = 255;
const CALLBACK_KIND = 0;

/**
 * The deterministic kernel: virtual time, an event queue ordered by (time, sequence), named
 * random streams, a running trace hash and an optional trace recorder. It knows nothing of nodes
 * or networks; {@link Simulation} builds the world on top of it.
 *
 * Two ways to schedule: `schedule(delayMs, callback)` is the convenient one; for hot paths,
 * `defineEvent` once and `scheduleEvent(delayMs, kind, target, a, b, c, payload)` allocates
 * nothing per event.
 *
 * @example
 * ```ts
 * const loop = new EventLoop({ seed: 42 });
 * loop.schedule(10, () => console.log('at', loop.now)); // at 10
 * loop.runUntilQuiet();
 * ```
 */
export class EventLoop {
  /** Option keys the constructor accepts; subclasses that take more options extend the list. */
  static readonly optionKeys: readonly string[] = ['seed', 'tieBreak', 'maxEvents', 'maxTimeMs', 'maxPendingEvents', 'maxEventsPerInstant', 'trace'];

  /**
   * The latest simulated time an event may be scheduled at, in ms: 2^53 - 1, the largest time at
   * which every whole millisecond is exact (about 285,000 years). Scheduling past it throws
   * {@link InvalidArgumentError}.
   *
   * @example
   * ```ts
   * loop.schedule(EventLoop.maxSimulatedTimeMs - loop.now, () => undefined); // the latest allowed
   * ```
   */
  static readonly maxSimulatedTimeMs: number = MAX_SIMULATED_TIME_MS;

  /** The seed every random stream derives from. */
  readonly seed: Seed;
  /** Equal-time ordering in force. */
  readonly tieBreak: 'fifo' | 'random';
  /** Simulated time no event may pass, in ms. */
  readonly maxTimeMs: number;
  /** Default bound on events per run call. */
  readonly maxEvents: number;
  /** Bound on events processed at one simulated instant. */
  readonly maxEventsPerInstant: number;
  /** The trace recorder, when tracing is on. */
  readonly trace: TraceRecorder | undefined;

  private timeMs = 0;
  private sequence = 0;
  private processed = 0;
  /** Events the current instant may still process before `maxEventsPerInstant` is exceeded. */
  private instantBudget: number;
  private running = false;
  /** Set by {@link EventLoop.dispose}: the loop runs nothing more. */
  private disposed = false;
  private asyncMode = false;
  private asyncWorkPending = false;
  private asyncFailure: HandlerError | undefined = undefined;
  private readonly queue: EventQueue;
  private readonly hash = new TraceHash();
  private readonly handlers: EventHandler[] = [];
  private readonly kinds: EventKindDefinition[] = [];
  private readonly streams = new Map<string, Rng>();
  /** Only under `tieBreak: 'random'`: fifo never draws from it. */
  private readonly tieBreakRng: Rng | undefined;

  constructor(options: EventLoopOptions) {
    requireObject(options, 'options');
    rejectUnknownKeys(options as unknown as Record<string, unknown>, '', (new.target as typeof EventLoop).optionKeys);
    this.seed = readSeed(options.seed);
    simulationSeeded(this.seed);
    this.tieBreak = options.tieBreak === undefined ? 'fifo' : options.tieBreak;
    requireOneOf(this.tieBreak, 'tieBreak', ['fifo', 'random']);
    this.maxEvents = options.maxEvents === undefined ? DEFAULT_MAX_EVENTS : options.maxEvents;
    requirePositiveInteger(this.maxEvents, 'maxEvents');
    this.maxTimeMs = options.maxTimeMs === undefined ? DEFAULT_MAX_TIME_MS : options.maxTimeMs;
    if (typeof this.maxTimeMs !== 'number' || !(this.maxTimeMs > 0 && this.maxTimeMs <= MAX_SIMULATED_TIME_MS)) {
      throw new InvalidArgumentError('maxTimeMs', this.maxTimeMs, `a finite number > 0 and <= ${MAX_SIMULATED_TIME_MS} (EventLoop.maxSimulatedTimeMs)`);
    }
    const maxPending = options.maxPendingEvents === undefined ? 2 ** 26 : options.maxPendingEvents;
    requirePositiveInteger(maxPending, 'maxPendingEvents', 2 ** 26);
    this.maxEventsPerInstant = options.maxEventsPerInstant === undefined ? DEFAULT_MAX_EVENTS_PER_INSTANT : options.maxEventsPerInstant;
    requirePositiveInteger(this.maxEventsPerInstant, 'maxEventsPerInstant');
    this.instantBudget = this.maxEventsPerInstant;
    this.queue = new EventQueue(maxPending);
    this.trace = readTrace(options.trace);
    this.tieBreakRng = this.tieBreak === 'random' ? new Rng(this.seed, 'kernel:tie-break') : undefined;
    this.defineKnownEvent({ name: 'callback', handle: runCallback, describe: () => ({ event: 'scheduled callback' }) });
  }

  /** Current simulated (true) time in ms. Nodes see their own clocks instead; see `ctx.now()`. */
  get now(): number {
    return this.timeMs;
  }

  /** Events processed since the loop was created. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Events waiting to run (cancelled ones excluded). */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /** True while `run`, `runAsync` or `step` is executing events. */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Registers a kind of event and returns its number for {@link EventLoop.scheduleEvent}. At most
   * 254 kinds besides the built-in callback kind (the queue reserves kind 255).
   */
  defineEvent(definition: EventKindDefinition): number {
    requireObject(definition, 'definition');
    validateDefinition(definition);
    return this.defineKnownEvent(definition);
  }

  /**
   * @internal {@link EventLoop.defineEvent} for the kernel's and the world's own kinds, whose
   * definitions are written in this package: a simulation defines nine of them, and checking
   * each again cost a short property-test case about 2 % of its time.
   */
  defineKnownEvent(definition: EventKindDefinition): number {
    if (this.kinds.length >= MAX_EVENT_KINDS) {
      throw new InvalidStateError(`at most ${MAX_EVENT_KINDS} event kinds can be defined; '${definition.name}' is one too many`);
    }
    this.kinds.push(definition);
    this.handlers.push(definition.handle);
    return this.kinds.length - 1;
  }

  /**
   * Runs `callback` after `delayMs` of simulated time. Returns a handle for {@link EventLoop.cancel}.
   * `now + delayMs` may not pass {@link EventLoop.maxSimulatedTimeMs}.
   */
  schedule(delayMs: number, callback: () => void): number {
    if (typeof callback !== 'function') throw new InvalidArgumentError('callback', callback, 'a function');
    return this.scheduleEvent(delayMs, CALLBACK_KIND, 0, 0, 0, 0, callback);
  }

  /** Runs `callback` at simulated time `timeMs` (not before `now`, nor past {@link EventLoop.maxSimulatedTimeMs}). */
  scheduleAt(timeMs: number, callback: () => void): number {
    return this.schedule(this.delayUntil(timeMs), callback);
  }

  /**
   * Schedules an event of a kind from {@link EventLoop.defineEvent} after `delayMs`, with up to
   * four integer fields and one payload. Allocates nothing. Returns a cancellation handle.
   * `now + delayMs` may not pass {@link EventLoop.maxSimulatedTimeMs}.
   */
  scheduleEvent(delayMs: number, kind: number, target = 0, a = 0, b = 0, c = 0, payload?: unknown): number {
    if (typeof delayMs !== 'number') this.rejectDelay(delayMs);
    const timeMs = this.timeMs + delayMs;
    // One compare bounds the event time, which also rejects NaN and Infinity (and a finite delay
    // that overflows to Infinity): an event at Infinity would look like an empty queue.
    if (!(delayMs >= 0 && timeMs <= MAX_SIMULATED_TIME_MS)) this.rejectDelay(delayMs);
    if ((target | 0) !== target || (a | 0) !== a || (b | 0) !== b || (c | 0) !== c) this.rejectFields(target, a, b, c);
    if (!Number.isInteger(kind) || kind < 0 || kind >= this.kinds.length) {
      throw new InvalidArgumentError('kind', kind, `an event kind returned by defineEvent (0 to ${this.kinds.length - 1})`);
    }
    const order = this.tieBreakRng === undefined ? this.sequence++ : this.tieBreakRng.random();
    return this.queue.push(timeMs, order, kind, target, a, b, c, payload);
  }

  /** Like {@link EventLoop.scheduleEvent}, at an absolute time not before `now`. */
  scheduleEventAt(timeMs: number, kind: number, target = 0, a = 0, b = 0, c = 0, payload?: unknown): number {
    return this.scheduleEvent(this.delayUntil(timeMs), kind, target, a, b, c, payload);
  }

  private rejectDelay(delayMs: unknown): never {
    throw new InvalidArgumentError('delayMs', delayMs, `a finite number >= 0, with now (${this.timeMs}ms) + delayMs <= ${MAX_SIMULATED_TIME_MS}ms (EventLoop.maxSimulatedTimeMs)`);
  }

  private rejectFields(target: number, a: number, b: number, c: number): never {
    const [field, value] = (
      [
        ['target', target],
        ['a', a],
        ['b', b],
        ['c', c],
      ] as const
    ).find(([, candidate]) => (candidate | 0) !== candidate)!;
    throw new InvalidArgumentError(field, value, 'a 32-bit signed integer');
  }

  /** Cancels a scheduled event in O(1). Returns false if it already ran or was cancelled. */
  cancel(handle: number): boolean {
    if (typeof handle !== 'number' || !Number.isSafeInteger(handle) || handle < 0) return false;
    return this.queue.cancel(handle);
  }

  /** True if `handle` names an event that has not run and was not cancelled. */
  isPending(handle: number): boolean {
    return typeof handle === 'number' && Number.isSafeInteger(handle) && handle >= 0 && this.queue.isPending(handle);
  }

  /** A named random stream derived from (seed, name); the same name returns the same stream. */
  rng(name: string): Rng {
    if (typeof name !== 'string') throw new InvalidArgumentError('rng(name)', name, 'a string');
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new Rng(this.seed, name);
      this.streams.set(name, stream);
    }
    return stream;
  }

  /** The running hash of every event processed so far, as 16 hex digits. */
  traceHash(): string {
    return this.hash.hex();
  }

  /**
   * The running trace hash itself, for world code that mixes in what the kernel cannot see.
   * @internal
   */
  protected get runningHash(): TraceHash {
    return this.hash;
  }

  /** Mixes extra values into the trace hash (world code calls this for what the kernel cannot see). */
  protected mixIntoHash(value: number): void {
    this.hash.mixInt(value);
  }

  /** Mixes any number (all 64 bits) into the trace hash. */
  protected mixNumberIntoHash(value: number): void {
    this.hash.mixNumber(value);
  }

  /** Mixes a string into the trace hash. */
  protected mixStringIntoHash(text: string): void {
    this.hash.mixString(text);
  }

  /** Appends a trace record when tracing is on. */
  protected record(record: TraceRecord): void {
    this.trace?.push(record);
  }

  /** Throws unless running under `runAsync`; `what` names the async operation. */
  protected requireAsyncRun(what: string): void {
    if (!this.asyncMode) throw new AsyncRunRequiredError(what);
  }

  /** Tells `runAsync` that continuations were released and must finish before time moves on. */
  protected noteAsyncWork(): void {
    this.asyncWorkPending = true;
  }

  /** Records an error thrown by async node code; `runAsync` rethrows it after the current event. */
  protected noteAsyncFailure(error: HandlerError): void {
    this.asyncFailure ??= error;
  }

  /** Processes the next event, if any. Returns false when none is left. */
  step(): boolean {
    this.enter();
    try {
      const nextTimeMs = this.queue.peekTime();
      if (nextTimeMs === Infinity) return false;
      this.checkBounds(nextTimeMs, 0, 1);
      this.queue.pop();
      this.dispatchPopped();
      return true;
    } finally {
      this.running = false;
    }
  }

  /**
   * Like {@link EventLoop.step}, for node code written with async/await: processes the next event,
   * then lets the continuations it released run to their next await. Test runners use it to
   * check invariants between events of an async simulation.
   *
   * @example
   * ```ts
   * while (sim.nextEventTime() <= 5_000 && (await sim.stepAsync())) checkInvariants();
   * ```
   */
  async stepAsync(): Promise<boolean> {
    this.enter();
    this.asyncMode = true;
    try {
      await this.settleAsyncWork();
      const nextTimeMs = this.queue.peekTime();
      if (nextTimeMs === Infinity) return false;
      this.checkBounds(nextTimeMs, 0, 1);
      this.queue.pop();
      this.dispatchPopped();
      await this.settleAsyncWork();
      return true;
    } finally {
      this.running = false;
      this.asyncMode = false;
    }
  }

  /**
   * Simulated time of the next pending event, or `Infinity` when none is waiting.
   *
   * @example
   * ```ts
   * while (sim.nextEventTime() <= 1_000) sim.step();
   * ```
   */
  nextEventTime(): number {
    return this.queue.peekTime();
  }

  /**
   * Processes events in (time, order) order until none is left or the next one is later than
   * `until`. Throws {@link LimitExceededError} past `maxEvents` or the loop's `maxTimeMs`, and
   * {@link HandlerError} when a handler throws.
   */
  run(options: RunOptions = {}): RunResult {
    const { until, maxEvents } = this.readRunOptions(options);
    this.enter();
    try {
      return this.loop(until, maxEvents);
    } finally {
      this.running = false;
    }
  }

  /**
   * @internal For runners that check properties after every event (`checkCluster`): processes
   * events up to `until`, at most `maxEvents` of them, calling `afterEvent` after each (outside
   * the run, as between two `step` calls), and stops as soon as it returns false. Exactly the
   * events, errors and state of a `step` per event, without a call per event; unlike `run`, time
   * stays at the last event. Returns the events processed.
   *
   * @example
   * ```ts
   * const processed = sim.runWatched(1_000, 1e6, () => invariantHolds());
   * ```
   */
  runWatched(until: number, maxEvents: number, afterEvent: () => boolean): number {
    this.enter();
    const queue = this.queue;
    let processed = 0;
    try {
      while (processed < maxEvents) {
        const nextTimeMs = queue.peekTime();
        if (nextTimeMs === Infinity || nextTimeMs > until) break;
        if (nextTimeMs > this.maxTimeMs) this.checkBounds(nextTimeMs, 0, 1);
        queue.pop();
        this.dispatchPopped();
        processed++;
        this.running = false;
        if (!afterEvent()) break;
        this.enter();
      }
      return processed;
    } finally {
      this.running = false;
    }
  }

  /**
   * @internal Ends the loop for good and gives its event queue's arrays to the next simulation
   * built in this thread, which would otherwise make new ones (a typed array of more than 64
   * bytes costs 1–3 µs to make on Node 20). The property runners call it after a passing case,
   * whose simulation nobody reads again. Afterwards `run`, `step` and scheduling throw
   * {@link InvalidStateError}; pending events are gone. Calling it twice does nothing more.
   *
   * @example
   * ```ts
   * const outcome = checkCluster(scenario, testCase);
   * outcome.sim.dispose(); // the next case's simulation takes its arrays
   * ```
   */
  dispose(): void {
    if (this.running) throw new InvalidStateError('the simulation is running: dispose it after the run returns');
    this.disposed = true;
    this.queue.release();
  }

  /** Runs until no event is left; bounded by `maxEvents` so a system that never quiets fails clearly. */
  runUntilQuiet(options: { maxEvents?: number } = {}): RunResult {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, '', ['maxEvents']);
    return this.run({ maxEvents: options.maxEvents === undefined ? this.maxEvents : options.maxEvents });
  }

  /**
   * Like {@link EventLoop.run}, for node code written with async/await. After each event that
   * released async continuations, it lets them run to their next await before moving on, so
   * async code is exactly as deterministic as handler code.
   */
  async runAsync(options: RunOptions = {}): Promise<RunResult> {
    const { until, maxEvents } = this.readRunOptions(options);
    this.enter();
    this.asyncMode = true;
    try {
      let eventsProcessed = 0;
      for (;;) {
        await this.settleAsyncWork();
        const nextTimeMs = this.queue.peekTime();
        if (nextTimeMs === Infinity || nextTimeMs > until) break;
        this.checkBounds(nextTimeMs, eventsProcessed, maxEvents);
        this.queue.pop();
        this.dispatchPopped();
        eventsProcessed++;
      }
      return this.finish(until, eventsProcessed);
    } finally {
      this.running = false;
      this.asyncMode = false;
    }
  }

  private async settleAsyncWork(): Promise<void> {
    while (this.asyncWorkPending) {
      this.asyncWorkPending = false;
      await yieldToMacrotask();
    }
    const failure = this.asyncFailure;
    if (failure !== undefined) {
      this.asyncFailure = undefined;
      throw failure;
    }
  }

  private loop(until: number, maxEvents: number): RunResult {
    const queue = this.queue;
    let eventsProcessed = 0;
    for (;;) {
      const nextTimeMs = queue.peekTime();
      if (nextTimeMs === Infinity || nextTimeMs > until) break;
      if (eventsProcessed >= maxEvents || nextTimeMs > this.maxTimeMs) this.checkBounds(nextTimeMs, eventsProcessed, maxEvents);
      queue.pop();
      this.dispatchPopped();
      eventsProcessed++;
    }
    return this.finish(until, eventsProcessed);
  }

  private finish(until: number, eventsProcessed: number): RunResult {
    const stoppedBy = this.queue.peekTime() === Infinity ? 'quiet' : 'until';
    if (until !== Infinity && until > this.timeMs) {
      this.timeMs = until;
      this.instantBudget = this.maxEventsPerInstant;
    }
    return { eventsProcessed, timeMs: this.timeMs, stoppedBy };
  }

  private checkBounds(nextTimeMs: number, eventsProcessed: number, maxEvents: number): void {
    if (eventsProcessed >= maxEvents) {
      throw new LimitExceededError('maxEvents', maxEvents, this.timeMs, 'raise it with run({ maxEvents }) or new Simulation({ maxEvents })');
    }
    if (nextTimeMs > this.maxTimeMs) {
      throw new LimitExceededError('maxTimeMs', this.maxTimeMs, this.timeMs, 'raise it with new Simulation({ maxTimeMs })');
    }
  }

  /**
   * Runs the event `pop` just took. Kept small (the bookkeeping calls are tiny or out of line) so
   * that V8 inlines it into `loop`: its size counts what its own optimized code inlined, and past
   * the budget every event pays a call here (measured: 5-8 % of message delivery).
   */
  private dispatchPopped(): void {
    const queue = this.queue;
    const time = queue.currentTime;
    const kind = queue.currentKind;
    const target = queue.currentTarget;
    const a = queue.currentA;
    const b = queue.currentB;
    if (time !== this.timeMs) this.startInstant(time);
    else this.spendInstantBudget();
    this.processed++;
    this.hash.mixEvent(time, (kind << 24) ^ target, a, b);
    if (kind === CALLBACK_KIND && this.trace !== undefined) this.recordCallback(time);
    try {
      this.handlers[kind]!(target, a, b, queue.currentC, queue.currentPayload);
    } catch (error) {
      throw this.wrapHandlerError(error);
    }
  }

  /** Time moved on: the new instant gets the whole per-instant budget, this event included. */
  private startInstant(timeMs: number): void {
    this.timeMs = timeMs;
    this.instantBudget = this.maxEventsPerInstant - 1;
  }

  /** One more event at the current instant (a decrement only while time stands still). */
  private spendInstantBudget(): void {
    if (--this.instantBudget < 0) this.rejectInstantOverflow();
  }

  private recordCallback(timeMs: number): void {
    this.trace!.push({ timeMs, type: 'callback' });
  }

  /** The popped event is still in the queue's registers (a handler cannot pop): read it there. */
  private wrapHandlerError(error: unknown): unknown {
    if (error instanceof LimitExceededError || error instanceof AsyncRunRequiredError || error instanceof HandlerError) return error;
    const queue = this.queue;
    const description = this.describeEvent(queue.currentKind, queue.currentTarget, queue.currentA, queue.currentB, queue.currentC, queue.currentPayload);
    return new HandlerError(description.nodeId, description.event, this.timeMs, error);
  }

  /**
   * Out of line, with no arguments, to keep dispatchPopped small: the popped event is still in the
   * queue's registers. It is dropped unrun, as the bound cannot be raised on an existing loop.
   */
  private rejectInstantOverflow(): never {
    const queue = this.queue;
    const kind = queue.currentKind;
    const description = this.describeEvent(kind, queue.currentTarget, queue.currentA, queue.currentB, queue.currentC, queue.currentPayload);
    const culprit = { nodeId: description.nodeId, event: `${description.event} (event kind '${this.kinds[kind]!.name}')` };
    throw new LimitExceededError(
      'maxEventsPerInstant',
      this.maxEventsPerInstant,
      this.timeMs,
      'time is not advancing: is a handler re-arming itself at delay 0? If the burst is real, raise it with new Simulation({ maxEventsPerInstant })',
      culprit,
    );
  }

  private describeEvent(kind: number, target: number, a: number, b: number, c: number, payload: unknown): EventDescription {
    const definition = this.kinds[kind]!;
    return definition.describe?.(target, a, b, c, payload) ?? { event: `event '${definition.name}'` };
  }

  private enter(): void {
    if (this.running || this.disposed) this.refuseEntry();
    this.running = true;
  }

  private refuseEntry(): never {
    if (this.disposed) throw new InvalidStateError('the simulation was disposed (its case ended): it cannot run again');
    throw new InvalidStateError('the simulation is already running: run, runAsync and step cannot be called from inside a handler');
  }

  private readRunOptions(options: RunOptions): { until: number; maxEvents: number } {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, '', ['until', 'maxEvents']);
    // `=== undefined`, not `??`: a null must be rejected, not read as "absent".
    const until = options.until === undefined ? Infinity : options.until;
    if (options.until !== undefined) {
      if (typeof until !== 'number' || !Number.isFinite(until)) throw new InvalidArgumentError('until', until, 'a finite number of ms (omit it to run until quiet)');
      if (until < this.timeMs) throw new InvalidArgumentError('until', until, `a time >= now (${this.timeMs}ms)`);
      if (until > this.maxTimeMs) throw new InvalidArgumentError('until', until, `a time <= maxTimeMs (${this.maxTimeMs}ms); raise maxTimeMs in the Simulation options`);
    }
    const maxEvents = options.maxEvents === undefined ? this.maxEvents : options.maxEvents;
    requirePositiveInteger(maxEvents, 'maxEvents');
    return { until, maxEvents };
  }

  private delayUntil(timeMs: number): number {
    if (typeof timeMs !== 'number' || !(timeMs >= this.timeMs && timeMs <= MAX_SIMULATED_TIME_MS)) {
      throw new InvalidArgumentError('timeMs', timeMs, `a finite time >= now (${this.timeMs}ms) and <= ${MAX_SIMULATED_TIME_MS}ms (EventLoop.maxSimulatedTimeMs)`);
    }
    return timeMs - this.timeMs;
  }
}

function runCallback(_target: number, _a: number, _b: number, _c: number, payload: unknown): void {
  (payload as () => void)();
}

function readSeed(seed: unknown): Seed {
  if (typeof seed === 'string') return seed;
  if (typeof seed === 'number' && Number.isFinite(seed)) return seed;
  throw new InvalidArgumentError('seed', seed, 'a string or a finite number');
}

function readTrace(trace: unknown): TraceRecorder | undefined {
  if (trace === undefined || trace === false) return undefined;
  if (trace === true) return new TraceRecorder(DEFAULT_TRACE_LIMIT);
  requireObject(trace, 'trace');
  rejectUnknownKeys(trace, 'trace', ['limit']);
  const limit = trace['limit'];
  requirePositiveInteger(limit, 'trace.limit', 100_000_000);
  return new TraceRecorder(limit);
}

/** The checks {@link EventLoop.defineEvent} makes of a user's definition. */
function validateDefinition(definition: EventKindDefinition): void {
  rejectUnknownKeys(definition as unknown as Record<string, unknown>, 'definition', ['name', 'handle', 'describe']);
  if (typeof definition.name !== 'string') throw new InvalidArgumentError('definition.name', definition.name, 'a string');
  if (typeof definition.handle !== 'function') throw new InvalidArgumentError('definition.handle', definition.handle, 'a function');
  if (definition.describe !== undefined && typeof definition.describe !== 'function') {
    throw new InvalidArgumentError('definition.describe', definition.describe, 'a function or absent');
  }
}
