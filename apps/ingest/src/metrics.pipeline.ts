import type { MetricPoint, OtlpEncoding, SignalBatch } from '@vigil/contracts';
import { decodeMetricsRequest, metricSeriesKey } from '@vigil/otlp';
import { MetricRollup } from '@vigil/rollup';
import { RollupRepository, type Queryable } from '@vigil/store';
import { byService, sourceOf, type DecodedMessage, type SignalPipeline } from './signal-pipeline';

export class MetricsPipeline implements SignalPipeline<MetricPoint, MetricRollup> {
  readonly signal = 'metrics' as const;

  constructor(
    private readonly encoding: OtlpEncoding,
    private readonly maxBytes: number,
  ) {}

  decode(value: Buffer): MetricPoint[] {
    return decodeMetricsRequest(value, this.encoding, { maxBytes: this.maxBytes });
  }

  toSignals({ message, records }: DecodedMessage<MetricPoint>): SignalBatch[] {
    return [...byService(records)].map(([service, points]) => ({
      v: 1,
      kind: 'metrics',
      service,
      source: sourceOf(message),
      // The resource is in the rollups already; detection needs the series, not the pod labels again.
      items: points.map((point) => ({ seriesKey: metricSeriesKey(point), point: { ...point, resource: {} } })),
    }));
  }

  newAggregate(): MetricRollup {
    return new MetricRollup();
  }

  add(aggregate: MetricRollup, { records }: DecodedMessage<MetricPoint>): void {
    for (const point of records) aggregate.add(point, metricSeriesKey(point));
  }

  async write(tx: Queryable, aggregate: MetricRollup): Promise<Record<string, number>> {
    const repository = new RollupRepository(tx);
    const series = aggregate.seriesRows();
    await repository.upsertMetricSeries(series);
    const rows = aggregate.rows();
    await repository.addMetricRollups(rows);
    return { metric_series: series.length, metric_rollups_1m: rows.length };
  }
}
