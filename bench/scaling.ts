/**
 * The scaling curve: PHOLD through the public API (one event in flight per logical process) at
 * 1e3, 1e4, 1e5 and 1e6 pending events, with the rate and the memory each pending event costs.
 *
 *   npm run bench:scaling            a table
 *   npm run bench:scaling -- --json  one JSON record per size
 *
 * Each size runs in its own Node process started with --expose-gc. Memory per pending event is
 * measured, not computed: after a forced GC, (heap used + array buffers) with the loops and their
 * events, minus the same before they were built, divided by the number pending. It includes
 * everything the events cost: the queue's typed arrays (with their growth slack) and the heap.
 * Below 1e5 pending, one loop is smaller than the heap's own drift between two collections (a
 * single 1e3 loop read anywhere from -41 to 216 bytes), so the figure is taken over enough
 * identical loops to hold 1e5 events.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './measure.js';
import { createFaultlinePhold } from './phold.js';

const SIZES = [1e3, 1e4, 1e5, 1e6];
const BATCH_EVENTS = 500_000;
const BATCHES = 7;
/** Pending events that memory is measured over, in as many identical loops as that takes. */
const MEASURED_EVENTS = 1e5;

interface ScalingResult {
  pending: number;
  eventsPerSec: number;
  bytesPerPendingEvent: number;
  node: string;
}

function usedBytes(): number {
  // Twice: array buffers dropped by the queue's growth are released a collection later.
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Runs in the child: memory first (nothing else allocated yet), then the rate. */
function measure(pending: number): ScalingResult {
  if ((globalThis as { gc?: unknown }).gc === undefined) throw new Error('run with --expose-gc');
  const copies = Math.max(1, Math.round(MEASURED_EVENTS / pending));
  const before = usedBytes();
  const models = Array.from({ length: copies }, () => createFaultlinePhold({ lps: pending, pop: 1 }));
  const bytesPerPendingEvent = (usedBytes() - before) / (copies * pending);
  const model = models[0]!;
  models.length = 0;
  usedBytes(); // collects the other copies now, not in the middle of a timed batch
  model.advance(BATCH_EVENTS); // warm-up
  const rates: number[] = [];
  for (let batch = 0; batch < BATCHES; batch++) {
    const started = performance.now();
    const events = model.advance(BATCH_EVENTS);
    rates.push(events / ((performance.now() - started) / 1_000));
  }
  return { pending, eventsPerSec: median(rates), bytesPerPendingEvent, node: process.version };
}

function main(): void {
  const { values } = parseArgs({ options: { child: { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (values.child !== undefined) {
    process.stdout.write(JSON.stringify(measure(Number(values.child))));
    return;
  }
  const self = fileURLToPath(import.meta.url);
  const results = SIZES.map((pending) => {
    const child = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', self, '--child', String(pending)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`size ${pending} failed`);
    return JSON.parse(child.stdout) as ScalingResult;
  });
  if (values.json) {
    for (const result of results) console.log(JSON.stringify(result));
    return;
  }
  console.log(`PHOLD scaling, Node ${process.version}\n\npending     events/s   bytes per pending event`);
  for (const result of results) {
    console.log(`${result.pending.toExponential(0).padEnd(9)} ${(result.eventsPerSec / 1e6).toFixed(2).padStart(7)} M   ${result.bytesPerPendingEvent.toFixed(1).padStart(8)}`);
  }
}

main();
