import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/simulation.js';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  resolveSwimOptions,
  swimNode,
  swimRetransmitLimit,
  swimSuspicionTimeoutAfter,
  swimSuspicionTimeoutMs,
  SWIM_DEFAULTS,
  type SwimHandlers,
  type SwimMessage,
  type SwimOptions,
} from '../../src/detectors/swim.js';

const IDS = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
const N = IDS.length;
const { probeIntervalMs, suspicionMult, suspicionMaxTimeoutMult } = SWIM_DEFAULTS;
/** Min and max Lifeguard suspicion timeouts for this cluster (memberlist formula). */
const MIN_SUSPICION_MS = swimSuspicionTimeoutMs(suspicionMult, N, probeIntervalMs);
const MAX_SUSPICION_MS = suspicionMaxTimeoutMult * MIN_SUSPICION_MS;
/**
 * Crash → dead at every survivor: the round-robin list reaches any member within 2(n−1) probes
 * (end of one shuffled pass to the end of the next), the failed probe ends one interval later,
 * then at most the max suspicion timeout (no confirmations), plus a second for dissemination.
 */
const DETECTION_BOUND_MS = (2 * (N - 1) + 1) * probeIntervalMs + MAX_SUSPICION_MS + 1_000;

function cluster(seed: number, options?: SwimOptions): Simulation {
  const sim = new Simulation({ seed, trace: true, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 10 } } } });
  for (const id of IDS) sim.addNode(id, swimNode(options));
  return sim;
}

function view(sim: Simulation, id: string): SwimHandlers {
  return sim.node<SwimHandlers>(id).handlers;
}

function stateOf(sim: Simulation, observer: string, member: string): string | undefined {
  return view(sim, observer).members().get(member)?.state;
}

function expectInvalidArgument(action: () => unknown, field: string): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect((caught as InvalidArgumentError).field).toBe(field);
  expect((caught as InvalidArgumentError).message).toContain(field);
}

describe('swimNode', () => {
  it('defaults to memberlist DefaultLANConfig', () => {
    expect(resolveSwimOptions()).toEqual({
      probeIntervalMs: 1_000,
      probeTimeoutMs: 500,
      indirectChecks: 3,
      suspicionMult: 4,
      suspicionMaxTimeoutMult: 6,
      gossipNodes: 3,
      gossipIntervalMs: 200,
      gossipToTheDeadMs: 30_000,
      awarenessMaxMultiplier: 8,
      retransmitMult: 4,
    });
  });

  it('computes memberlist timeouts and retransmit limits', () => {
    expect(swimSuspicionTimeoutMs(4, 6, 1_000)).toBe(4_000); // log10(6) < 1 → floored to 1
    expect(swimSuspicionTimeoutMs(4, 100, 1_000)).toBe(8_000);
    expect(swimSuspicionTimeoutAfter(0, 2, 4_000, 24_000)).toBe(24_000);
    expect(swimSuspicionTimeoutAfter(1, 2, 4_000, 24_000)).toBe(Math.floor(24_000 - (20_000 * Math.log(2)) / Math.log(3)));
    expect(swimSuspicionTimeoutAfter(2, 2, 4_000, 24_000)).toBe(4_000);
    expect(swimSuspicionTimeoutAfter(5, 0, 4_000, 24_000)).toBe(4_000);
    expect(swimRetransmitLimit(4, 6)).toBe(4);
    expect(swimRetransmitLimit(4, 10)).toBe(8);
  });

  it('converges to all-alive in a healthy cluster', () => {
    const sim = cluster(1);
    sim.run({ until: 30_000 });
    for (const observer of IDS) {
      const members = view(sim, observer).members();
      expect(members.size).toBe(N);
      for (const id of IDS) expect(members.get(id)).toEqual({ state: 'alive', incarnation: 0 });
      expect(view(sim, observer).events).toEqual([]);
      expect(view(sim, observer).healthScore()).toBe(0);
    }
  });

  it('declares a crashed member dead at every survivor within the derived bound, as ground truth agrees', () => {
    const sim = cluster(1);
    const crashAt = 10_000;
    sim.scheduleAt(crashAt, () => sim.crash('n3'));
    sim.run({ until: crashAt + DETECTION_BOUND_MS });
    expect(sim.truth.isUp('n3')).toBe(false);
    for (const observer of IDS.filter((id) => id !== 'n3')) {
      expect(stateOf(sim, observer, 'n3')).toBe('dead');
      const dead = view(sim, observer).events.find((event) => event.node === 'n3' && event.state === 'dead')!;
      // Clocks are exact here, so local time is true time.
      expect(dead.atMs).toBeGreaterThan(crashAt);
      expect(dead.atMs).toBeLessThanOrEqual(crashAt + DETECTION_BOUND_MS);
      // It was suspected first, and the suspicion lasted at least the Lifeguard minimum somewhere.
      expect(view(sim, observer).events.some((event) => event.node === 'n3' && event.state === 'suspect')).toBe(true);
      // No false verdicts about anybody else.
      expect(view(sim, observer).events.every((event) => event.node === 'n3')).toBe(true);
    }
    const firstSuspicion = Math.min(...IDS.filter((id) => id !== 'n3').map((id) => view(sim, id).events[0]!.atMs));
    const firstDeath = Math.min(...IDS.filter((id) => id !== 'n3').map((id) => view(sim, id).events.find((e) => e.state === 'dead')!.atMs));
    expect(firstDeath - firstSuspicion).toBeGreaterThanOrEqual(MIN_SUSPICION_MS);
    // Lifeguard nacks: the intermediaries vouch that the target, not the prober, is the problem,
    // so no survivor's local health score ever rises.
    expect(sim.logs().filter((entry) => entry.node !== 'n3' && entry.message.startsWith('health score'))).toEqual([]);
  });

  it('lets a restarted member rejoin by refuting its death with a higher incarnation', () => {
    const sim = cluster(1);
    sim.scheduleAt(10_000, () => sim.crash('n3'));
    sim.scheduleAt(10_000 + DETECTION_BOUND_MS, () => sim.restart('n3'));
    sim.run({ until: 10_000 + DETECTION_BOUND_MS + 10_000 });
    expect(view(sim, 'n3').incarnation()).toBe(1);
    for (const observer of IDS) {
      expect(view(sim, observer).members().get('n3')).toEqual({ state: 'alive', incarnation: 1 });
    }
  });

  it('lets a briefly paused (healthy) member refute its suspicion without being declared dead', () => {
    const sim = cluster(2);
    sim.scheduleAt(10_000, () => sim.pause('n3'));
    sim.scheduleAt(12_500, () => sim.resume('n3'));
    sim.run({ until: 40_000 });
    const suspectedBy = IDS.filter((id) => id !== 'n3' && view(sim, id).events.some((e) => e.node === 'n3' && e.state === 'suspect'));
    expect(suspectedBy.length).toBeGreaterThan(0);
    expect(view(sim, 'n3').incarnation()).toBeGreaterThanOrEqual(1);
    for (const observer of IDS) {
      expect(view(sim, observer).events.some((e) => e.state === 'dead')).toBe(false);
      expect(view(sim, observer).members().get('n3')).toEqual({ state: 'alive', incarnation: view(sim, 'n3').incarnation() });
    }
    expect(view(sim, 'n3').events).toEqual([{ atMs: expect.any(Number), node: 'n3', state: 'alive', incarnation: 1, from: 'n3' }]);
  });

  it('lets a slow (300× latency) member refute without being declared dead; probes of a suspect lead with the suspicion (buddy system)', () => {
    const sim = new Simulation({ seed: 5, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 10 } } } });
    const pingsToN3: SwimMessage[] = [];
    for (const id of IDS) {
      if (id !== 'n3') {
        sim.addNode(id, swimNode());
        continue;
      }
      const behaviour = swimNode();
      sim.addNode<SwimMessage>(id, (ctx) => {
        const handlers = behaviour(ctx) as SwimHandlers;
        const inner = handlers.onMessage!;
        handlers.onMessage = (from, message) => {
          if (message.type === 'ping') pingsToN3.push(message);
          return inner(from, message);
        };
        return handlers;
      });
    }
    const others = IDS.filter((id) => id !== 'n3');
    // n3's outgoing links become 300× slower (≈ 0.3–3 s a message) for four seconds.
    sim.scheduleAt(10_000, () => sim.degrade(others.map((id) => ['n3', id] as [string, string]), { latencyFactor: 300 }));
    sim.scheduleAt(14_000, () => sim.heal());
    sim.run({ until: 40_000 });
    expect(view(sim, 'n3').incarnation()).toBeGreaterThanOrEqual(1);
    for (const observer of others) {
      expect(view(sim, observer).members().get('n3')).toEqual({ state: 'alive', incarnation: view(sim, 'n3').incarnation() });
      expect(view(sim, observer).events.some((e) => e.node === 'n3' && e.state === 'dead')).toBe(false);
    }
    const buddyPings = pingsToN3.filter((ping) => ping.updates[0]?.state === 'suspect' && ping.updates[0].node === 'n3');
    expect(buddyPings.length).toBeGreaterThan(0);
  });

  it('declares an isolated member dead on the majority side', () => {
    const sim = cluster(3);
    sim.scheduleAt(10_000, () => sim.partition(['n3'], IDS.filter((id) => id !== 'n3')));
    sim.run({ until: 10_000 + DETECTION_BOUND_MS });
    expect(sim.truth.isUp('n3')).toBe(true);
    expect(sim.truth.isCut('n1', 'n3')).toBe(true);
    for (const observer of IDS.filter((id) => id !== 'n3')) {
      expect(stateOf(sim, observer, 'n3')).toBe('dead');
      for (const other of IDS.filter((id) => id !== 'n3')) expect(stateOf(sim, observer, other)).toBe('alive');
    }
    // The isolated node's own probes and ping-reqs fail without nacks: its health score saturates.
    expect(view(sim, 'n3').healthScore()).toBe(SWIM_DEFAULTS.awarenessMaxMultiplier - 1);
    // After the heal, the accused refute and everyone is alive again.
    sim.heal();
    sim.run({ until: sim.now + 40_000 });
    for (const observer of IDS) for (const member of IDS) expect(stateOf(sim, observer, member)).toBe('alive');
  });

  it('raises the local health score when its own links degrade, and lowers it after they heal', () => {
    const sim = cluster(4);
    const others = IDS.filter((id) => id !== 'n3');
    const links = others.flatMap((id) => [['n3', id], [id, 'n3']] as Array<[string, string]>);
    sim.scheduleAt(10_000, () => sim.degrade(links, { lossProbability: 0.9 }));
    sim.run({ until: 25_000 });
    const degraded = view(sim, 'n3').healthScore();
    expect(degraded).toBeGreaterThanOrEqual(2);
    for (const id of others) expect(view(sim, id).healthScore()).toBeLessThan(degraded);
    sim.heal();
    // Each successful probe lowers the score by one, but the probes themselves are stretched by
    // (score + 1): recovery from 6 takes 7 + 6 + … + 1 ≈ 28 s of probing.
    sim.run({ until: 40_000 });
    expect(view(sim, 'n3').healthScore()).toBeLessThan(degraded);
    sim.run({ until: 100_000 });
    expect(view(sim, 'n3').healthScore()).toBe(0);
  });

  it('is deterministic: same seed → same trace hash and membership events', () => {
    function runOnce(): { hash: string; events: string } {
      const sim = cluster(7);
      sim.scheduleAt(5_000, () => sim.crash('n2'));
      sim.scheduleAt(8_000, () => sim.pause('n5'));
      sim.scheduleAt(9_500, () => sim.resume('n5'));
      sim.run({ until: 40_000 });
      const events = IDS.filter((id) => sim.isUp(id)).map((id) => [id, view(sim, id).events]);
      return { hash: sim.traceHash(), events: JSON.stringify(events) };
    }
    const first = runOnce();
    const second = runOnce();
    expect(second.hash).toBe(first.hash);
    expect(second.events).toBe(first.events);
    expect(first.events).toContain('"dead"');
  });

  it('rejects bad options, naming the option', () => {
    expectInvalidArgument(() => swimNode({ probeIntervalMs: 0 }), 'probeIntervalMs');
    expectInvalidArgument(() => swimNode({ probeIntervalMs: -5 }), 'probeIntervalMs');
    expectInvalidArgument(() => swimNode({ probeTimeoutMs: 0 }), 'probeTimeoutMs');
    expectInvalidArgument(() => swimNode({ probeTimeoutMs: 1_000 }), 'probeTimeoutMs');
    expectInvalidArgument(() => swimNode({ indirectChecks: 0 }), 'indirectChecks');
    expectInvalidArgument(() => swimNode({ indirectChecks: 1.5 }), 'indirectChecks');
    expectInvalidArgument(() => swimNode({ suspicionMult: 0 }), 'suspicionMult');
    expectInvalidArgument(() => swimNode({ suspicionMaxTimeoutMult: -1 }), 'suspicionMaxTimeoutMult');
    expectInvalidArgument(() => swimNode({ gossipNodes: 0 }), 'gossipNodes');
    expectInvalidArgument(() => swimNode({ gossipIntervalMs: Number.NaN }), 'gossipIntervalMs');
    expectInvalidArgument(() => swimNode({ gossipToTheDeadMs: -1 }), 'gossipToTheDeadMs');
    expectInvalidArgument(() => swimNode({ awarenessMaxMultiplier: 0 }), 'awarenessMaxMultiplier');
    expectInvalidArgument(() => swimNode({ retransmitMult: 0 }), 'retransmitMult');
    expectInvalidArgument(() => swimNode({ probeInterval: 1_000 } as SwimOptions), 'probeInterval');
    expectInvalidArgument(() => swimNode(null as unknown as SwimOptions), 'options');
  });
});
