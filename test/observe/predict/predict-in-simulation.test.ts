import { describe, expect, it } from 'vitest';
// Through the public entry point: what a user imports.
import {
  CusumPredictor, EwmaPredictor, HoltPredictor, Simulation, leadTimeTradeoffSvg, metricStreams, predictStreams, predictorSweep, scorePredictions,
  type PredictionIncident, type Predictor,
} from '../../../src/index.js';

const LEAK_ONSET_MS = 20_000;
const LEAK_MB_PER_SEC = 4;
const MEMORY_LIMIT_MB = 500;
/** 100 MB + 4 MB/s from 20 s reaches 500 MB at 120 s: the out-of-memory crash. */
const CRASH_MS = LEAK_ONSET_MS + ((MEMORY_LIMIT_MB - 100) / LEAK_MB_PER_SEC) * 1_000;

/**
 * Three nodes report their resident memory every 500 ms: about 100 MB with N(0, 2²) MB of noise
 * from their own seeded stream; n1 leaks 4 MB/s from 20 s, and the test crashes it at 120 s, when
 * it reaches its 500 MB limit.
 */
function leakingFleet(): Simulation {
  const sim = new Simulation({ seed: 14 });
  for (const id of ['n1', 'n2', 'n3']) {
    sim.addNode(id, (ctx) => {
      const report = (): void => {
        const leakMb = id === 'n1' ? Math.max(0, ctx.now() - LEAK_ONSET_MS) * (LEAK_MB_PER_SEC / 1_000) : 0;
        ctx.metrics.gauge('resident_memory_mb').set(100 + leakMb + ctx.rng.normal(0, 2));
      };
      return {
        onStart() { report(); ctx.setTimer(500, 'report'); },
        onTimer() { report(); ctx.setTimer(500, 'report'); },
      };
    });
  }
  sim.scheduleAt(CRASH_MS, () => sim.crash('n1'));
  sim.run({ until: 180_000 });
  return sim;
}

const incidents: PredictionIncident[] = [{ target: 'n1', onsetMs: LEAK_ONSET_MS, failureMs: CRASH_MS }];

describe('predictors reading a simulation’s metrics registry', () => {
  const sim = leakingFleet();
  const streams = metricStreams(sim.metrics, 'resident_memory_mb');
  const predictors: Record<string, () => Predictor> = {
    holt: () => new HoltPredictor({ alpha: 0.3, beta: 0.1, threshold: MEMORY_LIMIT_MB, horizonMs: 30_000 }),
    ewma: () => new EwmaPredictor({ lambda: 0.2, threshold: 3, warmupSamples: 15 }),
    cusum: () => new CusumPredictor({ k: 0.5, h: 5, warmupSamples: 15 }),
    'ewma, known baseline': () => new EwmaPredictor({ lambda: 0.2, threshold: 3, baseline: { mean: 100, stdDev: 2 } }),
  };
  const score = (name: string) => scorePredictions(predictStreams(streams, predictors[name]!), incidents, { fromMs: 0, untilMs: 180_000 });

  it('reads one stream per node from the sampled gauge, still sampled (frozen) after the crash', () => {
    expect(streams.map((stream) => stream.target)).toEqual(['n1', 'n2', 'n3']);
    const n1 = streams[0]!.samples;
    expect(n1.length).toBe(181); // one a second, 0 s to 180 s
    expect(n1.at(-1)!.value).toBe(n1.find((sample) => sample.timeMs === CRASH_MS)!.value);
  });

  it("holt forecasts n1's out-of-memory crash 28 s ahead, the crossing within 1.3 s, with no false alarm", () => {
    const alarms = predictStreams(streams, predictors['holt']!);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!).toMatchObject({ target: 'n1', timeMs: 92_000 });
    expect(Math.abs(alarms[0]!.estimatedFailureMs! - CRASH_MS)).toBeLessThan(1_300);
    expect(score('holt')).toMatchObject({ recall: 1, precision: 1, falseAlarmsPerHour: 0, leadTime: { p50Ms: 28_000 } });
  });

  it('ewma and cusum see the leak 3 s after its onset (97 s of lead), but their 15-sample baselines cost two false alarms on n2', () => {
    for (const name of ['ewma', 'cusum']) {
      const result = score(name);
      expect(result).toMatchObject({ recall: 1, trueAlarms: 1, leadTime: { p50Ms: 97_000 } });
      expect(result.incidents[0]!.firstAlarmMs).toBe(LEAK_ONSET_MS + 3_000);
      expect(result.falseAlarms.map((alarm) => alarm.target)).toEqual(['n2', 'n2']);
      expect(result.falseAlarmsPerHour).toBe(40); // 2 in 180 s
    }
  });

  it("the false alarms are n2's own noise (15 s averaging +1.25σ at 60–75 s): the known baseline raises them too", () => {
    const result = score('ewma, known baseline');
    expect(result.falseAlarms.map((alarm) => [alarm.target, alarm.timeMs])).toEqual([['n2', 62_000], ['n2', 67_000]]);
    expect(result.leadTime.p50Ms).toBe(97_000);
  });

  it('a threshold sweep trades lead time for false alarms, drawn as a trade-off picture', () => {
    const points = predictorSweep({
      streams, incidents, fromMs: 0, untilMs: 180_000,
      families: [
        { name: 'ewma', parameter: 'threshold', values: [2, 3, 4, 6], create: (threshold) => new EwmaPredictor({ lambda: 0.2, threshold, warmupSamples: 15 }) },
        { name: 'cusum', parameter: 'h', values: [3, 5, 8, 12], create: (h) => new CusumPredictor({ k: 0.5, h, warmupSamples: 15 }) },
        { name: 'holt', parameter: 'horizonMs', values: [10_000, 30_000, 60_000], create: (horizonMs) => new HoltPredictor({ alpha: 0.3, beta: 0.1, threshold: MEMORY_LIMIT_MB, horizonMs }) },
      ],
    });
    expect(points.map((point) => [point.family, point.value, point.medianLeadTimeMs, point.falseAlarmsPerHour, point.recall])).toEqual([
      ['ewma', 2, 98_000, 80, 1], ['ewma', 3, 97_000, 40, 1], ['ewma', 4, 97_000, 0, 1], ['ewma', 6, 96_000, 0, 1],
      ['cusum', 3, 98_000, 100, 1], ['cusum', 5, 97_000, 40, 1], ['cusum', 8, 97_000, 20, 1], ['cusum', 12, 96_000, 0, 1],
      ['holt', 10_000, 9_000, 0, 1], ['holt', 30_000, 28_000, 0, 1], ['holt', 60_000, 59_000, 0, 1],
    ]);
    const family = (name: string) => points.filter((point) => point.family === name);
    for (const name of ['ewma', 'cusum']) {
      const rates = family(name).map((point) => point.falseAlarmsPerHour);
      expect(rates).toEqual([...rates].sort((a, b) => b - a)); // a higher threshold never adds false alarms here
      expect(rates[0]).toBeGreaterThan(rates.at(-1)!);
    }
    const holtLeads = family('holt').map((point) => point.medianLeadTimeMs!);
    expect(holtLeads).toEqual([...holtLeads].sort((a, b) => a - b)); // a longer horizon warns earlier
    const svg = leadTimeTradeoffSvg(points, { title: 'Memory-leak predictors <seed 14>' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Memory-leak predictors &lt;seed 14&gt;');
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('holt (horizonMs)');
  });
});
