import { Simulation } from '../../../src/index.js';

/**
 * A small mesh told as a story: `client` calls `api` every 20 ms, `api` asks `db`; `db` crashes
 * at 100 ms and restarts at 160 ms, and a partition cuts `client` off from 220 to 260 ms. Logs
 * at every level, a trace recorder and span tracing are on.
 */
export async function runMesh(seed: number): Promise<Simulation> {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } } } });
  sim.enableTracing();
  sim.addNode('client', (ctx) => ({
    onStart() { ctx.setTimer(20, 'request'); },
    async onTimer() {
      ctx.setTimer(20, 'request');
      await ctx.span('request', async () => {
        try {
          await ctx.call('api', 'get', { timeoutMs: 15 });
          ctx.log.debug('answered', { at: ctx.now() });
        } catch {
          ctx.log.warn('api timed out', { at: ctx.now() });
        }
      });
    },
  }));
  sim.addNode('api', (ctx) => ({
    async onCall() {
      try {
        return await ctx.call('db', 'read', { timeoutMs: 8 });
      } catch {
        ctx.log.error('db unreachable');
        return 'fallback';
      }
    },
  }));
  sim.addNode('db', (ctx) => ({
    onCall: () => ctx.span('read row', () => 'row'),
    onStart() { ctx.log.info('db up'); },
  }));
  sim.schedule(100, () => sim.crash('db'));
  sim.schedule(160, () => sim.restart('db'));
  sim.schedule(220, () => sim.partition(['client'], ['api', 'db']));
  sim.schedule(260, () => sim.heal());
  await sim.runAsync({ until: 320 });
  return sim;
}
