/**
 * Every planted-bug protocol in this folder, with what a search needs: the scenario (buggy or
 * fixed), the nodes faults may hit, the fault kinds that are relevant to it (including the family
 * that finds the bug), and the known minimal number of faults that make the bug fail (argued in
 * each protocol's module comment). The planted-protocol tests and `bench/search.ts` read it.
 */
import type { ClusterScenario, GeneratedKind } from '../../../src/check/index.js';
import { atomicCommitFaults, atomicCommitMinimumFaults, atomicCommitScenario } from './atomic-commit.js';
import { byzantineAgreementFaults, byzantineAgreementMinimumFaults, byzantineAgreementScenario } from './byzantine-agreement.js';
import { consensusFaults, consensusMinimumFaults, consensusScenario } from './consensus.js';
import { durableLogFaults, durableLogMinimumFaults, durableLogScenario } from './durable-log.js';
import { electionFaults, electionMinimumFaults, electionScenario } from './election.js';
import { lwwNodes, lwwScenario } from './lww-register.js';
import { primaryBackupNodes, primaryBackupScenario } from './primary-backup.js';
import { quorumNodes, quorumScenario } from './quorum-store.js';

export interface PlantedBug {
  /** Short name, for tables and `--only`. */
  name: string;
  /** The buggy variant (`false`) or the fixed one (`true`). */
  scenario: (fixed: boolean) => ClusterScenario<unknown>;
  /** Nodes faults may hit, the cluster's other nodes, and the kinds to draw. */
  faults: { nodes: string[]; clients: string[]; kinds: GeneratedKind[] };
  /** Fewest faults that make the buggy variant fail. */
  minimumFaults: number;
}

/** The five protocols written for the search benchmark (issue 21). */
export const plantedProtocols: PlantedBug[] = [
  { name: 'consensus', scenario: consensusScenario as PlantedBug['scenario'], faults: consensusFaults, minimumFaults: consensusMinimumFaults },
  { name: 'atomic-commit', scenario: atomicCommitScenario as PlantedBug['scenario'], faults: atomicCommitFaults, minimumFaults: atomicCommitMinimumFaults },
  { name: 'durable-log', scenario: durableLogScenario as PlantedBug['scenario'], faults: durableLogFaults, minimumFaults: durableLogMinimumFaults },
  { name: 'election', scenario: electionScenario as PlantedBug['scenario'], faults: electionFaults, minimumFaults: electionMinimumFaults },
  { name: 'byzantine-agreement', scenario: byzantineAgreementScenario as PlantedBug['scenario'], faults: byzantineAgreementFaults, minimumFaults: byzantineAgreementMinimumFaults },
];

/** The three older ones, with the kinds test/check/planted-bugs.test.ts searches them with. */
export const earlierPlantedBugs: PlantedBug[] = [
  { name: 'primary-backup', scenario: primaryBackupScenario as PlantedBug['scenario'], faults: { ...primaryBackupNodes, kinds: ['crash', 'pause', 'partition'] }, minimumFaults: 1 },
  { name: 'lww-register', scenario: lwwScenario as PlantedBug['scenario'], faults: { ...lwwNodes, kinds: ['clock-skew', 'partition', 'pause'] }, minimumFaults: 1 },
  { name: 'quorum-store', scenario: quorumScenario as PlantedBug['scenario'], faults: { ...quorumNodes, kinds: ['crash', 'partition', 'pause'] }, minimumFaults: 1 },
];

/** Every schedule a search draws for these bugs: at most four faults, all over by 5 s (runs last 6 s). */
export const SEARCH_WINDOW = { maxFaults: 4, horizonMs: 5_000 };
