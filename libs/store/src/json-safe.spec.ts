import { stripNul, toJsonb } from './json-safe';

describe('json-safe', () => {
  it('replaces NUL in text and in JSON escapes', () => {
    expect(stripNul('a\u0000b')).toBe('a\uFFFDb');
    expect(JSON.parse(toJsonb({ k: 'a\u0000b' }))).toEqual({ k: 'a\uFFFDb' });
  });

  it('leaves a literal backslash-u0000 text alone', () => {
    const value = { k: 'path\\u0000x' };
    expect(JSON.parse(toJsonb(value))).toEqual(value);
  });
});
