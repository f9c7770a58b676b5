import { DuplicateNodeError, InvalidStateError, UnknownNodeError } from '../errors.js';
import type { NodeDirectory } from './network.js';
import type { NodeRuntime } from './node-runtime.js';

const MAX_NODES = 2 ** 21;

/** The simulation's nodes by index (the order they were added) and by id. */
export class NodeRegistry implements NodeDirectory {
  readonly nodes: NodeRuntime[] = [];
  private readonly indexById = new Map<string, number>();
  private peersCache: Array<readonly string[] | undefined> = [];

  get size(): number {
    return this.nodes.length;
  }

  /** Throws unless a node with this id could be added now. */
  requireFreeId(id: string): void {
    if (this.indexById.has(id)) throw new DuplicateNodeError(id);
    if (this.nodes.length >= MAX_NODES) throw new InvalidStateError(`a simulation holds at most ${MAX_NODES} nodes`);
  }

  add(node: NodeRuntime): void {
    this.nodes.push(node);
    this.indexById.set(node.id, node.index);
    this.peersCache = [];
  }

  /** Takes back the node added last (its behaviour failed, so it never existed). */
  removeLast(): void {
    const node = this.nodes.pop();
    if (node !== undefined) this.indexById.delete(node.id);
    this.peersCache = [];
  }

  ids(): string[] {
    return this.nodes.map((node) => node.id);
  }

  /** Ids of the nodes not removed, in the order added. */
  liveIds(): string[] {
    return this.nodes.filter((node) => !node.removed).map((node) => node.id);
  }

  /** A node left the cluster: peer lists are built afresh without it. */
  forgetPeers(): void {
    this.peersCache = [];
  }

  /** The node with this id; throws UnknownNodeError naming `field` otherwise. */
  named(id: unknown, field = 'id'): NodeRuntime {
    return this.nodes[this.indexOf(id, field)]!;
  }

  /** The index of `id`, or undefined: for the hot path, which builds its error field only on a miss. */
  find(id: string): number | undefined {
    return this.indexById.get(id);
  }

  idOf(index: number): string {
    return this.nodes[index]!.id;
  }

  indexOf(id: unknown, field: string): number {
    const index = typeof id === 'string' ? this.indexById.get(id) : undefined;
    if (index === undefined) throw new UnknownNodeError(field, id, this.ids());
    return index;
  }

  regionOf(index: number): string | undefined {
    return this.nodes[index]!.region;
  }

  /** Every other node's id that is not removed, in the order added (frozen, cached until a node is added or removed). */
  peersOf(node: NodeRuntime): readonly string[] {
    let peers = this.peersCache[node.index];
    if (peers === undefined) {
      peers = Object.freeze(this.nodes.filter((other) => other !== node && !other.removed).map((other) => other.id));
      this.peersCache[node.index] = peers;
    }
    return peers;
  }
}
