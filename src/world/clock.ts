import { InvalidArgumentError } from '../errors.js';
import { rejectUnknownKeys, requireFinite, requireObject } from '../validate.js';

/**
 * A node's clock at creation: where it starts relative to true time and how fast it runs.
 *
 * @example
 * ```ts
 * sim.addNode('a', behaviour, { clock: { offsetMs: 250, driftPpm: 100 } }); // 250 ms ahead, gains 0.1 ms/s
 * ```
 */
export interface ClockConfig {
  /** Local reading minus true time at t = 0 (or when the node is added). Default 0. */
  offsetMs?: number;
  /** Rate error in parts per million: +100 gains 100 µs per true second. In (-1e6, 1e6). Default 0. */
  driftPpm?: number;
}

const PPM = 1e6;

/**
 * A node's local clock, derived from true time: `local = baseLocal + (true - baseTrue) * rate`,
 * with `rate = 1 + driftPpm / 1e6`. Offsets and jumps step the reading; drift changes are
 * continuous (the reading never jumps when the rate changes).
 *
 * Timers set by a node measure elapsed *local* time at the rate in force when they are set, the
 * way a monotonic clock drifts but does not jump: a jump moves `now()`, not pending timers.
 *
 * @example
 * ```ts
 * const clock = new NodeClock(0, { offsetMs: 10, driftPpm: 1000 });
 * clock.read(1000); // 1011: 10 ms offset plus 1 ms gained over one true second
 * ```
 */
export class NodeClock {
  private baseTrueMs: number;
  private baseLocalMs: number;
  private rate: number;
  private drift: number;
  private readonly pastStartsMs: number[] = [];
  private readonly pastBasesMs: number[] = [];
  private readonly pastRates: number[] = [];

  constructor(trueNowMs: number, config: ClockConfig = {}, field = 'clock') {
    requireFinite(trueNowMs, 'trueNowMs');
    const raw: unknown = config;
    requireObject(raw, field);
    rejectUnknownKeys(raw, field, ['offsetMs', 'driftPpm']);
    const offsetMs = config.offsetMs === undefined ? 0 : config.offsetMs;
    requireFinite(offsetMs, `${field}.offsetMs`);
    this.drift = readDrift(config.driftPpm === undefined ? 0 : config.driftPpm, `${field}.driftPpm`);
    this.rate = 1 + this.drift / PPM;
    this.baseTrueMs = trueNowMs;
    this.baseLocalMs = trueNowMs + offsetMs;
  }

  /** The local reading at true time `trueMs` (earlier times read the clock as it was then). */
  read(trueMs: number): number {
    if (trueMs >= this.baseTrueMs || this.pastStartsMs.length === 0) return this.baseLocalMs + (trueMs - this.baseTrueMs) * this.rate;
    return this.readPast(trueMs);
  }

  private readPast(trueMs: number): number {
    let segment = 0;
    while (segment + 1 < this.pastStartsMs.length && this.pastStartsMs[segment + 1]! <= trueMs) segment++;
    return this.pastBasesMs[segment]! + (trueMs - this.pastStartsMs[segment]!) * this.pastRates[segment]!;
  }

  /** The current drift in ppm. */
  get driftPpm(): number {
    return this.drift;
  }

  /** Local reading minus true time, at true time `trueMs`. */
  offsetAt(trueMs: number): number {
    return this.read(trueMs) - trueMs;
  }

  /** True milliseconds that pass while this clock advances `localMs` (at the current rate). */
  trueDurationOf(localMs: number): number {
    return localMs / this.rate;
  }

  /** Changes the drift from true time `trueMs` on, without moving the reading. */
  setDrift(trueMs: number, driftPpm: number): void {
    const drift = readDrift(driftPpm, 'driftPpm');
    this.rebase(trueMs);
    this.drift = drift;
    this.rate = 1 + drift / PPM;
  }

  /** Steps the reading by `deltaMs` (negative jumps backwards) at true time `trueMs`. */
  jump(trueMs: number, deltaMs: number): void {
    requireFinite(deltaMs, 'deltaMs');
    this.rebase(trueMs);
    this.baseLocalMs += deltaMs;
  }

  private rebase(trueMs: number): void {
    // Keep the segment that ends here, so the ground truth can read the clock as it was.
    this.pastStartsMs.push(this.baseTrueMs);
    this.pastBasesMs.push(this.baseLocalMs);
    this.pastRates.push(this.rate);
    this.baseLocalMs = this.read(trueMs);
    this.baseTrueMs = trueMs;
  }
}

function readDrift(driftPpm: unknown, field: string): number {
  const expected = 'a number of ppm in (-1000000, 1000000)';
  requireFinite(driftPpm, field, expected);
  if (driftPpm <= -PPM || driftPpm >= PPM) throw new InvalidArgumentError(field, driftPpm, expected);
  return driftPpm;
}
