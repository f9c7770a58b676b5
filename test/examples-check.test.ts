import { describe, expect, it } from 'vitest';
import { hashIn, runExample } from './example-runner.js';

describe('property-testing example', () => {
  it('finds the stale read, shrinks it to one fault, replays it, and shows the fix passing; twice the same', async () => {
    const [first, second] = await Promise.all([runExample('examples/property-testing/index.ts'), runExample('examples/property-testing/index.ts')]);
    expect(hashIn(second)).toBe(hashIn(first));
    expect(second).toBe(first);
    expect(first).toMatch(/property failed: fast-check seed 2026, path "[\d:]+", after \d+ runs and \d+ shrinks/);
    expect(first).toContain("invariant 'linearizable' violated");
    expect(first).toMatch(/faults \(1\):\n {5}t=\d+ ms (crash|partition)/);
    expect(first).toMatch(/replay:\n {5}checkCluster\(scenario, \{"seed":\d+,"faults":\[/);
    expect(first).toMatch(/it fails again with 'linearizable'/);
    expect(first).toMatch(/300 cases passed; faults applied in \d+, operations completed in \d+, linearizability decided in 300/);
    // The run is deterministic: its figures (and the README's "one fault and two operations") are exact.
    expect(first).toContain('after 115 runs and 173 shrinks');
    expect(first).toContain('2. The replay line reruns exactly that case: 1 fault(s), 2 operation(s).');
    expect(first).toContain('300 cases passed; faults applied in 300, operations completed in 290, linearizability decided in 300');
    expect(hashIn(first)).toBe('c57f433003508c41');
  });
});
