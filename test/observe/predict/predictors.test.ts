import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/kernel/rng.js';
import { CusumPredictor } from '../../../src/observe/predict/cusum-predictor.js';
import { EwmaPredictor } from '../../../src/observe/predict/ewma-predictor.js';
import { HoltPredictor } from '../../../src/observe/predict/holt-predictor.js';
import { scorePredictions } from '../../../src/observe/predict/prediction-score.js';
import { predictStreams, runPredictor, type MetricSample, type Predictor } from '../../../src/observe/predict/predictor.js';

/** x = slope·k at k seconds, k = first..last. */
function ramp(slope: number, first: number, last: number): MetricSample[] {
  return Array.from({ length: last - first + 1 }, (_, index) => ({ timeMs: (first + index) * 1_000, value: slope * (first + index) }));
}

/** 500 samples, one a second, of N(50, 2²) noise from a seeded stream. */
function flatNoise(seed: number): MetricSample[] {
  const rng = new Rng(seed, 'flat-noise');
  return Array.from({ length: 500 }, (_, index) => ({ timeMs: index * 1_000, value: rng.normal(50, 2) }));
}

const SEEDS = Array.from({ length: 200 }, (_, index) => index + 1);
const SAMPLES = SEEDS.length * 500;

/** Upper tail of the standard normal, 1 − Φ(z) (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return 0.5 * poly * Math.exp(-x * x);
}

function alarmsOnFlatNoise(create: () => Predictor): number {
  return SEEDS.reduce((sum, seed) => sum + runPredictor(create(), { target: 'disk', samples: flatNoise(seed) }).length, 0);
}

describe('EwmaPredictor', () => {
  it('warns on a ramp at the sample its z-score first passes the threshold, 7 s before the crossing', () => {
    // λ = 0.5, μ₀ = 0, σ = 1, x = 1, 2, 3, … (one a second):
    //   z₁ = 0.5,   σ_z = √(1/3 · (1 − 1/4))  = 0.5     → score 1
    //   z₂ = 1.25,  σ_z = √(1/3 · (1 − 1/16)) = 0.559   → score 2.236
    //   z₃ = 2.125, σ_z = √(1/3 · (1 − 1/64)) = 0.5728  → score 3.710 > 3: alarm at 3 s
    const alarms = runPredictor(new EwmaPredictor({ lambda: 0.5, threshold: 3, baseline: { mean: 0, stdDev: 1 } }), { target: 'disk', samples: ramp(1, 1, 30) });
    expect(alarms).toHaveLength(1); // one episode: the ramp stays in alarm
    expect(alarms[0]!.timeMs).toBe(3_000);
    expect(alarms[0]!.score).toBeCloseTo(2.125 / Math.sqrt(63 / 192), 12);
    // The ramp crosses 10 (the failure) at 10 s: a 7 s lead.
    const score = scorePredictions(alarms, [{ target: 'disk', onsetMs: 1_000, failureMs: 10_000 }], { fromMs: 0, untilMs: 30_000 });
    expect(score.incidents[0]!.leadTimeMs).toBe(7_000);
  });

  it('estimates the baseline from the warm-up and judges only the samples after it', () => {
    const samples = [0, 2, 0, 2, 0, 2, 9].map((value, index) => ({ timeMs: index * 1_000, value }));
    // Warm-up of 6: μ₀ = 1, σ = √(6/5); the 7th sample, 9, gives z = λ·9 + (1−λ)·1 = 9 with λ = 1.
    const predictor = new EwmaPredictor({ lambda: 1, threshold: 3, warmupSamples: 6 });
    const verdicts = samples.map((sample) => predictor.update(sample.timeMs, sample.value));
    expect(verdicts.slice(0, 6).every((verdict) => !verdict.alarm && verdict.score === 0)).toBe(true);
    expect(verdicts[6]!.score).toBeCloseTo(8 / Math.sqrt(6 / 5), 12);
    expect(verdicts[6]!.alarm).toBe(true);
  });

  it('watches for a fall with direction down', () => {
    const falling = ramp(-1, 1, 10);
    expect(runPredictor(new EwmaPredictor({ lambda: 0.5, threshold: 3, baseline: { mean: 0, stdDev: 1 } }), { target: 'd', samples: falling })).toEqual([]);
    expect(runPredictor(new EwmaPredictor({ lambda: 0.5, threshold: 3, baseline: { mean: 0, stdDev: 1 }, direction: 'down' }), { target: 'd', samples: falling })[0]!.timeMs).toBe(3_000);
  });

  it('on flat noise raises no more alarms than its documented rate, 1 − Φ(3) per sample, over 200 seeds', () => {
    const create = (): EwmaPredictor => new EwmaPredictor({ lambda: 0.2, threshold: 3, baseline: { mean: 50, stdDev: 2 } });
    const bound = SAMPLES * normalTail(3); // 135
    const alarms = alarmsOnFlatNoise(create);
    expect(alarms).toBeLessThanOrEqual(bound);
    // σ_z,t is the exact spread of z: the samples in alarm are close to the documented 0.135%.
    let inAlarm = 0;
    for (const seed of SEEDS) {
      const predictor = create();
      for (const sample of flatNoise(seed)) if (predictor.update(sample.timeMs, sample.value).alarm) inAlarm++;
    }
    expect(inAlarm).toBeGreaterThan(bound / 2);
    expect(inAlarm).toBeLessThan(bound * 1.5);
    expect([alarms, inAlarm]).toEqual([80, 109]);
  });
});

describe('CusumPredictor', () => {
  it('signals a ramp when the sum passes h, restarts, and signals again; 14 s before the crossing', () => {
    // μ₀ = 0, σ = 1, k = 0.5, x = 0.5 k: S = 0, 0.5, 1.5, 3, 5 (not > 5), 7.5 → alarm at 6 s, restart;
    // then S₇ = 3, S₈ = 6.5 → alarm at 8 s.
    const alarms = runPredictor(new CusumPredictor({ k: 0.5, h: 5, baseline: { mean: 0, stdDev: 1 } }), { target: 'disk', samples: ramp(0.5, 1, 12) });
    expect(alarms.slice(0, 2)).toEqual([{ target: 'disk', timeMs: 6_000, score: 7.5 }, { target: 'disk', timeMs: 8_000, score: 6.5 }]);
    const score = scorePredictions(alarms, [{ target: 'disk', onsetMs: 1_000, failureMs: 20_000 }], { fromMs: 0, untilMs: 20_000 });
    expect(score.incidents[0]!.leadTimeMs).toBe(14_000);
    expect(score.precision).toBe(1);
  });

  it('on flat noise stays within its documented in-control run length (Siegmund: 938 samples at h = 5, 336 at h = 4)', () => {
    const h5 = alarmsOnFlatNoise(() => new CusumPredictor({ k: 0.5, h: 5, baseline: { mean: 50, stdDev: 2 } }));
    const h4 = alarmsOnFlatNoise(() => new CusumPredictor({ k: 0.5, h: 4, baseline: { mean: 50, stdDev: 2 } }));
    expect(h5).toBeLessThanOrEqual(SAMPLES / 938);
    expect(h4).toBeLessThanOrEqual(SAMPLES / 336);
    expect(h4).toBeGreaterThan(h5 * 2); // a lower h trades false alarms for speed
    expect([h5, h4]).toEqual([88, 282]);
  });
});

/**
 * Exact standard deviations of Holt's level and forecast at each step on unit-variance white
 * noise, from the filter's weights (both are linear in the samples); the largest after the warm-up.
 */
function holtMaxStdDev(alpha: number, beta: number, horizonMs: number, stepMs: number, steps: number, warmup: number): number {
  let level = [1];
  let trend = [0];
  let worst = 0;
  for (let step = 2; step <= steps; step++) {
    const nextLevel = level.map((weight, index) => (1 - alpha) * (weight + trend[index]! * stepMs));
    nextLevel.push(alpha);
    const nextTrend = nextLevel.map((weight, index) => (beta * (weight - (level[index] ?? 0))) / stepMs + (1 - beta) * (trend[index] ?? 0));
    level = nextLevel;
    trend = nextTrend;
    if (step < warmup) continue;
    const levelSpread = Math.sqrt(level.reduce((sum, weight) => sum + weight * weight, 0));
    const forecastSpread = Math.sqrt(level.reduce((sum, weight, index) => sum + (weight + horizonMs * trend[index]!) ** 2, 0));
    worst = Math.max(worst, levelSpread, forecastSpread);
  }
  return worst;
}

describe('HoltPredictor', () => {
  it('with α = β = 1 forecasts a ramp exactly and warns horizonMs before the crossing', () => {
    // x = 2 k at k s: level = x, trend = 0.002 per ms from the second sample; θ = 100 is reached at 50 s.
    // The forecast crossing is 50 s at every sample; it is within H = 20 s from t = 30 s on.
    const alarms = runPredictor(new HoltPredictor({ alpha: 1, beta: 1, threshold: 100, horizonMs: 20_000, warmupSamples: 2 }), { target: 'n1', samples: ramp(2, 0, 59) });
    expect(alarms).toEqual([{ target: 'n1', timeMs: 30_000, score: 100, estimatedFailureMs: 50_000 }]);
    const score = scorePredictions(alarms, [{ target: 'n1', onsetMs: 0, failureMs: 50_000 }], { fromMs: 0, untilMs: 60_000 });
    expect(score.incidents[0]!.leadTimeMs).toBe(20_000);
  });

  it('with smoothing converges on the ramp: same warning time, crossing estimate within 1 ms', () => {
    const alarms = runPredictor(new HoltPredictor({ alpha: 0.5, beta: 0.3, threshold: 100, horizonMs: 20_000 }), { target: 'n1', samples: ramp(2, 0, 59) });
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.timeMs).toBe(30_000);
    expect(Math.abs(alarms[0]!.estimatedFailureMs! - 50_000)).toBeLessThan(1);
  });

  it('gives no failure estimate while the trend heads away from the threshold', () => {
    const holt = new HoltPredictor({ alpha: 1, beta: 1, threshold: 100, horizonMs: 1_000, warmupSamples: 2 });
    holt.update(0, 10);
    expect(holt.update(1_000, 5)).toEqual({ alarm: false, score: 0 });
    expect(holt.update(2_000, 120)).toEqual({ alarm: true, score: 120 + 0.115 * 1_000, estimatedFailureMs: 2_000 });
  });

  it('on flat noise stays within its bound with θ at 4 of its largest forecast deviations above the mean', () => {
    const options = { alpha: 0.3, beta: 0.1, horizonMs: 10_000 };
    const spread = 2 * holtMaxStdDev(options.alpha, options.beta, options.horizonMs, 1_000, 500, 10);
    // Per sample P(alarm) <= P(level >= θ) + P(forecast >= θ) <= 2 (1 − Φ(4)): 6.3 over 100 000 samples.
    const bound = SAMPLES * 2 * normalTail(4);
    const alarms = alarmsOnFlatNoise(() => new HoltPredictor({ ...options, threshold: 50 + 4 * spread }));
    expect(alarms).toBeLessThanOrEqual(bound);
    // The bound is not vacuous: at 2 deviations the same noise does raise alarms.
    expect(alarmsOnFlatNoise(() => new HoltPredictor({ ...options, threshold: 50 + 2 * spread }))).toBeGreaterThan(0);
  });
});

describe('a user predictor', () => {
  it('plugs in through the same interface, and alarms are one per episode in time order', () => {
    const above = (limit: number): Predictor => ({ update: (_timeMs, value) => ({ alarm: value > limit, score: value }) });
    const samples = [1, 5, 6, 1, 7].map((value, index) => ({ timeMs: index * 10, value }));
    const alarms = predictStreams([{ target: 'a', samples }, { target: 'b', samples }], (target) => above(target === 'a' ? 4 : 6));
    expect(alarms).toEqual([
      { target: 'a', timeMs: 10, score: 5 },
      { target: 'a', timeMs: 40, score: 7 },
      { target: 'b', timeMs: 40, score: 7 },
    ]);
  });
});
