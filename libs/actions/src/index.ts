export { ActionCatalog } from './remediation-action';
export type { ActionContext, ActionResult, RemediationAction } from './remediation-action';

export { defaultActionCatalog } from './catalog';
export type { DefaultActionCatalogOptions } from './catalog';

export { createHttpRequestAction, httpRequestParams, HTTP_METHODS } from './http/http-request-action';
export type { HttpRequestParams } from './http/http-request-action';
export { sendRequest, displayUrl, MAX_ATTEMPTS } from './http/http-transport';
export type { HttpActionOptions, RetryPolicy, OutgoingRequest } from './http/http-transport';
export { createNotifyWebhookAction, notifyWebhookParams } from './notify/notify-webhook-action';
export type { NotifyWebhookParams } from './notify/notify-webhook-action';

export { KubernetesConnection, loadKubeConfig, loadKubernetesClient, labelSelectorString, PATCH_TYPES, REVISION_ANNOTATION } from './kubernetes/kubernetes-client';
export type { KubernetesActionOptions, KubernetesClientModule, KubeReply } from './kubernetes/kubernetes-client';
export { createRolloutRestartAction, rolloutRestartParams, restartTimestamp, RESTARTED_AT_ANNOTATION } from './kubernetes/rollout-restart-action';
export type { RolloutRestartParams } from './kubernetes/rollout-restart-action';
export { createScaleAction, scaleParams, targetReplicas } from './kubernetes/scale-action';
export type { ScaleParams } from './kubernetes/scale-action';
export { createRollbackAction, rollbackParams, ownedReplicaSets, previousRevision, sameTemplate, POD_TEMPLATE_HASH_LABEL } from './kubernetes/rollback-action';
export type { RollbackParams } from './kubernetes/rollback-action';

export { createCancelBlockersAction, cancelBlockersParams, rootBlockers, REMEDIATION_APPLICATION_NAME } from './postgres/cancel-blockers-action';
export type { CancelBlockersParams, CancelBlockersOptions } from './postgres/cancel-blockers-action';

export { createShellRunAction, shellRunParams, DEFAULT_SHELL_ENV, ABSOLUTE_COMMAND } from './shell/shell-run-action';
export type { ShellRunParams, ShellRunOptions } from './shell/shell-run-action';
