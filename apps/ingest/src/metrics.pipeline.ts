import type { MetricPoint, OtlpEncoding, SignalBatch } from '@vigil/contracts';
import { decodeMetricsRequest, metricSeriesKey } from '@vigil/otlp';
import { MetricRollup } from '@vigil/rollup';
import { RollupRepository, type Queryable } from '@vigil/store';
import { byService, sourceOf, type DecodedMessage, type SignalPipeline } from './signal-pipeline';

/** A point with its series key, hashed once at decode for both the signals and the rollups. */
interface KeyedPoint {
  service: string;
  seriesKey: string;
  point: MetricPoint;
}

export class MetricsPipeline implements SignalPipeline<KeyedPoint, MetricRollup> {
  readonly signal = 'metrics' as const;

  constructor(
    private readonly encoding: OtlpEncoding,
    private readonly maxBytes: number,
  ) {}

  decode(value: Buffer): KeyedPoint[] {
    return decodeMetricsRequest(value, this.encoding, { maxBytes: this.maxBytes }).map((point) => ({
      service: point.service,
      seriesKey: metricSeriesKey(point),
      point,
    }));
  }

  toSignals({ message, records }: DecodedMessage<KeyedPoint>): SignalBatch[] {
    return [...byService(records)].map(([service, points]) => ({
      v: 1,
      kind: 'metrics',
      service,
      source: sourceOf(message),
      // The resource is in the rollups already; detection needs the series, not the pod labels again.
      items: points.map(({ seriesKey, point }) => ({ seriesKey, point: { ...point, resource: {} } })),
    }));
  }

  newAggregate(): MetricRollup {
    return new MetricRollup();
  }

  add(aggregate: MetricRollup, { records }: DecodedMessage<KeyedPoint>): void {
    for (const { point, seriesKey } of records) aggregate.add(point, seriesKey);
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
