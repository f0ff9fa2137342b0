import { formatDuration } from './format-duration';
import { incidentDurations, type IncidentDurations } from './incident-durations';
import { inlineText, NONE, utc, utcOrNone } from './markdown';
import { actionsBlock, anomaliesBlock, durationsBlock, notesBlock, rankedHints, rootCausesBlock, servicesBlock, timelineBlock } from './postmortem-blocks';
import type { PostmortemInput } from './postmortem-input';
import type { PostmortemPlaceholder } from './postmortem-placeholders';

interface Facts {
  input: PostmortemInput;
  durations: IncidentDurations;
}

const duration = (ms: number | null): string => (ms === null ? NONE : formatDuration(ms));
const topHint = ({ input }: Facts): PostmortemInput['rootCauseHints'][number] | undefined => rankedHints(input.rootCauseHints)[0];

/**
 * What each placeholder becomes. A `Record` over every name, so adding a name to
 * POSTMORTEM_PLACEHOLDERS without saying how it renders does not compile.
 */
const VALUES: Record<PostmortemPlaceholder, (facts: Facts) => string> = {
  id: ({ input }) => inlineText(input.incident.id),
  number: ({ input }) => String(input.incident.number),
  title: ({ input }) => inlineText(input.incident.title),
  severity: ({ input }) => input.incident.severity,
  status: ({ input }) => inlineText(input.incident.status),
  commander: ({ input }) => (input.incident.commander === null ? NONE : inlineText(input.incident.commander)),
  customer_facing: ({ input }) => (input.incident.customerFacing ? 'yes' : 'no'),
  started_at: ({ input }) => utc(input.incident.startedAtMs),
  detected_at: ({ input }) => utc(input.incident.detectedAtMs),
  acknowledged_at: ({ input }) => utcOrNone(input.incident.acknowledgedAtMs),
  mitigated_at: ({ input }) => utcOrNone(input.incident.mitigatedAtMs),
  resolved_at: ({ input }) => utcOrNone(input.incident.resolvedAtMs),
  generated_at: ({ input }) => utc(input.generatedAtMs),
  ttd: ({ durations }) => duration(durations.timeToDetectMs),
  tta: ({ durations }) => duration(durations.timeToAcknowledgeMs),
  ttm: ({ durations }) => duration(durations.timeToMitigateMs),
  ttr: ({ durations }) => duration(durations.timeToResolveMs),
  'root_cause.service': (facts) => inlineText(topHint(facts)?.service ?? NONE),
  'root_cause.signal': (facts) => inlineText(topHint(facts)?.signal ?? NONE),
  'root_cause.score': (facts) => topHint(facts)?.score.toFixed(2) ?? NONE,
  'root_cause.summary': (facts) => inlineText(topHint(facts)?.summary ?? NONE),
  'services.count': ({ input }) => String(input.incident.services.length),
  'timeline.count': ({ input }) => String(input.timeline.length),
  'actions.count': ({ input }) => String(input.actions.length),
  'actions.failed': ({ input }) => String(input.actions.filter((a) => a.outcome === 'failed').length),
  'anomalies.count': ({ input }) => String(input.anomalies.length),
  'notes.count': ({ input }) => String(input.notes.length),
  services: ({ input }) => servicesBlock(input.incident.services),
  timeline: ({ input }) => timelineBlock(input.timeline),
  actions: ({ input }) => actionsBlock(input.actions),
  root_causes: ({ input }) => rootCausesBlock(input.rootCauseHints),
  anomalies: ({ input }) => anomaliesBlock(input.anomalies),
  notes: ({ input }) => notesBlock(input.notes),
  durations: ({ durations }) => durationsBlock(durations),
};

/** Each placeholder's markdown for this input, computed once however often the template uses it. */
export function placeholderValues(input: PostmortemInput): (name: PostmortemPlaceholder) => string {
  const facts: Facts = { input, durations: incidentDurations(input.incident) };
  const done = new Map<PostmortemPlaceholder, string>();
  return (name) => {
    let value = done.get(name);
    if (value === undefined) done.set(name, (value = VALUES[name](facts)));
    return value;
  };
}
