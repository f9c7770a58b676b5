import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors.js';
import { Simulation } from '../../../src/simulation.js';
import { watchWorld } from '../../../src/observe/metrics/world-metrics.js';
import { toPrometheusText } from '../../../src/observe/export/prometheus.js';

function smallRun(): Simulation {
  const sim = new Simulation({ seed: 3, trace: true });
  watchWorld(sim);
  const requests = sim.metrics.counter('app_requests_total', { help: 'Requests "served"\nby route \\ node', labelNames: ['route'] });
  const latency = sim.metrics.histogram('app_latency_seconds', { help: 'Latency', buckets: [0.01, 0.1, 1] });
  sim.addNode('a', (ctx) => ({
    onStart() { ctx.setTimer(50, 't'); },
    onTimer() {
      requests.inc(1, { route: 'say "hi"\\\n' });
      latency.observe(ctx.rng.random());
      ctx.send('b', 'x');
      ctx.setTimer(100, 't');
    },
  }));
  sim.addNode('b', () => ({}));
  sim.run({ until: 3_000 });
  return sim;
}

describe('Prometheus text exposition', () => {
  it('writes HELP and TYPE, escapes labels and help, and histograms as cumulative buckets with +Inf, _sum and _count', () => {
    const sim = smallRun();
    const text = toPrometheusText(sim.metrics);
    expect(text).toContain('# HELP app_requests_total Requests "served"\\nby route \\\\ node\n# TYPE app_requests_total counter\n');
    expect(text).toContain('app_requests_total{route="say \\"hi\\"\\\\\\n"} 30\n');
    const latency = sim.metrics.histogram('app_latency_seconds');
    const buckets = text.split('\n').filter((line) => line.startsWith('app_latency_seconds_bucket'));
    expect(buckets.map((line) => line.replace(/ \d+$/, ''))).toEqual(['app_latency_seconds_bucket{le="0.01"}', 'app_latency_seconds_bucket{le="0.1"}', 'app_latency_seconds_bucket{le="1"}', 'app_latency_seconds_bucket{le="+Inf"}']);
    const counts = buckets.map((line) => Number(line.split(' ')[1]));
    expect(counts).toEqual([...counts].sort((x, y) => x - y));
    expect(counts.at(-1)).toBe(latency.count());
    expect(text).toContain(`app_latency_seconds_count ${latency.count()}\n`);
    expect(text).toMatch(/# TYPE app_latency_seconds histogram\n/);
  });

  it('writes an instant with its timestamp in simulated ms, or every kept sample', () => {
    const sim = smallRun();
    const instant = toPrometheusText(sim.metrics, { atMs: 2_500 });
    expect(instant).toContain('app_requests_total{route="say \\"hi\\"\\\\\\n"} 20 2000\n');
    const series = toPrometheusText(sim.metrics, { series: true });
    const lines = series.split('\n').filter((line) => line.startsWith('app_requests_total{'));
    expect(lines.map((line) => Number(line.split(' ').at(-1)))).toEqual([1_000, 2_000, 3_000]); // the series began with the first update, at 50 ms
    expect(() => toPrometheusText(sim.metrics, { atMs: 1, series: true })).toThrow(InvalidArgumentError);
    expect(() => toPrometheusText(sim.metrics, { at: 1 } as never)).toThrow(/at/);
  });

  it('shifts timestamps by epochMs, so an imported run lands inside Prometheus retention', () => {
    const sim = smallRun();
    const epochMs = Date.UTC(2026, 11, 6);
    const series = toPrometheusText(sim.metrics, { series: true, epochMs });
    const lines = series.split('\n').filter((line) => line.startsWith('app_requests_total{'));
    expect(lines.map((line) => Number(line.split(' ').at(-1)))).toEqual([epochMs + 1_000, epochMs + 2_000, epochMs + 3_000]);
    expect(toPrometheusText(sim.metrics, { epochMs })).toBe(toPrometheusText(sim.metrics)); // current values carry no timestamp
    for (const bad of [-1, 1.5, Number.NaN, 9e15, '0']) {
      expect(() => toPrometheusText(sim.metrics, { series: true, epochMs: bad as never })).toThrow(/epochMs/);
    }
  });

  const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).status === 0;
  if (!promtool) console.warn('promtool not on PATH: skipping the `promtool check metrics` test (CI installs it: apt-get install prometheus)');

  it.skipIf(!promtool)('passes `promtool check metrics` (read from stdin), current values, an instant and the whole series', () => {
    const sim = smallRun();
    for (const text of [toPrometheusText(sim.metrics), toPrometheusText(sim.metrics, { atMs: 2_000 }), toPrometheusText(sim.metrics, { series: true })]) {
      const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
  });
});
