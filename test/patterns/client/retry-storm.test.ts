import { describe, expect, it } from 'vitest';
import { LOAD_END_MS, SPIKE_END_MS, goodput, runStorm, timeToRecoverMs } from './storm-scenario.js';

const NAIVE = { timeoutMs: 500, maxAttempts: 4 };
const FIXED = {
  timeoutMs: 500,
  maxAttempts: 4,
  backoff: { initialDelayMs: 100, maxDelayMs: 2_000, jitter: 'full' as const },
  retryBudget: { retryRatio: 0.1 },
  breaker: { failureRate: 0.5, windowSize: 20, openDurationMs: 1_000 },
};

describe('retry storm', () => {
  it('naive immediate retries keep the server overloaded long after the spike; budget + jittered back-off + breaker let it recover', async () => {
    const naive = await runStorm({ client: NAIVE });
    const fixed = await runStorm({ client: FIXED });
    const afterSpike = [SPIKE_END_MS + 5_000, LOAD_END_MS] as const;
    // Same offered calls in both runs: only the clients' policy differs.
    expect(fixed.calls.length).toBe(naive.calls.length);
    expect(goodput(naive.calls, ...afterSpike)).toBeLessThan(0.05);
    expect(timeToRecoverMs(naive.calls)).toBe(Infinity);
    expect(naive.attempts).toBeGreaterThan(3 * naive.calls.length);
    expect(goodput(fixed.calls, ...afterSpike)).toBeGreaterThan(0.99);
    expect(timeToRecoverMs(fixed.calls)).toBeLessThanOrEqual(6_000);
    expect(fixed.attempts).toBeLessThan(1.2 * fixed.calls.length);
  });

  it('replays exactly: the same seed gives the same trace hash and the same outcomes', async () => {
    const first = await runStorm({ client: FIXED, seed: 3 });
    const second = await runStorm({ client: FIXED, seed: 3 });
    expect(second.hashHex).toBe(first.hashHex);
    expect(second.calls).toEqual(first.calls);
  });
});
