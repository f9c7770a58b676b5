import { Simulation } from '../../../src/index.js';

/**
 * Three services: `gateway` takes a request, calls `orders`, which calls `stock` and also tells
 * `audit` (one-way). The link from `orders` to `audit` loses every message, so that hop is dropped.
 */
export async function runCheckout(seed: number): Promise<Simulation> {
  const sim = new Simulation({ seed, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } } });
  sim.enableTracing();
  sim.addNode('gateway', (ctx) => ({
    async onStart() {
      await ctx.span('checkout', async () => {
        const total = await ctx.call('orders', { item: 'book' }, { timeoutMs: 100 });
        ctx.log.info('checkout done', { total });
      });
    },
  }));
  sim.addNode('orders', (ctx) => ({
    async onCall(_from, request) {
      ctx.send('audit', { request });
      const price = await ctx.call<number>('stock', request, { timeoutMs: 50 });
      return price * 2;
    },
  }));
  sim.addNode('stock', (ctx) => ({
    onCall() {
      return ctx.span('lookup price', () => 21);
    },
  }));
  sim.addNode('audit', (ctx) => ({ onMessage() { ctx.log('audited'); } }));
  sim.network.setLink('orders', 'audit', { latency: { kind: 'constant', ms: 1 }, lossProbability: 1 });
  await sim.runAsync({ until: 1_000 });
  return sim;
}
