import { InvalidArgumentError } from '../../errors.js';
import { RingBuffer } from '../../kernel/ring-buffer.js';
import { rejectUnknownKeys, requireFunction, requireObject, requirePositiveInteger } from '../../validate.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { checkRule, RuleMeter, type AlertRule } from './alert-rule.js';

/**
 * An alert changing state: `firing` once its condition has held for `forMs`, `resolved` when
 * the condition stops holding.
 *
 * @example
 * ```ts
 * alerts.onEvent((event) => console.log(event.timeMs, event.rule, event.state, event.value));
 * ```
 */
export interface AlertEvent {
  /** The rule's name. */
  rule: string;
  /** The new state. */
  state: 'firing' | 'resolved';
  /** True simulated time of the sample at which the state changed. */
  timeMs: number;
  /** The measured value at that sample (NaN if it could not be measured). */
  value: number;
  /** Firing: when the condition started holding (the pending state began). Resolved: when the alert fired. */
  sinceMs: number;
}

/**
 * Where a rule stands, as Prometheus names it: `inactive` (condition false), `pending` (true for
 * less than `forMs`), `firing`.
 *
 * @example
 * ```ts
 * if (alerts.stateOf('QueueBackedUp') === 'pending') console.log('about to fire');
 * ```
 */
export type AlertState = 'inactive' | 'pending' | 'firing';

/**
 * Options of an {@link AlertManager}.
 *
 * @example
 * ```ts
 * const alerts = new AlertManager(sim.metrics, { maxEvents: 1_000 });
 * ```
 */
export interface AlertManagerOptions {
  /** Events kept in `events` (the latest; older ones are discarded and counted). Default 10000. */
  maxEvents?: number;
}

interface RuleState {
  readonly meter: RuleMeter;
  pendingSinceMs: number | undefined;
  firingSinceMs: number | undefined;
}

const MAX_RULES = 1_000;

/**
 * Alert rules over a metrics registry, evaluated after every sample (so at the sampling
 * interval, in simulated time), as Prometheus evaluates them: a rule whose condition holds turns
 * `pending`; still holding `forMs` later it fires; when the condition stops holding a firing
 * alert resolves (a pending one just goes back to `inactive`). Events go to subscribers and to
 * `events`, which keeps the latest `maxEvents` (default 10000; `discardedEvents` counts the
 * rest), so memory stays bounded on a run of any length.
 *
 * @example
 * ```ts
 * const alerts = new AlertManager(sim.metrics);
 * alerts.add({ name: 'QueueBackedUp', metric: 'faultline_inbox_length', above: 20, forMs: 1_000 });
 * sim.run({ until: 30_000 });
 * console.log(alerts.events);
 * ```
 */
export class AlertManager {
  private readonly kept: RingBuffer<AlertEvent>;
  private readonly states: RuleState[] = [];
  private readonly listeners: Array<(event: AlertEvent) => void> = [];

  constructor(private readonly registry: MetricsRegistry, options: AlertManagerOptions = {}) {
    const raw: unknown = options;
    requireObject(raw, 'alert manager options');
    rejectUnknownKeys(raw, 'alert manager options', ['maxEvents']);
    const maxEvents = options.maxEvents ?? 10_000;
    requirePositiveInteger(maxEvents, 'alert manager options.maxEvents', 10_000_000);
    this.kept = new RingBuffer(maxEvents);
    registry.onSample((timeMs) => this.evaluate(timeMs));
  }

  /** The latest firing and resolved events (at most `maxEvents`), oldest first. */
  get events(): AlertEvent[] {
    return this.kept.items();
  }

  /** Events discarded from `events` because more than `maxEvents` happened. */
  get discardedEvents(): number {
    return this.kept.discardedCount;
  }

  /**
   * Adds rules (all or none). A rule naming an unknown metric, a label the metric lacks, a name
   * already used, or malformed in any way is an `InvalidArgumentError` naming the field.
   */
  add(...rules: AlertRule[]): void {
    const names = new Set(this.states.map((state) => state.meter.rule.name));
    const meters = rules.map((rule, offset) => {
      const index = this.states.length + offset;
      const checked = checkRule(rule, this.registry, index);
      if (names.has(checked.name)) throw new InvalidArgumentError(`alert rule ${index}.name`, checked.name, 'a name no other rule of this manager has');
      names.add(checked.name);
      return new RuleMeter(checked, this.registry);
    });
    if (this.states.length + meters.length > MAX_RULES) throw new InvalidArgumentError('alert rules', this.states.length + meters.length, `at most ${MAX_RULES} rules per manager`);
    for (const meter of meters) this.states.push({ meter, pendingSinceMs: undefined, firingSinceMs: undefined });
  }

  /** Calls `listener` on each event. Returns an unsubscribe function. */
  onEvent(listener: (event: AlertEvent) => void): () => void {
    requireFunction(listener, 'alert listener');
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /** Names of the rules firing now. */
  firing(): string[] {
    return this.states.filter((state) => state.firingSinceMs !== undefined).map((state) => state.meter.rule.name);
  }

  /** Where the rule named `name` stands now; an unknown name is an `InvalidArgumentError`. */
  stateOf(name: string): AlertState {
    const state = this.states.find((candidate) => candidate.meter.rule.name === name);
    if (state === undefined) throw new InvalidArgumentError('alert rule name', name, `the name of a rule of this manager (${this.states.map((s) => s.meter.rule.name).join(', ') || 'none yet'})`);
    return state.firingSinceMs !== undefined ? 'firing' : state.pendingSinceMs !== undefined ? 'pending' : 'inactive';
  }

  private evaluate(timeMs: number): void {
    for (const state of this.states) this.evaluateRule(state, timeMs);
  }

  private evaluateRule(state: RuleState, timeMs: number): void {
    const rule = state.meter.rule;
    const value = state.meter.measure(timeMs);
    const holds = rule.direction === 'above' ? value > rule.threshold : value < rule.threshold;
    if (!holds) {
      state.pendingSinceMs = undefined;
      if (state.firingSinceMs !== undefined) this.emit({ rule: rule.name, state: 'resolved', timeMs, value, sinceMs: state.firingSinceMs });
      state.firingSinceMs = undefined;
      return;
    }
    state.pendingSinceMs ??= timeMs;
    if (state.firingSinceMs === undefined && timeMs - state.pendingSinceMs >= rule.forMs) {
      state.firingSinceMs = timeMs;
      this.emit({ rule: rule.name, state: 'firing', timeMs, value, sinceMs: state.pendingSinceMs });
    }
  }

  private emit(event: AlertEvent): void {
    this.kept.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
