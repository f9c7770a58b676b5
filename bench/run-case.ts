/**
 * Measures one comparison set of the suite (the cases sharing a group and parameters; see
 * comparisonKey in measure.ts) in this process and prints the results as one JSON array.
 * run.ts starts one of these per set, so each gets a fresh JIT and heap.
 *
 *   tsx bench/run-case.ts '<comparison key>' [time ms]
 */
import { kernelCases } from './kernel.bench.js';
import { comparisonKey, defaultMeasureOptions, measureTogether } from './measure.js';

const [key, time] = process.argv.slice(2);
const cases = kernelCases().filter((candidate) => comparisonKey(candidate) === key);
if (cases.length === 0) {
  const known = [...new Set(kernelCases().map(comparisonKey))];
  console.error(`run-case: unknown comparison key '${key}'; known keys:\n  ${known.join('\n  ')}`);
  process.exit(2);
}
const timeMs = time === undefined ? defaultMeasureOptions.timeMs : Number(time);
console.log(JSON.stringify(measureTogether(cases, { ...defaultMeasureOptions, timeMs })));
