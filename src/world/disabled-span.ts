import type { SpanHandle } from './span-api.js';

/** The handle `ctx.span` returns when tracing is off: every method does nothing. */
export const disabledSpan: SpanHandle = Object.freeze({
  traceId: '',
  spanId: '',
  setAttribute() {},
  addEvent() {},
  setError() {},
  end() {},
});
