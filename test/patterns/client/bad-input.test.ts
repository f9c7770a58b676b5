import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AdmissionController, Backoff, CircuitBreaker, CoDel, InvalidArgumentError, RetryBudget, withLoadShedding } from '../../../src/index.js';

function fieldOf(build: () => unknown): string | undefined {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  return undefined;
}

describe('pattern options are checked at construction, naming the field', () => {
  it.each([
    ['min > max', () => new Backoff({ initialDelayMs: 100, maxDelayMs: 10 }), 'backoff.maxDelayMs'],
    ['multiplier < 1', () => new Backoff({ initialDelayMs: 1, maxDelayMs: 10, multiplier: 0.5 }), 'backoff.multiplier'],
    ['unknown jitter', () => new Backoff({ initialDelayMs: 1, maxDelayMs: 10, jitter: 'half' as never }), 'backoff.jitter'],
    ['unknown key', () => new Backoff({ initialDelayMs: 1, maxDelayMs: 10, maxDelay: 5 } as never), 'backoff.maxDelay'],
    ['ratio > 1', () => new RetryBudget({ retryRatio: 1.5 }), 'retryBudget.retryRatio'],
    ['fractional burst', () => new RetryBudget({ retryRatio: 0.1, burstRetries: 2.5 }), 'retryBudget.burstRetries'],
    ['no way to trip', () => new CircuitBreaker({ openDurationMs: 10 }), 'breaker.consecutiveFailures'],
    ['rate 0', () => new CircuitBreaker({ failureRate: 0, openDurationMs: 10 }), 'breaker.failureRate'],
    ['minimumCalls > windowSize', () => new CircuitBreaker({ failureRate: 0.5, windowSize: 5, minimumCalls: 6, openDurationMs: 10 }), 'breaker.minimumCalls'],
    ['no open duration', () => new CircuitBreaker({ consecutiveFailures: 1 } as never), 'breaker.openDurationMs'],
    ['target > interval', () => new CoDel({ targetDelayMs: 200, intervalMs: 100 }), 'codel.targetDelayMs'],
    ['zero concurrency', () => new AdmissionController({ maxConcurrent: 0 }), 'options.maxConcurrent'],
    ['repeated class', () => new AdmissionController({ maxConcurrent: 1, priorities: ['a', 'a'] }), 'options.priorities[1]'],
    ['negative deadline', () => new AdmissionController({ maxConcurrent: 1, queueDeadlineMs: -1 }), 'options.queueDeadlineMs'],
    ['wrapper unknown key', () => withLoadShedding(() => ({}), { maxConcurrent: 1, degraded: () => 1 } as never), 'options.degraded'],
  ])('%s', (_name, build, field) => {
    expect(fieldOf(build)).toBe(field);
  });

  fcTest.prop([fc.record({ initialDelayMs: fc.anything(), maxDelayMs: fc.anything(), multiplier: fc.anything(), jitter: fc.anything() }, { requiredKeys: [] })])(
    'back-off: any options either build a schedule with 0 <= delay <= maxDelayMs or throw InvalidArgumentError',
    (options) => {
      let backoff: Backoff;
      try {
        backoff = new Backoff(options as never);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return;
      }
      const delayMs = backoff.delayMs(7, { random: () => 0.5 });
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(backoff.maxDelayMs);
    },
  );

  fcTest.prop([fc.anything(), fc.anything(), fc.anything(), fc.anything(), fc.anything()])(
    'breaker and admission control: hostile values throw InvalidArgumentError, never another error',
    (consecutiveFailures, failureRate, windowSize, maxConcurrent, priorities) => {
      for (const build of [
        () => new CircuitBreaker({ consecutiveFailures, failureRate, windowSize, openDurationMs: 5 } as never),
        () => new AdmissionController({ maxConcurrent, priorities } as never),
      ]) {
        try {
          build();
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidArgumentError);
        }
      }
    },
  );
});
