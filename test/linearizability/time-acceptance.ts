// Times the checker on all 125 acceptance histories, one after another, in one process:
//   npx tsx test/linearizability/time-acceptance.ts
// Prints each slow case, every mismatch, and the total wall time of parsing plus checking.
import { ACCEPTANCE_DATA_PRESENT, ACCEPTANCE_ROOT, checkAcceptanceCase, readManifest } from './acceptance-data.js';

if (!ACCEPTANCE_DATA_PRESENT) {
  console.warn(`acceptance histories not found at ${ACCEPTANCE_ROOT}; nothing to time`);
} else {
  const cases = readManifest();
  let mismatches = 0;
  const startedMs = performance.now();
  for (const entry of cases) {
    const caseStartedMs = performance.now();
    const { result } = checkAcceptanceCase(entry);
    const elapsedMs = performance.now() - caseStartedMs;
    const decided = result.verdict === 'unknown' ? undefined : result.verdict === 'linearizable';
    if (decided !== entry.expectedLinearizable) mismatches++;
    if (decided !== entry.expectedLinearizable || elapsedMs > 100) {
      const key = result.verdict === 'not-linearizable' && result.key !== undefined ? ` key ${JSON.stringify(result.key)}` : '';
      console.log(`${entry.file}: ${result.verdict}${key} in ${result.steps} steps, ${elapsedMs.toFixed(0)} ms${decided === entry.expectedLinearizable ? '' : '  <-- MISMATCH'}`);
    }
  }
  const totalMs = performance.now() - startedMs;
  console.log(`${cases.length} histories, ${mismatches} mismatches, ${totalMs.toFixed(0)} ms in total (Node ${process.version})`);
}
