import type { KubeConfig } from '@kubernetes/client-node';
import { createHttpRequestAction } from './http/http-request-action';
import { KubernetesConnection } from './kubernetes/kubernetes-client';
import { createRollbackAction } from './kubernetes/rollback-action';
import { createRolloutRestartAction } from './kubernetes/rollout-restart-action';
import { createScaleAction } from './kubernetes/scale-action';
import { createNotifyWebhookAction } from './notify/notify-webhook-action';
import { createCancelBlockersAction } from './postgres/cancel-blockers-action';
import { ActionCatalog } from './remediation-action';
import { createShellRunAction } from './shell/shell-run-action';

export interface DefaultActionCatalogOptions {
  /** Where secrets (`secretEnv`), database URLs (`urlEnv`) and VIGIL_KUBECONFIG are read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The cluster of the Kubernetes actions (default: loaded on first use, see `loadKubeConfig`). */
  kubeConfig?: KubeConfig;
  /** The fetch of `http.request` and `notify.webhook` (default the global one). */
  fetch?: typeof fetch;
}

/** Every action Vigil ships, ready for the runbook validator and engine. Nothing connects until a step runs. */
export function defaultActionCatalog(options: DefaultActionCatalogOptions = {}): ActionCatalog {
  const env = options.env ?? process.env;
  const http = { env, fetch: options.fetch };
  const connection = new KubernetesConnection({ env, kubeConfig: options.kubeConfig });
  const catalog = new ActionCatalog();
  // One by one: `add<P>` keeps each action's parameter type (the constructor's array cannot).
  catalog.add(createHttpRequestAction(http));
  catalog.add(createNotifyWebhookAction(http));
  catalog.add(createRolloutRestartAction({ connection }));
  catalog.add(createScaleAction({ connection }));
  catalog.add(createRollbackAction({ connection }));
  catalog.add(createCancelBlockersAction({ env }));
  catalog.add(createShellRunAction());
  return catalog;
}
