import { InvalidArgumentError } from '../../errors.js';
import { requireProbability } from '../../validate.js';
import type { FailureModel } from '../failure-model.js';
import { paramsOf, targetOf } from './params.js';

/**
 * `omission`: the target silently fails to send (`sendProbability`) and/or to receive
 * (`receiveProbability`) each message. Drops are counted as `send-omission` / `receive-omission`.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'omission', atMs: 0, durationMs: 5_000, target: 'n4', params: { sendProbability: 0.3 } }]);
 * ```
 */
export const omissionModel: FailureModel = {
  kind: 'omission',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const params = paramsOf(fault, field, ['sendProbability', 'receiveProbability']);
    if (params['sendProbability'] === undefined && params['receiveProbability'] === undefined) {
      throw new InvalidArgumentError(`${field}.params`, params, 'at least one of sendProbability, receiveProbability');
    }
    if (params['sendProbability'] !== undefined) requireProbability(params['sendProbability'], `${field}.params.sendProbability`);
    if (params['receiveProbability'] !== undefined) requireProbability(params['receiveProbability'], `${field}.params.receiveProbability`);
  },
  apply(fault, world) {
    const params = fault.params ?? {};
    world.setOmission(fault.target!, (params['sendProbability'] as number | undefined) ?? 0, (params['receiveProbability'] as number | undefined) ?? 0);
  },
  revert(fault, world) {
    world.setOmission(fault.target!, 0, 0);
  },
  conflictKeys: (fault) => [`omission:${fault.target}`],
};
