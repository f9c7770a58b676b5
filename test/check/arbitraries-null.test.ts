// `null` is never "absent" for the arbitraries' options: each names the option.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultSchedule, workload } from '../../src/check/index.js';
import { expectInvalidArgument } from '../kernel/expect-error.js';


const scheduleBase = { nodes: ['a', 'b', 'c'], horizonMs: 1_000 };
const workloadBase = { clients: ['a'], operation: fc.constant('read'), horizonMs: 1_000 };

describe('null options of the arbitraries', () => {
  it.each(['clients', 'kinds', 'maxFaults', 'startMs', 'minDurationMs', 'maxDurationMs', 'minFaults', 'latestStartMs', 'weights', 'targets', 'durations', 'swarm', 'models', 'byzantine'])('faultSchedule({ %s: null }) names it', (key) => {
    expectInvalidArgument(() => faultSchedule({ ...scheduleBase, [key]: null } as never), key);
  });

  it.each(['maxOperations', 'minOperations', 'startMs'])('workload({ %s: null }) names it', (key) => {
    expectInvalidArgument(() => workload({ ...workloadBase, [key]: null } as never), key);
  });

  it('undefined takes the defaults', () => {
    expect(() => faultSchedule({ ...scheduleBase, kinds: undefined, maxFaults: undefined })).not.toThrow();
    expect(() => workload({ ...workloadBase, maxOperations: undefined })).not.toThrow();
  });
});
