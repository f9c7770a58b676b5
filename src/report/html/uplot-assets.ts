import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// Internal, Node-only: uPlot's browser build and stylesheet, read from the installed `uplot`
// package (a dependency of faultline) so every report carries its own copy and opens offline.

export interface UplotAssets {
  script: string;
  css: string;
}

let cached: UplotAssets | undefined;

export function uplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  // The CommonJS build gets `import.meta.url` from tsup (the file's own URL), as the ES module build has it.
  const resolve = createRequire(import.meta.url).resolve;
  cached = {
    script: readFileSync(resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return cached;
}
