import { z } from 'zod';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';
import { failed, succeeded } from '../support';
import { connectionFor, deploymentFacts, deploymentName, describeFailure, namespaceName, PATCH_TYPES, type Deployment, type KubernetesActionOptions } from './kubernetes-client';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export const rolloutRestartParams = z.object({ namespace: namespaceName.default('default'), deployment: deploymentName }).strict();
export type RolloutRestartParams = z.output<typeof rolloutRestartParams>;

/** RFC 3339 in UTC without fractions, as kubectl writes it (`time.Now().Format(time.RFC3339)`). */
export function restartTimestamp(nowMs = Date.now()): string {
  return new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `kubernetes.rolloutRestart`: what `kubectl rollout restart deployment/<name>` does — a strategic
 * merge patch setting the pod template annotation `kubectl.kubernetes.io/restartedAt`, so the
 * Deployment rolls its pods under its own surge/unavailability rules. Reads the Deployment first
 * (replica count for the blast radius; a paused Deployment is refused, as kubectl refuses it).
 */
export function createRolloutRestartAction(options: KubernetesActionOptions = {}): RemediationAction<RolloutRestartParams> {
  const connection = connectionFor(options);
  return {
    type: 'kubernetes.rolloutRestart',
    params: rolloutRestartParams,
    serverDryRun: true,
    async run({ namespace, deployment: name }: RolloutRestartParams, context: ActionContext): Promise<ActionResult> {
      const target = `deployment ${namespace}/${name}`;
      const current = await connection.call<Deployment>(context.signal, (api, o) => api.readNamespacedDeployment({ name, namespace }, o));
      if (!current.ok) return failed(`${target}: ${describeFailure(current)}`, { namespace, deployment: name });
      const facts = deploymentFacts(namespace, name, current.body);
      if (current.body.spec?.paused) return failed(`${target} is paused: a paused Deployment cannot be restarted (resume it first)`, facts);

      const restartedAt = restartTimestamp();
      const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } };
      const reply = await connection.call<Deployment>(
        context.signal,
        (api, o) => api.patchNamespacedDeployment({ name, namespace, body: patch, fieldManager: connection.fieldManager, dryRun: context.dryRun ? 'All' : undefined }, o),
        PATCH_TYPES.strategicMerge,
      );
      const data = {
        ...facts,
        restartedAt,
        previousRestartedAt: current.body.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? null,
        dryRun: context.dryRun,
        serverDryRun: context.dryRun,
      };
      if (!reply.ok) return failed(`${target}: ${context.dryRun ? 'server dry run rejected: ' : ''}${describeFailure(reply)}`, data);
      const server = { generation: reply.body.metadata?.generation, restartedAt: reply.body.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] ?? null };
      return context.dryRun
        ? succeeded(`server dry run: the API server accepts restarting ${target} (${facts['replicas']} replicas); nothing changed`, { ...data, server })
        : succeeded(`restarted ${target}: ${facts['replicas']} replicas roll (restartedAt ${restartedAt})`, { ...data, server });
    },
  };
}
