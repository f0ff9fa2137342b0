export { runbookSchema, stepSchema, triggerSchema, checkSchema, guardsSchema, freezeWindowSchema, RISK_TIERS, SEVERITY_LEVELS, APPROVER_ROLES, NON_MUTATING_ACTIONS } from './runbook.schema';
export type { ActionStep, FreezeWindow, RiskTier, Runbook, RunbookCheck, RunbookGuards, RunbookStep, RunbookTrigger } from './runbook.schema';
