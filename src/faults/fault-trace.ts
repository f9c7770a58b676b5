import type { WorldKernel } from '../world/world-kernel.js';
import type { FaultLogEntry } from './fault.js';

// A tag mixed into the trace hash for every fault applied or reverted.
const HASH_FAULT = 0x66617574;

/** Mixes a fault's start or end into the trace hash and records it in the trace. */
export function noteFaultInTrace(kernel: WorldKernel, entry: FaultLogEntry): void {
  const hash = kernel.hash;
  hash.mixInt(HASH_FAULT);
  hash.mixInt(entry.faultId);
  hash.mixInt(entry.phase === 'apply' ? 1 : 2);
  // The record itself: two schedules that differ only in a parameter must not hash alike.
  hash.mixString(canonicalJsonOf(entry.fault));
  const loop = kernel.loop;
  loop.trace?.push({ timeMs: loop.now, type: 'fault', node: entry.fault.target, detail: { phase: entry.phase, faultId: entry.faultId, fault: entry.fault } });
}

/**
 * The canonical JSON of a logged fault, made once for its start and reused for its end. Logged
 * faults are deep-frozen copies, so the text cannot go stale; a short property-test case spent
 * about 3 % of its time writing it twice.
 */
const canonicalTexts = new WeakMap<object, string>();

function canonicalJsonOf(fault: object): string {
  let text = canonicalTexts.get(fault);
  if (text === undefined) {
    text = canonicalJson(fault);
    canonicalTexts.set(fault, text);
  }
  return text;
}

/** JSON with object keys sorted at every level, so equal records hash alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let text = '[';
    // A hole writes nothing, as `map` and `join` did before: hashes stay as they were.
    for (let index = 0; index < value.length; index++) text += (index === 0 ? '' : ',') + (index in value ? canonicalJson(value[index]) : '');
    return `${text}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    let text = '{';
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item !== undefined) text += (text.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(item);
    }
    return `${text}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
