import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import type { EventLoop } from '../kernel/event-loop.js';
import type { Rng } from '../kernel/rng.js';
import { rejectUnknownKeys, requireBoolean, requireFunction, requireObject, requireString } from '../validate.js';
import type { Adversary, BoundAdversary } from '../world/adversary.js';
import type { ClockControl } from '../world/clock-control.js';
import { linksOf, type CutBlock, type CutRecord } from '../world/cut-blocks.js';
import type { DiskState } from '../world/disk-state.js';
import { readDomainSelector, requireMembers, type NodeDomains } from '../world/failure-domains.js';
import type { GroundTruth } from '../world/ground-truth.js';
import type { NodeLifecycle } from '../world/lifecycle.js';
import type { LinkModel } from '../world/link-model.js';
import type { Network } from '../world/network.js';
import type { NodeRegistry } from '../world/node-registry.js';
import { readServiceModel, type ServiceModel } from '../world/service-model.js';
import type { Transmission } from '../world/transmission.js';
import type { FaultWorld } from './failure-model.js';

/** What `cutBlocks` hands its model, to be handed back to `restoreCutBlocks`. */
class AppliedCut {
  constructor(
    /** The cut links by node index: dropped with the partition, so long runs do not keep them. */
    readonly links: ReadonlyArray<[number, number]>,
    readonly record: CutRecord,
  ) {}
}

/** A plugin's blocks: arrays of known node ids and a boolean, each checked before anything is cut. */
function requireCutBlocks(blocks: unknown, registry: NodeRegistry): asserts blocks is readonly CutBlock[] {
  if (!Array.isArray(blocks)) throw new InvalidArgumentError('cutBlocks(blocks)', blocks, 'an array of { from, to, bothWays }');
  blocks.forEach((block: unknown, index) => {
    const field = `cutBlocks(blocks)[${index}]`;
    requireObject(block, field);
    rejectUnknownKeys(block, field, ['from', 'to', 'bothWays']);
    for (const side of ['from', 'to'] as const) {
      const ids = block[side];
      if (!Array.isArray(ids)) throw new InvalidArgumentError(`${field}.${side}`, ids, 'an array of node ids');
      ids.forEach((id: unknown, position) => registry.indexOf(id, `${field}.${side}[${position}]`));
    }
    requireBoolean(block['bothWays'], `${field}.bothWays`);
  });
}

/** The world's modules that failure models act through. */
export interface FaultWorldParts {
  readonly loop: EventLoop;
  readonly registry: NodeRegistry;
  readonly lifecycle: NodeLifecycle;
  readonly network: Network;
  readonly transmission: Transmission;
  readonly clocks: ClockControl;
  readonly truth: GroundTruth;
}

/** What failure models see of a simulation: the world's verbs by node id, and the named adversaries. */
export class SimulatedFaultWorld implements FaultWorld {
  private readonly adversaries = new Map<string, Adversary>();

  constructor(private readonly parts: FaultWorldParts) {}

  get now(): number {
    return this.parts.loop.now;
  }

  /** The nodes not removed: faults, budgets and partitions' covers concern the cluster as it is. */
  nodeIds(): string[] {
    return this.parts.registry.liveIds();
  }

  requireNode(id: unknown, field: string): string {
    const node = this.parts.registry.named(id, field);
    if (node.removed) throw new InvalidStateError(`${field}: node '${node.id}' was removed (sim.removeNode); a fault cannot target it`);
    return node.id;
  }

  // ---- failure domains (issue 15) ----
  domainsOf(id: string): Readonly<NodeDomains> {
    return this.parts.registry.named(id).domains;
  }

  nodesInDomain(domain: unknown, field: string): string[] {
    const selector = readDomainSelector(domain, field);
    return requireMembers(this.nodeIds(), (id) => this.domainsOf(id), selector, field);
  }
  // ---- end failure domains ----

  isUp(id: string): boolean {
    return this.parts.registry.named(id).up;
  }

  isPaused(id: string): boolean {
    return this.parts.registry.named(id).paused;
  }

  crashNode(id: string): void {
    this.parts.lifecycle.crash(this.parts.registry.named(id));
  }

  restartNode(id: string): void {
    this.parts.lifecycle.restart(this.parts.registry.named(id));
  }

  pauseNode(id: string): void {
    this.parts.lifecycle.pause(this.parts.registry.named(id));
  }

  resumeNode(id: string): void {
    this.parts.lifecycle.resume(this.parts.registry.named(id));
  }

  setOmission(id: string, sendProbability: number, receiveProbability: number): void {
    const node = this.parts.registry.named(id);
    node.sendOmission = sendProbability;
    node.receiveOmission = receiveProbability;
  }

  cutLink(from: string, to: string): void {
    this.parts.network.cut(this.indexOf(from, 'from'), this.indexOf(to, 'to'));
  }

  uncutLink(from: string, to: string): void {
    this.parts.network.uncut(this.indexOf(from, 'from'), this.indexOf(to, 'to'));
  }

  cutBlocks(blocks: readonly CutBlock[]): AppliedCut {
    requireCutBlocks(blocks, this.parts.registry);
    const links = linksOf(blocks).map(([from, to]): [number, number] => [this.indexOf(from, 'from'), this.indexOf(to, 'to')]);
    for (const [from, to] of links) this.parts.network.cutInBlock(from, to);
    return new AppliedCut(links, this.parts.truth.noteCutBlocksStart(blocks));
  }

  restoreCutBlocks(cut: unknown): void {
    if (!(cut instanceof AppliedCut)) throw new InvalidArgumentError('restoreCutBlocks(cut)', cut, 'what cutBlocks returned');
    const { links, record } = cut;
    for (const [from, to] of links) this.parts.network.uncutInBlock(from, to);
    this.parts.truth.noteCutBlocksEnd(record);
  }

  addLinkLayer(from: string, to: string, faultId: number, model: LinkModel): void {
    this.parts.network.addFaultLayer(this.indexOf(from, 'from'), this.indexOf(to, 'to'), faultId, model);
  }

  removeLinkLayer(from: string, to: string, faultId: number): void {
    this.parts.network.removeFaultLayer(this.indexOf(from, 'from'), this.indexOf(to, 'to'), faultId);
  }

  jumpClock(id: string, deltaMs: number): void {
    this.parts.clocks.jump(this.parts.registry.named(id), deltaMs);
  }

  setClockDrift(id: string, driftPpm: number): void {
    this.parts.clocks.setDrift(this.parts.registry.named(id), driftPpm);
  }

  clockDrift(id: string): number {
    return this.parts.registry.named(id).clock.driftPpm;
  }

  setAdversary(id: string, adversary: BoundAdversary | undefined): void {
    this.parts.registry.named(id).adversary = adversary;
    this.parts.truth.noteByzantine(id, adversary !== undefined);
  }

  /** Names an adversary function for `byzantine` faults with `behaviour: 'custom'`. */
  registerAdversary(name: string, adversary: Adversary): void {
    requireString(name, 'name');
    requireFunction(adversary, 'adversary');
    this.adversaries.set(name, adversary);
  }

  adversaryNamed(name: string, field: string): Adversary {
    const adversary = typeof name === 'string' ? this.adversaries.get(name) : undefined;
    if (adversary === undefined) {
      const known = [...this.adversaries.keys()].join(', ') || 'none yet';
      throw new InvalidArgumentError(field, name, `the name of an adversary registered with sim.registerAdversary (${known})`);
    }
    return adversary;
  }

  service(id: string): ServiceModel | undefined {
    return this.parts.registry.named(id).service;
  }

  setService(id: string, service: ServiceModel | undefined): void {
    this.parts.registry.named(id).service = service === undefined ? undefined : readServiceModel(service, 'service');
  }

  disk(id: string): DiskState {
    return this.parts.registry.named(id).disk;
  }

  linkModel(from: string, to: string): Readonly<LinkModel> {
    return this.parts.network.linkModel(from, to);
  }

  injectMessage(from: string, to: string, message: unknown): void {
    const sender = this.parts.registry.named(from);
    this.parts.transmission.transmit(sender, this.indexOf(from, 'from'), this.indexOf(to, 'to'), message);
  }

  rng(name: string): Rng {
    return this.parts.loop.rng(name);
  }

  schedule(delayMs: number, callback: () => void): number {
    return this.parts.loop.schedule(delayMs, callback);
  }

  cancel(handle: number): boolean {
    return this.parts.loop.cancel(handle);
  }

  private indexOf(id: string, field: string): number {
    return this.parts.registry.indexOf(id, field);
  }
}
