import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppsV1Api, ConfigurationOptions, KubeConfig, ObservableMiddleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { z } from 'zod';
import { abortReason, errorMessage } from '../support';

/**
 * The Kubernetes side of the actions: how `@kubernetes/client-node` is loaded and configured, and
 * one `call` that runs a typed API method while keeping the server's own JSON (the wire form is
 * what goes back into a patch, untouched by the client's model classes), honouring the step's
 * AbortSignal and the patch content type kubectl uses, and never throwing.
 */

export type KubernetesClientModule = typeof import('@kubernetes/client-node');

// @kubernetes/client-node v1 is an ES module; tsc compiles this workspace to CommonJS (which would
// turn `import()` into `require()`), so in Node the import is made at run time through a Function.
// Under jest that Function would belong to the first test file's context and break in the next
// one, so there the import is real syntax (kept by swc's ignoreDynamic) that jest resolves per file.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
let clientModule: Promise<KubernetesClientModule> | undefined;

/** The `@kubernetes/client-node` module, loaded once on first use. */
export function loadKubernetesClient(): Promise<KubernetesClientModule> {
  clientModule ??= (process.env['JEST_WORKER_ID'] ? import('@kubernetes/client-node') : importModule('@kubernetes/client-node')) as Promise<KubernetesClientModule>;
  return clientModule;
}

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Where the actions find their cluster: the kubeconfig file at `VIGIL_KUBECONFIG`; else, inside a
 * pod, the service account (in-cluster); else `~/.kube/config`.
 */
export async function loadKubeConfig(env: NodeJS.ProcessEnv = process.env): Promise<KubeConfig> {
  const k8s = await loadKubernetesClient();
  const config = new k8s.KubeConfig();
  const file = env['VIGIL_KUBECONFIG'];
  if (file) {
    config.loadFromFile(file);
  } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    config.loadFromCluster();
  } else {
    const home = join(env['HOME'] || homedir(), '.kube', 'config');
    if (!existsSync(home)) throw new Error(`set VIGIL_KUBECONFIG, run in a pod with a service account, or provide ${home}`);
    config.loadFromFile(home);
  }
  if (!config.getCurrentCluster()) throw new Error('the kubeconfig names no current cluster');
  return config;
}

export interface KubernetesActionOptions {
  /** A ready KubeConfig (tests; embedding). Otherwise loaded on first use by `loadKubeConfig(env)`. */
  kubeConfig?: KubeConfig;
  env?: NodeJS.ProcessEnv;
  /** `fieldManager` of every change (default `vigil`), so `managedFields` show who made it. */
  fieldManager?: string;
  /** Share one connection between actions (the catalog does). */
  connection?: KubernetesConnection;
}

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategicMerge: 'application/strategic-merge-patch+json',
} as const;

export type KubeReply<T> = { ok: true; status: number; body: T } | { ok: false; status?: number; reason?: string; message: string };

export class KubernetesConnection {
  readonly fieldManager: string;
  private apps?: Promise<{ api: AppsV1Api; k8s: KubernetesClientModule }>;

  constructor(private readonly options: Omit<KubernetesActionOptions, 'connection'> = {}) {
    this.fieldManager = options.fieldManager ?? 'vigil';
  }

  private appsApi(): Promise<{ api: AppsV1Api; k8s: KubernetesClientModule }> {
    this.apps ??= (async () => {
      const k8s = await loadKubernetesClient();
      const config = this.options.kubeConfig ?? (await loadKubeConfig(this.options.env ?? process.env));
      return { api: config.makeApiClient(k8s.AppsV1Api), k8s };
    })();
    // A failed load (no kubeconfig yet) is retried on the next call rather than remembered.
    this.apps.catch(() => (this.apps = undefined));
    return this.apps;
  }

  /**
   * Runs one API method. The body of the answer is the server's JSON as sent; a non-2xx answer
   * becomes `{ ok: false, status, reason, message }` from the Kubernetes Status object.
   */
  async call<T>(signal: AbortSignal, invoke: (api: AppsV1Api, options: ConfigurationOptions) => Promise<unknown>, contentType?: string): Promise<KubeReply<T>> {
    if (signal.aborted) return { ok: false, message: abortReason(signal) };
    let api: AppsV1Api;
    let k8s: KubernetesClientModule;
    try {
      ({ api, k8s } = await this.appsApi());
    } catch (error) {
      return { ok: false, message: `no Kubernetes configuration: ${errorMessage(error)}` };
    }
    let raw: { status: number; text: string } | undefined;
    // The generated object API takes the client's own (promise-backed) Observable middleware.
    const middleware: ObservableMiddleware = {
      pre: (request: RequestContext) => {
        request.setSignal(signal);
        if (contentType) request.setHeaderParam('Content-Type', contentType);
        return new k8s.Observable(Promise.resolve(request));
      },
      post: (response: ResponseContext) =>
        new k8s.Observable(
          response.body.text().then((text) => {
            raw = { status: response.httpStatusCode, text };
            response.body = { text: async () => text, binary: async () => Buffer.from(text, 'utf8') };
            return response;
          }),
        ),
    };
    try {
      await invoke(api, { middleware: [middleware], middlewareMergeStrategy: 'append' });
      if (!raw) return { ok: false, message: 'no response from the API server' };
      return { ok: true, status: raw.status, body: JSON.parse(raw.text) as T };
    } catch (error) {
      if (signal.aborted) return { ok: false, message: abortReason(signal) };
      if (raw && (raw.status < 200 || raw.status > 299)) return { ok: false, ...statusOf(raw.status, raw.text) };
      return { ok: false, message: errorMessage(error) };
    }
  }
}

function statusOf(status: number, text: string): { status: number; reason?: string; message: string } {
  try {
    const body = JSON.parse(text) as { kind?: string; reason?: string; message?: string };
    if (body && typeof body === 'object' && typeof body.message === 'string') return { status, reason: body.reason, message: body.message };
  } catch {
    // not a Status object
  }
  return { status, message: text.trim().slice(0, 200) || `HTTP ${status}` };
}

export function describeFailure(reply: Extract<KubeReply<unknown>, { ok: false }>): string {
  const head = [reply.status, reply.reason].filter((v) => v !== undefined && v !== '').join(' ');
  return head ? `${head}: ${reply.message}` : reply.message;
}

export function connectionFor(options: KubernetesActionOptions): KubernetesConnection {
  return options.connection ?? new KubernetesConnection(options);
}

// ---- the parts of the wire objects the actions read ------------------------------------------

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }[];
}
export interface PodTemplate {
  metadata?: ObjectMeta;
  spec?: { containers?: { name?: string; image?: string }[] } & Record<string, unknown>;
}
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}
export interface Deployment {
  metadata?: ObjectMeta;
  spec?: { replicas?: number; paused?: boolean; selector?: LabelSelector; template?: PodTemplate };
  status?: { replicas?: number; readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number };
}
export interface Scale {
  metadata?: ObjectMeta;
  spec?: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}
export interface ReplicaSet {
  metadata?: ObjectMeta;
  spec?: { replicas?: number; template?: PodTemplate };
}
export interface ReplicaSetList {
  items?: ReplicaSet[];
}

// ---- parameters ------------------------------------------------------------------------------

export const namespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a namespace name (RFC 1123 label)');
export const deploymentName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'expected a Deployment name (RFC 1123 subdomain)');

/** What the engine needs to judge the blast radius, from a Deployment. */
export function deploymentFacts(namespace: string, name: string, deployment: Deployment): Record<string, unknown> {
  return {
    namespace,
    deployment: name,
    // A Deployment without spec.replicas runs 1 (the API default).
    replicas: deployment.spec?.replicas ?? 1,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    revision: revisionOf(deployment.metadata),
  };
}

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

export function revisionOf(metadata: ObjectMeta | undefined): number | undefined {
  const value = metadata?.annotations?.[REVISION_ANNOTATION];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

/** kubectl's `metav1.LabelSelectorAsSelector(...).String()`: requirements sorted by key. */
export function labelSelectorString(selector: LabelSelector | undefined): string | undefined {
  if (!selector) return undefined;
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push({ key, text: `${key}=${value}` });
  for (const expression of selector.matchExpressions ?? []) {
    const values = [...(expression.values ?? [])].sort().join(',');
    const text =
      expression.operator === 'In'
        ? `${expression.key} in (${values})`
        : expression.operator === 'NotIn'
          ? `${expression.key} notin (${values})`
          : expression.operator === 'Exists'
            ? expression.key
            : expression.operator === 'DoesNotExist'
              ? `!${expression.key}`
              : undefined;
    if (text === undefined) return undefined;
    parts.push({ key: expression.key, text });
  }
  if (parts.length === 0) return undefined;
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(',');
}

/** The container images of a pod template, `name=image` — what a timeline reader wants to see change. */
export function imagesOf(template: PodTemplate | undefined): string[] {
  return (template?.spec?.containers ?? []).map((c) => `${c.name ?? '?'}=${c.image ?? '?'}`);
}
