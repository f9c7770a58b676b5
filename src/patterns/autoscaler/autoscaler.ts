import { InvalidArgumentError } from '../../errors.js';
import type { Simulation } from '../../simulation.js';
import { requireFunction, requireString } from '../../validate.js';
import type { NodeBehaviour, NodeHandlers } from '../../world/node-context.js';
import { resolveAutoscalerOptions, type AutoscalerOptions, type ResolvedAutoscalerOptions } from './autoscaler-options.js';
import { poolChecksOf } from './pool-health-checks.js';
import { PoolMetricReader } from './pool-metric.js';
import { ScalingPolicy, type ScalingDecision } from './scaling-policy.js';

/**
 * What an autoscaler did: `scale-out` (it launched `nodes`, which boot for `startDelayMs`),
 * `ready` (a launched node started and, with a balancer, joined its rotation), `scale-in` (it
 * took `nodes` out of the balancer and began draining them).
 *
 * @example
 * ```ts
 * autoscaler.events.filter((event: AutoscalerEvent) => event.kind === 'scale-out').map((event) => event.timeMs);
 * ```
 */
export interface AutoscalerEvent {
  /** What happened. */
  kind: 'scale-out' | 'scale-in' | 'ready';
  /** True (simulated) time, in ms. */
  timeMs: number;
  /** The nodes launched, drained or ready. */
  nodes: string[];
  /** Nodes in the pool just after (serving, booting or crashed; draining ones are out). */
  poolSize: number;
  /** For scale-out and scale-in: the metric read, per serving node. */
  metric?: number;
  /** For scale-out and scale-in: the capacity target tracking asked for. */
  desired?: number;
}

/**
 * One evaluation of an autoscaler: the policy's decision, the metric it read, and when.
 *
 * @example
 * ```ts
 * autoscaler.decisions.filter((decision: AutoscalerDecision) => decision.reason === 'cooling down').length;
 * ```
 */
export interface AutoscalerDecision extends ScalingDecision {
  /** True (simulated) time, in ms. */
  timeMs: number;
  /** The metric read, per serving node (NaN for no data). */
  metric: number;
}

const EVALUATE_TIMER = 'faultline.autoscaler.evaluate';
/** Decisions kept: one is made per evaluation, so a long run would otherwise grow the list without bound. */
const MAX_DECISIONS = 10_000;

interface Member {
  id: string;
  /** True time its provisioning delay ends (-Infinity for the starting pool). */
  readyAtMs: number;
  /** Its start handler has run (the starting pool: true). */
  started: boolean;
  /** In the balancer's backends (put there by the user, or by the autoscaler at its start). */
  inBalancer: boolean;
  /** Names of the health checks the autoscaler added for it (none for the starting pool). */
  checks: string[];
  /** A target of the `watch` the autoscaler added (never the starting pool). */
  watched: boolean;
}

/**
 * An autoscaler: every `evaluationIntervalMs` it reads a metric of the pool (through the metrics
 * layer or your reader) and lets a {@link ScalingPolicy} decide; it launches nodes with
 * `sim.addNode(id, behaviour, { startDelayMs })` (they boot, serving nothing, for the
 * provisioning delay; with a balancer they join the rotation when they start) and scales in by
 * taking the newest serving nodes out of the balancer and draining them with
 * `sim.removeNode(id, { graceful: true, drainMs })`, so requests in flight finish. With
 * `healthChecks`, each launched node is health-checked from its start until it is scaled in; with
 * `watch`, a failure-detector watch follows it over the same span.
 *
 * It runs inside its own node (if that node is down, nothing scales). Launching and removing go
 * through `sim.addNode` and `sim.removeNode`: a node cannot create another by messaging it, just
 * as a real controller asks its cloud's API; those calls are the simulation's version of that
 * API. Crashed pool nodes stay in the pool (a supervisor's to restart) and count toward its
 * size, but not its capacity.
 *
 * @example
 * ```ts
 * watchWorld(sim);
 * const autoscaler = addAutoscaler(sim, 'scaler', {
 *   pool: ['w1', 'w2'], behaviour: worker, idPrefix: 'w', nodeOptions: { service: { messagesPerSec: 100 } },
 *   metric: { gauge: worldMetricNames.inboxLength }, targetValue: 4, minSize: 2, maxSize: 8, balancer,
 * });
 * await sim.runAsync({ until: 30_000 });
 * autoscaler.events; // scale-out at ..., ready at ..., scale-in at ...
 * ```
 */
export class Autoscaler {
  /** Everything it did, in time order. */
  readonly events: AutoscalerEvent[] = [];
  /** Its latest decisions (at most 10,000; older ones are dropped), one per evaluation: what the policy said, on what metric, and when. */
  readonly decisions: AutoscalerDecision[] = [];
  private readonly members: Member[];
  private readonly policy: ScalingPolicy;
  private readonly metricReader: PoolMetricReader;
  private readonly listeners: Array<(event: AutoscalerEvent) => void> = [];
  private nextNumber = 1;

  /** @internal Built by {@link addAutoscaler}. */
  constructor(
    /** The autoscaler node's id. */
    readonly id: string,
    private readonly options: ResolvedAutoscalerOptions,
    private readonly sim: Simulation,
  ) {
    this.policy = new ScalingPolicy(options.policy);
    this.metricReader = new PoolMetricReader(sim, options.metric);
    this.members = options.pool.map((member) => ({ id: member, readyAtMs: -Infinity, started: true, inBalancer: options.balancer !== undefined, checks: [], watched: false }));
  }

  /** Ids of the pool's nodes now (serving, booting or crashed), oldest first. */
  pool(): string[] {
    return this.members.map((member) => member.id);
  }

  /** Ids of the pool's nodes that serve now (started and up), oldest first. */
  serving(): string[] {
    return this.members.filter((member) => this.isServing(member)).map((member) => member.id);
  }

  /** Ids of the pool's nodes still inside their provisioning delay. */
  provisioning(): string[] {
    return this.members.filter((member) => this.isProvisioning(member)).map((member) => member.id);
  }

  /** Calls `listener` with each event as it happens. Returns an unsubscribe function. */
  onEvent(listener: (event: AutoscalerEvent) => void): () => void {
    requireFunction(listener, 'listener');
    this.listeners.push(listener);
    return () => {
      const position = this.listeners.indexOf(listener);
      if (position >= 0) this.listeners.splice(position, 1);
    };
  }

  /** @internal The autoscaler node's behaviour: an evaluation timer. */
  behaviour(): NodeBehaviour {
    const intervalMs = this.options.evaluationIntervalMs;
    return (ctx) => ({
      onStart: () => ctx.setTimer(intervalMs, EVALUATE_TIMER),
      onRecover: () => ctx.setTimer(intervalMs, EVALUATE_TIMER),
      onTimer: () => {
        ctx.setTimer(intervalMs, EVALUATE_TIMER);
        this.evaluate();
      },
    });
  }

  private evaluate(): void {
    const serving = this.serving();
    const metric = this.metricReader.read(serving);
    const reading = { metric, serving: serving.length, provisioning: this.provisioning().length, members: this.members.length };
    const decision = this.policy.decide(this.sim.now, reading);
    if (this.decisions.length >= MAX_DECISIONS) this.decisions.splice(0, this.decisions.length - MAX_DECISIONS + 1);
    this.decisions.push({ ...decision, timeMs: this.sim.now, metric });
    if (decision.action === 'out') this.scaleOut(decision, metric);
    else if (decision.action === 'in') this.scaleIn(decision, metric);
  }

  private scaleOut(decision: ScalingDecision, metric: number): void {
    const { behaviour, nodeOptions, startDelayMs } = this.options;
    const launched: string[] = [];
    for (let count = 0; count < decision.count; count++) {
      const member: Member = { id: this.freshId(), readyAtMs: this.sim.now + startDelayMs, started: false, inBalancer: false, checks: [], watched: false };
      this.members.push(member);
      this.sim.addNode(member.id, this.tracking(member, behaviour), { ...nodeOptions, startDelayMs });
      launched.push(member.id);
    }
    this.emit({ kind: 'scale-out', timeMs: this.sim.now, nodes: launched, poolSize: this.members.length, metric, desired: decision.desired });
  }

  /** The newest serving nodes leave the balancer, then drain. */
  private scaleIn(decision: ScalingDecision, metric: number): void {
    const victims = this.members.filter((member) => this.isServing(member)).slice(-decision.count).reverse();
    for (const victim of victims) {
      this.members.splice(this.members.indexOf(victim), 1);
      if (victim.inBalancer) this.options.balancer!.removeBackend(victim.id, this.sim.now);
      for (const check of victim.checks) this.options.healthChecks!.checker.removeCheck(check);
      if (victim.watched) this.options.watch!.removeTarget(victim.id);
      this.sim.removeNode(victim.id, { graceful: true, drainMs: this.options.drainMs });
    }
    this.emit({ kind: 'scale-in', timeMs: this.sim.now, nodes: victims.map((victim) => victim.id), poolSize: this.members.length, metric, desired: decision.desired });
  }

  /** The launched behaviour, telling the autoscaler when the node first starts (or recovers, if it crashed while booting). */
  private tracking(member: Member, behaviour: NodeBehaviour): NodeBehaviour {
    return (ctx) => {
      const handlers = behaviour(ctx);
      const wrapped = Object.create(handlers) as NodeHandlers;
      wrapped.onStart = () => {
        this.noteStarted(member);
        return handlers.onStart?.call(handlers);
      };
      if (handlers.onRecover !== undefined) {
        wrapped.onRecover = () => {
          this.noteStarted(member);
          return handlers.onRecover!.call(handlers);
        };
      }
      return wrapped;
    };
  }

  private noteStarted(member: Member): void {
    if (member.started || !this.members.includes(member)) return;
    member.started = true;
    const healthChecks = this.options.healthChecks;
    // Checks and watch first: the balancer reads their verdicts as the node joins (a readiness check holds it out until it passes).
    if (healthChecks !== undefined) member.checks = poolChecksOf(member.id, healthChecks.checks).map((check) => healthChecks.checker.addCheck(check));
    if (this.options.watch !== undefined) {
      this.options.watch.addTarget(member.id);
      member.watched = true;
    }
    const balancer = this.options.balancer;
    if (balancer !== undefined) {
      balancer.addBackend(member.id, this.sim.now);
      member.inBalancer = true;
    }
    this.emit({ kind: 'ready', timeMs: this.sim.now, nodes: [member.id], poolSize: this.members.length });
  }

  private isServing(member: Member): boolean {
    return member.started && this.sim.isUp(member.id);
  }

  private isProvisioning(member: Member): boolean {
    return !member.started && this.sim.now <= member.readyAtMs;
  }

  private freshId(): string {
    const taken = this.sim.nodeIds();
    let id = `${this.options.idPrefix}${this.nextNumber++}`;
    while (taken.includes(id)) id = `${this.options.idPrefix}${this.nextNumber++}`;
    return id;
  }

  private emit(event: AutoscalerEvent): void {
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }
}

/**
 * Adds the node `id` running an {@link Autoscaler} over an existing pool. Options are validated
 * here, with typed errors naming the field.
 *
 * @example
 * ```ts
 * const balancer = addLoadBalancer(sim, 'lb', { backends: ['w1', 'w2'], policy: 'least-outstanding', timeoutMs: 500 });
 * const autoscaler = addAutoscaler(sim, 'scaler', {
 *   pool: ['w1', 'w2'], behaviour: worker, idPrefix: 'w', metric: { gauge: 'faultline_inbox_length' },
 *   targetValue: 4, minSize: 2, maxSize: 8, startDelayMs: 2_000, scaleInCooldownMs: 10_000, balancer,
 * });
 * ```
 */
export function addAutoscaler(sim: Simulation, id: string, options: AutoscalerOptions): Autoscaler {
  requireString(id, 'id');
  if (sim.nodeIds().includes(id)) throw new InvalidArgumentError('id', id, 'an id no node has yet (the autoscaler runs in a node of its own)');
  const autoscaler = new Autoscaler(id, resolveAutoscalerOptions(sim, id, options), sim);
  sim.addNode(id, autoscaler.behaviour());
  return autoscaler;
}
