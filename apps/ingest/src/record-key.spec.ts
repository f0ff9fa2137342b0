import { recordKeys } from './record-key';

describe('recordKeys', () => {
  it('is the same for the same bytes and differs for different bytes', () => {
    const a = recordKeys(Buffer.from('request-a'), 3);
    expect(recordKeys(Buffer.from('request-a'), 3)).toEqual(a);
    expect(new Set(a).size).toBe(3);
    expect(recordKeys(Buffer.from('request-b'), 1)[0]).not.toBe(a[0]);
  });
});
