import { InvalidArgumentError } from '../../errors.js';
import type { Rng } from '../../kernel/rng.js';
import { requireOneOf, requirePositiveInteger, requireProbability, requireString } from '../../validate.js';
import type { Adversary } from '../../world/adversary.js';
import type { Fault } from '../fault.js';
import type { FailureModel, FaultWorld } from '../failure-model.js';
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
 * - `equivocate` (`field`, `values`): each peer gets the message with a different `field` value;
 * - `custom` (`adversary`): a function registered with `sim.registerAdversary(name, fn)`.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'byzantine', atMs: 0, durationMs: 5_000, target: 'n3',
 *   params: { behaviour: 'equivocate', field: 'vote', values: ['yes', 'no'] } }]);
 * ```
 */
export const byzantineModel: FailureModel = {
  kind: 'byzantine',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const params = paramsOf(fault, field, ['behaviour', 'probability', 'to', 'copies', 'as', 'field', 'values', 'adversary']);
    requireOneOf(params['behaviour'], `${field}.params.behaviour`, BEHAVIOURS);
    if (params['probability'] !== undefined) requireProbability(params['probability'], `${field}.params.probability`);
    if (params['to'] !== undefined) nodeList(params['to'], world, `${field}.params.to`);
    if (params['copies'] !== undefined) requirePositiveInteger(params['copies'], `${field}.params.copies`, 100);
    validateBehaviourParams(params['behaviour'], params, world, field);
  },
  apply(fault, world) {
    world.setAdversary(fault.target!, buildAdversary(fault, world));
  },
  revert(fault, world) {
    world.setAdversary(fault.target!, undefined);
  },
  conflictKeys: (fault) => [`byzantine:${fault.target}`],
};

function validateBehaviourParams(behaviour: Behaviour, params: Record<string, unknown>, world: FaultWorld, field: string): void {
  if (behaviour === 'forge') world.requireNode(params['as'], `${field}.params.as`);
  if (behaviour === 'equivocate') {
    requireString(params['field'], `${field}.params.field`);
    const values = params['values'];
    if (!Array.isArray(values) || values.length < 2) throw new InvalidArgumentError(`${field}.params.values`, values, 'an array of at least two values');
  }
  if (behaviour === 'custom') world.adversaryNamed(params['adversary'] as string, `${field}.params.adversary`);
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
      return equivocator(params['field'] as string, params['values'] as unknown[], world);
    case 'custom':
      return world.adversaryNamed(params['adversary'] as string, 'params.adversary');
  }
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

function equivocator(field: string, values: unknown[], world: FaultWorld): Adversary {
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
