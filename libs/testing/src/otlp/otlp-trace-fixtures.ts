import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface SpanFixture {
  service: string;
  name: string;
  kind?: 'server' | 'client' | 'internal' | 'producer' | 'consumer';
  durationMs: number;
  error?: boolean;
  /** End time in ms since the epoch (default: now). */
  endMs?: number;
  attributes?: Record<string, string | number | boolean>;
}

const KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, internal: SpanKind.INTERNAL, producer: SpanKind.PRODUCER, consumer: SpanKind.CONSUMER };

/** A real OTLP traces export request from the OpenTelemetry JS SDK's own serializers. */
export function otlpTracesRequest(spans: readonly SpanFixture[], encoding: 'otlp_proto' | 'otlp_json' = 'otlp_proto'): Buffer {
  const finished: ReadableSpan[] = [];
  const services = [...new Set(spans.map((s) => s.service))];
  for (const service of services) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = provider.getTracer('vigil-tests', '1.0.0');
    for (const s of spans.filter((x) => x.service === service)) {
      const end = s.endMs ?? Date.now();
      const span = tracer.startSpan(s.name, { kind: KINDS[s.kind ?? 'server'], startTime: end - s.durationMs, attributes: s.attributes ?? {} }, ROOT_CONTEXT);
      if (s.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
      span.end(end);
    }
    finished.push(...exporter.getFinishedSpans());
  }
  const serializer = encoding === 'otlp_proto' ? ProtobufTraceSerializer : JsonTraceSerializer;
  const bytes = serializer.serializeRequest(finished);
  if (!bytes) throw new Error('the OpenTelemetry serializer returned nothing');
  return Buffer.from(bytes);
}
