// Bad input: every configuration entry point rejects out-of-range, wrongly typed and misspelt
// values with a FaultlineError that has a stable code and a message naming the field and what
// is accepted. Generated garbage never escapes as a bare TypeError and never hangs a run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DuplicateNodeError,
  FaultlineError,
  HandlerError,
  InvalidArgumentError,
  Simulation,
  UnknownNodeError,
  distributionKinds,
  type LinkModel,
  type NodeContext,
  type SimulationOptions,
} from '../src/index.js';
import { nestedArrays, nestedObjects } from './hostile-values.js';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw, but it returned normally');
}

/** A simulation with two idle nodes a and b whose contexts are kept. */
function twoNodes(options: Partial<SimulationOptions> = {}): { sim: Simulation; ctx: (id: 'a' | 'b') => NodeContext } {
  const sim = new Simulation({ seed: 1, ...options });
  const contexts = new Map<string, NodeContext>();
  for (const id of ['a', 'b']) {
    sim.addNode(id, (ctx) => {
      contexts.set(id, ctx);
      return {};
    });
  }
  return { sim, ctx: (id) => contexts.get(id)! };
}

const sim0 = (): Simulation => twoNodes().sim;


const linkModelKeys = ['latency', 'latencyFactor', 'lossProbability', 'duplicateProbability', 'reorderProbability', 'reorderDelay', 'fifo', 'bandwidthBytesPerMs', 'queueLimitBytes'] as const;
const withLink = (link: unknown): Simulation => new Simulation({ seed: 1, network: { link: link as LinkModel } });
const withLatency = (latency: unknown): Simulation => withLink({ latency });

interface Case {
  /** What is wrong. */
  name: string;
  act: () => unknown;
  /** The field the error must name (also checked in the message). */
  field: string;
  /** A fragment of the accepted range the message must contain. */
  expected: string;
}

const anyRange = 'must be';

const cases: Case[] = [
  // ------------------------------------------------------------ Simulation options
  { name: 'options that are not an object', act: () => new Simulation(null as never), field: 'options', expected: 'an object' },
  { name: 'a missing seed', act: () => new Simulation({} as never), field: 'seed', expected: 'a string or a finite number' },
  { name: 'a NaN seed', act: () => new Simulation({ seed: Number.NaN }), field: 'seed', expected: 'a string or a finite number' },
  { name: 'an object seed', act: () => new Simulation({ seed: {} as never }), field: 'seed', expected: 'a string or a finite number' },
  { name: 'an unknown option', act: () => new Simulation({ seed: 1, seeed: 2 } as never), field: 'seeed', expected: 'unknown option' },
  { name: 'an unknown tieBreak', act: () => new Simulation({ seed: 1, tieBreak: 'lifo' as never }), field: 'tieBreak', expected: "one of 'fifo', 'random'" },
  { name: 'maxEvents 0', act: () => new Simulation({ seed: 1, maxEvents: 0 }), field: 'maxEvents', expected: 'an integer in [1,' },
  { name: 'fractional maxEvents', act: () => new Simulation({ seed: 1, maxEvents: 1.5 }), field: 'maxEvents', expected: 'an integer in [1,' },
  { name: 'negative maxTimeMs', act: () => new Simulation({ seed: 1, maxTimeMs: -1 }), field: 'maxTimeMs', expected: 'a finite number > 0' },
  { name: 'NaN maxTimeMs', act: () => new Simulation({ seed: 1, maxTimeMs: Number.NaN }), field: 'maxTimeMs', expected: 'a finite number > 0' },
  { name: 'infinite maxTimeMs', act: () => new Simulation({ seed: 1, maxTimeMs: Infinity }), field: 'maxTimeMs', expected: 'a finite number > 0' },
  { name: 'maxPendingEvents 0', act: () => new Simulation({ seed: 1, maxPendingEvents: 0 }), field: 'maxPendingEvents', expected: 'an integer in [1,' },
  { name: 'trace that is a string', act: () => new Simulation({ seed: 1, trace: 'yes' as never }), field: 'trace', expected: 'an object' },
  { name: 'trace.limit 0', act: () => new Simulation({ seed: 1, trace: { limit: 0 } }), field: 'trace.limit', expected: 'an integer in [1,' },
  { name: 'an unknown trace option', act: () => new Simulation({ seed: 1, trace: { limt: 5 } as never }), field: 'trace.limt', expected: 'unknown option' },
  { name: 'logLimit -3', act: () => new Simulation({ seed: 1, logLimit: -3 }), field: 'logLimit', expected: 'an integer in [1,' },
  { name: 'onLog that is not a function', act: () => new Simulation({ seed: 1, onLog: 'console' as never }), field: 'onLog', expected: 'a function' },

  // ------------------------------------------------------------ network config
  { name: 'network that is not an object', act: () => new Simulation({ seed: 1, network: 5 as never }), field: 'network', expected: 'an object' },
  { name: 'an unknown network option', act: () => new Simulation({ seed: 1, network: { lnk: {} } as never }), field: 'network.lnk', expected: 'unknown option' },
  { name: 'a link that is an array', act: () => withLink([]), field: 'network.link', expected: 'an object' },
  { name: 'a misspelt link field', act: () => withLink({ lossProbabilty: 0.1 }), field: 'network.link.lossProbabilty', expected: 'unknown option' },
  { name: 'lossProbability > 1', act: () => withLink({ lossProbability: 1.5 }), field: 'network.link.lossProbability', expected: 'a probability in [0, 1]' },
  { name: 'lossProbability < 0', act: () => withLink({ lossProbability: -0.1 }), field: 'network.link.lossProbability', expected: 'a probability in [0, 1]' },
  { name: 'lossProbability NaN', act: () => withLink({ lossProbability: Number.NaN }), field: 'network.link.lossProbability', expected: 'a probability in [0, 1]' },
  { name: 'duplicateProbability 2', act: () => withLink({ duplicateProbability: 2 }), field: 'network.link.duplicateProbability', expected: 'a probability in [0, 1]' },
  { name: 'reorderProbability as a string', act: () => withLink({ reorderProbability: '0.5' }), field: 'network.link.reorderProbability', expected: 'a probability in [0, 1]' },
  { name: 'reorderProbability without reorderDelay', act: () => withLink({ reorderProbability: 0.5 }), field: 'network.link.reorderDelay', expected: 'a distribution when reorderProbability > 0' },
  { name: 'fifo that is not a boolean', act: () => withLink({ fifo: 1 }), field: 'network.link.fifo', expected: 'true or false' },
  { name: 'bandwidthBytesPerMs 0', act: () => withLink({ bandwidthBytesPerMs: 0 }), field: 'network.link.bandwidthBytesPerMs', expected: 'a finite number > 0' },
  { name: 'infinite bandwidthBytesPerMs', act: () => withLink({ bandwidthBytesPerMs: Infinity }), field: 'network.link.bandwidthBytesPerMs', expected: 'a finite number > 0' },
  { name: 'negative queueLimitBytes', act: () => withLink({ queueLimitBytes: -1 }), field: 'network.link.queueLimitBytes', expected: 'a finite number > 0' },
  { name: 'intraRegion loss 7', act: () => new Simulation({ seed: 1, network: { intraRegion: { lossProbability: 7 } } }), field: 'network.intraRegion.lossProbability', expected: '[0, 1]' },
  { name: 'interRegion unknown key', act: () => new Simulation({ seed: 1, network: { interRegion: { jitter: 1 } as never } }), field: 'network.interRegion.jitter', expected: 'unknown option' },
  { name: 'regionLinks that is not an array', act: () => new Simulation({ seed: 1, network: { regionLinks: {} as never } }), field: 'network.regionLinks', expected: 'an array' },
  {
    name: 'regionLinks with one region',
    act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us'], link: {} }] as never } }),
    field: 'network.regionLinks[0].between',
    expected: 'a pair of region names',
  },
  {
    name: 'regionLinks with an empty region name',
    act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us', ''], link: {} }] } }),
    field: 'network.regionLinks[0].between[1]',
    expected: 'a non-empty string',
  },
  {
    name: 'regionLinks with a bad link model',
    act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us', 'eu'], link: { lossProbability: -1 } }] } }),
    field: 'network.regionLinks[0].link.lossProbability',
    expected: '[0, 1]',
  },
  {
    name: 'regionLinks with a missing link',
    act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us', 'eu'] }] as never } }),
    field: 'network.regionLinks[0].link',
    expected: 'an object',
  },
  { name: 'defaultMessageSizeBytes 0', act: () => new Simulation({ seed: 1, network: { defaultMessageSizeBytes: 0 } }), field: 'network.defaultMessageSizeBytes', expected: 'a finite number > 0' },

  // ------------------------------------------------------------ hostile shapes in network config
  { name: '5,000 nested arrays in a latency', act: () => withLatency(nestedArrays(5000)), field: 'network.link.latency[0][0]', expected: 'nested at most 100 levels deep' },
  { name: '5,000 nested objects as a link model', act: () => withLink(nestedObjects(5000)), field: 'network.link.x.x.x', expected: 'nested at most 100 levels deep' },
  { name: '5,000 nested arrays in a latency field', act: () => withLatency({ kind: 'constant', ms: nestedArrays(5000) }), field: 'network.link.latency.ms[0]', expected: 'levels deep' },
  { name: '5,000 nested objects in setLink', act: () => sim0().network.setLink('a', 'b', { latency: nestedObjects(5000) } as never), field: 'link a->b.latency.x.x', expected: 'levels deep' },
  { name: 'a symbol key in Simulation options', act: () => new Simulation({ seed: 1, [Symbol('seed')]: 2 } as never), field: '[Symbol(seed)]', expected: 'options are named by strings' },
  { name: 'a symbol key in the network config', act: () => new Simulation({ seed: 1, network: { [Symbol('link')]: {} } as never }), field: 'network[Symbol(link)]', expected: 'options are named by strings' },
  { name: 'a symbol key in a link model', act: () => withLink({ [Symbol('lossProbability')]: 0.5 }), field: 'network.link[Symbol(lossProbability)]', expected: 'options are named by strings' },
  { name: 'a symbol key in a latency', act: () => withLatency({ kind: 'constant', ms: 1, [Symbol('ms')]: 2 }), field: 'network.link.latency[Symbol(ms)]', expected: 'options are named by strings' },
  {
    name: 'a symbol key in a regionLinks entry',
    act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us', 'eu'], link: {}, [Symbol('link')]: {} }] as never } }),
    field: 'network.regionLinks[0][Symbol(link)]',
    expected: 'options are named by strings',
  },
  { name: 'a symbol key in a setLink model', act: () => sim0().network.setLink('a', 'b', { [Symbol('fifo')]: true } as never), field: 'link a->b[Symbol(fifo)]', expected: 'options are named by strings' },
  { name: 'a non-enumerable link-model field', act: () => withLink(Object.defineProperty({}, 'lossProbability', { value: 0.5, enumerable: false })), field: 'network.link.lossProbability', expected: 'an enumerable property' },

  // ------------------------------------------------------------ null is an error, never "absent"
  ...(['link', 'intraRegion', 'interRegion', 'regionLinks', 'defaultMessageSizeBytes'] as const).map((key) => ({
    name: `network.${key} null`,
    act: () => new Simulation({ seed: 1, network: { [key]: null } as never }),
    field: `network.${key}`,
    expected: 'got null',
  })),
  { name: 'a null network', act: () => new Simulation({ seed: 1, network: null as never }), field: 'network', expected: 'got null' },
  { name: 'a null regionLinks entry', act: () => new Simulation({ seed: 1, network: { regionLinks: [null] as never } }), field: 'network.regionLinks[0]', expected: 'got null' },
  { name: 'a null region pair', act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: null, link: {} }] as never } }), field: 'network.regionLinks[0].between', expected: 'got null' },
  { name: 'a null region', act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us', null], link: {} }] as never } }), field: 'network.regionLinks[0].between[1]', expected: 'got null' },
  { name: 'a null region link model', act: () => new Simulation({ seed: 1, network: { regionLinks: [{ between: ['us', 'eu'], link: null }] as never } }), field: 'network.regionLinks[0].link', expected: 'got null' },
  ...linkModelKeys.map((key) => ({ name: `network.link.${key} null`, act: () => withLink({ [key]: null }), field: `network.link.${key}`, expected: 'got null' })),
  ...linkModelKeys.map((key) => ({ name: `setLink ${key} null`, act: () => sim0().network.setLink('a', 'b', { [key]: null } as never), field: `link a->b.${key}`, expected: 'got null' })),
  { name: 'setDefaultLink null', act: () => sim0().network.setDefaultLink(null as never), field: 'link', expected: 'got null' },
  { name: 'a null distribution field', act: () => withLatency({ kind: 'uniform', minMs: 1, maxMs: 2, offsetMs: null }), field: 'network.link.latency.offsetMs', expected: 'got null' },

  // ------------------------------------------------------------ distributions
  { name: 'a latency that is a number', act: () => withLatency(5), field: 'network.link.latency', expected: 'an object' },
  { name: 'an unknown distribution kind', act: () => withLatency({ kind: 'gaussian', meanMs: 1 }), field: 'network.link.latency.kind', expected: distributionKinds.map((k) => `'${k}'`).join(', ') },
  { name: 'a distribution without a kind', act: () => withLatency({ ms: 1 }), field: 'network.link.latency.kind', expected: "one of 'constant'" },
  { name: 'a negative constant', act: () => withLatency({ kind: 'constant', ms: -1 }), field: 'network.link.latency.ms', expected: 'a finite number >= 0' },
  { name: 'a NaN constant', act: () => withLatency({ kind: 'constant', ms: Number.NaN }), field: 'network.link.latency.ms', expected: 'a finite number >= 0' },
  { name: 'a constant with an offset', act: () => withLatency({ kind: 'constant', ms: 1, offsetMs: 2 }), field: 'network.link.latency.offsetMs', expected: 'unknown option' },
  { name: 'uniform with max < min', act: () => withLatency({ kind: 'uniform', minMs: 5, maxMs: 1 }), field: 'network.link.latency.maxMs', expected: '>= minMs (5)' },
  { name: 'uniform with a negative min', act: () => withLatency({ kind: 'uniform', minMs: -1, maxMs: 1 }), field: 'network.link.latency.minMs', expected: 'a finite number >= 0' },
  { name: 'exponential with mean 0', act: () => withLatency({ kind: 'exponential', meanMs: 0 }), field: 'network.link.latency.meanMs', expected: 'a finite number > 0' },
  { name: 'normal with a negative stdDev', act: () => withLatency({ kind: 'normal', meanMs: 5, stdDevMs: -1 }), field: 'network.link.latency.stdDevMs', expected: 'a finite number >= 0' },
  { name: 'normal with an infinite mean', act: () => withLatency({ kind: 'normal', meanMs: Infinity, stdDevMs: 1 }), field: 'network.link.latency.meanMs', expected: 'a finite number' },
  { name: 'logNormal with median 0', act: () => withLatency({ kind: 'logNormal', medianMs: 0, sigma: 1 }), field: 'network.link.latency.medianMs', expected: 'a finite number > 0' },
  { name: 'pareto with shape 0', act: () => withLatency({ kind: 'pareto', scaleMs: 1, shape: 0 }), field: 'network.link.latency.shape', expected: 'a finite number > 0' },
  { name: 'a negative offsetMs', act: () => withLatency({ kind: 'exponential', meanMs: 1, offsetMs: -1 }), field: 'network.link.latency.offsetMs', expected: 'a finite number >= 0' },
  { name: 'a misspelt distribution field', act: () => withLatency({ kind: 'exponential', mean: 1 }), field: 'network.link.latency.mean', expected: 'unknown option' },
  { name: 'a bad reorderDelay', act: () => withLink({ reorderProbability: 0.1, reorderDelay: { kind: 'nope' } }), field: 'network.link.reorderDelay.kind', expected: "one of 'constant'" },

  // ------------------------------------------------------------ addNode
  { name: 'an empty node id', act: () => sim0().addNode('', () => ({})), field: 'id', expected: 'a non-empty string' },
  { name: 'a numeric node id', act: () => sim0().addNode(5 as never, () => ({})), field: 'id', expected: 'a non-empty string' },
  { name: 'a behaviour that is not a function', act: () => sim0().addNode('c', {} as never), field: "behaviour of node 'c'", expected: 'a function' },
  { name: 'a behaviour returning nothing', act: () => sim0().addNode('c', (() => undefined) as never), field: "behaviour of node 'c'", expected: 'a function returning an object of handlers' },
  { name: 'addNode options that are not an object', act: () => sim0().addNode('c', () => ({}), 'us' as never), field: "options of node 'c'", expected: 'an object' },
  { name: 'a misspelt addNode option', act: () => sim0().addNode('c', () => ({}), { regoin: 'us' } as never), field: "options of node 'c'.regoin", expected: 'unknown option' },
  { name: 'an empty region', act: () => sim0().addNode('c', () => ({}), { region: '' }), field: "options of node 'c'.region", expected: 'a non-empty string' },
  { name: 'mailboxLimit 0', act: () => sim0().addNode('c', () => ({}), { mailboxLimit: 0 }), field: "options of node 'c'.mailboxLimit", expected: 'an integer in [1,' },
  { name: 'a clock that is not an object', act: () => sim0().addNode('c', () => ({}), { clock: 3 as never }), field: "options of node 'c'.clock", expected: 'an object' },
  { name: 'a NaN clock offset', act: () => sim0().addNode('c', () => ({}), { clock: { offsetMs: Number.NaN } }), field: "options of node 'c'.clock.offsetMs", expected: 'a finite number' },
  { name: 'a clock drift of -1e6 ppm', act: () => sim0().addNode('c', () => ({}), { clock: { driftPpm: -1e6 } }), field: "options of node 'c'.clock.driftPpm", expected: '(-1000000, 1000000)' },
  { name: 'a misspelt clock field', act: () => sim0().addNode('c', () => ({}), { clock: { drift: 5 } as never }), field: "options of node 'c'.clock.drift", expected: 'unknown option' },

  // ------------------------------------------------------------ network methods
  { name: 'setLink with a bad probability', act: () => sim0().network.setLink('a', 'b', { lossProbability: 3 }), field: 'link a->b.lossProbability', expected: '[0, 1]' },
  { name: 'setLink with null', act: () => sim0().network.setLink('a', 'b', null as never), field: 'link a->b', expected: 'an object' },
  { name: 'setLink with an unknown distribution kind', act: () => sim0().network.setLink('a', 'b', { latency: { kind: 'weibull' } as never }), field: 'link a->b.latency.kind', expected: "one of 'constant'" },
  { name: 'setDefaultLink with a bad distribution', act: () => sim0().network.setDefaultLink({ latency: { kind: 'uniform', minMs: 0, maxMs: -1 } }), field: 'link.latency.maxMs', expected: 'a finite number >= 0' },

  // ------------------------------------------------------------ sim methods
  { name: 'jumpClock by NaN', act: () => sim0().jumpClock('a', Number.NaN), field: 'deltaMs', expected: 'a finite number' },
  { name: 'setClockDrift to NaN', act: () => sim0().setClockDrift('a', Number.NaN), field: 'driftPpm', expected: '(-1000000, 1000000)' },
  { name: 'schedule with a negative delay', act: () => sim0().schedule(-1, () => undefined), field: 'delayMs', expected: 'a finite number >= 0' },
  { name: 'schedule with a NaN delay', act: () => sim0().schedule(Number.NaN, () => undefined), field: 'delayMs', expected: 'a finite number >= 0' },
  { name: 'schedule without a callback', act: () => sim0().schedule(1, 'later' as never), field: 'callback', expected: 'a function' },

  // ------------------------------------------------------------ run options
  { name: 'run options that are not an object', act: () => sim0().run(5 as never), field: 'options', expected: 'an object' },
  { name: 'a NaN until', act: () => sim0().run({ until: Number.NaN }), field: 'until', expected: 'a finite number of ms' },
  { name: 'an infinite until', act: () => sim0().run({ until: Infinity }), field: 'until', expected: 'a finite number of ms' },
  { name: 'an until in the past', act: () => sim0().run({ until: -5 }), field: 'until', expected: 'a time >= now (0ms)' },
  { name: 'an until past maxTimeMs', act: () => new Simulation({ seed: 1, maxTimeMs: 100 }).run({ until: 101 }), field: 'until', expected: 'a time <= maxTimeMs (100ms)' },
  { name: 'run maxEvents 0', act: () => sim0().run({ maxEvents: 0 }), field: 'maxEvents', expected: 'an integer in [1,' },
  { name: 'a misspelt run option', act: () => sim0().run({ untill: 5 } as never), field: 'untill', expected: 'unknown option' },
  { name: 'runUntilQuiet with maxEvents -1', act: () => sim0().runUntilQuiet({ maxEvents: -1 }), field: 'maxEvents', expected: 'an integer in [1,' },
];

describe('bad input', () => {
  it.each(cases)('$name → InvalidArgumentError naming $field', ({ act, field, expected }) => {
    const error = thrownBy(act);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const invalid = error as InvalidArgumentError;
    expect(invalid.code).toBe('INVALID_ARGUMENT');
    expect(invalid.field).toBe(field);
    expect(invalid.message.startsWith(`${field} ${anyRange} `)).toBe(true);
    expect(invalid.message).toContain(expected);
    expect(invalid.message).toMatch(/; got /);
  });

  it('runAsync rejects bad run options the same way', async () => {
    const error = await sim0()
      .runAsync({ until: Number.NaN })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'until' });
  });

  it('a duplicate node id → DuplicateNodeError naming the id', () => {
    const sim = sim0();
    const error = thrownBy(() => sim.addNode('a', () => ({})));
    expect(error).toBeInstanceOf(DuplicateNodeError);
    expect(error).toMatchObject({ code: 'DUPLICATE_NODE', nodeId: 'a' });
    expect((error as Error).message).toContain("'a'");
  });

  it.each([
    ['setLink from', (sim: Simulation) => sim.network.setLink('x', 'a', {}), 'from'],
    ['setLink to', (sim: Simulation) => sim.network.setLink('a', 'x', {}), 'to'],
    ['block', (sim: Simulation) => sim.network.block('x', 'a'), 'from'],
    ['crash', (sim: Simulation) => sim.crash('x'), 'id'],
  ])('an unknown node in %s → UnknownNodeError naming the field and the known ids', (_name, act, field) => {
    const error = thrownBy(() => act(sim0()));
    expect(error).toBeInstanceOf(UnknownNodeError);
    expect(error).toMatchObject({ code: 'UNKNOWN_NODE', nodeId: 'x' });
    expect((error as Error).message).toMatch(new RegExp(`^${field}: unknown node 'x' \\(known: a, b\\)$`));
  });

  describe('an undefined link-model field is absent: it does not hide the layer beneath', () => {
    /** Nodes a and b in region us, c in eu; a sends one message to each of the others at start. */
    function regions(options: Partial<SimulationOptions>): Simulation {
      const sim = new Simulation({ seed: 1, ...options });
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.broadcast('hello') }), { region: 'us' });
      sim.addNode('b', () => ({}), { region: 'us' });
      sim.addNode('c', () => ({}), { region: 'eu' });
      return sim;
    }

    it('in a setLink override', () => {
      const sim = regions({ network: { link: { lossProbability: 1, fifo: true } } });
      sim.network.setLink('a', 'b', { lossProbability: undefined, fifo: undefined, latencyFactor: 2 });
      expect(sim.network.linkModel('a', 'b')).toMatchObject({ lossProbability: 1, fifo: true, latencyFactor: 2 });
      sim.run();
      expect(sim.network.linkStats('a', 'b').dropped.loss).toBe(1);
    });

    it('in region layers', () => {
      const sim = regions({
        network: {
          link: { lossProbability: 1 },
          intraRegion: { lossProbability: undefined },
          regionLinks: [{ between: ['us', 'eu'], link: { lossProbability: undefined, latencyFactor: 3 } }],
        },
      });
      expect(sim.network.linkModel('a', 'b').lossProbability).toBe(1);
      expect(sim.network.linkModel('a', 'c')).toMatchObject({ lossProbability: 1, latencyFactor: 3 });
      sim.run();
      expect(sim.network.stats().dropped.loss).toBe(2);
    });

    it('in a new default, which then leaves the built-in latency in place', () => {
      const sim = regions({});
      sim.network.setDefaultLink({ latency: undefined, lossProbability: 0.5 });
      expect(sim.network.linkModel('a', 'b')).toMatchObject({ latency: { kind: 'constant', ms: 1 }, lossProbability: 0.5 });
    });

    it('in a fault layer', () => {
      const sim = regions({ network: { link: { lossProbability: 1 } } });
      sim.degrade([['a', 'b']], { lossProbability: undefined, latencyFactor: 4 });
      expect(sim.network.linkModel('a', 'b')).toMatchObject({ lossProbability: 1, latencyFactor: 4 });
    });
  });

  describe('from node code', () => {
    /** Runs `use` inside a's onStart and returns what it threw. */
    function thrownInHandler(use: (ctx: NodeContext) => unknown): unknown {
      const sim = new Simulation({ seed: 1 });
      let caught: unknown = 'nothing was thrown';
      sim.addNode('a', (ctx) => ({
        onStart() {
          try {
            use(ctx);
          } catch (error) {
            caught = error;
          }
        },
      }));
      sim.addNode('b', () => ({}));
      sim.run();
      return caught;
    }

    it.each([
      ['send to an unknown node', (ctx: NodeContext) => ctx.send('nobody', 1), UnknownNodeError, "ctx.send on 'a': to"],
      ['send to a non-string', (ctx: NodeContext) => ctx.send(7 as never, 1), UnknownNodeError, "ctx.send on 'a': to"],
      ['setTimer with a negative delay', (ctx: NodeContext) => ctx.setTimer(-1, 't'), InvalidArgumentError, "ctx.setTimer on 'a': delayMs"],
      ['setTimer with a NaN delay', (ctx: NodeContext) => ctx.setTimer(Number.NaN, 't'), InvalidArgumentError, "ctx.setTimer on 'a': delayMs"],
      ['setTimer with an infinite delay', (ctx: NodeContext) => ctx.setTimer(Infinity, 't'), InvalidArgumentError, "ctx.setTimer on 'a': delayMs"],
      ['setTimer with a non-string name', (ctx: NodeContext) => ctx.setTimer(1, 42 as never), InvalidArgumentError, "ctx.setTimer on 'a': name"],
      ['persist without a recipe', (ctx: NodeContext) => ctx.persist('x' as never), InvalidArgumentError, "ctx.persist on 'a': recipe"],
    ] as const)('%s → a typed error naming the call', (_name, use, errorClass, fieldStart) => {
      const error = thrownInHandler(use);
      expect(error).toBeInstanceOf(errorClass);
      expect((error as Error).message.startsWith(fieldStart)).toBe(true);
    });

    it('an uncaught bad call in a handler surfaces from run() as HandlerError with the typed cause', () => {
      const sim = new Simulation({ seed: 1 });
      sim.addNode('a', (ctx) => ({ onStart: () => ctx.setTimer(-5, 't') }));
      const error = thrownBy(() => sim.run());
      expect(error).toBeInstanceOf(HandlerError);
      expect((error as HandlerError).cause).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toContain("ctx.setTimer on 'a': delayMs must be a finite number >= 0; got -5");
    });

    it.each([
      ['sleep with a negative delay', (ctx: NodeContext) => ctx.sleep(-1), "ctx.sleep on 'a': delayMs", '>= 0'],
      ['receive with timeoutMs 0', (ctx: NodeContext) => ctx.receive(undefined, { timeoutMs: 0 }), "ctx.receive on 'a': options.timeoutMs", '> 0'],
      ['receive with a non-function filter', (ctx: NodeContext) => ctx.receive('ack' as never), "ctx.receive on 'a': filter", 'a function'],
      ['receive with an unknown option', (ctx: NodeContext) => ctx.receive(undefined, { timeout: 5 } as never), "ctx.receive on 'a': options.timeout", 'unknown option'],
      ['call without options', (ctx: NodeContext) => ctx.call('b', 1, undefined as never), "ctx.call on 'a': options", 'an object'],
      ['call with a negative timeout', (ctx: NodeContext) => ctx.call('b', 1, { timeoutMs: -1 }), "ctx.call on 'a': options.timeoutMs", '> 0'],
      ['call to an unknown node', (ctx: NodeContext) => ctx.call('nobody', 1, { timeoutMs: 5 }), "ctx.call on 'a': to", 'unknown node'],
    ] as const)('async %s → a typed error naming the call', async (_name, use, field, expected) => {
      const sim = new Simulation({ seed: 1 });
      let caught: unknown = 'nothing was thrown';
      sim.addNode('a', (ctx) => ({
        async onStart() {
          try {
            await use(ctx);
          } catch (error) {
            caught = error;
          }
        },
      }));
      sim.addNode('b', () => ({}));
      await sim.runAsync();
      expect(caught).toBeInstanceOf(FaultlineError);
      expect((caught as Error).message.startsWith(field)).toBe(true);
      expect((caught as Error).message).toContain(expected);
    });
  });

  describe('generated garbage', () => {
    const anything = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    /** Values that once escaped validation: too deep to walk recursively, null, symbol keys. */
    const hostile = fc.oneof(
      fc.integer({ min: 90, max: 6_000 }).map(nestedArrays),
      fc.integer({ min: 90, max: 6_000 }).map(nestedObjects),
      fc.constant(null),
      anything.map((inner) => ({ inner, [Symbol('key')]: 1 })),
    );
    const garbage = fc.oneof({ weight: 6, arbitrary: anything }, { weight: 1, arbitrary: hostile });
    /** A record, sometimes with a symbol key added, which must then be refused. */
    const maybeSymbolKeyed = <T extends object,>(record: fc.Arbitrary<T>): fc.Arbitrary<T> =>
      fc.oneof({ weight: 9, arbitrary: record }, { weight: 1, arbitrary: record.map((value) => ({ ...value, [Symbol('extra')]: 0 })) });
    const number = fc.oneof(
      fc.double(),
      fc.integer({ min: -5, max: 200 }),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, Number.MIN_VALUE, 2 ** 53),
      garbage,
    );
    // Mostly well-shaped values, so that many generated configurations get past validation and
    // into a run, where overflowing draws and odd sizes are met; plus outright garbage.
    const field = fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: 0, max: 1e308, noNaN: true }) },
      { weight: 2, arbitrary: fc.constantFrom(1e300, Number.MIN_VALUE, 1e-300, 0, 1) },
      { weight: 1, arbitrary: number },
      { weight: 1, arbitrary: fc.constant(null) },
    );
    const probability = fc.oneof({ weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: number }, { weight: 1, arbitrary: fc.constant(null) });
    const shaped = fc.oneof(
      fc.record({ kind: fc.constant('constant'), ms: field }),
      fc.record({ kind: fc.constant('uniform'), minMs: field, maxMs: field, offsetMs: field }, { requiredKeys: ['kind', 'minMs', 'maxMs'] }),
      fc.record({ kind: fc.constant('exponential'), meanMs: field, offsetMs: field }, { requiredKeys: ['kind', 'meanMs'] }),
      fc.record({ kind: fc.constant('normal'), meanMs: field, stdDevMs: field, offsetMs: field }, { requiredKeys: ['kind', 'meanMs', 'stdDevMs'] }),
      fc.record({ kind: fc.constant('logNormal'), medianMs: field, sigma: field, offsetMs: field }, { requiredKeys: ['kind', 'medianMs', 'sigma'] }),
      fc.record({ kind: fc.constant('pareto'), scaleMs: field, shape: field, offsetMs: field }, { requiredKeys: ['kind', 'scaleMs', 'shape'] }),
    );
    const distribution = fc.oneof(
      { weight: 6, arbitrary: shaped },
      { weight: 1, arbitrary: garbage },
      {
        weight: 1,
        arbitrary: fc.record(
          {
            kind: fc.oneof(fc.constantFrom(...distributionKinds, 'gaussian', ''), garbage),
            ms: number,
            minMs: number,
            maxMs: number,
            meanMs: number,
            stdDevMs: number,
            medianMs: number,
            sigma: number,
            scaleMs: number,
            shape: number,
            offsetMs: number,
          },
          { requiredKeys: ['kind'] },
        ),
      },
    );
    const linkModel = fc.oneof(
      { weight: 1, arbitrary: garbage },
      {
        weight: 6,
        arbitrary: maybeSymbolKeyed(fc.record(
          {
            latency: distribution,
            lossProbability: probability,
            duplicateProbability: probability,
            reorderProbability: probability,
            reorderDelay: distribution,
            fifo: fc.oneof({ weight: 6, arbitrary: fc.boolean() }, { weight: 1, arbitrary: garbage }),
            bandwidthBytesPerMs: field,
            queueLimitBytes: field,
          },
          { requiredKeys: [] },
        )),
      },
    );
    const region = fc.oneof(fc.constantFrom('us', 'eu', ''), garbage);
    const network = fc.oneof(
      garbage,
      maybeSymbolKeyed(fc.record(
        {
          link: linkModel,
          intraRegion: linkModel,
          interRegion: linkModel,
          regionLinks: fc.oneof(garbage, fc.array(fc.record({ between: fc.oneof(fc.tuple(region, region), garbage), link: linkModel }), { maxLength: 3 })),
          defaultMessageSizeBytes: number,
        },
        { requiredKeys: [] },
      )),
    );
    /** Mostly `valid`, sometimes anything at all. */
    const mostly = <T,>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: garbage });
    const options = fc.oneof(
      { weight: 1, arbitrary: garbage },
      {
        weight: 4,
        arbitrary: maybeSymbolKeyed(fc.record(
          {
            seed: mostly(fc.oneof(fc.integer(), fc.string())),
            tieBreak: mostly(fc.constantFrom('fifo', 'random')),
            maxEvents: mostly(fc.integer({ min: 1, max: 1_000_000 })),
            maxTimeMs: mostly(fc.double({ min: 1, max: 1e15, noNaN: true })),
            maxPendingEvents: mostly(fc.integer({ min: 1, max: 100_000 })),
            trace: mostly(fc.oneof(fc.boolean(), fc.record({ limit: fc.integer({ min: 1, max: 1000 }) }))),
            logLimit: mostly(fc.integer({ min: 1, max: 1000 })),
            onLog: mostly(fc.constant(() => undefined)),
            network,
          },
          { requiredKeys: ['seed'] },
        )),
      },
    );

    /** True if `value` or a container in its first few levels has a symbol key, which no option may have. */
    function hasSymbolKey(value: unknown, levels = 6): boolean {
      if (typeof value !== 'object' || value === null || levels === 0) return false;
      if (Object.getOwnPropertySymbols(value).length > 0) return true;
      const children: unknown[] = Array.isArray(value) ? value : Object.getPrototypeOf(value) === Object.prototype ? Object.values(value) : [];
      return children.some((child) => hasSymbolKey(child, levels - 1));
    }

    /**
     * Builds and runs a small cluster: three nodes that each send a few messages (one a call)
     * and log. Whatever goes wrong must be a FaultlineError.
     */
    async function exercise(build: () => Simulation, place: (sim: Simulation, id: string) => void = (sim, id) => chatty(sim, id)): Promise<'ran' | 'rejected'> {
      try {
        const sim = build();
        for (const id of ['a', 'b', 'c']) place(sim, id);
        sim.run({ until: 200, maxEvents: 20_000 });
        const asyncSim = build();
        for (const id of ['a', 'b', 'c']) caller(asyncSim, id);
        await asyncSim.runAsync({ until: 200, maxEvents: 20_000 });
        return 'ran';
      } catch (error) {
        if (!(error instanceof FaultlineError)) throw error;
        return 'rejected';
      }
    }

    /**
     * Tallies outcomes so a test can check that the generator reaches real runs, not only
     * validation; a configuration with a symbol key anywhere must be rejected, not run.
     */
    function tally(): { count: (outcome: 'ran' | 'rejected', input: unknown) => void; ran: () => number; symbolKeyed: () => number } {
      let ran = 0;
      let symbolKeyed = 0;
      return {
        count(outcome, input) {
          if (outcome === 'ran') ran++;
          if (!hasSymbolKey(input)) return;
          symbolKeyed++;
          expect(outcome).toBe('rejected');
        },
        ran: () => ran,
        symbolKeyed: () => symbolKeyed,
      };
    }

    function chatty(sim: Simulation, id: string, options?: object): void {
      sim.addNode(
        id,
        (ctx) => {
          let sent = 0;
          return {
            onStart: () => ctx.setTimer(1, 'send'),
            onTimer() {
              ctx.broadcast({ n: sent, sizeBytes: 10 * sent });
              if (++sent < 5) ctx.setTimer(3, 'send');
            },
            onMessage: (from) => ctx.log(`from ${from}`),
          };
        },
        options as never,
      );
    }

    function caller(sim: Simulation, id: string): void {
      sim.addNode(id, (ctx) => ({
        async onStart() {
          for (const peer of ctx.peers) {
            try {
              await ctx.call(peer, 'ping', { timeoutMs: 20 });
            } catch (error) {
              if (!(error instanceof FaultlineError)) throw error;
            }
          }
        },
        onCall: (from) => `pong ${from}`,
      }));
    }

    const property = { seed: 20_261_127, numRuns: 250 };

    it('garbage Simulation options give a FaultlineError or a working simulation', async () => {
      const outcomes = tally();
      await fc.assert(
        fc.asyncProperty(options, async (opts) => outcomes.count(await exercise(() => new Simulation(opts as SimulationOptions)), opts)),
        property,
      );
      expect(outcomes.ran()).toBeGreaterThan(property.numRuns / 50);
      expect(outcomes.symbolKeyed()).toBeGreaterThan(0);
    });

    it('garbage network configs give a FaultlineError or a working network', async () => {
      const outcomes = tally();
      await fc.assert(
        fc.asyncProperty(network, async (net) => outcomes.count(await exercise(() => new Simulation({ seed: 1, network: net as never })), net)),
        property,
      );
      expect(outcomes.ran()).toBeGreaterThan(property.numRuns / 20);
      expect(outcomes.symbolKeyed()).toBeGreaterThan(0);
    });

    it('garbage link models and distributions in setLink and setDefaultLink never escape as a bare error', async () => {
      const outcomes = tally();
      await fc.assert(
        fc.asyncProperty(linkModel, linkModel, async (override, fallback) => {
          const outcome = await exercise(
            () => new Simulation({ seed: 2 }),
            (sim, id) => {
              chatty(sim, id);
              if (id === 'b') {
                sim.network.setLink('a', 'b', override as LinkModel);
                sim.network.setDefaultLink(fallback as LinkModel);
              }
            },
          );
          outcomes.count(outcome, [override, fallback]);
        }),
        property,
      );
      expect(outcomes.ran()).toBeGreaterThan(0);
      expect(outcomes.symbolKeyed()).toBeGreaterThan(0);
    });

    /** Counts both outcomes, so a test fails if validation refuses everything (or nothing). */
    function outcomeCounts(): { accepted: number; rejected: number; record: (act: () => void) => void } {
      const counts = {
        accepted: 0,
        rejected: 0,
        record(act: () => void): void {
          try {
            act();
            counts.accepted++;
          } catch (error) {
            if (!(error instanceof FaultlineError)) throw error;
            counts.rejected++;
          }
        },
      };
      return counts;
    }

    it('garbage addNode ids, behaviours and options give a FaultlineError or a node', () => {
      const behaviour = fc.oneof({ weight: 2, arbitrary: fc.constant(() => ({})) }, { weight: 1, arbitrary: garbage }, { weight: 1, arbitrary: fc.func(garbage) });
      const clock = fc.record({ offsetMs: fc.integer({ min: -1_000, max: 1_000 }), driftPpm: fc.integer({ min: -1_000, max: 1_000 }) }, { requiredKeys: [] });
      // durable may be hostile too: 2,000 levels overflowed immer's freeze before addNode checked depth.
      const nodeOptions = fc.oneof(
        { weight: 1, arbitrary: garbage },
        {
          weight: 3,
          arbitrary: maybeSymbolKeyed(fc.record({ durable: fc.oneof({ weight: 4, arbitrary: anything }, { weight: 1, arbitrary: hostile }), clock: mostly(clock), region: mostly(region), mailboxLimit: mostly(fc.integer({ min: 1, max: 100 })) }, { requiredKeys: [] })),
        },
      );
      const outcomes = outcomeCounts();
      fc.assert(
        fc.property(mostly(fc.string()), behaviour, nodeOptions, (id, behave, opts) => {
          const sim = new Simulation({ seed: 3 });
          outcomes.record(() => sim.addNode(id as string, behave as never, opts as never));
          try {
            sim.addNode('peer', (ctx) => ({ onStart: () => ctx.broadcast('hi') }));
            sim.run({ until: 100, maxEvents: 10_000 });
          } catch (error) {
            if (!(error instanceof FaultlineError)) throw error;
          }
        }),
        property,
      );
      expect(outcomes.accepted).toBeGreaterThan(property.numRuns / 10);
      expect(outcomes.rejected).toBeGreaterThan(property.numRuns / 10);
    });

    it('garbage run options and node-call arguments give a FaultlineError or a run', () => {
      const runOptions = fc.oneof(
        { weight: 1, arbitrary: fc.constant(undefined) },
        { weight: 3, arbitrary: maybeSymbolKeyed(fc.record({ until: mostly(fc.integer({ min: 0, max: 500 })), maxEvents: mostly(fc.integer({ min: 1, max: 10_000 })) }, { requiredKeys: [] })) },
        { weight: 1, arbitrary: garbage },
      );
      const outcomes = outcomeCounts();
      fc.assert(
        fc.property(runOptions, mostly(fc.integer({ min: 0, max: 100 })), mostly(fc.string({ minLength: 1, maxLength: 5 })), mostly(fc.constantFrom('a', 'b')), (options, delay, name, target) => {
          const sim = new Simulation({ seed: 4 });
          sim.addNode('a', (ctx) => ({
            onStart() {
              ctx.setTimer(delay as number, name as string, options);
              ctx.send(target as string, name);
            },
          }));
          sim.addNode('b', () => ({}));
          outcomes.record(() => sim.run(options as never));
        }),
        property,
      );
      expect(outcomes.accepted).toBeGreaterThan(property.numRuns / 10);
      expect(outcomes.rejected).toBeGreaterThan(property.numRuns / 10);
    });
  });
});
