import { decodeLogsRequest, decodeMetricsRequest, decodeTracesRequest } from '@vigil/otlp';
import { Kafka, logLevel } from 'kafkajs';

export interface BenchTopics {
  logs: string;
  metrics: string;
  spans: string;
}

/**
 * The ceiling: bare kafkajs consumption of the same messages plus decoding, nothing else.
 * Timed from the group join (when fetching starts) to the last record decoded.
 */
export async function measureCeiling(brokers: string[], topics: BenchTopics, expectedRecords: number, groupId: string): Promise<{ seconds: number; records: number }> {
  const kafka = new Kafka({ clientId: 'bench-ceiling', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10000, heartbeatInterval: 1000, maxBytesPerPartition: 8 << 20 });
  await consumer.connect();
  for (const topic of Object.values(topics)) await consumer.subscribe({ topic, fromBeginning: true });
  let records = 0;
  let started = 0;
  const decoders: Record<string, (b: Buffer) => { length: number }> = {
    [topics.logs]: (b) => decodeLogsRequest(b, 'otlp_proto'),
    [topics.metrics]: (b) => decodeMetricsRequest(b, 'otlp_proto'),
    [topics.spans]: (b) => decodeTracesRequest(b, 'otlp_proto'),
  };
  const done = new Promise<number>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => (started ||= performance.now()));
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        const decode = decoders[batch.topic] as (b: Buffer) => { length: number };
        for (const m of batch.messages) {
          records += decode(m.value as Buffer).length;
          resolveOffset(m.offset);
        }
        if (records >= expectedRecords) resolve(performance.now());
      },
    });
  });
  const finished = await done;
  await consumer.disconnect();
  return { seconds: (finished - started) / 1000, records };
}
