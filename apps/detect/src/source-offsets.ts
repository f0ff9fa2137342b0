/**
 * Highest source offset applied per `topic/partition` of the otlp_* topics, kept in a service's
 * checkpoint: ingest republishes a batch's signals after a crash, and this drops the repeats.
 */
export class SourceOffsets {
  constructor(readonly applied: Record<string, string>) {}

  seen(source: { topic: string; partition: number; offset: string }): boolean {
    const applied = this.applied[`${source.topic}/${source.partition}`];
    return applied !== undefined && BigInt(source.offset) <= BigInt(applied);
  }

  mark(source: { topic: string; partition: number; offset: string }): void {
    this.applied[`${source.topic}/${source.partition}`] = source.offset;
  }
}
