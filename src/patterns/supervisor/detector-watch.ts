import { InvalidArgumentError } from '../../errors.js';
import { FAILURE_DETECTOR_EXPECTED, isFailureDetector, type FailureDetector } from '../../detectors/failure-detector.js';
import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireFunction, requireObject, requirePositive, requireString } from '../../validate.js';
import type { NodeBehaviour, NodeContext, NodeHandlers } from '../../world/node-context.js';
import { UnknownNodeError } from '../../errors.js';

/**
 * Options of {@link createDetectorWatch}.
 *
 * @example
 * ```ts
 * const options: DetectorWatchOptions = { targets: ['w1', 'w2'], detector: () => new PhiAccrualDetector({ threshold: 8 }), checkIntervalMs: 50 };
 * ```
 */
export interface DetectorWatchOptions {
  /** The nodes watched; each must send heartbeats to the watch (see {@link withHeartbeats}) and exist already. */
  targets: string[];
  /** Builds one failure detector per target. */
  detector: () => FailureDetector;
  /** How often the watch asks its detectors for a verdict, on its clock, in ms (> 0). */
  checkIntervalMs: number;
}

/**
 * One flip of a detector's verdict about a target.
 *
 * @example
 * ```ts
 * watch.onChange((verdict: DetectorVerdict) => console.log(verdict.target, verdict.trusted ? 'up' : 'down'));
 * ```
 */
export interface DetectorVerdict {
  /** The watched node. */
  target: string;
  /** The verdict now: true while the target is trusted. */
  trusted: boolean;
  /** True (simulated) time of the flip, in ms. */
  timeMs: number;
  /** The watch's local clock at the flip, in ms. */
  localTimeMs: number;
}

/**
 * When a target was watched, in true time: from its addition by {@link DetectorWatch.addTarget}
 * (undefined for a target given at construction, watched from the watch's start) until its
 * removal by {@link DetectorWatch.removeTarget} (undefined while it is watched). Its verdicts
 * ({@link DetectorWatch.verdictsOf}) are its detector's inside that span.
 *
 * @example
 * ```ts
 * const { addedMs, removedMs }: TargetLifetime = watch.lifetimeOf('w3');
 * ```
 */
export interface TargetLifetime {
  /** True time it was added, in ms; undefined for a target given at construction. */
  addedMs: number | undefined;
  /** True time it was removed, in ms; undefined while it is watched. */
  removedMs: number | undefined;
}

/** A heartbeat on the wire, from a target to its watch. */
class Heartbeat {}
const HEARTBEAT = new Heartbeat();
const CHECK_TIMER = 'faultline.watch.check';
const BEAT_TIMER = 'faultline.watch.beat';
/** Targets a watch holds over its life, removed ones included (their records stay readable). */
const MAX_TARGETS = 10_000;

/** Per target: its detector and what the watch knows. Lives outside the watch node, so a restart keeps it. */
interface TargetState {
  detector: FailureDetector;
  trusted: boolean;
  lastBeatMs: number;
  /** True time {@link DetectorWatch.addTarget} added it; undefined for a target given at construction. */
  addedMs: number | undefined;
  /** True time {@link DetectorWatch.removeTarget} removed it; undefined while it is watched. */
  removedMs: number | undefined;
}

/** Who hears that the set of targets changed (a target added or removed): the verdict feeds. */
type TargetSetListener = (target: string, timeMs: number) => void;

/**
 * A node's failure detectors over other nodes, as a verdict source for a supervisor or a load
 * balancer: targets push heartbeats ({@link withHeartbeats}), the watch feeds each arrival to the
 * target's detector on its own clock and every `checkIntervalMs` asks for a verdict. Detectors and
 * verdicts live outside the node, so a restart of the watch keeps what it learnt. Targets may be
 * added and removed at run time ({@link DetectorWatch.addTarget}, {@link DetectorWatch.removeTarget}).
 *
 * @example
 * ```ts
 * const watch = createDetectorWatch(sim, 'sup', { targets: ['w'], detector: () => new FixedTimeoutDetector({ timeoutMs: 300 }), checkIntervalMs: 50 });
 * sim.addNode('sup', watch.embedIn(() => ({})));
 * watch.onChange((verdict) => console.log(verdict));
 * ```
 */
export class DetectorWatch {
  /** Every flip, in time order. */
  readonly verdicts: DetectorVerdict[] = [];
  private readonly states = new Map<string, TargetState>();
  private readonly listeners: Array<(verdict: DetectorVerdict) => void> = [];
  private readonly targetSetListeners: TargetSetListener[] = [];

  /** @internal Built by {@link createDetectorWatch}. */
  constructor(
    /** The watching node's id. */
    readonly id: string,
    targets: readonly string[],
    private readonly checkIntervalMs: number,
    private readonly makeDetector: () => FailureDetector,
    private readonly sim: Simulation,
  ) {
    for (const target of targets) this.states.set(target, this.newState('options.detector()', undefined));
  }

  /**
   * The nodes watched now, in the order given or added. A removed target is not listed here but
   * stays readable: see {@link DetectorWatch.removedTargets}.
   *
   * @example
   * ```ts
   * watch.addTarget('w3');
   * watch.targets; // ['w1', 'w2', 'w3']
   * ```
   */
  get targets(): string[] {
    return [...this.states].filter(([, state]) => state.removedMs === undefined).map(([target]) => target);
  }

  /**
   * The targets removed by {@link DetectorWatch.removeTarget}, in the order given or added.
   *
   * @example
   * ```ts
   * watch.removeTarget('w3');
   * watch.removedTargets; // ['w3']
   * watch.verdictsOf('w3'); // still readable
   * ```
   */
  get removedTargets(): string[] {
    return [...this.states].filter(([, state]) => state.removedMs !== undefined).map(([target]) => target);
  }

  /**
   * True while the detector trusts `target` (before any heartbeat: true, as detectors are). For
   * a removed target: its verdict when it was removed.
   */
  isTrusted(target: string): boolean {
    return this.stateOf(target).trusted;
  }

  /**
   * Watches node `id` from now on, at run time: an autoscaler's new node, say. It gets a fresh
   * detector from the watch's factory and is trusted until that detector suspects it. A target
   * never heard from is trusted, as every detector trusts before its first heartbeat (and as a
   * target given at construction is): add it as the node starts, when {@link withHeartbeats}
   * sends its first beat, and a node that dies later is suspected like any other. Heartbeats that
   * arrived before it was added were ignored. The node must exist; an id this watch watches or
   * watched (removed targets keep their records) is refused, with a typed error naming `id`. It
   * may be called anywhere: another node's handler, a `sim.schedule` callback, or before the
   * run. It needs no event of the watch's own: the watch's next periodic check judges it with
   * the others. Verdict feeds, and the load balancers and supervisors that follow this watch, see
   * it at once.
   *
   * @example
   * ```ts
   * watch.addTarget('w3');
   * balancer.addBackend('w3', sim.now); // in rotation until the watch suspects it
   * ```
   */
  addTarget(id: string): void {
    requireString(id, 'id');
    const known = this.sim.nodeIds();
    if (!known.includes(id)) throw new UnknownNodeError('id', id, known);
    const state = this.states.get(id);
    if (state !== undefined) {
      throw new InvalidArgumentError('id', id, state.removedMs === undefined ? 'a node not already watched' : 'a node this watch never watched (a removed target keeps its records)');
    }
    if (this.states.size >= MAX_TARGETS) throw new InvalidArgumentError('id', id, `a target beyond the ${MAX_TARGETS} a watch holds over its life (removed ones included)`);
    this.states.set(id, this.newState('detector()', this.sim.now));
    this.announceTargetSet(id);
  }

  /**
   * Stops watching `target` for good: its heartbeats are ignored from now on and it is judged no
   * more. Its verdicts stay readable ({@link DetectorWatch.verdictsOf},
   * {@link DetectorWatch.isTrusted}, {@link DetectorWatch.lifetimeOf}), and its id stays taken.
   * Verdict feeds drop it at once: it is no longer watched, so no longer down. May be called
   * anywhere, like {@link DetectorWatch.addTarget}.
   *
   * @example
   * ```ts
   * balancer.removeBackend('w3', sim.now);
   * watch.removeTarget('w3');
   * ```
   */
  removeTarget(target: string): void {
    requireString(target, 'target');
    const state = this.stateOf(target);
    if (state.removedMs !== undefined) throw new InvalidArgumentError('target', target, 'a target not already removed');
    state.removedMs = this.sim.now;
    this.announceTargetSet(target);
  }

  /**
   * The flips of `target`'s verdict, in time order (a removed target's included).
   *
   * @example
   * ```ts
   * watch.verdictsOf('w3').map((verdict) => [verdict.timeMs, verdict.trusted]);
   * ```
   */
  verdictsOf(target: string): DetectorVerdict[] {
    this.stateOf(target);
    return this.verdicts.filter((verdict) => verdict.target === target);
  }

  /**
   * When `target` was watched (see {@link TargetLifetime}).
   *
   * @example
   * ```ts
   * watch.lifetimeOf('w3'); // { addedMs: 7_500, removedMs: 12_000 }
   * ```
   */
  lifetimeOf(target: string): TargetLifetime {
    const state = this.stateOf(target);
    return { addedMs: state.addedMs, removedMs: state.removedMs };
  }

  /** Calls `listener` on every flip, inside the watch's event. Returns a function that unsubscribes it. */
  onChange(listener: (verdict: DetectorVerdict) => void): () => void {
    requireFunction(listener, 'listener');
    this.listeners.push(listener);
    return () => {
      const position = this.listeners.indexOf(listener);
      if (position >= 0) this.listeners.splice(position, 1);
    };
  }

  /**
   * @internal Calls `listener` with every target added or removed, after the change (possibly
   * outside the watch's events): the verdict feeds re-read that target. Returns an unsubscribe function.
   */
  onTargetSetChange(listener: TargetSetListener): () => void {
    this.targetSetListeners.push(listener);
    return () => {
      const position = this.targetSetListeners.indexOf(listener);
      if (position >= 0) this.targetSetListeners.splice(position, 1);
    };
  }

  /**
   * Runs the watch inside the node `behaviour` builds (whose id must be this watch's id): heartbeats
   * are taken before its `onMessage`, and the watch's timer is named `faultline.watch.check`.
   */
  embedIn<M = unknown, D = unknown>(behaviour: NodeBehaviour<M, D>): NodeBehaviour<M, D> {
    requireFunction(behaviour, 'behaviour');
    return (ctx) => {
      if (ctx.id !== this.id) throw new InvalidArgumentError('node id', ctx.id, `the watch's id '${this.id}'`);
      const handlers = behaviour(ctx);
      const wrapped = Object.create(handlers) as NodeHandlers<M>;
      const start = (): void => ctx.setTimer(this.checkIntervalMs, CHECK_TIMER);
      wrapped.onStart = () => {
        start();
        return handlers.onStart?.call(handlers);
      };
      wrapped.onRecover = () => {
        start();
        return (handlers.onRecover ?? handlers.onStart)?.call(handlers);
      };
      wrapped.onTimer = (name, data) => {
        if (name !== CHECK_TIMER) return handlers.onTimer?.call(handlers, name, data);
        this.judge(ctx as NodeContext);
        start();
      };
      wrapped.onMessage = (from, message) => {
        if (!(message instanceof Heartbeat)) return handlers.onMessage?.call(handlers, from, message);
        const state = this.states.get(from);
        // Not a target (yet, or any more): its heartbeats are outside its watched life.
        if (state === undefined || state.removedMs !== undefined) return;
        // A clock stepped backwards must not feed a detector a time before its last heartbeat.
        state.lastBeatMs = Math.max(state.lastBeatMs, ctx.now());
        state.detector.heartbeat(state.lastBeatMs);
      };
      return wrapped;
    };
  }

  private judge(ctx: NodeContext): void {
    const nowMs = ctx.now();
    for (const [target, state] of this.states) {
      if (state.removedMs !== undefined) continue;
      const trusted = state.detector.isAvailable(Math.max(nowMs, state.lastBeatMs));
      if (trusted === state.trusted) continue;
      state.trusted = trusted;
      const verdict: DetectorVerdict = { target, trusted, timeMs: this.sim.now, localTimeMs: nowMs };
      this.verdicts.push(verdict);
      for (const listener of [...this.listeners]) listener(verdict);
    }
  }

  private newState(field: string, addedMs: number | undefined): TargetState {
    const detector = this.makeDetector();
    if (!isFailureDetector(detector)) throw new InvalidArgumentError(field, detector, FAILURE_DETECTOR_EXPECTED);
    return { detector, trusted: true, lastBeatMs: -Infinity, addedMs, removedMs: undefined };
  }

  private announceTargetSet(target: string): void {
    for (const listener of [...this.targetSetListeners]) listener(target, this.sim.now);
  }

  private stateOf(target: string): TargetState {
    const state = this.states.get(target);
    if (state === undefined) throw new InvalidArgumentError('target', target, `one of the watched nodes (${[...this.states.keys()].join(', ')})`);
    return state;
  }
}

/**
 * Builds a {@link DetectorWatch} for the node `id` (run it with `watch.embedIn(behaviour)`).
 * Targets must already be nodes of `sim`.
 *
 * @example
 * ```ts
 * const watch = createDetectorWatch(sim, 'lb', { targets: ['b1', 'b2'], detector: () => new PhiAccrualDetector(), checkIntervalMs: 100 });
 * ```
 */
export function createDetectorWatch(sim: Simulation, id: string, options: DetectorWatchOptions): DetectorWatch {
  requireString(id, 'id');
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', ['targets', 'detector', 'checkIntervalMs']);
  const targets = readTargets(sim, raw['targets'], 'options.targets');
  requireFunction(raw['detector'], 'options.detector');
  requirePositive(raw['checkIntervalMs'], 'options.checkIntervalMs');
  return new DetectorWatch(id, targets, raw['checkIntervalMs'], raw['detector'] as () => FailureDetector, sim);
}

/** Reads a non-empty list of distinct ids of existing nodes. */
export function readTargets(sim: Simulation, value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TARGETS) {
    throw new InvalidArgumentError(field, value, `a non-empty array of at most ${MAX_TARGETS} node ids`);
  }
  const known = sim.nodeIds();
  const seen = new Set<string>();
  value.forEach((target: unknown, index) => {
    requireString(target, `${field}[${index}]`);
    if (!known.includes(target)) throw new UnknownNodeError(`${field}[${index}]`, target, known);
    if (seen.has(target)) throw new InvalidArgumentError(`${field}[${index}]`, target, 'a node not already listed');
    seen.add(target);
  });
  return [...seen];
}

/**
 * Wraps a node's behaviour so it sends a heartbeat to `to` (one node or several) every
 * `intervalMs` of its local time, from its start and after every restart, for a
 * {@link DetectorWatch} to feed its detectors. Its timer is named `faultline.watch.beat`.
 *
 * @example
 * ```ts
 * sim.addNode('w', withHeartbeats((ctx) => ({ onCall: () => 'ok' }), { to: 'sup', intervalMs: 100 }));
 * ```
 */
export function withHeartbeats<M = unknown, D = unknown>(behaviour: NodeBehaviour<M, D>, options: { to: string | string[]; intervalMs: number }): NodeBehaviour<M, D> {
  requireFunction(behaviour, 'behaviour');
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', ['to', 'intervalMs']);
  const to = typeof raw['to'] === 'string' ? [raw['to']] : raw['to'];
  if (!Array.isArray(to) || to.length === 0) throw new InvalidArgumentError('options.to', raw['to'], 'a node id or a non-empty array of node ids');
  to.forEach((id: unknown, index) => requireString(id, `options.to[${index}]`));
  requirePositive(raw['intervalMs'], 'options.intervalMs');
  const intervalMs = raw['intervalMs'];
  return (ctx) => {
    const handlers = behaviour(ctx);
    const wrapped = Object.create(handlers) as NodeHandlers<M>;
    const beat = (): void => {
      for (const watcher of to as string[]) ctx.send(watcher, HEARTBEAT as M);
      ctx.setTimer(intervalMs, BEAT_TIMER);
    };
    wrapped.onStart = () => {
      beat();
      return handlers.onStart?.call(handlers);
    };
    wrapped.onRecover = () => {
      beat();
      return (handlers.onRecover ?? handlers.onStart)?.call(handlers);
    };
    wrapped.onTimer = (name, data) => (name === BEAT_TIMER ? beat() : handlers.onTimer?.call(handlers, name, data));
    return wrapped;
  };
}
