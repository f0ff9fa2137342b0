import type { NormalizedLogRecord, OtlpEncoding, SignalBatch } from '@vigil/contracts';
import { decodeLogsRequest } from '@vigil/otlp';
import { EvidenceSampler, isProblemSeverity, LogCountRollup, minuteOf } from '@vigil/rollup';
import { LogRecordRepository, RollupRepository, type LogRecordToStore, type Queryable } from '@vigil/store';
import { recordKeys } from './record-key';
import { byService, sourceOf, type DecodedMessage, type SignalPipeline } from './signal-pipeline';

interface LogAggregate {
  counts: LogCountRollup;
  samples: LogRecordToStore[];
}

export class LogsPipeline implements SignalPipeline<NormalizedLogRecord, LogAggregate> {
  readonly signal = 'logs' as const;

  constructor(
    private readonly encoding: OtlpEncoding,
    private readonly maxBytes: number,
    private readonly sampler: EvidenceSampler,
  ) {}

  decode(value: Buffer): NormalizedLogRecord[] {
    return decodeLogsRequest(value, this.encoding, { maxBytes: this.maxBytes });
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
        attributes: r.attributes,
        traceId: r.traceId,
        spanId: r.spanId,
      })),
    }));
  }

  newAggregate(): LogAggregate {
    return { counts: new LogCountRollup(), samples: [] };
  }

  add(aggregate: LogAggregate, { message, records }: DecodedMessage<NormalizedLogRecord>): void {
    let keys: string[] | undefined;
    const source = `${message.topic}/${message.partition}@${message.offset}`;
    records.forEach((record, i) => {
      const severity = aggregate.counts.add(record);
      if (this.sampler.offer(`${record.service}\u0000${severity}`, minuteOf(record.timeUnixNano), isProblemSeverity(severity))) {
        keys ??= recordKeys(message.value, records.length);
        aggregate.samples.push({ recordKey: keys[i] as string, source, record });
      }
    });
  }

  async write(tx: Queryable, aggregate: LogAggregate): Promise<Record<string, number>> {
    const counts = aggregate.counts.rows();
    await new RollupRepository(tx).addLogCounts(counts);
    const samples = await new LogRecordRepository(tx).insertMany(aggregate.samples);
    return { log_counts_1m: counts.length, log_records: samples };
  }
}
