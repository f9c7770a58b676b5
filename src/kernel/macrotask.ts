// Async node code resumes in microtasks. Yielding to the macrotask queue is the one portable way
// to know that every microtask queued so far (and every one those queued) has run. This is about
// ordering, not wall-clock time: nothing here measures or waits for real time.

import { InvalidStateError } from '../errors.js';

type Scheduler = (resume: () => void) => void;

let scheduleMacrotask: Scheduler | undefined;

function pickScheduler(): Scheduler {
  const global = globalThis as { setImmediate?: (callback: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof global.setImmediate === 'function') {
    const setImmediate = global.setImmediate;
    return (resume) => void setImmediate(resume);
  }
  if (typeof global.MessageChannel === 'function') {
    const channel = new global.MessageChannel();
    const waiting: Array<() => void> = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return (resume) => {
      waiting.push(resume);
      channel.port2.postMessage(0);
    };
  }
  throw new InvalidStateError('runAsync needs setImmediate or MessageChannel, and this runtime has neither');
}

/** Resolves after every microtask queued before it, and every one those queue, has run. */
export function yieldToMacrotask(): Promise<void> {
  scheduleMacrotask ??= pickScheduler();
  const schedule = scheduleMacrotask;
  return new Promise((resolve) => schedule(resolve));
}
