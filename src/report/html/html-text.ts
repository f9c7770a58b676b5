import { escapeXml } from '../svg-primitives.js';

// Internal: text and numbers made safe for an HTML page.

/** Escapes text for HTML character data and attribute values. */
export const escapeHtml = escapeXml;

/** Plain text as paragraphs: a blank line starts a new one. */
export function paragraphs(text: string, className?: string): string {
  const attribute = className === undefined ? '' : ` class="${className}"`;
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0)
    .map((paragraph) => `<p${attribute}>${escapeHtml(paragraph)}</p>`)
    .join('\n');
}

/** A number for a table: integers as they are, others to 4 significant digits; absent as a dash. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** One table cell's text. */
export function cellText(value: string | number | boolean | null | undefined): string {
  if (typeof value === 'number' || value === null || value === undefined) return formatNumber(value);
  return String(value);
}

/** An HTML table; every cell is escaped, numbers right-aligned. */
export function htmlTable(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>, caption?: string, className = 'data'): string {
  const head = `<tr>${columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td${typeof cell === 'number' ? ' class="num"' : ''}>${escapeHtml(cellText(cell))}</td>`).join('')}</tr>`);
  const captionHtml = caption === undefined ? '' : `<caption>${escapeHtml(caption)}</caption>`;
  return `<table class="${className}">${captionHtml}<thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/**
 * JSON to embed in a `<script type="application/json">`: `<` is written as `\u003c` so no text in
 * the data can close the script element or open a comment; U+2028 and U+2029 are escaped too.
 * Non-finite numbers become null.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'number' && !Number.isFinite(item) ? null : item))
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Script or style text to inline: a literal `</script` or `</style` (only ever inside a string) is written `<\/…`. */
export function inlineSafe(text: string): string {
  return text.replace(/<\/(script|style)/gi, '<\\/$1');
}
