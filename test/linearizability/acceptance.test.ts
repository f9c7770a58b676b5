import { describe, expect, it } from 'vitest';
import { ACCEPTANCE_DATA_PRESENT, ACCEPTANCE_ROOT, checkAcceptanceCase, readManifest } from './acceptance-data.js';

// 125 histories no one here wrote (Jepsen etcd logs and key-value logs from Porcupine's test
// suite, and Knossos's test histories), each with its upstream verdict. They are read in place
// from ../shared/testdata; without that folder the suite is skipped, and says so.

if (!ACCEPTANCE_DATA_PRESENT) console.warn(`linearizability acceptance histories not found at ${ACCEPTANCE_ROOT}: skipping the 125 upstream verdicts`);

describe.skipIf(!ACCEPTANCE_DATA_PRESENT)('linearizability acceptance: upstream verdicts', () => {
  const cases = ACCEPTANCE_DATA_PRESENT ? readManifest() : [];

  it('the manifest lists all 125 histories, 36 linearizable and 89 not', () => {
    expect(cases).toHaveLength(125);
    expect(cases.filter((entry) => entry.expectedLinearizable)).toHaveLength(36);
  });

  for (const entry of cases) {
    const expected = entry.expectedLinearizable ? 'linearizable' : 'not-linearizable';
    it(`${entry.file} is ${expected}`, () => {
      const { result, operations } = checkAcceptanceCase(entry);
      expect(operations).toBe(entry.operations);
      expect(result.verdict).toBe(expected);
    });
  }

  it('kv/c50-bad.txt is refuted on key "3" even though keys 0, 5, 7 and 9 exhaust a sequential search', () => {
    const entry = cases.find((candidate) => candidate.file === 'kv/c50-bad.txt');
    if (entry === undefined) throw new Error('kv/c50-bad.txt is missing from the manifest');
    const { result } = checkAcceptanceCase(entry);
    expect(result.verdict).toBe('not-linearizable');
    if (result.verdict !== 'not-linearizable') return;
    expect(result.key).toBe('3');
    expect(result.partitions).toBe(10);
    expect(result.steps).toBe(111_037);
  });
});
