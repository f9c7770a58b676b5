/**
 * PHOLD on SIM.JS (`simjs` on npm), the best-known discrete-event library for JavaScript: the
 * peer faultline is compared with. Each logical process is a SIM.JS entity; an event is a timer
 * request (`setTimer(delay).done(handler, entity)`), SIM.JS's own way to schedule one. Same model,
 * same parameters and same `advance` semantics as phold.ts; random numbers from mulberry32, as
 * in baseline-heap.ts.
 *
 * The loop steps with `sim.step()` while the earliest request is due: `simulate(until)` would
 * drop the first request past `until` (it removes it before looking at its time), and the
 * population would decay batch by batch.
 */
import { createRequire } from 'node:module';
import type { Entity, Sim } from 'simjs';
import { horizonFor, LOOKAHEAD, type PholdModel, type PholdParameters } from './phold.js';
import { mulberry32 } from './random.js';

/**
 * simjs 2.0.3 ships a browserify bundle whose exports reach only `window.Sim`: under Node,
 * `require('simjs')` is an empty object. Load it with a stand-in `window` and take the classes.
 */
function loadSimjs(): typeof import('simjs').default {
  const globals = globalThis as { window?: { Sim?: typeof import('simjs').default } };
  const hadWindow = 'window' in globals;
  globals.window ??= {};
  createRequire(import.meta.url)('simjs');
  const loaded = globals.window.Sim;
  if (!hadWindow) delete globals.window;
  if (loaded === undefined) throw new Error('simjs did not register window.Sim');
  return loaded;
}

const simjs = loadSimjs();

class LogicalProcess extends simjs.Entity {
  start(): void {}
}

export function createSimjsPhold(parameters: PholdParameters, seed = 1): PholdModel {
  const { lps, pop } = parameters;
  const random = mulberry32(seed);
  const sim: Sim = new simjs.Sim();
  const processes: Entity[] = [];
  for (let lp = 0; lp < lps; lp++) processes.push(sim.addEntity(LogicalProcess));
  const lastIndex = lps;
  function fire(): void {
    const target = processes[Math.floor(random() * lastIndex)]!;
    target.setTimer(LOOKAHEAD - Math.log(1 - random())).done(fire, target);
  }
  for (const process of processes) {
    for (let copy = 0; copy < pop; copy++) process.setTimer(LOOKAHEAD - Math.log(1 - random())).done(fire, process);
  }
  let now = LOOKAHEAD;
  return {
    advance(events) {
      const until = now + horizonFor(events, parameters);
      const queue = sim.queue.data;
      let processed = 0;
      while (queue.length > 0 && queue[0]!.deliverAt <= until) {
        sim.step();
        processed++;
      }
      now = until;
      return processed;
    },
  };
}
