/**
 * PostgreSQL text and jsonb cannot hold U+0000, and one such log line would fail its whole
 * batch forever. Replace it with U+FFFD (the only lossy change) so the record still lands.
 */
export function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text;
}

/** JSON text for a jsonb parameter; JSON.stringify writes NUL as the escape `\u0000`, which jsonb rejects. */
export function toJsonb(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  // An odd run of backslashes before u0000 is an escape; an even run is literal backslashes then text.
  return json.replace(/(\\+)u0000/g, (match, slashes: string) =>
    slashes.length % 2 === 1 ? `${slashes.slice(0, -1)}\\uFFFD` : match,
  );
}
