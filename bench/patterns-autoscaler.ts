/**
 * The autoscaler, measured with and without on one story: the traffic spike of
 * test/patterns/autoscaler/spike-scenario.ts (seed 15; 2 workers at 100 requests a second behind
 * a least-outstanding balancer; 100 requests a second offered, 400 from 5 s to 15 s; 45 s run).
 * Only the pool changes from row to row.
 *
 *   npm run bench:patterns-autoscaler
 *
 * Not a timed benchmark: every figure comes from the simulated run. Latency is per request, to
 * its answer or its failure (the balancer gives up on a worker after 1 s), in simulated ms;
 * "lost" counts requests that failed; "recover" is the time from the spike's start until every
 * later second has >= 90 % of its requests succeed; "node-s" is the pool's size integrated over
 * the run (its cost).
 */
import { worldMetricNames } from '../src/index.js';
import { runSpike, summarise, type SpikeOptions } from '../test/patterns/autoscaler/spike-scenario.js';

const rows: Array<[string, SpikeOptions]> = [
  ['fixed pool of 2', { autoscale: false }],
  ['fixed pool of 8 (peak-sized)', { autoscale: false, poolSize: 8 }],
  ['autoscaler: 60 served/s per worker, 2 s boot', { autoscale: true }],
  ['same, 500 ms boot', { autoscale: true, scaling: { startDelayMs: 500 } }],
  ['same, 2 s boot, on queue length (5 per worker)', { autoscale: true, watchWorld: true, scaling: { metric: { gauge: worldMetricNames.inboxLength }, targetValue: 5 } }],
];

const header = ['pool', 'requests', 'error rate', 'p50 ms', 'p99 ms', 'lost', 'recover ms', 'peak pool', 'node-s'];
const table: string[][] = [];
for (const [name, options] of rows) {
  const figures = summarise(await runSpike(options));
  table.push([
    name,
    String(figures.requests),
    `${(100 * figures.errorRate).toFixed(2)} %`,
    figures.p50Ms.toFixed(0),
    figures.p99Ms.toFixed(0),
    String(figures.lost),
    Number.isFinite(figures.recoverMs) ? String(figures.recoverMs) : 'never',
    String(figures.peakPool),
    figures.nodeSeconds.toFixed(0),
  ]);
}
const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => row[column]!.length)));
const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
console.log('seed 15, spike 5-15 s at 4x the base load, 45 s simulated per row\n');
console.log(line(header));
console.log(`| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`);
for (const row of table) console.log(line(row));
