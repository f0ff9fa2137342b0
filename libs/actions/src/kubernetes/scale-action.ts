import { z } from 'zod';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';
import { failed, succeeded } from '../support';
import { connectionFor, deploymentName, describeFailure, namespaceName, PATCH_TYPES, type KubernetesActionOptions, type Scale } from './kubernetes-client';

const MAX_REPLICAS = 10_000;

export const scaleParams = z
  .object({
    namespace: namespaceName.default('default'),
    deployment: deploymentName,
    /** The replica count to set. */
    replicas: z.number().int().min(0).max(MAX_REPLICAS).optional(),
    /** Or a change relative to the current count (`+2`, `-1`); the result is never below 0. */
    by: z.number().int().min(-MAX_REPLICAS).max(MAX_REPLICAS).refine((v) => v !== 0, 'by: 0 changes nothing').optional(),
    /** Never scale up beyond this (a scale-up that would pass it stops at it; scale-downs are not affected). */
    maxReplicas: z.number().int().min(1).max(MAX_REPLICAS).optional(),
  })
  .strict()
  .refine((p) => (p.replicas === undefined) !== (p.by === undefined), { message: 'give exactly one of replicas or by' })
  .refine((p) => p.replicas === undefined || p.maxReplicas === undefined || p.replicas <= p.maxReplicas, { message: 'replicas is above maxReplicas', path: ['replicas'] });
export type ScaleParams = z.output<typeof scaleParams>;

/** The count to set: the request, capped at maxReplicas on the way up, never below the current count because of the cap. */
export function targetReplicas(current: number, params: Pick<ScaleParams, 'replicas' | 'by' | 'maxReplicas'>): { requested: number; target: number; capped: boolean } {
  const requested = Math.max(0, params.replicas ?? current + (params.by ?? 0));
  let target = requested;
  if (params.maxReplicas !== undefined && requested > current) target = Math.min(requested, Math.max(current, params.maxReplicas));
  return { requested, target, capped: target !== requested };
}

/**
 * `kubernetes.scale`: what `kubectl scale deployment/<name> --replicas=N` does — read the
 * Deployment's scale subresource, then a merge patch `{"spec":{"replicas":N}}` on it.
 * `data.previousReplicas` is what the rollback sets back.
 */
export function createScaleAction(options: KubernetesActionOptions = {}): RemediationAction<ScaleParams> {
  const connection = connectionFor(options);
  return {
    type: 'kubernetes.scale',
    params: scaleParams,
    serverDryRun: true,
    async run(params: ScaleParams, context: ActionContext): Promise<ActionResult> {
      const { namespace, deployment: name } = params;
      const target = `deployment ${namespace}/${name}`;
      const scale = await connection.call<Scale>(context.signal, (api, o) => api.readNamespacedDeploymentScale({ name, namespace }, o));
      if (!scale.ok) return failed(`${target}: ${describeFailure(scale)}`, { namespace, deployment: name });
      const current = scale.body.spec?.replicas ?? 0;
      const { requested, target: replicas, capped } = targetReplicas(current, params);
      const data = {
        namespace,
        deployment: name,
        replicas: current,
        previousReplicas: current,
        targetReplicas: replicas,
        requestedReplicas: requested,
        capped,
        maxReplicas: params.maxReplicas ?? null,
        dryRun: context.dryRun,
        serverDryRun: context.dryRun,
      };
      const cap = capped ? ` (asked for ${requested}, capped at maxReplicas ${params.maxReplicas})` : '';
      if (replicas === current) return succeeded(`${target} already runs ${current} replicas${cap}; nothing to change`, { ...data, changed: false });

      const reply = await connection.call<Scale>(
        context.signal,
        (api, o) => api.patchNamespacedDeploymentScale({ name, namespace, body: { spec: { replicas } }, fieldManager: connection.fieldManager, dryRun: context.dryRun ? 'All' : undefined }, o),
        PATCH_TYPES.merge,
      );
      if (!reply.ok) return failed(`${target}: ${context.dryRun ? 'server dry run rejected: ' : ''}${describeFailure(reply)}`, data);
      const server = { replicas: reply.body.spec?.replicas };
      return context.dryRun
        ? succeeded(`server dry run: the API server accepts scaling ${target} from ${current} to ${server.replicas ?? replicas} replicas${cap}; nothing changed`, { ...data, changed: false, server })
        : succeeded(`scaled ${target} from ${current} to ${server.replicas ?? replicas} replicas${cap}`, { ...data, changed: true, server });
    },
  };
}
