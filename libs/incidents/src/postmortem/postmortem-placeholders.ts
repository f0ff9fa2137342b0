/**
 * Every name a postmortem template may use, and nothing else: templates are checked against this
 * list when they are parsed, so a typo fails at load time instead of shipping a postmortem with a
 * literal `{{titel}}` in it. Scalars render as one line of text; blocks render ready-made markdown
 * (tables, lists) and belong on a line of their own.
 */
export const POSTMORTEM_PLACEHOLDERS = [
  // The incident, one line each.
  'id',
  'number',
  'title',
  'severity',
  'status',
  'commander',
  'customer_facing',
  'started_at',
  'detected_at',
  'acknowledged_at',
  'mitigated_at',
  'resolved_at',
  'generated_at',
  'ttd',
  'tta',
  'ttm',
  'ttr',
  // Vigil's best root-cause hint, for prose ("the first to go wrong was {{root_cause.service}}").
  'root_cause.service',
  'root_cause.signal',
  'root_cause.score',
  'root_cause.summary',
  // Counts, for prose ("{{actions.count}} actions, {{actions.failed}} failed").
  'services.count',
  'timeline.count',
  'actions.count',
  'actions.failed',
  'anomalies.count',
  'notes.count',
  // Blocks.
  'services',
  'timeline',
  'actions',
  'root_causes',
  'anomalies',
  'notes',
  'durations',
] as const;

export type PostmortemPlaceholder = (typeof POSTMORTEM_PLACEHOLDERS)[number];

const KNOWN: ReadonlySet<string> = new Set(POSTMORTEM_PLACEHOLDERS);

export const isPostmortemPlaceholder = (name: string): name is PostmortemPlaceholder => KNOWN.has(name);
