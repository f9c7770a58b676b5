import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../../../src/patterns/supervisor/restart-policy.js';

describe('restart policy: back-off', () => {
  it('doubles the wait with each restart still in the window, up to maxMs', () => {
    const policy = new RestartPolicy({ backoff: { initialMs: 100, maxMs: 700, multiplier: 2 }, intensity: { maxRestarts: 10, windowMs: 1_000_000 } });
    const waits: number[] = [];
    for (let restart = 0; restart < 5; restart++) {
      waits.push(policy.delayMs(restart));
      expect(policy.tryRestart(restart)).toBe(true);
    }
    expect(waits).toEqual([100, 200, 400, 700, 700]);
  });

  it('shrinks the wait again as restarts leave the window', () => {
    const policy = new RestartPolicy({ backoff: { initialMs: 100, maxMs: 10_000 }, intensity: { maxRestarts: 5, windowMs: 1_000 } });
    policy.tryRestart(0);
    policy.tryRestart(500);
    expect(policy.delayMs(900)).toBe(400);
    expect(policy.delayMs(1_000)).toBe(200); // the restart at 0 is out of (0, 1000]
    expect(policy.delayMs(1_500)).toBe(100);
  });
});

describe('restart policy: intensity', () => {
  it('refuses the restart that would make maxRestarts + 1 in a window, and allows it once the oldest leaves', () => {
    const policy = new RestartPolicy({ intensity: { maxRestarts: 2, windowMs: 5_000 } });
    expect(policy.tryRestart(100)).toBe(true);
    expect(policy.tryRestart(300)).toBe(true);
    expect(policy.tryRestart(400)).toBe(false);
    expect(policy.tryRestart(5_099)).toBe(false);
    expect(policy.tryRestart(5_100)).toBe(true);
    expect(policy.restartsInWindow(5_100)).toBe(2);
  });

  it('has the documented defaults: 100 ms doubling to 10 s, 3 restarts in 10 s', () => {
    expect(new RestartPolicy().options).toEqual({ initialMs: 100, maxMs: 10_000, multiplier: 2, maxRestarts: 3, windowMs: 10_000 });
  });
});
