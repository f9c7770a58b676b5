import { describe, expect, it } from 'vitest';
import { ViolationFound } from '../../src/check/check-cluster.js';

describe('ViolationFound', () => {
  it('carries its violation and message but no stack frames, and leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit;
    const found = new ViolationFound({ property: 'one leader', kind: 'safety', timeMs: 12, event: 40 });
    expect(found).toBeInstanceOf(Error);
    expect(found).toBeInstanceOf(ViolationFound);
    expect(found.name).toBe('ViolationFound');
    expect(found.violation.property).toBe('one leader');
    expect(found.message).toBe("property 'one leader' failed after event 40 (report not built during the search)");
    expect(found.stack ?? '').not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('other').stack).toMatch(/\n\s+at /);
  });
});
