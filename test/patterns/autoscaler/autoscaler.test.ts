import { describe, expect, it } from 'vitest';
import { Simulation } from '../../../src/simulation.js';
import { watchWorld, worldMetricNames } from '../../../src/observe/metrics/world-metrics.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import type { LoadBalancer } from '../../../src/patterns/balancer/load-balancer.js';
import { addAutoscaler, type Autoscaler } from '../../../src/patterns/autoscaler/autoscaler.js';
import type { AutoscalerOptions } from '../../../src/patterns/autoscaler/autoscaler-options.js';
import type { NodeBehaviour } from '../../../src/world/node-context.js';

const answer: NodeBehaviour = () => ({ onCall: () => 'ok' });

interface Pool {
  sim: Simulation;
  balancer: LoadBalancer;
  autoscaler: Autoscaler;
  /** The pool's total demand; the autoscaler reads it per serving node. A test sets it over time. */
  load: { value: number };
  picks: Array<{ backend: string; timeMs: number }>;
}

/** Two workers behind a balancer, an autoscaler reading `load.value` per serving node (target 10), launching 'w3', 'w4', …. */
function pool(options: Partial<AutoscalerOptions> = {}, behaviour: NodeBehaviour = answer): Pool {
  const sim = new Simulation({ seed: 7, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
  for (const id of ['w1', 'w2']) sim.addNode(id, behaviour);
  const balancer = addLoadBalancer(sim, 'lb', { backends: ['w1', 'w2'], policy: 'least-outstanding', timeoutMs: 1_000 });
  const load = { value: 20 };
  const autoscaler = addAutoscaler(sim, 'scaler', {
    pool: ['w1', 'w2'], behaviour, idPrefix: 'w', metric: { read: (serving) => load.value / serving.length }, targetValue: 10, minSize: 2, maxSize: 6,
    evaluationIntervalMs: 100, startDelayMs: 1_000, scaleOutCooldownMs: 300, scaleInCooldownMs: 2_000, drainMs: 500, balancer, ...options,
  });
  const picks: Pool['picks'] = [];
  balancer.onPick((backend) => picks.push({ backend, timeMs: sim.now }));
  return { sim, balancer, autoscaler, load, picks };
}

/** A client calling 'lb' every `everyMs`. */
function client(sim: Simulation, everyMs: number): void {
  sim.addNode('c', (ctx) => ({
    onStart() { ctx.setTimer(everyMs, 'go'); },
    async onTimer() {
      ctx.setTimer(everyMs, 'go');
      await ctx.call('lb', 'get', { timeoutMs: 2_000 }).catch(() => 'timeout');
    },
  }));
}

describe('autoscaler: provisioning delay', () => {
  it('launches at once, but a new node neither counts as serving nor gets traffic before its start delay ends', async () => {
    const { sim, autoscaler, balancer, load, picks } = pool();
    client(sim, 10);
    sim.schedule(450, () => { load.value = 40; });
    await sim.runAsync({ until: 3_000 });
    const out = autoscaler.events.find((event) => event.kind === 'scale-out')!;
    expect(out).toMatchObject({ timeMs: 500, nodes: ['w3', 'w4'], poolSize: 4, desired: 4 });
    const ready = autoscaler.events.filter((event) => event.kind === 'ready');
    expect(ready.map((event) => [event.nodes[0], event.timeMs])).toEqual([['w3', 1_500], ['w4', 1_500]]);
    expect(picks.filter((pick) => pick.backend === 'w3' || pick.backend === 'w4').every((pick) => pick.timeMs >= 1_500)).toBe(true);
    expect(picks.some((pick) => pick.backend === 'w3')).toBe(true);
    expect(balancer.events.filter((event) => event.kind === 'added').map((event) => [event.backend, event.atMs])).toEqual([['w3', 1_500], ['w4', 1_500]]);
    // While they booted, the load stayed high, yet nothing else launched: booting capacity counts.
    const during = autoscaler.decisions.filter((decision) => decision.timeMs > 500 && decision.timeMs < 1_500);
    expect(during.every((decision) => decision.action === 'hold' && decision.desired === 4)).toBe(true);
  });

  it('reports booting nodes as provisioning, then serving', async () => {
    const { sim, autoscaler, load } = pool();
    load.value = 40;
    await sim.runAsync({ until: 150 });
    expect(autoscaler.pool()).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(autoscaler.provisioning()).toEqual(['w3', 'w4']);
    expect(autoscaler.serving()).toEqual(['w1', 'w2']);
    expect(sim.isUp('w3')).toBe(false);
    await sim.runAsync({ until: 1_200 });
    expect(autoscaler.serving()).toEqual(['w1', 'w2', 'w3', 'w4']);
  });
});

describe('autoscaler: scale-in drains', () => {
  it('takes the newest serving nodes out of the balancer at once, lets their requests in flight finish, then removes them', async () => {
    // Each worker answers 50 ms after a request arrives; a client sends 100 a second until 1 s, then 25.
    const answered: Array<{ node: string; timeMs: number }> = [];
    const slow: NodeBehaviour = (ctx) => ({
      async onCall() {
        await ctx.sleep(50);
        answered.push({ node: ctx.id, timeMs: sim.now });
        return 'ok';
      },
    });
    const { sim, autoscaler, balancer, load, picks } = pool({ startDelayMs: 200 }, slow);
    const replies: Array<{ sentMs: number; reply: unknown }> = [];
    sim.addNode('c', (ctx) => ({
      onStart() { ctx.setTimer(10, 'go'); },
      async onTimer() {
        ctx.setTimer(sim.now < 1_000 ? 10 : 40, 'go');
        const sentMs = sim.now;
        replies.push({ sentMs, reply: await ctx.call('lb', 'get', { timeoutMs: 2_000 }).catch(() => 'timeout') });
      },
    }));
    load.value = 40;
    sim.schedule(950, () => { load.value = 2; });
    await sim.runAsync({ until: 3_000 });
    const scaleIn = autoscaler.events.find((event) => event.kind === 'scale-in')!;
    expect(scaleIn).toMatchObject({ timeMs: 1_000, nodes: ['w4', 'w3'], poolSize: 2, desired: 2 });
    // The drained nodes still answered what they held after leaving the rotation.
    expect(answered.filter((entry) => (entry.node === 'w3' || entry.node === 'w4') && entry.timeMs > 1_000).length).toBeGreaterThan(0);
    expect(balancer.events.filter((event) => event.kind === 'removed').map((event) => [event.backend, event.atMs])).toEqual([['w4', 1_000], ['w3', 1_000]]);
    expect(picks.filter((pick) => pick.timeMs >= 1_000).every((pick) => pick.backend === 'w1' || pick.backend === 'w2')).toBe(true);
    expect(sim.truth.isDraining('w4', 1_200)).toBe(true);
    expect(sim.truth.isRemoved('w4', 1_499)).toBe(false);
    expect(sim.truth.isRemoved('w4', 1_500)).toBe(true);
    expect(replies.filter((entry) => entry.sentMs < 2_800)).toHaveLength(144);
    expect(replies.filter((entry) => entry.sentMs < 2_800).every((entry) => entry.reply === 'ok')).toBe(true);
  });
});

describe('autoscaler: bounds and its own node', () => {
  it('keeps the pool within [minSize, maxSize] whatever the metric says', async () => {
    const { sim, autoscaler, load } = pool({ scaleOutCooldownMs: 0, scaleInCooldownMs: 0 });
    load.value = 1_000;
    sim.schedule(2_000, () => { load.value = 0; });
    await sim.runAsync({ until: 4_000 });
    const sizes = autoscaler.events.map((event) => event.poolSize);
    expect(Math.max(...sizes)).toBe(6);
    expect(Math.min(...sizes)).toBe(2);
    expect(autoscaler.pool()).toEqual(['w1', 'w2']);
    expect(autoscaler.decisions.some((decision) => decision.reason === 'at bound')).toBe(true);
  });

  it('counts a crashed member in the pool but not in its capacity, and drains only serving nodes', async () => {
    const { sim, autoscaler, load } = pool();
    sim.schedule(50, () => sim.crash('w2'));
    await sim.runAsync({ until: 150 });
    // One serving at twice the target wants two; the pool is w1, w2 (down) and one new node.
    expect(autoscaler.events[0]).toMatchObject({ kind: 'scale-out', nodes: ['w3'], poolSize: 3, desired: 2 });
    load.value = 0;
    await sim.runAsync({ until: 1_500 });
    // Capacity (w1, w3) is at the minimum already: w2, down, is neither drained nor replaced.
    expect(autoscaler.events.map((event) => event.kind)).toEqual(['scale-out', 'ready']);
    expect(autoscaler.pool()).toEqual(['w1', 'w2', 'w3']);
    expect(autoscaler.decisions.at(-1)).toMatchObject({ action: 'hold', reason: 'at bound', desired: 2 });
    sim.restart('w2');
    await sim.runAsync({ until: 2_000 });
    expect(autoscaler.events.at(-1)).toMatchObject({ kind: 'scale-in', nodes: ['w3'], poolSize: 2 });
    expect(autoscaler.pool()).toEqual(['w1', 'w2']);
  });

  it('keeps at most its latest 10,000 decisions', async () => {
    const { sim, autoscaler } = pool({ evaluationIntervalMs: 1 });
    await sim.runAsync({ until: 10_500 });
    expect(autoscaler.decisions).toHaveLength(10_000);
    expect(autoscaler.decisions[0]!.timeMs).toBe(501);
    expect(autoscaler.decisions.at(-1)!.timeMs).toBe(10_500);
  });

  it('scales nothing while its own node is down', async () => {
    const { sim, autoscaler, load } = pool();
    sim.schedule(50, () => sim.crash('scaler'));
    sim.schedule(800, () => sim.restart('scaler'));
    load.value = 40;
    await sim.runAsync({ until: 1_000 });
    expect(autoscaler.events[0]).toMatchObject({ kind: 'scale-out', timeMs: 900 });
  });
});

describe('autoscaler: metrics', () => {
  it('reads queue length through watchWorld and scales an overloaded pool out', async () => {
    const sim = new Simulation({ seed: 3, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
    sim.metrics.configure({ intervalMs: 100 });
    watchWorld(sim);
    const service = { messagesPerSec: 50 };
    for (const id of ['w1', 'w2']) sim.addNode(id, answer, { service });
    const balancer = addLoadBalancer(sim, 'lb', { backends: ['w1', 'w2'], policy: 'least-outstanding', timeoutMs: 5_000 });
    const autoscaler = addAutoscaler(sim, 'scaler', {
      pool: ['w1', 'w2'], behaviour: answer, nodeOptions: { service }, metric: { gauge: worldMetricNames.inboxLength },
      targetValue: 5, minSize: 2, maxSize: 10, evaluationIntervalMs: 450, startDelayMs: 500, balancer,
    });
    client(sim, 5); // 200 a second against 100 a second of service
    await sim.runAsync({ until: 1_200 });
    const first = autoscaler.decisions.find((decision) => decision.action === 'out')!;
    // The gauge holds what the last sample (every 100 ms) read.
    const sampledAtMs = Math.floor(first.timeMs / 100) * 100;
    const inboxes = ['w1', 'w2'].map((node) => sim.metrics.series(worldMetricNames.inboxLength, { node })!);
    const sampled = inboxes.map((series) => series.values[series.timesMs.indexOf(sampledAtMs)]![0]!);
    expect(first.metric).toBe((sampled[0]! + sampled[1]!) / 2);
    expect(first.metric).toBeGreaterThan(5);
    expect(autoscaler.events[0]!.nodes[0]).toBe('scaler-1');
  });

  it('reads a counter as a rate per second per serving node, leaving out nodes that just started', async () => {
    const counting: NodeBehaviour = (ctx) => ({ onCall() { ctx.metrics.counter('served_total').inc(); return 'ok'; } });
    const sim = new Simulation({ seed: 3, network: { link: { latency: { kind: 'constant', ms: 1 } } } });
    for (const id of ['w1', 'w2']) sim.addNode(id, counting);
    const balancer = addLoadBalancer(sim, 'lb', { backends: ['w1', 'w2'], timeoutMs: 1_000 });
    const autoscaler = addAutoscaler(sim, 'scaler', {
      pool: ['w1', 'w2'], behaviour: counting, idPrefix: 'w', metric: { counterRate: 'served_total' },
      targetValue: 40, minSize: 2, maxSize: 10, evaluationIntervalMs: 500, startDelayMs: 250, balancer,
    });
    client(sim, 10); // 100 a second over two nodes: 50 each
    await sim.runAsync({ until: 3_000 });
    const [first, second, third] = autoscaler.decisions;
    expect(first).toMatchObject({ timeMs: 500, action: 'hold', reason: 'no data' });
    expect(second!.metric).toBeCloseTo(50, 0);
    expect(second).toMatchObject({ action: 'out', count: 1, desired: 3 });
    // w3 started at 1,250: the window 1,000-1,500 is averaged over w1 and w2, which served 42 of
    // the 50 requests in it; counting w3 in would read (42 + 8) / 0.5 s / 3 = 33.3.
    expect(third).toMatchObject({ metric: 42, action: 'hold', reason: 'within tolerance' });
    expect(autoscaler.decisions.at(-1)!.metric).toBeCloseTo(100 / 3, 0);
  });
});
