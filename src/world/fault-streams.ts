import type { EventLoop } from '../kernel/event-loop.js';
import type { Rng } from '../kernel/rng.js';
import type { NodeRuntime } from './node-runtime.js';

// A node's fault streams are made on first use, each on its own name, so a fault's draws never
// shift the numbers any other component sees.

export function omissionRng(loop: EventLoop, node: NodeRuntime): Rng {
  node.omissionRng ??= loop.rng(`fault:omission:${node.id}`);
  return node.omissionRng;
}

export function byzantineRng(loop: EventLoop, node: NodeRuntime): Rng {
  node.byzantineRng ??= loop.rng(`fault:byzantine:${node.id}`);
  return node.byzantineRng;
}
