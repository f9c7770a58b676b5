import { logLevels, type LogEntry, type LogLevel } from '../../world/event-log.js';
import { rejectUnknownKeys, requireFinite, requireObject, requireOneOf, requireString } from '../../validate.js';
import { InvalidArgumentError } from '../../errors.js';

/**
 * Which log entries `sim.logs(query)` returns: every given condition must hold.
 *
 * @example
 * ```ts
 * sim.logs({ node: 'db', minLevel: 'warn', fromMs: 1_000, toMs: 2_000, fields: { key: 'x' } });
 * ```
 */
export interface LogQuery {
  /** Only entries written by this node (or any of these nodes). */
  node?: string | readonly string[];
  /** Only entries at exactly this level. */
  level?: LogLevel;
  /** Only entries at this level or more serious. */
  minLevel?: LogLevel;
  /** Only entries at or after this true time. */
  fromMs?: number;
  /** Only entries before this true time. */
  toMs?: number;
  /** Only entries whose fields hold these values (compared with `Object.is`). */
  fields?: Record<string, unknown>;
  /** Only entries whose message contains this text. */
  messageIncludes?: string;
}

const QUERY_KEYS = ['node', 'level', 'minLevel', 'fromMs', 'toMs', 'fields', 'messageIncludes'];

/**
 * The entries a query selects, in their original order.
 *
 * @example
 * ```ts
 * const errors = queryLogs(sim.logs(), { minLevel: 'error' });
 * ```
 */
export function queryLogs(entries: readonly LogEntry[], query: LogQuery): LogEntry[] {
  const matches = compileLogQuery(query);
  return entries.filter(matches);
}

/** Validates a query once and returns its test. */
function compileLogQuery(query: LogQuery): (entry: LogEntry) => boolean {
  const raw: unknown = query;
  requireObject(raw, 'logs(query)');
  rejectUnknownKeys(raw, 'logs(query)', QUERY_KEYS);
  const nodes = readNodes(query.node);
  if (query.level !== undefined) requireOneOf(query.level, 'logs(query).level', logLevels);
  if (query.minLevel !== undefined) requireOneOf(query.minLevel, 'logs(query).minLevel', logLevels);
  if (query.fromMs !== undefined) requireFinite(query.fromMs, 'logs(query).fromMs');
  if (query.toMs !== undefined) requireFinite(query.toMs, 'logs(query).toMs');
  if (query.fromMs !== undefined && query.toMs !== undefined && query.toMs < query.fromMs) {
    throw new InvalidArgumentError('logs(query).toMs', query.toMs, `a time at or after fromMs (${query.fromMs})`);
  }
  if (query.fields !== undefined) requireObject(query.fields as unknown, 'logs(query).fields');
  if (query.messageIncludes !== undefined) requireString(query.messageIncludes, 'logs(query).messageIncludes');
  const minRank = query.minLevel === undefined ? 0 : logLevels.indexOf(query.minLevel);
  const wantedFields = query.fields === undefined ? [] : Object.entries(query.fields);
  return (entry) =>
    (nodes === undefined || nodes.has(entry.node)) &&
    (query.level === undefined || entry.level === query.level) &&
    logLevels.indexOf(entry.level) >= minRank &&
    (query.fromMs === undefined || entry.timeMs >= query.fromMs) &&
    (query.toMs === undefined || entry.timeMs < query.toMs) &&
    (query.messageIncludes === undefined || entry.message.includes(query.messageIncludes)) &&
    wantedFields.every(([key, value]) => entry.fields !== undefined && Object.hasOwn(entry.fields, key) && Object.is(entry.fields[key], value));
}

function readNodes(node: unknown): Set<string> | undefined {
  if (node === undefined) return undefined;
  const list = typeof node === 'string' ? [node] : node;
  if (!Array.isArray(list)) throw new InvalidArgumentError('logs(query).node', node, 'a node id or an array of node ids');
  list.forEach((id, index) => requireString(id, `logs(query).node[${index}]`));
  return new Set(list as string[]);
}
