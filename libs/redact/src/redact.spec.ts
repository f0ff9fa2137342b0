import { findPans, luhnValid, redactValue, SensitiveDataRedactor, type RedactionCounts } from './index';

describe('luhnValid', () => {
  it('accepts test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
});

describe('findPans', () => {
  it.each([
    ['charge 4111111111111111 declined', '4111111111111111'],
    ['card=4111-1111-1111-1111 ok', '4111111111111111'],
    ['card 4111 1111 1111 1111 exp', '4111111111111111'],
    ['amex 3782 822463 10005.', '378282246310005'],
    ['discover 6011000990139424', '6011000990139424'],
    ['maestro 6759649826438453', '6759649826438453'],
  ])('%s', (text, expected) => {
    expect(findPans(text).map((m) => m.digits)).toEqual([expected]);
  });

  it('ignores digit runs that fail Luhn, are too short, or are glued to identifiers', () => {
    expect(findPans('order 1234567890123 placed')).toEqual([]); // 13 digits, not Luhn-valid
    expect(findPans('pid 4111111 port 8080')).toEqual([]);
    expect(findPans('id=ab4111111111111111')).toEqual([]);
    expect(findPans('ts 1700000000000000000 ns')).toEqual([]);
  });

  it('finds a PAN typed next to its CVV', () => {
    expect(findPans('4111 1111 1111 1111 123').map((m) => m.digits)).toEqual(['4111111111111111']);
  });
});

describe('SensitiveDataRedactor', () => {
  const redactor = new SensitiveDataRedactor({ patterns: ['password=\\S+'] });

  it('masks PANs keeping the last four digits and counts them', () => {
    const result = redactor.redact('charge card 4111-1111-1111-1111 and 5555 5555 5555 4444 failed');
    expect(result.text).toBe('charge card [PAN ****1111] and [PAN ****4444] failed');
    expect(result.counts).toEqual({ pan: 2 });
    expect(result.text).not.toMatch(/\d{13}/);
  });

  it('masks bearer tokens, JWTs and configured patterns', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const result = redactor.redact(`Authorization: Bearer abc.def-123== token ${jwt} login password=hunter2 done`);
    expect(result.text).toBe('Authorization: Bearer [REDACTED] token [JWT] login [REDACTED] done');
    expect(result.counts).toEqual({ bearer_token: 1, jwt: 1, pattern: 1 });
  });

  it('returns the text untouched and no counts when there is nothing to mask', () => {
    const text = 'GET /api/v1/payments/123 200 in 35 ms';
    const result = redactor.redact(text);
    expect(result.text).toBe(text);
    expect(result.counts).toBeNull();
  });

  it('rejects an invalid configured pattern with a message naming it', () => {
    expect(() => new SensitiveDataRedactor({ patterns: ['(unclosed'] })).toThrow(/invalid redaction pattern "\(unclosed"/);
  });
});

describe('redactValue', () => {
  const redactor = new SensitiveDataRedactor();

  it('masks strings and int64 card numbers inside nested attributes and keeps other values', () => {
    const counts: RedactionCounts = {};
    const value = { card: 4111111111111111, nested: { list: ['ok', 'pan 5555555555554444'] }, n: 42, flag: true };
    const out = redactValue(redactor, value, counts);
    expect(out).toEqual({ card: '[PAN ****1111]', nested: { list: ['ok', 'pan [PAN ****4444]'] }, n: 42, flag: true });
    expect(counts).toEqual({ pan: 2 });
    expect(value.card).toBe(4111111111111111); // input not mutated
  });

  it('returns the same object when nothing changed', () => {
    const value = { a: 'fine', b: [1, 2] };
    expect(redactValue(redactor, value, {})).toBe(value);
  });
});
