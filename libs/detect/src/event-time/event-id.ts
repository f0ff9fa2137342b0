/** FNV-1a, 64-bit, as hex: a deterministic id for anomaly events (replay yields the same ids). */
export function eventId(...parts: string[]): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const text = parts.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * prime) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
