import { describe, expect, it } from 'vitest';
import { ShedReply, Simulation, withLoadShedding, type LoadSheddingHandlers, type LoadSheddingOptions } from '../../../src/index.js';

async function burst(options: LoadSheddingOptions, requests: string[]) {
  const sim = new Simulation({ seed: 1, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
  sim.addNode('api', withLoadShedding((ctx) => ({
    async onCall(_from, request) {
      await ctx.sleep(10);
      return `full:${String(request)}`;
    },
  }), options));
  const replies: unknown[] = [];
  sim.addNode('client', (ctx) => ({
    onStart() {
      return Promise.all(requests.map((request) => ctx.call('api', request, { timeoutMs: 1_000 }))).then((all) => void replies.push(...all));
    },
  }));
  await sim.runAsync();
  return { replies, stats: sim.node<LoadSheddingHandlers>('api').handlers.shedding };
}

describe('withLoadShedding', () => {
  it('serves within the concurrency limit and answers the shed with a ShedReply naming the reason', async () => {
    const { replies, stats } = await burst({ maxConcurrent: 1, maxQueueLength: 1 }, ['a', 'b', 'c']);
    expect(replies).toEqual(['full:a', 'full:b', new ShedReply('queue-full')]);
    expect(stats).toMatchObject({ admitted: 2, shed: { 'queue-full': 1 } });
  });

  it('degraded mode serves a cheaper answer for shed requests, and priority classes decide who is shed', async () => {
    const { replies } = await burst(
      {
        maxConcurrent: 1,
        maxQueueLength: 1,
        priorities: ['user', 'batch'],
        priorityOf: (request) => (String(request).startsWith('batch') ? 'batch' : 'user'),
        degrade: (request, reason) => `cached:${String(request)}:${reason}`,
      },
      ['user-1', 'batch-1', 'user-2'],
    );
    expect(replies).toEqual(['full:user-1', 'cached:batch-1:evicted', 'full:user-2']);
  });

  it('the queue deadline sheds requests that waited too long', async () => {
    const { replies } = await burst({ maxConcurrent: 1, queueDeadlineMs: 15 }, ['a', 'b', 'c']);
    expect(replies).toEqual(['full:a', 'full:b', new ShedReply('deadline')]);
  });
});
