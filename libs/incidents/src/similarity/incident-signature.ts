/** What an incident looked like, as a set of tokens: which services, and what went wrong where. */
export function incidentSignature(members: readonly { service: string; kind: string; signal: string }[]): string[] {
  const tokens = new Set<string>();
  for (const m of members) {
    tokens.add(`svc:${m.service}`);
    tokens.add(`kind:${m.service}:${m.kind}`);
    // Metric and span series keys carry ids that differ between incidents only in noise; the
    // part after the last '#' (errors, p95, …) and the series name are what recur.
    tokens.add(`sig:${m.service}:${m.signal}`);
  }
  return [...tokens].sort();
}

export interface PastIncident {
  id: string;
  number: number;
  title: string;
  signature: readonly string[];
  resolvedAtMs: number | null;
  resolution: string | null;
  /** Runbooks whose runs succeeded during it, if any. */
  fixedBy: readonly string[];
}

export interface SimilarIncident extends PastIncident {
  similarity: number;
}

/**
 * Past incidents most like this signature (weighted Jaccard: a shared signal counts more than a
 * shared service), best first, above `minSimilarity`.
 */
export function similarIncidents(signature: readonly string[], past: readonly PastIncident[], options: { limit?: number; minSimilarity?: number } = {}): SimilarIncident[] {
  const limit = options.limit ?? 5;
  const min = options.minSimilarity ?? 0.25;
  const weight = (t: string): number => (t.startsWith('sig:') ? 3 : t.startsWith('kind:') ? 2 : 1);
  const mine = new Set(signature);
  const mineWeight = signature.reduce((sum, t) => sum + weight(t), 0);
  const scored: SimilarIncident[] = [];
  for (const p of past) {
    let shared = 0;
    let theirs = 0;
    for (const t of p.signature) {
      const w = weight(t);
      theirs += w;
      if (mine.has(t)) shared += w;
    }
    const union = mineWeight + theirs - shared;
    const similarity = union === 0 ? 0 : shared / union;
    if (similarity >= min) scored.push({ ...p, similarity: Number(similarity.toFixed(3)) });
  }
  scored.sort((a, b) => b.similarity - a.similarity || (b.resolvedAtMs ?? 0) - (a.resolvedAtMs ?? 0));
  return scored.slice(0, limit);
}
