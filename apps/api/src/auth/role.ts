/** What a token may do. Each role includes the ones below it: admin ⊇ responder ⊇ viewer. */
export type Role = 'viewer' | 'responder' | 'admin';

/** Lowest first; a role's rank is its index. */
export const ROLES = ['viewer', 'responder', 'admin'] as const satisfies readonly Role[];

/** True when a token with role `have` may call a route that needs `need`. */
export function roleAllows(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}
