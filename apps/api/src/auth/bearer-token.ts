/** RFC 6750 b64token, bounded: nothing longer is a Vigil token, and hashing it would be wasted work. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,512}=*)$/i;

/** The token of an `Authorization: Bearer <token>` header; null when missing or malformed. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  return BEARER.exec(header.trim())?.[1] ?? null;
}
