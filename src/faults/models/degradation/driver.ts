import type { Fault } from '../../fault.js';
import type { FaultWorld } from '../../failure-model.js';
import { levelAt, type RampParams } from './ramp.js';

// Internal: the life every degradation kind shares. From onset the effect is set to the ramp's
// level once per step; at `timeToFailureMs` a `crash` degradation takes its effect away and
// crashes the target, a `degrade` one holds its peak. Reverting (the fault's duration, a heal)
// repairs the degradation, and restarts the target if this fault crashed it, as a crash fault's
// revert does.

/** What a kind does to the world: set its effect to `level` (0..1 of its peak), and undo it. */
export interface DegradationEffect {
  set(level: number): void;
  restore(): void;
}

/** A running degradation, handed from `apply` to `revert`. */
export class RunningDegradation {
  private stepHandle = -1;
  private failureHandle = -1;
  private over = false;
  /** True once the failure struck and this fault crashed an up target. */
  private crashedTarget = false;
  private onsetMs = 0;

  constructor(
    private readonly fault: Fault,
    private readonly ramp: RampParams,
    private readonly world: FaultWorld,
    private readonly effect: DegradationEffect | undefined,
  ) {}

  start(): void {
    const onsetMs = (this.onsetMs = this.world.now);
    if (this.effect !== undefined && this.ramp.stepMs !== undefined) this.step(onsetMs, 0, this.ramp.stepMs);
    if (this.ramp.outcome === 'crash') this.failureHandle = this.world.schedule(this.ramp.timeToFailureMs, () => this.strike());
  }

  /** Ends the degradation: repaired if it had not struck, the target restarted if it had. */
  end(): void {
    // A revert brought forward to the failure instant (another fault starting then) still fails first.
    if (!this.over && this.ramp.outcome === 'crash' && this.world.now >= this.onsetMs + this.ramp.timeToFailureMs) this.strike();
    this.world.cancel(this.stepHandle);
    this.world.cancel(this.failureHandle);
    if (!this.over) this.effect?.restore();
    this.over = true;
    if (this.crashedTarget) this.world.restartNode(this.fault.target!);
  }

  private step(onsetMs: number, index: number, stepMs: number): void {
    if (this.over) return;
    const elapsedMs = index * stepMs;
    // Held at the peak after the last step; a crash degradation is struck before its last step runs.
    if (elapsedMs >= this.ramp.timeToFailureMs) return this.effect!.set(this.ramp.outcome === 'crash' ? 0 : 1);
    this.effect!.set(levelAt(this.ramp, elapsedMs));
    const nextMs = Math.min((index + 1) * stepMs, this.ramp.timeToFailureMs);
    this.stepHandle = this.world.schedule(onsetMs + nextMs - this.world.now, () => this.step(onsetMs, index + 1, stepMs));
  }

  private strike(): void {
    if (this.over) return;
    this.over = true;
    this.world.cancel(this.stepHandle);
    this.effect?.restore();
    const target = this.fault.target!;
    // A target already down (another fault) is not crashed again, and so not restarted by this one.
    if (this.world.isUp(target)) {
      this.world.crashNode(target);
      this.crashedTarget = true;
    }
  }
}
