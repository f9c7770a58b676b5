// Internal: records keyed by user-chosen strings (node ids, elements, store keys). A node may be
// called 'constructor' or '__proto__', so reads check own properties and writes never go through
// the prototype's setters. Every record built here has its keys sorted, so a merge's result is
// the same object, key for key and in JSON, whichever side it was called from.

/** The value under `key` if `record` has it as its own property. */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A fresh record holding `entries`, keys in sorted order (later duplicates win). */
export function sortedRecord<V>(entries: ReadonlyArray<readonly [string, V]>): Record<string, V> {
  const sorted = [...entries].sort(([left], [right]) => compareStrings(left, right));
  const record: Record<string, V> = {};
  for (const [key, value] of sorted) setOwn(record, key, value);
  return record;
}

/** `record` with `key` set to `value`, keys sorted. */
export function withEntry<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  const entries = Object.entries(record).filter(([other]) => other !== key);
  entries.push([key, value]);
  return sortedRecord(entries);
}

/** The union of both records' keys, sorted. */
export function unionKeys(left: Readonly<Record<string, unknown>>, right: Readonly<Record<string, unknown>>): string[] {
  const keys = new Set(Object.keys(left));
  for (const key of Object.keys(right)) keys.add(key);
  return [...keys].sort(compareStrings);
}

/** Code-unit order, the same on every engine and locale. */
export function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function setOwn<V>(record: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
