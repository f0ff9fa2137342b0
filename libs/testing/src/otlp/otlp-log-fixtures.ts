import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import type { AnyValue, AnyValueMap } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';

export interface LogFixture {
  service: string;
  body: AnyValue;
  severityNumber?: number;
  severityText?: string;
  attributes?: AnyValueMap;
  traceId?: string;
  spanId?: string;
  /** Event time in milliseconds since the epoch (default: now). */
  timeMs?: number;
}

/**
 * A real OTLP logs export request, made by the OpenTelemetry JS SDK's own serializers: what an
 * instrumented service or the Collector's kafka exporter puts on the `otlp_logs` topic.
 */
export function otlpLogsRequest(logs: readonly LogFixture[], encoding: 'otlp_proto' | 'otlp_json' = 'otlp_proto'): Buffer {
  const records: ReadableLogRecord[] = [];
  const byService = new Map<string, LogFixture[]>();
  for (const log of logs) byService.set(log.service, [...(byService.get(log.service) ?? []), log]);
  for (const [service, serviceLogs] of byService) {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'test' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('vigil-tests', '1.0.0');
    for (const log of serviceLogs) {
      const context =
        log.traceId && log.spanId
          ? trace.setSpanContext(ROOT_CONTEXT, { traceId: log.traceId, spanId: log.spanId, traceFlags: TraceFlags.SAMPLED })
          : ROOT_CONTEXT;
      logger.emit({
        body: log.body,
        severityNumber: log.severityNumber ?? 9,
        severityText: log.severityText ?? 'INFO',
        attributes: log.attributes ?? {},
        timestamp: log.timeMs ?? Date.now(),
        context,
      });
    }
    records.push(...exporter.getFinishedLogRecords());
  }
  const serializer = encoding === 'otlp_proto' ? ProtobufLogsSerializer : JsonLogsSerializer;
  const bytes = serializer.serializeRequest(records);
  if (!bytes) throw new Error('the OpenTelemetry serializer returned nothing');
  return Buffer.from(bytes);
}
