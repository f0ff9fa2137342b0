import { bearerToken } from './bearer-token';
import { ROLES, roleAllows, type Role } from './role';

describe('roleAllows', () => {
  it.each<[Role, Role, boolean]>([
    ['viewer', 'viewer', true],
    ['viewer', 'responder', false],
    ['viewer', 'admin', false],
    ['responder', 'viewer', true],
    ['responder', 'responder', true],
    ['responder', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'responder', true],
    ['admin', 'admin', true],
  ])('%s may call a route needing %s: %s', (have, need, allowed) => {
    expect(roleAllows(have, need)).toBe(allowed);
  });

  it('orders the roles lowest first', () => {
    expect(ROLES).toEqual(['viewer', 'responder', 'admin']);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerToken('Bearer vgl_abc-DEF_123')).toBe('vgl_abc-DEF_123');
    expect(bearerToken('bearer  abc.def~+/==')).toBe('abc.def~+/==');
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer two tokens', 'Bearer a=b', `Bearer ${'x'.repeat(513)}`, ['Bearer a', 'Bearer b']])(
    'refuses %p',
    (header) => {
      expect(bearerToken(header)).toBeNull();
    },
  );
});
