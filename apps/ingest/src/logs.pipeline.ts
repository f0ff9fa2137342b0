import type { NormalizedLogRecord, OtlpEncoding, SignalBatch } from '@vigil/contracts';
import { decodeLogsRequest } from '@vigil/otlp';
import { EvidenceSampler, isProblemSeverity, LogCountRollup, minuteOf } from '@vigil/rollup';
import { redactValue, type RedactionCounts, type SensitiveDataRedactor } from '@vigil/redact';
import { LogRecordRepository, RedactionRepository, RollupRepository, type LogRecordToStore, type Queryable, type RedactionCountRow } from '@vigil/store';
import { recordKeys } from './record-key';
import { byService, sourceOf, type DecodedMessage, type SignalPipeline } from './signal-pipeline';

interface LogAggregate {
  counts: LogCountRollup;
  samples: LogRecordToStore[];
  redactions: Map<string, RedactionCountRow>;
}

export class LogsPipeline implements SignalPipeline<NormalizedLogRecord, LogAggregate> {
  readonly signal = 'logs' as const;

  /** What each decoded record had masked; only records that had something are in here. */
  private readonly redacted = new WeakMap<NormalizedLogRecord, RedactionCounts>();

  constructor(
    private readonly encoding: OtlpEncoding,
    private readonly maxBytes: number,
    private readonly sampler: EvidenceSampler,
    private readonly redactor: SensitiveDataRedactor,
  ) {}

  /**
   * Decodes and masks secrets in place, before anything is published or stored: card numbers,
   * tokens and configured patterns never leave ingestion.
   */
  decode(value: Buffer): NormalizedLogRecord[] {
    const records = decodeLogsRequest(value, this.encoding, { maxBytes: this.maxBytes });
    // One scratch tally, copied out only for the rare record that had something masked.
    let counts: RedactionCounts = {};
    for (const record of records) {
      record.body = redactValue(this.redactor, record.body, counts);
      record.attributes = redactValue(this.redactor, record.attributes, counts) as NormalizedLogRecord['attributes'];
      if (counts.pan || counts.bearer_token || counts.jwt || counts.pattern) {
        this.redacted.set(record, counts);
        counts = {};
      }
    }
    return records;
  }

  toSignals({ message, records }: DecodedMessage<NormalizedLogRecord>): SignalBatch[] {
    return [...byService(records)].map(([service, logs]) => ({
      v: 1,
      kind: 'logs',
      service,
      source: sourceOf(message),
      items: logs.map((r) => ({
        timeUnixNano: r.timeUnixNano,
        severityNumber: r.severityNumber,
        body: r.body,
        traceId: r.traceId,
        spanId: r.spanId,
      })),
    }));
  }

  newAggregate(): LogAggregate {
    return { counts: new LogCountRollup(), samples: [], redactions: new Map() };
  }

  add(aggregate: LogAggregate, { message, records }: DecodedMessage<NormalizedLogRecord>): void {
    let keys: string[] | undefined;
    const source = `${message.topic}/${message.partition}@${message.offset}`;
    records.forEach((record, i) => {
      const minute = minuteOf(record.timeUnixNano);
      const severity = aggregate.counts.add(record, minute);
      const redacted = this.redacted.get(record);
      if (redacted) this.countRedactions(aggregate, record, redacted);
      if (this.sampler.offer(record.service, severity, minute, isProblemSeverity(severity))) {
        keys ??= recordKeys(message.value, records.length);
        aggregate.samples.push({ recordKey: keys[i] as string, source, record });
      }
    });
  }

  async write(tx: Queryable, aggregate: LogAggregate): Promise<Record<string, number>> {
    const counts = aggregate.counts.rows();
    await new RollupRepository(tx).addLogCounts(counts);
    const samples = await new LogRecordRepository(tx).insertMany(aggregate.samples);
    const redactions = [...aggregate.redactions.values()];
    if (redactions.length > 0) await new RedactionRepository(tx).add(redactions);
    return { log_counts_1m: counts.length, log_records: samples, redaction_counts_1m: redactions.length };
  }

  private countRedactions(aggregate: LogAggregate, record: NormalizedLogRecord, counts: RedactionCounts): void {
    const minuteMs = minuteOf(record.timeUnixNano) * 1000; // rare: only records that had secrets
    for (const [kind, count] of Object.entries(counts)) {
      const key = `${record.service}\u0000${minuteMs}\u0000${kind}`;
      const row = aggregate.redactions.get(key);
      if (row) row.count += count;
      else aggregate.redactions.set(key, { service: record.service, minuteMs, kind, count });
    }
  }
}
