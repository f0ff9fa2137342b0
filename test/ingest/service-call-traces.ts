import { ROOT_CONTEXT, SpanKind, trace, type Context, type Tracer } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A service handling a request, and the services it calls while doing so. */
export interface CallTree {
  service: string;
  calls?: CallTree[];
}

/**
 * Services calling each other, each with its own OpenTelemetry JS SDK (its own tracer provider
 * and `service.name`), as separate processes are: a callee's SERVER span is the remote child of
 * the caller's CLIENT span, as context propagation over the wire makes it, and every span ends
 * before its parent. `exportRequest(service)` is what that service's exporter sends: a real OTLP
 * export request of its finished spans, from the SDK's own serializer.
 */
export class TracedServices {
  private readonly exporters = new Map<string, InMemorySpanExporter>();
  private readonly tracers = new Map<string, Tracer>();

  /** Serves one request through the tree, ending at `endMs` at the root. */
  request(tree: CallTree, endMs: number, parent: Context = ROOT_CONTEXT): void {
    const tracer = this.tracerOf(tree.service);
    const server = tracer.startSpan(`serve ${tree.service}`, { kind: SpanKind.SERVER, startTime: endMs - 100 }, parent);
    const inServer = trace.setSpan(ROOT_CONTEXT, server);
    // Work inside the service: not a call to anyone.
    tracer.startSpan('validate', { kind: SpanKind.INTERNAL, startTime: endMs - 99 }, inServer).end(endMs - 98);
    (tree.calls ?? []).forEach((callee, i) => {
      const end = endMs - 10 - i * 20;
      const client = tracer.startSpan(`call ${callee.service}`, { kind: SpanKind.CLIENT, startTime: end - 15 }, inServer);
      this.request(callee, end - 2, trace.setSpanContext(ROOT_CONTEXT, { ...client.spanContext(), isRemote: true }));
      client.end(end);
    });
    server.end(endMs);
  }

  /** The service's finished spans as one OTLP/protobuf export request (and forgets them). */
  exportRequest(service: string): Buffer {
    const exporter = this.exporters.get(service);
    const spans = exporter?.getFinishedSpans() ?? [];
    if (spans.length === 0) throw new Error(`${service} has no finished spans`);
    const bytes = ProtobufTraceSerializer.serializeRequest(spans);
    if (!bytes) throw new Error('the OpenTelemetry serializer returned nothing');
    exporter?.reset();
    return Buffer.from(bytes);
  }

  private tracerOf(service: string): Tracer {
    let tracer = this.tracers.get(service);
    if (!tracer) {
      const exporter = new InMemorySpanExporter();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      tracer = provider.getTracer('vigil-tests', '1.0.0');
      this.exporters.set(service, exporter);
      this.tracers.set(service, tracer);
    }
    return tracer;
  }
}
