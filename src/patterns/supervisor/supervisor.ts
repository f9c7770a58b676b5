import { InvalidArgumentError } from '../../errors.js';
import type { Simulation } from '../../simulation.js';
import { rejectUnknownKeys, requireFunction, requireObject, requireString } from '../../validate.js';
import type { NodeBehaviour, NodeContext, NodeHandlers } from '../../world/node-context.js';
import { readTargets } from './detector-watch.js';
import { RestartPolicy, type RestartBackoffOptions, type RestartIntensityOptions } from './restart-policy.js';
import type { HealthChecker } from '../../observe/health/health-checker.js';
import { verdictFeed, type VerdictFeed, type VerdictSource } from './verdicts.js';

/**
 * Options of {@link createSupervisor} and {@link addSupervisor}.
 *
 * @example
 * ```ts
 * const options: SupervisorOptions = {
 *   children: ['w1', 'w2'], verdicts: health,
 *   backoff: { initialMs: 100, maxMs: 2_000 }, intensity: { maxRestarts: 3, windowMs: 10_000 },
 * };
 * ```
 */
export interface SupervisorOptions {
  /** The nodes supervised; each must exist already and be watched by `verdicts`. */
  children: string[];
  /**
   * Where the supervisor learns a child is down: health checks (liveness checks only: failing
   * readiness means busy, not dead) or a {@link DetectorWatch}. Run by the supervisor's own node.
   * A health checker's checks may change at run time ({@link HealthChecker.addCheck},
   * {@link HealthChecker.removeCheck}): a child whose liveness checks are all removed is no
   * longer believed down, so it is not restarted; so are a watch's targets
   * ({@link DetectorWatch.addTarget}, {@link DetectorWatch.removeTarget}), with the same effect.
   */
  verdicts: VerdictSource;
  /** The wait before each restart. */
  backoff?: RestartBackoffOptions;
  /** At most so many restarts of one child in a window; then the supervisor gives up on it. */
  intensity?: RestartIntensityOptions;
}

/**
 * What a supervisor did: `detected` (a child's verdict turned to down and a restart was
 * scheduled after `delayMs`), `cancelled` (the verdict turned to up first), `restarted`,
 * `gave-up` (one more restart would exceed the intensity; the child is left down).
 *
 * @example
 * ```ts
 * supervisor.onEvent((event: SupervisorEvent) => console.log(event.timeMs, event.kind, event.child));
 * ```
 */
export interface SupervisorEvent {
  /** What happened. */
  kind: 'detected' | 'cancelled' | 'restarted' | 'gave-up';
  /** The child concerned. */
  child: string;
  /** True (simulated) time, in ms. */
  timeMs: number;
  /** For `detected`: the back-off before the restart, in local ms. */
  delayMs?: number;
  /** Restarts of the child inside the intensity window at that moment (a `restarted` one included). */
  restartsInWindow: number;
}

const SUPERVISOR_KEYS = ['children', 'verdicts', 'backoff', 'intensity'];
const RESTART_TIMER = 'faultline.supervisor.restart:';

interface ChildState {
  policy: RestartPolicy;
  phase: 'trusted' | 'waiting' | 'gave-up';
  /** True between `detected` and the first attempt: only then is a cancellation news (later timers are re-checks). */
  firstAttemptPending: boolean;
}

/**
 * A supervisor: restarts a child it believes dead, after a back-off that grows with each restart
 * in the window, and gives up (reports, restarts no more) when one more restart would exceed the
 * restart intensity, so a crash loop is bounded.
 *
 * It runs inside a node (its back-off timers are that node's timers: if the supervisor is down,
 * nothing is restarted). The restart itself goes through `sim.restart`: a node has no message that
 * restarts another, just as a real process cannot restart a crashed one by talking to it; the
 * power to start a process belongs to whatever runs it (an init system, a kubelet), and
 * `sim.restart` is the simulation's version of that power. Like a process manager, it only
 * restarts a process that is not running: if the child is up when its back-off ends (the
 * suspicion was false: a pause, a partition, a slow link), it waits for the next verdict instead.
 * While a child stays believed down after a restart, the supervisor keeps trying on the back-off,
 * which is how a crash loop is seen even if the checks never see the child up in between.
 *
 * @example
 * ```ts
 * const health = createHealthChecker(sim, 'sup', { checks: [{ target: 'w', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
 * const supervisor = addSupervisor(sim, 'sup', { children: ['w'], verdicts: health, backoff: { initialMs: 200 } });
 * sim.schedule(1_000, () => sim.crash('w'));
 * sim.run({ until: 5_000 });
 * supervisor.events; // detected at ~1300, restarted at ~1500
 * ```
 */
export class Supervisor {
  /** Everything the supervisor did, in time order. */
  readonly events: SupervisorEvent[] = [];
  private readonly children = new Map<string, ChildState>();
  private readonly listeners: Array<(event: SupervisorEvent) => void> = [];
  /** The context of the supervisor node's current incarnation, while it runs. */
  private ctx: NodeContext | undefined;

  /** @internal Built by {@link createSupervisor}. */
  constructor(
    /** The supervisor node's id. */
    readonly id: string,
    childIds: readonly string[],
    private readonly feed: VerdictFeed,
    makePolicy: () => RestartPolicy,
    private readonly sim: Simulation,
  ) {
    for (const child of childIds) this.children.set(child, { policy: makePolicy(), phase: 'trusted', firstAttemptPending: false });
    feed.subscribe((target, down) => this.onVerdict(target, down));
  }

  /** `trusted`, `waiting` (a restart is scheduled or the child is still believed down) or `gave-up`. */
  phase(child: string): 'trusted' | 'waiting' | 'gave-up' {
    return this.state(child).phase;
  }

  /** Restarts of `child` the supervisor made, in total. */
  restartsOf(child: string): number {
    this.state(child);
    return this.events.filter((event) => event.kind === 'restarted' && event.child === child).length;
  }

  /** Calls `listener` with each event as it happens (a `gave-up` is the report to act on). Returns an unsubscribe function. */
  onEvent(listener: (event: SupervisorEvent) => void): () => void {
    requireFunction(listener, 'listener');
    this.listeners.push(listener);
    return () => {
      const position = this.listeners.indexOf(listener);
      if (position >= 0) this.listeners.splice(position, 1);
    };
  }

  /**
   * Runs the supervisor, and its verdict source's probing, inside the node `behaviour` builds;
   * the node's id must be this supervisor's. Its timers are named `faultline.supervisor.*`.
   *
   * @example
   * ```ts
   * const supervisor = createSupervisor(sim, 'sup', { children: ['w'], verdicts: health });
   * sim.addNode('sup', supervisor.embedIn((ctx) => ({ onStart() { ctx.log('supervising'); } })));
   * ```
   */
  embedIn<M = unknown, D = unknown>(behaviour: NodeBehaviour<M, D>): NodeBehaviour<M, D> {
    requireFunction(behaviour, 'behaviour');
    const inner = this.feed.embedIn(behaviour);
    return (ctx) => {
      if (ctx.id !== this.id) throw new InvalidArgumentError('node id', ctx.id, `the supervisor's id '${this.id}'`);
      const handlers = inner(ctx);
      const wrapped = Object.create(handlers) as NodeHandlers<M>;
      wrapped.onStart = () => {
        this.resume(ctx as NodeContext);
        return handlers.onStart?.call(handlers);
      };
      wrapped.onRecover = () => {
        this.resume(ctx as NodeContext);
        return handlers.onRecover?.call(handlers);
      };
      wrapped.onTimer = (name, data) => {
        if (!name.startsWith(RESTART_TIMER)) return handlers.onTimer?.call(handlers, name, data);
        this.attempt(name.slice(RESTART_TIMER.length));
      };
      return wrapped;
    };
  }

  /** A new incarnation of the supervisor node: its timers are gone, so children believed down are scheduled again. */
  private resume(ctx: NodeContext): void {
    this.ctx = ctx;
    for (const [child, state] of this.children) {
      if (state.phase === 'waiting') state.phase = 'trusted';
      if (this.feed.isDown(child)) this.onVerdict(child, true);
    }
  }

  private onVerdict(child: string, down: boolean): void {
    const state = this.children.get(child);
    const ctx = this.runningContext();
    if (state === undefined || state.phase === 'gave-up' || ctx === undefined) return;
    if (!down) {
      if (state.phase === 'waiting' && ctx.cancelTimer(RESTART_TIMER + child) && state.firstAttemptPending) this.emit('cancelled', child, state);
      state.phase = 'trusted';
      return;
    }
    if (state.phase === 'waiting') return;
    state.phase = 'waiting';
    state.firstAttemptPending = true;
    const delayMs = state.policy.delayMs(this.sim.now);
    ctx.setTimer(delayMs, RESTART_TIMER + child);
    this.emit('detected', child, state, delayMs);
  }

  /**
   * The context of the incarnation that last resumed, while it may act. Verdicts come inside that
   * node's own events, except when a health check or a watch target is added or removed (from
   * anywhere, say an autoscaler's event): a supervisor that is down then ignores it, and reads
   * every child's verdict afresh when it resumes.
   */
  private runningContext(): NodeContext | undefined {
    return this.ctx?.live === true ? this.ctx : undefined;
  }

  /** A back-off ended: restart the child if it is down, within the intensity; keep watching while it is believed down. */
  private attempt(child: string): void {
    const state = this.state(child);
    if (state.phase !== 'waiting') return;
    state.firstAttemptPending = false;
    if (!this.sim.isUp(child)) {
      if (!state.policy.tryRestart(this.sim.now)) {
        state.phase = 'gave-up';
        this.emit('gave-up', child, state);
        return;
      }
      this.sim.restart(child);
      this.emit('restarted', child, state);
    }
    if (this.feed.isDown(child)) this.ctx!.setTimer(state.policy.delayMs(this.sim.now), RESTART_TIMER + child);
    else state.phase = 'trusted';
  }

  private emit(kind: SupervisorEvent['kind'], child: string, state: ChildState, delayMs?: number): void {
    const event: SupervisorEvent = { kind, child, timeMs: this.sim.now, restartsInWindow: state.policy.restartsInWindow(this.sim.now) };
    if (delayMs !== undefined) event.delayMs = delayMs;
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }

  private state(child: string): ChildState {
    const state = this.children.get(child);
    if (state === undefined) throw new InvalidArgumentError('child', child, `one of the supervised nodes (${[...this.children.keys()].join(', ')})`);
    return state;
  }
}

/**
 * Builds a {@link Supervisor} for the node `id`, to run with `supervisor.embedIn(behaviour)`.
 * Children must already be nodes, and the verdict source must be run by the same node and
 * watch every child.
 *
 * @example
 * ```ts
 * const supervisor = createSupervisor(sim, 'sup', { children: ['w'], verdicts: watch, intensity: { maxRestarts: 5, windowMs: 60_000 } });
 * sim.addNode('sup', supervisor.embedIn(() => ({})));
 * ```
 */
export function createSupervisor(sim: Simulation, id: string, options: SupervisorOptions): Supervisor {
  requireString(id, 'id');
  const raw: unknown = options;
  requireObject(raw, 'options');
  rejectUnknownKeys(raw, 'options', SUPERVISOR_KEYS);
  const children = readTargets(sim, raw['children'], 'options.children');
  if (children.includes(id)) throw new InvalidArgumentError('options.children', id, 'nodes other than the supervisor itself');
  const feed = verdictFeed(raw['verdicts'], 'options.verdicts', ['liveness']);
  if (feed.id !== id) throw new InvalidArgumentError('options.verdicts', feed.id, `a source run by the supervisor's node '${id}' (so verdicts arrive in its own events)`);
  children.forEach((child, index) => {
    if (!feed.targets.includes(child)) throw new InvalidArgumentError(`options.children[${index}]`, child, `a node the verdict source watches (${feed.targets.join(', ')})`);
  });
  const policyOptions = { backoff: raw['backoff'] as RestartBackoffOptions | undefined, intensity: raw['intensity'] as RestartIntensityOptions | undefined };
  // Validate once here, naming the fields as the caller wrote them.
  new RestartPolicy(withoutUndefined(policyOptions));
  return new Supervisor(id, children, feed, () => new RestartPolicy(withoutUndefined(policyOptions)), sim);
}

/**
 * Adds the node `id` running a supervisor and its verdict source (build the source for the same
 * id: `createHealthChecker(sim, id, ...)` or `createDetectorWatch(sim, id, ...)`).
 *
 * @example
 * ```ts
 * const health = createHealthChecker(sim, 'sup', { checks: [{ target: 'w', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
 * const supervisor = addSupervisor(sim, 'sup', { children: ['w'], verdicts: health });
 * ```
 */
export function addSupervisor(sim: Simulation, id: string, options: SupervisorOptions): Supervisor {
  const supervisor = createSupervisor(sim, id, options);
  sim.addNode(id, supervisor.embedIn(() => ({})));
  return supervisor;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
