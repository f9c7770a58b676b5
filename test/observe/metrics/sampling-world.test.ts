import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { Simulation } from '../../../src/simulation.js';
import { MetricsRegistry } from '../../../src/observe/metrics/registry.js';
import { watchWorld } from '../../../src/observe/metrics/world-metrics.js';
import { toPrometheusText } from '../../../src/observe/export/prometheus.js';

function expectInvalid(action: () => unknown, field: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect((caught as InvalidArgumentError).field).toMatch(field);
}

function pinger(sim: Simulation): void {
  sim.addNode('a', (ctx) => ({
    // Ticks at 50, 150, 250 ms...: never at a sampling instant, so each sample's counts are exact.
    onStart() { ctx.setTimer(50, 'tick'); },
    onTimer() {
      ctx.metrics.counter('ticks_total', { help: 'Timer ticks' }).inc();
      ctx.metrics.histogram('work_seconds', { buckets: [0.01, 0.1, 1] }).observe(ctx.rng.random());
      ctx.send('b', 'ping');
      ctx.setTimer(100, 'tick');
    },
  }));
  sim.addNode('b', (ctx) => ({ onMessage() { ctx.metrics.gauge('last_seen_seconds').set(ctx.now() / 1000); } }));
}

describe('sampling in simulated time', () => {
  it('samples ctx.metrics series, labelled by node, at every multiple of the interval', () => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.configure({ intervalMs: 500 });
    pinger(sim);
    sim.run({ until: 3_000 });
    const ticks = sim.metrics.series('ticks_total', { node: 'a' })!;
    expect(ticks.timesMs).toEqual([500, 1_000, 1_500, 2_000, 2_500, 3_000]);
    expect(ticks.values.map((value) => value[0])).toEqual([5, 10, 15, 20, 25, 30]);
    expect(sim.metrics.series('last_seen_seconds', { node: 'b' })).toBeDefined();
  });

  it('keeps each series bounded on a long run, halving resolution and still spanning the run', () => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.configure({ intervalMs: 100, maxSamplesPerSeries: 16 });
    pinger(sim);
    sim.run({ until: 600_000 });
    const ticks = sim.metrics.series('ticks_total', { node: 'a' })!;
    expect(ticks.timesMs.length).toBeLessThanOrEqual(16);
    expect(ticks.timesMs.length).toBeGreaterThanOrEqual(8);
    expect(ticks.resolution).toBeGreaterThan(1);
    expect(ticks.timesMs[0]).toBe(100);
    expect(600_000 - ticks.timesMs.at(-1)!).toBeLessThan(ticks.resolution * 100);
    const gaps = new Set(ticks.timesMs.slice(1).map((time, index) => time - ticks.timesMs[index]!));
    expect([...gaps]).toEqual([ticks.resolution * 100]);
  });

  it('rejects bad sampling options, and changes after the first sample', () => {
    const sim = new Simulation({ seed: 1 });
    expectInvalid(() => sim.metrics.configure({ intervalMs: 0 }), /intervalMs/);
    expectInvalid(() => sim.metrics.configure({ intervalMs: 1.5 }), /intervalMs/);
    expectInvalid(() => sim.metrics.configure({ maxSamplesPerSeries: 3 }), /maxSamplesPerSeries/);
    expectInvalid(() => sim.metrics.configure({ intervalMillis: 5 } as never), /intervalMillis/);
    sim.metrics.gauge('g').set(1);
    sim.run({ until: 1_000 });
    expect(() => sim.metrics.configure({ intervalMs: 10 })).toThrow(/before the first sample/);
  });

  it('schedules nothing when no metric is used, and lets runUntilQuiet end when one is', () => {
    const plain = new Simulation({ seed: 3 });
    plain.addNode('a', (ctx) => ({ onStart() { ctx.setTimer(5_000, 'once'); } }));
    plain.runUntilQuiet();
    const watched = new Simulation({ seed: 3 });
    watched.addNode('a', (ctx) => ({ onStart() { ctx.metrics.counter('starts_total').inc(); ctx.setTimer(5_000, 'once'); } }));
    watched.runUntilQuiet();
    expect(plain.eventsProcessed).toBe(2);
    expect(watched.eventsProcessed).toBe(2 + 6); // samples at 0 .. 5000 ms, then the sampler pauses
    expect(watched.metrics.series('starts_total', { node: 'a' })!.timesMs).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000]);
  });

  it('is deterministic: the same seed gives the same series, export and trace hash', () => {
    const once = (): [string, string] => {
      const sim = new Simulation({ seed: 9, trace: true, network: { link: { latency: { kind: 'exponential', meanMs: 5 }, lossProbability: 0.1 } } });
      watchWorld(sim);
      pinger(sim);
      sim.run({ until: 5_000 });
      return [toPrometheusText(sim.metrics, { series: true }), sim.traceHash()];
    };
    expect(once()).toEqual(once());
  });
});

describe('world metrics', () => {
  it('reads sent, delivered, dropped by reason and up/down from what the world keeps', () => {
    const sim = new Simulation({ seed: 2, trace: true, network: { link: { latency: { kind: 'constant', ms: 10 } } } });
    watchWorld(sim);
    pinger(sim);
    sim.scheduleAt(1_500, () => sim.crash('b'));
    sim.scheduleAt(3_500, () => sim.restart('b'));
    sim.run({ until: 5_000 });
    const up = sim.metrics.series('faultline_node_up', { node: 'b' })!;
    expect(up.values.map((value) => value[0])).toEqual([1, 1, 0, 0, 1, 1]);
    const records = sim.trace!.records();
    const sentSeries = sim.metrics.series('faultline_messages_sent_total')!;
    const deliveredSeries = sim.metrics.series('faultline_messages_delivered_total')!;
    sentSeries.timesMs.forEach((timeMs, index) => {
      expect(sentSeries.values[index]![0]).toBe(records.filter((record) => record.type === 'send' && record.timeMs <= timeMs).length);
      expect(deliveredSeries.values[index]![0]).toBe(records.filter((record) => record.type === 'deliver' && record.timeMs <= timeMs).length);
    });
    const stats = sim.network.stats();
    expect(sim.metrics.series('faultline_messages_dropped_total', { reason: 'node-down' })!.values.at(-1)![0]).toBe(stats.dropped['node-down']);
    expect(stats.dropped['node-down']).toBeGreaterThan(0);
    const latency = sim.metrics.metric('faultline_link_latency_seconds')!;
    expect(latency.kind).toBe('histogram');
    expect((latency as import('../../../src/observe/metrics/instruments.js').Histogram).quantile(0.99, { from: 'a', to: 'b' })).toBeCloseTo(0.01, 3);
  });

  it('shows a service backlog as inbox length and queueing delay', () => {
    const sim = new Simulation({ seed: 4 });
    watchWorld(sim);
    sim.addNode('api', () => ({}), { service: { messagesPerSec: 10, inboxLimit: 1_000 } });
    sim.addNode('client', (ctx) => ({ onStart() { for (let i = 0; i < 50; i++) ctx.send('api', i); } }));
    sim.run({ until: 2_000 });
    const inbox = sim.metrics.series('faultline_inbox_length', { node: 'api' })!;
    const delay = sim.metrics.series('faultline_service_queue_delay_seconds', { node: 'api' })!;
    // 10 served per second from the first arrival (t=1 ms): 40 left at 1 s, 30 at 2 s.
    expect(inbox.values.map((value) => value[0])).toEqual([0, 40, 30]);
    expect(delay.values[1]![0]).toBeCloseTo(4, 1);
  });
});

describe('run windows and reads', () => {
  it('keeps sampling through a quiet spell up to the until the run asked for', () => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.gauge('g').set(1);
    sim.run({ until: 4_000 });
    expect(sim.metrics.series('g')!.timesMs).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
    sim.run({ until: 6_000 });
    expect(sim.metrics.series('g')!.timesMs.slice(-2)).toEqual([5_000, 6_000]);
  });

  it('makes no series when a value is only read', () => {
    const sim = new Simulation({ seed: 1 });
    const counter = sim.metrics.counter('reads_total', { labelNames: ['route'] });
    expect(counter.get({ route: '/a' })).toBe(0);
    expect(counter.children.size).toBe(0);
    expect(Number.isNaN(sim.metrics.histogram('h_seconds').quantile(0.5))).toBe(true);
    expect(sim.metrics.histogram('h_seconds').children.size).toBe(0);
  });

  it('bounds the label sets of one metric with a typed error, and rejects null labels as such', () => {
    const sim = new Simulation({ seed: 1 });
    sim.metrics.configure({ maxSeriesPerMetric: 2 });
    const counter = sim.metrics.counter('hits_total', { labelNames: ['id'] });
    counter.inc(1, { id: 'a' });
    counter.inc(1, { id: 'b' });
    expectInvalid(() => counter.inc(1, { id: 'c' }), /labels of metric hits_total/);
    counter.inc(1, { id: 'a' });
    expectInvalid(() => counter.inc(1, null as never), /labels of metric hits_total/);
    expectInvalid(() => sim.metrics.histogram('sparse_seconds', { buckets: [1, , 3] as never }), /buckets\[1\]/);
  });

  it('refuses a second watchWorld on one simulation, which would count latencies twice', () => {
    const sim = new Simulation({ seed: 1 });
    watchWorld(sim);
    expect(() => watchWorld(sim)).toThrow(/already called/);
  });
});

describe('a registry outside a simulation', () => {
  it('samples on any clock that schedules', () => {
    const loop = new Simulation({ seed: 1 });
    const registry = new MetricsRegistry(loop);
    registry.gauge('g').set(3);
    loop.schedule(2_500, () => undefined);
    loop.run({ until: 2_500 });
    expect(registry.series('g')!.timesMs).toEqual([0, 1_000, 2_000]);
  });
});

describe("ctx.metrics and the node's own label", () => {
  it("refuses a 'node' label in node code rather than silently replacing it", () => {
    const sim = new Simulation({ seed: 1 });
    let thrown: unknown;
    sim.addNode('api', (ctx) => ({
      onStart() {
        try {
          ctx.metrics.counter('requests_total', { labelNames: ['route'] }).inc(1, { node: 'other', route: '/pay' });
        } catch (error) {
          thrown = error;
        }
        ctx.metrics.counter('requests_total', { labelNames: ['route'] }).inc(1, { route: '/pay' });
      },
    }));
    sim.run({ until: 10 });
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as InvalidArgumentError).field).toBe('labels.node');
    expect(String((thrown as Error).message)).toContain("'api'");
    expect(sim.metrics.counter('requests_total', { labelNames: ['node', 'route'] }).get({ node: 'api', route: '/pay' })).toBe(1);
  });
});
