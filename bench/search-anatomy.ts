/**
 * Why a planted bug is found as often as it is: draws cases of faultSchedule (the options
 * `npm run bench:search` uses, plus `--options`) and of the bench's naive baseline, runs each once,
 * and prints the share that fails, sorted by how many crash faults a case holds and whether one is
 * "good" (started after `--good-from`, restarted before `--good-until`). bench/README.md's "Why
 * the consensus bug stays under 2×" comes from
 *
 *   npx tsx bench/search-anatomy.ts --only consensus --cases 6000
 *
 * Deterministic: fast-check seed `--seed` (default 1), case seeds drawn alongside as the bench draws them.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { checkCluster, faultSchedule } from '../src/check/index.js';
import { PropertyViolationError, type Fault, type FaultSchedule } from '../src/index.js';
import { earlierPlantedBugs, plantedProtocols, SEARCH_WINDOW, type PlantedBug } from '../test/check/protocols/planted-bugs.js';
import { naiveSchedule } from './search.js';

interface Tally {
  cases: number;
  failures: number;
}

function fails(bug: PlantedBug, seed: number, faults: FaultSchedule): boolean {
  try {
    checkCluster(bug.scenario(false), { seed, faults });
    return false;
  } catch (error) {
    if (!(error instanceof PropertyViolationError)) throw error;
    return true;
  }
}

function anatomy(bug: PlantedBug, schedules: fc.Arbitrary<FaultSchedule>, cases: number, seed: number, good: (fault: Fault) => boolean): Map<string, Tally> {
  const groups = new Map<string, Tally>();
  const count = (group: string, failed: boolean): void => {
    const tally = groups.get(group) ?? { cases: 0, failures: 0 };
    tally.cases++;
    if (failed) tally.failures++;
    groups.set(group, tally);
  };
  for (const [caseSeed, faults] of fc.sample(fc.tuple(fc.integer(), schedules), { seed, numRuns: cases })) {
    const failed = fails(bug, caseSeed, faults);
    const crashes = faults.filter((fault) => fault.kind === 'crash').length;
    count('every case', failed);
    count(`faults: ${faults.length}`, failed);
    count(`crashes: ${crashes}`, failed);
    count(`a good crash: ${faults.some(good) ? 'yes' : 'no'}`, failed);
  }
  return groups;
}

function print(name: string, groups: Map<string, Tally>): void {
  const all = groups.get('every case')!.cases;
  console.log(name);
  for (const [group, { cases, failures }] of [...groups].sort(([first], [second]) => first.localeCompare(second))) {
    console.log(`  ${group.padEnd(18)} ${((100 * cases) / all).toFixed(1).padStart(5)} % of the cases, of which ${((100 * failures) / cases).toFixed(1)} % fail`);
  }
}

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'consensus' },
    cases: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    options: { type: 'string', default: '{}' },
    'good-from': { type: 'string', default: '110' },
    'good-until': { type: 'string', default: '3000' },
  },
});
const bug = [...plantedProtocols, ...earlierPlantedBugs].find((planted) => planted.name === values.only);
if (bug === undefined) throw new Error(`--only: unknown bug ${values.only}`);
const cases = Number(values.cases);
const seed = Number(values.seed);
if (!Number.isInteger(cases) || cases < 1) throw new Error(`--cases: expected a positive integer, got ${values.cases}`);
const fromMs = Number(values['good-from']);
const untilMs = Number(values['good-until']);
const good = (fault: Fault): boolean => fault.kind === 'crash' && fault.atMs >= fromMs && fault.atMs + (fault.durationMs ?? Infinity) < untilMs;
const extra = JSON.parse(values.options) as Record<string, unknown>;
print('faultline', anatomy(bug, faultSchedule({ ...bug.faults, ...SEARCH_WINDOW, ...extra }), cases, seed, good));
print('baseline', anatomy(bug, naiveSchedule(bug), cases, seed, good));
