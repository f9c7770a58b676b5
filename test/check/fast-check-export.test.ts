import fastCheck from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterSeed, faultSchedule, fc, workload } from '../../src/check/index.js';

describe('faultline/check re-exports its fast-check', () => {
  it('is the fast-check module the arbitraries are built with', () => {
    expect(fc).toBe(fastCheck);
    expect(faultSchedule({ nodes: ['n1', 'n2'], horizonMs: 1_000 })).toBeInstanceOf(fc.Arbitrary);
    expect(clusterSeed()).toBeInstanceOf(fc.Arbitrary);
    expect(workload({ clients: ['c1'], operation: fc.constant('read'), horizonMs: 1_000 })).toBeInstanceOf(fc.Arbitrary);
  });

  it('combines with the arbitraries in a property', () => {
    const details = fc.check(fc.property(fc.tuple(clusterSeed(), faultSchedule({ nodes: ['n1'], kinds: ['crash'], horizonMs: 500 })), ([, schedule]) => schedule.every((fault) => fault.atMs <= 500)), { numRuns: 20, seed: 3 });
    expect(details.failed).toBe(false);
    expect(details.numRuns).toBe(20);
  });
});
