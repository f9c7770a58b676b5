/**
 * One fault, as plain JSON-serialisable data. Times are absolute (true simulated ms), so deleting
 * one fault from a schedule never moves another. Without `durationMs` a fault lasts until healed
 * (or for ever); with it, the fault reverts at `atMs + durationMs`.
 *
 * @example
 * ```ts
 * const faults: FaultSchedule = [
 *   { kind: 'crash', atMs: 1_000, durationMs: 2_000, target: 'n3' },           // crash-recovery
 *   { kind: 'partition', atMs: 4_000, durationMs: 1_500, params: { groups: [['n1', 'n2'], ['n3', 'n4', 'n5']] } },
 *   { kind: 'clock-skew', atMs: 6_000, target: 'n2', params: { deltaMs: -300 } },
 * ];
 * sim.inject(faults);
 * ```
 */
export interface Fault {
  /** The failure model's name, e.g. `crash`, `partition`, `link`, `byzantine`. */
  kind: string;
  /** When the fault starts, in true ms. */
  atMs: number;
  /** How long it lasts; absent: until healed or for ever. */
  durationMs?: number;
  /** The node it hits, for single-node faults. */
  target?: string;
  /** Model-specific parameters (plain data). */
  params?: Record<string, unknown>;
}

/**
 * A list of faults: the unit that is printed, saved, replayed, generated and shrunk.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(schedule);
 * sim.inject(JSON.parse(saved) as FaultSchedule);
 * ```
 */
export type FaultSchedule = Fault[];

/**
 * One line of the ground-truth fault log: a fault applied or reverted, at true time.
 *
 * @example
 * ```ts
 * for (const entry of sim.faultLog) console.log(entry.timeMs, entry.phase, entry.fault.kind, entry.fault.target);
 * ```
 */
export interface FaultLogEntry {
  /** True time of the change. */
  timeMs: number;
  /** `apply` when the fault started, `revert` when it ended. */
  phase: 'apply' | 'revert';
  /** Identifies the fault across its apply and revert entries. */
  faultId: number;
  /** The fault record (verbs record the same record a schedule would). */
  fault: Readonly<Fault>;
  /**
   * For a fault that names no single target but hits several nodes (a `domain-outage`): the
   * nodes it hit, fixed when it was applied. Absent for every other fault.
   */
  nodes?: readonly string[];
}
