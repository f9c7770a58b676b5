import { InvalidArgumentError } from '../../errors.js';
import type { Operation } from '../../history/operation.js';
import { registerModel, type RegisterInput, type RegisterValue } from '../../linearizability/register-model.js';
import { validateHistory } from '../../linearizability/validate-history.js';
import { orDefault, rejectUnknownKeys, requireObject, requirePositiveInteger } from '../../validate.js';
import { causalOrder, has, INITIAL, type CausalOrder } from './causal-order.js';
import { describeOperation } from './describe.js';

/**
 * A session guarantee over a register history, a session being one client (`process`):
 * - `read-your-writes`: a read reflects the session's own earlier acknowledged writes of its key;
 * - `monotonic-reads`: a read does not go back behind what the session's earlier reads of its key
 *   returned;
 * - `causal`: a read reflects every write in its causal past, where session order and
 *   reads-from (a read follows the write it returned) make the causal order, and each session
 *   sees the writes in one order. It includes the other two, monotonic writes and
 *   writes-follow-reads, and fails on a causal cycle.
 *
 * @example
 * ```ts
 * const guarantees: SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'causal'];
 * ```
 */
export type SessionGuarantee = 'read-your-writes' | 'monotonic-reads' | 'causal';

/**
 * Why a {@link SessionViolation} breaks its guarantee:
 * - `stale-read`: the read returned a write (or the initial value) that a write the session must
 *   see had already overwritten in causal order;
 * - `went-back`: the read returned a value the session had read before another one, after that
 *   other one (no order of the writes makes both reads monotonic);
 * - `unwritten-value`: the read returned a value no write wrote, or only a failed write did;
 * - `causal-cycle`: session order and reads-from form a cycle (a read saw a write that follows it).
 *
 * @example
 * ```ts
 * const reason: SessionViolationReason = 'stale-read';
 * ```
 */
export type SessionViolationReason = 'stale-read' | 'went-back' | 'unwritten-value' | 'causal-cycle';

/**
 * One broken session guarantee, with the operations that break it, in this order:
 * `stale-read`: the read, the write it returned (absent for the initial value), the write that
 * overwrote it, and the session's operation through which the session had to see that write;
 * `went-back`: the read, the earlier read of the same value, the read in between of another;
 * `unwritten-value`: the read (and the failed write of its value, if any);
 * `causal-cycle`: the operations of the cycle, in causal order.
 *
 * @example
 * ```ts
 * const result = checkSessionGuarantees(history);
 * for (const violation of result.violations) console.log(violation.guarantee, violation.operations.map((operation) => operation.id));
 * ```
 */
export interface SessionViolation {
  /** The guarantee broken. */
  readonly guarantee: SessionGuarantee;
  /** How. */
  readonly reason: SessionViolationReason;
  /** The operations that break it; see above. */
  readonly operations: ReadonlyArray<Operation<RegisterInput, RegisterValue>>;
  /** The same, as text. */
  readonly text: string;
}

/**
 * What {@link checkSessionGuarantees} found.
 *
 * @example
 * ```ts
 * const result = checkSessionGuarantees(history, { guarantees: ['read-your-writes'] });
 * if (!result.holds) console.log(result.text);
 * ```
 */
export interface SessionCheckResult {
  /** True when no requested guarantee is broken. */
  readonly holds: boolean;
  /** The guarantees checked. */
  readonly guarantees: readonly SessionGuarantee[];
  /** Reads whose returned value the check placed (ok reads with a known output). */
  readonly checkedReads: number;
  /** The violations, at most `maxViolations`, ordered by guarantee then by read. */
  readonly violations: readonly SessionViolation[];
  /** A summary and the first violations, to print. */
  readonly text: string;
}

/**
 * Options of {@link checkSessionGuarantees}.
 *
 * @example
 * ```ts
 * const options: SessionCheckOptions = { guarantees: ['causal'], initialValue: 0, maxOperations: 5_000 };
 * ```
 */
export interface SessionCheckOptions {
  /** Which guarantees to check. Default: all three. */
  guarantees?: readonly SessionGuarantee[];
  /** The value a key holds before any write. Default `null`. No write may write it. */
  initialValue?: RegisterValue;
  /** The most operations accepted (the check costs time and memory quadratic in it). Default 20,000. */
  maxOperations?: number;
  /** The most violations listed. Default 100. */
  maxViolations?: number;
}

const GUARANTEES: readonly SessionGuarantee[] = ['read-your-writes', 'monotonic-reads', 'causal'];
const DEFAULT_MAX_OPERATIONS = 20_000;
const DEFAULT_MAX_VIOLATIONS = 100;
const VIOLATIONS_SHOWN = 10;

type RegisterOperation = Operation<RegisterInput, RegisterValue>;

/**
 * Checks session guarantees over a register history: operations in the linearizability
 * checker's format ({@link Operation} with {@link RegisterInput}, a session per `process`,
 * registers per `key`), each written value unique per key, so a read names the write it saw.
 * Writes are not ordered by time here: a replicated store may apply concurrent writes in any
 * order, and only what the sessions saw orders them. An `info` or `pending` write may be read;
 * a failed write may not; a read with an unknown output is ignored.
 *
 * @example
 * ```ts
 * const history = [
 *   { id: 0, process: 'c1', input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 5, status: 'ok' },
 *   { id: 1, process: 'c1', input: { kind: 'read' }, output: null, invokeMs: 10, completeMs: 12, status: 'ok' },
 * ] as const;
 * checkSessionGuarantees(history, { guarantees: ['read-your-writes'] }).holds; // false: c1 did not read its write
 * ```
 */
export function checkSessionGuarantees(history: ReadonlyArray<Operation<RegisterInput, RegisterValue>>, options: SessionCheckOptions = {}): SessionCheckResult {
  const settings = readOptions(options);
  if (Array.isArray(history) && history.length > settings.maxOperations) {
    throw new InvalidArgumentError('history', `(${history.length} operations)`, `at most ${settings.maxOperations} operations (raise options.maxOperations)`);
  }
  validateHistory(history, registerModel({ initialValue: settings.initialValue }));
  const writeIndex = indexWrites(history, settings.initialValue);
  const order = causalOrder(history, settings.initialValue, (key, value) => writeIndex.get(key)?.get(value));
  const violations: SessionViolation[] = [];
  for (const guarantee of settings.guarantees) {
    for (const violation of violationsOf(guarantee, order, guarantee === settings.guarantees[0])) {
      if (violations.length < settings.maxViolations) violations.push(violation);
    }
  }
  const checkedReads = order.readsFrom.filter((source) => source !== undefined).length + order.unwrittenReads.length;
  return { holds: violations.length === 0, guarantees: settings.guarantees, checkedReads, violations, text: summary(settings.guarantees, checkedReads, violations) };
}

function readOptions(options: unknown): Required<SessionCheckOptions> {
  requireObject(options, 'options');
  rejectUnknownKeys(options, 'options', ['guarantees', 'initialValue', 'maxOperations', 'maxViolations']);
  const guarantees = orDefault(options['guarantees'], GUARANTEES);
  if (!Array.isArray(guarantees) || guarantees.length === 0 || guarantees.some((guarantee) => !GUARANTEES.includes(guarantee as SessionGuarantee)) || new Set(guarantees).size !== guarantees.length) {
    throw new InvalidArgumentError('options.guarantees', guarantees, `a non-empty list of distinct guarantees among ${GUARANTEES.map((name) => `'${name}'`).join(', ')}`);
  }
  const maxOperations = orDefault(options['maxOperations'], DEFAULT_MAX_OPERATIONS);
  requirePositiveInteger(maxOperations, 'options.maxOperations', 1_000_000);
  const maxViolations = orDefault(options['maxViolations'], DEFAULT_MAX_VIOLATIONS);
  requirePositiveInteger(maxViolations, 'options.maxViolations', 1_000_000);
  // registerModel validates the initial value and names the field.
  const initialValue = registerModel({ initialValue: options['initialValue'] as RegisterValue }).init();
  return { guarantees: guarantees as SessionGuarantee[], initialValue, maxOperations, maxViolations };
}

/** Index of the write of each value, per key: values must tell writes apart. */
function indexWrites(history: readonly RegisterOperation[], initialValue: RegisterValue): Map<string, Map<RegisterValue, number>> {
  const byKey = new Map<string, Map<RegisterValue, number>>();
  history.forEach((operation, index) => {
    if (operation.input.kind !== 'write') return;
    const key = operation.key ?? '';
    const value = operation.input.value;
    const field = `history[${index}].input.value`;
    if (value === initialValue) throw new InvalidArgumentError(field, value, 'a value other than the initial value (session checks tell a write by the value it wrote)');
    let values = byKey.get(key);
    if (values === undefined) byKey.set(key, (values = new Map()));
    const other = values.get(value);
    if (other !== undefined) throw new InvalidArgumentError(field, value, `a value no other write of key ${JSON.stringify(key)} writes (history[${other}] writes it too; session checks tell a write by the value it wrote)`);
    values.set(value, index);
  });
  return byKey;
}

function violationsOf(guarantee: SessionGuarantee, order: CausalOrder, reportUnwritten: boolean): SessionViolation[] {
  const found: SessionViolation[] = [];
  if (reportUnwritten) {
    for (const { read, failedWrite } of order.unwrittenReads) {
      const operations = failedWrite === undefined ? [order.operations[read]!] : [order.operations[read]!, order.operations[failedWrite]!];
      const why = failedWrite === undefined ? 'a value no write wrote' : 'the value of a failed write';
      found.push(violation(guarantee, 'unwritten-value', operations, `read ${describeOperation(operations[0]!)} returned ${why}`));
    }
  }
  if (guarantee === 'causal' && order.cycle.length > 0) {
    const operations = order.cycle.map((index) => order.operations[index]!);
    found.push(violation(guarantee, 'causal-cycle', operations, `session order and reads-from form a cycle: ${operations.map((operation) => `#${operation.id}`).join(' -> ')} -> #${operations[0]!.id}`));
  }
  for (const session of order.sessions) found.push(...sessionViolations(guarantee, order, session));
  return found;
}

/** The writes a read must see, with the session operation through which it must see each. */
type RequiredWrites = Array<{ write: number; through: number }>;

function sessionViolations(guarantee: SessionGuarantee, order: CausalOrder, session: readonly number[]): SessionViolation[] {
  const found: SessionViolation[] = [];
  const seenByKey = new Map<string, number[]>();
  session.forEach((index, position) => {
    const source = order.readsFrom[index];
    if (source === undefined) return;
    const key = order.operations[index]!.key ?? '';
    const earlier = session.slice(0, position).filter((other) => (order.operations[other]!.key ?? '') === key);
    const stale = staleness(order, index, source, requiredWrites(guarantee, order, earlier, session.slice(0, position), key));
    if (stale !== undefined) found.push(stale(guarantee));
    if (guarantee !== 'read-your-writes') {
      const back = wentBack(guarantee, order, index, source, seenByKey, key);
      if (back !== undefined) found.push(back);
    }
  });
  return found;
}

function requiredWrites(guarantee: SessionGuarantee, order: CausalOrder, earlierOfKey: readonly number[], earlier: readonly number[], key: string): RequiredWrites {
  if (guarantee === 'read-your-writes') return earlierOfKey.filter((other) => order.operations[other]!.input.kind === 'write').map((write) => ({ write, through: write }));
  if (guarantee === 'monotonic-reads') {
    return earlierOfKey.flatMap((other) => {
      const source = order.readsFrom[other];
      return source === undefined || source === INITIAL ? [] : [{ write: source, through: other }];
    });
  }
  // Causal: every write of the key the session's last operation knows, through the first session operation that knew it.
  const last = earlier[earlier.length - 1];
  if (last === undefined) return [];
  return order.writeOfBit
    .filter((write, bit) => has(order.knows[last]!, bit) && (order.operations[write]!.key ?? '') === key)
    .map((write) => ({ write, through: earlier.find((other) => has(order.knows[other]!, order.writeBit[write]!))! }));
}

/** The first required write that overwrote what the read returned, in causal order. */
function staleness(order: CausalOrder, read: number, source: number, required: RequiredWrites): ((guarantee: SessionGuarantee) => SessionViolation) | undefined {
  const overwrote = required.find(({ write }) => write !== source && (source === INITIAL || has(order.knows[write]!, order.writeBit[source]!)));
  if (overwrote === undefined) return undefined;
  const operations = order.operations;
  const returned = source === INITIAL ? 'the initial value' : `the value of ${describeOperation(operations[source]!)}`;
  const via = overwrote.through === overwrote.write ? 'its own write' : `its ${describeOperation(operations[overwrote.through]!)}`;
  const text = `read ${describeOperation(operations[read]!)} returned ${returned}, which ${describeOperation(operations[overwrote.write]!)} had overwritten; the session had to see that write through ${via}`;
  const involved = [read, ...(source === INITIAL ? [] : [source]), overwrote.write, ...(overwrote.through === overwrote.write ? [] : [overwrote.through])];
  return (guarantee) => violation(guarantee, 'stale-read', involved.map((index) => operations[index]!), text);
}

/** A read returning a value the session read before another one, after the other one. */
function wentBack(guarantee: SessionGuarantee, order: CausalOrder, read: number, source: number, seenByKey: Map<string, number[]>, key: string): SessionViolation | undefined {
  let seen = seenByKey.get(key);
  if (seen === undefined) seenByKey.set(key, (seen = []));
  const last = seen[seen.length - 1];
  if (last === undefined || order.readsFrom[last] !== source) seen.push(read);
  if (last === undefined || order.readsFrom[last] === source) return undefined;
  const before = seen.slice(0, -2).find((other) => order.readsFrom[other] === source);
  if (before === undefined) return undefined;
  const operations = [read, before, last].map((index) => order.operations[index]!);
  const text = `read ${describeOperation(operations[0]!)} went back to a value the session read in ${describeOperation(operations[1]!)}, before it read another in ${describeOperation(operations[2]!)}`;
  return violation(guarantee, 'went-back', operations, text);
}

function violation(guarantee: SessionGuarantee, reason: SessionViolationReason, operations: readonly RegisterOperation[], text: string): SessionViolation {
  return { guarantee, reason, operations, text: `${guarantee}: ${text}` };
}

function summary(guarantees: readonly SessionGuarantee[], checkedReads: number, violations: readonly SessionViolation[]): string {
  const checked = `${guarantees.join(', ')} over ${checkedReads} reads`;
  if (violations.length === 0) return `${checked}: hold`;
  const lines = [`${checked}: ${violations.length} violation${violations.length === 1 ? '' : 's'}${violations.length > VIOLATIONS_SHOWN ? ` (first ${VIOLATIONS_SHOWN} shown)` : ''}`];
  for (const shown of violations.slice(0, VIOLATIONS_SHOWN)) lines.push(`  ${shown.text}`);
  return lines.join('\n');
}
