// The liveness window is [fromMs, fromMs + withinMs], both ends included: a condition counts only
// if it holds after an event inside it. Holding before the faults stop proves nothing about
// recovery, and holding after the deadline is too late.
import { describe, expect, it } from 'vitest';
import { checkCluster, checkClusterAsync, type ClusterScenario } from '../../src/check/index.js';
import { PropertyViolationError } from '../../src/index.js';
import { catchError } from '../detectors/expect-invalid.js';

const FROM_MS = 1_000;
const WITHIN_MS = 500;
const DEADLINE_MS = FROM_MS + WITHIN_MS;

/** Events at exactly these times (and no others but the liveness phase's own at FROM_MS). */
const MARKS_MS = [100, 999.5, FROM_MS, 1_200, DEADLINE_MS - 0.5, DEADLINE_MS, DEADLINE_MS + 0.5, 1_900];

/** A cluster with no nodes, only events at MARKS_MS; the condition is a predicate on the time of the check. */
function windowScenario(holdsAt: (nowMs: number) => boolean, async = false): ClusterScenario<{ checkedAtMs: number[] }> {
  return {
    name: 'liveness window',
    setup(sim) {
      for (const markMs of MARKS_MS) sim.scheduleAt(markMs, () => {});
      return { checkedAtMs: [] };
    },
    liveness: {
      fromMs: FROM_MS,
      withinMs: WITHIN_MS,
      eventually: [
        {
          name: 'the condition',
          check: (system, sim) => {
            system.checkedAtMs.push(sim.now);
            return holdsAt(sim.now);
          },
        },
      ],
    },
    untilMs: 2_000,
    async,
  };
}

function violationOf(holdsAt: (nowMs: number) => boolean): PropertyViolationError {
  const error = catchError(() => checkCluster(windowScenario(holdsAt), { seed: 1 }));
  expect(error).toBeInstanceOf(PropertyViolationError);
  return error as PropertyViolationError;
}

describe('the liveness window [fromMs, fromMs + withinMs]', () => {
  it('a condition that holds only before fromMs does not count', () => {
    const error = violationOf((nowMs) => nowMs < FROM_MS);
    expect(error.code).toBe('LIVENESS_VIOLATED');
    expect(error.property).toBe('the condition');
    expect(error.timeMs).toBe(DEADLINE_MS);
    expect(error.evidence).toBe(`'the condition' did not hold between ${FROM_MS} ms (faults stopped) and ${DEADLINE_MS} ms`);
  });

  it('a condition that holds only just before fromMs (the last event before it) does not count', () => {
    expect(violationOf((nowMs) => nowMs === 999.5).code).toBe('LIVENESS_VIOLATED');
  });

  it('a condition that holds only at exactly fromMs counts', () => {
    const outcome = checkCluster(windowScenario((nowMs) => nowMs === FROM_MS), { seed: 1 });
    // Checked from the first event at fromMs on, never before, and no more once met.
    expect(outcome.system.checkedAtMs).toEqual([FROM_MS]);
  });

  it('a condition that holds only after fromMs, inside the window, counts', () => {
    const outcome = checkCluster(windowScenario((nowMs) => nowMs > FROM_MS), { seed: 1 });
    expect(outcome.system.checkedAtMs.at(-1)).toBe(1_200);
    expect(outcome.system.checkedAtMs.every((atMs) => atMs >= FROM_MS)).toBe(true);
  });

  it('a condition that holds only at exactly the deadline counts', () => {
    const outcome = checkCluster(windowScenario((nowMs) => nowMs === DEADLINE_MS), { seed: 1 });
    expect(outcome.system.checkedAtMs.at(-1)).toBe(DEADLINE_MS);
  });

  it('a condition that holds only after the deadline does not count', () => {
    const error = violationOf((nowMs) => nowMs > DEADLINE_MS);
    expect(error.code).toBe('LIVENESS_VIOLATED');
    expect(error.timeMs).toBe(DEADLINE_MS);
  });

  it('the async runner keeps the same window', async () => {
    const before = await checkClusterAsync(windowScenario((nowMs) => nowMs < FROM_MS, true), { seed: 1 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(before).toBeInstanceOf(PropertyViolationError);
    expect((before as PropertyViolationError).code).toBe('LIVENESS_VIOLATED');
    const atStart = await checkClusterAsync(windowScenario((nowMs) => nowMs === FROM_MS, true), { seed: 1 });
    expect(atStart.system.checkedAtMs).toEqual([FROM_MS]);
  });
});
