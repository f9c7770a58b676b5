import fc from 'fast-check';
import type { Fault } from '../../faults/fault.js';
import type { DegradationKind } from '../../faults/models/degradation/kinds.js';
import type { KindDraw } from './fault-kinds.js';

const MiB = 2 ** 20;

/**
 * The target and params of a degradation fault, in the documented ranges: `timeToFailureMs` an
 * integer in [minDurationMs, maxDurationMs] (so a fault may strike before its end, or be repaired
 * first), `shape` linear or exponential, `outcome` crash or degrade, `noise` 0–20 %, and per kind
 * a leak of 64 MiB–4 GiB, an added write latency of 10–500 ms, a peak error rate of 10–100 %, an
 * added service time of 1–100 ms. Shrinks towards the first node, the shortest time to failure,
 * a linear crash without noise and the smallest peak. Internal.
 */
export function degradationTargets(kind: DegradationKind, draw: KindDraw): fc.Arbitrary<Pick<Fault, 'target' | 'params'>> {
  const minMs = Math.max(1, Math.ceil(draw.minDurationMs));
  const ramp = fc.record({
    timeToFailureMs: fc.integer({ min: minMs, max: Math.max(minMs, Math.floor(draw.maxDurationMs)) }),
    shape: fc.constantFrom('linear', 'exponential'),
    outcome: fc.constantFrom('crash', 'degrade'),
    noise: fc.integer({ min: 0, max: 20 }).map((percent) => percent / 100),
  });
  return fc.tuple(fc.constantFrom(...draw.nodes), ramp, peaksOf(kind)).map(([target, common, peaks]) => ({ target, params: { ...common, ...peaks } }));
}

function peaksOf(kind: DegradationKind): fc.Arbitrary<Record<string, number>> {
  const errorRate = fc.integer({ min: 10, max: 100 }).map((percent) => percent / 100);
  switch (kind) {
    case 'memory-leak':
      return fc.integer({ min: 64, max: 4_096 }).map((mebibytes) => ({ leakBytes: mebibytes * MiB }));
    case 'disk-wearout':
      return fc.tuple(fc.integer({ min: 10, max: 500 }), errorRate).map(([extraWriteLatencyMs, peakErrorProbability]) => ({ extraWriteLatencyMs, peakErrorProbability }));
    case 'latency-creep':
      return fc.integer({ min: 1, max: 100 }).map((extraServiceMs) => ({ extraServiceMs }));
    case 'error-ramp':
      return errorRate.map((peakErrorProbability) => ({ peakErrorProbability }));
  }
}
