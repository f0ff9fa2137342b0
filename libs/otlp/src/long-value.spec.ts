import { int64ToAttributeValue, int64ToBigInt, uint64ToDecimal } from './long-value';

// protobufjs hands 64-bit fields over as Long { low, high } words; extremes the SDK cannot emit.
describe('64-bit values from protobufjs Longs', () => {
  it('reads fixed64 as an exact unsigned decimal string, up to 2^64 - 1', () => {
    expect(uint64ToDecimal({ low: 0, high: 0 })).toBe('0');
    expect(uint64ToDecimal({ low: 0x3d85_cd15, high: 0x1797_9cfe })).toBe('1700000000123456789');
    expect(uint64ToDecimal({ low: -1, high: -1 })).toBe('18446744073709551615');
  });

  it('reads int64 as signed, whatever the words look like', () => {
    expect(int64ToBigInt({ low: -1, high: -1 })).toBe(-1n);
    expect(int64ToBigInt({ low: 0, high: 0x8000_0000 })).toBe(-(2n ** 63n));
    expect(int64ToBigInt({ low: -1, high: 0x7fff_ffff })).toBe(2n ** 63n - 1n);
  });

  it('keeps int64 a number only while it is exact', () => {
    expect(int64ToAttributeValue(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(int64ToAttributeValue(-(2n ** 53n) + 1n)).toBe(Number.MIN_SAFE_INTEGER);
    expect(int64ToAttributeValue(2n ** 53n)).toBe('9007199254740992');
    expect(int64ToAttributeValue(-(2n ** 53n) - 1n)).toBe('-9007199254740993');
  });
});
