import { InvalidArgumentError } from '../../../errors.js';
import { EventLoop } from '../../../kernel/event-loop.js';
import { orDefault, requireOneOf, requirePositive, requireProbability } from '../../../validate.js';
import type { Fault } from '../../fault.js';
import { paramsOf } from '../params.js';

// Internal: the parameters every degradation kind shares and the ramp they describe. The failure
// models (which act on the world) and the metrics collector (which reports what a monitor would
// read) both compute the level from these functions, so the two agree by construction.

/**
 * How a degradation rises from onset to its peak: `linear`, or `exponential` (slow at first, then
 * sharp: about 3% of the peak a quarter of the way to failure, 12% halfway, 36% three quarters of the way).
 *
 * @example
 * ```ts
 * const shape: RampShape = 'exponential';
 * ```
 */
export type RampShape = 'linear' | 'exponential';

/**
 * How a degradation ends at `timeToFailureMs`: the target crashes (`crash`), or it stays degraded
 * at its peak (`degrade`).
 *
 * @example
 * ```ts
 * const outcome: DegradationOutcome = 'degrade';
 * ```
 */
export type DegradationOutcome = 'crash' | 'degrade';

/** The shared parameters, read and defaulted. */
export interface RampParams {
  readonly timeToFailureMs: number;
  readonly shape: RampShape;
  readonly outcome: DegradationOutcome;
  readonly noise: number;
  /** Absent for kinds that only report a signal (no effect to update in steps). */
  readonly stepMs: number | undefined;
}

export const RAMP_SHAPES: readonly RampShape[] = ['linear', 'exponential'];
export const OUTCOMES: readonly DegradationOutcome[] = ['crash', 'degrade'];
export const DEFAULT_NOISE = 0.05;
export const DEFAULT_STEP_MS = 100;
/** Effect updates per fault are bounded, so a tiny step over a long ramp cannot flood the queue. */
export const MAX_STEPS = 100_000;
/** Steepness of the exponential shape: the level is about 3% of its peak a quarter of the way, 12% halfway, 36% three quarters of the way. */
const EXPONENTIAL_RATE = 4;
const COMMON_KEYS = ['timeToFailureMs', 'shape', 'outcome', 'noise'];

/**
 * Checks the shared parameters (plus the kind's `ownKeys`) and returns them defaulted; `stepped`
 * kinds also take `stepMs`. Errors name `${field}.params.<key>`.
 */
export function readRampParams(fault: Fault, field: string, ownKeys: readonly string[], stepped: boolean): { ramp: RampParams; params: Record<string, unknown> } {
  const params = paramsOf(fault, field, [...COMMON_KEYS, ...(stepped ? ['stepMs'] : []), ...ownKeys]);
  const at = (key: string): string => `${field}.params.${key}`;
  const timeToFailureMs = params['timeToFailureMs'];
  requirePositive(timeToFailureMs, at('timeToFailureMs'));
  const latestMs = EventLoop.maxSimulatedTimeMs - fault.atMs;
  if (timeToFailureMs > latestMs) throw new InvalidArgumentError(at('timeToFailureMs'), timeToFailureMs, `a time in (0, ${latestMs}] ms, so the failure falls by EventLoop.maxSimulatedTimeMs`);
  const shape = orDefault(params['shape'], 'linear');
  requireOneOf(shape, at('shape'), RAMP_SHAPES);
  const outcome = orDefault(params['outcome'], 'crash');
  requireOneOf(outcome, at('outcome'), OUTCOMES);
  const noise = orDefault(params['noise'], DEFAULT_NOISE);
  requireProbability(noise, at('noise'));
  const stepMs = stepped ? readStep(orDefault(params['stepMs'], defaultStepMs(timeToFailureMs)), timeToFailureMs, at('stepMs')) : undefined;
  return { ramp: { timeToFailureMs, shape, outcome, noise, stepMs }, params };
}

/** 100 ms, or the whole ramp when shorter, or coarser when 100 ms would be more than `MAX_STEPS` steps. */
function defaultStepMs(timeToFailureMs: number): number {
  return Math.max(Math.min(DEFAULT_STEP_MS, timeToFailureMs), timeToFailureMs / MAX_STEPS);
}

function readStep(stepMs: unknown, timeToFailureMs: number, field: string): number {
  const expected = `a step in [${timeToFailureMs / MAX_STEPS}, ${timeToFailureMs}] ms (at most ${MAX_STEPS} steps up to timeToFailureMs)`;
  requirePositive(stepMs, field);
  // A hair of slack: the default step for a long ramp is exactly timeToFailureMs / MAX_STEPS, up to rounding.
  if (stepMs > timeToFailureMs || timeToFailureMs / stepMs > MAX_STEPS * (1 + 1e-9)) throw new InvalidArgumentError(field, stepMs, expected);
  return stepMs;
}

/** A peak parameter: a finite number in (0, max], or its default when absent. */
export function readPeak(params: Record<string, unknown>, key: string, field: string, fallback: number, max: number): number {
  const value = orDefault(params[key], fallback);
  const expected = `a number in (0, ${max}]`;
  requirePositive(value, `${field}.params.${key}`);
  if (value > max) throw new InvalidArgumentError(`${field}.params.${key}`, value, expected);
  return value;
}

/** The ramp's fraction of its peak at fraction `u` (0..1) of the way to failure. */
export function shapeAt(shape: RampShape, u: number): number {
  const clamped = Math.min(1, Math.max(0, u));
  if (shape === 'linear') return clamped;
  return Math.expm1(EXPONENTIAL_RATE * clamped) / Math.expm1(EXPONENTIAL_RATE);
}

/**
 * The fraction of its peak a degradation stands at `elapsedMs` after onset. Stepped kinds hold
 * the level of their last step (the level the world is actually in); others follow the ramp
 * continuously. A `crash` degradation is over at failure: 0 from then on.
 */
export function levelAt(ramp: RampParams, elapsedMs: number): number {
  if (elapsedMs < 0) return 0;
  if (elapsedMs >= ramp.timeToFailureMs) return ramp.outcome === 'crash' ? 0 : 1;
  if (ramp.stepMs === undefined) return shapeAt(ramp.shape, elapsedMs / ramp.timeToFailureMs);
  // A small tolerance: a step's event time minus the onset can fall a hair below a multiple of the step.
  const steps = Math.floor(elapsedMs / ramp.stepMs + 1e-9);
  return shapeAt(ramp.shape, (steps * ramp.stepMs) / ramp.timeToFailureMs);
}
