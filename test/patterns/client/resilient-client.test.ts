import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ResilientCallError, Simulation, resilientClient, type ResilientClientOptions } from '../../../src/index.js';

/** One client calling a server that answers after `serviceMs(n)` for its n-th request (1-based), or never when that is undefined. */
async function run(options: ResilientClientOptions, serviceMs: (n: number) => number | undefined) {
  const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
  let received = 0;
  sim.addNode('server', (ctx) => ({
    async onCall(_from, request) {
      const delayMs = serviceMs(++received);
      if (delayMs === undefined) return new Promise(() => undefined);
      await ctx.sleep(delayMs);
      return `${String(request)}#${received}`;
    },
  }));
  let outcome: unknown;
  let stats!: ReturnType<typeof resilientClient>['stats'];
  sim.addNode('client', (ctx) => {
    const client = resilientClient(ctx, options);
    stats = client.stats;
    return {
      async onStart() {
        outcome = await client.call('server', 'req').catch((error: unknown) => error);
      },
    };
  });
  await sim.runAsync({ until: 60_000 });
  return { outcome, stats, received, now: sim.now };
}

describe('resilient client', () => {
  it('hedging: the second copy answers first and wins; the slow first answer is ignored', async () => {
    const { outcome, stats } = await run({ timeoutMs: 500, hedge: { delayMs: 20 } }, (n) => (n === 1 ? 300 : 5));
    expect(outcome).toBe('req#2');
    expect(stats).toMatchObject({ attempts: 1, hedges: 1, succeeded: 1 });
  });

  it('hedging: a fast first answer wins and no hedge is sent', async () => {
    const { outcome, stats, received } = await run({ timeoutMs: 500, hedge: { delayMs: 20 } }, () => 5);
    expect(outcome).toBe('req#1');
    expect(stats.hedges).toBe(0);
    expect(received).toBe(1);
  });

  it('a budget with no retries fails with budget-exhausted after the first timeout', async () => {
    const { outcome } = await run({ timeoutMs: 50, maxAttempts: 5, retryBudget: { retryRatio: 0, burstRetries: 0 } }, () => undefined);
    expect(outcome).toBeInstanceOf(ResilientCallError);
    expect(outcome).toMatchObject({ reason: 'budget-exhausted', attempts: 1, code: 'RETRY_BUDGET_EXHAUSTED' });
  });

  it('an open breaker refuses the next attempt without sending it', async () => {
    const { outcome, received } = await run({ timeoutMs: 50, maxAttempts: 5, breaker: { consecutiveFailures: 2, openDurationMs: 10_000 } }, () => undefined);
    expect(outcome).toMatchObject({ reason: 'circuit-open', attempts: 2 });
    expect(received).toBe(2);
  });

  it('waits the jittered back-off between attempts', async () => {
    const { outcome, now } = await run({ timeoutMs: 50, maxAttempts: 3, backoff: { initialDelayMs: 100, maxDelayMs: 100, jitter: 'none' } }, (n) => (n < 3 ? undefined : 5));
    expect(outcome).toBe('req#3');
    expect(now).toBeGreaterThanOrEqual(50 + 100 + 50 + 100);
  });

  fcTest.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 8 })], { numRuns: 25 })(
    'never sends more than maxAttempts attempts, whatever the server fails',
    async (maxAttempts, failures) => {
      const { outcome, received, stats } = await run({ timeoutMs: 20, maxAttempts }, (n) => (n <= failures ? undefined : 1));
      expect(received).toBeLessThanOrEqual(maxAttempts);
      expect(stats.attempts).toBe(Math.min(maxAttempts, failures + 1));
      if (failures >= maxAttempts) expect(outcome).toMatchObject({ reason: 'attempts-exhausted' });
      else expect(outcome).toBe(`req#${failures + 1}`);
    },
  );
});
