import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { assertCluster, type ClusterScenario } from '../../../src/check/index.js';
import { addLoadBalancer } from '../../../src/patterns/balancer/balancer-proxy.js';
import { addAutoscaler, type Autoscaler, type AutoscalerEvent } from '../../../src/patterns/autoscaler/autoscaler.js';
import { ScalingPolicy } from '../../../src/patterns/autoscaler/scaling-policy.js';
import type { NodeBehaviour } from '../../../src/world/node-context.js';

const MIN_SIZE = 2;
const MAX_SIZE = 5;
const OUT_COOLDOWN_MS = 700;
const IN_COOLDOWN_MS = 1_500;

/** The shortest gap between two actions of `kind`, Infinity with fewer than two. */
function closestGapMs(events: readonly AutoscalerEvent[], kind: 'scale-out' | 'scale-in'): number {
  const times = events.filter((event) => event.kind === kind).map((event) => event.timeMs);
  return Math.min(Infinity, ...times.slice(1).map((time, index) => time - times[index]!));
}

const worker: NodeBehaviour = (ctx) => ({
  onCall() {
    ctx.metrics.counter('served_total').inc();
    return 'ok';
  },
});

/**
 * Two workers (50 requests a second each) behind a balancer, an autoscaler holding 30 served a
 * second per worker, and a client whose rate jumps every second to a level drawn from a seeded
 * stream (10 to 300 a second): the pool is pushed both ways while faults crash or pause workers
 * and the autoscaler itself.
 */
const scenario: ClusterScenario<Autoscaler> = {
  name: 'autoscaled pool under jumping load',
  simulation: { network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 4 } } } },
  async: true,
  setup: (sim, { coverage }) => {
    const service = { messagesPerSec: 50, inboxLimit: 200 };
    for (const id of ['w1', 'w2']) sim.addNode(id, worker, { service });
    const balancer = addLoadBalancer(sim, 'lb', { backends: ['w1', 'w2'], policy: 'least-outstanding', timeoutMs: 300 });
    const autoscaler = addAutoscaler(sim, 'scaler', {
      pool: ['w1', 'w2'], behaviour: worker, idPrefix: 'w', nodeOptions: { service }, metric: { counterRate: 'served_total' },
      targetValue: 30, minSize: MIN_SIZE, maxSize: MAX_SIZE, evaluationIntervalMs: 250, startDelayMs: 400,
      scaleOutCooldownMs: OUT_COOLDOWN_MS, scaleInCooldownMs: IN_COOLDOWN_MS, drainMs: 300, balancer,
    });
    autoscaler.onEvent((event) => coverage.sometimes(`autoscaler ${event.kind}`, true));
    autoscaler.onEvent((event) => coverage.sometimes('pool at maxSize', event.poolSize === MAX_SIZE));
    const levels = sim.rng('load');
    sim.addNode('c', (ctx) => {
      let everyMs = 20;
      return {
        onStart() {
          ctx.setTimer(everyMs, 'request');
          ctx.setTimer(1_000, 'level');
        },
        async onTimer(name) {
          if (name === 'level') {
            everyMs = [100, 20, 10, 5, 3.3][levels.int(0, 4)]!;
            ctx.setTimer(1_000, 'level');
            return;
          }
          ctx.setTimer(everyMs, 'request');
          await ctx.call('lb', 'get', { timeoutMs: 600 }).catch(() => undefined);
        },
      };
    });
    return autoscaler;
  },
  invariants: [
    {
      name: 'pool size stays within [minSize, maxSize]',
      check: (autoscaler) => {
        const size = autoscaler.pool().length;
        return (size >= MIN_SIZE && size <= MAX_SIZE) || `pool ${autoscaler.pool().join(', ')}`;
      },
    },
    {
      name: 'no two scaling actions in one direction within its cool-down',
      check: (autoscaler) => {
        const out = closestGapMs(autoscaler.events, 'scale-out');
        const scaleIn = closestGapMs(autoscaler.events, 'scale-in');
        return (out >= OUT_COOLDOWN_MS && scaleIn >= IN_COOLDOWN_MS) || `closest scale-outs ${out} ms apart, scale-ins ${scaleIn} ms`;
      },
    },
  ],
  untilMs: 8_000,
};

describe('autoscaler under generated faults and jumping load', () => {
  it('keeps the pool within its bounds and honours both cool-downs, while scaling both ways and reaching its maximum', async () => {
    const summary = await assertCluster(scenario, {
      faults: { nodes: ['w1', 'w2', 'scaler'], kinds: ['crash', 'pause'], minFaults: 0, maxFaults: 4, horizonMs: 7_000 },
      numRuns: 30, seed: 15,
      requireCoverage: { sometimes: ['autoscaler scale-out', 'autoscaler ready', 'autoscaler scale-in', 'pool at maxSize'] },
    });
    expect(summary.runs).toBe(30);
  });
});

describe('scaling policy over arbitrary readings', () => {
  const reading = fc.record({
    gapMs: fc.integer({ min: 0, max: 2_000 }),
    metric: fc.oneof(fc.double({ min: 0, max: 1_000, noNaN: true }), fc.constant(Number.NaN)),
    crashes: fc.nat(3),
    booted: fc.nat(4),
  });

  fcTest.prop([fc.array(reading, { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 6 })])(
    'applying its decisions, the pool never leaves [minSize, maxSize] and no direction acts twice within its cool-down',
    (readings, minSize, extra) => {
      const maxSize = minSize + extra;
      const policy = new ScalingPolicy({ targetValue: 10, minSize, maxSize, scaleOutCooldownMs: 1_000, scaleInCooldownMs: 3_000 });
      let serving = minSize;
      let provisioning = 0;
      let crashed = 0;
      let nowMs = 0;
      const actions: Array<{ action: 'out' | 'in'; timeMs: number }> = [];
      for (const next of readings) {
        nowMs += next.gapMs;
        // Booting nodes come up; serving nodes crash (and stay in the pool).
        const up = Math.min(provisioning, next.booted);
        provisioning -= up;
        serving += up;
        const down = Math.min(serving, next.crashes);
        serving -= down;
        crashed += down;
        const decision = policy.decide(nowMs, { metric: next.metric, serving, provisioning, members: serving + provisioning + crashed });
        if (decision.action === 'out') provisioning += decision.count;
        if (decision.action === 'in') serving -= decision.count;
        if (decision.action !== 'hold') actions.push({ action: decision.action, timeMs: nowMs });
        const members = serving + provisioning + crashed;
        if (decision.action !== 'hold') {
          expect(members).toBeGreaterThanOrEqual(minSize);
          expect(members).toBeLessThanOrEqual(maxSize);
        }
        expect(serving).toBeGreaterThanOrEqual(0);
      }
      for (const direction of ['out', 'in'] as const) {
        const times = actions.filter((entry) => entry.action === direction).map((entry) => entry.timeMs);
        const coolDownMs = direction === 'out' ? 1_000 : 3_000;
        times.slice(1).forEach((time, index) => expect(time - times[index]!).toBeGreaterThanOrEqual(coolDownMs));
      }
    },
  );
});
