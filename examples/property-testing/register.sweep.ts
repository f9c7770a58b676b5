/**
 * The buggy register as a sweep module: `npx faultline sweep examples/property-testing/register.sweep.ts --seeds 200`
 * runs one case per seed on a worker pool and writes the failing seeds with their minimal schedules.
 */
import type { SweepModule } from 'faultline/check';
import { faults, operations, registerScenario, type Register, type RegisterOperation } from './register.js';

const sweep: SweepModule<Register, RegisterOperation> = { scenario: registerScenario(false), options: { faults, workload: operations } };
export default sweep;
