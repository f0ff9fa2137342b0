import type { AnomalyEvent } from '@vigil/contracts';
import type { StoredInboundAlert } from '@vigil/store';
import { capLabels, cutSummary, episodeIdOf, scoreOf, serviceOf, severityNumberOf, type AlertObservation, type InboundSource } from './inbound-alert';

export interface EpisodeDecision {
  /** Anomaly events to publish, in the order observed. */
  events: AnomalyEvent[];
  /** Episode state to store once the events are on the bus. */
  writes: StoredInboundAlert[];
  /** Observations with nothing to do: resolving or acknowledging an alert that is not firing. */
  ignored: number;
}

interface Identity {
  service: string;
  fingerprint: string;
  signal: string;
  labels: Record<string, string>;
  summary: string;
  evidenceUrl: string | null;
}

function identityOf(source: InboundSource, observation: AlertObservation & { labels: Record<string, string> }): Identity {
  const labels = capLabels(observation.labels);
  const alertname = labels['alertname']?.trim() || 'alert';
  const service = observation.service ?? serviceOf(labels, observation.fallbackService);
  return {
    service,
    fingerprint: `${service}|alert|${source}:${observation.key}`,
    signal: `alert:${alertname}`,
    labels,
    summary: cutSummary(observation.summary ?? alertname),
    evidenceUrl: observation.evidenceUrl,
  };
}

const storedIdentity = (stored: StoredInboundAlert): Identity => ({
  service: stored.service,
  fingerprint: stored.fingerprint,
  signal: stored.signal,
  labels: stored.labels,
  summary: stored.summary,
  evidenceUrl: stored.evidenceUrl,
});

function anomalyEvent(id: string, status: AnomalyEvent['status'], who: Identity, atNs: bigint, summary = who.summary): AnomalyEvent {
  const timeUnixNano = atNs.toString();
  return {
    v: 1,
    id,
    status,
    kind: 'alert',
    service: who.service,
    fingerprint: who.fingerprint,
    signal: who.signal,
    timeUnixNano,
    score: scoreOf(who.labels),
    summary,
    observed: null,
    expected: null,
    lower: null,
    upper: null,
    template: null,
    evidence:
      who.evidenceUrl && status !== 'recover'
        ? [{ timeUnixNano, severityNumber: severityNumberOf(who.labels), body: who.evidenceUrl, traceId: null, spanId: null }]
        : [],
    labels: who.labels,
  };
}

/**
 * Alerts → anomaly events, against what was stored about each alert (pure; the caller loads
 * `stored` and writes `writes` back). An episode is identified by source, alert key and start, so
 * its id is the same however often it is delivered:
 * - firing, not seen in this episode → `open` at the episode's start; seen before → `update`;
 * - resolved → `recover` at its end (or when received);
 * - acknowledged (PagerDuty) → `update` of the open episode, said in the summary.
 * A sender that does not give the start (PagerDuty, generic without startsAt) continues the
 * episode that is firing under that key, else starts one now; resolving or acknowledging an alert
 * with no firing episode does nothing, as in PagerDuty.
 */
export function decideEpisodes(source: InboundSource, observations: readonly AlertObservation[], stored: ReadonlyMap<string, StoredInboundAlert>): EpisodeDecision {
  const current = new Map(stored);
  const events: AnomalyEvent[] = [];
  const writes: StoredInboundAlert[] = [];
  let ignored = 0;
  for (const observation of observations) {
    const prior = current.get(observation.key);
    const firingPrior = prior?.status === 'firing' ? prior : undefined;
    let startNs: bigint;
    if (observation.startsAtNs !== null) startNs = observation.startsAtNs;
    else if (firingPrior) startNs = BigInt(firingPrior.startedUnixNano);
    else if (observation.state === 'firing') startNs = observation.atNs;
    else {
      ignored++;
      continue;
    }
    const id = episodeIdOf(source, observation.key, startNs);
    const sameEpisode = prior?.episodeId === id ? prior : undefined;
    const { labels } = observation;
    const who = labels !== null ? identityOf(source, { ...observation, labels }) : sameEpisode ? storedIdentity(sameEpisode) : undefined;
    if (!who || (observation.state === 'acknowledged' && sameEpisode?.status !== 'firing')) {
      ignored++;
      continue;
    }
    let event: AnomalyEvent;
    if (observation.state === 'firing') {
      event = anomalyEvent(id, sameEpisode ? 'update' : 'open', who, startNs);
    } else if (observation.state === 'resolved') {
      const endNs = observation.endsAtNs ?? observation.atNs;
      event = anomalyEvent(id, 'recover', who, endNs > startNs ? endNs : startNs);
    } else {
      event = anomalyEvent(id, 'update', who, observation.atNs > startNs ? observation.atNs : startNs, cutSummary(`${who.summary} (acknowledged in ${source === 'pagerduty' ? 'PagerDuty' : source})`));
    }
    events.push(event);
    const write: StoredInboundAlert = {
      source,
      alertKey: observation.key,
      episodeId: id,
      status: observation.state === 'resolved' ? 'resolved' : 'firing',
      startedUnixNano: startNs.toString(),
      ...who,
    };
    writes.push(write);
    current.set(observation.key, write);
  }
  return { events, writes, ignored };
}
