/**
 * Async style: a client calls a key-value server with `await ctx.call(...)` over a lossy link,
 * retrying on timeout. The server crashes for a while; the client's calls time out, then succeed
 * again after the restart. Async code is as deterministic as handler code: run it twice with the
 * same seed and the trace hash is the same.
 *
 * Run: npx tsx examples/async-rpc.ts
 */
import { CallTimeoutError, Simulation } from 'faultline';

type Request = { op: 'put'; key: string; value: number } | { op: 'get'; key: string };

const sim = new Simulation({
  seed: 'async-rpc',
  network: { link: { latency: { kind: 'exponential', meanMs: 4, offsetMs: 1 }, lossProbability: 0.1 } },
});

sim.addNode<Request, Record<string, number>>(
  'server',
  (ctx) => ({
    onCall(_from, request) {
      if (request.op === 'get') return ctx.durable[request.key] ?? null;
      ctx.persist((store) => {
        store[request.key] = request.value;
      });
      return 'ok';
    },
  }),
  { durable: {} },
);

sim.addNode<Request>('client', (ctx) => {
  /** Retries until a reply arrives; each attempt waits up to 50 ms on the client's clock. */
  async function callWithRetry(request: Request): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ctx.call('server', request, { timeoutMs: 50 });
      } catch (error) {
        if (!(error instanceof CallTimeoutError)) throw error;
        ctx.log(`${request.op} attempt ${attempt} timed out; retrying`);
      }
    }
  }

  return {
    async onStart() {
      for (let value = 1; value <= 6; value++) {
        const reply = await callWithRetry({ op: 'put', key: 'x', value });
        ctx.log(`put x=${value} → ${String(reply)}`);
        await ctx.sleep(200);
      }
      ctx.log(`final read x=${String(await callWithRetry({ op: 'get', key: 'x' }))}`);
    },
  };
});

sim.scheduleAt(450, () => sim.crash('server'));
sim.scheduleAt(700, () => sim.restart('server'));

await sim.runAsync({ until: 3_000 });
for (const entry of sim.logs()) console.log(`${entry.timeMs.toFixed(1).padStart(8)} ms  ${entry.node.padEnd(7)} ${entry.message}`);
console.log(`\ntrace hash ${sim.traceHash()}`);
