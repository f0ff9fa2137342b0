/**
 * CRC-32C (Castagnoli), slicing-by-8: eight table lookups per 8 bytes instead of one per byte.
 * Kafka checksums every record batch with it; kafkajs's byte-at-a-time version was ~5% of an
 * ingest worker's CPU, publishing the signals hand-off.
 */
const POLY = 0x82f63b78;
const TABLES = new Int32Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  TABLES[i] = c;
}
for (let t = 1; t < 8; t++) {
  for (let i = 0; i < 256; i++) {
    const previous = TABLES[(t - 1) * 256 + i] as number;
    TABLES[t * 256 + i] = (previous >>> 8) ^ (TABLES[previous & 0xff] as number);
  }
}

export function crc32c(buffer: Uint8Array): number {
  const T = TABLES;
  let crc = -1;
  let i = 0;
  const n = buffer.length;
  for (const end = n - (n % 8); i < end; i += 8) {
    crc ^= (buffer[i] as number) | ((buffer[i + 1] as number) << 8) | ((buffer[i + 2] as number) << 16) | ((buffer[i + 3] as number) << 24);
    crc =
      (T[1792 + (crc & 0xff)] as number) ^
      (T[1536 + ((crc >>> 8) & 0xff)] as number) ^
      (T[1280 + ((crc >>> 16) & 0xff)] as number) ^
      (T[1024 + (crc >>> 24)] as number) ^
      (T[768 + (buffer[i + 4] as number)] as number) ^
      (T[512 + (buffer[i + 5] as number)] as number) ^
      (T[256 + (buffer[i + 6] as number)] as number) ^
      (T[buffer[i + 7] as number] as number);
  }
  for (; i < n; i++) crc = (T[(crc ^ (buffer[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
