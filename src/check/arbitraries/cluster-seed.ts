import fc from 'fast-check';

/**
 * An arbitrary of simulation seeds that fast-check never shrinks: a smaller seed is not a simpler
 * case, and changing the seed mid-shrink would change every latency and loss at once.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(clusterSeed(), faultSchedule({ nodes, horizonMs: 5_000 }), (seed, faults) => {
 *   checkCluster(scenario, { seed, faults });
 * }));
 * ```
 */
export function clusterSeed(): fc.Arbitrary<number> {
  return fc.noShrink(fc.integer({ min: 0, max: 2 ** 31 - 1 }));
}
