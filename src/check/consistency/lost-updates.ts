import { InvalidArgumentError } from '../../errors.js';
import type { Operation } from '../../history/operation.js';
import type { Model, ShapeProblem } from '../../linearizability/model.js';
import { isRegisterValue, REGISTER_VALUE, type RegisterValue } from '../../linearizability/register-model.js';
import { validateHistory } from '../../linearizability/validate-history.js';
import { rejectUnknownKeys, requireFunction, requireObject, requireString } from '../../validate.js';
import { canonicalText, describeOperation, STATE_CHARS_SHOWN } from './describe.js';

/**
 * An update or a read of a replicated object, in a history for {@link checkLostUpdates}:
 * a register (`write`), a set (`add`, `remove`), a counter (`increment` by `amount`, negative
 * for a PN-counter), and `read` for any of them (ignored by the check: only the final state counts).
 *
 * @example
 * ```ts
 * const inputs: UpdateInput[] = [{ kind: 'write', value: 3 }, { kind: 'add', value: 'x' }, { kind: 'increment', amount: -2 }, { kind: 'read' }];
 * ```
 */
export type UpdateInput =
  | {
      /** Set a register. */
      readonly kind: 'write';
      /** The value written. */
      readonly value: RegisterValue;
    }
  | {
      /** Add a member to a set. */
      readonly kind: 'add';
      /** The member. */
      readonly value: RegisterValue;
    }
  | {
      /** Remove a member from a set. */
      readonly kind: 'remove';
      /** The member. */
      readonly value: RegisterValue;
    }
  | {
      /** Add to a counter. */
      readonly kind: 'increment';
      /** How much (negative: a decrement). */
      readonly amount: number;
    }
  | {
      /** Read the object (not checked). */
      readonly kind: 'read';
    };

/**
 * A rule for a data type's own updates: whether an acknowledged update survives in a final state.
 * Return `true` when it does, or the reason it was lost.
 *
 * @example
 * ```ts
 * const appendOnlyLog: CustomUpdateRule = {
 *   name: 'append-only log',
 *   isUpdate: (input) => (input as { kind: string }).kind === 'append',
 *   survives: (final, update) => (final as unknown[]).includes((update.input as { value: unknown }).value) || 'not in the log',
 * };
 * ```
 */
export interface CustomUpdateRule {
  /** Names the data type in evidence. */
  name: string;
  /** Which inputs are updates (the rest are not checked). */
  isUpdate: (input: unknown) => boolean;
  /** `true` when `update` is reflected in, or legitimately superseded in, `final`; otherwise why not. */
  survives: (final: unknown, update: Operation<unknown, unknown>, history: ReadonlyArray<Operation<unknown, unknown>>) => true | string;
}

/**
 * Which writes may win over an acknowledged one:
 * - `last-writer-wins`: a register; its final value must be the acknowledged write's, or a
 *   write's that did not complete before the acknowledged one was invoked (a concurrent or later
 *   write may win; an earlier one may not).
 * - `add-wins-set`: a set (the final state an array or Set of values); an acknowledged `add(v)`
 *   must leave `v` in it unless a `remove(v)` began after the add completed; an acknowledged
 *   `remove(v)` must take `v` out unless an `add(v)` had not completed before the remove began.
 * - `counter`: the final number is at least the sum of acknowledged increments plus every
 *   negative indeterminate one (and at most the sum plus every positive indeterminate one).
 * - a {@link CustomUpdateRule}.
 *
 * @example
 * ```ts
 * const rule: UpdateRule = 'add-wins-set';
 * ```
 */
export type UpdateRule = 'last-writer-wins' | 'add-wins-set' | 'counter' | CustomUpdateRule;

/**
 * An acknowledged update missing from the final state, with why. For a counter, one entry lists
 * every acknowledged increment and the shortfall.
 *
 * @example
 * ```ts
 * for (const loss of checkLostUpdates(history, final, 'last-writer-wins').lost) console.log(loss.text);
 * ```
 */
export interface LostUpdate {
  /** The lost update (for a counter, every acknowledged increment). */
  readonly operations: ReadonlyArray<Operation<unknown, unknown>>;
  /** The key of the object, when the history has keys. */
  readonly key: string | undefined;
  /** Why it counts as lost, as text. */
  readonly text: string;
}

/**
 * What {@link checkLostUpdates} found.
 *
 * @example
 * ```ts
 * const result = checkLostUpdates(history, 3, 'last-writer-wins');
 * if (!result.holds) console.log(result.text);
 * ```
 */
export interface LostUpdatesResult {
  /** True when no acknowledged update was lost. */
  readonly holds: boolean;
  /** Acknowledged updates checked. */
  readonly acknowledged: number;
  /** The losses. */
  readonly lost: readonly LostUpdate[];
  /** A summary and the losses, to print. */
  readonly text: string;
}

type AnyOperation = Operation<unknown, unknown>;
const LOSSES_SHOWN = 10;

/**
 * Checks that every acknowledged (`ok`) update of a history is reflected in the final state of
 * the object, or superseded by an update `rule` lets win. The history is in the linearizability
 * checker's format ({@link Operation} with {@link UpdateInput}, or the custom rule's inputs).
 * When operations carry a `key`, `final` maps each key to its final state (a missing key: never
 * updated, the initial state), and each key is checked on its own.
 *
 * @example
 * ```ts
 * const history = [
 *   { id: 0, process: 'c1', input: { kind: 'write', value: 1 }, invokeMs: 0, completeMs: 5, status: 'ok' },
 *   { id: 1, process: 'c2', input: { kind: 'write', value: 2 }, invokeMs: 10, completeMs: 15, status: 'ok' },
 * ] as const;
 * checkLostUpdates(history, 1, 'last-writer-wins').holds; // false: write(2) began after write(1) was acknowledged
 * ```
 */
export function checkLostUpdates(history: ReadonlyArray<Operation<unknown, unknown>>, final: unknown, rule: UpdateRule): LostUpdatesResult {
  validateRule(rule);
  validateHistory(history, updateModel(rule));
  const byKey = groupByKey(history);
  const keyed = history.some((operation) => operation.key !== undefined);
  if (keyed) requireObject(final, 'final');
  const lost: LostUpdate[] = [];
  let acknowledged = 0;
  // An empty unkeyed history still has one object, whose final state must have the rule's shape.
  if (!keyed && byKey.size === 0) byKey.set('', []);
  for (const [key, operations] of byKey) {
    const state = keyed ? (final as Record<string, unknown>)[key] : final;
    acknowledged += operations.filter((operation) => operation.status === 'ok' && isUpdate(rule, operation.input)).length;
    lost.push(...lossesOf(rule, operations, state, keyed ? key : undefined, keyed ? `final[${JSON.stringify(key)}]` : 'final'));
  }
  return { holds: lost.length === 0, acknowledged, lost, text: summary(rule, acknowledged, lost) };
}

function validateRule(rule: unknown): void {
  if (rule === 'last-writer-wins' || rule === 'add-wins-set' || rule === 'counter') return;
  if (typeof rule !== 'object' || rule === null) throw new InvalidArgumentError('rule', rule, "'last-writer-wins', 'add-wins-set', 'counter' or { name, isUpdate, survives }");
  requireObject(rule, 'rule');
  rejectUnknownKeys(rule, 'rule', ['name', 'isUpdate', 'survives']);
  requireString(rule['name'], 'rule.name');
  requireFunction(rule['isUpdate'], 'rule.isUpdate');
  requireFunction(rule['survives'], 'rule.survives');
}

const INPUT_SHAPES: Record<string, string> = {
  'last-writer-wins': "{ kind: 'write', value } or { kind: 'read' }",
  'add-wins-set': "{ kind: 'add', value }, { kind: 'remove', value } or { kind: 'read' }",
  counter: "{ kind: 'increment', amount } or { kind: 'read' }",
};

/** A model only for validateHistory's shape checks of each operation. */
function updateModel(rule: UpdateRule): Model<unknown, unknown, unknown> {
  const name = typeof rule === 'string' ? rule : rule.name;
  const validate = (input: unknown): ShapeProblem | undefined => (typeof rule === 'string' ? validateInput(rule, input) : undefined);
  return { name, init: () => undefined, step: () => ({ legal: true, state: undefined }), validate };
}

function validateInput(rule: string, input: unknown): ShapeProblem | undefined {
  const expected = `${INPUT_SHAPES[rule]}, values ${REGISTER_VALUE}, amounts finite numbers`;
  if (typeof input !== 'object' || input === null) return { part: 'input', expected };
  const fields = input as Record<string, unknown>;
  const keys = Object.keys(fields).length;
  const kind = fields['kind'];
  if (kind === 'read' && keys === 1) return undefined;
  const valued = keys === 2 && isRegisterValue(fields['value']);
  if (rule === 'last-writer-wins' && kind === 'write' && valued) return undefined;
  if (rule === 'add-wins-set' && (kind === 'add' || kind === 'remove') && valued) return undefined;
  if (rule === 'counter' && kind === 'increment' && keys === 2 && typeof fields['amount'] === 'number' && Number.isFinite(fields['amount'])) return undefined;
  return { part: 'input', expected };
}

function isUpdate(rule: UpdateRule, input: unknown): boolean {
  if (typeof rule !== 'string') return rule.isUpdate(input) === true;
  return (input as { kind: string }).kind !== 'read';
}

function groupByKey(history: readonly AnyOperation[]): Map<string, AnyOperation[]> {
  const byKey = new Map<string, AnyOperation[]>();
  for (const operation of history) {
    const key = operation.key ?? '';
    let operations = byKey.get(key);
    if (operations === undefined) byKey.set(key, (operations = []));
    operations.push(operation);
  }
  return byKey;
}

function lossesOf(rule: UpdateRule, operations: readonly AnyOperation[], final: unknown, key: string | undefined, field: string): LostUpdate[] {
  if (rule === 'last-writer-wins') return registerLosses(operations, final, key, field);
  if (rule === 'add-wins-set') return setLosses(operations, final, key, field);
  if (rule === 'counter') return counterLosses(operations, final, key, field);
  return customLosses(rule, operations, final, key);
}

/** True when `first` was acknowledged before `second` was invoked: `second` saw it happen. */
function precedes(first: AnyOperation, second: AnyOperation): boolean {
  return first.status === 'ok' && first.completeMs! < second.invokeMs;
}

function valueOf(operation: AnyOperation): RegisterValue {
  return (operation.input as { value: RegisterValue }).value;
}

function kindOf(operation: AnyOperation): string {
  return (operation.input as { kind: string }).kind;
}

function registerLosses(operations: readonly AnyOperation[], final: unknown, key: string | undefined, field: string): LostUpdate[] {
  if (final !== undefined && !isRegisterValue(final)) throw new InvalidArgumentError(field, final, `the register's final value: ${REGISTER_VALUE}, or undefined when never written`);
  const writes = operations.filter((operation) => kindOf(operation) === 'write');
  const winners = writes.filter((write) => write.status !== 'fail' && valueOf(write) === final);
  return writes
    .filter((write) => write.status === 'ok' && valueOf(write) !== final)
    .filter((write) => winners.length === 0 || winners.every((winner) => precedes(winner, write)))
    .map((write) => {
      const why = winners.length === 0 ? `the final value ${canonicalText(final)} is no acknowledged or indeterminate write's` : `the final value is that of ${describeOperation(winners[0]!)}, acknowledged before it began`;
      return { operations: [write], key, text: `${describeOperation(write)} was lost: ${why}` };
    });
}

function setMembers(final: unknown, field: string): Set<unknown> {
  if (final === undefined) return new Set();
  if (Array.isArray(final) || final instanceof Set) return new Set(final);
  throw new InvalidArgumentError(field, final, "the set's final members: an array or a Set, or undefined when never updated");
}

function setLosses(operations: readonly AnyOperation[], final: unknown, key: string | undefined, field: string): LostUpdate[] {
  const members = setMembers(final, field);
  const ofValue = (kind: string, value: RegisterValue) => operations.filter((operation) => kindOf(operation) === kind && operation.status !== 'fail' && valueOf(operation) === value);
  const lost: LostUpdate[] = [];
  for (const update of operations) {
    if (update.status !== 'ok') continue;
    const value = valueOf(update);
    if (kindOf(update) === 'add' && !members.has(value)) {
      const laterRemove = ofValue('remove', value).find((remove) => precedes(update, remove));
      if (laterRemove === undefined) lost.push({ operations: [update], key, text: `${describeOperation(update)} was lost: ${canonicalText(value)} is not in the final set, and no remove began after the add completed` });
    } else if (kindOf(update) === 'remove' && members.has(value)) {
      // Add wins over a concurrent remove: only an add acknowledged before the remove began may not.
      if (ofValue('add', value).every((add) => precedes(add, update))) lost.push({ operations: [update], key, text: `${describeOperation(update)} was lost: ${canonicalText(value)} is still in the final set, and every add of it completed before the remove began` });
    }
  }
  return lost;
}

function counterLosses(operations: readonly AnyOperation[], final: unknown, key: string | undefined, field: string): LostUpdate[] {
  const initial = final === undefined ? 0 : final;
  if (typeof initial !== 'number' || !Number.isFinite(initial)) throw new InvalidArgumentError(field, final, "the counter's final value: a finite number, or undefined when never incremented");
  const increments = operations.filter((operation) => kindOf(operation) === 'increment' && operation.status !== 'fail');
  const amount = (operation: AnyOperation) => (operation.input as { amount: number }).amount;
  const acknowledged = increments.filter((operation) => operation.status === 'ok');
  const maybe = increments.filter((operation) => operation.status !== 'ok').map(amount);
  const sure = acknowledged.reduce((sum, operation) => sum + amount(operation), 0);
  const lowest = sure + maybe.filter((value) => value < 0).reduce((sum, value) => sum + value, 0);
  const highest = sure + maybe.filter((value) => value > 0).reduce((sum, value) => sum + value, 0);
  if (acknowledged.length === 0 || (initial >= lowest && initial <= highest)) return [];
  const added = `its ${acknowledged.length} acknowledged increments add to ${sure}`;
  if (initial < lowest) return [{ operations: acknowledged, key, text: `the counter ends at ${initial}, but ${added}${maybe.length > 0 ? ` (at least ${lowest} with the indeterminate ones)` : ''}: ${lowest - initial} lost` }];
  // Above every sum the updates allow: an acknowledged decrement was lost (or an increment applied twice).
  return [{ operations: acknowledged, key, text: `the counter ends at ${initial}, but ${added}${maybe.length > 0 ? ` (at most ${highest} with the indeterminate ones)` : ''}: ${initial - highest} too many (a decrement lost, or an increment applied twice)` }];
}

function customLosses(rule: CustomUpdateRule, operations: readonly AnyOperation[], final: unknown, key: string | undefined): LostUpdate[] {
  const lost: LostUpdate[] = [];
  for (const update of operations) {
    if (update.status !== 'ok' || !rule.isUpdate(update.input)) continue;
    const verdict: unknown = rule.survives(final, update, operations);
    if (verdict === true) continue;
    if (typeof verdict !== 'string') throw new InvalidArgumentError('rule.survives', verdict, `true or a string saying why the update was lost (rule '${rule.name}' returned something else for operation ${update.id})`);
    lost.push({ operations: [update], key, text: `${describeOperation(update)} was lost: ${verdict}` });
  }
  return lost;
}

function summary(rule: UpdateRule, acknowledged: number, lost: readonly LostUpdate[]): string {
  const name = typeof rule === 'string' ? rule : rule.name;
  const checked = `${acknowledged} acknowledged updates (${name})`;
  if (lost.length === 0) return `${checked}: none lost`;
  const lines = [`${checked}: ${lost.length} lost${lost.length > LOSSES_SHOWN ? ` (first ${LOSSES_SHOWN} shown)` : ''}`];
  for (const loss of lost.slice(0, LOSSES_SHOWN)) lines.push(`  ${loss.text.length > STATE_CHARS_SHOWN * 2 ? `${loss.text.slice(0, STATE_CHARS_SHOWN * 2)}…` : loss.text}`);
  return lines.join('\n');
}
