import { InvalidArgumentError } from '../../errors.js';

// Internal: checks the patterns need beyond src/validate.ts.

/** Throws unless `value` is an integer in [min, max]. */
export function requireIntegerInRange(value: unknown, field: string, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, value, `an integer in [${min}, ${max}]`);
  }
}

/** Throws unless `value` is an object with a `random()` method (an `Rng`). */
export function requireUniformSource(value: unknown, field: string): asserts value is { random(): number } {
  if (typeof value !== 'object' || value === null || typeof (value as { random?: unknown }).random !== 'function') {
    throw new InvalidArgumentError(field, value, 'a seeded stream with random() (ctx.rng or sim.rng(name))');
  }
}
