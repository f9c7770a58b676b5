// The schedule as a unit: JSON round trip and replay, the verbs as schedule records, composition
// and conflicts, budgets, the liveness phase and custom failure models.
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  builtInFailureModels,
  FaultConflictError,
  FaultlineError,
  findBudgetViolation,
  InvalidArgumentError,
  InvalidStateError,
  majorityMinority,
  Simulation,
  type FailureModel,
  type Fault,
  type FaultSchedule,
} from '../../src/index.js';
import { cluster, FIVE, logRows, records, thrownBy } from './fixtures.js';

// ---------------------------------------------------------------- a busy cluster to replay

/** Five nodes that gossip every 20 ms (local time), persist a counter and survive disk errors. */
function gossip(seed: number): Simulation {
  const sim = new Simulation({ seed, network: { link: { latency: { kind: 'exponential', meanMs: 3 } } } });
  for (const id of FIVE) {
    sim.addNode<unknown, { count: number }>(
      id,
      (ctx) => {
        const tick = (): void => ctx.setTimer(20, 'tick');
        return {
          onStart: tick,
          onRecover: tick,
          onTimer: () => {
            ctx.broadcast({ from: id, at: ctx.now() });
            try {
              ctx.persist((draft) => void draft.count++);
            } catch {
              // disk faults: try again next tick
            }
            tick();
          },
          onMessage: () => undefined,
        };
      },
      { durable: { count: 0 } },
    );
  }
  sim.registerAdversary('mute-to-a', (message, to) => (to === 'a' ? [] : [{ to, message }]));
  return sim;
}

/** One fault of every built-in kind. */
const everyKind: FaultSchedule = [
  { kind: 'crash', atMs: 100, durationMs: 300, target: 'b' },
  { kind: 'pause', atMs: 150, durationMs: 100, target: 'c' },
  { kind: 'omission', atMs: 200, durationMs: 400, target: 'e', params: { sendProbability: 0.5, receiveProbability: 0.2 } },
  { kind: 'partition', atMs: 500, durationMs: 200, params: { groups: majorityMinority([...FIVE]) } },
  { kind: 'partition-one-way', atMs: 600, durationMs: 200, params: { from: ['a'], to: ['d'] } },
  { kind: 'isolate', atMs: 800, durationMs: 100, target: 'e' },
  { kind: 'bridge', atMs: 950, durationMs: 100, params: { sides: [['a', 'b'], ['d', 'e']], bridge: 'c' } },
  { kind: 'link', atMs: 800, durationMs: 300, params: { links: [['a', 'd']], bothWays: true, model: { lossProbability: 0.3, latencyFactor: 4 } } },
  { kind: 'slow-node', atMs: 1_000, durationMs: 200, target: 'b', params: { model: { latencyFactor: 10 } } },
  { kind: 'byzantine', atMs: 1_000, durationMs: 200, target: 'd', params: { behaviour: 'corrupt', probability: 0.5 } },
  { kind: 'byzantine', atMs: 1_250, durationMs: 200, target: 'd', params: { behaviour: 'custom', adversary: 'mute-to-a' } },
  { kind: 'capacity', atMs: 1_100, durationMs: 300, target: 'a', params: { messagesPerSec: 50, inboxLimit: 5 } },
  { kind: 'traffic-spike', atMs: 1_150, durationMs: 200, target: 'a', params: { from: 'e', ratePerSec: 300, message: { spam: true } } },
  { kind: 'clock-skew', atMs: 1_200, durationMs: 300, target: 'a', params: { deltaMs: 250 } },
  { kind: 'clock-drift', atMs: 1_200, durationMs: 300, target: 'b', params: { driftPpm: 20_000 } },
  { kind: 'clock-jump', atMs: 1_300, target: 'c', params: { deltaMs: -40 } },
  { kind: 'disk-unsynced-loss', atMs: 1_300, durationMs: 400, target: 'd' },
  { kind: 'disk-write-fail', atMs: 1_300, durationMs: 200, target: 'e', params: { probability: 0.5 } },
  { kind: 'disk-full', atMs: 1_400, durationMs: 200, target: 'c' },
  { kind: 'crash', atMs: 1_600, durationMs: 100, target: 'd' },
  { kind: 'memory-leak', atMs: 200, target: 'c', params: { timeToFailureMs: 2_000, outcome: 'degrade' } },
  { kind: 'latency-creep', atMs: 300, durationMs: 1_000, target: 'b', params: { timeToFailureMs: 800, extraServiceMs: 5, outcome: 'degrade' } },
  { kind: 'disk-wearout', atMs: 1_400, durationMs: 500, target: 'a', params: { timeToFailureMs: 300, stepMs: 50 } },
  { kind: 'error-ramp', atMs: 1_800, durationMs: 400, target: 'e', params: { timeToFailureMs: 300, peakErrorProbability: 0.9 } },
];

function replay(schedule: FaultSchedule, seed = 1): Simulation {
  const sim = gossip(seed);
  sim.inject(schedule);
  sim.run({ until: 2_500 });
  return sim;
}

describe('schedules as data', () => {
  it('the fixture uses every built-in kind', () => {
    expect(new Set(everyKind.map((fault) => fault.kind))).toEqual(new Set(builtInFailureModels.map((model) => model.kind)));
  });

  it('round-trips through JSON and replays to the same trace hash and fault log', () => {
    const original = replay(everyKind);
    const copy = replay(JSON.parse(JSON.stringify(everyKind)) as FaultSchedule);
    expect(copy.traceHash()).toBe(original.traceHash());
    expect(copy.faultLog).toEqual(original.faultLog);
    expect(original.faultLog.filter((entry) => entry.phase === 'apply')).toHaveLength(everyKind.length);
  });

  it('a different schedule (one fault moved, retargeted, shortened or dropped) gives a different trace hash', () => {
    const base = replay(everyKind).traceHash();
    const variants: FaultSchedule[] = [
      everyKind.map((fault, index) => (index === 1 ? { ...fault, atMs: fault.atMs + 1 } : fault)),
      everyKind.map((fault, index) => (index === 0 ? { ...fault, target: 'a' } : fault)),
      everyKind.map((fault, index) => (index === 3 ? { ...fault, durationMs: 150 } : fault)),
      everyKind.slice(1),
    ];
    const hashes = variants.map((variant) => replay(variant).traceHash());
    for (const hash of hashes) expect(hash).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('a schedule that differs only in a parameter gives a different trace hash', () => {
    const base = replay(everyKind).traceHash();
    const skewed = everyKind.map((fault) => (fault.kind === 'clock-skew' ? { ...fault, params: { deltaMs: 251 } } : fault));
    expect(replay(skewed).traceHash()).not.toBe(base);
  });

  it('the same schedule under a different seed gives a different run', () => {
    expect(replay(everyKind, 2).traceHash()).not.toBe(replay(everyKind, 1).traceHash());
  });

  it('fault records are copied and frozen: changing the schedule after inject changes nothing', () => {
    const { sim } = cluster(['a', 'b']);
    const schedule: FaultSchedule = [{ kind: 'clock-skew', atMs: 100, durationMs: 100, target: 'a', params: { deltaMs: 50 } }];
    sim.inject(schedule);
    schedule[0]!.target = 'b';
    schedule[0]!.params!['deltaMs'] = 999;
    sim.run({ until: 1_000 });
    expect(sim.truth.clockOffset('a', 150)).toBe(50);
    expect(sim.truth.clockOffset('b', 150)).toBe(0);
    const record = sim.faultLog[0]!.fault;
    expect(record).toEqual({ kind: 'clock-skew', atMs: 100, durationMs: 100, target: 'a', params: { deltaMs: 50 } });
    expect(Object.isFrozen(record)).toBe(true);
    expect(Object.isFrozen(record.params)).toBe(true);
  });

  it('schedules compose: a second schedule injected mid-run adds to the first', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([{ kind: 'crash', atMs: 100, durationMs: 100, target: 'a' }]);
    sim.run({ until: 150 });
    sim.inject([
      { kind: 'crash', atMs: 300, durationMs: 100, target: 'a' },
      { kind: 'isolate', atMs: 150, durationMs: 100, target: 'b' },
    ]);
    sim.run({ until: 1_000 });
    expect(logRows(sim)).toEqual([
      [100, 'apply', 'crash', 'a'],
      [150, 'apply', 'isolate', 'b'],
      [200, 'revert', 'crash', 'a'],
      [250, 'revert', 'isolate', 'b'],
      [300, 'apply', 'crash', 'a'],
      [400, 'revert', 'crash', 'a'],
    ]);
  });
});

// ---------------------------------------------------------------- verbs

describe('verbs', () => {
  /** Runs `act` at t = 100 in one simulation and injects `equivalent` in another; returns both fault logs. */
  function compare(act: (sim: Simulation) => void, equivalent: Fault): { byVerb: Simulation; bySchedule: Simulation } {
    const byVerb = cluster([...FIVE]).sim;
    byVerb.schedule(100, () => act(byVerb));
    byVerb.run({ until: 1_000 });
    const bySchedule = cluster([...FIVE]).sim;
    bySchedule.inject([equivalent]);
    bySchedule.run({ until: 1_000 });
    return { byVerb, bySchedule };
  }

  const cases: Array<[string, (sim: Simulation) => void, Fault]> = [
    ['crash', (sim) => sim.crash('b'), { kind: 'crash', atMs: 100, target: 'b' }],
    ['pause', (sim) => sim.pause('b'), { kind: 'pause', atMs: 100, target: 'b' }],
    ['partition', (sim) => sim.partition(['a', 'b'], ['c', 'd', 'e']), { kind: 'partition', atMs: 100, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } }],
    ['isolate', (sim) => sim.isolate('c'), { kind: 'isolate', atMs: 100, target: 'c' }],
    ['slow', (sim) => sim.slow('a', 'b', 5), { kind: 'link', atMs: 100, params: { links: [['a', 'b']], model: { latencyFactor: 5 } } }],
    [
      'degrade',
      (sim) => sim.degrade([['a', 'b'], ['b', 'c']], { lossProbability: 0.5, latency: { kind: 'constant', ms: 9 } }),
      { kind: 'link', atMs: 100, params: { links: [['a', 'b'], ['b', 'c']], model: { lossProbability: 0.5, latency: { kind: 'constant', ms: 9 } } } },
    ],
    ['skewClock', (sim) => sim.skewClock('a', 300), { kind: 'clock-skew', atMs: 100, target: 'a', params: { deltaMs: 300 } }],
  ];

  for (const [verb, act, equivalent] of cases) {
    it(`${verb} records the same fault record a schedule would, with the same effect`, () => {
      const { byVerb, bySchedule } = compare(act, equivalent);
      expect(byVerb.faultLog).toHaveLength(1);
      expect(byVerb.faultLog).toEqual(bySchedule.faultLog);
      expect(byVerb.faultLog[0]!.fault).toEqual(equivalent);
      expect(byVerb.activeFaults()).toEqual([equivalent]);
      for (const id of FIVE) {
        expect(byVerb.truth.isUp(id, 500)).toBe(bySchedule.truth.isUp(id, 500));
        expect(byVerb.truth.isPaused(id, 500)).toBe(bySchedule.truth.isPaused(id, 500));
        expect(byVerb.truth.clockOffset(id, 500)).toBe(bySchedule.truth.clockOffset(id, 500));
        for (const other of FIVE) {
          if (other === id) continue;
          expect(byVerb.truth.isCut(id, other, 500)).toBe(bySchedule.truth.isCut(id, other, 500));
          expect(byVerb.network.linkModel(id, other)).toEqual(bySchedule.network.linkModel(id, other));
        }
      }
    });
  }

  it('restart ends the crash fault with a revert record, as the end of a crash-recovery fault would', () => {
    const { byVerb, bySchedule } = compare((sim) => {
      sim.crash('b');
      sim.schedule(200, () => sim.restart('b'));
    }, { kind: 'crash', atMs: 100, durationMs: 200, target: 'b' });
    expect(logRows(byVerb)).toEqual(logRows(bySchedule));
    expect(logRows(byVerb)).toEqual([
      [100, 'apply', 'crash', 'b'],
      [300, 'revert', 'crash', 'b'],
    ]);
    expect(byVerb.truth.downIntervals('b', 1_000)).toEqual(bySchedule.truth.downIntervals('b', 1_000));
  });

  it('resume ends the pause fault with a revert record', () => {
    const { byVerb, bySchedule } = compare((sim) => {
      sim.pause('b');
      sim.schedule(200, () => sim.resume('b'));
    }, { kind: 'pause', atMs: 100, durationMs: 200, target: 'b' });
    expect(logRows(byVerb)).toEqual(logRows(bySchedule));
    expect(byVerb.truth.pausedIntervals('b', 1_000)).toEqual([[100, 300]]);
  });

  it('heal ends network faults only: crashes, pauses, skews, omission and byzantine faults stay', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([
      { kind: 'omission', atMs: 0, target: 'a', params: { sendProbability: 0.1 } },
      { kind: 'byzantine', atMs: 0, target: 'b', params: { behaviour: 'duplicate' } },
      { kind: 'bridge', atMs: 0, durationMs: 5_000, params: { sides: [['a', 'c'], ['d', 'e']], bridge: 'b' } },
    ]);
    sim.schedule(100, () => {
      sim.crash('e');
      sim.pause('d');
      sim.partition(['a', 'b'], ['c', 'd', 'e']);
      sim.isolate('c');
      sim.slow('a', 'b', 5);
      sim.degrade([['b', 'a']], { lossProbability: 0.5 });
      sim.skewClock('a', 300);
    });
    let healed = -1;
    sim.schedule(200, () => (healed = sim.heal()));
    sim.run({ until: 6_000 });

    expect(healed).toBe(5); // bridge, partition, isolate, slow, degrade
    expect(sim.activeFaults().map((fault) => fault.kind).sort()).toEqual(['byzantine', 'clock-skew', 'crash', 'omission', 'pause']);
    expect(sim.faultLog.filter((entry) => entry.phase === 'revert').every((entry) => entry.timeMs === 200)).toBe(true);
    expect(sim.truth.isUp('e', 5_000)).toBe(false);
    expect(sim.truth.isPaused('d', 5_000)).toBe(true);
    expect(sim.truth.clockOffset('a', 5_000)).toBe(300);
    expect(sim.truth.isByzantine('b', 5_000)).toBe(true);
    for (const from of FIVE) for (const to of FIVE) if (from !== to) expect(sim.truth.isCut(from, to, 200)).toBe(false);
    expect(sim.network.linkModel('a', 'b')).toEqual(sim.network.linkModel('a', 'c'));
    expect(sim.network.linkModel('b', 'a')).toEqual(sim.network.linkModel('a', 'c'));
  });

  it('restart ends a scheduled crash early: its scheduled revert does not fire again', () => {
    const { sim } = cluster(['a', 'b']);
    sim.inject([{ kind: 'crash', atMs: 100, durationMs: 500, target: 'b' }]);
    sim.schedule(200, () => sim.restart('b'));
    sim.run({ until: 1_000 });
    expect(logRows(sim)).toEqual([
      [100, 'apply', 'crash', 'b'],
      [200, 'revert', 'crash', 'b'],
    ]);
    expect(records(sim, 'restart').map((record) => record.timeMs)).toEqual([200]);
    expect(sim.node('b').incarnation).toBe(1);
    expect(sim.truth.downIntervals('b', 1_000)).toEqual([[100, 200]]);
  });

  it('heal ends a scheduled partition early: its scheduled revert does not fire again', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([{ kind: 'partition', atMs: 100, durationMs: 500, params: { groups: [['a'], ['b', 'c', 'd', 'e']] } }]);
    sim.schedule(200, () => sim.heal());
    sim.run({ until: 1_000 });
    expect(logRows(sim).map(([t, phase]) => [t, phase])).toEqual([
      [100, 'apply'],
      [200, 'revert'],
    ]);
    expect(sim.truth.cutIntervals('a', 'b', 1_000)).toEqual([[100, 200]]);
  });

  it('restart ends only the crash in force: a later scheduled crash of the same node still happens', () => {
    const { sim } = cluster(['a', 'b']);
    sim.inject([
      { kind: 'crash', atMs: 100, durationMs: 500, target: 'b' },
      { kind: 'crash', atMs: 700, durationMs: 100, target: 'b' },
    ]);
    sim.schedule(200, () => sim.restart('b'));
    sim.run({ until: 1_000 });
    expect(sim.truth.downIntervals('b', 1_000)).toEqual([
      [100, 200],
      [700, 800],
    ]);
  });

  it('resume ends only the pause in force: a later scheduled pause of the same node still happens', () => {
    const { sim } = cluster(['a', 'b']);
    sim.inject([
      { kind: 'pause', atMs: 100, durationMs: 500, target: 'b' },
      { kind: 'pause', atMs: 700, durationMs: 100, target: 'b' },
    ]);
    sim.schedule(200, () => sim.resume('b'));
    sim.run({ until: 1_000 });
    expect(sim.truth.pausedIntervals('b', 1_000)).toEqual([
      [100, 200],
      [700, 800],
    ]);
  });

  it('heal ends the network faults in force: an isolation scheduled for later still happens', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([
      { kind: 'isolate', atMs: 100, durationMs: 500, target: 'a' },
      { kind: 'isolate', atMs: 700, durationMs: 100, target: 'b' },
    ]);
    sim.schedule(200, () => sim.heal());
    sim.run({ until: 1_000 });
    expect(sim.truth.cutIntervals('a', 'c', 1_000)).toEqual([[100, 200]]);
    expect(sim.truth.cutIntervals('b', 'c', 1_000)).toEqual([[700, 800]]);
  });

  it('verbs check the node state: crash of a crashed node, restart of an up node, pause of a paused node, resume of a running one', () => {
    const { sim } = cluster(['a', 'b']);
    sim.crash('a');
    expect(() => sim.crash('a')).toThrow(InvalidStateError);
    expect(() => sim.restart('b')).toThrow(InvalidStateError);
    expect(() => sim.pause('a')).toThrow(InvalidStateError);
    sim.pause('b');
    expect(() => sim.pause('b')).toThrow(InvalidStateError);
    sim.resume('b');
    expect(() => sim.resume('b')).toThrow(InvalidStateError);
  });
});

// ---------------------------------------------------------------- conflicts

describe('conflicts', () => {
  const overlapping = (kind: string, params?: Record<string, unknown>): FaultSchedule => [
    { kind, atMs: 0, durationMs: 100, target: 'b', ...(params === undefined ? {} : { params }) },
    { kind: 'crash', atMs: 500, durationMs: 10, target: 'a' },
    { kind, atMs: 50, durationMs: 100, target: 'b', ...(params === undefined ? {} : { params }) },
  ];

  const withKeys: Array<[string, Record<string, unknown> | undefined]> = [
    ['crash', undefined],
    ['pause', undefined],
    ['omission', { sendProbability: 0.5 }],
    ['byzantine', { behaviour: 'duplicate' }],
    ['capacity', { messagesPerSec: 10 }],
    ['clock-drift', { driftPpm: 10 }],
    ['disk-unsynced-loss', undefined],
    ['disk-write-fail', undefined],
    ['disk-full', undefined],
  ];

  for (const [kind, params] of withKeys) {
    it(`two overlapping '${kind}' faults on one node are rejected with FAULT_CONFLICT naming both indices`, () => {
      const { sim } = cluster(['a', 'b']);
      const error = thrownBy(() => sim.inject(overlapping(kind, params)));
      expect(error).toBeInstanceOf(FaultConflictError);
      expect(error).toBeInstanceOf(FaultlineError);
      expect((error as FaultConflictError).code).toBe('FAULT_CONFLICT');
      expect((error as Error).message).toContain('schedule[2]');
      expect((error as Error).message).toContain('schedule[0]');
      expect((error as Error).message).toContain('between 50ms and 100ms');
    });
  }

  it('a crash and a pause of one node overlap on the same process', () => {
    const { sim } = cluster(['a', 'b']);
    expect(() =>
      sim.inject([
        { kind: 'pause', atMs: 0, durationMs: 100, target: 'b' },
        { kind: 'crash', atMs: 99, durationMs: 100, target: 'b' },
      ]),
    ).toThrow(FaultConflictError);
  });

  it('back-to-back faults, faults on different nodes, and kinds that combine are accepted', () => {
    const { sim } = cluster([...FIVE]);
    expect(() =>
      sim.inject([
        { kind: 'crash', atMs: 0, durationMs: 100, target: 'b' },
        { kind: 'crash', atMs: 100, durationMs: 100, target: 'b' },
        { kind: 'crash', atMs: 50, durationMs: 100, target: 'c' },
        // Documented merge rules: partitions nest, link faults stack, skews add.
        { kind: 'partition', atMs: 0, durationMs: 100, params: { groups: [['a'], ['b', 'c', 'd', 'e']] } },
        { kind: 'partition', atMs: 50, durationMs: 100, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } },
        { kind: 'isolate', atMs: 50, durationMs: 100, target: 'a' },
        { kind: 'link', atMs: 0, durationMs: 100, params: { links: [['a', 'b']], model: { latencyFactor: 2 } } },
        { kind: 'link', atMs: 50, durationMs: 100, params: { links: [['a', 'b']], model: { lossProbability: 0.1 } } },
        { kind: 'slow-node', atMs: 50, durationMs: 100, target: 'a', params: { model: { latencyFactor: 3 } } },
        { kind: 'clock-skew', atMs: 0, durationMs: 100, target: 'a', params: { deltaMs: 5 } },
        { kind: 'clock-skew', atMs: 50, durationMs: 100, target: 'a', params: { deltaMs: 7 } },
      ]),
    ).not.toThrow();
  });

  it('a crash-stop (no duration) conflicts with every later crash of the node', () => {
    const { sim } = cluster(['a', 'b']);
    const error = thrownBy(() =>
      sim.inject([
        { kind: 'crash', atMs: 0, target: 'b' },
        { kind: 'crash', atMs: 1_000_000, durationMs: 1, target: 'b' },
      ]),
    );
    expect(error).toBeInstanceOf(FaultConflictError);
  });

  it('conflicts with faults injected earlier name the earlier one', () => {
    const { sim } = cluster(['a', 'b']);
    sim.inject([{ kind: 'crash', atMs: 0, durationMs: 100, target: 'b' }]);
    const error = thrownBy(() =>
      sim.inject([
        { kind: 'crash', atMs: 10, durationMs: 10, target: 'a' },
        { kind: 'crash', atMs: 50, durationMs: 100, target: 'b' },
      ]),
    );
    expect(error).toBeInstanceOf(FaultConflictError);
    expect((error as Error).message).toContain('schedule[1]');
    expect((error as Error).message).toContain('schedule[0] (already injected)');
  });

  it('a one-fault schedule that conflicts with an earlier one names its own index too', () => {
    const { sim } = cluster(['a', 'b']);
    sim.inject([{ kind: 'crash', atMs: 0, durationMs: 100, target: 'b' }]);
    const error = thrownBy(() => sim.inject([{ kind: 'crash', atMs: 50, durationMs: 100, target: 'b' }]));
    expect(error).toBeInstanceOf(FaultConflictError);
    expect((error as Error).message).toMatch(/^schedule\[0\] \(crash\) overlaps schedule\[0\] \(already injected\)/);
  });

  it('a verb that conflicts with a scheduled fault is rejected and names it', () => {
    const { sim } = cluster(['a', 'b']);
    sim.inject([{ kind: 'crash', atMs: 500, durationMs: 100, target: 'b' }]);
    const error = thrownBy(() => sim.crash('b'));
    expect(error).toBeInstanceOf(FaultConflictError);
    expect((error as Error).message).toContain('schedule[0] (already injected)');
    expect(sim.isUp('b')).toBe(true);
  });

  it('a rejected schedule injects nothing, not even its valid faults', () => {
    const { sim } = cluster(['a', 'b']);
    expect(() => sim.inject(overlapping('crash'))).toThrow(FaultConflictError);
    sim.run({ until: 1_000 });
    expect(sim.faultLog).toEqual([]);
    expect(sim.truth.downIntervals('a', 1_000)).toEqual([]);
  });
});

// ---------------------------------------------------------------- budgets

describe('budgets', () => {
  function budgetError(schedule: FaultSchedule, budget: Parameters<Simulation['inject']>[1], before: FaultSchedule = []): BudgetExceededError | undefined {
    const { sim } = cluster([...FIVE]);
    sim.inject(before);
    try {
      sim.inject(schedule, budget);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(BudgetExceededError);
      return error as BudgetExceededError;
    }
  }

  it('maxNodesDown: two nodes down at once breaks a budget of one, at the moment the second goes down', () => {
    const error = budgetError(
      [
        { kind: 'crash', atMs: 100, durationMs: 400, target: 'a' },
        { kind: 'crash', atMs: 300, durationMs: 300, target: 'b' },
      ],
      { budget: { maxNodesDown: 1 } },
    );
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect(error).toBeInstanceOf(FaultlineError);
    expect(error!.code).toBe('BUDGET_EXCEEDED');
    expect(error!.timeMs).toBe(300);
    expect(error!.message).toContain('t=300ms');
    expect(error!.message).toContain('a, b');
  });

  it('maxNodesDown counts paused nodes as down', () => {
    const error = budgetError(
      [
        { kind: 'pause', atMs: 100, durationMs: 400, target: 'a' },
        { kind: 'crash', atMs: 200, durationMs: 100, target: 'b' },
      ],
      { budget: { maxNodesDown: 1 } },
    );
    expect(error?.timeMs).toBe(200);
  });

  it('maxNodesDown passes when the outages do not overlap', () => {
    expect(
      budgetError(
        [
          { kind: 'crash', atMs: 100, durationMs: 200, target: 'a' },
          { kind: 'crash', atMs: 300, durationMs: 300, target: 'b' },
          { kind: 'pause', atMs: 600, durationMs: 300, target: 'c' },
        ],
        { budget: { maxNodesDown: 1 } },
      ),
    ).toBeUndefined();
  });

  it('is checked against faults injected earlier, by schedule or by verb', () => {
    const earlier = budgetError([{ kind: 'crash', atMs: 300, durationMs: 300, target: 'b' }], { budget: { maxNodesDown: 1 } }, [{ kind: 'crash', atMs: 100, durationMs: 400, target: 'a' }]);
    expect(earlier?.timeMs).toBe(300);

    const { sim } = cluster([...FIVE]);
    sim.crash('a');
    sim.run({ until: 50 });
    const error = thrownBy(() => sim.inject([{ kind: 'crash', atMs: 60, durationMs: 10, target: 'b' }], { budget: { maxNodesDown: 1 } }));
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).timeMs).toBe(60);
  });

  it('faults that have already ended do not count', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([{ kind: 'crash', atMs: 0, durationMs: 100, target: 'a' }]);
    sim.run({ until: 200 });
    expect(() => sim.inject([{ kind: 'crash', atMs: 200, durationMs: 100, target: 'b' }], { budget: { maxNodesDown: 1 } })).not.toThrow();
  });

  it('keepMajorityConnected: a majority/minority partition passes, a three-way split does not', () => {
    expect(budgetError([{ kind: 'partition', atMs: 0, durationMs: 100, params: { groups: majorityMinority([...FIVE]) } }], { budget: { keepMajorityConnected: true } })).toBeUndefined();
    const error = budgetError([{ kind: 'partition', atMs: 40, durationMs: 100, params: { groups: [['a', 'b'], ['c', 'd'], ['e']] } }], { budget: { keepMajorityConnected: true } });
    expect(error?.timeMs).toBe(40);
    expect(error?.message).toContain('not a majority');
  });

  it('keepMajorityConnected: the bridge case passes, since the bridge and one side still form a majority clique', () => {
    expect(budgetError([{ kind: 'bridge', atMs: 0, durationMs: 100, params: { sides: [['a', 'b'], ['d', 'e']], bridge: 'c' } }], { budget: { keepMajorityConnected: true } })).toBeUndefined();
  });

  it('keepMajorityConnected counts crashed nodes and isolated ones: two crashes plus an isolation break it', () => {
    const faults: FaultSchedule = [
      { kind: 'crash', atMs: 0, durationMs: 100, target: 'b' },
      { kind: 'crash', atMs: 0, durationMs: 100, target: 'c' },
      { kind: 'isolate', atMs: 50, durationMs: 100, target: 'a' },
    ];
    expect(budgetError(faults.slice(0, 2), { budget: { keepMajorityConnected: true } })).toBeUndefined();
    expect(budgetError(faults, { budget: { keepMajorityConnected: true } })?.timeMs).toBe(50);
  });

  it('keepMajorityConnected needs connections both ways: a one-way cut inside the would-be majority breaks it', () => {
    const faults: FaultSchedule = [
      { kind: 'crash', atMs: 0, durationMs: 100, target: 'd' },
      { kind: 'crash', atMs: 0, durationMs: 100, target: 'e' },
      { kind: 'partition-one-way', atMs: 10, durationMs: 100, params: { from: ['a'], to: ['c'] } },
    ];
    expect(budgetError(faults, { budget: { keepMajorityConnected: true } })?.timeMs).toBe(10);
  });

  it('a schedule that breaks its budget injects nothing', () => {
    const { sim } = cluster([...FIVE]);
    expect(() =>
      sim.inject(
        [
          { kind: 'crash', atMs: 100, durationMs: 400, target: 'a' },
          { kind: 'crash', atMs: 300, durationMs: 300, target: 'b' },
        ],
        { budget: { maxNodesDown: 1 } },
      ),
    ).toThrow(BudgetExceededError);
    sim.run({ until: 1_000 });
    expect(sim.faultLog).toEqual([]);
  });

  it('findBudgetViolation reports the first moment and the reason, or undefined', () => {
    const crash = builtInFailureModels.find((model) => model.kind === 'crash')!;
    const nodes = { nodeIds: () => ['a', 'b', 'c'] };
    const faults = [
      { fault: { kind: 'crash', atMs: 10, durationMs: 100, target: 'a' }, model: crash },
      { fault: { kind: 'crash', atMs: 20, durationMs: 100, target: 'b' }, model: crash },
    ];
    expect(findBudgetViolation(faults, nodes, { maxNodesDown: 2 })).toBeUndefined();
    expect(findBudgetViolation(faults, nodes, { maxNodesDown: 1 })).toEqual({ timeMs: 20, faultIndex: 1, reason: '2 nodes down (a, b), more than maxNodesDown 1' });
    expect(findBudgetViolation(faults, nodes, { keepMajorityConnected: true })?.timeMs).toBe(20);
  });

  it('rejects a malformed budget, naming the field', () => {
    const { sim } = cluster(['a']);
    const bad = thrownBy(() => sim.inject([], { budget: { maxNodesDown: -1 } }));
    expect((bad as InvalidArgumentError).field).toBe('options.budget.maxNodesDown');
    const unknown = thrownBy(() => sim.inject([], { budget: { maxDown: 1 } as never }));
    expect((unknown as InvalidArgumentError).field).toBe('options.budget.maxDown');
  });
});

// ---------------------------------------------------------------- liveness phase

describe('liveness phase', () => {
  it('at t every active fault ends: crashed nodes restart, partitions heal, paused nodes resume, link faults and skews revert', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([
      { kind: 'crash', atMs: 500, target: 'b' },
      { kind: 'partition', atMs: 600, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } },
      { kind: 'pause', atMs: 700, target: 'c' },
      { kind: 'link', atMs: 400, durationMs: 5_000, params: { links: [['a', 'd']], model: { lossProbability: 1 } } },
      { kind: 'clock-skew', atMs: 300, target: 'e', params: { deltaMs: 100 } },
    ]);
    const lossBefore = sim.network.linkModel('a', 'd').lossProbability;
    sim.livenessPhase(1_000);
    sim.run({ until: 6_000 });

    expect(sim.truth.downIntervals('b', 6_000)).toEqual([[500, 1_000]]);
    expect(records(sim, 'restart').map((record) => [record.timeMs, record.node])).toEqual([[1_000, 'b']]);
    expect(sim.truth.cutIntervals('a', 'c', 6_000)).toEqual([[600, 1_000]]);
    expect(sim.truth.pausedIntervals('c', 6_000)).toEqual([[700, 1_000]]);
    expect(sim.truth.clockOffset('e', 999)).toBe(100);
    expect(sim.truth.clockOffset('e', 1_000)).toBe(0);
    expect(sim.network.linkModel('a', 'd').lossProbability).toBe(lossBefore);
    expect(sim.faultLog.filter((entry) => entry.phase === 'revert').map((entry) => entry.timeMs)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(sim.faultLog.every((entry) => entry.timeMs <= 1_000)).toBe(true);
    expect(sim.activeFaults()).toEqual([]);
  });

  it('faults scheduled after t never apply', () => {
    const { sim } = cluster([...FIVE]);
    sim.inject([
      { kind: 'crash', atMs: 1_500, durationMs: 100, target: 'd' },
      { kind: 'crash', atMs: 1_000, durationMs: 100, target: 'a' }, // at t exactly: does not start either
    ]);
    sim.livenessPhase(1_000);
    sim.run({ until: 3_000 });
    expect(sim.faultLog).toEqual([]);
    expect(sim.truth.downIntervals('d', 3_000)).toEqual([]);
    expect(sim.truth.downIntervals('a', 3_000)).toEqual([]);
  });

  it('injecting a fault that starts at or after t throws INVALID_STATE naming the fault; one that starts before t is cut short at t', () => {
    const { sim } = cluster([...FIVE]);
    sim.livenessPhase(1_000);
    const error = thrownBy(() =>
      sim.inject([
        { kind: 'crash', atMs: 900, durationMs: 500, target: 'a' },
        { kind: 'crash', atMs: 1_200, durationMs: 100, target: 'b' },
      ]),
    );
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as InvalidStateError).code).toBe('INVALID_STATE');
    expect((error as Error).message).toContain('schedule[1]');
    expect((error as Error).message).toContain('1000ms');

    sim.inject([{ kind: 'crash', atMs: 900, durationMs: 500, target: 'a' }]);
    sim.run({ until: 2_000 });
    expect(sim.truth.downIntervals('a', 2_000)).toEqual([[900, 1_000]]);
  });

  it('rejects a time in the past or not finite', () => {
    const { sim } = cluster(['a']);
    sim.run({ until: 100 });
    expect((thrownBy(() => sim.livenessPhase(50)) as InvalidArgumentError).field).toBe('atMs');
    expect((thrownBy(() => sim.livenessPhase(Number.NaN)) as InvalidArgumentError).field).toBe('atMs');
  });
});

// ---------------------------------------------------------------- custom failure models

describe('custom failure models', () => {
  function flapModel(calls: string[]): FailureModel {
    return {
      kind: 'flap',
      validate(fault, world, field) {
        calls.push(`validate ${field}`);
        world.requireNode(fault.target, `${field}.target`);
        if (fault.params !== undefined) throw new InvalidArgumentError(`${field}.params`, fault.params, 'absent');
      },
      apply(fault, world, faultId) {
        calls.push(`apply #${faultId} at ${world.now}, frozen: ${Object.isFrozen(fault)}`);
        world.crashNode(fault.target!);
        return { token: 42 };
      },
      revert(fault, world, faultId, applied) {
        calls.push(`revert #${faultId} at ${world.now} with ${JSON.stringify(applied)}`);
        world.restartNode(fault.target!);
      },
      conflictKeys: (fault) => [`process:${fault.target}`],
      downNodes: (fault) => [fault.target!],
    };
  }

  it('plugs in through the same interface: validate, apply and revert are called, and its faults appear in the fault log and the truth', () => {
    const { sim } = cluster(['a', 'b', 'c']);
    const calls: string[] = [];
    sim.registerFailureModel(flapModel(calls));
    expect(sim.faultKinds()).toContain('flap');
    sim.inject([{ kind: 'flap', atMs: 100, durationMs: 50, target: 'b' }]);
    sim.run({ until: 1_000 });
    const id = sim.faultLog[0]!.faultId;
    expect(calls).toEqual(['validate schedule[0]', `apply #${id} at 100, frozen: true`, `revert #${id} at 150 with {"token":42}`]);
    expect(logRows(sim)).toEqual([
      [100, 'apply', 'flap', 'b'],
      [150, 'revert', 'flap', 'b'],
    ]);
    expect(sim.truth.downIntervals('b', 1_000)).toEqual([[100, 150]]);
  });

  it('its validation errors name the fault and field; its conflict keys and down nodes take part in conflicts and budgets', () => {
    const { sim } = cluster(['a', 'b', 'c']);
    sim.registerFailureModel(flapModel([]));
    const invalid = thrownBy(() => sim.inject([{ kind: 'crash', atMs: 0, durationMs: 1, target: 'a' }, { kind: 'flap', atMs: 0, target: 'b', params: { x: 1 } }]));
    expect((invalid as InvalidArgumentError).field).toBe('schedule[1].params');
    expect(() =>
      sim.inject([
        { kind: 'flap', atMs: 0, durationMs: 100, target: 'b' },
        { kind: 'crash', atMs: 50, durationMs: 100, target: 'b' },
      ]),
    ).toThrow(FaultConflictError);
    expect(() =>
      sim.inject(
        [
          { kind: 'flap', atMs: 0, durationMs: 100, target: 'b' },
          { kind: 'crash', atMs: 50, durationMs: 100, target: 'c' },
        ],
        { budget: { maxNodesDown: 1 } },
      ),
    ).toThrow(BudgetExceededError);
  });

  it('a custom network model acts through the same primitives as the built-ins, and its cuts count for budgets', () => {
    const { sim } = cluster([...FIVE]);
    const blackhole: FailureModel = {
      kind: 'blackhole',
      validate: (fault, world, field) => void world.requireNode(fault.target, `${field}.target`),
      apply: (fault, world) => world.nodeIds().filter((id) => id !== fault.target).forEach((id) => world.cutLink(id, fault.target!)),
      revert: (fault, world) => world.nodeIds().filter((id) => id !== fault.target).forEach((id) => world.uncutLink(id, fault.target!)),
      cuts: (fault, world) => world.nodeIds().filter((id) => id !== fault.target).map((id): [string, string] => [id, fault.target!]),
    };
    sim.registerFailureModel(blackhole);
    sim.inject([{ kind: 'blackhole', atMs: 10, durationMs: 100, target: 'c' }]);
    sim.run({ until: 500 });
    expect(sim.truth.cutIntervals('a', 'c', 500)).toEqual([[10, 110]]);
    expect(sim.truth.isCut('c', 'a', 50)).toBe(false);
    expect(() =>
      sim.inject(
        [
          { kind: 'blackhole', atMs: 600, durationMs: 100, target: 'a' },
          { kind: 'blackhole', atMs: 600, durationMs: 100, target: 'b' },
          { kind: 'blackhole', atMs: 600, durationMs: 100, target: 'c' },
        ],
        { budget: { keepMajorityConnected: true } },
      ),
    ).toThrow(BudgetExceededError);
  });

  it('a fault whose apply throws is not left half-applied: it is not active and is never reverted', () => {
    const { sim } = cluster(['a']);
    const reverted: number[] = [];
    sim.registerFailureModel({
      kind: 'fragile',
      validate: () => undefined,
      apply: () => {
        throw new Error('apply failed');
      },
      revert: (_fault, world) => void reverted.push(world.now),
    });
    sim.inject([{ kind: 'fragile', atMs: 10 }]);
    expect(() => sim.run({ until: 100 })).toThrow(FaultlineError);
    expect(sim.activeFaults()).toEqual([]);
    sim.livenessPhase(sim.now);
    sim.run({ until: 200 });
    expect(reverted).toEqual([]);
    expect(sim.faultLog).toEqual([]);
  });

  it('rejects a duplicate kind (its own or a built-in) and a model without apply', () => {
    const { sim } = cluster(['a']);
    sim.registerFailureModel(flapModel([]));
    const duplicate = thrownBy(() => sim.registerFailureModel(flapModel([])));
    expect(duplicate).toBeInstanceOf(InvalidArgumentError);
    expect((duplicate as InvalidArgumentError).field).toBe('model.kind');
    expect(() => sim.registerFailureModel({ ...flapModel([]), kind: 'crash' })).toThrow(InvalidArgumentError);
    const noApply = thrownBy(() => sim.registerFailureModel({ kind: 'x', validate: () => undefined } as unknown as FailureModel));
    expect((noApply as InvalidArgumentError).field).toBe('model.apply');
  });

  it('a model without revert is permanent (durationMs rejected); requiresDuration makes durationMs mandatory', () => {
    const { sim } = cluster(['a']);
    sim.registerFailureModel({ kind: 'once', validate: () => undefined, apply: () => undefined });
    sim.registerFailureModel({ kind: 'window', validate: () => undefined, apply: () => undefined, revert: () => undefined, requiresDuration: true });
    expect((thrownBy(() => sim.inject([{ kind: 'once', atMs: 0, durationMs: 5 }])) as InvalidArgumentError).field).toBe('schedule[0].durationMs');
    expect((thrownBy(() => sim.inject([{ kind: 'window', atMs: 0 }])) as InvalidArgumentError).field).toBe('schedule[0].durationMs');
    expect(() => sim.inject([{ kind: 'once', atMs: 0 }, { kind: 'window', atMs: 0, durationMs: 5 }])).not.toThrow();
  });
});
