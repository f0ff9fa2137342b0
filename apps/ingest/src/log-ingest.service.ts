import type { OtlpEncoding } from '@vigil/contracts';
import type { BusMessage } from '@vigil/bus';
import { decodeLogsRequest } from '@vigil/otlp';
import { LogRecordRepository, type Database, type LogRecordToStore } from '@vigil/store';
import { recordKeys } from './record-key';

export interface LogIngestResult {
  messages: number;
  records: number;
  inserted: number;
}

/** Decodes OTLP log export requests and stores their records idempotently. */
export class LogIngestService {
  private readonly repository: LogRecordRepository;

  constructor(
    db: Database,
    private readonly encoding: OtlpEncoding,
    private readonly maxBytes: number,
  ) {
    this.repository = new LogRecordRepository(db);
  }

  /**
   * Decodes the whole batch before writing any of it: a poison message throws its
   * (non-retriable) decode error, and the bus isolates and dead-letters just that message.
   */
  async ingest(batch: readonly BusMessage[]): Promise<LogIngestResult> {
    const rows: LogRecordToStore[] = [];
    for (const message of batch) {
      const records = decodeLogsRequest(message.value, this.encoding, { maxBytes: this.maxBytes });
      const keys = recordKeys(message.value, records.length);
      const source = `${message.topic}/${message.partition}@${message.offset}`;
      records.forEach((record, i) => rows.push({ recordKey: keys[i] as string, source, record }));
    }
    let inserted = 0;
    // Bounded statements: PostgreSQL allows at most 65535 parameters in one.
    for (let i = 0; i < rows.length; i += 1000) inserted += await this.repository.insertMany(rows.slice(i, i + 1000));
    return { messages: batch.length, records: rows.length, inserted };
  }
}
