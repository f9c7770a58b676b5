import { describe, expect, it } from 'vitest';
import { SWIM_DEFAULTS, swimNode, swimSuspicionTimeoutAfter, swimSuspicionTimeoutMs, type SwimHandlers, type SwimMessage, type SwimUpdate } from '../../src/detectors/swim.js';
import { Simulation } from '../../src/simulation.js';

// SWIM's incarnation ordering (Das, Gupta & Motivala 2002, §4.2), one test per rule. Node `a`
// runs SWIM; `b`…`e` and the driver `x` only answer pings (so a's own probes never suspect
// anyone) and record the updates they hear; `x` feeds `a` hand-made updates at set times. The
// network delivers in 1 ms and clocks are exact, so a's local time is true time.

const PEERS = ['b', 'c', 'd', 'e'];
/** a's cluster: a, b, c, d, e, x. With the defaults: suspicion min 4 s, max 24 s, k = 2. */
const N = 2 + PEERS.length;
const MIN_MS = swimSuspicionTimeoutMs(SWIM_DEFAULTS.suspicionMult, N, SWIM_DEFAULTS.probeIntervalMs);
const MAX_MS = SWIM_DEFAULTS.suspicionMaxTimeoutMult * MIN_MS;
const K = SWIM_DEFAULTS.suspicionMult - 2;
const LATENCY_MS = 1;

interface Step {
  atMs: number;
  updates: SwimUpdate[];
}

interface Heard {
  atMs: number;
  by: string;
  update: SwimUpdate;
}

const alive = (node: string, incarnation: number, from = 'x'): SwimUpdate => ({ state: 'alive', node, incarnation, from });
const suspect = (node: string, incarnation: number, from = 'x'): SwimUpdate => ({ state: 'suspect', node, incarnation, from });
const dead = (node: string, incarnation: number, from = 'x'): SwimUpdate => ({ state: 'dead', node, incarnation, from });

/** A ping-answering node that records every update it hears. */
function responder(id: string, heard: Heard[], steps: Step[] = []) {
  return (ctx: Parameters<ReturnType<typeof swimNode>>[0]) => ({
    onStart: () => steps.forEach((step, index) => ctx.setTimer(step.atMs, `step ${index}`, index)),
    onTimer: (_name: string, index: unknown) => ctx.send('a', { type: 'gossip', updates: steps[index as number]!.updates }),
    onMessage: (from: string, message: SwimMessage) => {
      for (const update of message.updates) heard.push({ atMs: ctx.now(), by: id, update });
      if (message.type === 'ping') ctx.send(from, { type: 'ack', seq: message.seq, updates: [] });
    },
  });
}

/** Node `a` under test, fed `steps` by `x`. */
function rig(steps: Step[]): { sim: Simulation; a: () => SwimHandlers; heard: Heard[] } {
  const sim = new Simulation({ seed: 1 });
  const heard: Heard[] = [];
  sim.addNode('a', swimNode());
  for (const id of PEERS) sim.addNode<SwimMessage>(id, responder(id, heard));
  sim.addNode<SwimMessage>('x', responder('x', heard, steps));
  return { sim, a: () => sim.node<SwimHandlers>('a').handlers, heard };
}

/** a's view of `node` after running to `untilMs`. */
function viewAt(setup: ReturnType<typeof rig>, untilMs: number, node = 'b'): { state: string; incarnation: number } | undefined {
  setup.sim.run({ until: untilMs });
  return setup.a().members().get(node);
}

describe('alive{i} overrides suspect{j} and alive{j} only if i > j', () => {
  it('an alive at the same incarnation does not clear a suspicion; a higher one does', () => {
    const setup = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [alive('b', 1)] },
      { atMs: 3_000, updates: [alive('b', 0)] },
      { atMs: 4_000, updates: [alive('b', 2)] },
    ]);
    expect(viewAt(setup, 1_500)).toEqual({ state: 'suspect', incarnation: 1 });
    expect(viewAt(setup, 3_500)).toEqual({ state: 'suspect', incarnation: 1 });
    expect(viewAt(setup, 4_500)).toEqual({ state: 'alive', incarnation: 2 });
    expect(setup.a().events.map((event) => [event.state, event.incarnation])).toEqual([['suspect', 1], ['alive', 2]]);
  });

  it('an alive at the same incarnation as the alive held is not taken (nor gossiped again); a lower one is ignored', () => {
    const setup = rig([
      { atMs: 1_000, updates: [alive('b', 2)] },
      { atMs: 5_000, updates: [alive('b', 1)] },
      { atMs: 10_000, updates: [alive('b', 2)] },
    ]);
    expect(viewAt(setup, 5_500)).toEqual({ state: 'alive', incarnation: 2 });
    const gossiped = (from: number, to: number): number =>
      setup.heard.filter((entry) => entry.atMs > from && entry.atMs <= to && entry.update.node === 'b' && entry.update.state === 'alive' && entry.update.incarnation === 2).length;
    // The first, newer alive{2} is passed on, within the retransmit limit…
    expect(gossiped(1_000, 5_000)).toBeGreaterThan(0);
    expect(viewAt(setup, 20_000)).toEqual({ state: 'alive', incarnation: 2 });
    // …the repeat at 10 s is old news and is not.
    expect(gossiped(10_000, 20_000)).toBe(0);
    expect(setup.a().events).toEqual([]);
  });
});

describe('suspect{i} overrides alive{j} if i >= j and suspect{j} if i > j', () => {
  it('a suspicion at the same incarnation as the alive held is taken; a lower one is not', () => {
    const setup = rig([
      { atMs: 1_000, updates: [alive('b', 2)] },
      { atMs: 2_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 3_000, updates: [suspect('b', 2, 'c')] },
    ]);
    expect(viewAt(setup, 2_500)).toEqual({ state: 'alive', incarnation: 2 });
    expect(viewAt(setup, 3_500)).toEqual({ state: 'suspect', incarnation: 2 });
  });

  it('a suspicion at a higher incarnation than the alive held is taken at that incarnation', () => {
    const setup = rig([{ atMs: 1_000, updates: [suspect('b', 3, 'c')] }]);
    expect(viewAt(setup, 1_500)).toEqual({ state: 'suspect', incarnation: 3 });
  });

  it('a suspicion of a newer incarnation replaces the one held: a new suspicion, with its own timeout', () => {
    const setup = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [suspect('b', 2, 'd')] },
    ]);
    expect(viewAt(setup, 2_500)).toEqual({ state: 'suspect', incarnation: 2 });
    expect(viewAt(setup, 2_000 + LATENCY_MS + MAX_MS)).toEqual({ state: 'dead', incarnation: 2 });
    const death = setup.a().events.find((event) => event.state === 'dead')!;
    // Not a confirmation of the older suspicion (which would end at 1,001 + 11,381 ms).
    expect(death.atMs).toBe(2_000 + LATENCY_MS + MAX_MS);
    expect(setup.a().events.map((event) => [event.state, event.incarnation])).toEqual([['suspect', 1], ['suspect', 2], ['dead', 2]]);
  });

  it('a suspicion of an older incarnation than the one held is ignored: no confirmation', () => {
    const setup = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [suspect('b', 0, 'd')] },
    ]);
    setup.sim.run({ until: 40_000 });
    const death = setup.a().events.find((event) => event.state === 'dead')!;
    expect(death).toMatchObject({ incarnation: 1, atMs: 1_000 + LATENCY_MS + MAX_MS });
  });

  it('the same suspicion from another member is a Lifeguard confirmation; from the same accuser it is not', () => {
    const confirmed = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [suspect('b', 1, 'd')] },
      { atMs: 3_000, updates: [suspect('b', 1, 'd')] }, // a repeat: not a second confirmation
    ]);
    confirmed.sim.run({ until: 40_000 });
    const start = 1_000 + LATENCY_MS;
    expect(confirmed.a().events.find((event) => event.state === 'dead')!.atMs).toBe(start + swimSuspicionTimeoutAfter(1, K, MIN_MS, MAX_MS));
    const repeated = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [suspect('b', 1, 'c')] },
    ]);
    repeated.sim.run({ until: 40_000 });
    expect(repeated.a().events.find((event) => event.state === 'dead')!.atMs).toBe(start + MAX_MS);
  });
});

describe('dead{i} overrides alive{j} and suspect{j} if i >= j (memberlist: a stale death is ignored)', () => {
  it('a death at the same incarnation as the alive held is taken; an older one is not', () => {
    const setup = rig([
      { atMs: 1_000, updates: [alive('b', 2)] },
      { atMs: 2_000, updates: [dead('b', 1)] },
      { atMs: 3_000, updates: [dead('b', 2)] },
    ]);
    expect(viewAt(setup, 2_500)).toEqual({ state: 'alive', incarnation: 2 });
    expect(viewAt(setup, 3_500)).toEqual({ state: 'dead', incarnation: 2 });
  });

  it('a death overrides a suspicion at the same or a higher incarnation, at once', () => {
    const same = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [dead('b', 1)] },
    ]);
    expect(viewAt(same, 2_500)).toEqual({ state: 'dead', incarnation: 1 });
    const higher = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [dead('b', 3)] },
    ]);
    expect(viewAt(higher, 2_500)).toEqual({ state: 'dead', incarnation: 3 });
    expect(higher.a().events.filter((event) => event.state === 'dead')).toHaveLength(1);
  });

  it('nothing overrides a death but an alive of a higher incarnation', () => {
    const setup = rig([
      { atMs: 1_000, updates: [dead('b', 2)] },
      { atMs: 2_000, updates: [suspect('b', 5, 'c')] },
      { atMs: 3_000, updates: [alive('b', 2)] },
      { atMs: 4_000, updates: [dead('b', 4)] },
      { atMs: 5_000, updates: [alive('b', 3)] },
    ]);
    expect(viewAt(setup, 2_500)).toEqual({ state: 'dead', incarnation: 2 });
    expect(viewAt(setup, 4_500)).toEqual({ state: 'dead', incarnation: 2 });
    expect(viewAt(setup, 5_500)).toEqual({ state: 'alive', incarnation: 3 });
  });

  it('a suspicion that is refuted (higher alive) never ends in a death', () => {
    const setup = rig([
      { atMs: 1_000, updates: [suspect('b', 1, 'c')] },
      { atMs: 2_000, updates: [alive('b', 2)] },
    ]);
    expect(viewAt(setup, 40_000)).toEqual({ state: 'alive', incarnation: 2 });
    expect(setup.a().events.some((event) => event.state === 'dead')).toBe(false);
  });
});

describe('a member accused at or above its incarnation refutes with a higher one', () => {
  /** The alive updates about `a` its peers heard from it. */
  const refutations = (heard: Heard[]): number[] => [...new Set(heard.filter((entry) => entry.update.node === 'a' && entry.update.state === 'alive').map((entry) => entry.update.incarnation))];

  it('refutes a suspicion at its incarnation with the next one, and tells the others', () => {
    const setup = rig([{ atMs: 1_000, updates: [suspect('a', 0, 'c')] }]);
    setup.sim.run({ until: 3_000 });
    expect(setup.a().incarnation()).toBe(1);
    expect(setup.a().members().get('a')).toEqual({ state: 'alive', incarnation: 1 });
    expect(setup.a().events).toEqual([{ atMs: 1_000 + LATENCY_MS, node: 'a', state: 'alive', incarnation: 1, from: 'a' }]);
    expect(refutations(setup.heard)).toEqual([1]);
  });

  it('jumps above a higher accused incarnation, ignores stale accusations, and refutes a death', () => {
    const setup = rig([
      { atMs: 1_000, updates: [suspect('a', 5, 'c')] },
      { atMs: 2_000, updates: [suspect('a', 5, 'd')] }, // older than its 6 now: stale
      { atMs: 3_000, updates: [dead('a', 3)] }, // stale too
      { atMs: 4_000, updates: [dead('a', 6)] },
    ]);
    expect((setup.sim.run({ until: 1_500 }), setup.a().incarnation())).toBe(6);
    expect((setup.sim.run({ until: 3_500 }), setup.a().incarnation())).toBe(6);
    expect((setup.sim.run({ until: 4_500 }), setup.a().incarnation())).toBe(7);
    expect(setup.a().members().get('a')).toEqual({ state: 'alive', incarnation: 7 });
    expect(refutations(setup.heard)).toEqual([6, 7]);
  });

  it('only the member itself raises its incarnation: an alive about it from another is ignored', () => {
    const setup = rig([{ atMs: 1_000, updates: [alive('a', 4)] }]);
    setup.sim.run({ until: 3_000 });
    expect(setup.a().incarnation()).toBe(0);
    expect(setup.a().members().get('a')).toEqual({ state: 'alive', incarnation: 0 });
  });
});

describe('scenario: a crashed member that had refuted before', () => {
  const IDS = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8'];
  const n = IDS.length;
  const maxSuspicionMs = SWIM_DEFAULTS.suspicionMaxTimeoutMult * swimSuspicionTimeoutMs(SWIM_DEFAULTS.suspicionMult, n, SWIM_DEFAULTS.probeIntervalMs);
  /** Round robin reaches n3 within 2(n−1) probes, the probe fails one interval later, then the suspicion runs out; plus 1 s to spread. */
  const boundMs = (2 * (n - 1) + 1) * SWIM_DEFAULTS.probeIntervalMs + maxSuspicionMs + 1_000;

  it('is never seen alive again after the crash, and every survivor declares it dead within the bound', () => {
    const sim = new Simulation({ seed: 11, network: { link: { latency: { kind: 'uniform', minMs: 1, maxMs: 10 } } } });
    for (const id of IDS) sim.addNode(id, swimNode());
    // A pause gets n3 suspected; it refutes on resume, so alive{1} about n3 is gossiped.
    sim.scheduleAt(10_000, () => sim.pause('n3'));
    sim.scheduleAt(12_500, () => sim.resume('n3'));
    const crashAt = 20_000;
    sim.scheduleAt(crashAt, () => sim.crash('n3'));
    sim.run({ until: crashAt });
    const view = (id: string): SwimHandlers => sim.node<SwimHandlers>(id).handlers;
    const survivors = IDS.filter((id) => id !== 'n3');
    for (const id of survivors) expect(view(id).members().get('n3')).toEqual({ state: 'alive', incarnation: 1 });
    sim.run({ until: crashAt + boundMs });
    for (const id of survivors) {
      const afterCrash = view(id).events.filter((event) => event.node === 'n3' && event.atMs > crashAt);
      expect(afterCrash.map((event) => event.state), id).not.toContain('alive');
      const death = afterCrash.find((event) => event.state === 'dead');
      expect(death, id).toBeDefined();
      expect(death!.atMs - crashAt, id).toBeLessThanOrEqual(boundMs);
      expect(view(id).members().get('n3')!.state).toBe('dead');
    }
  });
});
