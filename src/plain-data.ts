import { InvalidArgumentError } from './errors.js';

/** A JSON copy of `value`, after checking it is plain data that survives JSON unchanged. */
export function plainCopy(value: unknown, field: string): unknown {
  requirePlainData(value, field, new Set());
  return JSON.parse(JSON.stringify(value));
}

/** Throws InvalidArgumentError naming the first part of `value` that JSON would not carry unchanged. */
export function requirePlainData(value: unknown, field: string, ancestors: Set<unknown> = new Set()): void {
  const expected = 'plain data (JSON objects, arrays, strings, finite numbers, booleans, null), so the fault survives JSON.stringify unchanged';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(field, value, expected);
    return;
  }
  if (typeof value !== 'object') throw new InvalidArgumentError(field, value, expected);
  if (ancestors.has(value)) throw new InvalidArgumentError(field, '(a cycle)', expected);
  const isArray = Array.isArray(value);
  const prototype = Object.getPrototypeOf(value);
  if (!isArray && prototype !== Object.prototype && prototype !== null) throw new InvalidArgumentError(field, value, expected);
  ancestors.add(value);
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined && !isArray) continue;
    requirePlainData(child, isArray ? `${field}[${key}]` : `${field}.${key}`, ancestors);
  }
  if (isArray && (value as unknown[]).includes(undefined)) throw new InvalidArgumentError(field, value, expected);
  ancestors.delete(value);
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
