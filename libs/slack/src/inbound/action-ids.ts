import { z } from 'zod';
import { parseSeverity, type Severity } from './slash-command';

/** The `action_id`s of the buttons and menus on incident cards; every one is handled here. */
export const SLACK_ACTION_IDS = {
  acknowledge: 'incident_ack',
  mitigate: 'incident_mitigate',
  resolve: 'incident_resolve',
  severity: 'incident_severity',
  runRunbook: 'incident_run_runbook',
  postmortem: 'incident_postmortem',
  approve: 'run_approve',
  reject: 'run_reject',
} as const;

export type SlackActionId = (typeof SLACK_ACTION_IDS)[keyof typeof SLACK_ACTION_IDS];

/** What a card element carries in its `value` (a button) or in an option's `value` (JSON). */
export const actionValueSchema = z.object({
  incidentId: z.string().min(1).optional(),
  runId: z.string().min(1).optional(),
  runbook: z.string().min(1).optional(),
  severity: z.string().optional(),
});
export type ActionValue = z.infer<typeof actionValueSchema>;

/** The JSON a button's `value` holds; null when it is absent or not that JSON. */
export function parseActionValue(value: string | undefined | null): ActionValue | null {
  if (!value) return null;
  try {
    const parsed = actionValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The severity a `static_select` option picked: `sev1` or JSON `{"severity": "sev1", …}`. */
export function selectedSeverity(optionValue: string | undefined): { severity: Severity | null; value: ActionValue | null } {
  const value = parseActionValue(optionValue);
  return { severity: parseSeverity(value?.severity ?? optionValue), value };
}
