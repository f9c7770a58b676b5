import { InvalidStateError } from '../../errors.js';
import { rejectUnknownKeys, requireObject } from '../../validate.js';
import { dropReasons } from '../../world/network.js';
import type { Simulation } from '../../simulation.js';
import type { TraceRecord } from '../../kernel/trace-recorder.js';

/**
 * Names of the built-in world metrics {@link watchWorld} registers.
 *
 * @example
 * ```ts
 * sim.metrics.series(worldMetricNames.nodeUp, { node: 'api' });
 * ```
 */
export const worldMetricNames = Object.freeze({
  sent: 'faultline_messages_sent_total',
  delivered: 'faultline_messages_delivered_total',
  dropped: 'faultline_messages_dropped_total',
  nodeUp: 'faultline_node_up',
  inboxLength: 'faultline_inbox_length',
  queueDelay: 'faultline_service_queue_delay_seconds',
  linkLatency: 'faultline_link_latency_seconds',
});

/**
 * Options of {@link watchWorld}.
 *
 * @example
 * ```ts
 * watchWorld(sim, { latencyBucketsSeconds: [0.001, 0.005, 0.02, 0.1] });
 * ```
 */
export interface WatchWorldOptions {
  /** Buckets of the per-link latency histogram, in seconds (needs `trace` on). Default 1 ms to 10 s. */
  latencyBucketsSeconds?: readonly number[];
}

// Built-in metrics follow Prometheus's base-unit rule (seconds), so `promtool check metrics`
// passes their export; the simulator's own ms are divided by 1000 at sampling time.
const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const watched = new WeakSet<Simulation>();

// Sends whose delivery is still awaited, for link latency; bounded so drops cannot grow it.
const MAX_PENDING_SENDS = 100_000;

/**
 * Registers the metrics the world already knows and fills them at each sample from counters it
 * already keeps: network totals (`sent`, `delivered`, `dropped` by reason), each node's up/down
 * (from `sim.truth`), inbox length and expected queueing delay (from `sim.node`), and, when the
 * simulation keeps a trace, a per-link latency histogram read from the trace records written
 * since the last sample. Nothing is added to the send or delivery path: the cost is paid at
 * sampling time only.
 *
 * @example
 * ```ts
 * watchWorld(sim);
 * sim.run({ until: 10_000 });
 * sim.metrics.series('faultline_messages_dropped_total', { reason: 'loss' });
 * ```
 */
export function watchWorld(sim: Simulation, options: WatchWorldOptions = {}): void {
  const raw: unknown = options;
  requireObject(raw, 'watchWorld options');
  rejectUnknownKeys(raw, 'watchWorld options', ['latencyBucketsSeconds']);
  // A second collector would read the same trace records again and count each latency twice.
  if (watched.has(sim)) throw new InvalidStateError('watchWorld was already called on this simulation; its world metrics are in sim.metrics');
  const registry = sim.metrics;
  const sent = registry.counter(worldMetricNames.sent, { help: 'Messages handed to the network by send' });
  const delivered = registry.counter(worldMetricNames.delivered, { help: 'Message copies handed to a live node' });
  const dropped = registry.counter(worldMetricNames.dropped, { help: 'Messages or copies not delivered, by reason', labelNames: ['reason'] });
  const up = registry.gauge(worldMetricNames.nodeUp, { help: '1 while the node is up, 0 while crashed', labelNames: ['node'] });
  const inbox = registry.gauge(worldMetricNames.inboxLength, { help: 'Messages waiting for service', labelNames: ['node'] });
  const delay = registry.gauge(worldMetricNames.queueDelay, { help: 'Wait a message arriving now would have before service, in seconds', labelNames: ['node'] });
  const latency = registry.histogram(worldMetricNames.linkLatency, { help: 'Send-to-delivery latency per link, in seconds', labelNames: ['from', 'to'], buckets: options.latencyBucketsSeconds ?? LATENCY_BUCKETS_SECONDS });
  const readLatency = latencyReader(sim, (from, to, latencyMs) => latency.observe(latencyMs / 1000, { from, to }));
  watched.add(sim);
  registry.addCollector(() => {
    const stats = sim.network.stats();
    sent.inc(stats.sent - sent.get());
    delivered.inc(stats.delivered - delivered.get());
    for (const reason of dropReasons) dropped.inc(stats.dropped[reason] - dropped.get({ reason }), { reason });
    for (const id of sim.nodeIds()) {
      const view = sim.node(id);
      up.set(sim.truth.isUp(id) ? 1 : 0, { node: id });
      inbox.set(view.inboxLength, { node: id });
      delay.set(view.queueDelayMs / 1000, { node: id });
    }
    readLatency();
  });
}

/** Reads trace records written since the last call and reports each delivery's latency. */
function latencyReader(sim: Simulation, report: (from: string, to: string, latencyMs: number) => void): () => void {
  const trace = sim.trace;
  if (trace === undefined) return () => undefined;
  const sentAtMs = new Map<number, number>();
  let seen = trace.pushedCount;
  return () => {
    const fresh = trace.pushedCount - seen;
    seen = trace.pushedCount;
    if (fresh === 0) return;
    const records = trace.records();
    for (const record of records.slice(Math.max(0, records.length - fresh))) noteRecord(record, sentAtMs, report);
  };
}

function noteRecord(record: TraceRecord, sentAtMs: Map<number, number>, report: (from: string, to: string, latencyMs: number) => void): void {
  if (record.messageId === undefined || record.from === undefined || record.to === undefined) return;
  if (record.type === 'send') {
    sentAtMs.set(record.messageId, record.timeMs);
    if (sentAtMs.size > MAX_PENDING_SENDS) sentAtMs.delete(sentAtMs.keys().next().value!);
  } else if (record.type === 'deliver') {
    const startMs = sentAtMs.get(record.messageId);
    if (startMs !== undefined) report(record.from, record.to, record.timeMs - startMs);
  }
}
