import { describe, expect, it } from 'vitest';
import { swimNode, swimSuspicionTimeoutAfter, swimSuspicionTimeoutMs, type SwimHandlers } from '../../src/detectors/swim.js';
import { Simulation } from '../../src/simulation.js';

// Expected values worked out by hand from memberlist's Go (util.go, suspicion.go):
//
//   suspicionTimeout(mult, n, interval) =
//     Duration(mult) * Duration(max(1, log10(max(1, n))) * 1000) * interval / 1000
//
// The Duration conversion truncates the scale to thousandths: S = ⌊1000 · max(1, log10 n)⌋, and
// the timeout is mult · S · interval / 1000 (exact: interval is whole nanoseconds).

describe('swimSuspicionTimeoutMs matches memberlist suspicionTimeout', () => {
  // [n, expected ms]; the comment shows the working.
  const defaults: Array<[number, number]> = [
    [1, 4_000], //      log10 1 = 0          → scale 1       → S 1000 → 4 · 1000
    [2, 4_000], //      log10 2 = 0.30103    → scale 1       → S 1000
    [10, 4_000], //     log10 10 = 1         → S 1000
    [11, 4_164], //     log10 11 = 1.041393  → S 1041 → 4 · 1041 (float: 4165.57)
    [50, 6_792], //     log10 50 = 1.698970  → S 1698 → 4 · 1698 (float: 6795.88)
    [99, 7_980], //     log10 99 = 1.995635  → S 1995
    [100, 8_000], //    log10 100 = 2        → S 2000
    [500, 10_792], //   log10 500 = 2.698970 → S 2698 (float: 10795.88)
    [999, 11_996], //   log10 999 = 2.999566 → S 2999
    [1_000, 12_000], // log10 1000 = 3       → S 3000
    [1_001, 12_000], // log10 1001 = 3.000434 → S 3000 (float: 12001.74)
  ];
  for (const [n, expected] of defaults) {
    it(`n = ${n}, SuspicionMult 4, ProbeInterval 1 s: ${expected} ms`, () => {
      expect(swimSuspicionTimeoutMs(4, n, 1_000)).toBe(expected);
    });
  }

  it('other multipliers and intervals truncate the same way', () => {
    expect(swimSuspicionTimeoutMs(3, 50, 1_000)).toBe(5_094); // 3 · 1698 (float: 5096.9)
    expect(swimSuspicionTimeoutMs(3, 500, 1_000)).toBe(8_094); // 3 · 2698 (float: 8096.9)
    expect(swimSuspicionTimeoutMs(4, 50, 500)).toBe(3_396); // 4 · 1698 · 500 / 1000
    expect(swimSuspicionTimeoutMs(5, 21, 1_000)).toBe(6_610); // log10 21 = 1.322219 → 5 · 1322
    expect(swimSuspicionTimeoutMs(4, 0, 1_000)).toBe(4_000); // max(1, n) guards log10 0
  });
});

// remainingSuspicionTime(c, k, elapsed, min, max):
//   frac = ln(c + 1) / ln(k + 1); raw = max.Seconds() − frac · (max.Seconds() − min.Seconds())
//   timeout = Duration(⌊1000 · raw⌋) ms, raised to min
// newSuspicion starts the timer at max, or at min when k < 1.
describe('swimSuspicionTimeoutAfter matches memberlist newSuspicion / remainingSuspicionTime', () => {
  it('defaults at 50 nodes (min 6792, max 6 · 6792 = 40752, k = 4 − 2 = 2)', () => {
    expect(swimSuspicionTimeoutAfter(0, 2, 6_792, 40_752)).toBe(40_752); // newSuspicion: max
    // frac = ln 2 / ln 3 = 0.630930; 40.752 − 0.630930 · 33.96 = 19.325626 s
    expect(swimSuspicionTimeoutAfter(1, 2, 6_792, 40_752)).toBe(19_325);
    expect(swimSuspicionTimeoutAfter(2, 2, 6_792, 40_752)).toBe(6_792); // frac 1: min
    expect(swimSuspicionTimeoutAfter(3, 2, 6_792, 40_752)).toBe(6_792); // beyond k: never below min
  });

  it('defaults at 500 and 1000 nodes', () => {
    // 64.752 − 0.630930 · 53.96 = 30.707030 s
    expect(swimSuspicionTimeoutAfter(1, 2, 10_792, 64_752)).toBe(30_707);
    // 72 − 0.630930 · 60 = 34.144215 s
    expect(swimSuspicionTimeoutAfter(1, 2, 12_000, 72_000)).toBe(34_144);
  });

  it('works in float seconds as memberlist does, which can land just below a whole millisecond', () => {
    // SuspicionMult 5 (k = 3), 21 nodes: min 6610, max 39660. One confirmation: frac = ln 2 / ln 4
    // = 0.5 exactly; 39.66 − 0.5 · (39.66 − 6.61) is 23.135 on paper but 23.134999999999998 in
    // float64, so memberlist floors 23134.999999999996 to 23134 (in ms, 39660 − 0.5 · 33050 = 23135).
    expect(swimSuspicionTimeoutAfter(1, 3, 6_610, 39_660)).toBe(23_134);
    // ln 3 / ln 4 = 0.792481; 39.66 − 0.792481 · 33.05 = 13.468495 s
    expect(swimSuspicionTimeoutAfter(2, 3, 6_610, 39_660)).toBe(13_468);
    // frac 1: 6.609999999999999 s floors to 6609 ms, below min: raised to 6610.
    expect(swimSuspicionTimeoutAfter(3, 3, 6_610, 39_660)).toBe(6_610);
  });

  it('with no confirmation yet, max itself (newSuspicion), not floored to whole ms', () => {
    expect(swimSuspicionTimeoutAfter(0, 2, 4_000.25, 24_001.5)).toBe(24_001.5);
  });

  it('with no confirmations expected, min from the start', () => {
    expect(swimSuspicionTimeoutAfter(0, 0, 6_792, 40_752)).toBe(6_792);
    expect(swimSuspicionTimeoutAfter(0, 0.5, 6_792, 40_752)).toBe(6_792);
  });
});

describe('a SWIM node uses the truncated timeouts', () => {
  it('reports [4164, 24984] ms as its suspicion timeout bounds in an 11-node cluster', () => {
    const sim = new Simulation({ seed: 1 });
    const ids = Array.from({ length: 11 }, (_, index) => `n${index + 1}`);
    for (const id of ids) sim.addNode(id, swimNode());
    sim.run({ until: 3_000 });
    for (const id of ids) {
      expect(sim.node<SwimHandlers>(id).handlers.members().size).toBe(11);
      expect(sim.node<SwimHandlers>(id).handlers.suspicionTimeoutBounds()).toEqual([4_164, 6 * 4_164]);
    }
  });
});
