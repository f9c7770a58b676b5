/**
 * Async style: a client calls a key-value server with `await ctx.call(...)` over a lossy link,
 * retrying on timeout. The server crashes for a while; the client's calls time out, then succeed
 * again after the restart. Async code is as deterministic as handler code: run it twice with the
 * same seed and the trace hash is the same.
 *
 * What to look for: from the client's side a lost request, a lost reply and a crashed server all
 * look the same, a timeout. The call that meets the crash (put x=4) times out until the server is
 * back; put x=6 loses a message to the 10 % loss and needs one retry. The table lists every call with
 * its attempts and how long it took; the chart counts attempts by outcome over time.
 *
 * Writes out/async-rpc.html (`writeHtmlReport`): the table, the messages and the crash, and the
 * attempts charted with the crash shaded. It opens offline in any browser.
 *
 * Run: npx tsx examples/async-rpc.ts [--out out]
 */
import { join } from 'node:path';
import { CallTimeoutError, Simulation } from 'faultline';
import { writeHtmlReport, type ReportTable } from 'faultline/report';

type Request = { op: 'put'; key: string; value: number } | { op: 'get'; key: string };

/** One call as the client saw it: the request, its attempts and when it started and ended (true time). */
interface CallRecord {
  call: string;
  attempts: number;
  startMs: number;
  endMs: number;
  reply: string;
}

const TIMEOUT_MS = 50;
const calls: CallRecord[] = [];

const sim = new Simulation({
  seed: 'async-rpc',
  trace: true,
  network: { link: { latency: { kind: 'exponential', meanMs: 4, offsetMs: 1 }, lossProbability: 0.1 } },
});
// Sampled every 25 ms for the report's chart (the samples are events of the run, in its hash).
sim.metrics.configure({ intervalMs: 25 });

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
  const attemptsCounter = ctx.metrics.counter('rpc_attempts_total', { help: 'call attempts by outcome', labelNames: ['outcome'] });

  /** Retries until a reply arrives; each attempt waits up to 50 ms on the client's clock. */
  async function callWithRetry(request: Request): Promise<unknown> {
    const record: CallRecord = { call: request.op === 'put' ? `put x=${request.value}` : 'get x', attempts: 0, startMs: sim.now, endMs: sim.now, reply: '' };
    for (let attempt = 1; ; attempt++) {
      record.attempts = attempt;
      try {
        const reply = await ctx.call('server', request, { timeoutMs: TIMEOUT_MS });
        attemptsCounter.inc(1, { outcome: 'ok' });
        calls.push({ ...record, endMs: sim.now, reply: String(reply) });
        return reply;
      } catch (error) {
        if (!(error instanceof CallTimeoutError)) throw error;
        attemptsCounter.inc(1, { outcome: 'timed out' });
        ctx.log(`${request.op} attempt ${attempt} timed out; retrying`);
      }
    }
  }

  return {
    async onStart() {
      for (const outcome of ['ok', 'timed out']) attemptsCounter.inc(0, { outcome }); // both lines drawn from 0
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

const CALL_COLUMNS = ['call', 'attempts', 'timed out', 'took ms', 'reply'];
const callRows = calls.map((record) => [record.call, record.attempts, record.attempts - 1, Math.round(record.endMs - record.startMs), record.reply] as [string, number, number, number, string]);

function formatCallTable(): string {
  const widths = CALL_COLUMNS.map((column) => Math.max(9, column.length));
  const format = (cells: ReadonlyArray<string | number>) => `  ${cells.map((cell, index) => (index === 0 || index === 4 ? String(cell).padEnd(widths[index]!) : String(cell).padStart(widths[index]!))).join('  ')}`.trimEnd();
  return [format(CALL_COLUMNS), ...callRows.map(format)].join('\n');
}

function writeReport(path: string): string {
  const table: ReportTable = { caption: `every call (each attempt waits up to ${TIMEOUT_MS} ms; the server is down 450-700 ms)`, columns: CALL_COLUMNS, rows: callRows };
  return writeHtmlReport(path, {
    title: 'Async RPC: retrying through a server crash',
    story: 'A client writes x = 1 … 6 to a key-value server with `await ctx.call(...)`, 200 ms apart, then reads x back; the link loses 10 % of messages. ' +
      `Each attempt waits up to ${TIMEOUT_MS} ms and is retried on timeout. The server crashes at 450 ms and restarts at 700 ms with its durable store.\n\n` +
      'The client cannot tell a lost message from a crashed server: it only sees timeouts, and keeps retrying until the server answers again.',
    tables: [table],
    runs: [
      { label: 'the whole run', sim, untilMs: 1_500, metrics: [{ name: 'rpc_attempts_total', show: 'value', title: 'call attempts so far, by outcome' }] },
      { label: 'the crash, closer (400-800 ms)', sim, fromMs: 400, untilMs: 800 },
    ],
  });
}

const outDir = process.argv.includes('--out') ? (process.argv[process.argv.indexOf('--out') + 1] ?? 'out') : 'out';
for (const entry of sim.logs()) console.log(`${entry.timeMs.toFixed(1).padStart(8)} ms  ${entry.node.padEnd(7)} ${entry.message}`);
console.log('\nEvery call (true time; the server was down 450-700 ms):');
console.log(formatCallTable());
console.log(`\nreport: ${writeReport(join(outDir, 'async-rpc.html'))} (open it in a browser)`);
console.log(`\ntrace hash ${sim.traceHash()}`);
