/**
 * A checker for the Trace Event Format (the JSON Chrome's tracing and Perfetto read), from its
 * definition: what every event needs, what each phase adds, how flows pair up and bind to slices.
 * Returns the rules broken, one line each; an empty list means the trace is well formed.
 */
const PHASES = new Set(['B', 'E', 'X', 'i', 'I', 'C', 'b', 'n', 'e', 's', 't', 'f', 'P', 'N', 'O', 'D', 'M', 'R', 'c', '(', ')']);
const METADATA_NAMES = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']);
const DISPLAY_UNITS = new Set(['ms', 'ns']);

type Event = Record<string, unknown>;

export function traceEventFormatViolations(trace: unknown): string[] {
  const problems: string[] = [];
  if (typeof trace !== 'object' || trace === null || !Array.isArray((trace as Event)['traceEvents'])) return ['the JSON object form needs a traceEvents array'];
  const unit = (trace as Event)['displayTimeUnit'];
  if (unit !== undefined && !DISPLAY_UNITS.has(unit as string)) problems.push(`displayTimeUnit must be ms or ns, got ${String(unit)}`);
  const events = (trace as Event)['traceEvents'] as Event[];
  events.forEach((event, index) => problems.push(...eventViolations(event, index)));
  problems.push(...nestingViolations(events), ...flowViolations(events));
  return problems;
}

function eventViolations(event: Event, index: number): string[] {
  const at = `event ${index} (${String(event['ph'])} ${String(event['name'])})`;
  const problems: string[] = [];
  if (!PHASES.has(event['ph'] as string)) return [`${at}: unknown phase`];
  if (typeof event['name'] !== 'string') problems.push(`${at}: name must be a string`);
  if (!Number.isInteger(event['pid'])) problems.push(`${at}: pid must be an integer`);
  if (!Number.isInteger(event['tid'])) problems.push(`${at}: tid must be an integer`);
  if (event['cat'] !== undefined && typeof event['cat'] !== 'string') problems.push(`${at}: cat must be a string`);
  if (event['args'] !== undefined && (typeof event['args'] !== 'object' || event['args'] === null)) problems.push(`${at}: args must be an object`);
  if (event['ph'] !== 'M' && !(typeof event['ts'] === 'number' && Number.isFinite(event['ts']) && event['ts'] >= 0)) problems.push(`${at}: ts must be a non-negative number of microseconds`);
  switch (event['ph']) {
    case 'X':
      if (!(typeof event['dur'] === 'number' && Number.isFinite(event['dur']) && event['dur'] >= 0)) problems.push(`${at}: a complete event needs dur >= 0`);
      break;
    case 'i':
    case 'I':
      if (event['s'] !== undefined && !['g', 'p', 't'].includes(event['s'] as string)) problems.push(`${at}: instant scope must be g, p or t`);
      break;
    case 's':
    case 't':
    case 'f':
      if (event['id'] === undefined) problems.push(`${at}: a flow event needs an id`);
      if (typeof event['cat'] !== 'string') problems.push(`${at}: a flow event needs a cat (flows are keyed by cat and id)`);
      if (event['bp'] !== undefined && event['bp'] !== 'e') problems.push(`${at}: bp must be "e"`);
      break;
    case 'M':
      if (!METADATA_NAMES.has(event['name'] as string)) problems.push(`${at}: unknown metadata name`);
      if (typeof event['args'] !== 'object' || event['args'] === null) problems.push(`${at}: metadata needs args`);
      else if (String(event['name']).endsWith('_name') && typeof (event['args'] as Event)['name'] !== 'string') problems.push(`${at}: a *_name metadata event needs args.name`);
      else if (String(event['name']).endsWith('_sort_index') && !Number.isInteger((event['args'] as Event)['sort_index'])) problems.push(`${at}: a *_sort_index metadata event needs an integer args.sort_index`);
      break;
  }
  return problems;
}

/** Complete events on one thread must nest: a slice that starts inside another ends inside it. */
function nestingViolations(events: Event[]): string[] {
  const problems: string[] = [];
  for (const [thread, slices] of groupSlices(events)) {
    const open: Array<{ end: number; name: string }> = [];
    for (const slice of slices) {
      const start = slice['ts'] as number;
      const end = start + (slice['dur'] as number);
      while (open.length > 0 && open[open.length - 1]!.end <= start) open.pop();
      const parent = open[open.length - 1];
      if (parent !== undefined && end > parent.end) problems.push(`thread ${thread}: '${String(slice['name'])}' [${start}, ${end}] overlaps '${parent.name}' (ending ${parent.end}) without nesting`);
      open.push({ end, name: String(slice['name']) });
    }
  }
  return problems;
}

/** Every flow has exactly one start and one end, the end not before the start, each bound to a slice on its thread. */
function flowViolations(events: Event[]): string[] {
  const problems: string[] = [];
  const slicesByThread = groupSlices(events);
  const flows = new Map<string, Event[]>();
  for (const event of events) {
    if (!['s', 't', 'f'].includes(event['ph'] as string)) continue;
    const key = `${String(event['cat'])}:${String(event['id'])}`;
    flows.set(key, [...(flows.get(key) ?? []), event]);
    const slices = slicesByThread.get(threadOf(event)) ?? [];
    const ts = event['ts'] as number;
    if (!slices.some((slice) => (slice['ts'] as number) <= ts && ts <= (slice['ts'] as number) + (slice['dur'] as number))) {
      problems.push(`flow ${key}: its ${String(event['ph'])} event at ${ts} on thread ${threadOf(event)} has no enclosing slice to bind to`);
    }
  }
  for (const [key, phases] of flows) {
    const starts = phases.filter((event) => event['ph'] === 's');
    const ends = phases.filter((event) => event['ph'] === 'f');
    if (starts.length !== 1 || ends.length !== 1) {
      problems.push(`flow ${key}: ${starts.length} starts and ${ends.length} ends (needs one of each)`);
      continue;
    }
    if ((ends[0]!['ts'] as number) < (starts[0]!['ts'] as number)) problems.push(`flow ${key}: ends before it starts`);
  }
  return problems;
}

function threadOf(event: Event): string {
  return `${String(event['pid'])}/${String(event['tid'])}`;
}

function groupSlices(events: Event[]): Map<string, Event[]> {
  const threads = new Map<string, Event[]>();
  for (const event of events) {
    if (event['ph'] !== 'X') continue;
    threads.set(threadOf(event), [...(threads.get(threadOf(event)) ?? []), event]);
  }
  // Longer slices first at one start time, so a parent opens before the children it holds.
  for (const slices of threads.values()) slices.sort((a, b) => (a['ts'] as number) - (b['ts'] as number) || (b['dur'] as number) - (a['dur'] as number));
  return threads;
}
