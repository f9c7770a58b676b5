// `null` is never "absent" for the arbitraries' options: each names the option.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { faultSchedule, workload } from '../../src/check/index.js';

function fieldOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  throw new Error('expected an InvalidArgumentError');
}

const scheduleBase = { nodes: ['a', 'b', 'c'], horizonMs: 1_000 };
const workloadBase = { clients: ['a'], operation: fc.constant('read'), horizonMs: 1_000 };

describe('null options of the arbitraries', () => {
  it.each(['clients', 'kinds', 'maxFaults', 'startMs', 'minDurationMs', 'maxDurationMs'])('faultSchedule({ %s: null }) names it', (key) => {
    expect(fieldOf(() => faultSchedule({ ...scheduleBase, [key]: null } as never))).toBe(key);
  });

  it.each(['maxOperations', 'minOperations', 'startMs'])('workload({ %s: null }) names it', (key) => {
    expect(fieldOf(() => workload({ ...workloadBase, [key]: null } as never))).toBe(key);
  });

  it('undefined takes the defaults', () => {
    expect(() => faultSchedule({ ...scheduleBase, kinds: undefined, maxFaults: undefined })).not.toThrow();
    expect(() => workload({ ...workloadBase, maxOperations: undefined })).not.toThrow();
  });
});
