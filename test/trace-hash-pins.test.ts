// Trace-hash pins: fixed runs whose trace hashes are recorded as literals.
//
// An unintended change to the order of events (or to what is mixed into the hash) fails this
// test. A change that moves hashes on purpose updates the literals here and says so in
// CHANGELOG.md, naming the runs that moved and why.
//
// Each fault family gets one small scenario built through the public API, so a refactor of
// Simulation can show that every path (crash, pause, partition, link, clock, byzantine, disk,
// resource, omission, async) still runs the same events in the same order.
import { describe, expect, it } from 'vitest';
import { checkCluster } from '../src/check/index.js';
import { Simulation, type FaultSchedule } from '../src/index.js';
import { registerScenario } from '../examples/property-testing/register.js';
import { runExample } from './example-runner.js';
import { asyncRun } from './browser/scenarios.js';

const IDS = ['a', 'b', 'c'] as const;
const RUN_FOR_MS = 1_000;

/** Three nodes that gossip every 20 ms of local time and persist a counter (surviving disk errors). */
function gossipCluster(trace: boolean): Simulation {
  const sim = new Simulation({
    seed: 'pins',
    trace,
    network: { link: { latency: { kind: 'exponential', meanMs: 3 }, lossProbability: 0.02, duplicateProbability: 0.01 } },
  });
  for (const id of IDS) {
    sim.addNode<{ from: string; at: number; heard: number }, { count: number }>(
      id,
      (ctx) => {
        let heard = 0; // volatile: forgotten on crash
        const tick = (): void => ctx.setTimer(10 + ctx.rng.int(0, 20), 'tick');
        return {
          onStart: tick,
          onRecover: tick,
          onTimer: () => {
            ctx.broadcast({ from: id, at: ctx.now(), heard });
            try {
              ctx.persist((draft) => void draft.count++);
            } catch {
              // disk faults: try again next tick
            }
            tick();
          },
          onMessage: () => void heard++,
        };
      },
      { durable: { count: 0 } },
    );
  }
  sim.registerAdversary('mute-to-a', (message, to) => (to === 'a' ? [] : [{ to, message }]));
  return sim;
}

/** Runs the gossip cluster under `faults` (and `verbs`, scheduled calls of the sim's verbs). */
function pinnedRun(faults: FaultSchedule, verbs: (sim: Simulation) => void = () => {}, trace = false): string {
  const sim = gossipCluster(trace);
  sim.inject(faults);
  verbs(sim);
  sim.run({ until: RUN_FOR_MS });
  return sim.traceHash();
}

describe('trace-hash pins', () => {
  it('no faults', () => {
    expect(pinnedRun([])).toBe('0d2a9ff260bf9dff');
  });

  it('tracing does not change the hash', () => {
    expect(pinnedRun([], () => {}, true)).toBe(pinnedRun([]));
  });

  it('crash and restart (verbs and schedule)', () => {
    const hash = pinnedRun([{ kind: 'crash', atMs: 400, durationMs: 150, target: 'c' }], (sim) => {
      sim.scheduleAt(100, () => sim.crash('b'));
      sim.scheduleAt(250, () => sim.restart('b'));
    }, true);
    expect(hash).toBe('a7452720f8abe598');
  });

  it('pause and resume (verbs and schedule)', () => {
    const hash = pinnedRun([{ kind: 'pause', atMs: 500, durationMs: 120, target: 'a' }], (sim) => {
      sim.scheduleAt(100, () => sim.pause('b'));
      sim.scheduleAt(180, () => sim.resume('b'));
    });
    expect(hash).toBe('727399d92b324a08');
  });

  it('partitions: split, one-way, isolate, bridge, heal', () => {
    const hash = pinnedRun(
      [
        { kind: 'partition-one-way', atMs: 300, durationMs: 100, params: { from: ['a'], to: ['c'] } },
        { kind: 'isolate', atMs: 450, durationMs: 100, target: 'b' },
        { kind: 'bridge', atMs: 600, durationMs: 100, params: { sides: [['a'], ['c']], bridge: 'b' } },
      ],
      (sim) => {
        sim.scheduleAt(100, () => sim.partition(['a', 'b'], ['c']));
        sim.scheduleAt(200, () => sim.heal());
      },
    );
    expect(hash).toBe('d581332e1289968a');
  });

  it('link faults: slow, degrade, slow-node', () => {
    const hash = pinnedRun(
      [
        { kind: 'link', atMs: 300, durationMs: 200, params: { links: [['a', 'c']], bothWays: true, model: { lossProbability: 0.3, latencyFactor: 4 } } },
        { kind: 'slow-node', atMs: 600, durationMs: 200, target: 'b', params: { model: { latencyFactor: 10 } } },
      ],
      (sim) => {
        sim.scheduleAt(100, () => sim.slow('a', 'b', 5));
        sim.scheduleAt(150, () => sim.degrade([['b', 'c']], { lossProbability: 0.5 }));
        sim.scheduleAt(250, () => sim.heal());
      },
    );
    expect(hash).toBe('51e3726dc976dbb2');
  });

  it('clocks: skew, drift, jump', () => {
    const hash = pinnedRun(
      [
        { kind: 'clock-skew', atMs: 200, durationMs: 300, target: 'a', params: { deltaMs: 250 } },
        { kind: 'clock-drift', atMs: 200, durationMs: 300, target: 'b', params: { driftPpm: 20_000 } },
        { kind: 'clock-jump', atMs: 400, target: 'c', params: { deltaMs: -40 } },
      ],
      (sim) => {
        sim.scheduleAt(600, () => sim.skewClock('c', 15));
        sim.scheduleAt(650, () => sim.setClockDrift('a', -5_000));
        sim.scheduleAt(700, () => sim.jumpClock('b', 30));
      },
    );
    expect(hash).toBe('b4172d56b9e17916');
  });

  it('byzantine: corrupt and a custom adversary', () => {
    const hash = pinnedRun([
      { kind: 'byzantine', atMs: 200, durationMs: 200, target: 'c', params: { behaviour: 'corrupt', probability: 0.5 } },
      { kind: 'byzantine', atMs: 500, durationMs: 200, target: 'c', params: { behaviour: 'custom', adversary: 'mute-to-a' } },
    ]);
    expect(hash).toBe('4f8d53d0afe6fc2c');
  });

  it('disks: unsynced loss across a crash, write failures, full', () => {
    const hash = pinnedRun([
      { kind: 'disk-unsynced-loss', atMs: 100, durationMs: 400, target: 'a' },
      { kind: 'crash', atMs: 300, durationMs: 50, target: 'a' },
      { kind: 'disk-write-fail', atMs: 200, durationMs: 300, target: 'b', params: { probability: 0.5 } },
      { kind: 'disk-full', atMs: 600, durationMs: 200, target: 'c' },
    ]);
    expect(hash).toBe('ebf1be690496b23f');
  });

  it('resources: capacity and a traffic spike', () => {
    const hash = pinnedRun([
      { kind: 'capacity', atMs: 200, durationMs: 300, target: 'a', params: { messagesPerSec: 50, inboxLimit: 5 } },
      { kind: 'traffic-spike', atMs: 250, durationMs: 200, target: 'a', params: { from: 'c', ratePerSec: 300, message: { spam: true } } },
    ]);
    expect(hash).toBe('6231d4340a8f6208');
  });

  it('omission', () => {
    const hash = pinnedRun([{ kind: 'omission', atMs: 200, durationMs: 400, target: 'b', params: { sendProbability: 0.5, receiveProbability: 0.2 } }]);
    expect(hash).toBe('6e155ff22d468eab');
  });

  it('async: call, receive and sleep across a crash, with a service-limited server', async () => {
    // The same scenario the browser test runs in Chromium (test/browser/scenarios.ts).
    expect(await asyncRun()).toBe('f88c75ac9b45c2d1');
  });

  it('the heartbeat cluster (the first part of npm run demo) prints e13f60e1bb7af0be', async () => {
    const output = await runExample('examples/heartbeat-cluster.ts');
    expect(/trace hash ([0-9a-f]{16})/.exec(output)?.[1]).toBe('e13f60e1bb7af0be');
  });

  it("the property-testing walkthrough's minimal case, on the fixed register, hashes to e3ca956a14d614f3", () => {
    // The replay line the walkthrough prints (examples-check.test.ts pins the whole run's output).
    const minimalCase = {
      seed: 408586919,
      faults: [{ kind: 'crash', atMs: 0, durationMs: 11, target: 'r2' }],
      workload: [
        { atMs: 0, client: 'client', operation: { type: 'write' as const, value: 1 } },
        { atMs: 0, client: 'client', operation: { type: 'read' as const, replica: 'r1' } },
        { atMs: 11, client: 'client', operation: { type: 'read' as const, replica: 'r2' } },
      ],
    };
    expect(checkCluster(registerScenario(true), minimalCase).traceHash).toBe('e3ca956a14d614f3');
  });
});
