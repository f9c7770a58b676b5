import type { Rng } from '../kernel/rng.js';
import type { CutBlock } from '../world/cut-blocks.js';
import type { LinkModel } from '../world/link-model.js';
import type { Adversary, BoundAdversary } from '../world/adversary.js';
import type { DiskState } from '../world/disk-state.js';
import type { ServiceModel } from '../world/service-model.js';
import type { Fault } from './fault.js';
import type { NodeDomains } from '../world/failure-domains.js';

/**
 * The primitives failure models act through. `Simulation` provides them; a custom model gets the
 * same world the built-ins get.
 *
 * @example
 * ```ts
 * const model: FailureModel = {
 *   kind: 'reboot-storm',
 *   validate(fault, world, field) { world.requireNode(fault.target, `${field}.target`); },
 *   apply(fault, world) { world.crashNode(fault.target!); world.restartNode(fault.target!); },
 * };
 * ```
 */
export interface FaultWorld {
  /** True simulated time, in ms. */
  readonly now: number;
  /** Every node id, in the order added. */
  nodeIds(): string[];
  /** Returns `id` if a node has it, else throws `UnknownNodeError` naming `field`. */
  requireNode(id: unknown, field: string): string;
  /** Is the node up (not crashed)? */
  isUp(id: string): boolean;
  /** Is the node paused? */
  isPaused(id: string): boolean;
  /** Crashes an up node (no-op when down). */
  crashNode(id: string): void;
  /** Restarts a crashed node (no-op when up). */
  restartNode(id: string): void;
  /** Freezes a node: its events wait until it resumes. */
  pauseNode(id: string): void;
  /** Unfreezes a node: what waited runs now, in order. */
  resumeNode(id: string): void;
  /** Sets send- and receive-omission probabilities. */
  setOmission(id: string, sendProbability: number, receiveProbability: number): void;
  /** Cuts `from → to` (cuts nest). */
  cutLink(from: string, to: string): void;
  /** Ends one cut of `from → to`. */
  uncutLink(from: string, to: string): void;
  /**
   * Cuts every link of the blocks (cuts nest), as one partition: the ground truth keeps the
   * blocks, not each link. Returns what `restoreCutBlocks` takes to end exactly these cuts.
   */
  cutBlocks(blocks: readonly CutBlock[]): unknown;
  /** Ends the cuts that one `cutBlocks` made. */
  restoreCutBlocks(cut: unknown): void;
  /** Lays a partial link model over `from → to` for fault `faultId`. */
  addLinkLayer(from: string, to: string, faultId: number, model: LinkModel): void;
  /** Removes fault `faultId`'s layer from `from → to`. */
  removeLinkLayer(from: string, to: string, faultId: number): void;
  /** Steps a node's clock. */
  jumpClock(id: string, deltaMs: number): void;
  /** Sets a node's clock drift. */
  setClockDrift(id: string, driftPpm: number): void;
  /** A node's current clock drift. */
  clockDrift(id: string): number;
  /** Makes a node byzantine (or honest again with `undefined`). */
  setAdversary(id: string, adversary: BoundAdversary | undefined): void;
  /** An adversary registered with `sim.registerAdversary`. */
  adversaryNamed(name: string, field: string): Adversary;
  /** A node's service model (undefined: unlimited). */
  service(id: string): ServiceModel | undefined;
  /** Sets a node's service model. */
  setService(id: string, service: ServiceModel | undefined): void;
  /** The model in force on `from → to` now (defaults, regions, override and fault layers merged). */
  linkModel(from: string, to: string): Readonly<LinkModel>;
  /** A node's disk behaviour, to change under disk faults. */
  disk(id: string): DiskState;
  /** Sends a message from `from` to `to` over the network, as if `from` had sent it. */
  injectMessage(from: string, to: string, message: unknown): void;
  /** A named random stream. */
  rng(name: string): Rng;
  /** Runs `callback` after `delayMs`. */
  schedule(delayMs: number, callback: () => void): number;
  /** Cancels a scheduled callback. */
  cancel(handle: number): boolean;
  // ---- failure domains (issue 15) ----
  /** The failure domains of a node (`{}` when it declared none). */
  domainsOf(id: string): Readonly<NodeDomains>;
  /**
   * The nodes (not removed) in `domain`, in the order added. Throws `InvalidArgumentError` naming
   * `field` for a malformed domain, an unknown kind of domain, or one no node belongs to.
   */
  nodesInDomain(domain: unknown, field: string): string[];
  // ---- end failure domains ----
}

/**
 * The part of the world a budget check needs: which nodes exist.
 *
 * @example
 * ```ts
 * const nodes: NodeList = { nodeIds: () => ['a', 'b', 'c'] };
 * ```
 */
export interface NodeList {
  /** Every node id. */
  nodeIds(): string[];
  /** A node's failure domains, where the caller knows them (a correlated fault's nodes depend on them). */
  domainsOf?(id: string): Readonly<NodeDomains> | undefined;
}

/**
 * A pluggable failure model: validates its faults, applies them and reverts them. Register one
 * with `sim.registerFailureModel(model)`; the built-ins use the same interface.
 *
 * @example
 * ```ts
 * sim.registerFailureModel({
 *   kind: 'flap',
 *   validate(fault, world, field) { world.requireNode(fault.target, `${field}.target`); },
 *   apply(fault, world) { world.crashNode(fault.target!); },
 *   revert(fault, world) { world.restartNode(fault.target!); },
 *   downNodes: (fault) => [fault.target!],
 * });
 * ```
 */
export interface FailureModel {
  /** The `kind` of faults it handles. */
  readonly kind: string;
  /**
   * Checks a fault's target and params; throws `InvalidArgumentError` naming the field under
   * `field` (e.g. `schedule[3]`).
   */
  validate(fault: Fault, world: FaultWorld, field: string): void;
  /** Starts the fault. What it returns is handed to `revert`. */
  apply(fault: Fault, world: FaultWorld, faultId: number): unknown;
  /** Ends the fault. Absent: the fault cannot have a duration (it is permanent). */
  revert?(fault: Fault, world: FaultWorld, faultId: number, applied: unknown): void;
  /**
   * What the fault occupies; two faults whose intervals overlap and that share a key are rejected
   * as ambiguous. Absent: overlapping faults of this kind combine (the model documents how).
   * `world` is there for faults whose nodes depend on it (a domain outage's members).
   */
  conflictKeys?(fault: Fault, world?: NodeList): string[];
  /** Nodes the fault takes out of service, for budgets. */
  downNodes?(fault: Fault, world: NodeList): string[];
  /** Directed links the fault cuts, for budgets. */
  cuts?(fault: Fault, world: NodeList): Array<[string, string]>;
  /**
   * The nodes a fault that names no single target hit when it was applied (a domain outage's
   * members), given what `apply` returned; the fault log lists them on the fault's entries.
   */
  affectedNodes?(fault: Fault, applied: unknown): readonly string[];
  /** True if the fault is meaningless without a duration (e.g. a traffic spike). */
  readonly requiresDuration?: boolean;
}
