import { InvalidArgumentError } from '../../errors.js';
import type { HeartbeatArrival } from '../../detectors/harness.js';
import type { Simulation } from '../../simulation.js';
import { requireFunction, requireString } from '../../validate.js';
import type { NodeBehaviour, NodeContext, NodeHandlers } from '../../world/node-context.js';
import { MAX_CHECKS, resolveCheck, resolveHealthChecks, type HealthCheckKind, type HealthCheckOptions, type HealthCheckerOptions, type HealthStatus, type ResolvedHealthCheck } from './health-check-options.js';
import { HealthProbe, HealthProbeReply } from './health-endpoint.js';

/**
 * Why the last probe before a flip counted as it did: `ok` (a reply in time, judged healthy),
 * `timeout` (no reply in time: lost, late, or the target down or cut off), `rejected` (a reply in
 * time that `isHealthy` refused).
 *
 * @example
 * ```ts
 * const reason: ProbeOutcome = transition.reason;
 * ```
 */
export type ProbeOutcome = 'ok' | 'timeout' | 'rejected';

/**
 * One flip of a check's status.
 *
 * @example
 * ```ts
 * const transition: HealthTransition = { check: 'api/readiness', target: 'api', kind: 'readiness',
 *   from: 'healthy', to: 'unhealthy', timeMs: 1_250, localTimeMs: 1_250, reason: 'timeout' };
 * ```
 */
export interface HealthTransition {
  /** The check's name. */
  check: string;
  /** The probed node. */
  target: string;
  /** Liveness or readiness. */
  kind: HealthCheckKind;
  /** Status before. */
  from: HealthStatus;
  /** Status after. */
  to: HealthStatus;
  /** True (simulated) time of the flip, in ms. */
  timeMs: number;
  /** The checker's local clock at the flip, in ms. */
  localTimeMs: number;
  /** The outcome of the probe that tipped it. */
  reason: ProbeOutcome;
}

const PROBE_TIMER = 'faultline.health.probe:';
const TIMEOUT_TIMER = 'faultline.health.timeout:';

/** Per check: its options and what the checker knows. Lives outside the checker node, like a harness's records. */
interface CheckState {
  check: ResolvedHealthCheck;
  status: HealthStatus;
  successes: number;
  failures: number;
  nextProbeId: number;
  inFlight: { probeId: number; sentLocalMs: number } | undefined;
  /** Every reply received, in time or late: the arrivals `measureQoS` reads to tell loss from delay. */
  replies: HeartbeatArrival[];
  /** Send time of each probe, by id: true and on the checker's clock. */
  sent: Array<{ trueMs: number; localMs: number }>;
  /** True time {@link HealthChecker.addCheck} added it; undefined for a check given at construction. */
  addedMs: number | undefined;
  /** True time {@link HealthChecker.removeCheck} removed it; undefined while it runs. */
  removedMs: number | undefined;
}

/**
 * When a check ran, in true time: from `fromMs` (the checker's start for a check given at
 * construction; for one added later, the later of its addition and the checker's start) until
 * `untilMs` (its removal; undefined while it runs). Its initial status holds from `fromMs`.
 *
 * @example
 * ```ts
 * const { fromMs, untilMs }: CheckLifetime = health.lifetimeOf('w3/readiness');
 * measureHealthQoS(health, 'w3/readiness', sim.truth, fromMs, untilMs ?? sim.now);
 * ```
 */
export interface CheckLifetime {
  /** True time {@link HealthChecker.addCheck} added it, in ms; undefined for a check given at construction. */
  addedMs: number | undefined;
  /** True time from which the check's initial status holds, in ms. */
  fromMs: number;
  /** True time it was removed, in ms; undefined while it runs. */
  untilMs: number | undefined;
}

/** Who hears that the set of checks changed (an added or a removed check, its target and kind): the verdict feeds. */
type CheckSetListener = (target: string, kind: HealthCheckKind, timeMs: number) => void;

/**
 * Health checks run by one checker node: per check, the current status, every flip, and
 * listeners a load balancer or supervisor can subscribe with {@link HealthChecker.onChange}.
 * Built by {@link addHealthChecker} or {@link createHealthChecker}.
 *
 * @example
 * ```ts
 * const health = addHealthChecker(sim, 'checker', { checks: [{ target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
 * health.onChange((t) => console.log(`${t.timeMs}ms ${t.check} ${t.to}`));
 * sim.run({ until: 5_000 });
 * health.status('api/liveness'); // 'healthy'
 * ```
 */
export class HealthChecker {
  /** Every flip of every check, in time order. */
  readonly transitions: HealthTransition[] = [];
  private readonly states: CheckState[];
  private readonly listeners: Array<(transition: HealthTransition) => void> = [];
  private readonly checkSetListeners: CheckSetListener[] = [];
  /** The context of the incarnation that last started probing; it may have crashed since (`ctx.live` says). */
  private probingContext: NodeContext | undefined;
  /** True time the checker node first started: where a check's initial status begins. */
  private startedAtMs = 0;
  /** Whether a node has started running these checks: only one may. */
  private attached = false;

  /** @internal Built by {@link addHealthChecker} or {@link createHealthChecker}. */
  constructor(
    /** The checker node's id. */
    readonly id: string,
    checks: ResolvedHealthCheck[],
    private readonly sim: Simulation,
  ) {
    this.states = checks.map((check) => newState(check, undefined));
  }

  /**
   * The names of the checks running now, in the order given or added. A removed check is not
   * listed here (it probes no more) but stays readable by name: see
   * {@link HealthChecker.removedCheckNames}.
   */
  get checkNames(): string[] {
    return this.states.filter((state) => state.removedMs === undefined).map((state) => state.check.name);
  }

  /**
   * The names of the checks removed by {@link HealthChecker.removeCheck}, in the order added.
   *
   * @example
   * ```ts
   * health.removeCheck('w3/liveness');
   * health.removedCheckNames; // ['w3/liveness']
   * health.transitionsOf('w3/liveness'); // still readable
   * ```
   */
  get removedCheckNames(): string[] {
    return this.states.filter((state) => state.removedMs !== undefined).map((state) => state.check.name);
  }

  /** @internal The running checks with their status, in order: what the verdict feeds read (one pass, no lookups by name). */
  runningChecks(): Array<{ check: Readonly<ResolvedHealthCheck>; status: HealthStatus }> {
    return this.states.filter((state) => state.removedMs === undefined).map((state) => ({ check: state.check, status: state.status }));
  }

  /**
   * Adds a check at run time: an autoscaler's new node, say. Same options and validation as a
   * check given to {@link addHealthChecker} (typed errors name `check.<field>`); its name must
   * differ from every check this checker has had, removed ones included, so its records stay
   * unambiguous. If the checker node runs, the first probe goes out in an event of the checker's
   * own, at once (a zero-delay timer of its current incarnation, so it is ordered like any other
   * event, and a paused checker sends it on resume); if the checker is down or not started yet,
   * it starts probing with the others on the next start or recovery. It may be called anywhere:
   * from another node's handler, a `sim.schedule` callback, or before the run. The check's
   * initial status holds from now (see {@link HealthChecker.lifetimeOf}); verdict feeds and the
   * load balancers and supervisors that follow this checker see it at once. Returns its name.
   *
   * @example
   * ```ts
   * const name = health.addCheck({ target: 'w3', kind: 'readiness', intervalMs: 100, timeoutMs: 50 }); // 'w3/readiness'
   * balancer.addBackend('w3', sim.now); // out of rotation until the readiness check passes
   * ```
   */
  addCheck(check: HealthCheckOptions): string {
    const resolved = resolveCheck(check, 'check');
    if (this.states.some((state) => state.check.name === resolved.name)) {
      throw new InvalidArgumentError('check.name', resolved.name, 'a name no check of this checker has or had (removed checks keep theirs)');
    }
    if (this.states.length >= MAX_CHECKS) throw new InvalidArgumentError('check', resolved.name, `a check beyond the ${MAX_CHECKS} a checker holds over its life (removed ones included)`);
    const index = this.states.push(newState(resolved, this.sim.now)) - 1;
    this.runningContext()?.setTimer(0, `${PROBE_TIMER}${index}`);
    this.announceCheckSet(resolved);
    return resolved.name;
  }

  /**
   * Stops check `name` for good: no more probes, its pending timers cancelled, replies still on
   * their way ignored. Its status, flips and replies stay readable by name
   * ({@link HealthChecker.transitionsOf}, {@link HealthChecker.repliesOf},
   * {@link measureHealthQoS}, which scores it up to its removal), and its name stays taken.
   * Verdict feeds drop it at once: a target whose last check goes is no longer watched (and no
   * longer down).
   *
   * @example
   * ```ts
   * balancer.removeBackend('w3', sim.now);
   * health.removeCheck('w3/readiness');
   * ```
   */
  removeCheck(name: string): void {
    requireString(name, 'name');
    const state = this.stateOf(name);
    if (state.removedMs !== undefined) throw new InvalidArgumentError('name', name, 'a check not already removed');
    state.removedMs = this.sim.now;
    state.inFlight = undefined;
    const index = this.states.indexOf(state);
    const running = this.runningContext();
    running?.cancelTimer(`${PROBE_TIMER}${index}`);
    running?.cancelTimer(`${TIMEOUT_TIMER}${index}`);
    this.announceCheckSet(state.check);
  }

  /**
   * When check `name` ran (see {@link CheckLifetime}): {@link measureHealthQoS} scores a check
   * only inside it.
   *
   * @example
   * ```ts
   * health.lifetimeOf('api/liveness'); // { addedMs: undefined, fromMs: 0, untilMs: undefined }
   * ```
   */
  lifetimeOf(name: string): CheckLifetime {
    const state = this.stateOf(name);
    return { addedMs: state.addedMs, fromMs: Math.max(state.addedMs ?? this.startedAtMs, this.startedAtMs), untilMs: state.removedMs };
  }

  /**
   * @internal Calls `listener` with the target and kind of every check added or removed, after
   * the change: the verdict feeds re-read that target. Returns an unsubscribe function.
   */
  onCheckSetChange(listener: CheckSetListener): () => void {
    this.checkSetListeners.push(listener);
    return () => {
      const position = this.checkSetListeners.indexOf(listener);
      if (position >= 0) this.checkSetListeners.splice(position, 1);
    };
  }

  /** The options of check `name`, with defaults filled in. */
  checkOptions(name: string): Readonly<ResolvedHealthCheck> {
    return this.stateOf(name).check;
  }

  /** The current status of check `name`. */
  status(name: string): HealthStatus {
    return this.stateOf(name).status;
  }

  /** The flips of check `name`, in time order. */
  transitionsOf(name: string): HealthTransition[] {
    this.stateOf(name);
    return this.transitions.filter((transition) => transition.check === name);
  }

  /** Replies to check `name`'s probes as heartbeat arrivals (sequence = probe id), late ones included. */
  repliesOf(name: string): readonly HeartbeatArrival[] {
    return this.stateOf(name).replies;
  }

  /** True time at which the checker started probing: the initial status holds from then. */
  get startedMs(): number {
    return this.startedAtMs;
  }

  /**
   * Calls `listener` on every flip, synchronously, inside the checker's event. Returns a function
   * that unsubscribes it.
   */
  onChange(listener: (transition: HealthTransition) => void): () => void {
    requireFunction(listener, 'listener');
    this.listeners.push(listener);
    return () => {
      const position = this.listeners.indexOf(listener);
      if (position >= 0) this.listeners.splice(position, 1);
    };
  }

  /**
   * Runs these checks inside an existing node, such as the load balancer that routes by them:
   * the returned behaviour is `behaviour` plus the probing. Its own messages, timers and
   * lifecycle handlers run as before; the checker's timers are named `faultline.health.*`. The
   * node's id must be this checker's id. {@link addHealthChecker} does this for a node of its own.
   *
   * @example
   * ```ts
   * const health = createHealthChecker(sim, 'lb', { checks: [{ target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
   * sim.addNode('lb', health.embedIn((ctx) => ({ onMessage(from, request) { if (health.status('api/liveness') === 'healthy') ctx.send('api', request); } })));
   * ```
   */
  embedIn<M = unknown, D = unknown>(behaviour: NodeBehaviour<M, D>): NodeBehaviour<M, D> {
    requireFunction(behaviour, 'behaviour');
    return (ctx) => {
      if (ctx.id !== this.id) throw new InvalidArgumentError('node id', ctx.id, `the checker's id '${this.id}'`);
      const handlers = behaviour(ctx);
      const probing = this.probing(ctx as NodeContext);
      // Inherit from the node's handlers so `sim.node(id).handlers` still shows its state.
      const wrapped = Object.create(handlers) as NodeHandlers<M>;
      wrapped.onStart = () => {
        if (!this.attached) this.startedAtMs = this.sim.now;
        this.attached = true;
        probing.start();
        return handlers.onStart?.call(handlers);
      };
      wrapped.onRecover = () => {
        probing.start();
        return (handlers.onRecover ?? handlers.onStart)?.call(handlers);
      };
      wrapped.onTimer = (name, data) => (probing.takeTimer(name) ? undefined : handlers.onTimer?.call(handlers, name, data));
      wrapped.onMessage = (from, message) => (probing.takeMessage(from, message) ? undefined : handlers.onMessage?.call(handlers, from, message));
      return wrapped;
    };
  }

  /** The probing half of a checker node, for one incarnation. */
  private probing(ctx: NodeContext): { start(): void; takeTimer(name: string): boolean; takeMessage(from: string, message: unknown): boolean } {
    const probe = (index: number): void => {
      const state = this.states[index]!;
      // A removed check's timer may still fire: one held while the checker was paused.
      if (state.removedMs !== undefined) return;
      // Only after a clock jump can a probe still be in flight here: it has had its time.
      if (state.inFlight !== undefined) this.record(ctx, index, 'timeout');
      const probeId = state.nextProbeId++;
      state.inFlight = { probeId, sentLocalMs: ctx.now() };
      state.sent[probeId] = { trueMs: this.sim.now, localMs: ctx.now() };
      ctx.setTimer(state.check.timeoutMs, `${TIMEOUT_TIMER}${index}`);
      ctx.setTimer(state.check.intervalMs, `${PROBE_TIMER}${index}`);
      ctx.send(state.check.target, new HealthProbe(index, probeId, state.check.kind, state.check.request));
    };
    return {
      start: () => {
        for (const state of this.states) {
          // A restarted checker forgets its counts and in-flight probes, not the statuses it published.
          state.successes = 0;
          state.failures = 0;
          state.inFlight = undefined;
        }
        this.probingContext = ctx;
        this.states.forEach((_, index) => probe(index));
      },
      takeTimer: (name) => {
        if (name.startsWith(PROBE_TIMER)) {
          probe(Number(name.slice(PROBE_TIMER.length)));
          return true;
        }
        if (!name.startsWith(TIMEOUT_TIMER)) return false;
        const index = Number(name.slice(TIMEOUT_TIMER.length));
        // A removed check has no probe in flight: removal cleared it.
        if (this.states[index]!.inFlight !== undefined) this.record(ctx, index, 'timeout');
        return true;
      },
      takeMessage: (from, message) => {
        if (!(message instanceof HealthProbeReply)) return false;
        const state = this.states[message.checkIndex];
        // A removed check's replies are past its lifetime: not its records.
        if (state === undefined || from !== state.check.target || state.removedMs !== undefined) return true;
        const sent = state.sent[message.probeId]!;
        state.replies.push({ sequence: message.probeId, sentLocalMs: sent.localMs, sentMs: sent.trueMs, timeMs: this.sim.now, localTimeMs: ctx.now() });
        if (state.inFlight?.probeId !== message.probeId) return true; // late: already counted as a timeout
        const latencyMs = ctx.now() - state.inFlight.sentLocalMs;
        ctx.cancelTimer(`${TIMEOUT_TIMER}${message.checkIndex}`);
        this.record(ctx, message.checkIndex, state.check.isHealthy(message.reply, latencyMs) ? 'ok' : 'rejected');
        return true;
      },
    };
  }

  /** Counts one probe's outcome and flips the status when a threshold is reached. */
  private record(ctx: NodeContext, index: number, outcome: ProbeOutcome): void {
    const state = this.states[index]!;
    state.inFlight = undefined;
    if (outcome === 'ok') {
      state.successes++;
      state.failures = 0;
    } else {
      state.failures++;
      state.successes = 0;
    }
    const flipTo: HealthStatus | undefined =
      state.status === 'unhealthy' && state.successes >= state.check.healthyThreshold ? 'healthy'
      : state.status === 'healthy' && state.failures >= state.check.unhealthyThreshold ? 'unhealthy'
      : undefined;
    if (flipTo === undefined) return;
    const transition: HealthTransition = {
      check: state.check.name, target: state.check.target, kind: state.check.kind,
      from: state.status, to: flipTo, timeMs: this.sim.now, localTimeMs: ctx.now(), reason: outcome,
    };
    state.status = flipTo;
    this.transitions.push(transition);
    for (const listener of [...this.listeners]) listener(transition);
  }

  /** The probing incarnation's context while it may act (outside the checker's own events, `ctx.live` is all it takes). */
  private runningContext(): NodeContext | undefined {
    return this.probingContext?.live === true ? this.probingContext : undefined;
  }

  private announceCheckSet(check: ResolvedHealthCheck): void {
    for (const listener of [...this.checkSetListeners]) listener(check.target, check.kind, this.sim.now);
  }

  private stateOf(name: string): CheckState {
    const state = this.states.find((candidate) => candidate.check.name === name);
    if (state === undefined) throw new InvalidArgumentError('check', name, `one of this checker's checks (${this.states.map((other) => `'${other.check.name}'`).join(', ')})`);
    return state;
  }
}

function newState(check: ResolvedHealthCheck, addedMs: number | undefined): CheckState {
  return { check, status: check.initialStatus, successes: 0, failures: 0, nextProbeId: 0, inFlight: undefined, replies: [], sent: [], addedMs, removedMs: undefined };
}

/**
 * Adds a node `id` to `sim` that runs health checks over the simulated network: its probes
 * travel the links, suffer their latency, loss and cuts, and stop while the checker is crashed
 * or paused. Targets must be built with {@link withHealthEndpoint}. Statuses, flips and
 * listeners live in the returned {@link HealthChecker}, outside the node, so a test or a
 * load balancer can read them at any time.
 * Memory: one small record per probe sent and per reply received (the arrivals
 * {@link measureHealthQoS} reads), like the detector harness's heartbeat arrivals.
 *
 * @example
 * ```ts
 * sim.addNode('api', withHealthEndpoint(() => ({ onCall: () => 'ok' })));
 * const health = addHealthChecker(sim, 'checker', { checks: [
 *   { target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 50 },
 *   { target: 'api', kind: 'readiness', request: 'get', isHealthy: (reply, latencyMs) => latencyMs < 20, intervalMs: 100, timeoutMs: 50 },
 * ] });
 * ```
 */
export function addHealthChecker(sim: Simulation, id: string, options: HealthCheckerOptions): HealthChecker {
  const checker = createHealthChecker(sim, id, options);
  sim.addNode(id, checker.embedIn(() => ({})));
  return checker;
}

/**
 * Builds a {@link HealthChecker} for the node `id` without adding a node: run it inside an
 * existing node's behaviour with {@link HealthChecker.embedIn} (a load balancer probing its own
 * backends).
 *
 * @example
 * ```ts
 * const health = createHealthChecker(sim, 'lb', { checks: [{ target: 'api', kind: 'liveness', intervalMs: 100, timeoutMs: 50 }] });
 * sim.addNode('lb', health.embedIn(loadBalancer));
 * ```
 */
export function createHealthChecker(sim: Simulation, id: string, options: HealthCheckerOptions): HealthChecker {
  requireString(id, 'id');
  return new HealthChecker(id, resolveHealthChecks(options), sim);
}
