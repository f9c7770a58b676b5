import { requireFunction } from '../../validate.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { checkRule, measureRule, type AlertRule, type CheckedRule } from './alert-rule.js';

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

interface RuleState {
  readonly rule: CheckedRule;
  pendingSinceMs: number | undefined;
  firingSinceMs: number | undefined;
}

/**
 * Alert rules over a metrics registry, evaluated after every sample (so at the sampling
 * interval, in simulated time): a rule's condition that holds for `forMs` fires; when it stops
 * holding the alert resolves. Events are kept in `events` and handed to subscribers.
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
  /** Every firing and resolved event so far, in order. */
  readonly events: AlertEvent[] = [];
  private readonly states: RuleState[] = [];
  private readonly listeners: Array<(event: AlertEvent) => void> = [];

  constructor(private readonly registry: MetricsRegistry) {
    registry.onSample((timeMs) => this.evaluate(timeMs));
  }

  /** Adds rules; a rule naming an unknown metric, or malformed, is an `InvalidArgumentError`. */
  add(...rules: AlertRule[]): void {
    const checked = rules.map((rule, index) => checkRule(rule, this.registry, this.states.length + index));
    for (const rule of checked) this.states.push({ rule, pendingSinceMs: undefined, firingSinceMs: undefined });
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
    return this.states.filter((state) => state.firingSinceMs !== undefined).map((state) => state.rule.name);
  }

  private evaluate(timeMs: number): void {
    for (const state of this.states) this.evaluateRule(state, timeMs);
  }

  private evaluateRule(state: RuleState, timeMs: number): void {
    const value = measureRule(state.rule, this.registry, timeMs);
    const holds = state.rule.direction === 'above' ? value > state.rule.threshold : value < state.rule.threshold;
    if (!holds) {
      state.pendingSinceMs = undefined;
      if (state.firingSinceMs !== undefined) this.emit({ rule: state.rule.name, state: 'resolved', timeMs, value, sinceMs: state.firingSinceMs });
      state.firingSinceMs = undefined;
      return;
    }
    state.pendingSinceMs ??= timeMs;
    if (state.firingSinceMs === undefined && timeMs - state.pendingSinceMs >= state.rule.forMs) {
      state.firingSinceMs = timeMs;
      this.emit({ rule: state.rule.name, state: 'firing', timeMs, value, sinceMs: state.pendingSinceMs });
    }
  }

  private emit(event: AlertEvent): void {
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }
}
