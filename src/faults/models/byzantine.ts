import { InvalidArgumentError } from '../../errors.js';
import type { Rng } from '../../kernel/rng.js';
import { requireOneOf, requirePositiveInteger, requireProbability } from '../../validate.js';
import type { Adversary, BoundAdversary } from '../../world/adversary.js';
import type { Fault } from '../fault.js';
import type { FailureModel, FaultWorld } from '../failure-model.js';
import { fieldFlipper, isEquivocation } from './equivocation.js';
import { nodeList, paramsOf, targetOf } from './params.js';

const BEHAVIOURS = ['corrupt', 'drop', 'duplicate', 'replay', 'forge', 'equivocate', 'custom'] as const;
type Behaviour = (typeof BEHAVIOURS)[number];
const REPLAY_MEMORY = 32;
const GARBAGE: readonly unknown[] = [null, -1, 0, 2_147_483_647, 'corrupted', true, {}];

/**
 * `byzantine`: the target's outgoing messages pass through an adversary for the fault's duration.
 * `params.behaviour` picks it:
 * - `corrupt` (`probability`): one field of the message (or the value itself) is replaced by garbage;
 * - `drop` (`probability`, optional `to` list): selective silence;
 * - `duplicate` (`copies`, default 2);
 * - `replay` (`probability`): also sends one of its last 32 messages to that peer again;
 * - `forge` (`as`): messages claim to come from another node;
 * - `equivocate`: each peer is told something different, in one of three forms:
 *   - `field` and `values`: peer i (by node order, the liar included) gets `values[i % length]` as `field`;
 *   - `field` alone: peer k (its rank among the liar's peers) gets variant k of the message's own
 *     `field` value: k = 0 the value itself, then for a number value + k (value / (k + 1) from
 *     2^52 up; k for NaN and ±Infinity), for a string `${value}#k`, for a boolean the value and
 *     its negation in turn (only two exist). Messages that are not objects or lack such a field
 *     pass unchanged. No random draws;
 *   - `derive` (optional `options`): the name of a function wrapped with `equivocation` and
 *     registered with `sim.registerAdversary`, called as `(message, peer, k, context)` for each
 *     peer; what it returns is delivered. The fault holds only the name, so it prints and replays
 *     as data, and a replay must register the same function under the same name first;
 * - `custom` (`adversary`, optional `options`): a function registered with
 *   `sim.registerAdversary(name, fn)`, called as `fn(message, to, rng, { node, params, peerIndex, rng })`.
 *
 * `options` is free-form plain data for the named function (it reads `context.params.options`).
 * Every random draw comes from the node's stream `fault:byzantine:<node>`.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 5_000, target: 'n3',
 *   params: { behaviour: 'equivocate', field: 'vote', values: ['yes', 'no'] } }]);
 * // Each peer gets a different ballot: 7, 8, 9, … when n3 sends ballot 7.
 * sim.inject([{ kind: 'byzantine', atMs: 6_000, durationMs: 5_000, target: 'n3',
 *   params: { behaviour: 'equivocate', field: 'ballot' } }]);
 * // A function of the message and the peer:
 * sim.registerAdversary('claim-leader', equivocation((message, peer, index, { node }) => ({ ...(message as object), leader: index === 0 ? node : peer })));
 * sim.inject([{ kind: 'byzantine', atMs: 12_000, target: 'n3', params: { behaviour: 'equivocate', derive: 'claim-leader' } }]);
 * ```
 */
export const byzantineModel: FailureModel = {
  kind: 'byzantine',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const params = paramsOf(fault, field, PARAM_KEYS);
    requireOneOf(params['behaviour'], `${field}.params.behaviour`, BEHAVIOURS);
    if (params['probability'] !== undefined) requireProbability(params['probability'], `${field}.params.probability`);
    if (params['to'] !== undefined) nodeList(params['to'], world, `${field}.params.to`);
    if (params['copies'] !== undefined) requirePositiveInteger(params['copies'], `${field}.params.copies`, 100);
    validateBehaviourParams(params['behaviour'], params, world, field);
  },
  apply(fault, world) {
    world.setAdversary(fault.target!, bound(buildAdversary(fault, world), fault, world));
  },
  revert(fault, world) {
    world.setAdversary(fault.target!, undefined);
  },
  conflictKeys: (fault) => [`byzantine:${fault.target}`],
};

const PARAM_KEYS = ['behaviour', 'probability', 'to', 'copies', 'as', 'field', 'values', 'derive', 'adversary', 'options'];

/**
 * The params each behaviour reads, so a key it would ignore (a `probability` on `forge`, say) is
 * an error rather than a setting that silently does nothing. A custom adversary is handed every
 * param, so it may read any of them.
 */
const KEYS_OF: Record<Behaviour, readonly string[]> = {
  corrupt: ['behaviour', 'probability'],
  drop: ['behaviour', 'probability', 'to'],
  duplicate: ['behaviour', 'copies'],
  replay: ['behaviour', 'probability'],
  forge: ['behaviour', 'as'],
  equivocate: ['behaviour', 'field', 'values', 'derive', 'options'],
  custom: PARAM_KEYS,
};

function validateBehaviourParams(behaviour: Behaviour, params: Record<string, unknown>, world: FaultWorld, field: string): void {
  const ignored = Object.keys(params).find((key) => params[key] !== undefined && !KEYS_OF[behaviour].includes(key));
  if (ignored !== undefined) {
    throw new InvalidArgumentError(`${field}.params.${ignored}`, params[ignored], `absent: behaviour '${behaviour}' reads only ${KEYS_OF[behaviour].join(', ')}`);
  }
  if (behaviour === 'forge') world.requireNode(params['as'], `${field}.params.as`);
  if (behaviour === 'equivocate') validateEquivocation(params, world, field);
  if (behaviour === 'custom') world.adversaryNamed(params['adversary'] as string, `${field}.params.adversary`);
  const takesOptions = behaviour === 'custom' || (behaviour === 'equivocate' && params['derive'] !== undefined);
  if (params['options'] !== undefined && !takesOptions) {
    throw new InvalidArgumentError(`${field}.params.options`, params['options'], "absent: only a 'custom' adversary or an 'equivocate' derive function reads options");
  }
}

/** One of the three forms: `field` with `values`, `field` alone, or `derive` alone. */
function validateEquivocation(params: Record<string, unknown>, world: FaultWorld, field: string): void {
  if (params['derive'] !== undefined) {
    for (const key of ['field', 'values'] as const) {
      if (params[key] !== undefined) throw new InvalidArgumentError(`${field}.params.${key}`, params[key], "absent when 'derive' is given (the function decides what each peer gets)");
    }
    const derive = world.adversaryNamed(params['derive'] as string, `${field}.params.derive`);
    if (!isEquivocation(derive)) {
      throw new InvalidArgumentError(`${field}.params.derive`, params['derive'], 'the name of a function wrapped with equivocation(...) before sim.registerAdversary (for a plain adversary use behaviour custom)');
    }
    return;
  }
  const name = params['field'];
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(`${field}.params.field`, name, "a non-empty field name (or 'derive' instead)");
  const values = params['values'];
  if (values !== undefined && (!Array.isArray(values) || values.length < 2)) {
    throw new InvalidArgumentError(`${field}.params.values`, values, 'an array of at least two values, or absent to derive them from the message');
  }
}

function buildAdversary(fault: Fault, world: FaultWorld): Adversary {
  const params = fault.params!;
  const probability = (params['probability'] as number | undefined) ?? 1;
  switch (params['behaviour'] as Behaviour) {
    case 'corrupt':
      return (message, to, rng) => [{ to, message: rng.random() < probability ? corrupted(message, rng) : message }];
    case 'drop': {
      const only = params['to'] as string[] | undefined;
      return (message, to, rng) => ((only === undefined || only.includes(to)) && rng.random() < probability ? [] : [{ to, message }]);
    }
    case 'duplicate': {
      const copies = (params['copies'] as number | undefined) ?? 2;
      return (message, to) => Array.from({ length: copies }, () => ({ to, message }));
    }
    case 'replay':
      return replayer(probability);
    case 'forge': {
      const as = params['as'] as string;
      return (message, to) => [{ to, message, from: as }];
    }
    case 'equivocate':
      return equivocator(params, world);
    case 'custom':
      return world.adversaryNamed(params['adversary'] as string, 'params.adversary');
  }
}

/**
 * The adversary as the target's sending side calls it, told for whom and under which params it
 * acts. The peers are looked up per message, so a node added after the fault began is a peer too.
 */
function bound(adversary: Adversary, fault: Fault, world: FaultWorld): BoundAdversary {
  const node = fault.target!;
  const params = fault.params!;
  return (message, to, rng) => adversary(message, to, rng, { node, params, peerIndex: peerIndexOf(world.nodeIds(), node, to), rng });
}

/** `to`'s rank among `node`'s peers in node order; -1 for `node` itself. */
function peerIndexOf(ids: readonly string[], node: string, to: string): number {
  if (to === node) return -1;
  const at = ids.indexOf(to);
  return at > ids.indexOf(node) ? at - 1 : at;
}

function replayer(probability: number): Adversary {
  const memory: Array<{ to: string; message: unknown }> = [];
  return (message, to, rng) => {
    const sent = [{ to, message }];
    const earlier = memory.filter((entry) => entry.to === to);
    if (earlier.length > 0 && rng.random() < probability) sent.push({ to, message: rng.pick(earlier).message });
    memory.push({ to, message });
    if (memory.length > REPLAY_MEMORY) memory.shift();
    return sent;
  };
}

function equivocator(params: Readonly<Record<string, unknown>>, world: FaultWorld): Adversary {
  if (params['derive'] !== undefined) return world.adversaryNamed(params['derive'] as string, 'params.derive');
  const field = params['field'] as string;
  const values = params['values'] as unknown[] | undefined;
  return values === undefined ? fieldFlipper(field) : listedValues(field, values, world);
}

function listedValues(field: string, values: readonly unknown[], world: FaultWorld): Adversary {
  return (message, to) => {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return [{ to, message }];
    // Looked up per message, so a node added after the fault started gets a value too.
    const value = values[Math.max(0, world.nodeIds().indexOf(to)) % values.length];
    return [{ to, message: { ...(message as Record<string, unknown>), [field]: value } }];
  };
}

function corrupted(message: unknown, rng: Rng): unknown {
  if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
    const keys = Object.keys(message).sort();
    if (keys.length === 0) return rng.pick(GARBAGE);
    return { ...(message as Record<string, unknown>), [rng.pick(keys)]: rng.pick(GARBAGE) };
  }
  if (Array.isArray(message) && message.length > 0) {
    const copy = [...message];
    copy[rng.int(0, copy.length - 1)] = rng.pick(GARBAGE);
    return copy;
  }
  return rng.pick(GARBAGE);
}
