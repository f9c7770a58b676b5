import { InvalidArgumentError } from '../../errors.js';

/**
 * A value read from EDN (the notation of Jepsen and Knossos histories). Keywords and symbols
 * become their names (`:read` is `'read'`), vectors, lists and sets become arrays, maps become
 * objects keyed by their keys' names, `nil` becomes `null`, integers beyond 2^53 become bigints.
 *
 * @example
 * ```ts
 * const operation: EdnValue = { process: 0, type: 'invoke', f: 'cas', value: [1, 2] };
 * ```
 */
export type EdnValue = null | boolean | number | bigint | string | EdnValue[] | { [key: string]: EdnValue };

// Internal: a small reader for the EDN subset that histories use. Tags (#inst, record literals)
// are dropped and their value kept; `#_` discards the next form; character literals are refused.
// Errors name the line and column.

const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);

export function readEdnForms(text: string): EdnValue[] {
  const reader = new EdnReader(text);
  const forms: EdnValue[] = [];
  for (;;) {
    reader.skipBlank();
    if (reader.atEnd()) return forms;
    forms.push(reader.readForm());
  }
}

class EdnReader {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  skipBlank(): void {
    while (!this.atEnd()) {
      const character = this.text[this.position] as string;
      if (character === ';') {
        const newline = this.text.indexOf('\n', this.position);
        this.position = newline === -1 ? this.text.length : newline + 1;
      } else if (character === ',' || /\s/.test(character)) {
        this.position++;
      } else if (character === '#' && this.text[this.position + 1] === '_') {
        this.position += 2;
        this.readForm();
      } else {
        return;
      }
    }
  }

  readForm(): EdnValue {
    this.skipBlank();
    if (this.atEnd()) this.fail('a value', 'the end of the text');
    const character = this.text[this.position] as string;
    switch (character) {
      case '[':
      case '(':
        this.position++;
        return this.readSequence(character === '[' ? ']' : ')');
      case '{':
        this.position++;
        return this.readMap();
      case '"':
        return this.readString();
      case '#':
        return this.readDispatch();
      case ')':
      case ']':
      case '}':
        return this.fail('a value (nothing is open for it to close)', character);
      case '\\':
        return this.fail('a value other than a character literal', character);
      default:
        return this.readAtom();
    }
  }

  private readSequence(closing: string): EdnValue[] {
    const items: EdnValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.atEnd()) this.fail(`a closing '${closing}'`, 'the end of the text');
      if (this.text[this.position] === closing) {
        this.position++;
        return items;
      }
      items.push(this.readForm());
    }
  }

  private readMap(): { [key: string]: EdnValue } {
    const map: { [key: string]: EdnValue } = {};
    const items = this.readSequence('}');
    if (items.length % 2 !== 0) this.fail('a map with as many values as keys', `${items.length} forms`);
    for (let index = 0; index < items.length; index += 2) {
      Object.defineProperty(map, keyName(items[index] as EdnValue), { value: items[index + 1], enumerable: true, writable: true, configurable: true });
    }
    return map;
  }

  private readString(): string {
    let result = '';
    this.position++;
    for (;;) {
      if (this.atEnd()) this.fail("a closing '\"'", 'the end of the text');
      const character = this.text[this.position++] as string;
      if (character === '"') return result;
      if (character !== '\\') {
        result += character;
        continue;
      }
      const escaped = this.text[this.position++];
      if (escaped === 'n') result += '\n';
      else if (escaped === 't') result += '\t';
      else if (escaped === 'r') result += '\r';
      else if (escaped === '"' || escaped === '\\') result += escaped;
      else if (escaped === 'u') {
        result += String.fromCharCode(Number.parseInt(this.text.slice(this.position, this.position + 4), 16));
        this.position += 4;
      } else this.fail('a string escape (\\n, \\t, \\r, \\", \\\\, \\uXXXX)', `\\${escaped ?? ''}`);
    }
  }

  private readDispatch(): EdnValue {
    const next = this.text[this.position + 1];
    if (next === '{') {
      this.position += 2;
      return this.readSequence('}');
    }
    this.position++;
    this.readAtom();
    return this.readForm();
  }

  private readAtom(): EdnValue {
    const start = this.position;
    while (!this.atEnd()) {
      const character = this.text[this.position] as string;
      if (DELIMITERS.has(character) || character === ',' || /\s/.test(character)) break;
      this.position++;
    }
    const token = this.text.slice(start, this.position);
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) return token.slice(1);
    if (/^[+-]?\d+N?$/.test(token)) return readInteger(token.replace(/N$/, ''));
    if (/^[+-]?\d+(\.\d*)?([eE][+-]?\d+)?M?$/.test(token)) return Number(token.replace(/M$/, ''));
    if (/^[+-]?\d/.test(token)) this.fail('a number', token, start);
    return token;
  }

  private fail(expected: string, found: string, at = this.position): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new InvalidArgumentError(`text (EDN, line ${line}, column ${column})`, found, expected);
  }
}

function readInteger(token: string): number | bigint {
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : BigInt(token);
}

function keyName(key: EdnValue): string {
  return typeof key === 'string' ? key : JSON.stringify(key, (_, inner: unknown) => (typeof inner === 'bigint' ? String(inner) : inner));
}
