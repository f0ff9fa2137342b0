import { formatDuration } from './format-duration';

const S = 1000;
const MIN = 60 * S;

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [42 * S, '42s'],
    [59_999, '59s'],
    [60 * S, '1m 00s'],
    [7 * MIN + 5 * S, '7m 05s'],
    [59 * MIN + 59 * S + 999, '59m 59s'],
    [60 * MIN, '1h 00m'],
    [2 * 60 * MIN + 3 * MIN + 59 * S, '2h 03m'],
    [24 * 60 * MIN, '1d 0h'],
    [28 * 60 * MIN + 59 * MIN, '1d 4h'],
    [10 * 24 * 60 * MIN + 23 * 60 * MIN, '10d 23h'],
    [-90 * S, '-1m 30s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('refuses what is not a duration', () => {
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
    expect(() => formatDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
