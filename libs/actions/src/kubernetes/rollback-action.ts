import { z } from 'zod';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';
import { failed, succeeded } from '../support';
import {
  connectionFor,
  deploymentFacts,
  deploymentName,
  describeFailure,
  imagesOf,
  labelSelectorString,
  namespaceName,
  PATCH_TYPES,
  REVISION_ANNOTATION,
  revisionOf,
  type Deployment,
  type KubernetesActionOptions,
  type PodTemplate,
  type ReplicaSet,
  type ReplicaSetList,
} from './kubernetes-client';

export const rollbackParams = z.object({ namespace: namespaceName.default('default'), deployment: deploymentName }).strict();
export type RollbackParams = z.output<typeof rollbackParams>;

/** The label the Deployment controller adds to each ReplicaSet's template; never copied back. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Deployment annotations kubectl keeps as they are instead of taking the ReplicaSet's (kubectl's `annotationsToSkip`). */
const ANNOTATIONS_TO_SKIP = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

/** The ReplicaSets a Deployment controls (its UID in a controller ownerReference), as kubectl's GetAllReplicaSets. */
export function ownedReplicaSets(deployment: Deployment, list: ReplicaSetList): ReplicaSet[] {
  const uid = deployment.metadata?.uid;
  return (list.items ?? []).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((owner) => owner.controller === true && owner.uid === uid));
}

/** kubectl's choice for `rollout undo` without --to-revision: the second-highest revision. */
export function previousRevision(replicaSets: readonly ReplicaSet[]): { latest?: { revision: number; rs: ReplicaSet }; previous?: { revision: number; rs: ReplicaSet } } {
  let latest: { revision: number; rs: ReplicaSet } | undefined;
  let previous: { revision: number; rs: ReplicaSet } | undefined;
  for (const rs of replicaSets) {
    const revision = revisionOf(rs.metadata);
    if (revision === undefined) continue;
    if (!latest || revision > latest.revision) {
      previous = latest;
      latest = { revision, rs };
    } else if (!previous || revision > previous.revision) {
      previous = { revision, rs };
    }
  }
  return { latest, previous };
}

function withoutHash(template: PodTemplate | undefined): PodTemplate {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  }
  return copy;
}

/** Drops null, empty objects and empty arrays (apimachinery's Semantic.DeepEqual treats them as absent). */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalized);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => [k, normalized(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value === null ? undefined : value;
}

/** kubectl's `equalIgnoreHash`: the same template but for the pod-template-hash label. */
export function sameTemplate(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return JSON.stringify(normalized(withoutHash(a))) === JSON.stringify(normalized(withoutHash(b)));
}

/**
 * `kubernetes.rollback`: what `kubectl rollout undo deployment/<name>` does — find the ReplicaSets
 * the Deployment controls (its selector, then its UID among their controller ownerReferences),
 * take the previous revision (`deployment.kubernetes.io/revision`, second highest), and send the
 * same JSON patch kubectl sends: replace `/spec/template` with that ReplicaSet's template (without
 * its pod-template-hash label) and `/metadata/annotations` with the ReplicaSet's annotations
 * (keeping the Deployment's own revision / last-applied ones).
 */
export function createRollbackAction(options: KubernetesActionOptions = {}): RemediationAction<RollbackParams> {
  const connection = connectionFor(options);
  return {
    type: 'kubernetes.rollback',
    params: rollbackParams,
    serverDryRun: true,
    async run({ namespace, deployment: name }: RollbackParams, context: ActionContext): Promise<ActionResult> {
      const target = `deployment ${namespace}/${name}`;
      const got = await connection.call<Deployment>(context.signal, (api, o) => api.readNamespacedDeployment({ name, namespace }, o));
      if (!got.ok) return failed(`${target}: ${describeFailure(got)}`, { namespace, deployment: name });
      const deployment = got.body;
      const facts = deploymentFacts(namespace, name, deployment);
      if (deployment.spec?.paused) return failed(`${target} is paused: a paused Deployment cannot be rolled back (resume it first)`, facts);
      const labelSelector = labelSelectorString(deployment.spec?.selector);
      if (!labelSelector) return failed(`${target} has no usable selector to find its ReplicaSets`, facts);

      const listed = await connection.call<ReplicaSetList>(context.signal, (api, o) => api.listNamespacedReplicaSet({ namespace, labelSelector }, o));
      if (!listed.ok) return failed(`${target}: listing its ReplicaSets: ${describeFailure(listed)}`, facts);
      const owned = ownedReplicaSets(deployment, listed.body);
      const { latest, previous } = previousRevision(owned);
      const fromRevision = revisionOf(deployment.metadata) ?? latest?.revision ?? null;
      if (!previous) {
        return failed(`${target} has no previous revision to roll back to (no rollout history: ${owned.length} ReplicaSet(s), revision ${fromRevision ?? 'unknown'})`, { ...facts, fromRevision, toRevision: null });
      }
      const toRevision = previous.revision;
      const base = {
        ...facts,
        fromRevision,
        toRevision,
        replicaSet: previous.rs.metadata?.name ?? null,
        fromImages: imagesOf(deployment.spec?.template),
        toImages: imagesOf(previous.rs.spec?.template),
        dryRun: context.dryRun,
        serverDryRun: context.dryRun,
      };
      if (sameTemplate(previous.rs.spec?.template, deployment.spec?.template)) {
        return succeeded(`skipped rollback of ${target}: the current template already matches revision ${toRevision}`, { ...base, changed: false, skipped: true });
      }

      const template = withoutHash(previous.rs.spec?.template);
      const annotations: Record<string, string> = {};
      for (const key of ANNOTATIONS_TO_SKIP) {
        const value = deployment.metadata?.annotations?.[key];
        if (value !== undefined) annotations[key] = value;
      }
      for (const [key, value] of Object.entries(previous.rs.metadata?.annotations ?? {})) {
        if (!ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = value;
      }
      const patch = [
        { op: 'replace', path: '/spec/template', value: template },
        { op: 'replace', path: '/metadata/annotations', value: annotations },
      ];
      const reply = await connection.call<Deployment>(
        context.signal,
        (api, o) => api.patchNamespacedDeployment({ name, namespace, body: patch, fieldManager: connection.fieldManager, dryRun: context.dryRun ? 'All' : undefined }, o),
        PATCH_TYPES.json,
      );
      if (!reply.ok) return failed(`${target}: ${context.dryRun ? 'server dry run rejected: ' : ''}${describeFailure(reply)}`, base);
      const server = { generation: reply.body.metadata?.generation, images: imagesOf(reply.body.spec?.template) };
      const images = base.toImages.length ? ` (${base.toImages.join(', ')})` : '';
      return context.dryRun
        ? succeeded(`server dry run: the API server accepts rolling ${target} back from revision ${fromRevision ?? '?'} to ${toRevision}${images}; nothing changed`, { ...base, changed: false, server })
        : succeeded(`rolled ${target} back from revision ${fromRevision ?? '?'} to ${toRevision}${images}`, { ...base, changed: true, server });
    },
  };
}
