import type { Operation } from '../../history/operation.js';

// Internal: how the consistency checkers print operations and states in their evidence.

/**
 * A value as deterministic text: object keys sorted, Map entries and Set members sorted by their
 * text, bigints with an `n`. Two values with equal text are equal for the default equality of
 * the convergence check. Bounded by `maxChars` (longer text is cut with an ellipsis for printing,
 * never for comparing: `maxChars` is Infinity then).
 *
 * @example
 * ```ts
 * canonicalText({ b: 1, a: new Set([2, 1]) }); // '{"a":Set[1,2],"b":1}'
 * ```
 */
export function canonicalText(value: unknown, maxChars = Infinity): string {
  const parts: string[] = [];
  let length = 0;
  const seen = new Set<object>();
  const push = (text: string): boolean => {
    parts.push(text);
    length += text.length;
    return length <= maxChars;
  };
  const walk = (inner: unknown): boolean => {
    if (inner === undefined) return push('undefined');
    if (typeof inner === 'bigint') return push(`${inner}n`);
    if (typeof inner === 'number') return push(Object.is(inner, -0) ? '0' : String(inner));
    if (typeof inner !== 'object' || inner === null) return push(typeof inner === 'function' ? '(function)' : JSON.stringify(inner) ?? String(inner));
    if (seen.has(inner)) return push('(cycle)');
    seen.add(inner);
    const ok = walkContainer(inner);
    seen.delete(inner);
    return ok;
  };
  const walkContainer = (inner: object): boolean => {
    if (Array.isArray(inner)) return walkList('[', inner, ']');
    if (inner instanceof Set) return walkList('Set[', [...inner].map((member) => canonicalText(member)).sort(), ']', true);
    if (inner instanceof Map) {
      const entries = [...inner.entries()].map(([key, member]) => [canonicalText(key), member] as const).sort((a, b) => compareText(a[0], b[0]));
      return walkEntries('Map{', entries, '}');
    }
    const entries = Object.keys(inner).sort().map((key) => [JSON.stringify(key), (inner as Record<string, unknown>)[key]] as const);
    return walkEntries('{', entries, '}');
  };
  const walkList = (open: string, items: readonly unknown[], close: string, preRendered = false): boolean => {
    if (!push(open)) return false;
    for (let index = 0; index < items.length; index++) {
      if (index > 0 && !push(',')) return false;
      if (!(preRendered ? push(items[index] as string) : walk(items[index]))) return false;
    }
    return push(close);
  };
  const walkEntries = (open: string, entries: ReadonlyArray<readonly [string, unknown]>, close: string): boolean => {
    if (!push(open)) return false;
    for (let index = 0; index < entries.length; index++) {
      if (!push(`${index > 0 ? ',' : ''}${entries[index]![0]}:`) || !walk(entries[index]![1])) return false;
    }
    return push(close);
  };
  const complete = walk(value);
  const text = parts.join('');
  return complete ? text : `${text.slice(0, maxChars)}…`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many characters of a state the evidence shows. */
export const STATE_CHARS_SHOWN = 200;

/**
 * An operation as one line of evidence: `#4 process c1 [120ms, 130ms] read() -> 3`.
 *
 * @example
 * ```ts
 * describeOperation({ id: 4, process: 'c1', input: { kind: 'read' }, output: 3, invokeMs: 120, completeMs: 130, status: 'ok' });
 * ```
 */
export function describeOperation(operation: Operation<unknown, unknown>): string {
  const input = operation.input as { kind?: unknown; value?: unknown; amount?: unknown };
  const argument = input.value !== undefined ? canonicalText(input.value, 60) : input.amount !== undefined ? canonicalText(input.amount, 60) : '';
  const output = operation.status === 'ok' && operation.output !== undefined ? ` -> ${canonicalText(operation.output, 60)}` : '';
  const ended = operation.status === 'ok' || operation.status === 'fail' ? `${operation.completeMs}ms${operation.status === 'fail' ? ' fail' : ''}` : operation.status;
  const key = operation.key === undefined ? '' : ` key ${JSON.stringify(operation.key)}`;
  return `#${operation.id} process ${String(operation.process)}${key} [${operation.invokeMs}ms, ${ended}] ${String(input.kind)}(${argument})${output}`;
}
