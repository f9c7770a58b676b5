/**
 * Failure detectors: the cost of one heartbeat and of one query, for each detector, on a steady
 * jittered heartbeat stream (100 ms ± 10 ms). Each case is its own detector instance; the figure
 * is operations per second (one op = one heartbeat, or one `suspicion` + `isAvailable` query).
 */
import {
  BertierDetector,
  ExponentialAccrualDetector,
  FixedTimeoutDetector,
  NfdEDetector,
  NfdSDetector,
  PhiAccrualDetector,
  SatzgerDetector,
  type FailureDetector,
} from '../src/index.js';
import type { BenchCase, Workload } from './measure.js';
import { exponentialDraws } from './random.js';

/** Operations per measured batch. */
const BATCH = 1 << 14;
const INTERVAL_MS = 100;
const JITTER = exponentialDraws(1 << 12, 10, 0xd37ec7);

const detectors: Record<string, () => FailureDetector> = {
  'fixed timeout': () => new FixedTimeoutDetector({ timeoutMs: 300 }),
  'phi accrual (logistic)': () => new PhiAccrualDetector({ threshold: 8 }),
  'phi accrual (exact)': () => new PhiAccrualDetector({ threshold: 8, cdf: 'exact' }),
  'exponential accrual': () => new ExponentialAccrualDetector({ threshold: 8 }),
  'Chen NFD-S': () => new NfdSDetector({ intervalMs: INTERVAL_MS, shiftMs: 150 }),
  'Chen NFD-E': () => new NfdEDetector({ intervalMs: INTERVAL_MS, safetyMarginMs: 50, windowSize: 1000 }),
  Bertier: () => new BertierDetector({ intervalMs: INTERVAL_MS, windowSize: 1000 }),
  Satzger: () => new SatzgerDetector({ threshold: 0.99, windowSize: 1000 }),
};

/** Heartbeats sent every 100 ms, arriving with an exponential delay; returns each arrival time. */
function arrivals(): (sequence: number) => number {
  let lastMs = 0;
  return (sequence) => {
    lastMs = Math.max(lastMs, sequence * INTERVAL_MS + JITTER[sequence & (JITTER.length - 1)]!);
    return lastMs;
  };
}

function heartbeatWorkload(create: () => FailureDetector): Workload {
  const detector = create();
  const arrival = arrivals();
  let sequence = 0;
  return {
    iterate() {
      for (let op = 0; op < BATCH; op++, sequence++) (detector.heartbeat as (nowMs: number, sequence?: number) => void)(arrival(sequence), sequence);
      return BATCH;
    },
  };
}

function queryWorkload(create: () => FailureDetector): Workload {
  const detector = create();
  const arrival = arrivals();
  for (let sequence = 0; sequence < 2_000; sequence++) (detector.heartbeat as (nowMs: number, sequence?: number) => void)(arrival(sequence), sequence);
  const lastMs = arrival(1_999);
  let sink = 0;
  return {
    iterate() {
      for (let op = 0; op < BATCH; op++) {
        const nowMs = lastMs + (op & 511);
        sink += detector.suspicion(nowMs) + (detector.isAvailable(nowMs) ? 1 : 0);
      }
      return sink >= 0 ? BATCH : 0;
    },
  };
}

/** One heartbeat case and one query case per detector. */
export function detectorCases(): BenchCase[] {
  return Object.entries(detectors).flatMap(([name, create]) => [
    { group: 'detector heartbeat', name, parameters: { windowSize: 1000 }, metric: 'opsPerSec' as const, create: () => heartbeatWorkload(create) },
    { group: 'detector query', name, parameters: { windowSize: 1000 }, metric: 'opsPerSec' as const, create: () => queryWorkload(create) },
  ]);
}
