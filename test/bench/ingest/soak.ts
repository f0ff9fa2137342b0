import type { SteadyLoad } from './latency';
import { appliedMessages, type WorkerHandle } from './pipeline';

export interface SoakResult {
  seconds: number;
  achievedRecordsPerSecond: number;
  /** Resident memory, averaged over the first and the last fifth of the soak. */
  rssStartMb: number;
  rssEndMb: number;
  rssGrowthPct: number;
  /** Messages produced but not yet durable, likewise averaged. */
  lagStartMessages: number;
  lagEndMessages: number;
  lagMaxMessages: number;
}

const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** A steady rate for minutes: lag and memory must stay flat, not creep. */
export async function soak(options: SteadyLoad & { worker: WorkerHandle }): Promise<SoakResult> {
  const samples: { rssMb: number; lag: number }[] = [];
  let sent = 0;
  const tickMs = 100;
  const perTick = (options.recordsPerSecond / options.recordsPerMessage) * (tickMs / 1000);
  const start = performance.now();
  let owed = 0;
  let nextSample = start + 2000;
  while (performance.now() - start < options.seconds * 1000) {
    owed += perTick;
    const count = Math.floor(owed);
    owed -= count;
    if (count > 0) {
      const batch = Array.from({ length: count }, () => ({ value: options.messages[sent % options.messages.length] as Buffer, partition: sent++ % options.partitions }));
      await options.producer.send({ topic: options.topic, messages: batch });
    }
    if (performance.now() >= nextSample) {
      nextSample += 2000;
      samples.push({ rssMb: options.worker.rssMb(), lag: sent - (await appliedMessages(options.db)) });
    }
    const next = start + Math.ceil((performance.now() - start) / tickMs) * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  const seconds = (performance.now() - start) / 1000;
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const head = samples.slice(0, fifth);
  const tail = samples.slice(-fifth);
  const rssStartMb = mean(head.map((s) => s.rssMb));
  const rssEndMb = mean(tail.map((s) => s.rssMb));
  return {
    seconds,
    achievedRecordsPerSecond: Math.round((sent * options.recordsPerMessage) / seconds),
    rssStartMb,
    rssEndMb,
    rssGrowthPct: rssStartMb ? ((rssEndMb - rssStartMb) / rssStartMb) * 100 : 0,
    lagStartMessages: mean(head.map((s) => s.lag)),
    lagEndMessages: mean(tail.map((s) => s.lag)),
    lagMaxMessages: Math.max(0, ...samples.map((s) => s.lag)),
  };
}
