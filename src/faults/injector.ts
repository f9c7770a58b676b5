import { BudgetExceededError, FaultConflictError, HandlerError, InvalidArgumentError, InvalidStateError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireObject, requirePositive, requireString } from '../validate.js';
import { findBudgetViolation, validateBudget, type FaultBudget } from './budget.js';
import type { FailureModel, FaultWorld } from './failure-model.js';
import type { Fault, FaultLogEntry, FaultSchedule } from './fault.js';
import { deepFreeze, plainCopy } from '../plain-data.js';
import { EventLoop } from '../kernel/event-loop.js';

/**
 * Options of `sim.inject`.
 *
 * @example
 * ```ts
 * sim.inject(schedule, { budget: { maxNodesDown: 2 } });
 * ```
 */
export interface InjectOptions {
  /** Reject the schedule if, together with faults already injected, it breaks this budget. */
  budget?: FaultBudget;
}

interface TrackedFault {
  readonly id: number;
  readonly fault: Readonly<Fault>;
  readonly model: FailureModel;
  readonly label: string;
  handle: number;
  applied: unknown;
  state: 'pending' | 'active';
}

/** Reports applied and reverted faults to the world (trace, hash, ground truth). */
export type FaultObserver = (entry: FaultLogEntry) => void;

/**
 * A fault starting or ending, as `sim.onFault` listeners see it: after the world changed (a
 * crashed node is already down, a healed link already open), at the simulated instant.
 *
 * @example
 * ```ts
 * const event: FaultEvent = { phase: 'start', faultId: 1, atMs: 250, fault: { kind: 'crash', atMs: 250, target: 'n2' } };
 * ```
 */
export interface FaultEvent {
  /** `start` when the fault was applied, `end` when it was reverted (by its duration, a verb, or the heal). */
  phase: 'start' | 'end';
  /** The fault record (verbs give the same record a schedule would). */
  fault: Readonly<Fault>;
  /** Identifies the fault across its start and end. */
  faultId: number;
  /** True time of the change, in ms. */
  atMs: number;
}

/**
 * Code under test told of each fault as it starts and ends (see `sim.onFault`).
 *
 * @example
 * ```ts
 * const listener: FaultListener = (event) => { if (event.phase === 'start' && event.fault.kind === 'crash') console.log(event.fault.target, 'down'); };
 * ```
 */
export type FaultListener = (event: FaultEvent) => void;

const FAULT_KEYS = ['kind', 'atMs', 'durationMs', 'target', 'params'];

/**
 * Validates fault schedules, schedules their application and reversal on the event loop, keeps
 * the ground-truth fault log, and answers the verbs (`crash`, `heal`, …) with the same records a
 * schedule would make. Internal to {@link Simulation}; reached through its methods.
 */
export class FaultInjector {
  /** Every applied and reverted fault, in order, with true times. */
  readonly log: FaultLogEntry[] = [];
  /** By kind. Shared with other simulations built from the same models until `register` copies it. */
  private models: ReadonlyMap<string, FailureModel>;
  private modelsShared = true;
  private readonly tracked = new Map<number, TrackedFault>();
  private readonly world: FaultWorld;
  private readonly observe: FaultObserver;
  private nextId = 1;
  private stoppedAtMs = Infinity;
  private listeners: FaultListener[] = [];

  constructor(world: FaultWorld, models: readonly FailureModel[], observe: FaultObserver) {
    this.world = world;
    this.observe = observe;
    this.models = sharedRegistry(models);
  }

  /** Adds a failure model; its kind must be new. */
  register(model: FailureModel): void {
    checkModel(model, this.models);
    const models = this.modelsShared ? new Map(this.models) : (this.models as Map<string, FailureModel>);
    models.set(model.kind, model);
    this.models = models;
    this.modelsShared = false;
  }

  /**
   * Calls `listener` at each fault's start and end from now on, in subscription order, after the
   * trace has recorded it. Returns a function that unsubscribes it.
   */
  subscribe(listener: FaultListener): () => void {
    // A fresh array per change: a listener that unsubscribes during a notification does not
    // shift the one being walked.
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  /** The registered kinds. */
  kinds(): string[] {
    return [...this.models.keys()];
  }

  /** Validates the whole schedule, then schedules every fault. Returns their ids. */
  inject(schedule: FaultSchedule, options: InjectOptions = {}): number[] {
    const raw: unknown = options;
    requireObject(raw, 'options');
    rejectUnknownKeys(raw, 'options', ['budget']);
    if (!Array.isArray(schedule)) throw new InvalidArgumentError('schedule', schedule, 'an array of faults');
    const faults = schedule.map((fault, index) => this.validated(fault, `schedule[${index}]`));
    this.checkConflicts(faults);
    if (options.budget !== undefined) this.checkBudget(faults, validateBudget(options.budget, 'options.budget'));
    return faults.map(({ fault, model, label }) => this.track(fault, model, label));
  }

  /** Applies one fault now (the verbs use this), after the same validation a schedule gets. */
  applyNow(fault: Fault, label: string): number {
    const checked = this.validated({ ...fault, atMs: this.world.now }, label);
    this.checkConflicts([checked]);
    const id = this.track(checked.fault, checked.model, label);
    return id;
  }

  /**
   * Reverts (now) every active fault that `matches`; with `includePending`, also forgets faults
   * that have not started. Returns how many ended.
   */
  endWhere(matches: (fault: Readonly<Fault>) => boolean, includePending = false): number {
    let ended = 0;
    for (const tracked of [...this.tracked.values()]) {
      // A fault listener may have ended it already, by a verb, while an earlier one ended.
      if (!this.tracked.has(tracked.id) || !matches(tracked.fault)) continue;
      if (tracked.state === 'pending' && !includePending) continue;
      this.world.cancel(tracked.handle);
      if (tracked.state === 'active') this.revert(tracked);
      else this.tracked.delete(tracked.id);
      ended++;
    }
    return ended;
  }

  /** Faults applied and not yet reverted, oldest first. */
  activeFaults(): Array<Readonly<Fault>> {
    return [...this.tracked.values()].filter((tracked) => tracked.state === 'active').map((tracked) => tracked.fault);
  }

  /**
   * From `atMs` on: no fault starts, and every active fault ends at `atMs` (crashed nodes restart,
   * partitions heal, paused nodes resume). Permanent faults (clock jumps) stay as they are.
   */
  livenessPhase(atMs: number): void {
    requireStartTime(atMs, this.world.now, 'atMs');
    this.stoppedAtMs = Math.min(this.stoppedAtMs, atMs);
    this.world.schedule(atMs - this.world.now, () => this.endWhere(() => true, true));
  }

  /** The fault checked and frozen, with its model; `field` names it in errors and becomes its label. */
  private validated(fault: unknown, field: string): { fault: Readonly<Fault>; model: FailureModel; label: string } {
    requireObject(fault, field);
    rejectUnknownKeys(fault, field, FAULT_KEYS);
    const kind = fault['kind'];
    const model = typeof kind === 'string' ? this.models.get(kind) : undefined;
    if (model === undefined) {
      throw new InvalidArgumentError(`${field}.kind`, kind, `a registered failure model (${this.kinds().join(', ')})`);
    }
    requireStartTime(fault['atMs'], this.world.now, `${field}.atMs`);
    if (fault['atMs'] >= this.stoppedAtMs) throw new InvalidStateError(`${field} starts at ${fault['atMs']}ms, after the liveness phase began at ${this.stoppedAtMs}ms`);
    this.checkDuration(fault, model, field);
    const copy = plainCopy(fault, field) as Fault;
    model.validate(copy, this.world, field);
    return { fault: deepFreeze(copy), model, label: field };
  }

  private checkDuration(fault: Record<string, unknown>, model: FailureModel, field: string): void {
    const durationMs = fault['durationMs'];
    if (durationMs === undefined) {
      if (model.requiresDuration === true) throw new InvalidArgumentError(`${field}.durationMs`, durationMs, `a duration in ms (a '${model.kind}' fault needs one)`);
      return;
    }
    requirePositive(durationMs, `${field}.durationMs`);
    // The end is an event too: it may not fall past the kernel's last instant.
    const latestMs = EventLoop.maxSimulatedTimeMs - (fault['atMs'] as number);
    if (durationMs > latestMs) throw new InvalidArgumentError(`${field}.durationMs`, durationMs, `a duration in (0, ${latestMs}] ms, so the fault ends by EventLoop.maxSimulatedTimeMs`);
    if (model.revert === undefined) throw new InvalidArgumentError(`${field}.durationMs`, durationMs, `absent (a '${model.kind}' fault is permanent)`);
  }

  private checkConflicts(faults: ReadonlyArray<{ fault: Readonly<Fault>; model: FailureModel; label: string }>): void {
    const claims = new Map<string, Array<{ label: string; startMs: number; endMs: number }>>();
    const claim = (key: string, label: string, fault: Readonly<Fault>): void => {
      const startMs = fault.atMs;
      const endMs = fault.durationMs === undefined ? Infinity : fault.atMs + fault.durationMs;
      const earlier = claims.get(key) ?? [];
      const clash = earlier.find((other) => other.startMs < endMs && startMs < other.endMs);
      if (clash !== undefined) {
        throw new FaultConflictError(`${label} (${fault.kind}) overlaps ${clash.label} on '${key}' between ${Math.max(startMs, clash.startMs)}ms and ${Math.min(endMs, clash.endMs)}ms; overlapping faults of this kind on one target are ambiguous`);
      }
      claims.set(key, [...earlier, { label, startMs, endMs }]);
    };
    for (const tracked of this.tracked.values()) for (const key of tracked.model.conflictKeys?.(tracked.fault, this.world) ?? []) claim(key, `${tracked.label} (already injected)`, tracked.fault);
    for (const { fault, model, label } of faults) {
      for (const key of model.conflictKeys?.(fault, this.world) ?? []) claim(key, label, fault);
    }
  }

  private checkBudget(faults: ReadonlyArray<{ fault: Readonly<Fault>; model: FailureModel; label: string }>, budget: FaultBudget): void {
    const earlier = [...this.tracked.values()].map(({ fault, model, label }) => ({ fault, model, label: `${label} (already injected)` }));
    const all = [...earlier, ...faults];
    const violation = findBudgetViolation(all, this.world, budget);
    if (violation !== undefined) throw new BudgetExceededError(violation.timeMs, `${all[violation.faultIndex]!.label} (${all[violation.faultIndex]!.fault.kind}) ${violation.reason}`);
  }

  private track(fault: Readonly<Fault>, model: FailureModel, label: string): number {
    const id = this.nextId++;
    const tracked: TrackedFault = { id, fault, model, label, handle: -1, applied: undefined, state: 'pending' };
    this.tracked.set(id, tracked);
    if (fault.atMs === this.world.now) this.apply(tracked);
    else tracked.handle = this.world.schedule(fault.atMs - this.world.now, () => this.apply(tracked));
    return id;
  }

  private apply(tracked: TrackedFault): void {
    if (tracked.fault.atMs >= this.stoppedAtMs) {
      this.tracked.delete(tracked.id);
      return;
    }
    this.endFaultsDueBy(this.world.now);
    let applied: unknown;
    try {
      applied = tracked.model.apply(tracked.fault, this.world, tracked.id);
    } catch (error) {
      // A fault that did not apply is not in force: nothing to revert later.
      this.tracked.delete(tracked.id);
      throw error;
    }
    tracked.state = 'active';
    tracked.applied = applied;
    this.record(tracked, 'apply');
    if (tracked.model.revert === undefined) {
      this.tracked.delete(tracked.id);
      return;
    }
    if (tracked.fault.durationMs !== undefined) tracked.handle = this.world.schedule(tracked.fault.durationMs, () => this.revert(tracked));
  }

  /**
   * A fault that ends at the instant another starts must end first (back-to-back crashes of one
   * node, a drift change followed by another): its revert event was scheduled later than the new
   * fault's apply event, so it is brought forward here.
   */
  private endFaultsDueBy(timeMs: number): void {
    for (const other of [...this.tracked.values()]) {
      if (!this.tracked.has(other.id) || other.state !== 'active' || other.fault.durationMs === undefined) continue;
      if (other.fault.atMs + other.fault.durationMs > timeMs) continue;
      this.world.cancel(other.handle);
      this.revert(other);
    }
  }

  private revert(tracked: TrackedFault): void {
    this.tracked.delete(tracked.id);
    tracked.model.revert!(tracked.fault, this.world, tracked.id, tracked.applied);
    this.record(tracked, 'revert');
  }

  private record(tracked: TrackedFault, phase: 'apply' | 'revert'): void {
    const entry: FaultLogEntry = { timeMs: this.world.now, phase, faultId: tracked.id, fault: tracked.fault };
    const nodes = tracked.model.affectedNodes?.(tracked.fault, tracked.applied);
    if (nodes !== undefined) entry.nodes = Object.freeze([...nodes]);
    this.log.push(entry);
    this.observe(entry);
    if (this.listeners.length > 0) this.notify(entry);
  }

  private notify(entry: FaultLogEntry): void {
    const event: FaultEvent = { phase: entry.phase === 'apply' ? 'start' : 'end', fault: entry.fault, faultId: entry.faultId, atMs: entry.timeMs };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        if (error instanceof HandlerError) throw error;
        const target = entry.fault.target === undefined ? '' : ` '${entry.fault.target}'`;
        throw new HandlerError(undefined, `sim.onFault listener, at the ${event.phase} of fault ${entry.faultId} (${entry.fault.kind}${target})`, entry.timeMs, error);
      }
    }
  }
}

/** Throws unless `model` is a failure model whose kind is not in `registered`. */
function checkModel(model: FailureModel, registered: ReadonlyMap<string, FailureModel>): void {
  requireObject(model as unknown, 'model');
  requireString(model.kind, 'model.kind');
  for (const method of ['validate', 'apply'] as const) {
    if (typeof model[method] !== 'function') throw new InvalidArgumentError(`model.${method}`, model[method], 'a function');
  }
  if (registered.has(model.kind)) throw new InvalidArgumentError('model.kind', model.kind, 'a kind not registered yet');
}

/** A registry built from a list of models, with what it was built from (lists can be changed later). */
interface SharedRegistry {
  readonly models: readonly FailureModel[];
  readonly kinds: readonly string[];
  readonly byKind: ReadonlyMap<string, FailureModel>;
}

const sharedRegistries = new WeakMap<readonly FailureModel[], SharedRegistry>();

/**
 * The registry of `models`, built and checked once per list rather than once per simulation
 * (every simulation registers the built-in models). It is rebuilt if the list, or the kind or
 * methods of a model in it, changed since, so the result is always what registering the list
 * now would give.
 */
function sharedRegistry(models: readonly FailureModel[]): ReadonlyMap<string, FailureModel> {
  const cached = sharedRegistries.get(models);
  if (cached !== undefined && stillDescribes(cached, models)) return cached.byKind;
  const byKind = new Map<string, FailureModel>();
  for (const model of models) {
    checkModel(model, byKind);
    byKind.set(model.kind, model);
  }
  sharedRegistries.set(models, { models: [...models], kinds: models.map((model) => model.kind), byKind });
  return byKind;
}

function stillDescribes(registry: SharedRegistry, models: readonly FailureModel[]): boolean {
  if (registry.models.length !== models.length) return false;
  for (let index = 0; index < models.length; index++) {
    const model = models[index]!;
    if (model !== registry.models[index] || model.kind !== registry.kinds[index]) return false;
    if (model !== registry.byKind.get(model.kind) || typeof model.validate !== 'function' || typeof model.apply !== 'function') return false;
  }
  return true;
}

/** A fault's start: from now to the kernel's last instant. */
function requireStartTime(atMs: unknown, nowMs: number, field: string): asserts atMs is number {
  // The message is built only for an error: every fault of every case passes through here.
  if (typeof atMs === 'number' && atMs >= nowMs && atMs <= EventLoop.maxSimulatedTimeMs) return;
  const expected = `a finite time from now (${nowMs}ms) to ${EventLoop.maxSimulatedTimeMs}ms (EventLoop.maxSimulatedTimeMs)`;
  requireFinite(atMs, field, expected);
  throw new InvalidArgumentError(field, atMs, expected);
}
