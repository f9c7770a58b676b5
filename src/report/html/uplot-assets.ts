import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Internal, Node-only: uPlot's browser build and stylesheet, read from the installed `uplot`
// package (a dependency of faultline) so every report carries its own copy and opens offline.

export interface UplotAssets {
  script: string;
  css: string;
}

let cached: UplotAssets | undefined;

/** A `require` that resolves from this module, in the CommonJS and the ES module build alike. */
function requireHere(): NodeJS.Require {
  return typeof require === 'function' ? require : createRequire(import.meta.url);
}

export function uplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  const resolve = requireHere().resolve;
  cached = {
    script: readFileSync(resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return cached;
}
