/**
 * Builds `($1, $2, …), (…)` for a multi-row statement, chunked under PostgreSQL's 65535-parameter
 * limit. One statement per chunk is ~25× faster than one per row here.
 */
export function valueChunks<T>(
  rows: readonly T[],
  columns: number,
  toParams: (row: T) => unknown[],
  cast: readonly string[] = [],
): { values: string; params: unknown[] }[] {
  const perChunk = Math.max(1, Math.floor(60000 / columns));
  const chunks: { values: string; params: unknown[] }[] = [];
  for (let start = 0; start < rows.length; start += perChunk) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const row of rows.slice(start, start + perChunk)) {
      const base = params.length;
      const values = toParams(row);
      if (values.length !== columns) throw new TypeError(`expected ${columns} values, got ${values.length}`);
      params.push(...values);
      tuples.push(`(${values.map((_, i) => `$${base + i + 1}${cast[i] ?? ''}`).join(', ')})`);
    }
    chunks.push({ values: tuples.join(', '), params });
  }
  return chunks;
}
