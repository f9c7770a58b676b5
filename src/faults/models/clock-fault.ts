import { InvalidArgumentError } from '../../errors.js';
import { requireFinite } from '../../validate.js';
import type { FailureModel } from '../failure-model.js';
import { paramsOf, targetOf } from './params.js';

/**
 * `clock-skew`: the target's clock steps by `deltaMs` (negative: backwards); with a duration it
 * steps back at the end (an NTP correction). Timers already set are not moved.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'clock-skew', atMs: 1_000, durationMs: 5_000, target: 'n1', params: { deltaMs: 2_000 } }]);
 * ```
 */
export const clockSkewModel: FailureModel = {
  kind: 'clock-skew',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    requireFinite(paramsOf(fault, field, ['deltaMs'])['deltaMs'], `${field}.params.deltaMs`);
  },
  apply(fault, world) {
    world.jumpClock(fault.target!, fault.params!['deltaMs'] as number);
  },
  revert(fault, world) {
    world.jumpClock(fault.target!, -(fault.params!['deltaMs'] as number));
  },
};

/**
 * `clock-drift`: the target's clock runs at `driftPpm` from now on; with a duration, its previous
 * drift returns at the end. The reading never jumps.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'clock-drift', atMs: 0, target: 'n2', params: { driftPpm: 5_000 } }]);
 * ```
 */
export const clockDriftModel: FailureModel = {
  kind: 'clock-drift',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    const driftPpm = paramsOf(fault, field, ['driftPpm'])['driftPpm'];
    requireFinite(driftPpm, `${field}.params.driftPpm`);
    if (driftPpm <= -1e6 || driftPpm >= 1e6) throw new InvalidArgumentError(`${field}.params.driftPpm`, driftPpm, 'a number of ppm in (-1000000, 1000000)');
  },
  apply(fault, world) {
    const previous = world.clockDrift(fault.target!);
    world.setClockDrift(fault.target!, fault.params!['driftPpm'] as number);
    return previous;
  },
  revert(fault, world, _id, previous) {
    world.setClockDrift(fault.target!, previous as number);
  },
  conflictKeys: (fault) => [`clock-drift:${fault.target}`],
};

/**
 * `clock-jump`: a one-off step of the target's clock (typically backwards: a VM restored from a
 * snapshot, a bad NTP server); permanent, so it takes no duration.
 *
 * @example
 * ```ts
 * sim.inject([{ kind: 'clock-jump', atMs: 3_000, target: 'n4', params: { deltaMs: -10_000 } }]);
 * ```
 */
export const clockJumpModel: FailureModel = {
  kind: 'clock-jump',
  validate(fault, world, field) {
    targetOf(fault, world, field);
    requireFinite(paramsOf(fault, field, ['deltaMs'])['deltaMs'], `${field}.params.deltaMs`);
  },
  apply(fault, world) {
    world.jumpClock(fault.target!, fault.params!['deltaMs'] as number);
  },
};
