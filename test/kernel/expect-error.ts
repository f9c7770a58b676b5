import { expect } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';

/** Returns what `action` throws; fails the test if it returns normally. */
export function catchError(action: () => unknown, label = 'the action'): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${label} to throw`);
}

/** Like {@link catchError} for an async action. */
export async function catchRejection(action: () => Promise<unknown>, label = 'the action'): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${label} to reject`);
}

/** Asserts `error` is an InvalidArgumentError whose field is `field` and whose message names it. */
export function expectInvalidArgumentError(error: unknown, field: string): InvalidArgumentError {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  const invalid = error as InvalidArgumentError;
  expect(invalid.code).toBe('INVALID_ARGUMENT');
  expect(invalid.field).toBe(field);
  expect(invalid.message).toContain(field);
  return invalid;
}

/** Asserts `action` throws an InvalidArgumentError whose field is `field` and whose message names it. */
export function expectInvalidArgument(action: () => unknown, field: string, label = `a call with a bad '${field}'`): InvalidArgumentError {
  return expectInvalidArgumentError(catchError(action, label), field);
}
