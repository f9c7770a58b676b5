/**
 * A tiny seeded generator (mulberry32) for inputs the benchmarks precompute outside the timed
 * region, so every implementation under comparison sees exactly the same numbers.
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` draws from Exp(mean), from the seeded generator. */
export function exponentialDraws(count: number, mean: number, seed: number): Float64Array {
  const next = mulberry32(seed);
  const draws = new Float64Array(count);
  for (let index = 0; index < count; index++) draws[index] = -mean * Math.log(1 - next());
  return draws;
}
