export { ActionCatalog } from './remediation-action';
export type { ActionContext, ActionResult, RemediationAction } from './remediation-action';
