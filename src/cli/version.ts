import { readFileSync } from 'node:fs';

/** Set by the build (tsup `define`); from source, read from package.json instead. */
declare const __FAULTLINE_VERSION__: string | undefined;

/**
 * The running faultline's version.
 *
 * @example
 * ```ts
 * faultlineVersion(); // '0.1.0'
 * ```
 */
export function faultlineVersion(): string {
  if (typeof __FAULTLINE_VERSION__ === 'string') return __FAULTLINE_VERSION__;
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
