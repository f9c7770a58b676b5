// Bad schedules: every malformed fault is a typed FaultlineError whose message names the fault's
// index in the schedule and the offending field (`schedule[2].params.groups`), raised at inject
// time, before anything is scheduled. Generated garbage never escapes as anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  builtInFailureModels,
  FaultlineError,
  HandlerError,
  InvalidArgumentError,
  InvalidStateError,
  LimitExceededError,
  nemesis,
  Simulation,
  UnknownNodeError,
  type Fault,
  type FaultSchedule,
  type InjectOptions,
  type NemesisOptions,
} from '../../src/index.js';
import { FIVE, thrownBy } from './fixtures.js';
import { nestedArrays, nestedObjects } from '../hostile-values.js';

function sim5(): Simulation {
  const sim = new Simulation({ seed: 1 });
  for (const id of FIVE) sim.addNode(id, () => ({}));
  return sim;
}

const ok: Fault = { kind: 'crash', atMs: 10, durationMs: 10, target: 'a' };
const okPartition: Fault = { kind: 'partition', atMs: 10, durationMs: 10, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } };

interface Case {
  name: string;
  /** The schedule (or anything) handed to inject. */
  schedule: unknown;
  options?: unknown;
  /** Time to run to before injecting. */
  afterMs?: number;
  type: abstract new (...args: never[]) => FaultlineError;
  /** The field path the message must name (and `error.field` must equal, for InvalidArgumentError). */
  field: string;
  /** Another fragment the message must contain. */
  mentions?: string;
}

/** A schedule whose fault `index` is `fault`, after `index` valid crashes of different nodes at different times. */
const at = (index: number, fault: unknown): unknown[] => [...Array.from({ length: index }, (_, i): Fault => ({ ...ok, target: FIVE[i % 5], atMs: 10 + 100 * i })), fault];

const cases: Case[] = [
  // ------------------------------------------------------------ the schedule and its records
  { name: 'a schedule that is not an array', schedule: { 0: ok }, type: InvalidArgumentError, field: 'schedule', mentions: 'an array of faults' },
  { name: 'a null schedule', schedule: null, type: InvalidArgumentError, field: 'schedule' },
  { name: 'a fault that is not an object', schedule: at(1, 42), type: InvalidArgumentError, field: 'schedule[1]', mentions: 'an object' },
  { name: 'a fault that is an array', schedule: at(0, ['crash', 0]), type: InvalidArgumentError, field: 'schedule[0]' },
  { name: 'an unknown kind', schedule: at(2, { kind: 'meteor', atMs: 0 }), type: InvalidArgumentError, field: 'schedule[2].kind', mentions: 'partition' },
  { name: 'a missing kind', schedule: at(0, { atMs: 0, target: 'a' }), type: InvalidArgumentError, field: 'schedule[0].kind' },
  { name: 'a misspelt fault key', schedule: at(1, { kind: 'crash', atMs: 0, target: 'b', duration: 5 }), type: InvalidArgumentError, field: 'schedule[1].duration', mentions: 'durationMs' },
  { name: 'options that are not an object', schedule: [ok], options: 7, type: InvalidArgumentError, field: 'options' },
  { name: 'an unknown option', schedule: [ok], options: { budgets: {} }, type: InvalidArgumentError, field: 'options.budgets' },

  // ------------------------------------------------------------ targets
  { name: 'a target that does not exist', schedule: at(1, { kind: 'crash', atMs: 0, target: 'ghost' }), type: UnknownNodeError, field: 'schedule[1].target', mentions: "'ghost'" },
  { name: 'a missing target', schedule: at(0, { kind: 'pause', atMs: 0 }), type: UnknownNodeError, field: 'schedule[0].target' },
  { name: 'a target that is not a string', schedule: at(0, { kind: 'isolate', atMs: 0, target: 3 }), type: UnknownNodeError, field: 'schedule[0].target' },
  { name: 'a target on a partition', schedule: at(1, { ...okPartition, target: 'a' }), type: InvalidArgumentError, field: 'schedule[1].target' },
  { name: 'a target on a link fault', schedule: at(0, { kind: 'link', atMs: 0, target: 'a', params: { links: [['a', 'b']], model: {} } }), type: InvalidArgumentError, field: 'schedule[0].target' },

  // ------------------------------------------------------------ times
  { name: 'a negative atMs', schedule: at(1, { ...ok, atMs: -5 }), type: InvalidArgumentError, field: 'schedule[1].atMs' },
  { name: 'a NaN atMs', schedule: at(0, { ...ok, atMs: Number.NaN }), type: InvalidArgumentError, field: 'schedule[0].atMs', mentions: 'finite' },
  { name: 'an infinite atMs', schedule: at(0, { ...ok, atMs: Number.POSITIVE_INFINITY }), type: InvalidArgumentError, field: 'schedule[0].atMs' },
  { name: 'an atMs that is a string', schedule: at(0, { ...ok, atMs: '10' }), type: InvalidArgumentError, field: 'schedule[0].atMs' },
  { name: 'a missing atMs', schedule: at(0, { kind: 'crash', target: 'a' }), type: InvalidArgumentError, field: 'schedule[0].atMs' },
  { name: 'an atMs in the past', schedule: [{ ...ok, atMs: 50 }], afterMs: 100, type: InvalidArgumentError, field: 'schedule[0].atMs', mentions: 'now (100ms)' },
  { name: 'a negative durationMs', schedule: at(1, { ...ok, target: 'b', durationMs: -1 }), type: InvalidArgumentError, field: 'schedule[1].durationMs' },
  { name: 'a zero durationMs', schedule: at(0, { ...ok, durationMs: 0 }), type: InvalidArgumentError, field: 'schedule[0].durationMs', mentions: '> 0' },
  { name: 'a NaN durationMs', schedule: at(0, { ...ok, durationMs: Number.NaN }), type: InvalidArgumentError, field: 'schedule[0].durationMs' },
  { name: 'an infinite durationMs', schedule: at(0, { ...ok, durationMs: Number.POSITIVE_INFINITY }), type: InvalidArgumentError, field: 'schedule[0].durationMs' },
  { name: 'durationMs on a permanent kind', schedule: at(1, { kind: 'clock-jump', atMs: 0, durationMs: 10, target: 'b', params: { deltaMs: -1 } }), type: InvalidArgumentError, field: 'schedule[1].durationMs', mentions: 'permanent' },
  { name: 'a traffic spike without durationMs', schedule: at(0, { kind: 'traffic-spike', atMs: 0, target: 'a', params: { from: 'b', ratePerSec: 10 } }), type: InvalidArgumentError, field: 'schedule[0].durationMs' },

  // ------------------------------------------------------------ partitions
  { name: 'partition groups that overlap', schedule: at(2, { kind: 'partition', atMs: 0, params: { groups: [['a', 'b'], ['b', 'c', 'd', 'e']] } }), type: InvalidArgumentError, field: 'schedule[2].params.groups[1]', mentions: "'b' is in two" },
  { name: 'partition groups that miss nodes', schedule: at(2, { kind: 'partition', atMs: 0, params: { groups: [['a', 'b'], ['c']] } }), type: InvalidArgumentError, field: 'schedule[2].params.groups', mentions: 'missing: d, e' },
  { name: 'a single partition group', schedule: at(0, { kind: 'partition', atMs: 0, params: { groups: [[...FIVE]] } }), type: InvalidArgumentError, field: 'schedule[0].params.groups' },
  { name: 'an empty partition group', schedule: at(0, { kind: 'partition', atMs: 0, params: { groups: [[...FIVE], []] } }), type: InvalidArgumentError, field: 'schedule[0].params.groups[1]' },
  { name: 'an unknown node in a group', schedule: at(0, { kind: 'partition', atMs: 0, params: { groups: [['a', 'b'], ['ghost']] } }), type: UnknownNodeError, field: 'schedule[0].params.groups[1][0]' },
  { name: 'a one-way partition whose sides overlap', schedule: at(0, { kind: 'partition-one-way', atMs: 0, params: { from: ['a', 'b'], to: ['b'] } }), type: InvalidArgumentError, field: 'schedule[0].params.to' },
  { name: 'a bridge with three sides', schedule: at(0, { kind: 'bridge', atMs: 0, params: { sides: [['a'], ['b'], ['d', 'e']], bridge: 'c' } }), type: InvalidArgumentError, field: 'schedule[0].params.sides' },
  { name: 'a bridge that is also on a side', schedule: at(0, { kind: 'bridge', atMs: 0, params: { sides: [['a', 'b', 'c'], ['d', 'e']], bridge: 'c' } }), type: InvalidArgumentError, field: 'schedule[0].params.bridge', mentions: "'c'" },

  // ------------------------------------------------------------ params
  { name: 'params with an unknown key', schedule: at(1, { ...ok, target: 'b', params: { graceful: true } }), type: InvalidArgumentError, field: 'schedule[1].params.graceful', mentions: 'unknown' },
  { name: 'params that are not an object', schedule: at(0, { ...ok, params: 'soft' }), type: InvalidArgumentError, field: 'schedule[0].params' },
  { name: 'a misspelt link model field', schedule: at(0, { kind: 'link', atMs: 0, params: { links: [['a', 'b']], model: { lossProbabilty: 0.5 } } }), type: InvalidArgumentError, field: 'schedule[0].params.model.lossProbabilty' },
  { name: 'no links', schedule: at(0, { kind: 'link', atMs: 0, params: { links: [], model: {} } }), type: InvalidArgumentError, field: 'schedule[0].params.links' },
  { name: 'a link that is not a pair', schedule: at(0, { kind: 'link', atMs: 0, params: { links: [['a', 'b', 'c']], model: {} } }), type: InvalidArgumentError, field: 'schedule[0].params.links[0]' },
  { name: 'a latencyFactor of 0 on a slow node', schedule: at(0, { kind: 'slow-node', atMs: 0, target: 'a', params: { model: { latencyFactor: 0 } } }), type: InvalidArgumentError, field: 'schedule[0].params.model.latencyFactor' },
  { name: 'an omission without probabilities', schedule: at(0, { kind: 'omission', atMs: 0, target: 'a', params: {} }), type: InvalidArgumentError, field: 'schedule[0].params', mentions: 'sendProbability' },
  { name: 'an omission probability above 1', schedule: at(0, { kind: 'omission', atMs: 0, target: 'a', params: { sendProbability: 1.5 } }), type: InvalidArgumentError, field: 'schedule[0].params.sendProbability' },
  { name: 'an unknown byzantine behaviour', schedule: at(0, { kind: 'byzantine', atMs: 0, target: 'a', params: { behaviour: 'lie' } }), type: InvalidArgumentError, field: 'schedule[0].params.behaviour' },
  { name: 'equivocation with one value', schedule: at(0, { kind: 'byzantine', atMs: 0, target: 'a', params: { behaviour: 'equivocate', field: 'v', values: [1] } }), type: InvalidArgumentError, field: 'schedule[0].params.values' },
  { name: 'forging an unknown node', schedule: at(0, { kind: 'byzantine', atMs: 0, target: 'a', params: { behaviour: 'forge', as: 'ghost' } }), type: UnknownNodeError, field: 'schedule[0].params.as' },
  { name: 'zero copies', schedule: at(0, { kind: 'byzantine', atMs: 0, target: 'a', params: { behaviour: 'duplicate', copies: 0 } }), type: InvalidArgumentError, field: 'schedule[0].params.copies' },
  { name: 'a param the behaviour ignores', schedule: at(0, { kind: 'byzantine', atMs: 0, target: 'a', params: { behaviour: 'forge', as: 'b', probability: 0.5 } }), type: InvalidArgumentError, field: 'schedule[0].params.probability', mentions: "behaviour 'forge' reads only" },
  { name: 'a capacity of 0 messages per second', schedule: at(0, { kind: 'capacity', atMs: 0, target: 'a', params: { messagesPerSec: 0 } }), type: InvalidArgumentError, field: 'schedule[0].params.messagesPerSec' },
  { name: 'a fractional inbox limit', schedule: at(0, { kind: 'capacity', atMs: 0, target: 'a', params: { messagesPerSec: 5, inboxLimit: 1.5 } }), type: InvalidArgumentError, field: 'schedule[0].params.inboxLimit' },
  { name: 'a negative spike rate', schedule: at(0, { kind: 'traffic-spike', atMs: 0, durationMs: 5, target: 'a', params: { from: 'b', ratePerSec: -1 } }), type: InvalidArgumentError, field: 'schedule[0].params.ratePerSec' },
  { name: 'a spike from an unknown node', schedule: at(0, { kind: 'traffic-spike', atMs: 0, durationMs: 5, target: 'a', params: { from: 'crowd', ratePerSec: 1 } }), type: UnknownNodeError, field: 'schedule[0].params.from' },
  { name: 'a skew without deltaMs', schedule: at(0, { kind: 'clock-skew', atMs: 0, target: 'a' }), type: InvalidArgumentError, field: 'schedule[0].params.deltaMs' },
  { name: 'a drift of a million ppm', schedule: at(0, { kind: 'clock-drift', atMs: 0, target: 'a', params: { driftPpm: 1e6 } }), type: InvalidArgumentError, field: 'schedule[0].params.driftPpm' },
  { name: 'a disk failure probability above 1', schedule: at(0, { kind: 'disk-write-fail', atMs: 0, target: 'a', params: { probability: 2 } }), type: InvalidArgumentError, field: 'schedule[0].params.probability' },

  // ------------------------------------------------------------ plain data only
  { name: 'a function inside params', schedule: at(1, { kind: 'crash', atMs: 0, target: 'b', params: { onApply: () => undefined } }), type: InvalidArgumentError, field: 'schedule[1].params.onApply', mentions: 'plain data' },
  { name: 'a Date inside params', schedule: at(1, { kind: 'byzantine', atMs: 0, target: 'b', params: { behaviour: 'equivocate', field: 'v', values: [new Date(0), 1] } }), type: InvalidArgumentError, field: 'schedule[1].params.values[0]', mentions: 'plain data' },
  { name: 'a Map inside params', schedule: at(0, { kind: 'traffic-spike', atMs: 0, durationMs: 5, target: 'a', params: { from: 'b', ratePerSec: 1, message: new Map([['k', 1]]) } }), type: InvalidArgumentError, field: 'schedule[0].params.message', mentions: 'plain data' },
  { name: 'a BigInt inside params', schedule: at(0, { kind: 'byzantine', atMs: 0, target: 'a', params: { behaviour: 'equivocate', field: 'v', values: [1n, 2n] } }), type: InvalidArgumentError, field: 'schedule[0].params.values[0]', mentions: 'plain data' },
  { name: 'a class instance inside params', schedule: at(0, { kind: 'traffic-spike', atMs: 0, durationMs: 5, target: 'a', params: { from: 'b', ratePerSec: 1, message: new (class Request { id = 1 })() } }), type: InvalidArgumentError, field: 'schedule[0].params.message', mentions: 'plain data' },

  // ------------------------------------------------------------ link models that cannot be compiled
  { name: 'a reorderProbability without a reorderDelay', schedule: at(0, { kind: 'link', atMs: 100, params: { links: [['a', 'b']], model: { reorderProbability: 0.5 } } }), type: InvalidArgumentError, field: 'schedule[0].params.model.reorderDelay' },

  // ------------------------------------------------------------ budgets
  {
    name: 'a schedule that breaks its budget',
    schedule: [
      { kind: 'crash', atMs: 100, durationMs: 400, target: 'a' },
      { kind: 'crash', atMs: 300, durationMs: 300, target: 'b' },
    ],
    options: { budget: { maxNodesDown: 1 } },
    type: BudgetExceededError,
    field: 'schedule[1]',
    mentions: 't=300ms',
  },
];

describe('bad schedules', () => {
  for (const testCase of cases) {
    it(`${testCase.name}: ${testCase.type.name} naming ${testCase.field}`, () => {
      const sim = sim5();
      if (testCase.afterMs !== undefined) sim.run({ until: testCase.afterMs });
      const error = thrownBy(() => sim.inject(testCase.schedule as FaultSchedule, testCase.options as InjectOptions));
      expect(error).toBeInstanceOf(testCase.type);
      expect(error).toBeInstanceOf(FaultlineError);
      const message = (error as Error).message;
      if (error instanceof InvalidArgumentError) expect(error.field).toBe(testCase.field);
      expect(message).toContain(testCase.field);
      if (testCase.mentions !== undefined) expect(message).toContain(testCase.mentions);
      // Nothing of a rejected schedule is scheduled.
      sim.run({ until: 2_000 });
      expect(sim.faultLog).toEqual([]);
    });
  }

  it('errors carry stable codes', () => {
    const sim = sim5();
    const code = (schedule: unknown, options?: InjectOptions): string => (thrownBy(() => sim.inject(schedule as FaultSchedule, options)) as FaultlineError).code;
    expect(code([{ kind: 'meteor', atMs: 0 }])).toBe('INVALID_ARGUMENT');
    expect(code([{ kind: 'crash', atMs: 0, target: 'ghost' }])).toBe('UNKNOWN_NODE');
    expect(code([ok, { ...ok, atMs: 15 }])).toBe('FAULT_CONFLICT');
    expect(code([ok, { ...ok, target: 'b' }], { budget: { maxNodesDown: 1 } })).toBe('BUDGET_EXCEEDED');
    sim.livenessPhase(5);
    expect(code([ok])).toBe('INVALID_STATE');
  });

  it('verbs reject bad input the same way, naming the verb', () => {
    const sim = sim5();
    expect(thrownBy(() => sim.crash('ghost'))).toBeInstanceOf(UnknownNodeError);
    expect(thrownBy(() => sim.isolate('ghost'))).toBeInstanceOf(UnknownNodeError);
    const slow = thrownBy(() => sim.slow('a', 'b', -1)) as InvalidArgumentError;
    expect(slow.field).toBe("slow('a', 'b').params.model.latencyFactor");
    const partition = thrownBy(() => sim.partition(['a'], ['b'])) as InvalidArgumentError;
    expect(partition.field).toBe('partition(...).params.groups');
    const skew = thrownBy(() => sim.skewClock('a', Number.NaN)) as InvalidArgumentError;
    expect(skew.field).toBe("skewClock('a').params.deltaMs");
    expect(sim.faultLog).toEqual([]);
  });
});

// ---------------------------------------------------------------- hostile shapes


/** A traffic spike whose message is `message`: the one parameter that is free-form plain data. */
const spike = (message: unknown): Fault => ({ kind: 'traffic-spike', atMs: 0, durationMs: 5, target: 'a', params: { from: 'b', ratePerSec: 1, message } });

function expectInvalid(act: () => unknown, field: string, mentions: string): void {
  const error = thrownBy(act);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).field).toBe(field);
  expect((error as Error).message).toContain(mentions);
}

describe('hostile shapes: deep, huge, symbol-keyed', () => {
  // The fault record and its params are 2 levels: a message of 98 more makes the limit of 100.
  it('a message nested to the depth limit is accepted, one level more is refused', () => {
    const sim = sim5();
    expect(() => sim.inject([spike(nestedArrays(98))])).not.toThrow();
    expectInvalid(() => sim5().inject([spike(nestedArrays(99))]), 'schedule[0].params.message[0]', 'nested at most 100 levels deep');
  });

  it.each([
    ['arrays in a message', () => spike(nestedArrays(5000)), 'schedule[0].params.message[0]'],
    ['objects in a message', () => spike(nestedObjects(5000)), 'schedule[0].params.message.x'],
    ['objects as params', () => ({ kind: 'crash', atMs: 0, target: 'a', params: nestedObjects(5000) }), 'schedule[0].params.x.x'],
    ['arrays as a link model', () => ({ kind: 'link', atMs: 0, params: { links: [['a', 'b']], model: nestedArrays(5000) } }), 'schedule[0].params.model[0]'],
    ['objects in a latency', () => ({ kind: 'slow-node', atMs: 0, target: 'a', params: { model: { latency: nestedObjects(5000) } } }), 'schedule[0].params.model.latency'],
  ])('5,000 nested %s: InvalidArgumentError naming the field, not a RangeError', (_name, fault, field) => {
    const sim = sim5();
    expectInvalid(() => sim.inject([fault() as Fault]), field, 'levels deep');
    expect(sim.faultLog).toEqual([]);
  });

  it.each([
    ['slow with a nested factor', (sim: Simulation) => sim.slow('a', 'b', nestedArrays(5000) as never), "slow('a', 'b').params.model.latencyFactor"],
    ['degrade with a nested model', (sim: Simulation) => sim.degrade([['a', 'b']], nestedObjects(5000) as never), 'degrade(...).params.model.x'],
    ['degrade with a nested latency', (sim: Simulation) => sim.degrade([['a', 'b']], { latency: nestedArrays(5000) } as never), 'degrade(...).params.model.latency'],
    ['degrade with nested links', (sim: Simulation) => sim.degrade(nestedArrays(5000) as never, { lossProbability: 0.5 }), 'degrade(...).params.links[0]'],
  ])('%s: InvalidArgumentError naming the field, not a RangeError', (_name, act, field) => {
    const sim = sim5();
    expectInvalid(() => act(sim), field, 'levels deep');
    expect(sim.faultLog).toEqual([]);
  });

  it('a 1e7-element array or a 50 MB string in params is refused at once, not copied', () => {
    expectInvalid(() => sim5().inject([spike(new Array(1e7).fill(0))]), 'schedule[0].params.message', 'at most 1000000 values');
    expectInvalid(() => sim5().inject([spike('x'.repeat(50_000_000))]), 'schedule[0].params.message', 'at most 10000000 characters');
    expectInvalid(() => sim5().inject([{ kind: 'crash', atMs: 0, target: 'a', params: { note: 'x'.repeat(50_000_000) } } as never]), 'schedule[0].params.note', 'characters');
  });

  it.each([
    ['a fault record', [{ ...ok, [Symbol('note')]: 1 }], undefined, 'schedule[0][Symbol(note)]'],
    ['params', [{ ...ok, params: { [Symbol('note')]: 1 } }], undefined, 'schedule[0].params[Symbol(note)]'],
    ['a link model', [{ kind: 'link', atMs: 0, params: { links: [['a', 'b']], model: { [Symbol('lossProbability')]: 1 } } }], undefined, 'schedule[0].params.model[Symbol(lossProbability)]'],
    ['a message', [spike({ [Symbol('id')]: 1 })], undefined, 'schedule[0].params.message[Symbol(id)]'],
    ['inject options', [ok], { [Symbol('budget')]: {} }, 'options[Symbol(budget)]'],
    ['a budget', [ok], { budget: { [Symbol('maxNodesDown')]: 0 } }, 'options.budget[Symbol(maxNodesDown)]'],
  ])('a symbol key in %s is refused, not silently dropped', (_name, schedule, options, field) => {
    const sim = sim5();
    expectInvalid(() => sim.inject(schedule as FaultSchedule, options as InjectOptions | undefined), field, 'Symbol(');
    expect(sim.faultLog).toEqual([]);
  });

  it('a non-enumerable field is refused, not silently dropped by the copy', () => {
    const hidden = (record: object, key: string, value: unknown): object => Object.defineProperty(record, key, { value, enumerable: false });
    expectInvalid(() => sim5().inject([hidden({ kind: 'crash', atMs: 0, target: 'a' }, 'durationMs', 10) as Fault]), 'schedule[0].durationMs', 'an enumerable property');
    expectInvalid(() => sim5().inject([{ ...ok, params: hidden({}, 'graceful', true) } as never]), 'schedule[0].params.graceful', 'non-enumerable');
    expectInvalid(() => sim5().inject([ok], { budget: hidden({}, 'maxNodesDown', 0) as never }), 'options.budget.maxNodesDown', 'an enumerable property');
  });
});

// ---------------------------------------------------------------- null is never "absent"

/** One valid fault of each kind, with every optional field and parameter present. */
const fullFaults: Fault[] = [
  { kind: 'crash', atMs: 10, durationMs: 10, target: 'a', params: {} },
  { kind: 'omission', atMs: 10, durationMs: 10, target: 'a', params: { sendProbability: 0.5, receiveProbability: 0.5 } },
  { kind: 'disk-write-fail', atMs: 10, durationMs: 10, target: 'a', params: { probability: 0.5 } },
  { kind: 'clock-skew', atMs: 10, durationMs: 10, target: 'a', params: { deltaMs: 5 } },
  { kind: 'clock-drift', atMs: 10, durationMs: 10, target: 'a', params: { driftPpm: 5 } },
  { kind: 'clock-jump', atMs: 10, target: 'a', params: { deltaMs: 5 } },
  { kind: 'capacity', atMs: 10, durationMs: 10, target: 'a', params: { messagesPerSec: 5, inboxLimit: 5 } },
  { kind: 'traffic-spike', atMs: 10, durationMs: 10, target: 'a', params: { from: 'b', ratePerSec: 5, endRatePerSec: 10, message: { type: 'request' } } },
  { kind: 'byzantine', atMs: 10, durationMs: 10, target: 'a', params: { behaviour: 'drop', probability: 0.5, to: ['b'] } },
  { kind: 'byzantine', atMs: 10, durationMs: 10, target: 'a', params: { behaviour: 'duplicate', copies: 2 } },
  { kind: 'byzantine', atMs: 10, durationMs: 10, target: 'a', params: { behaviour: 'forge', as: 'b' } },
  { kind: 'byzantine', atMs: 10, durationMs: 10, target: 'a', params: { behaviour: 'equivocate', field: 'v', values: [1, 2] } },
  { kind: 'link', atMs: 10, durationMs: 10, params: { links: [['a', 'b']], bothWays: true, model: { lossProbability: 0.5 } } },
  { kind: 'slow-node', atMs: 10, durationMs: 10, target: 'a', params: { model: { latencyFactor: 5 } } },
  { kind: 'partition', atMs: 10, durationMs: 10, params: { groups: [['a', 'b'], ['c', 'd', 'e']] } },
];
const fullLinkModel = {
  latency: { kind: 'constant', ms: 1 },
  latencyFactor: 2,
  lossProbability: 0.1,
  duplicateProbability: 0.1,
  reorderProbability: 0.1,
  reorderDelay: { kind: 'constant', ms: 1 },
  fifo: true,
  bandwidthBytesPerMs: 100,
  queueLimitBytes: 1_000,
};
/** Parameters that are the user's own data, where null is a value like any other. */
const dataParams = new Set(['message']);

/** Each fault with one field, parameter or link-model field set to null, and the path it must name. */
const nulled: Array<{ name: string; path: string; fault: unknown }> = [
  ...fullFaults.flatMap((fault) => [
    ...Object.keys(fault).map((key) => ({ name: `${fault.kind} ${key}`, path: key, fault: { ...fault, [key]: null } })),
    ...Object.keys(fault.params!)
      .filter((key) => !dataParams.has(key))
      .map((key) => ({ name: `${fault.kind} params.${key}`, path: `params.${key}`, fault: { ...fault, params: { ...fault.params, [key]: null } } })),
  ]),
  ...Object.keys(fullLinkModel).map((key) => ({
    name: `link params.model.${key}`,
    path: `params.model.${key}`,
    fault: { kind: 'link', atMs: 10, durationMs: 10, params: { links: [['a', 'b']], model: { ...fullLinkModel, [key]: null } } },
  })),
];

describe('null is an error, never a default', () => {
  it('every full fault is valid as it stands', () => {
    for (const fault of [...fullFaults, { kind: 'link', atMs: 10, durationMs: 10, params: { links: [['a', 'b']], model: fullLinkModel } }]) {
      expect(() => sim5().inject([fault as Fault])).not.toThrow();
    }
  });

  it.each(nulled)('$name: null → an error naming the field and the null', ({ path, fault }) => {
    const sim = sim5();
    const error = thrownBy(() => sim.inject([fault as Fault]));
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as Error).message).toContain(`schedule[0].${path}`);
    expect((error as Error).message).toMatch(/\bnull\b/);
    sim.run({ until: 100 });
    expect(sim.faultLog).toEqual([]);
  });

  it('null in a traffic spike message is the user data it says', () => {
    expect(() => sim5().inject([spike(null)])).not.toThrow();
    expect(() => sim5().inject([spike({ payload: null, list: [null] })])).not.toThrow();
  });

  it.each([
    ['options', null, 'options'],
    ['options.budget', { budget: null }, 'options.budget'],
    ['options.budget.maxNodesDown', { budget: { maxNodesDown: null } }, 'options.budget.maxNodesDown'],
    ['options.budget.keepMajorityConnected', { budget: { keepMajorityConnected: null } }, 'options.budget.keepMajorityConnected'],
  ])('%s: null → InvalidArgumentError', (_name, options, field) => {
    expectInvalid(() => sim5().inject([ok], options as never), field, 'got null');
  });
});

describe('nemesis options', () => {
  const valid: NemesisOptions = { seed: 1, nodes: [...FIVE], horizonMs: 5_000, startMs: 0, kinds: ['crash'], ratePerSec: 1, meanDurationMs: 100, budget: { maxNodesDown: 1 }, swarm: false, maxFaults: 5 };

  it('the full options are valid as they stand', () => {
    expect(nemesis(valid).length).toBeGreaterThan(0);
  });

  it.each(Object.keys(valid))('%s: null → InvalidArgumentError, not the default', (key) => {
    expectInvalid(() => nemesis({ ...valid, [key]: null } as never), key, 'got null');
  });

  it('options that are null, or hold a symbol key, are refused', () => {
    expectInvalid(() => nemesis(null as never), 'nemesis(options)', 'an object');
    expectInvalid(() => nemesis({ ...valid, [Symbol('seed')]: 2 } as never), 'nemesis(options)[Symbol(seed)]', 'named by strings');
  });
});

// ---------------------------------------------------------------- generated garbage

const kinds = builtInFailureModels.map((model) => model.kind);
/** Values that once escaped validation: too deep to walk recursively, null, symbol keys. */
const hostile = fc.oneof(
  fc.integer({ min: 90, max: 6_000 }).map(nestedArrays),
  fc.integer({ min: 90, max: 6_000 }).map(nestedObjects),
  fc.constant(null),
  fc.anything().map((inner) => ({ inner, [Symbol('key')]: 1 })),
);
/** Anything at all, hostile values included. */
const junk = fc.oneof({ weight: 5, arbitrary: fc.anything() }, { weight: 1, arbitrary: hostile });
const nodeId = fc.constantFrom(...FIVE, 'ghost');
const distribution = fc.oneof(
  fc.record({ kind: fc.constant('constant'), ms: fc.oneof(fc.double(), fc.nat(50)) }),
  fc.record({ kind: fc.constantFrom('uniform', 'exponential', 'pareto', 'nope'), minMs: fc.double(), maxMs: fc.double(), meanMs: fc.double() }, { requiredKeys: ['kind'] }),
  junk,
);
const linkModel = fc.record(
  {
    latency: distribution,
    latencyFactor: fc.oneof(fc.double(), fc.integer({ min: 0, max: 20 })),
    lossProbability: fc.double(),
    duplicateProbability: fc.double({ min: 0, max: 1 }),
    reorderProbability: fc.double({ min: 0, max: 1 }),
    reorderDelay: distribution,
    fifo: junk,
    bandwidthBytesPerMs: fc.double(),
    queueLimitBytes: fc.double(),
  },
  { requiredKeys: [] },
);
const paramValue = fc.oneof(
  junk,
  fc.double(),
  fc.integer({ min: -5, max: 2_000 }),
  nodeId,
  fc.array(nodeId, { maxLength: 6 }),
  fc.array(fc.array(nodeId, { maxLength: 5 }), { maxLength: 4 }),
  fc.array(fc.tuple(nodeId, nodeId), { maxLength: 3 }),
  linkModel,
  fc.constantFrom('corrupt', 'drop', 'duplicate', 'replay', 'forge', 'equivocate', 'custom'),
);
const paramKeys = ['groups', 'from', 'to', 'sides', 'bridge', 'links', 'bothWays', 'model', 'sendProbability', 'receiveProbability', 'behaviour', 'probability', 'copies', 'as', 'field', 'values', 'adversary', 'messagesPerSec', 'inboxLimit', 'ratePerSec', 'endRatePerSec', 'message', 'deltaMs', 'driftPpm'];
const params = fc.oneof(fc.dictionary(fc.constantFrom(...paramKeys), paramValue, { maxKeys: 4 }), junk);
/** Free-form records with fault-like keys and garbage-or-plausible values. */
const looseFault = fc.record(
  {
    kind: fc.oneof(fc.constantFrom(...kinds), junk),
    atMs: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.double(), junk),
    durationMs: fc.oneof(fc.integer({ min: 1, max: 3_000 }), fc.double(), junk),
    target: fc.oneof(nodeId, junk),
    params,
  },
  { requiredKeys: ['kind', 'atMs'] },
);

// Valid faults of every built-in kind (they may still conflict with each other or break nothing).
const node = fc.constantFrom(...FIVE);
const twoNodes = fc.shuffledSubarray([...FIVE], { minLength: 2, maxLength: 2 });
const time = fc.integer({ min: 0, max: 3_000 });
const duration = fc.integer({ min: 1, max: 3_000 });
const probability = fc.double({ min: 0, max: 1, noNaN: true });
const validLinkModel = fc.record(
  {
    latency: fc.record({ kind: fc.constant('constant'), ms: fc.integer({ min: 0, max: 50 }) }),
    latencyFactor: fc.integer({ min: 1, max: 20 }),
    lossProbability: probability,
    duplicateProbability: probability,
    reorderProbability: probability,
    reorderDelay: fc.record({ kind: fc.constant('constant'), ms: fc.integer({ min: 0, max: 50 }) }),
    fifo: fc.boolean(),
    bandwidthBytesPerMs: fc.integer({ min: 1, max: 1_000 }),
  },
  { requiredKeys: ['reorderDelay'] },
);
const timed = <P,>(kind: string, target: fc.Arbitrary<string | undefined>, paramsArb: fc.Arbitrary<P>, permanent = false): fc.Arbitrary<unknown> =>
  fc.record({ atMs: time, durationMs: permanent ? fc.constant(undefined) : fc.option(duration, { nil: undefined }), target, params: paramsArb }).map(({ atMs, durationMs, target, params }) => ({
    kind,
    atMs,
    ...(durationMs === undefined ? {} : { durationMs }),
    ...(target === undefined ? {} : { target }),
    ...(params === undefined ? {} : { params }),
  }));
const none = fc.constant(undefined);
const validFault = fc.oneof(
  timed('crash', node, none),
  timed('pause', node, none),
  timed('omission', node, fc.record({ sendProbability: probability, receiveProbability: probability }, { requiredKeys: ['sendProbability'] })),
  timed('partition', none, fc.tuple(fc.shuffledSubarray([...FIVE], { minLength: 5, maxLength: 5 }), fc.integer({ min: 1, max: 4 })).map(([ids, cut]) => ({ groups: [ids.slice(0, cut), ids.slice(cut)] }))),
  timed('partition-one-way', none, twoNodes.map(([from, to]) => ({ from: [from], to: [to] }))),
  timed('isolate', node, none),
  timed('bridge', none, fc.shuffledSubarray([...FIVE], { minLength: 5, maxLength: 5 }).map(([bridge, ...rest]) => ({ sides: [rest.slice(0, 2), rest.slice(2)], bridge }))),
  timed('link', none, fc.record({ links: fc.array(twoNodes, { minLength: 1, maxLength: 3 }), bothWays: fc.boolean(), model: validLinkModel })),
  timed('slow-node', node, fc.record({ model: validLinkModel })),
  timed(
    'byzantine',
    node,
    fc.oneof(
      fc.record({ behaviour: fc.constantFrom('corrupt', 'drop', 'duplicate', 'replay'), probability }),
      fc.record({ behaviour: fc.constant('drop'), to: fc.array(node, { minLength: 1, maxLength: 1 }) }),
      fc.record({ behaviour: fc.constant('duplicate'), copies: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ behaviour: fc.constant('forge'), as: node }),
      fc.record({ behaviour: fc.constant('equivocate'), field: fc.constant('v'), values: fc.array(fc.jsonValue(), { minLength: 2, maxLength: 3 }) }),
    ),
  ),
  timed('capacity', node, fc.record({ messagesPerSec: fc.integer({ min: 1, max: 1_000 }), inboxLimit: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: ['messagesPerSec'] })),
  fc.record({ atMs: time, durationMs: duration, target: node, from: node, ratePerSec: fc.integer({ min: 0, max: 500 }), endRatePerSec: fc.integer({ min: 0, max: 500 }), message: fc.jsonValue() }).map(({ atMs, durationMs, target, ...spike }) => ({ kind: 'traffic-spike', atMs, durationMs, target, params: spike })),
  timed('clock-skew', node, fc.record({ deltaMs: fc.integer({ min: -5_000, max: 5_000 }) })),
  timed('clock-drift', node, fc.record({ driftPpm: fc.integer({ min: -100_000, max: 100_000 }) })),
  timed('clock-jump', node, fc.record({ deltaMs: fc.integer({ min: -5_000, max: 5_000 }) }), true),
  timed('disk-unsynced-loss', node, none),
  timed('disk-write-fail', node, fc.record({ probability }, { requiredKeys: [] })),
  timed('disk-full', node, none),
  ...['disk-wearout', 'memory-leak', 'latency-creep', 'error-ramp'].map((kind) =>
    timed(
      kind,
      node,
      fc.record(
        {
          timeToFailureMs: fc.integer({ min: 1, max: 3_000 }),
          shape: fc.constantFrom('linear', 'exponential'),
          outcome: fc.constantFrom('crash', 'degrade'),
          noise: probability,
          ...(kind === 'memory-leak' ? { leakBytes: fc.integer({ min: 1, max: 2 ** 40 }) } : {}),
          ...(kind === 'disk-wearout' ? { extraWriteLatencyMs: fc.integer({ min: 1, max: 1_000 }) } : {}),
          ...(kind === 'disk-wearout' || kind === 'error-ramp' ? { peakErrorProbability: fc.double({ min: 0.01, max: 1, noNaN: true }) } : {}),
          ...(kind === 'latency-creep' ? { extraServiceMs: fc.integer({ min: 1, max: 100 }) } : {}),
        },
        { requiredKeys: ['timeToFailureMs'] },
      ),
    ),
  ),
);

/** A valid fault with one field (top-level or in params, existing, new or symbol-keyed) replaced by junk. */
const mutatedFault = fc.tuple(validFault, fc.nat(), fc.oneof(junk, paramValue, fc.constant(undefined))).map(([fault, pick, replacement]) => {
  const record = fault as Record<string, unknown>;
  const inner = (record['params'] ?? {}) as Record<string, unknown>;
  const paths = [...Object.keys(record), ...Object.keys(inner).map((key) => `params.${key}`), 'extra', 'params.extra', 'symbol', 'params.symbol'];
  const path = paths[pick % paths.length]!;
  const key = path.endsWith('symbol') ? Symbol('extra') : path.replace(/^params\./, '');
  if (path.startsWith('params.')) return { ...record, params: { ...inner, [key]: replacement } };
  return { ...record, [key]: replacement };
});

const nearValidFault = fc.oneof({ weight: 4, arbitrary: validFault }, { weight: 4, arbitrary: mutatedFault }, { weight: 1, arbitrary: looseFault });
const schedule = fc.oneof({ weight: 1, arbitrary: junk }, { weight: 6, arbitrary: fc.array(fc.oneof({ weight: 1, arbitrary: junk }, { weight: 8, arbitrary: nearValidFault }), { maxLength: 5 }) });
const budget = fc.oneof(fc.constant(undefined), fc.record({ maxNodesDown: fc.oneof(fc.nat(3), junk), keepMajorityConnected: fc.oneof(fc.boolean(), junk) }, { requiredKeys: [] }), junk);

/** True if `value` or a plain container in its first few levels has a symbol key. */
function hasSymbolKey(value: unknown, levels = 8): boolean {
  if (typeof value !== 'object' || value === null || levels === 0) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return true;
  const children: unknown[] = Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
  return children.some((child) => hasSymbolKey(child, levels - 1));
}

function isFaultlineThroughout(error: unknown): boolean {
  if (!(error instanceof FaultlineError)) return false;
  return !(error instanceof HandlerError) || isFaultlineThroughout(error.cause);
}

describe('generated garbage', () => {
  it('inject throws nothing but FaultlineError subclasses, whatever the schedule, and refuses every symbol key', () => {
    let accepted = 0;
    let symbolKeyed = 0;
    fc.assert(
      fc.property(schedule, budget, (garbage, budgetOption) => {
        const sim = sim5();
        const keyed = hasSymbolKey([garbage, budgetOption]);
        if (keyed) symbolKeyed++;
        try {
          sim.inject(garbage as FaultSchedule, budgetOption === undefined ? undefined : ({ budget: budgetOption } as InjectOptions));
          accepted++;
          expect(keyed, 'a symbol key was silently dropped').toBe(false);
        } catch (error) {
          if (!(error instanceof FaultlineError)) throw error;
        }
      }),
      { numRuns: 1_500, seed: 20_240_601 },
    );
    expect(accepted).toBeGreaterThan(10); // the near-valid faults do get through sometimes
    expect(symbolKeyed).toBeGreaterThan(10);
  });

  it('a schedule that inject accepts runs without any error from applying or reverting its faults', () => {
    const acceptedKinds = new Set<string>();
    fc.assert(
      fc.property(fc.array(nearValidFault, { maxLength: 4 }), (faults) => {
        const sim = sim5();
        try {
          sim.inject(faults as FaultSchedule);
        } catch (error) {
          if (error instanceof FaultlineError) return;
          throw error;
        }
        for (const fault of faults) acceptedKinds.add((fault as Fault).kind);
        try {
          sim.run({ until: 7_000, maxEvents: 50_000 });
        } catch (error) {
          if (error instanceof LimitExceededError) return; // a heavy traffic spike
          expect(isFaultlineThroughout(error), String(error)).toBe(true);
          throw error;
        }
      }),
      { numRuns: 1_500, seed: 20_240_602 },
    );
    expect([...acceptedKinds].sort()).toEqual([...kinds].sort()); // every kind got through and ran
  });

  it('an accepted schedule never leaves the simulation unusable: a later valid schedule still injects or is refused with a FaultlineError', () => {
    const numRuns = 300;
    let accepted = 0;
    let rejected = 0;
    let laterAfterAccepted = 0;
    fc.assert(
      fc.property(fc.array(nearValidFault, { maxLength: 4 }), (faults) => {
        const sim = sim5();
        let first = false;
        try {
          sim.inject(faults as FaultSchedule);
          first = true;
          accepted++;
        } catch (error) {
          if (!(error instanceof FaultlineError)) throw error;
          rejected++;
        }
        try {
          sim.inject([{ kind: 'partition', atMs: 5_000, durationMs: 10, params: { groups: [['a'], ['b', 'c', 'd', 'e']] } }]);
          if (first) laterAfterAccepted++;
        } catch (error) {
          expect(error).toBeInstanceOf(FaultlineError);
          expect(error).not.toBeInstanceOf(InvalidStateError);
        }
      }),
      { numRuns, seed: 20_240_603 },
    );
    // Both branches are exercised, and the claim is tested where it matters: after an accepted schedule.
    expect(accepted).toBeGreaterThan(numRuns / 10);
    expect(rejected).toBeGreaterThan(numRuns / 10);
    expect(laterAfterAccepted).toBeGreaterThan(numRuns / 10);
  });
});
