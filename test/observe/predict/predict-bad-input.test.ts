import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { FaultlineError, InvalidArgumentError } from '../../../src/errors.js';
import { EventLoop } from '../../../src/kernel/event-loop.js';
import { MetricsRegistry, type SeriesView } from '../../../src/observe/metrics/registry.js';
import { CusumPredictor } from '../../../src/observe/predict/cusum-predictor.js';
import { EwmaPredictor } from '../../../src/observe/predict/ewma-predictor.js';
import { HoltPredictor } from '../../../src/observe/predict/holt-predictor.js';
import { leadTimeTradeoffSvg } from '../../../src/observe/predict/lead-time-svg.js';
import { detectLogAnomalies, LogRatePredictor } from '../../../src/observe/predict/log-anomaly.js';
import { metricStreams, seriesSamples } from '../../../src/observe/predict/metric-streams.js';
import { scorePredictions } from '../../../src/observe/predict/prediction-score.js';
import { predictorSweep } from '../../../src/observe/predict/predictor-sweep.js';
import { runPredictor, type Predictor } from '../../../src/observe/predict/predictor.js';
import { expectInvalidArgument } from '../../detectors/expect-invalid.js';

const builtIns: Record<string, () => Predictor> = {
  ewma: () => new EwmaPredictor({ warmupSamples: 2 }),
  cusum: () => new CusumPredictor({ warmupSamples: 2 }),
  holt: () => new HoltPredictor({ threshold: 10, horizonMs: 1_000, warmupSamples: 2 }),
  'log rate': () => new LogRatePredictor({ warmupBuckets: 1 }),
};

/** Any finite number, including the huge and the tiny. */
const anyFinite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('predictor options out of range', () => {
  fcTest.prop([fc.oneof(fc.double({ max: 0 }), fc.double({ min: 1, minExcluded: true }), fc.constant(Number.NaN))])(
    'EWMA lambda outside (0, 1] is an InvalidArgumentError naming it',
    (lambda) => expectInvalidArgument(() => new EwmaPredictor({ lambda }), 'EWMA predictor options.lambda'),
  );

  fcTest.prop([fc.oneof(fc.double({ max: 0 }), fc.double({ min: 1, minExcluded: true })), fc.constantFrom('alpha', 'beta')])(
    'Holt alpha or beta outside (0, 1] is an InvalidArgumentError naming it',
    (weight, name) => expectInvalidArgument(() => new HoltPredictor({ threshold: 1, horizonMs: 1, [name]: weight }), `Holt predictor options.${name}`),
  );

  fcTest.prop([fc.double({ max: 0 })])('a threshold, h or horizon <= 0 and a negative k are refused', (bad) => {
    expectInvalidArgument(() => new EwmaPredictor({ threshold: bad }), 'EWMA predictor options.threshold');
    expectInvalidArgument(() => new CusumPredictor({ h: bad }), 'CUSUM predictor options.h');
    expectInvalidArgument(() => new HoltPredictor({ threshold: 1, horizonMs: bad }), 'Holt predictor options.horizonMs');
    expectInvalidArgument(() => new LogRatePredictor({ threshold: bad }), 'log rate detector options.threshold');
    if (bad < 0) expectInvalidArgument(() => new CusumPredictor({ k: bad }), 'CUSUM predictor options.k');
  });

  it('refuses unknown keys, a baseline with a warm-up, a warm-up of one, and a zero standard deviation', () => {
    expectInvalidArgument(() => new EwmaPredictor({ lamda: 0.2 } as never), 'EWMA predictor options.lamda');
    expectInvalidArgument(() => new CusumPredictor({ baseline: { mean: 0, stdDev: 1 }, warmupSamples: 5 }), 'CUSUM predictor options.warmupSamples');
    expectInvalidArgument(() => new EwmaPredictor({ warmupSamples: 1 }), 'EWMA predictor options.warmupSamples');
    expectInvalidArgument(() => new CusumPredictor({ baseline: { mean: 0, stdDev: 0 } }), 'CUSUM predictor options.baseline.stdDev');
    expectInvalidArgument(() => new HoltPredictor({ threshold: Number.NaN, horizonMs: 1 }), 'Holt predictor options.threshold');
    expectInvalidArgument(() => new HoltPredictor(undefined as never), 'Holt predictor options');
    expectInvalidArgument(() => new EwmaPredictor({ direction: 'sideways' as never }), 'EWMA predictor options.direction');
  });
});

describe('null is never an absent option', () => {
  it.each([
    ['EWMA lambda', () => new EwmaPredictor({ lambda: null } as never), 'EWMA predictor options.lambda'],
    ['CUSUM k', () => new CusumPredictor({ k: null } as never), 'CUSUM predictor options.k'],
    ['Holt beta', () => new HoltPredictor({ threshold: 1, horizonMs: 1, beta: null } as never), 'Holt predictor options.beta'],
    ['EWMA minStdDev', () => new EwmaPredictor({ minStdDev: null } as never), 'EWMA predictor options.minStdDev'],
    ['score toleranceMs', () => scorePredictions([], [], { fromMs: 0, untilMs: 1, toleranceMs: null } as never), 'prediction score options.toleranceMs'],
    ['log detector', () => detectLogAnomalies([], { template: 'x', bucketMs: 1, fromMs: 0, untilMs: 1, detector: null } as never), 'log rate detector options'],
    ['SVG width', () => leadTimeTradeoffSvg([{ family: 'f', value: 1, medianLeadTimeMs: 1, falseAlarmsPerHour: 0 }], { width: null } as never), 'options.width'],
  ])('%s', (_name, action, field) => expectInvalidArgument(action, field));
});

describe('non-finite values in a series', () => {
  fcTest.prop([fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e101, '3' as unknown as number), fc.nat({ max: 5 }), fc.constantFrom(...Object.keys(builtIns))])(
    'a bad value anywhere in a stream is an InvalidArgumentError naming the sample, before the predictor sees it',
    (bad, position, name) => {
      const samples = Array.from({ length: 6 }, (_, index) => ({ timeMs: index, value: index === position ? bad : 1 }));
      const seen: number[] = [];
      const inner = builtIns[name]!();
      const spy: Predictor = { update: (timeMs, value) => { seen.push(value); return inner.update(timeMs, value); } };
      expectInvalidArgument(() => runPredictor(spy, { target: 't', samples }), `stream.samples[${position}].value`);
      expect(seen.every((value) => Number.isFinite(value))).toBe(true);
    },
  );

  it('a series of the registry holding a NaN is refused by seriesSamples, naming the sample', () => {
    const view: SeriesView = { labels: { node: 'n1' }, timesMs: [0, 1_000], values: [[1], [Number.NaN]], resolution: 1 };
    expectInvalidArgument(() => seriesSamples(view), 'series.values[1][0]');
  });

  it('times that do not increase are refused', () => {
    expectInvalidArgument(() => runPredictor(new EwmaPredictor(), { target: 't', samples: [{ timeMs: 5, value: 1 }, { timeMs: 5, value: 1 }] }), 'stream.samples[1].timeMs');
  });

  it("a user predictor's NaN score is refused, never handed on as an alarm", () => {
    const broken: Predictor = { update: () => ({ alarm: true, score: Number.NaN }) };
    const error = (() => { try { runPredictor(broken, { target: 'db', samples: [{ timeMs: 0, value: 1 }] }); } catch (caught) { return caught; } })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe("verdict of the predictor at 0ms on 'db'.score");
  });

  fcTest.prop([fc.array(fc.tuple(fc.double({ min: 1e-300, max: 1e12, noNaN: true }), anyFinite), { minLength: 1, maxLength: 40 }), fc.constantFrom(...Object.keys(builtIns))])(
    'on any finite series a built-in returns finite alarms, or a typed error (Holt overflowing): never NaN',
    (steps, name) => {
      let timeMs = 0;
      const samples = steps.map(([stepMs, value]) => ({ timeMs: (timeMs += stepMs), value: Math.max(-1e100, Math.min(1e100, value)) }));
      try {
        const alarms = runPredictor(builtIns[name]!(), { target: 't', samples });
        for (const alarm of alarms) {
          expect(Number.isFinite(alarm.score)).toBe(true);
          if (alarm.estimatedFailureMs !== undefined) expect(Number.isFinite(alarm.estimatedFailureMs)).toBe(true);
        }
      } catch (error) {
        expect(error).toBeInstanceOf(FaultlineError);
      }
    },
  );
});

describe('predictors on metrics that do not exist', () => {
  const registry = new MetricsRegistry(new EventLoop({ seed: 1 }));
  registry.gauge('resident_memory_mb', { labelNames: ['node'] });

  fcTest.prop([fc.string({ minLength: 1, maxLength: 30 }).filter((name) => name !== 'resident_memory_mb')])('metricStreams names the missing metric', (name) => {
    const error = (() => { try { metricStreams(registry, name); } catch (caught) { return caught; } })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe('metric name');
    expect((error as InvalidArgumentError).value).toBe(name);
    expect((error as InvalidArgumentError).message).toContain('resident_memory_mb'); // the known ones
  });

  it('a metric made but never sampled gives no streams; a series without the target label is refused', () => {
    expect(metricStreams(registry, 'resident_memory_mb')).toEqual([]);
    const loop = new EventLoop({ seed: 1 });
    const unlabelled = new MetricsRegistry(loop);
    unlabelled.gauge('queue_depth').set(3);
    loop.run({ until: 0 });
    expectInvalidArgument(() => metricStreams(unlabelled, 'queue_depth'), 'metric stream options.targetLabel');
    unlabelled.gauge('disk_latency_ms', { labelNames: ['disk'] }).set(7, { disk: 'sda' });
    loop.run({ until: 1_000 });
    expect(metricStreams(unlabelled, 'disk_latency_ms', { targetLabel: 'disk' }).map((stream) => [stream.target, stream.samples.at(-1)!.value])).toEqual([['sda', 7]]);
  });
});

describe('scoring and sweeping bad input', () => {
  fcTest.prop([anyFinite, fc.double({ min: 1e-9, max: 1e9, noNaN: true })])('a failure before its onset names the incident', (onsetMs, beforeMs) => {
    fc.pre(onsetMs - beforeMs < onsetMs);
    expectInvalidArgument(() => scorePredictions([], [{ target: 'a', onsetMs, failureMs: onsetMs - beforeMs }], { fromMs: 0, untilMs: 1 }), 'incidents[0].failureMs');
  });

  it('refuses an empty window, a negative tolerance, unknown keys and malformed alarms', () => {
    expectInvalidArgument(() => scorePredictions([], [], { fromMs: 5, untilMs: 5 }), 'prediction score options.untilMs');
    expectInvalidArgument(() => scorePredictions([], [], { fromMs: 0, untilMs: 5, toleranceMs: -1 }), 'prediction score options.toleranceMs');
    expectInvalidArgument(() => scorePredictions([], [], { fromMs: 0, untilMs: 5, graceMs: 1 } as never), 'prediction score options.graceMs');
    expectInvalidArgument(() => scorePredictions([{ target: 'a', timeMs: Number.NaN, score: 1 }], [], { fromMs: 0, untilMs: 5 }), 'alarms[0].timeMs');
    expectInvalidArgument(() => scorePredictions([], [{ target: '', onsetMs: 0 }], { fromMs: 0, untilMs: 5 }), 'incidents[0].target');
  });

  it('a sweep refuses duplicate families and non-finite values; the SVG refuses points with nothing to draw', () => {
    const family = { name: 'ewma', parameter: 'threshold', values: [3], create: (threshold: number) => new EwmaPredictor({ threshold }) };
    expectInvalidArgument(() => predictorSweep({ streams: [], incidents: [], fromMs: 0, untilMs: 1, families: [family, family] }), 'sweep options.families[1].name');
    expectInvalidArgument(() => predictorSweep({ streams: [], incidents: [], fromMs: 0, untilMs: 1, families: [{ ...family, values: [Infinity] }] }), 'sweep options.families[0].values[0]');
    expectInvalidArgument(() => leadTimeTradeoffSvg([{ family: 'f', value: 1, medianLeadTimeMs: undefined, falseAlarmsPerHour: 0 }]), 'points');
    expectInvalidArgument(() => leadTimeTradeoffSvg([{ family: 'f', value: 1, medianLeadTimeMs: 5, falseAlarmsPerHour: -1 }]), 'points[0].falseAlarmsPerHour');
  });

  it('the log detector refuses an empty template, a window of no whole bucket, and too many buckets', () => {
    const base = { template: 'x', bucketMs: 10, fromMs: 0, untilMs: 100 };
    expectInvalidArgument(() => detectLogAnomalies([], { ...base, template: '' }), 'log rate options.template');
    expectInvalidArgument(() => detectLogAnomalies([], { ...base, untilMs: 5 }), 'log rate options.untilMs');
    expectInvalidArgument(() => detectLogAnomalies([], { ...base, bucketMs: 1e-6, untilMs: 1e9 }), 'log rate options.untilMs');
    expectInvalidArgument(() => detectLogAnomalies([], { ...base, detector: { alpha: 2 } }), 'log rate detector options.alpha');
  });
});
