import type { Producer } from 'kafkajs';
import type { Database } from '@vigil/store';
import { appliedOffsets } from './pipeline';

export interface LatencyResult {
  messages: number;
  records: number;
  /** The record rate actually produced (the target may not be reachable on this machine). */
  achievedRecordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/** Log requests produced round-robin over a topic's partitions at a steady record rate. */
export interface SteadyLoad {
  producer: Producer;
  db: Database;
  topic: string;
  partitions: number;
  messages: Buffer[];
  recordsPerMessage: number;
  recordsPerSecond: number;
  seconds: number;
}

/**
 * Produces log requests at a steady record rate and times each message from the moment it is
 * handed to the producer until the worker's applied offset passes it (its effects are durable).
 */
export async function measureLatency(options: SteadyLoad): Promise<LatencyResult> {
  const pending = new Map<string, { offset: bigint; sentAt: number }[]>();
  const latencies: number[] = [];
  let sent = 0;
  let stopPolling = false;
  const poller = (async () => {
    while (!stopPolling || [...pending.values()].some((q) => q.length > 0)) {
      const applied = await appliedOffsets(options.db);
      const now = performance.now();
      for (const [key, queue] of pending) {
        const next = applied.get(key) ?? 0n;
        while (queue.length > 0 && (queue[0] as { offset: bigint }).offset < next) latencies.push(now - (queue.shift() as { sentAt: number }).sentAt);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const messagesPerSecond = options.recordsPerSecond / options.recordsPerMessage;
  const tickMs = 50;
  const perTick = messagesPerSecond * (tickMs / 1000);
  const start = performance.now();
  let owed = 0;
  while (performance.now() - start < options.seconds * 1000) {
    owed += perTick;
    const count = Math.floor(owed);
    owed -= count;
    if (count > 0) {
      // One request per tick: per-message sends cap the rate at what one round trip allows.
      const batch = Array.from({ length: count }, () => {
        const partition = sent % options.partitions;
        const value = options.messages[sent % options.messages.length] as Buffer;
        sent++;
        return { value, partition };
      });
      const sentAt = performance.now();
      const metadata = await options.producer.send({ topic: options.topic, messages: batch });
      const seen = new Map<number, number>();
      for (const { partition } of batch) {
        const meta = metadata.find((m) => m.partition === partition);
        const index = seen.get(partition) ?? 0;
        seen.set(partition, index + 1);
        const key = `${options.topic}/${partition}`;
        const queue = pending.get(key) ?? [];
        queue.push({ offset: BigInt(meta?.baseOffset ?? '0') + BigInt(index), sentAt });
        pending.set(key, queue);
      }
    }
    const next = start + (Math.ceil((performance.now() - start) / tickMs) * tickMs);
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  const producedSeconds = (performance.now() - start) / 1000;
  stopPolling = true;
  await poller;
  latencies.sort((a, b) => a - b);
  return {
    messages: latencies.length,
    records: latencies.length * options.recordsPerMessage,
    achievedRecordsPerSecond: Math.round((sent * options.recordsPerMessage) / producedSeconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
  };
}
