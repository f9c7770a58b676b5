import { describe, expect, it } from 'vitest';
import type { LogEntry, LogLevel } from '../../../src/world/event-log.js';
import { detectLogAnomalies, logRateStreams } from '../../../src/observe/predict/log-anomaly.js';
import { scorePredictions } from '../../../src/observe/predict/prediction-score.js';
import { Rng } from '../../../src/kernel/rng.js';
import { LogRatePredictor } from '../../../src/observe/predict/log-anomaly.js';
import { runPredictor } from '../../../src/observe/predict/predictor.js';

function entry(timeMs: number, node: string, message: string, level: LogLevel = 'info'): LogEntry {
  return { timeMs, localTimeMs: timeMs, node, level, message };
}

/**
 * db writes one `write failed: EIO` per 10 s bucket for 11 buckets, then 8 in the 12th (110–120 s)
 * and one a bucket after; api writes only `request served`.
 */
function handMadeLog(): LogEntry[] {
  const entries: LogEntry[] = [];
  for (let bucket = 0; bucket < 18; bucket++) {
    const start = bucket * 10_000;
    entries.push(entry(start + 1_000, 'api', `request served in ${bucket} ms`));
    const failures = bucket === 11 ? 8 : 1;
    for (let index = 0; index < failures; index++) entries.push(entry(start + 2_000 + index * 100, 'db', `write failed: ${index % 2 === 0 ? 'EIO' : 'ENOSPC'}`, 'error'));
    entries.push(entry(start + 3_000, 'db', 'read failed: EIO', 'error'));
  }
  return entries;
}

const WINDOW = { bucketMs: 10_000, fromMs: 0, untilMs: 180_000 };

describe('logRateStreams', () => {
  it('counts a template per node and bucket, with a stream of zeros for a node that never wrote it', () => {
    const streams = logRateStreams(handMadeLog(), { template: 'write failed: <*>', ...WINDOW });
    expect(streams.map((stream) => stream.target)).toEqual(['api', 'db']);
    expect(streams[0]!.samples.every((sample) => sample.value === 0)).toBe(true);
    expect(streams[1]!.samples.map((sample) => sample.value)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 1, 1, 1, 1, 1, 1]);
    expect(streams[1]!.samples[11]!.timeMs).toBe(120_000); // dated at the bucket's end
  });

  it('matches <*> against any text, anchored at both ends, and an exact template exactly', () => {
    const log = [entry(0, 'n', 'retry 1 of 3'), entry(1, 'n', 'retry 2 of 3 now'), entry(2, 'n', 'x retry 3 of 3'), entry(3, 'n', 'retry of'), entry(4, 'n', 'retry  of ')];
    const count = (template: string): number => logRateStreams(log, { template, bucketMs: 10, fromMs: 0, untilMs: 10 })[0]!.samples[0]!.value;
    expect(count('retry <*> of <*>')).toBe(3); // 'retry 1 of 3', 'retry 2 of 3 now', 'retry  of '
    expect(count('retry <*> of 3')).toBe(1);
    expect(count('retry of')).toBe(1);
    expect(count('<*>')).toBe(5);
  });

  it('counts only whole buckets and only what the query selects', () => {
    const streams = logRateStreams(handMadeLog(), { template: '<*> failed: EIO', bucketMs: 10_000, fromMs: 0, untilMs: 25_000, query: { node: 'db' } });
    expect(streams.map((stream) => [stream.target, stream.samples.map((sample) => sample.value)])).toEqual([['api', [0, 0]], ['db', [2, 2]]]);
  });
});

describe('detectLogAnomalies', () => {
  it('alarms on the burst bucket, z = (8 − 1) / √1 = 7, and is scored like any predictor', () => {
    const alarms = detectLogAnomalies(handMadeLog(), { template: 'write failed: <*>', ...WINDOW, detector: { threshold: 4, warmupBuckets: 10 } });
    expect(alarms).toEqual([{ target: 'db', timeMs: 120_000, score: 7 }]);
    const score = scorePredictions(alarms, [{ target: 'db', onsetMs: 110_000, failureMs: 150_000 }], { fromMs: 0, untilMs: 180_000 });
    expect(score).toMatchObject({ precision: 1, recall: 1, falseAlarmsPerHour: 0 });
    expect(score.incidents[0]!.leadTimeMs).toBe(30_000);
  });

  it('keeps the baseline from learning the burst: a second burst is judged against the old rate', () => {
    const log = handMadeLog();
    // 8 more in 130–140 s (9 in all): with the burst learnt, the baseline would be 1.63 and z 5.77.
    for (let index = 0; index < 8; index++) log.push(entry(132_000 + index * 100, 'db', 'write failed: EIO'));
    const alarms = detectLogAnomalies(log.sort((a, b) => a.timeMs - b.timeMs), { template: 'write failed: <*>', ...WINDOW });
    expect(alarms.map((alarm) => [alarm.timeMs, alarm.score])).toEqual([[120_000, 7], [140_000, 8]]);
  });

  it('with direction down, alarms when a steady message stops', () => {
    const log: LogEntry[] = [];
    for (let second = 0; second < 60; second++) if (second < 40) for (let beat = 0; beat < 25; beat++) log.push(entry(second * 1_000 + beat * 40, 'n1', 'heartbeat sent'));
    const alarms = detectLogAnomalies(log, { template: 'heartbeat sent', bucketMs: 1_000, fromMs: 0, untilMs: 60_000, detector: { direction: 'down' } });
    expect(alarms).toEqual([{ target: 'n1', timeMs: 41_000, score: 5 }]); // (25 − 0) / √25
  });
});

/** A Poisson(mean) count (Knuth's product of uniforms: exact, fine for small means). */
function poisson(rng: Rng, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = rng.random(); product > limit; product *= rng.random()) count++;
  return count;
}

/** P(C > mean + z √mean) for C ~ Poisson(mean): the documented per-bucket rate with the rate known. */
function poissonTail(mean: number, z: number): number {
  let term = Math.exp(-mean);
  let below = 0;
  for (let count = 0; count <= Math.floor(mean + z * Math.sqrt(mean)); count++) {
    below += term;
    term *= mean / (count + 1);
  }
  return 1 - below;
}

describe('LogRatePredictor on a steady rate (no failure)', () => {
  it('raises no more alarms than 3 times the Poisson tail it documents, over 200 series of 500 buckets', () => {
    const measured = [5, 20, 100].map((mean) => {
      let alarms = 0;
      for (let seed = 1; seed <= 200; seed++) {
        const rng = new Rng(seed, `poisson-${mean}`);
        const samples = Array.from({ length: 500 }, (_, index) => ({ timeMs: (index + 1) * 60_000, value: poisson(rng, mean) }));
        alarms += runPredictor(new LogRatePredictor({ threshold: 4 }), { target: 'n1', samples }).length;
      }
      const judged = 200 * (500 - 10); // the first 10 buckets are the warm-up
      expect(alarms, `mean ${mean}`).toBeLessThanOrEqual(3 * judged * poissonTail(mean, 4));
      return alarms;
    });
    expect(poissonTail(20, 4)).toBeCloseTo(2.17e-4, 6);
    expect(measured).toEqual([81, 32, 12]); // 1.2, 1.5 and 1.9 times the tail: the estimated baseline wanders
  });
});
