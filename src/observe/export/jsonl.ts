import { InvalidArgumentError } from '../../errors.js';

const MAX_DEPTH = 64;

/**
 * Writes records as JSON Lines: one JSON object per line, each line ending in `\n`. Works for
 * `sim.logs()`, `sim.trace.records()`, `sim.faultLog` and `tracing.spans()`. A value JSON cannot
 * hold exactly (NaN, Infinity, a bigint, a function, a symbol, a cycle) is an error naming where
 * it is, rather than a line that would read back different.
 *
 * @example
 * ```ts
 * writeFileSync('out/log.jsonl', toJsonLines(sim.logs()));
 * ```
 */
export function toJsonLines(records: readonly unknown[]): string {
  if (!Array.isArray(records)) throw new InvalidArgumentError('toJsonLines(records)', records, 'an array of records');
  let text = '';
  for (let index = 0; index < records.length; index++) {
    const record: unknown = records[index];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new InvalidArgumentError(`toJsonLines(records)[${index}]`, record, 'a plain object (one per line)');
    }
    requireJsonExact(record, `toJsonLines(records)[${index}]`, [], 0);
    text += `${JSON.stringify(record)}\n`;
  }
  return text;
}

/**
 * Reads JSON Lines back: one object per non-empty line. A line that is not a JSON object is an
 * error naming its line number.
 *
 * @example
 * ```ts
 * const entries = parseJsonLines(readFileSync('out/log.jsonl', 'utf8')) as LogEntry[];
 * ```
 */
export function parseJsonLines(text: string): Record<string, unknown>[] {
  if (typeof text !== 'string') throw new InvalidArgumentError('parseJsonLines(text)', text, 'a string of JSON Lines');
  const records: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '') continue;
    records.push(parseLine(line, index + 1));
  }
  return records;
}

function parseLine(line: string, lineNumber: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InvalidArgumentError(`parseJsonLines(text) line ${lineNumber}`, truncate(line), 'a JSON object');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`parseJsonLines(text) line ${lineNumber}`, truncate(line), 'a JSON object');
  }
  return value as Record<string, unknown>;
}

function requireJsonExact(value: unknown, path: string, ancestors: unknown[], depth: number): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidArgumentError(path, value, 'a finite number (JSON has no NaN or Infinity)');
      return;
    case 'object':
      if (value === null) return;
      return requireJsonExactObject(value, path, ancestors, depth);
    default:
      throw new InvalidArgumentError(path, value, 'JSON data (no bigint, function or symbol)');
  }
}

function requireJsonExactObject(value: object, path: string, ancestors: unknown[], depth: number): void {
  if (depth >= MAX_DEPTH) throw new InvalidArgumentError(path, '(nested deeper)', `data nested at most ${MAX_DEPTH} levels`);
  if (ancestors.includes(value)) throw new InvalidArgumentError(path, '(a cycle)', 'data without cycles');
  ancestors.push(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item === undefined) throw new InvalidArgumentError(`${path}[${index}]`, item, 'a JSON value (undefined in an array reads back as null)');
      requireJsonExact(item, `${path}[${index}]`, ancestors, depth + 1);
    });
  } else {
    for (const key of Object.keys(value)) requireJsonExact((value as Record<string, unknown>)[key], `${path}.${key}`, ancestors, depth + 1);
  }
  ancestors.pop();
}

function truncate(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
