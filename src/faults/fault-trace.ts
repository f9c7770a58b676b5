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
  hash.mixString(canonicalJson(entry.fault));
  const loop = kernel.loop;
  loop.trace?.push({ timeMs: loop.now, type: 'fault', node: entry.fault.target, detail: { phase: entry.phase, faultId: entry.faultId, fault: entry.fault } });
}

/** JSON with object keys sorted at every level, so equal records hash alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
