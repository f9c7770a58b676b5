import type { Fault } from './faults/fault.js';

/**
 * Every error faultline throws on purpose is a {@link FaultlineError} with a stable `code`, so
 * callers can branch on `error.code` without parsing messages.
 *
 * @example
 * ```ts
 * try {
 *   sim.run({ until: Number.NaN });
 * } catch (error) {
 *   if (error instanceof FaultlineError) console.log(error.code); // 'INVALID_ARGUMENT'
 * }
 * ```
 */
export class FaultlineError extends Error {
  /** A stable, machine-readable identifier of the kind of failure. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A configuration value or argument is out of its accepted range or of the wrong type.
 * Carries the field path, the offending value and the accepted range.
 *
 * @example
 * ```ts
 * new Simulation({ seed: 1, maxEvents: -5 }); // throws InvalidArgumentError, field 'maxEvents'
 * ```
 */
export class InvalidArgumentError extends FaultlineError {
  /** Path of the offending field, e.g. `network.link.lossProbability`. */
  readonly field: string;
  /** The value that was given. */
  readonly value: unknown;
  /** Human-readable description of what is accepted, e.g. `a number in [0, 1]`. */
  readonly expected: string;

  constructor(field: string, value: unknown, expected: string) {
    super('INVALID_ARGUMENT', `${field} must be ${expected}; got ${describeValue(value)}`);
    this.field = field;
    this.value = value;
    this.expected = expected;
  }
}

/**
 * A node id was used that no node in the simulation has.
 *
 * @example
 * ```ts
 * sim.crash('ghost'); // throws UnknownNodeError: unknown node 'ghost' (known: a, b, c)
 * ```
 */
export class UnknownNodeError extends FaultlineError {
  /** The id that was not found. */
  readonly nodeId: string;

  constructor(field: string, nodeId: unknown, knownIds: readonly string[]) {
    const known = knownIds.length === 0 ? 'no nodes exist yet' : `known: ${summariseIds(knownIds)}`;
    super('UNKNOWN_NODE', `${field}: unknown node ${describeValue(nodeId)} (${known})`);
    this.nodeId = String(nodeId);
  }
}

/**
 * Two nodes were given the same id.
 *
 * @example
 * ```ts
 * sim.addNode('a', behaviour);
 * sim.addNode('a', behaviour); // throws DuplicateNodeError
 * ```
 */
export class DuplicateNodeError extends FaultlineError {
  /** The id that is already taken. */
  readonly nodeId: string;

  constructor(nodeId: string) {
    super('DUPLICATE_NODE', `node id '${nodeId}' is already used by another node; ids must be unique`);
    this.nodeId = nodeId;
  }
}

/**
 * A run went past one of the simulation's bounds (`maxEvents`, `maxTimeMs`, `maxPendingEvents`
 * or `maxEventsPerInstant`). The message names the bound and how to raise it; for
 * `maxEventsPerInstant` it also names the event that tripped it, usually one that keeps
 * re-arming itself at delay 0 so that time never advances.
 *
 * @example
 * ```ts
 * try { sim.runUntilQuiet(); } catch (e) {
 *   if (e instanceof LimitExceededError && e.limit === 'maxEvents') console.log('never went quiet');
 *   if (e instanceof LimitExceededError && e.limit === 'maxEventsPerInstant') console.log('zero-delay loop on', e.nodeId, e.event);
 * }
 * ```
 */
export class LimitExceededError extends FaultlineError {
  /** Which bound was hit. */
  readonly limit: 'maxEvents' | 'maxTimeMs' | 'maxPendingEvents' | 'maxEventsPerInstant';
  /** The bound's value. */
  readonly bound: number;
  /** Simulated time when the run stopped. */
  readonly timeMs: number;
  /** Node of the event that tripped the bound, when the bound is about one event and it has a node. */
  readonly nodeId: string | undefined;
  /** The event that tripped the bound, when the bound is about one event (`maxEventsPerInstant`). */
  readonly event: string | undefined;

  constructor(
    limit: 'maxEvents' | 'maxTimeMs' | 'maxPendingEvents' | 'maxEventsPerInstant',
    bound: number,
    timeMs: number,
    howToRaise: string,
    culprit?: { nodeId?: string | undefined; event: string },
  ) {
    const by = culprit === undefined ? '' : ` by ${culprit.nodeId === undefined ? '' : `node '${culprit.nodeId}' `}${culprit.event}`;
    super('LIMIT_EXCEEDED', `run stopped at t=${timeMs}ms: ${limit} (${bound}) exceeded${by}; ${howToRaise}`);
    this.limit = limit;
    this.bound = bound;
    this.timeMs = timeMs;
    this.nodeId = culprit?.nodeId;
    this.event = culprit?.event;
  }
}

/**
 * A node's handler (or async process) threw. The original error is kept as `cause`; the message
 * names the node, the event and the simulated time.
 *
 * @example
 * ```ts
 * try { sim.run({ until: 1000 }); } catch (e) {
 *   if (e instanceof HandlerError) console.log(e.nodeId, e.event, e.timeMs, e.cause);
 * }
 * ```
 */
export class HandlerError extends FaultlineError {
  /** Node whose handler threw, or `undefined` for a plain scheduled callback. */
  readonly nodeId: string | undefined;
  /** Description of the event being handled, e.g. `onMessage from 'b'`. */
  readonly event: string;
  /** Simulated (true) time of the event. */
  readonly timeMs: number;

  constructor(nodeId: string | undefined, event: string, timeMs: number, cause: unknown) {
    const where = nodeId === undefined ? '' : `node '${nodeId}' `;
    super('HANDLER_FAILED', `${where}${event} threw at t=${timeMs}ms: ${causeMessage(cause)}`, { cause });
    this.nodeId = nodeId;
    this.event = event;
    this.timeMs = timeMs;
  }
}

/**
 * An operation was called in a state that does not allow it: crashing a node that is already
 * down, running a simulation from inside one of its own handlers, and the like.
 *
 * @example
 * ```ts
 * sim.crash('a');
 * sim.crash('a'); // throws InvalidStateError: node 'a' is already crashed
 * ```
 */
export class InvalidStateError extends FaultlineError {
  constructor(message: string) {
    super('INVALID_STATE', message);
  }
}

/**
 * Async node code (`ctx.sleep`, `ctx.receive`, `ctx.call`, or a handler returning a Promise) ran
 * under the synchronous `run()`. Async code needs `await sim.runAsync()` so the simulation can
 * let each continuation finish before it moves time forward.
 *
 * @example
 * ```ts
 * await sim.runAsync({ until: 5_000 }); // instead of sim.run(...)
 * ```
 */
export class AsyncRunRequiredError extends FaultlineError {
  constructor(what: string) {
    super('ASYNC_RUN_REQUIRED', `${what} needs the async runner: use \`await sim.runAsync(...)\` instead of \`sim.run(...)\``);
  }
}

/**
 * `await ctx.call(...)` got no reply within its `timeoutMs` (on the caller's local clock).
 * This is a normal outcome under faults; catch it in node code.
 *
 * @example
 * ```ts
 * try { await ctx.call('b', { get: 'x' }, { timeoutMs: 100 }); }
 * catch (e) { if (e instanceof CallTimeoutError) ctx.log('b did not answer'); }
 * ```
 */
export class CallTimeoutError extends FaultlineError {
  /** The node that was called. */
  readonly to: string;
  /** The timeout that expired, in local milliseconds. */
  readonly timeoutMs: number;

  constructor(to: string, timeoutMs: number) {
    super('CALL_TIMEOUT', `call to '${to}' got no reply within ${timeoutMs}ms`);
    this.to = to;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * `await ctx.receive(...)` with a `timeoutMs` got no matching message in time.
 *
 * @example
 * ```ts
 * try { await ctx.receive((m) => m.type === 'ack', { timeoutMs: 50 }); }
 * catch (e) { if (e instanceof ReceiveTimeoutError) retry(); }
 * ```
 */
export class ReceiveTimeoutError extends FaultlineError {
  /** The timeout that expired, in local milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('RECEIVE_TIMEOUT', `no matching message arrived within ${timeoutMs}ms`);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Two faults in a schedule overlap in time on the same thing in a way that has no single meaning
 * (two crashes of one node, two byzantine adversaries on one node, …).
 *
 * @example
 * ```ts
 * sim.inject([
 *   { kind: 'crash', atMs: 0, durationMs: 100, target: 'a' },
 *   { kind: 'crash', atMs: 50, durationMs: 100, target: 'a' },
 * ]); // throws FaultConflictError naming schedule[1] and schedule[0]
 * ```
 */
export class FaultConflictError extends FaultlineError {
  constructor(message: string) {
    super('FAULT_CONFLICT', message);
  }
}

/**
 * A schedule breaks its budget (e.g. more nodes down at once than allowed).
 *
 * @example
 * ```ts
 * sim.inject(schedule, { budget: { maxNodesDown: 1 } }); // throws BudgetExceededError at the first moment two are down
 * ```
 */
export class BudgetExceededError extends FaultlineError {
  /** True time at which the budget is first broken. */
  readonly timeMs: number;

  constructor(timeMs: number, reason: string) {
    super('BUDGET_EXCEEDED', `the schedule breaks its budget at t=${timeMs}ms: ${reason}`);
    this.timeMs = timeMs;
  }
}

/**
 * A node's `ctx.persist` failed because of an injected disk fault; the durable state is
 * unchanged. Node code sees this and may retry or give up.
 *
 * @example
 * ```ts
 * try { ctx.persist((s) => { s.term++; }); }
 * catch (e) { if (e instanceof DiskError) ctx.log(`write failed: ${e.code}`); }
 * ```
 */
export class DiskError extends FaultlineError {
  constructor(code: 'DISK_WRITE_FAILED' | 'DISK_FULL', nodeId: string) {
    super(code, code === 'DISK_FULL' ? `disk of node '${nodeId}' is full: the write was not made` : `disk write on node '${nodeId}' failed: the write was not made`);
  }
}

/** Characters of a value shown in a message: enough to recognise it, never the whole of a huge one. */
const PREVIEW_CHARS = 80;
/** Values (nested objects and arrays counted too) an object may hold to be shown as JSON. */
const PREVIEW_VALUES = 64;

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > PREVIEW_CHARS ? `'${value.slice(0, PREVIEW_CHARS - 3)}...' (${value.length} characters)` : `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object (${previewOf(value as object)})`;
}

/** JSON of a small object; the first keys of a large one (a message must not cost what the value does). */
function previewOf(value: object): string {
  try {
    const text = isSmall(value, { remaining: PREVIEW_VALUES }) ? (JSON.stringify(value) ?? 'unserialisable') : firstKeys(value);
    return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 3)}...` : text;
  } catch {
    return 'unserialisable';
  }
}

function isSmall(value: unknown, budget: { remaining: number }): boolean {
  if (--budget.remaining < 0) return false;
  if (typeof value === 'string') return value.length <= PREVIEW_CHARS;
  if (typeof value !== 'object' || value === null) return true;
  for (const key in value) if (!isSmall((value as Record<string, unknown>)[key], budget)) return false;
  return true;
}

function firstKeys(value: object): string {
  const keys: string[] = [];
  let length = 0;
  for (const key in value) {
    keys.push(JSON.stringify(key.length > PREVIEW_CHARS ? `${key.slice(0, PREVIEW_CHARS)}...` : key));
    length += key.length;
    if (length > PREVIEW_CHARS) break;
  }
  return `{${keys.join(',')}, ...}`;
}

function summariseIds(ids: readonly string[]): string {
  const shown = ids.slice(0, 8).join(', ');
  return ids.length > 8 ? `${shown}, … ${ids.length - 8} more` : shown;
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return describeValue(cause);
}

/**
 * A property of a simulated cluster failed: a safety invariant was broken, or a liveness
 * requirement did not hold in time. The message is the whole report (seed, minimal fault
 * schedule, evidence, last events, replay line); the fields carry the same as data.
 *
 * @example
 * ```ts
 * try { checkCluster(scenario, { seed: 7, faults }); }
 * catch (e) { if (e instanceof PropertyViolationError) console.log(e.property, e.replay); }
 * ```
 */
export class PropertyViolationError extends FaultlineError {
  /** Name of the invariant or liveness requirement that failed. */
  readonly property: string;
  /** Simulated time of the failure, in ms. */
  readonly timeMs: number;
  /** What the invariant reported, if anything. */
  readonly evidence: string | undefined;
  /** A line of code that reruns exactly this case. */
  readonly replay: string;

  constructor(kind: 'safety' | 'liveness', details: { property: string; timeMs: number; evidence: string | undefined; replay: string }, report: string) {
    super(kind === 'safety' ? 'INVARIANT_VIOLATED' : 'LIVENESS_VIOLATED', report);
    this.property = details.property;
    this.timeMs = details.timeMs;
    this.evidence = details.evidence;
    this.replay = details.replay;
  }
}

/**
 * An invariant or liveness condition itself threw (or returned something other than a boolean
 * or a string): a bug in the check, not a finding about the cluster.
 *
 * @example
 * ```ts
 * // invariants: [{ name: 'one leader', check: (system) => system.nodes.filter((n) => n.leader).length <= 1 }]
 * // if `system.nodes` is undefined, checkCluster throws InvariantError naming 'one leader'
 * ```
 */
export class InvariantError extends FaultlineError {
  /** Name of the invariant that misbehaved. */
  readonly property: string;

  constructor(property: string, timeMs: number, problem: string, cause?: unknown) {
    super('INVARIANT_THREW', `invariant '${property}' ${problem} at t=${timeMs}ms; an invariant must return true when it holds, or false or a string of evidence when it does not`, { cause });
    this.property = property;
  }
}

/**
 * Two runs of the same case diverged: the code under test is not deterministic (it used
 * `Math.random`, `Date.now`, timers of the host, or iteration whose order is not fixed).
 *
 * @example
 * ```ts
 * checkCluster(scenario, { seed: 1, faults: [] }, { selfCheck: true }); // throws NondeterminismError at the first diverging event
 * ```
 */
export class NondeterminismError extends FaultlineError {
  /** Number (1-based) of the first event after which the two runs differ. */
  readonly event: number;

  constructor(event: number, report: string) {
    super('NONDETERMINISM', report);
    this.event = event;
  }
}

/**
 * A property passed, but vacuously: the runs did not exercise what the test required (faults
 * that actually hit, operations that completed, `sometimes` conditions that were met).
 *
 * @example
 * ```ts
 * await assertCluster(scenario, { faults, requireCoverage: { sometimes: ['leader elected'] } }); // throws CoverageError if never met
 * ```
 */
export class CoverageError extends FaultlineError {
  constructor(message: string) {
    super('COVERAGE_NOT_MET', message);
  }
}

/**
 * The shrunk case of a failed search, as data: pass it to `checkCluster(scenario, counterexample)`
 * to rerun it, or inspect its faults. `workload` is the case's own (generated) workload; a
 * scenario's fixed `workload` is part of the scenario, not of the case.
 *
 * @example
 * ```ts
 * const counterexample: PropertyCounterexample = { seed: 42, faults: [{ kind: 'crash', atMs: 0, durationMs: 300, target: 'n2' }], workload: [] };
 * ```
 */
export interface PropertyCounterexample {
  /** Seed of the simulation. */
  seed: number;
  /** The shrunk fault schedule. */
  faults: Fault[];
  /** The shrunk generated workload (empty when none was generated). */
  workload: Array<{
    /** When the operation is issued (simulated ms). */
    atMs: number;
    /** The client that issues it. */
    client: string;
    /** The operation, as the scenario's workload arbitrary drew it. */
    operation: unknown;
  }>;
}

/**
 * What a failed search did besides the report: its shrunk case as data, and how long it took.
 *
 * @example
 * ```ts
 * const search: PropertyFailureDetails = { counterexample: { seed: 1, faults: [], workload: [] }, numRuns: 12, numShrinks: 3 };
 * ```
 */
export interface PropertyFailureDetails {
  /** The shrunk case; `undefined` only if fast-check reported no counterexample. */
  counterexample: PropertyCounterexample | undefined;
  /** Cases run before the first failure, that one included. */
  numRuns: number;
  /** Successful shrink steps from the first failing case to the shrunk one. */
  numShrinks: number;
}

/**
 * A property-based check found a failing case: the message holds fast-check's seed and path,
 * the shrunk case's report and the lines that replay it. The same facts are fields: the shrunk
 * case itself (`counterexample`), `numRuns`, `numShrinks`, and fast-check's `seed` and `path`
 * (to rerun the search: `assertCluster(scenario, { ...options, seed, path })`). The cause is the
 * case's own error: a {@link PropertyViolationError}, or whatever the case threw.
 *
 * @example
 * ```ts
 * try { await assertCluster(scenario, { faults: { nodes, horizonMs: 5_000 } }); }
 * catch (e) {
 *   if (!(e instanceof PropertyFailedError)) throw e;
 *   console.log(e.counterexample?.faults, e.numRuns, e.numShrinks, e.seed, e.path);
 *   checkCluster(scenario, e.counterexample!); // fails the same way
 * }
 * ```
 */
export class PropertyFailedError extends FaultlineError {
  /** fast-check's seed of the failing run. */
  readonly seed: number;
  /** fast-check's path to the shrunk counterexample. */
  readonly path: string;
  /** The shrunk case, as data (a `ClusterCase`): `undefined` when the error was built without it. */
  readonly counterexample: PropertyCounterexample | undefined;
  /** Cases run until the first failure (0 when unknown). */
  readonly numRuns: number;
  /** Shrink steps taken (0 when unknown). */
  readonly numShrinks: number;

  constructor(seed: number, path: string, report: string, cause: unknown, details?: PropertyFailureDetails) {
    super('PROPERTY_FAILED', report, { cause });
    this.seed = seed;
    this.path = path;
    this.counterexample = details?.counterexample;
    this.numRuns = details?.numRuns ?? 0;
    this.numShrinks = details?.numShrinks ?? 0;
  }
}
