import { describe, expect, it } from 'vitest';
import { AdmissionController, CoDel } from '../../../src/index.js';

describe('admission control', () => {
  it('runs up to maxConcurrent, queues up to maxQueueLength, sheds an equal newcomer (ties keep their place)', () => {
    const controller = new AdmissionController<string>({ maxConcurrent: 1, maxQueueLength: 1 });
    expect(controller.offer('a', 'default', 0)).toEqual({ decision: 'run' });
    expect(controller.offer('b', 'default', 0)).toEqual({ decision: 'queued', evicted: undefined });
    expect(controller.offer('c', 'default', 0)).toEqual({ decision: 'shed', reason: 'queue-full' });
    expect(controller.finish(5)).toEqual({ next: 'b', shed: [] });
  });

  it('a more important newcomer evicts the newest of the least important class', () => {
    const controller = new AdmissionController<string>({ maxConcurrent: 1, maxQueueLength: 2, priorities: ['high', 'low'] });
    controller.offer('run', 'low', 0);
    controller.offer('low-1', 'low', 0);
    controller.offer('low-2', 'low', 1);
    expect(controller.offer('high-1', 'high', 2)).toEqual({ decision: 'queued', evicted: 'low-2' });
    expect(controller.offer('low-3', 'low', 3)).toEqual({ decision: 'shed', reason: 'queue-full' });
    expect(controller.finish(4).next).toBe('high-1');
    expect(controller.finish(4).next).toBe('low-1');
    expect(controller.stats.shed).toMatchObject({ evicted: 1, 'queue-full': 1 });
  });

  it('sheds a request that waited longer than queueDeadlineMs, and serves one that waited exactly that long', () => {
    const controller = new AdmissionController<string>({ maxConcurrent: 1, queueDeadlineMs: 100 });
    controller.offer('run', 'default', 0);
    controller.offer('old', 'default', 0);
    controller.offer('young', 'default', 1);
    expect(controller.finish(101)).toEqual({ next: 'young', shed: [{ item: 'old', reason: 'deadline' }] });
    expect(controller.inFlight).toBe(1);
    expect(controller.queued).toBe(0);
  });

  it('maxQueueLength 0 sheds whatever finds every slot busy', () => {
    const controller = new AdmissionController<number>({ maxConcurrent: 2, maxQueueLength: 0 });
    expect([1, 2, 3].map((n) => controller.offer(n, 'default', 0).decision)).toEqual(['run', 'run', 'shed']);
  });
});

describe('CoDel', () => {
  it('enters dropping only after the wait stayed above target for a whole interval, and leaves when it falls below', () => {
    const codel = new CoDel({ targetDelayMs: 5, intervalMs: 100 });
    expect(codel.shouldDrop(10, 0)).toBe(false); // above target: the interval starts
    expect(codel.shouldDrop(10, 99)).toBe(false);
    expect(codel.shouldDrop(10, 100)).toBe(true);
    expect(codel.dropping).toBe(true);
    expect(codel.shouldDrop(10, 101)).toBe(false); // next drop due at 100 + 100/sqrt(1)
    expect(codel.shouldDrop(10, 200)).toBe(true); // count 2: next due at 200 + 100/sqrt(2)
    expect(codel.shouldDrop(10, 270)).toBe(false);
    expect(codel.shouldDrop(10, 271)).toBe(true);
    expect(codel.shouldDrop(1, 272)).toBe(false);
    expect(codel.dropping).toBe(false);
    expect(codel.dropped).toBe(3);
  });

  it('an empty queue resets the interval: a wait above target must persist for a fresh interval', () => {
    const codel = new CoDel({ targetDelayMs: 5, intervalMs: 100 });
    codel.shouldDrop(10, 0);
    codel.noteEmpty();
    expect(codel.shouldDrop(10, 150)).toBe(false);
    expect(codel.shouldDrop(10, 249)).toBe(false);
    expect(codel.shouldDrop(10, 250)).toBe(true);
  });

  it('re-entering soon after leaving resumes at the earlier drop rate (RFC 8289)', () => {
    const codel = new CoDel({ targetDelayMs: 5, intervalMs: 100 });
    codel.shouldDrop(10, 0);
    codel.shouldDrop(10, 100); // count 1
    codel.shouldDrop(10, 200); // count 2
    codel.shouldDrop(10, 271); // count 3
    codel.shouldDrop(1, 272); // leaves
    codel.shouldDrop(10, 300);
    expect(codel.shouldDrop(10, 400)).toBe(true); // re-enters with count = 3 - 1 = 2
    expect(codel.shouldDrop(10, 470)).toBe(false);
    expect(codel.shouldDrop(10, 471)).toBe(true); // 400 + 100/sqrt(2)
  });

  it('CoDel in the admission controller sheds from a standing queue', () => {
    const controller = new AdmissionController<number>({ maxConcurrent: 1, codel: { targetDelayMs: 5, intervalMs: 50 } });
    controller.offer(0, 'default', 0);
    for (let n = 1; n <= 20; n++) controller.offer(n, 'default', 0);
    const reasons: string[] = [];
    let served = 0;
    for (let t = 10; controller.inFlight > 0; t += 10) {
      const { next, shed } = controller.finish(t);
      reasons.push(...shed.map((s) => s.reason));
      if (next !== undefined) served++;
    }
    expect(new Set(reasons)).toEqual(new Set(['codel']));
    expect(reasons.length + served).toBe(20);
    expect(reasons.length).toBeGreaterThan(0);
  });
});
