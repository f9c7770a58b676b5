import { InvalidArgumentError } from '../../errors.js';
import type { Operation, OperationStatus } from '../../history/operation.js';
import { requireObject } from '../../validate.js';
import { readEdnForms, type EdnValue } from './edn.js';

/**
 * One event of a Jepsen history: an invocation or a completion of an operation, as a map of
 * `:process`, `:type`, `:f`, `:value` and whatever else the test recorded.
 *
 * @example
 * ```ts
 * const event: JepsenEvent = { process: 3, type: 'ok', f: 'read', value: 2, fields: { process: 3, type: 'ok', f: 'read', value: 2 } };
 * ```
 */
export interface JepsenEvent {
  /** An integer for a client; a name (`'nemesis'`) for the fault injector. */
  readonly process: number | string;
  /** `invoke`, then one of `ok`, `fail` or `info`. */
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  /** The function, e.g. `read`, `write`, `cas`, `txn`. */
  readonly f: string;
  /** The argument (on `invoke`) or the result (on `ok`); `null` for `nil`. */
  readonly value: EdnValue;
  /** Every field of the event's map, keywords read as their names (e.g. `key`, `time`). */
  readonly fields: { readonly [field: string]: EdnValue };
}

const EVENT_TYPES = ['invoke', 'ok', 'fail', 'info'];

/**
 * Reads a Jepsen or Knossos history in EDN: either one vector (or list) of operation maps, or
 * one map per line as in Porcupine's key-value logs. Keywords become their names: `:read` is
 * `'read'`.
 *
 * @example
 * ```ts
 * const events = parseEdnHistory('[{:process 0, :type :invoke, :f :read, :value nil} {:process 0, :type :ok, :f :read, :value 1}]');
 * events[1]; // { process: 0, type: 'ok', f: 'read', value: 1, fields: { … } }
 * ```
 */
export function parseEdnHistory(text: string): JepsenEvent[] {
  if (typeof text !== 'string') throw new InvalidArgumentError('text', text, 'a string of EDN');
  const forms = readEdnForms(text);
  const maps = forms.length === 1 && Array.isArray(forms[0]) ? forms[0] : forms;
  return maps.map((map, index) => toEvent(map, index));
}

function toEvent(map: EdnValue, index: number): JepsenEvent {
  const field = `events[${index}]`;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new InvalidArgumentError(field, map, 'an operation map {:process, :type, :f, :value}');
  const { process, type, f } = map;
  if (!(typeof process === 'number' || typeof process === 'string')) throw new InvalidArgumentError(`${field}.process`, process, 'an integer or a keyword');
  if (typeof type !== 'string' || !EVENT_TYPES.includes(type)) throw new InvalidArgumentError(`${field}.type`, type, 'one of :invoke, :ok, :fail, :info');
  if (typeof f !== 'string') throw new InvalidArgumentError(`${field}.f`, f, 'a keyword');
  return { process, type: type as JepsenEvent['type'], f, value: map['value'] ?? null, fields: map };
}

/**
 * What {@link historyFromJepsenEvents} asks for each operation: its input in the model's shape,
 * its output when it completed `ok`, and optionally an independent key.
 *
 * @example
 * ```ts
 * const converted: ConvertedOperation<CasRegisterInput, CasRegisterOutput> = { input: { kind: 'read' }, output: 3 };
 * ```
 */
export interface ConvertedOperation<I, O> {
  /** The input, in the model's shape. */
  readonly input: I;
  /** The output; read only for `ok` operations. */
  readonly output?: O;
  /** Independent key, for models that do not split by key themselves. */
  readonly key?: string;
}

/**
 * Pairs each client invocation with its process's next completion and turns the pair into an
 * {@link Operation}: `:ok` → `ok`, `:fail` → `fail`, `:info` → `info`, no completion → `pending`.
 * Events of non-integer processes (the nemesis) are skipped. Times are positions in the event
 * list, as Knossos orders a history, so `invokeMs` and `completeMs` are event indices.
 *
 * @example
 * ```ts
 * const operations = historyFromJepsenEvents(parseEdnHistory(text), (invocation, completion) =>
 *   invocation.f === 'read' ? { input: { kind: 'read' }, output: completion?.value ?? undefined } : { input: { kind: 'write', value: invocation.value as number } },
 * );
 * checkLinearizability(operations, casRegisterModel({ initialValue: 0 }));
 * ```
 */
export function historyFromJepsenEvents<I, O>(events: readonly JepsenEvent[], convert: (invocation: JepsenEvent, completion: JepsenEvent | undefined) => ConvertedOperation<I, O>): Operation<I, O>[] {
  if (!Array.isArray(events)) throw new InvalidArgumentError('events', events, 'an array of events from parseEdnHistory');
  const openByProcess = new Map<number, number>();
  const invocations: { event: JepsenEvent; indexMs: number; completion?: JepsenEvent; completeMs?: number }[] = [];
  events.forEach((event, index) => {
    const raw: unknown = event;
    requireObject(raw, `events[${index}]`);
    if (typeof event.process !== 'number') return;
    const open = openByProcess.get(event.process);
    if (event.type === 'invoke') {
      if (open !== undefined) throw new InvalidArgumentError(`events[${index}]`, event.fields, `a completion of process ${event.process}'s operation invoked at events[${invocations[open]?.indexMs}] before it invokes another`);
      openByProcess.set(event.process, invocations.length);
      invocations.push({ event, indexMs: index });
      return;
    }
    if (open === undefined) throw new InvalidArgumentError(`events[${index}]`, event.fields, `an invocation first: process ${event.process} has no operation in flight to complete`);
    const invocation = invocations[open] as (typeof invocations)[number];
    invocation.completion = event;
    invocation.completeMs = index;
    openByProcess.delete(event.process);
  });
  return invocations.map(({ event, indexMs, completion, completeMs }, id) => {
    const status: OperationStatus = completion === undefined ? 'pending' : (completion.type as Exclude<JepsenEvent['type'], 'invoke'>);
    const converted: unknown = convert(event, completion);
    requireObject(converted, `convert(events[${indexMs}])`);
    const { input, output, key } = converted as unknown as ConvertedOperation<I, O>;
    return {
      id,
      process: event.process,
      ...(key === undefined ? {} : { key }),
      input,
      ...(status === 'ok' && output !== undefined ? { output } : {}),
      invokeMs: indexMs,
      ...(completeMs === undefined ? {} : { completeMs }),
      status,
    };
  });
}
