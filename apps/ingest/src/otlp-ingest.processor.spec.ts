import type { BusMessage, MessageBus } from '@vigil/bus';
import type { Database, Queryable } from '@vigil/store';
import { Registry } from 'prom-client';
import { IngestMetrics } from './ingest.metrics';
import { OtlpIngestProcessor } from './otlp-ingest.processor';
import type { SignalPipeline, TransactionOutcome } from './signal-pipeline';

/** A database whose transactions fail where told: in the work (rolled back) or in COMMIT (unknown). */
function fakeDatabase(failIn: 'nothing' | 'commit'): Database {
  // Every query answers "next offset 0": each batch is new.
  const tx: Queryable = { query: async <R>() => ({ rows: [{ next_offset: '0' }] as R[], rowCount: 1 }), exec: async () => undefined };
  return {
    driver: 'postgres',
    ...tx,
    transaction: async (fn) => {
      const result = await fn(tx);
      if (failIn === 'commit') throw Object.assign(new Error('connection lost during COMMIT'), { retriable: true });
      return result;
    },
    ping: async () => true,
    close: async () => undefined,
  };
}

/** A pipeline that keeps what it is told about each transaction. */
function recordingPipeline(failWrite: boolean): SignalPipeline<string, string[]> & { outcomes: TransactionOutcome[] } {
  const outcomes: TransactionOutcome[] = [];
  return {
    signal: 'traces',
    outcomes,
    decode: (value) => [value.toString()],
    toSignals: () => [],
    newAggregate: () => [],
    add: (aggregate, { records }) => void aggregate.push(...records),
    write: async (_tx, aggregate) => {
      if (failWrite) throw Object.assign(new Error('database down'), { retriable: true });
      return { things: aggregate.length };
    },
    settled: (_aggregate, outcome) => void outcomes.push(outcome),
  };
}

const message: BusMessage = { topic: 'otlp_spans', partition: 0, offset: '0', key: null, value: Buffer.from('x'), headers: {}, timestamp: '0' };

describe('OtlpIngestProcessor', () => {
  const run = async (db: Database, pipeline: SignalPipeline<string, string[]>): Promise<unknown> => {
    const processor = new OtlpIngestProcessor(pipeline, db, {} as MessageBus, new IngestMetrics(new Registry()), { namespace: 'test', consumerGroup: 'g', signalsTopic: null });
    return processor.handle([message], { highWatermark: '1' }).then(() => null, (error: unknown) => error);
  };

  it("tells the pipeline how the batch's transaction ended", async () => {
    const committed = recordingPipeline(false);
    expect(await run(fakeDatabase('nothing'), committed)).toBeNull();
    expect(committed.outcomes).toEqual(['committed']);

    const rolledBack = recordingPipeline(true);
    expect(await run(fakeDatabase('nothing'), rolledBack)).toMatchObject({ message: 'database down' });
    expect(rolledBack.outcomes).toEqual(['rolled_back']);

    const unknown = recordingPipeline(false);
    expect(await run(fakeDatabase('commit'), unknown)).toMatchObject({ message: 'connection lost during COMMIT' });
    expect(unknown.outcomes).toEqual(['unknown']);
  });
});
