import { InvalidArgumentError } from '../errors.js';
import { requireObject } from '../validate.js';
import { callContent, rewrapCall } from './call-envelope.js';
import { byzantineRng, omissionRng } from './fault-streams.js';
import { DROP_SEND_OMISSION, dropReasons, SENT, type Network } from './network.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';
import type { EventLoop } from '../kernel/event-loop.js';
import type { TraceHash } from '../kernel/trace-hash.js';
import type { WorldKernel } from './world-kernel.js';
import type { MessageTap } from './span-api.js';

// A tag mixed into the trace hash for every send, with its outcome.
const HASH_SEND = 0x73656e64;

/**
 * The sending side of messaging: what `ctx.send` and `ctx.broadcast` do before the network takes
 * a message (send omission, a byzantine node's adversary), and the send's trace records.
 */
export class Transmission {
  // The kernel's parts and the node table, held directly: these are read on every message.
  private readonly loop: EventLoop;
  private readonly hash: TraceHash;
  private readonly nodes: NodeRuntime[];
  private messageCounter = 0;
  /** Tracing's view of each send; undefined (and never called) unless tracing is on. */
  tap: MessageTap | undefined = undefined;

  constructor(
    kernel: WorldKernel,
    private readonly registry: NodeRegistry,
    private readonly network: Network,
  ) {
    this.loop = kernel.loop;
    this.hash = kernel.hash;
    this.nodes = registry.nodes;
  }

  // The hot path of every message: what runs only on an error or a trace is out of line, so V8
  // inlines this, `transmit` included, into `ctx.send`.
  send(node: NodeRuntime, to: string, message: unknown): void {
    const index = this.registry.find(to) ?? this.unknownRecipient(node, to);
    if (node.adversary !== undefined) return this.sendThroughAdversary(node, index, message);
    this.transmit(node, node.index, index, message);
  }

  /** Throws UnknownNodeError for `to` (or names a non-string `to`); the field is built only here. */
  private unknownRecipient(node: NodeRuntime, to: unknown): number {
    return this.registry.indexOf(to, `ctx.send on '${node.id}': to`);
  }

  broadcast(node: NodeRuntime, message: unknown): void {
    const count = this.registry.size;
    const nodes = this.nodes;
    // A removed node left the cluster: a broadcast no longer reaches for it.
    for (let index = 0; index < count; index++) if (index !== node.index && !nodes[index]!.removed) this.sendFrom(node, index, message);
  }

  /** Sends as the node's code asked; a byzantine node's adversary rewrites it first. */
  sendFrom(node: NodeRuntime, to: number, message: unknown): void {
    if (node.adversary !== undefined) return this.sendThroughAdversary(node, to, message);
    this.transmit(node, node.index, to, message);
  }

  /** Puts a message on the wire from `sender`; `claimedFrom` differs only when a byzantine node forges. */
  transmit(sender: NodeRuntime, claimedFrom: number, to: number, message: unknown): void {
    const messageId = (this.messageCounter = (this.messageCounter + 1) | 0);
    const loop = this.loop;
    let outcome: number;
    if (sender.sendOmission > 0 && omissionRng(loop, sender).random() < sender.sendOmission) {
      this.network.countDropAtSend(sender.index, to, DROP_SEND_OMISSION);
      outcome = DROP_SEND_OMISSION;
    } else {
      outcome = this.network.transmit(sender.index, to, message, messageId, claimedFrom);
    }
    this.hash.mixInt(HASH_SEND ^ outcome);
    if (loop.trace !== undefined) this.recordSend(sender, claimedFrom, to, messageId, message, outcome);
    if (this.tap !== undefined) this.tap.sent(sender, to, messageId, message, outcome);
  }

  private recordSend(sender: NodeRuntime, claimedFrom: number, to: number, messageId: number, message: unknown, outcome: number): void {
    const loop = this.loop;
    const trace = loop.trace!;
    const toId = this.nodes[to]!.id;
    const fromId = this.nodes[claimedFrom]!.id;
    trace.push({ timeMs: loop.now, type: 'send', node: sender.id, from: fromId, to: toId, messageId, message });
    if (outcome !== SENT) trace.push({ timeMs: loop.now, type: 'drop', node: sender.id, from: fromId, to: toId, messageId, message, reason: dropReasons[outcome] });
  }

  private sendThroughAdversary(node: NodeRuntime, to: number, message: unknown): void {
    const field = `adversary of node '${node.id}'`;
    // The adversary sees (and rewrites) what the node meant to say, not the RPC envelope around it.
    const outputs: unknown = node.adversary!(callContent(message), this.nodes[to]!.id, byzantineRng(this.loop, node));
    if (!Array.isArray(outputs)) throw new InvalidArgumentError(field, outputs, 'a function returning an array of { to, message, from? }');
    for (const output of outputs as unknown[]) {
      requireObject(output, `${field}: output`);
      const toIndex = this.registry.indexOf(output['to'], `${field}: output.to`);
      const fromIndex = output['from'] === undefined ? node.index : this.registry.indexOf(output['from'], `${field}: output.from`);
      this.transmit(node, fromIndex, toIndex, rewrapCall(message, output['message']));
    }
  }
}
