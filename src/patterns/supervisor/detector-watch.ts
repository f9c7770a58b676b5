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
}

/** A heartbeat on the wire, from a target to its watch. */
class Heartbeat {}
const HEARTBEAT = new Heartbeat();
const CHECK_TIMER = 'faultline.watch.check';
const BEAT_TIMER = 'faultline.watch.beat';
const MAX_TARGETS = 10_000;

/**
 * A node's failure detectors over other nodes, as a verdict source for a supervisor or a load
 * balancer: targets push heartbeats ({@link withHeartbeats}), the watch feeds each arrival to the
 * target's detector on its own clock and every `checkIntervalMs` asks for a verdict. Detectors and
 * verdicts live outside the node, so a restart of the watch keeps what it learnt.
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
  private readonly detectors = new Map<string, { detector: FailureDetector; trusted: boolean; lastBeatMs: number }>();
  private readonly listeners: Array<(verdict: DetectorVerdict) => void> = [];

  /** @internal Built by {@link createDetectorWatch}. */
  constructor(
    /** The watching node's id. */
    readonly id: string,
    /** The watched nodes. */
    readonly targets: readonly string[],
    private readonly checkIntervalMs: number,
    makeDetector: () => FailureDetector,
    private readonly sim: Simulation,
  ) {
    for (const target of targets) {
      const detector = makeDetector();
      if (!isFailureDetector(detector)) throw new InvalidArgumentError('options.detector()', detector, FAILURE_DETECTOR_EXPECTED);
      this.detectors.set(target, { detector, trusted: true, lastBeatMs: -Infinity });
    }
  }

  /** True while the detector trusts `target` (before any heartbeat: true, as detectors are). */
  isTrusted(target: string): boolean {
    return this.entry(target).trusted;
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
        const entry = this.detectors.get(from);
        if (entry === undefined) return;
        // A clock stepped backwards must not feed a detector a time before its last heartbeat.
        entry.lastBeatMs = Math.max(entry.lastBeatMs, ctx.now());
        entry.detector.heartbeat(entry.lastBeatMs);
      };
      return wrapped;
    };
  }

  private judge(ctx: NodeContext): void {
    const nowMs = ctx.now();
    for (const target of this.targets) {
      const entry = this.entry(target);
      const trusted = entry.detector.isAvailable(Math.max(nowMs, entry.lastBeatMs));
      if (trusted === entry.trusted) continue;
      entry.trusted = trusted;
      const verdict: DetectorVerdict = { target, trusted, timeMs: this.sim.now };
      this.verdicts.push(verdict);
      for (const listener of [...this.listeners]) listener(verdict);
    }
  }

  private entry(target: string): { detector: FailureDetector; trusted: boolean; lastBeatMs: number } {
    const entry = this.detectors.get(target);
    if (entry === undefined) throw new InvalidArgumentError('target', target, `one of the watched nodes (${this.targets.join(', ')})`);
    return entry;
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
