import { Inject, Injectable } from '@nestjs/common';
import type { OutgoingMessage } from '@vigil/bus';
import { anomalyEventSchema, type AnomalyEvent } from '@vigil/contracts';
import { InboundAlertRepository, isRetriableDatabaseError, type Database } from '@vigil/store';
import { WEBHOOK_TOLERANCE_SECONDS } from '@vigil/webhooks';
import type { Logger } from 'pino';
import { decideEpisodes } from './alert-episodes';
import { nanosOfMs } from './alert-time';
import type { AlertObservation, InboundSource } from './inbound-alert';
import { INBOUND_DATABASE, INBOUND_LOGGER, INBOUND_METRICS, INBOUND_OPTIONS, type ResolvedInboundAlertsOptions } from './inbound-alerts.options';
import { INBOUND_RETRY_AFTER_SECONDS, InboundRefusal } from './inbound-http';
import type { InboundMetrics } from './inbound-metrics';

export interface InboundOutcomeSummary {
  received: number;
  published: number;
  ignored: number;
  events: AnomalyEvent[];
}

/** Accepted delivery ids are kept this long: well past the signature's ±5 min timestamp window. */
export const DELIVERY_RETENTION_MS = 12 * WEBHOOK_TOLERANCE_SECONDS * 1000;
/** Episodes not heard of for this long are forgotten (senders repeat firing alerts far more often). */
export const ALERT_RETENTION_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

/** Headers on every published alert event, for operators reading the topic. */
export const INBOUND_MESSAGE_HEADERS = { anomaly: 'vigil-anomaly', source: 'vigil-source' } as const;

/**
 * Alerts → anomaly events of kind `alert` on the anomalies topic, keyed by service, so the
 * responder correlates them with detected anomalies. Resolves only once the bus confirmed the
 * publish (a 2xx never loses an alert); the episode state is stored after, so a failed request
 * changes nothing and the sender's retry is judged afresh.
 */
@Injectable()
export class InboundAlertsService {
  private lastPruneMs = 0;

  constructor(
    @Inject(INBOUND_OPTIONS) private readonly options: ResolvedInboundAlertsOptions,
    @Inject(INBOUND_DATABASE) private readonly db: Database,
    @Inject(INBOUND_METRICS) private readonly metrics: InboundMetrics,
    @Inject(INBOUND_LOGGER) private readonly logger: Logger | null,
  ) {}

  /** Unix nanoseconds now, by the configured clock. */
  nowNs(): bigint {
    return nanosOfMs(this.options.now());
  }

  /**
   * Publishes what the alerts mean. With `deliveryId` (a signed delivery), the id is claimed
   * first: one accepted before is a replay (409); a delivery that then fails is released, so
   * the sender's retry is not taken for a replay.
   */
  async receive(source: InboundSource, observations: readonly AlertObservation[], deliveryId?: string): Promise<InboundOutcomeSummary> {
    this.pruneNowAndThen();
    const repo = new InboundAlertRepository(this.db);
    let claimed = false;
    try {
      if (deliveryId !== undefined) {
        claimed = await this.store(() => repo.claimDelivery(source, deliveryId));
        if (!claimed) {
          throw new InboundRefusal(409, { statusCode: 409, error: 'Conflict', message: `webhook-id ${deliveryId} was already accepted: a replayed delivery` });
        }
      }
      const stored = await this.store(() => repo.find(source, [...new Set(observations.map((o) => o.key))]));
      const decision = decideEpisodes(source, observations, stored);
      await this.publish(source, decision.events);
      await this.store(() => repo.save(decision.writes));
      for (const event of decision.events) this.metrics.events.inc({ source, status: event.status });
      this.metrics.requests.inc({ source, outcome: 'accepted' });
      return { received: observations.length, published: decision.events.length, ignored: decision.ignored, events: decision.events };
    } catch (error) {
      if (claimed && deliveryId !== undefined) {
        await repo.releaseDelivery(source, deliveryId).catch((err: unknown) => this.logger?.warn({ err, source, deliveryId }, 'could not release a failed webhook delivery id'));
      }
      throw error;
    }
  }

  private async publish(source: InboundSource, events: readonly AnomalyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const messages: OutgoingMessage[] = events.map((event) => ({
      key: event.service,
      // Checked against the contract here, so a bug is a 500 now rather than a dead letter later.
      value: JSON.stringify(anomalyEventSchema.parse(event)),
      headers: { [INBOUND_MESSAGE_HEADERS.anomaly]: 'alert', [INBOUND_MESSAGE_HEADERS.source]: `webhook:${source}` },
    }));
    const { topic, publishTimeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), publishTimeoutMs);
    });
    let publishing: Promise<void>;
    try {
      publishing = this.options.bus.publish(topic, messages);
    } catch (error) {
      publishing = Promise.reject(error);
    }
    try {
      const outcome = await Promise.race([publishing.then(() => 'published' as const), timeout]);
      if (outcome === 'timeout') throw new Error(`not confirmed within ${publishTimeoutMs} ms`);
    } catch (error) {
      // A late publish may still land; the events' ids are deterministic, so the retry dedupes.
      publishing.catch(() => undefined);
      this.logger?.warn({ err: error, topic, source }, 'inbound alerts not published; answered 503');
      throw this.unavailable(`the message bus could not publish to ${topic}`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A database call: a transient failure is 503 (the sender retries), anything else a bug (500). */
  private async store<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isRetriableDatabaseError(error)) throw error;
      this.logger?.warn({ err: error }, 'inbound alerts: database unavailable; answered 503');
      throw this.unavailable('the database is unavailable', error);
    }
  }

  private unavailable(why: string, cause: unknown): InboundRefusal {
    const refusal = new InboundRefusal(
      503,
      { statusCode: 503, error: 'Service Unavailable', message: `${why}; retry after ${INBOUND_RETRY_AFTER_SECONDS} s` },
      'unavailable',
      INBOUND_RETRY_AFTER_SECONDS,
    );
    refusal.cause = cause;
    return refusal;
  }

  /** Retention of delivery ids and old episodes, at most every 10 minutes, off the request path. */
  private pruneNowAndThen(): void {
    const now = this.options.now();
    if (now - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = now;
    void new InboundAlertRepository(this.db)
      .prune({ deliveriesBeforeMs: now - DELIVERY_RETENTION_MS, alertsBeforeMs: now - ALERT_RETENTION_MS })
      .catch((err: unknown) => this.logger?.warn({ err }, 'inbound alerts: retention sweep failed'));
  }
}
