import type { NodeRuntime } from './node-runtime.js';
import type { WorldKernel } from './world-kernel.js';

// A tag mixed into the trace hash for every clock change.
const HASH_CLOCK = 0x636c6f63;

/** Steps and drift changes of nodes' clocks, as the clock faults and `sim.jumpClock` make them. */
export class ClockControl {
  constructor(private readonly kernel: WorldKernel) {}

  /** Steps the clock by `deltaMs` now (negative jumps backwards). Pending timers are not moved. */
  jump(node: NodeRuntime, deltaMs: number): void {
    node.clock.jump(this.kernel.loop.now, deltaMs);
    this.noteChange(node, { jumpMs: deltaMs });
  }

  /** Sets the clock's drift from now on (the reading is continuous). */
  setDrift(node: NodeRuntime, driftPpm: number): void {
    node.clock.setDrift(this.kernel.loop.now, driftPpm);
    this.noteChange(node, { driftPpm });
  }

  private noteChange(node: NodeRuntime, detail: { jumpMs: number } | { driftPpm: number }): void {
    const hash = this.kernel.hash;
    hash.mixInt(HASH_CLOCK);
    hash.mixInt(node.index);
    for (const value of Object.values(detail)) hash.mixNumber(value);
    const loop = this.kernel.loop;
    loop.trace?.push({ timeMs: loop.now, type: 'clock', node: node.id, detail: { ...detail, localTimeMs: node.clock.read(loop.now) } });
  }
}
