import { describe, expect, it } from 'vitest';
import { scorePredictions, type PredictionIncident } from '../../../src/observe/predict/prediction-score.js';
import type { PredictionAlarm } from '../../../src/observe/predict/predictor.js';

const HOUR_MS = 3_600_000;

const incidents: PredictionIncident[] = [
  { target: 'a', onsetMs: 100_000, failureMs: 400_000 },
  { target: 'b', onsetMs: 200_000, failureMs: 300_000 },
  { target: 'c', onsetMs: 500_000 }, // stayed degraded
];

const alarm = (target: string, timeMs: number): PredictionAlarm => ({ target, timeMs, score: 1 });
const alarms: PredictionAlarm[] = [
  alarm('a', -5), // before the window: not scored
  alarm('a', 90_000), // 10 s before a's onset: true only with a tolerance of 10 s or more
  alarm('b', 100_000), // b's target, but 100 s before its onset: false
  alarm('a', 150_000), // true
  alarm('a', 400_000), // at a's failure: true, lead 0 if it were the first
  alarm('a', 400_001), // after a's failure: warns of nothing, false
  alarm('c', 3_000_000), // during c's degradation: true (c never failed: no lead time)
  alarm('x', 10), // no incident on x: false
  alarm('a', HOUR_MS), // at untilMs: not scored
];

describe('scorePredictions', () => {
  it('counts true and false alarms, precision, recall, false alarms per hour and lead times exactly', () => {
    const score = scorePredictions(alarms, incidents, { fromMs: 0, untilMs: HOUR_MS, toleranceMs: 20_000 });
    expect(score.alarms).toBe(7);
    expect(score.trueAlarms).toBe(4); // a@90 s, a@150 s, a@400 s, c@3000 s
    expect(score.falseAlarms.map((entry) => `${entry.target}@${entry.timeMs}`)).toEqual(['b@100000', 'a@400001', 'x@10']);
    expect(score.precision).toBe(4 / 7);
    expect(score.recall).toBe(2 / 3);
    expect(score.falseAlarmsPerHour).toBe(3);
    expect(score.incidents.map(({ caught, firstAlarmMs, leadTimeMs }) => [caught, firstAlarmMs, leadTimeMs])).toEqual([
      [true, 90_000, 310_000],
      [false, undefined, undefined],
      [true, 3_000_000, undefined],
    ]);
    expect(score.missed).toEqual([incidents[1]]);
    expect(score.leadTime).toMatchObject({ count: 1, meanMs: 310_000, p50Ms: 310_000, maxMs: 310_000 });
  });

  it('without a tolerance an alarm before the onset is false and the lead time shrinks to the next true alarm', () => {
    const score = scorePredictions(alarms, incidents, { fromMs: 0, untilMs: HOUR_MS });
    expect(score.trueAlarms).toBe(3);
    expect(score.falseAlarmsPerHour).toBe(4);
    expect(score.incidents[0]).toMatchObject({ firstAlarmMs: 150_000, leadTimeMs: 250_000 });
  });

  it('gives a lead time of 0 when the first true alarm comes at the failure itself', () => {
    const score = scorePredictions([alarm('a', 400_000)], incidents.slice(0, 1), { fromMs: 0, untilMs: HOUR_MS });
    expect(score.incidents[0]).toMatchObject({ caught: true, leadTimeMs: 0 });
  });

  it('counts an alarm true for two overlapping incidents on its target once, and catches both', () => {
    const overlapping = [{ target: 'a', onsetMs: 0, failureMs: 100 }, { target: 'a', onsetMs: 50, failureMs: 200 }];
    const score = scorePredictions([alarm('a', 60)], overlapping, { fromMs: 0, untilMs: 1_000 });
    expect(score.trueAlarms).toBe(1);
    expect(score.precision).toBe(1);
    expect(score.incidents.map((entry) => entry.leadTimeMs)).toEqual([40, 140]);
  });

  it('scales false alarms per hour to the window and scores every hour of a longer one', () => {
    const score = scorePredictions([alarm('x', 10), alarm('x', 20)], [], { fromMs: 0, untilMs: HOUR_MS / 2 });
    expect(score.falseAlarmsPerHour).toBe(4);
    expect(score.recall).toBeUndefined();
  });

  it('reports undefined (never NaN) with no alarms or no incidents, and skips incidents outside the window', () => {
    const score = scorePredictions([], [{ target: 'a', onsetMs: 0, failureMs: 500 }], { fromMs: 1_000, untilMs: 2_000 });
    expect(score.incidents).toEqual([]);
    expect(score).toMatchObject({ alarms: 0, precision: undefined, recall: undefined, falseAlarmsPerHour: 0 });
    expect(score.leadTime).toMatchObject({ count: 0, meanMs: undefined });
  });

  it('ignores extra fields on incidents, as degradationIncidents may carry them', () => {
    const withKind = [{ target: 'a', onsetMs: 0, failureMs: 100, kind: 'memory-leak', faultId: 3 }];
    expect(scorePredictions([alarm('a', 10)], withKind, { fromMs: 0, untilMs: 1_000 }).recall).toBe(1);
  });
});
