import type { NormalizedSpan, OtlpEncoding, SignalBatch } from '@vigil/contracts';
import type { SpanCallLinker, SpanLinkBatch } from '@vigil/incidents';
import { decodeTracesRequest } from '@vigil/otlp';
import { EvidenceSampler, minuteOf, SpanRedRollup } from '@vigil/rollup';
import { RollupRepository, ServiceCallRepository, SpanSampleRepository, type Queryable, type SpanSampleToStore } from '@vigil/store';
import { byService, sourceOf, type DecodedMessage, type SignalPipeline, type TransactionOutcome } from './signal-pipeline';

interface TraceAggregate {
  red: SpanRedRollup;
  samples: SpanSampleToStore[];
  /** Cross-service calls, linked against what earlier batches left in the linker. */
  links: SpanLinkBatch;
}

/** A span worth keeping as evidence beyond the per-minute quota: it failed or was slow. */
const SLOW_MS = 1000;

export class TracesPipeline implements SignalPipeline<NormalizedSpan, TraceAggregate> {
  readonly signal = 'traces' as const;

  constructor(
    private readonly encoding: OtlpEncoding,
    private readonly maxBytes: number,
    private readonly sampler: EvidenceSampler,
    /** One per process, shared by every consumer and partition: its memory spans batches. */
    private readonly linker: SpanCallLinker,
  ) {}

  decode(value: Buffer): NormalizedSpan[] {
    return decodeTracesRequest(value, this.encoding, { maxBytes: this.maxBytes });
  }

  toSignals({ message, records }: DecodedMessage<NormalizedSpan>): SignalBatch[] {
    return [...byService(records)].map(([service, spans]) => ({
      v: 1,
      kind: 'spans',
      service,
      source: sourceOf(message),
      items: spans.map((s) => ({
        name: s.name,
        kind: s.kind,
        endTimeUnixNano: s.endTimeUnixNano,
        durationMs: s.durationNs / 1e6,
        error: s.status.code === 'error',
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
      })),
    }));
  }

  newAggregate(): TraceAggregate {
    return { red: new SpanRedRollup(), samples: [], links: this.linker.begin() };
  }

  add(aggregate: TraceAggregate, { message, records }: DecodedMessage<NormalizedSpan>): void {
    const source = `${message.topic}/${message.partition}@${message.offset}`;
    for (const span of records) {
      const minute = minuteOf(span.endTimeUnixNano);
      aggregate.red.add(span, minute);
      const problem = span.status.code === 'error' || span.durationNs / 1e6 >= SLOW_MS;
      if (this.sampler.offer(span.service, span.name, minute, problem)) {
        aggregate.samples.push({ source, span });
      }
      aggregate.links.add(span);
    }
  }

  async write(tx: Queryable, aggregate: TraceAggregate): Promise<Record<string, number>> {
    const red = aggregate.red.rows();
    await new RollupRepository(tx).addSpanRed(red);
    const samples = await new SpanSampleRepository(tx).insertMany(aggregate.samples);
    const calls = await new ServiceCallRepository(tx).add(aggregate.links.calls());
    return { span_red_1m: red.length, span_samples: samples, service_calls_1m: calls };
  }

  settled(aggregate: TraceAggregate, outcome: TransactionOutcome): void {
    if (outcome === 'committed') aggregate.links.commit();
    else if (outcome === 'rolled_back') aggregate.links.abort();
    // 'unknown': dropped. Had it applied, its calls are in; had it not, the few it took from the
    // linker are lost — never counted twice.
  }
}
