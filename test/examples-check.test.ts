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
  });
});
