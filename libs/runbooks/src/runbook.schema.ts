import { ANOMALY_KINDS } from '@vigil/contracts';
import { z } from 'zod';

/**
 * The runbook format (YAML files, one runbook per file). Declarative and reviewed like code:
 * every field is checked here, so a runbook that loads is one the engine can run safely.
 */

export const SEVERITY_LEVELS = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export const RISK_TIERS = ['low', 'medium', 'high'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];
export const APPROVER_ROLES = ['responder', 'admin'] as const;

const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lowercase name: letters, digits and dashes, at most 63');
/** A text matcher: exact text, or `~regex` (anchored). */
const textMatcher = z
  .string()
  .min(1)
  .superRefine((v, ctx) => {
    if (!v.startsWith('~')) return;
    try {
      new RegExp(`^(?:${v.slice(1)})$`);
    } catch (error) {
      // V8 says "Invalid regular expression: /^(?:…)$/: <why>": keep the why, show the user's pattern.
      const why = (error as Error).message.split(': ').pop();
      ctx.addIssue({ code: 'custom', message: `invalid regular expression ${JSON.stringify(v.slice(1))}: ${why}` });
    }
  });

// ---- triggers: what starts a run -------------------------------------------------------------
const anomalyTrigger = z.object({ on: z.literal('anomaly'), service: textMatcher.optional(), kind: z.array(z.enum(ANOMALY_KINDS)).min(1).optional(), signal: textMatcher.optional() }).strict();
const incidentTrigger = z.object({ on: z.literal('incident'), severity: z.array(z.enum(SEVERITY_LEVELS)).min(1).optional(), service: textMatcher.optional() }).strict();
const alertTrigger = z.object({ on: z.literal('alert'), labels: z.record(z.string().min(1), textMatcher).refine((l) => Object.keys(l).length > 0, 'name at least one label') }).strict();
const forecastTrigger = z.object({ on: z.literal('forecast'), service: textMatcher.optional(), series: textMatcher.optional(), breachWithinMinutes: z.number().positive().max(1440) }).strict();
export const triggerSchema = z.discriminatedUnion('on', [anomalyTrigger, incidentTrigger, alertTrigger, forecastTrigger]);

// ---- checks: pre- and postconditions ---------------------------------------------------------
export const checkSchema = z
  .object({
    /** The incident must be in one of these statuses. */
    incidentStatus: z.array(z.enum(['triggered', 'acknowledged', 'mitigated', 'resolved'])).min(1).optional(),
    /** The triggering signal must be (still) anomalous, or already recovered. */
    signal: z.enum(['anomalous', 'recovered']).optional(),
    /** An HTTP probe: GET the URL, expect this status. */
    http: z.object({ url: z.url(), expectStatus: z.number().int().min(100).max(599).default(200) }).strict().optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'a check needs at least one condition');

// ---- steps -----------------------------------------------------------------------------------
/**
 * Parameters are the adapter's (each action validates its own `with`). Values may use the
 * placeholders `{{service}}`, `{{incident.id}}`, `{{incident.number}}`, `{{runbook}}`, `{{run.id}}`;
 * substituted values must match [A-Za-z0-9._-]+ or the step fails (telemetry cannot inject).
 * `shell.run` takes no placeholders at all.
 */
const actionCall = z.object({ action: z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/, 'expected an action type such as kubernetes.rolloutRestart'), with: z.record(z.string(), z.unknown()).default({}) }).strict();

const actionStep = z
  .object({
    type: z.literal('action'),
    name,
    action: actionCall.shape.action,
    with: actionCall.shape.with,
    /** What the action touches, e.g. `deployment/{{service}}`: cooldowns and blast radius count these. */
    target: z.string().min(1).max(256),
    timeoutSeconds: z.number().int().positive().max(3600).default(60),
    retries: z.number().int().min(0).max(10).default(0),
    precondition: checkSchema.optional(),
    postcondition: checkSchema.optional(),
    /** The inverse, run when a later step fails or verification does not see the signal heal. */
    rollback: actionCall.optional(),
    onFailure: z.enum(['rollback', 'continue', 'escalate']).default('rollback'),
  })
  .strict();
const waitStep = z.object({ type: z.literal('wait'), name, minutes: z.number().positive().max(240) }).strict();
const verifyStep = z
  .object({
    type: z.literal('verify'),
    name,
    /** Healed = the triggering signal recovered (or the alert resolved) within the window. */
    withinMinutes: z.number().positive().max(240),
  })
  .strict();
const approvalStep = z
  .object({
    type: z.literal('approval'),
    name,
    roles: z.array(z.enum(APPROVER_ROLES)).min(1).default(['responder']),
    timeoutMinutes: z.number().positive().max(1440).default(15),
    onTimeout: z.enum(['escalate', 'reject']).default('escalate'),
  })
  .strict();
export const stepSchema = z.discriminatedUnion('type', [actionStep, waitStep, verifyStep, approvalStep]);

// ---- guard rails -----------------------------------------------------------------------------
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24h, UTC)');
export const freezeWindowSchema = z.union([
  z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }).strict(),
  z.object({ days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1).optional(), start: clock, end: clock }).strict(),
]);
export const guardsSchema = z
  .object({
    cooldownMinutes: z.number().min(0).max(10080).default(30),
    maxRunsPerHour: z.number().int().positive().max(1000).default(3),
    maxConcurrentRuns: z.number().int().positive().max(100).default(1),
    blastRadius: z.object({ maxTargets: z.number().int().positive().default(1), maxReplicaPercent: z.number().positive().max(100).optional() }).strict().default({ maxTargets: 1 }),
    freezeWindows: z.array(freezeWindowSchema).default([]),
  })
  .strict();

export const runbookSchema = z
  .object({
    apiVersion: z.literal('vigil/v1'),
    kind: z.literal('Runbook'),
    metadata: z.object({ name, description: z.string().max(2000).default(''), owner: z.string().max(256).optional() }).strict(),
    triggers: z.array(triggerSchema).min(1),
    /**
     * low: runs without a human (every action needs a rollback); medium: a responder approves;
     * high: an admin approves. An explicit approval step adds a gate where it stands.
     */
    risk: z.enum(RISK_TIERS).default('medium'),
    dryRun: z.boolean().default(false),
    guards: guardsSchema.default({ cooldownMinutes: 30, maxRunsPerHour: 3, maxConcurrentRuns: 1, blastRadius: { maxTargets: 1 }, freezeWindows: [] }),
    steps: z.array(stepSchema).min(1),
    rollback: z.array(actionCall.extend({ name, target: z.string().min(1).max(256) }).strict()).default([]),
    /** The only programs `shell.run` steps may start (absolute paths), reviewed with the runbook. */
    allowCommands: z.array(z.string().regex(/^\/[A-Za-z0-9._/-]+$/, 'expected an absolute program path')).default([]),
  })
  .strict()
  .superRefine((rb, ctx) => {
    // shell.run anywhere (a step, a step's rollback, the runbook's rollback): literal arguments, allowed programs only.
    const checkShell = (call: { action: string; with: Record<string, unknown> }, at: (string | number)[]): void => {
      if (call.action !== 'shell.run') return;
      const templated = firstPathWith(call.with, '{{');
      if (templated) ctx.addIssue({ code: 'custom', path: [...at, 'with', ...templated], message: 'shell.run takes literal arguments only: no placeholders' });
      const command = call.with['command'];
      if (typeof command !== 'string' || !rb.allowCommands.includes(command)) {
        ctx.addIssue({ code: 'custom', path: [...at, 'with', 'command'], message: `shell.run may only start a program listed in allowCommands (${rb.allowCommands.join(', ') || 'none listed'})` });
      }
    };
    rb.rollback.forEach((call, i) => checkShell(call, ['rollback', i]));
    const names = new Set<string>();
    rb.steps.forEach((step, i) => {
      if (names.has(step.name)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'name'], message: `step name "${step.name}" is used twice` });
      names.add(step.name);
      if (step.type !== 'action') return;
      checkShell(step, ['steps', i]);
      if (step.rollback) checkShell(step.rollback, ['steps', i, 'rollback']);
      // Anything that runs without a human must be undoable.
      const unattended = rb.risk === 'low' && !rb.steps.slice(0, i).some((s) => s.type === 'approval');
      if (unattended && !step.rollback && !NON_MUTATING_ACTIONS.has(step.action)) {
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'rollback'], message: `runs without approval (risk: low), so it needs a rollback (the inverse of ${step.action})` });
      }
    });
  });

/** Where inside `value` the first string (or key) containing `needle` is, or null. */
function firstPathWith(value: unknown, needle: string): (string | number)[] | null {
  if (typeof value === 'string') return value.includes(needle) ? [] : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstPathWith(value[i], needle);
      if (found) return [i, ...found];
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes(needle)) return [k];
      const found = firstPathWith(v, needle);
      if (found) return [k, ...found];
    }
  }
  return null;
}

/** Actions that change nothing they would need to undo. */
export const NON_MUTATING_ACTIONS: ReadonlySet<string> = new Set(['notify.webhook', 'notify.slack', 'incident.note', 'incident.update']);

export type Runbook = z.output<typeof runbookSchema>;
export type RunbookStep = z.output<typeof stepSchema>;
export type RunbookTrigger = z.output<typeof triggerSchema>;
export type RunbookCheck = z.output<typeof checkSchema>;
export type RunbookGuards = z.output<typeof guardsSchema>;
export type FreezeWindow = z.output<typeof freezeWindowSchema>;
export type ActionStep = Extract<RunbookStep, { type: 'action' }>;
