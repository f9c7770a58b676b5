import { expect } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';

/** Runs `action` and returns what it threw; fails if it did not throw. */
export function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

/** Asserts `action` throws an InvalidArgumentError whose field is `field` and whose message names it. */
export function expectInvalidArgument(action: () => unknown, field: string): void {
  const error = catchError(action);
  expect(error).toBeInstanceOf(InvalidArgumentError);
  const invalid = error as InvalidArgumentError;
  expect(invalid.code).toBe('INVALID_ARGUMENT');
  expect(invalid.field).toBe(field);
  expect(invalid.message).toContain(field);
}
