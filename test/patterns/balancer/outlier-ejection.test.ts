import { describe, expect, it } from 'vitest';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';

const outlierDetection = { windowSize: 10, minRequests: 4, maxErrorRate: 0.5, ejectionMs: 1_000, maxEjectedFraction: 0.5 };

/** Sends one request to `backend` at `atMs` (forcing the pick by taking others down is not needed: we finish what was picked). */
function request(balancer: LoadBalancer, atMs: number, outcome: (backend: string) => { ok: boolean; latencyMs: number }): string {
  const backend = balancer.pick(atMs)!;
  balancer.finish(backend, outcome(backend), atMs);
  return backend;
}

describe('outlier ejection', () => {
  it('ejects a backend whose error rate reaches the threshold, for ejectionMs, then readmits it', () => {
    const balancer = new LoadBalancer({ backends: ['good', 'bad'], outlierDetection: { ...outlierDetection, maxEjectedFraction: 1 } });
    for (let t = 0; t < 8; t++) request(balancer, t, (backend) => ({ ok: backend === 'good', latencyMs: 5 }));
    expect(balancer.events).toEqual([{ kind: 'ejected', backend: 'bad', atMs: 7, reason: 'error rate' }]);
    expect(balancer.inRotation(500)).toEqual(['good']);
    expect(balancer.inRotation(1_006)).toEqual(['good']);
    expect(balancer.inRotation(1_007)).toEqual(['good', 'bad']);
    expect(balancer.events.at(-1)).toEqual({ kind: 'readmitted', backend: 'bad', atMs: 1_007 });
  });

  it('ejects for twice as long the second time in a row', () => {
    const balancer = new LoadBalancer({ backends: ['good', 'bad'], outlierDetection: { ...outlierDetection, maxEjectedFraction: 1 } });
    let t = 0;
    while (balancer.events.length < 3) request(balancer, t++, (backend) => ({ ok: backend === 'good', latencyMs: 5 }));
    const [first, , second] = balancer.events;
    expect(second).toMatchObject({ kind: 'ejected', backend: 'bad' });
    expect(balancer.backend('bad').ejectedUntilMs).toBe(second!.atMs + 2_000);
    expect(first!.kind).toBe('ejected');
  });

  it('ejects on mean latency when a latency bound is set, though every request succeeds (a gray failure)', () => {
    const balancer = new LoadBalancer({ backends: ['fast', 'slow'], outlierDetection: { ...outlierDetection, maxEjectedFraction: 1, maxMeanLatencyMs: 50 } });
    for (let t = 0; t < 8; t++) request(balancer, t, (backend) => ({ ok: true, latencyMs: backend === 'slow' ? 80 : 10 }));
    expect(balancer.events).toEqual([{ kind: 'ejected', backend: 'slow', atMs: 7, reason: 'latency' }]);
  });

  it('waits for minRequests before judging', () => {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2'], outlierDetection: { ...outlierDetection, maxEjectedFraction: 1 } });
    for (let t = 0; t < 6; t++) request(balancer, t, () => ({ ok: false, latencyMs: 5 }));
    // 3 failures each: below minRequests (4).
    expect(balancer.events).toEqual([]);
    request(balancer, 6, () => ({ ok: false, latencyMs: 5 }));
    expect(balancer.events).toHaveLength(1);
  });

  it('never ejects more than maxEjectedFraction of the pool, even when every backend fails', () => {
    const balancer = new LoadBalancer({ backends: ['b1', 'b2', 'b3', 'b4'], outlierDetection });
    for (let t = 0; t < 40; t++) request(balancer, t, () => ({ ok: false, latencyMs: 5 }));
    expect(balancer.events.filter((event) => event.kind === 'ejected')).toHaveLength(2);
    expect(balancer.inRotation(40)).toHaveLength(2);
  });
});
