import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, dropTestDatabase, MockKafkaCluster, buildMockKafkaCluster } from '@vigil/testing';
import { createPostgresDatabase, type Database } from '@vigil/store';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { measureCeiling, type BenchTopics } from './ceiling';
import { measureLatency, type LatencyResult } from './latency';
import { appliedMessages, startWorker, type WorkerHandle } from './pipeline';
import { soak, type SoakResult } from './soak';
import { buildWorkload, type IngestWorkload } from './workload';

/**
 * `npx vigil bench ingest [--json]`: the ingest worker's throughput against the ceiling measured
 * in the same run (bare kafkajs consume + decode of the same messages), produce→durable latency
 * at a steady rate, and the worker's peak memory. Real broker (the librdkafka mock, or
 * KAFKA_BROKERS) and real PostgreSQL (TEST_DATABASE_URL or 127.0.0.1:5432).
 */
const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    messages: { type: 'string', default: '400' },
    partitions: { type: 'string', default: '24' },
    'latency-seconds': { type: 'string', default: '15' },
    rate: { type: 'string', default: '50000' },
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '40000' },
    // 0 skips the ingest → detect phase (one `vigil start` process running both workers).
    'detect-runs': { type: 'string', default: '' },
  },
});
const runs = Number(args.runs);
const logMessages = Number(args.messages);
const partitions = Number(args.partitions);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
/** A port nobody listens on right now (the OS picks it), for the worker's HTTP endpoints. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function workerEnv(databaseUrl: string, brokers: string[], topics: BenchTopics & { signals: string; dlq: string }, tag: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers.join(','),
    VIGIL_TOPIC_OTLP_LOGS: topics.logs,
    VIGIL_TOPIC_OTLP_METRICS: topics.metrics,
    VIGIL_TOPIC_OTLP_SPANS: topics.spans,
    VIGIL_TOPIC_SIGNALS: topics.signals,
    VIGIL_TOPIC_DEAD_LETTER: topics.dlq,
    VIGIL_INGEST_GROUP: `ingest.${tag}`,
  };
}

async function makeTopics(admin: Admin, cluster: MockKafkaCluster | null, tag: string): Promise<BenchTopics & { signals: string; dlq: string }> {
  const names = { logs: `bench.logs.${tag}`, metrics: `bench.metrics.${tag}`, spans: `bench.spans.${tag}`, signals: `bench.signals.${tag}`, dlq: `bench.dlq.${tag}` };
  for (const name of Object.values(names)) {
    if (cluster) await cluster.createTopic(name, name.includes('dlq') ? 1 : partitions, 1);
    else await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, numPartitions: name.includes('dlq') ? 1 : partitions }] });
  }
  return names;
}

/** Produces the workload round-robin over partitions; returns records produced. */
async function produce(producer: Producer, topics: BenchTopics, w: IngestWorkload): Promise<number> {
  const plan: [string, Buffer[], number, number][] = [
    [topics.logs, w.logs, logMessages, w.recordsPerMessage.logs],
    [topics.spans, w.spans, Math.ceil(logMessages / 2), w.recordsPerMessage.spans],
    [topics.metrics, w.metrics, Math.ceil(logMessages / 4), w.recordsPerMessage.metrics],
  ];
  let records = 0;
  for (const [topic, payloads, count, per] of plan) {
    for (let i = 0; i < count; i += 48) {
      const messages = Array.from({ length: Math.min(48, count - i) }, (_, j) => ({ value: payloads[(i + j) % payloads.length] as Buffer, partition: (i + j) % partitions }));
      await producer.send({ topic, messages });
    }
    records += count * per;
  }
  return records;
}

async function assertNothingTrimmed(admin: Admin, topics: BenchTopics): Promise<number> {
  let total = 0;
  for (const topic of Object.values(topics)) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (p.low !== '0') throw new Error(`the broker trimmed ${topic}/${p.partition} (low watermark ${p.low}): produce less per partition (--messages) or use more partitions`);
      total += Number(p.high);
    }
  }
  return total;
}

async function main(): Promise<void> {
  const real = process.env['KAFKA_BROKERS'];
  if (!real) buildMockKafkaCluster();
  const cluster = real ? null : await MockKafkaCluster.start({ brokers: 1 });
  const brokers = real ? real.split(',') : (cluster as MockKafkaCluster).brokers;
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  const workload = await buildWorkload(40);
  const results: { ceiling: number; pipeline: number; ratio: number; peakRssMb: number; records: number; full: number | null; fullRatio: number | null }[] = [];
  const detectRuns = args['detect-runs'] === '' ? runs : Number(args['detect-runs']);
  try {
    for (let run = 1; run <= runs; run++) {
      const tag = `${process.pid}.${run}`;
      const topics = await makeTopics(admin, cluster, tag);
      const records = await produce(producer, topics, workload);
      const messages = await assertNothingTrimmed(admin, { logs: topics.logs, metrics: topics.metrics, spans: topics.spans });
      const ceiling = await measureCeiling(brokers, topics, records, `ceiling.${tag}`);
      const database = await createTestDatabase();
      const worker = await startWorker(workerEnv(database.url, brokers, topics, tag), await freePort());
      const started = performance.now();
      while ((await appliedMessages(database.db)) < messages) await new Promise((r) => setTimeout(r, 10));
      const seconds = (performance.now() - started) / 1000;
      const peakRssMb = worker.peakRssMb();
      await worker.stop();
      await dropTestDatabase(database);
      const full = run <= detectRuns ? await ingestAndDetect(admin, cluster, brokers, topics, messages, tag) : null;
      const row = {
        ceiling: records / ceiling.seconds,
        pipeline: records / seconds,
        ratio: ceiling.seconds / seconds,
        peakRssMb,
        records,
        full: full ? records / full.seconds : null,
        fullRatio: full ? ceiling.seconds / full.seconds : null,
      };
      results.push(row);
      console.log(
        `run ${run}: ${records} records — ceiling ${Math.round(row.ceiling)}/s, ingest ${Math.round(row.pipeline)}/s, ratio ${row.ratio.toFixed(2)}, worker peak RSS ${peakRssMb.toFixed(0)} MiB` +
          (full && row.full !== null && row.fullRatio !== null
            ? `; ingest → detect ${Math.round(row.full)}/s, ratio ${row.fullRatio.toFixed(2)} (ingest durable after ${full.ingestSeconds.toFixed(2)} s, detect after ${full.seconds.toFixed(2)} s), peak RSS ${full.peakRssMb.toFixed(0)} MiB`
            : ''),
      );
    }
    const latency = await latencyPhase(admin, cluster, brokers, producer, workload);
    const soaked = Number(args['soak-seconds']) > 0 ? await soakPhase(admin, cluster, brokers, producer, workload) : null;
    const summary = {
      benchmark: 'ingest',
      broker: real ? 'kafka' : 'librdkafka-mock',
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      runs,
      records_per_run: results[0]?.records ?? 0,
      records_per_s: Math.round(median(results.map((r) => r.pipeline))),
      ceiling_records_per_s: Math.round(median(results.map((r) => r.ceiling))),
      ratio: Number(median(results.map((r) => r.ratio)).toFixed(3)),
      p50_ms: Math.round(latency.p50Ms),
      p99_ms: Math.round(latency.p99Ms),
      latency_target_records_per_s: Number(args.rate),
      latency_achieved_records_per_s: latency.achievedRecordsPerSecond,
      latency_messages: latency.messages,
      peak_rss_mb: Math.round(Math.max(...results.map((r) => r.peakRssMb))),
      ...(detectRuns > 0
        ? {
            ingest_detect_records_per_s: Math.round(median(results.flatMap((r) => (r.full === null ? [] : [r.full])))),
            ingest_detect_ratio: Number(median(results.flatMap((r) => (r.fullRatio === null ? [] : [r.fullRatio]))).toFixed(3)),
          }
        : {}),
      ...(soaked
        ? {
            soak_seconds: Math.round(soaked.seconds),
            soak_records_per_s: soaked.achievedRecordsPerSecond,
            soak_rss_start_mb: Math.round(soaked.rssStartMb),
            soak_rss_end_mb: Math.round(soaked.rssEndMb),
            soak_rss_growth_pct: Number(soaked.rssGrowthPct.toFixed(1)),
            soak_lag_start_messages: Math.round(soaked.lagStartMessages),
            soak_lag_end_messages: Math.round(soaked.lagEndMessages),
            soak_lag_max_messages: soaked.lagMaxMessages,
          }
        : {}),
    };
    console.log('');
    console.log('| figure | value |');
    console.log('| --- | --- |');
    for (const [k, v] of Object.entries(summary)) if (typeof v !== 'object') console.log(`| ${k} | ${v} |`);
    if (args.json) console.log(JSON.stringify(summary));
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await cluster?.stop();
  }
}

/**
 * The same messages through ingest and detect in one process (`vigil start` on Kafka and
 * PostgreSQL), timed from readiness until ingest has applied every message and detect has
 * applied every signal ingest published.
 */
async function ingestAndDetect(
  admin: Admin,
  cluster: MockKafkaCluster | null,
  brokers: string[],
  sourceTopics: BenchTopics & { signals: string; dlq: string },
  messages: number,
  tag: string,
): Promise<{ seconds: number; ingestSeconds: number; peakRssMb: number }> {
  // A signals topic of its own: the ingest-only phase already filled the other one.
  const topics = { ...sourceTopics, signals: `bench.signals.full.${tag}` };
  if (cluster) await cluster.createTopic(topics.signals, partitions, 1);
  else await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.signals, numPartitions: partitions }] });
  const database = await createTestDatabase();
  const env = {
    ...workerEnv(database.url, brokers, topics, `full.${tag}`),
    VIGIL_DETECT_GROUP: `detect.full.${tag}`,
    VIGIL_TOPIC_ANOMALIES: `bench.anomalies.${tag}`,
  };
  const worker = await startWorker(env, await freePort(), 'start');
  try {
    const started = performance.now();
    const sources = [topics.logs, topics.metrics, topics.spans];
    while ((await appliedMessages(database.db, sources)) < messages) await new Promise((r) => setTimeout(r, 10));
    const ingestSeconds = (performance.now() - started) / 1000;
    // Every signal is on the topic before ingest advances its offsets: this is the whole hand-off.
    const published = (await admin.fetchTopicOffsets(topics.signals)).reduce((n, p) => n + Number(p.high), 0);
    while ((await appliedMessages(database.db, [topics.signals])) < published) await new Promise((r) => setTimeout(r, 10));
    return { seconds: (performance.now() - started) / 1000, ingestSeconds, peakRssMb: worker.peakRssMb() };
  } finally {
    await worker.stop();
    await dropTestDatabase(database);
  }
}

interface RunningWorker {
  topics: BenchTopics & { signals: string; dlq: string };
  worker: WorkerHandle;
  db: Database;
}

/** Fresh topics, a fresh database and one `vigil ingest` worker on them, for the duration of `use`. */
async function withWorker<T>(admin: Admin, cluster: MockKafkaCluster | null, brokers: string[], tag: string, use: (running: RunningWorker) => Promise<T>): Promise<T> {
  const topics = await makeTopics(admin, cluster, tag);
  const database = await createTestDatabase();
  const worker = await startWorker(workerEnv(database.url, brokers, topics, tag), await freePort());
  const db = await createPostgresDatabase({ url: database.url, poolSize: 2 });
  try {
    return await use({ topics, worker, db });
  } finally {
    await db.close();
    await worker.stop();
    await dropTestDatabase(database);
  }
}

function latencyPhase(admin: Admin, cluster: MockKafkaCluster | null, brokers: string[], producer: Producer, workload: IngestWorkload): Promise<LatencyResult> {
  return withWorker(admin, cluster, brokers, `${process.pid}.latency`, ({ topics, db }) =>
    measureLatency({
      producer,
      db,
      topic: topics.logs,
      partitions,
      messages: workload.logs,
      recordsPerMessage: workload.recordsPerMessage.logs,
      recordsPerSecond: Number(args.rate),
      seconds: Number(args['latency-seconds']),
    }),
  );
}

function soakPhase(admin: Admin, cluster: MockKafkaCluster | null, brokers: string[], producer: Producer, workload: IngestWorkload): Promise<SoakResult> {
  return withWorker(admin, cluster, brokers, `${process.pid}.soak`, ({ topics, db, worker }) =>
    soak({
      producer,
      db,
      worker,
      topic: topics.logs,
      partitions,
      messages: workload.logs,
      recordsPerMessage: workload.recordsPerMessage.logs,
      recordsPerSecond: Number(args['soak-rate']),
      seconds: Number(args['soak-seconds']),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
