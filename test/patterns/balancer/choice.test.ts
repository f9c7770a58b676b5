import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/kernel/rng.js';
import { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';

const ids = ['b1', 'b2', 'b3'];
const picks = (balancer: LoadBalancer, count: number, finish = true): string[] =>
  Array.from({ length: count }, () => {
    const backend = balancer.pick(0)!;
    if (finish) balancer.finish(backend, { ok: true, latencyMs: 1 }, 0);
    return backend;
  });

describe('round-robin', () => {
  it('rotates in list order, the first listed winning the initial tie', () => {
    expect(picks(new LoadBalancer({ backends: ids }), 7)).toEqual(['b1', 'b2', 'b3', 'b1', 'b2', 'b3', 'b1']);
  });

  it('gives each backend its weight share, spread out rather than in bursts', () => {
    const balancer = new LoadBalancer({ backends: [{ id: 'big', weight: 3 }, 'small'] });
    const sequence = picks(balancer, 8);
    expect(sequence).toEqual(['big', 'big', 'small', 'big', 'big', 'big', 'small', 'big']);
    expect(balancer.backend('big').picks).toBe(6);
  });

  it('skips a backend that is down and takes it back when it is up', () => {
    const balancer = new LoadBalancer({ backends: ids });
    balancer.setUp('b2', false, 0);
    expect(picks(balancer, 4)).toEqual(['b1', 'b3', 'b1', 'b3']);
    balancer.setUp('b2', true, 10);
    expect(picks(balancer, 3).sort()).toEqual(['b1', 'b2', 'b3']);
    expect(balancer.events).toEqual([{ kind: 'down', backend: 'b2', atMs: 0 }, { kind: 'up', backend: 'b2', atMs: 10 }]);
  });

  it('returns undefined when no backend is in rotation', () => {
    const balancer = new LoadBalancer({ backends: ['b1'] });
    balancer.setUp('b1', false, 0);
    expect(balancer.pick(0)).toBeUndefined();
  });
});

describe('least-outstanding', () => {
  it('breaks ties by rotating from the backend after the last pick, so an idle pool still spreads', () => {
    expect(picks(new LoadBalancer({ backends: ids, policy: 'least-outstanding' }), 5)).toEqual(['b1', 'b2', 'b3', 'b1', 'b2']);
  });

  it('sends to the least loaded, weighing in-flight requests by weight', () => {
    const balancer = new LoadBalancer({ backends: ['b1', { id: 'b2', weight: 2 }], policy: 'least-outstanding' });
    // Without finishing: loads go b1 1/1, b2 1/2, b2 2/2 tie with b1 -> rotation after b2 wraps to b1.
    expect(picks(balancer, 4, false)).toEqual(['b1', 'b2', 'b2', 'b1']);
    expect(balancer.backend('b1').outstanding).toBe(2);
  });
});

describe('power-of-two-choices', () => {
  it('draws two distinct candidates from its seeded stream and, on a tie, keeps the first drawn', () => {
    const balancer = new LoadBalancer({ backends: ids, policy: 'power-of-two-choices', rng: new Rng(9, 'balancer:lb') });
    const mirror = new Rng(9, 'balancer:lb');
    const expected = Array.from({ length: 20 }, () => {
      const first = mirror.int(0, 2);
      mirror.int(0, 1);
      return ids[first];
    });
    expect(picks(balancer, 20)).toEqual(expected);
  });

  it('never picks the more loaded of the two it drew: a busy backend gets nothing while others are idle', () => {
    const balancer = new LoadBalancer({ backends: ids, policy: 'power-of-two-choices', rng: new Rng(3, 'p2c') });
    for (let index = 0; index < 5; index++) balancer.pick(0);
    const busiest = ids.reduce((a, b) => (balancer.backend(a).outstanding >= balancer.backend(b).outstanding ? a : b));
    const loadBefore = balancer.backend(busiest).outstanding;
    const others = ids.filter((id) => id !== busiest);
    for (const id of others) while (balancer.backend(id).outstanding > 0) balancer.finish(id, { ok: true, latencyMs: 1 }, 0);
    const next = picks(balancer, 30);
    expect(next).not.toContain(busiest);
    expect(loadBefore).toBeGreaterThan(0);
  });

  it('is reproducible: the same seed and stream name give the same picks', () => {
    const run = (): string[] => picks(new LoadBalancer({ backends: ids, policy: 'power-of-two-choices', rng: new Rng('s', 'balancer:lb') }), 50, false);
    expect(run()).toEqual(run());
  });
});
