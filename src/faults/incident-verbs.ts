import { InvalidArgumentError, InvalidStateError } from '../errors.js';
import type { NodeLifecycle } from '../world/lifecycle.js';
import type { LinkModel } from '../world/link-model.js';
import type { NodeRegistry } from '../world/node-registry.js';
import type { FaultInjector } from './injector.js';

const NETWORK_FAULT_KINDS = new Set(['partition', 'partition-one-way', 'isolate', 'bridge', 'link', 'slow-node']);

/**
 * The simulation's verbs that read like an incident report (`crash`, `partition`, `heal`): each
 * records a fault that starts now, so it lands in the fault log and the ground truth like an
 * injected one.
 */
export class IncidentVerbs {
  constructor(
    private readonly faults: FaultInjector,
    private readonly registry: NodeRegistry,
    private readonly lifecycle: NodeLifecycle,
    private readonly nowMs: () => number,
  ) {}

  crash(id: string): void {
    const node = this.registry.named(id);
    if (!node.up) throw new InvalidStateError(`node '${id}' is already crashed; restart it first`);
    this.faults.applyNow({ kind: 'crash', atMs: this.nowMs(), target: id }, `crash('${id}')`);
  }

  restart(id: string): void {
    const node = this.registry.named(id);
    if (node.up) throw new InvalidStateError(`node '${id}' is up; only a crashed node can be restarted`);
    const ended = this.faults.endWhere((fault) => fault.kind === 'crash' && fault.target === id);
    // A node crashed by other means (a crash-stop fault, say) has no crash fault to end.
    if (ended === 0 || !node.up) this.lifecycle.restart(node);
  }

  pause(id: string): void {
    const node = this.registry.named(id);
    if (!node.up || node.paused) throw new InvalidStateError(`node '${id}' is ${node.up ? 'already paused' : 'crashed'}; only an up, running node can be paused`);
    this.faults.applyNow({ kind: 'pause', atMs: this.nowMs(), target: id }, `pause('${id}')`);
  }

  resume(id: string): void {
    const node = this.registry.named(id);
    if (!node.paused) throw new InvalidStateError(`node '${id}' is not paused`);
    const ended = this.faults.endWhere((fault) => fault.kind === 'pause' && fault.target === id);
    if (ended === 0 || node.paused) this.lifecycle.resume(node);
  }

  partition(groups: string[][]): void {
    this.faults.applyNow({ kind: 'partition', atMs: this.nowMs(), params: { groups } }, 'partition(...)');
  }

  isolate(id: string): void {
    this.faults.applyNow({ kind: 'isolate', atMs: this.nowMs(), target: id }, `isolate('${id}')`);
  }

  slow(from: string, to: string, factor: number): void {
    // Without a factor the link model would be empty: a recorded fault that changes nothing.
    if (factor === undefined) throw new InvalidArgumentError(`slow('${from}', '${to}').params.model.latencyFactor`, factor, 'a number in (0, 1e6]');
    this.faults.applyNow({ kind: 'link', atMs: this.nowMs(), params: { links: [[from, to]], model: { latencyFactor: factor } } }, `slow('${from}', '${to}')`);
  }

  degrade(links: Array<[string, string]>, model: LinkModel): void {
    this.faults.applyNow({ kind: 'link', atMs: this.nowMs(), params: { links, model: model as Record<string, unknown> } }, 'degrade(...)');
  }

  skewClock(id: string, deltaMs: number): void {
    this.faults.applyNow({ kind: 'clock-skew', atMs: this.nowMs(), target: id, params: { deltaMs } }, `skewClock('${id}')`);
  }

  /** Ends every network fault now. Returns how many ended. */
  heal(): number {
    return this.faults.endWhere((fault) => NETWORK_FAULT_KINDS.has(fault.kind));
  }
}
