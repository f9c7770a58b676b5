import { describe, expect, it } from 'vitest';
import { fc, prop } from '../kernel/prop.js';
import { linkStreamName } from '../../src/world/link-stream-name.js';

describe('linkStreamName', () => {
  prop([fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' })], { numRuns: 500 })('is link: and the JSON of the pair, escapes included', (from, to) => {
    expect(linkStreamName(from, to)).toBe(`link:${JSON.stringify([from, to])}`);
    // The second call answers from memory, with the same text.
    expect(linkStreamName(from, to)).toBe(`link:${JSON.stringify([from, to])}`);
  });

  it('keeps ids that a separator would merge apart', () => {
    expect(linkStreamName('p', '->q')).not.toBe(linkStreamName('p->', 'q'));
  });

  it('stays right after it forgets (more pairs than it remembers)', () => {
    for (let index = 0; index < 20_000; index++) {
      const from = `n${index % 150}`;
      const to = `m${index}`;
      expect(linkStreamName(from, to)).toBe(`link:${JSON.stringify([from, to])}`);
    }
    expect(linkStreamName('n1', 'm1')).toBe('link:["n1","m1"]');
  });
});
