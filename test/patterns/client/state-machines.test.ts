import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Backoff, CircuitBreaker, Rng, RetryBudget, type CircuitState } from '../../../src/index.js';

function recordingBreaker(options: Partial<ConstructorParameters<typeof CircuitBreaker>[0]> = {}) {
  const transitions: [CircuitState, CircuitState, number][] = [];
  const breaker = new CircuitBreaker({ openDurationMs: 100, consecutiveFailures: 2, onTransition: (from, to, at) => transitions.push([from, to, at]), ...options });
  return { breaker, transitions };
}

describe('circuit breaker', () => {
  it('closed -> open after consecutiveFailures in a row; a success in between resets the run', () => {
    const { breaker, transitions } = recordingBreaker();
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    breaker.onSuccess(breaker.tryAcquire(1)!, 1);
    breaker.onFailure(breaker.tryAcquire(2)!, 2);
    expect(breaker.state).toBe('closed');
    breaker.onFailure(breaker.tryAcquire(3)!, 3);
    expect(transitions).toEqual([['closed', 'open', 3]]);
  });

  it('closed -> open on the failure rate only once minimumCalls outcomes are in', () => {
    const { breaker } = recordingBreaker({ consecutiveFailures: undefined, failureRate: 0.5, windowSize: 4, minimumCalls: 4 });
    for (const [t, ok] of [[0, false], [1, true], [2, false]] as const) {
      const permit = breaker.tryAcquire(t)!;
      if (ok) breaker.onSuccess(permit, t);
      else breaker.onFailure(permit, t);
    }
    expect(breaker.state).toBe('closed');
    breaker.onSuccess(breaker.tryAcquire(3)!, 3); // 2 of 4 failed: 0.5 reached, but on a success
    breaker.onFailure(breaker.tryAcquire(4)!, 4); // window slides: [true, false, true, false] -> 2/4
    expect(breaker.state).toBe('open');
  });

  it('open refuses until openDurationMs has passed, then half-open grants exactly halfOpenProbes permits', () => {
    const { breaker, transitions } = recordingBreaker({ halfOpenProbes: 2 });
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    expect(breaker.tryAcquire(99)).toBeUndefined();
    const first = breaker.tryAcquire(100);
    const second = breaker.tryAcquire(100);
    expect([first, second].every((p) => p !== undefined)).toBe(true);
    expect(breaker.tryAcquire(100)).toBeUndefined();
    expect(transitions.at(-1)).toEqual(['open', 'half-open', 100]);
    breaker.onSuccess(first!, 110);
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess(second!, 120);
    expect(transitions.at(-1)).toEqual(['half-open', 'closed', 120]);
  });

  it('half-open -> open on one failed probe, and the open period restarts from then', () => {
    const { breaker, transitions } = recordingBreaker();
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    breaker.onFailure(breaker.tryAcquire(150)!, 160);
    expect(transitions.map(([from, to]) => `${from}>${to}`)).toEqual(['closed>open', 'open>half-open', 'half-open>open']);
    expect(breaker.tryAcquire(259)).toBeUndefined();
    expect(breaker.tryAcquire(260)).toBeDefined();
  });

  it('ignores outcomes of permits granted before the last change of state', () => {
    const { breaker } = recordingBreaker();
    const slow = breaker.tryAcquire(0)!;
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    breaker.onFailure(breaker.tryAcquire(0)!, 0);
    breaker.tryAcquire(100); // half-open, one probe out
    breaker.onSuccess(slow, 101);
    expect(breaker.state).toBe('half-open');
  });
});

describe('back-off', () => {
  it('doubles from initialDelayMs and stops at maxDelayMs without jitter', () => {
    const backoff = new Backoff({ initialDelayMs: 10, maxDelayMs: 100, jitter: 'none' });
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoff.delayMs(retry, new Rng(1, 'x')))).toEqual([10, 20, 40, 80, 100, 100]);
    expect(new Backoff({ initialDelayMs: 1, maxDelayMs: 5, multiplier: 1e300 }).ceilingMs(50)).toBe(5);
  });

  fcTest.prop([fc.integer({ min: 1, max: 60 }), fc.integer(), fc.constantFrom('full' as const, 'equal' as const)])(
    'jitter stays within [0, ceiling) for full and [ceiling/2, ceiling) for equal, and replays per seed',
    (retry, seed, jitter) => {
      const backoff = new Backoff({ initialDelayMs: 3, maxDelayMs: 1_000, jitter });
      const ceiling = backoff.ceilingMs(retry);
      const delay = backoff.delayMs(retry, new Rng(seed, 'jitter'));
      expect(delay).toBeLessThan(ceiling);
      expect(delay).toBeGreaterThanOrEqual(jitter === 'full' ? 0 : ceiling / 2);
      expect(backoff.delayMs(retry, new Rng(seed, 'jitter'))).toBe(delay);
    },
  );
});

describe('retry budget', () => {
  it('spends its burst, then allows one retry per 1/retryRatio requests', () => {
    const budget = new RetryBudget({ retryRatio: 0.25, burstRetries: 1 });
    expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 3; i++) budget.noteRequest();
    expect(budget.tryRetry()).toBe(false);
    budget.noteRequest();
    expect(budget.tryRetry()).toBe(true);
    expect(budget.refusedRetries).toBe(2);
  });

  fcTest.prop([fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 20 }), fc.array(fc.boolean(), { maxLength: 300 })])(
    'retries granted never exceed burstRetries + retryRatio x requests',
    (retryRatio, burstRetries, steps) => {
      const budget = new RetryBudget({ retryRatio, burstRetries });
      let requests = 0;
      let retries = 0;
      for (const isRequest of steps) {
        if (isRequest) (budget.noteRequest(), requests++);
        else if (budget.tryRetry()) retries++;
        expect(retries).toBeLessThanOrEqual(burstRetries + retryRatio * requests + 1e-6);
      }
    },
  );
});
