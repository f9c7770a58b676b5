/** A sweep module for `faultline sweep`: the quorum store with R + W <= N (the planted bug). */
import type { SweepModule } from '../../../src/check/index.js';
import { quorumNodes, quorumScenario, type QuorumStore } from './quorum-store.js';

const sweep: SweepModule<QuorumStore> = {
  scenario: quorumScenario(process.env['FAULTLINE_FIXED'] === '1'),
  options: { faults: { ...quorumNodes, kinds: ['crash', 'partition'], maxFaults: 3, horizonMs: 5_000 } },
};
export default sweep;
