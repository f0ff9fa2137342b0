import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  createRollbackAction,
  createRolloutRestartAction,
  createScaleAction,
  defaultActionCatalog,
  loadKubernetesClient,
  scaleParams,
  type ActionContext,
  type KubernetesActionOptions,
} from '@vigil/actions';

/**
 * A stand-in for the Kubernetes API server: real paths, real objects (as `kubectl get -o json`
 * shows them), patches applied the way the server applies them, `dryRun=All` answered without
 * storing. Every request is recorded so the tests can compare it with what kubectl sends.
 */

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = 'shop';
const DEPLOYMENT_UID = '5f0c2a8e-1b7d-4c1e-9a51-2f6f4b7d9e01';

function template(image: string, hash?: string): Json {
  return {
    metadata: { creationTimestamp: null, labels: { app: 'payments', tier: 'api', ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: {
      containers: [
        {
          name: 'app',
          image,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'LOG_LEVEL', value: 'info' }],
          resources: { limits: { cpu: '1', memory: '512Mi' }, requests: { cpu: '250m', memory: '256Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          imagePullPolicy: 'IfNotPresent',
        },
      ],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      securityContext: {},
      schedulerName: 'default-scheduler',
    },
  };
}

function deployment(): Json {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'payments',
      namespace: NS,
      uid: DEPLOYMENT_UID,
      resourceVersion: '48213',
      generation: 7,
      creationTimestamp: '2024-05-02T09:14:11Z',
      labels: { app: 'payments' },
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"payments"}}',
      },
    },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'payments', tier: 'api' } },
      template: template('registry.example.com/payments:1.4.2'),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: { observedGeneration: 7, replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4 },
  };
}

function replicaSet(name: string, hash: string, revision: number, image: string, replicas: number, ownerUid = DEPLOYMENT_UID, extraAnnotations: Record<string, string> = {}): Json {
  return {
    metadata: {
      name,
      namespace: NS,
      uid: `rs-${hash}`,
      resourceVersion: String(40000 + revision),
      generation: 1,
      creationTimestamp: '2024-05-02T09:14:11Z',
      labels: { app: 'payments', tier: 'api', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5', 'deployment.kubernetes.io/revision': String(revision), ...extraAnnotations },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: ownerUid === DEPLOYMENT_UID ? 'payments' : 'payments-canary', uid: ownerUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, selector: { matchLabels: { app: 'payments', tier: 'api', 'pod-template-hash': hash } }, template: template(image, hash) },
    status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 },
  };
}

function history(): Json[] {
  return [
    replicaSet('payments-6d4cf56db6', '6d4cf56db6', 1, 'registry.example.com/payments:1.4.0', 0),
    replicaSet('payments-7b9f8c5d44', '7b9f8c5d44', 2, 'registry.example.com/payments:1.4.1', 0, DEPLOYMENT_UID, { 'vigil.example.com/change': 'CHG-1041' }),
    replicaSet('payments-58cbd9f6c7', '58cbd9f6c7', 3, 'registry.example.com/payments:1.4.2', 4),
    // Matches the selector but belongs to another Deployment: never a candidate.
    replicaSet('payments-canary-9c8d7', '9c8d7', 9, 'registry.example.com/payments:2.0.0-rc1', 1, '0a1b2c3d-0000-4000-8000-000000000009'),
  ];
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function strategicMerge(target: Json, patch: Json): Json {
  // Enough of the strategic merge patch for maps (what the restart patch touches).
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object' ? strategicMerge(target[k], v) : v;
  }
  return out;
}

class FakeKubeApi {
  readonly requests: Recorded[] = [];
  deployment = deployment();
  replicaSets = history();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: Recorded = {
          method: req.method ?? '',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          contentType: req.headers['content-type'],
          authorization: req.headers['authorization'],
          body: text ? JSON.parse(text) : undefined,
        };
        this.requests.push(recorded);
        const [code, body] = this.answer(recorded);
        res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.deployment = deployment();
    this.replicaSets = history();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private scale(replicas: number): Json {
    const m = this.deployment['metadata'];
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: m.name, namespace: NS, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
      spec: { replicas },
      status: { replicas: this.deployment['status'].replicas, selector: 'app=payments,tier=api' },
    };
  }

  private answer(r: Recorded): [number, Json] {
    const base = `/apis/apps/v1/namespaces/${NS}/deployments/payments`;
    const dry = r.query['dryRun'] === 'All';
    if (r.query['dryRun'] !== undefined && !dry) return [400, status(400, 'BadRequest', `invalid dry run option: ${r.query['dryRun']}`)];
    if (r.path === base && r.method === 'GET') return [200, this.deployment];
    if (r.path === base && r.method === 'PATCH') {
      let next: Json;
      if (r.contentType === 'application/strategic-merge-patch+json') {
        next = strategicMerge(this.deployment, r.body as Json);
      } else if (r.contentType === 'application/json-patch+json') {
        next = structuredClone(this.deployment);
        for (const op of r.body as { op: string; path: string; value: unknown }[]) {
          if (op.op !== 'replace') return [422, status(422, 'Invalid', `unsupported op ${op.op}`)];
          const [, a, b] = op.path.split('/');
          next[a!][b!] = op.value;
        }
      } else {
        return [415, status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`)];
      }
      if (JSON.stringify(next['spec'].template) !== JSON.stringify(this.deployment['spec'].template)) next['metadata'] = { ...next['metadata'], generation: this.deployment['metadata'].generation + 1 };
      if (!dry) this.deployment = next;
      return [200, next];
    }
    if (r.path === `${base}/scale` && r.method === 'GET') return [200, this.scale(this.deployment['spec'].replicas)];
    if (r.path === `${base}/scale` && r.method === 'PATCH') {
      if (r.contentType !== 'application/merge-patch+json') return [415, status(415, 'UnsupportedMediaType', 'unexpected patch type')];
      const replicas = (r.body as Json)['spec'].replicas as number;
      if (!dry) this.deployment = { ...this.deployment, spec: { ...this.deployment['spec'], replicas } };
      return [200, this.scale(replicas)];
    }
    if (r.path === `/apis/apps/v1/namespaces/${NS}/replicasets` && r.method === 'GET') {
      const wanted = (r.query['labelSelector'] ?? '').split(',').filter(Boolean);
      const items = this.replicaSets.filter((rs) => wanted.every((pair) => `${pair.split('=')[0]}=${rs['metadata'].labels[pair.split('=')[0]!]}` === pair));
      return [200, { kind: 'ReplicaSetList', apiVersion: 'apps/v1', metadata: { resourceVersion: '48220' }, items }];
    }
    const name = r.path.split('/').pop();
    return [404, status(404, 'NotFound', `deployments.apps "${name}" not found`)];
  }
}

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return { runId: 'run-1', stepKey: 'run-1:restart:1', dryRun: false, signal: new AbortController().signal, target: 'deployment/payments', ...overrides };
}

describe('Kubernetes actions against a stand-in API server', () => {
  const api = new FakeKubeApi();
  let options: KubernetesActionOptions;

  beforeAll(async () => {
    await api.start();
    const { KubeConfig } = await loadKubernetesClient();
    const kubeConfig: KubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'test', server: api.url, skipTLSVerify: true }],
      users: [{ name: 'vigil', token: 'vigil-sa-token' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'vigil' }],
      currentContext: 'test',
    });
    options = { kubeConfig };
  });
  afterAll(() => api.stop());
  beforeEach(() => api.reset());

  const deploymentPath = `/apis/apps/v1/namespaces/${NS}/deployments/payments`;

  describe('kubernetes.rolloutRestart', () => {
    it('reads the Deployment, then sends kubectl rollout restart’s strategic merge patch', async () => {
      const action = createRolloutRestartAction(options);
      const before = Date.now();
      const result = await action.run(action.params.parse({ namespace: NS, deployment: 'payments' }), context());

      expect(result.outcome).toBe('succeeded');
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${deploymentPath}`, `PATCH ${deploymentPath}`]);
      const patch = api.requests[1]!;
      expect(patch.contentType).toBe('application/strategic-merge-patch+json');
      expect(patch.authorization).toBe('Bearer vigil-sa-token');
      expect(patch.query).toEqual({ fieldManager: 'vigil' });
      const restartedAt = (patch.body as Json)['spec'].template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] as string;
      expect(patch.body).toEqual({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } });
      // RFC 3339, seconds, UTC — kubectl's time.Now().Format(time.RFC3339).
      expect(restartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(Date.parse(restartedAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(result.data).toMatchObject({ namespace: NS, deployment: 'payments', replicas: 4, revision: 3, restartedAt, previousRestartedAt: null, serverDryRun: false });
      expect(api.deployment['spec'].template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
      expect(api.deployment['spec'].template.spec.containers[0].image).toBe('registry.example.com/payments:1.4.2');
    });

    it('dry run: the same patch with dryRun=All, the server’s answer reported, nothing stored', async () => {
      const action = createRolloutRestartAction(options);
      const result = await action.run(action.params.parse({ namespace: NS, deployment: 'payments' }), context({ dryRun: true }));

      expect(result.outcome).toBe('succeeded');
      expect(result.detail).toMatch(/^server dry run/);
      expect(action.serverDryRun).toBe(true);
      const patch = api.requests.find((r) => r.method === 'PATCH')!;
      expect(patch.query).toEqual({ dryRun: 'All', fieldManager: 'vigil' });
      expect(patch.contentType).toBe('application/strategic-merge-patch+json');
      expect(result.data).toMatchObject({ serverDryRun: true, replicas: 4, server: { restartedAt: (result.data as Json)['restartedAt'] } });
      expect(api.deployment['spec'].template.metadata.annotations).toBeUndefined();
    });

    it('refuses a paused Deployment without patching, and reports a missing one', async () => {
      api.deployment['spec'].paused = true;
      const action = createRolloutRestartAction(options);
      const paused = await action.run(action.params.parse({ namespace: NS, deployment: 'payments' }), context());
      expect(paused.outcome).toBe('failed');
      expect(paused.detail).toContain('paused');
      expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

      const missing = await action.run(action.params.parse({ namespace: NS, deployment: 'ledger' }), context());
      expect(missing).toMatchObject({ outcome: 'failed' });
      expect(missing.detail).toContain('404 NotFound: deployments.apps "ledger" not found');
    });

    it('loads its cluster from the kubeconfig file named by VIGIL_KUBECONFIG, and fails clearly without one', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-kube-'));
      try {
        const file = join(dir, 'config');
        writeFileSync(
          file,
          [
            'apiVersion: v1',
            'kind: Config',
            'clusters:',
            `- name: test\n  cluster:\n    server: ${api.url}\n    insecure-skip-tls-verify: true`,
            'users:',
            '- name: vigil\n  user:\n    token: from-file-token',
            'contexts:',
            '- name: test\n  context:\n    cluster: test\n    user: vigil',
            'current-context: test',
          ].join('\n'),
        );
        const action = createRolloutRestartAction({ env: { VIGIL_KUBECONFIG: file } });
        const result = await action.run(action.params.parse({ namespace: NS, deployment: 'payments' }), context());
        expect(result.outcome).toBe('succeeded');
        expect(api.requests[0]!.authorization).toBe('Bearer from-file-token');

        const none = createRolloutRestartAction({ env: { VIGIL_KUBECONFIG: join(dir, 'missing') } });
        const failed = await none.run(none.params.parse({ namespace: NS, deployment: 'payments' }), context());
        expect(failed.outcome).toBe('failed');
        expect(failed.detail).toContain('no Kubernetes configuration');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('kubernetes.scale', () => {
    const run = async (params: Record<string, unknown>, ctx: Partial<ActionContext> = {}) => {
      const action = createScaleAction(options);
      return action.run(scaleParams.parse({ namespace: NS, deployment: 'payments', ...params }), context(ctx));
    };
    const scalePath = `${deploymentPath}/scale`;

    it('sets an absolute count: reads the scale subresource, merge-patches spec.replicas', async () => {
      const result = await run({ replicas: 6 });
      expect(result.outcome).toBe('succeeded');
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${scalePath}`, `PATCH ${scalePath}`]);
      expect(api.requests[1]).toMatchObject({ contentType: 'application/merge-patch+json', query: { fieldManager: 'vigil' }, body: { spec: { replicas: 6 } } });
      expect(result.data).toMatchObject({ previousReplicas: 4, replicas: 4, targetReplicas: 6, capped: false, changed: true, server: { replicas: 6 } });
      expect(api.deployment['spec'].replicas).toBe(6);
    });

    it('scales relative to the current count', async () => {
      const down = await run({ by: -1 });
      expect(api.requests[1]!.body).toEqual({ spec: { replicas: 3 } });
      expect(down.data).toMatchObject({ previousReplicas: 4, targetReplicas: 3 });
      api.requests.length = 0;
      const up = await run({ by: 2 });
      expect(api.requests[1]!.body).toEqual({ spec: { replicas: 5 } });
      expect(up.data).toMatchObject({ previousReplicas: 3, targetReplicas: 5 });
    });

    it('caps a scale-up at maxReplicas, and does nothing when already there', async () => {
      const capped = await run({ by: 5, maxReplicas: 6 });
      expect(capped.outcome).toBe('succeeded');
      expect(api.requests[1]!.body).toEqual({ spec: { replicas: 6 } });
      expect(capped.data).toMatchObject({ previousReplicas: 4, requestedReplicas: 9, targetReplicas: 6, capped: true });
      expect(capped.detail).toContain('capped at maxReplicas 6');

      api.requests.length = 0;
      const again = await run({ by: 2, maxReplicas: 6 });
      expect(again).toMatchObject({ outcome: 'succeeded', data: { previousReplicas: 6, targetReplicas: 6, changed: false } });
      expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    });

    it('dry run: dryRun=All, the server’s count reported, nothing stored', async () => {
      const result = await run({ replicas: 8 }, { dryRun: true });
      expect(result).toMatchObject({ outcome: 'succeeded', data: { serverDryRun: true, previousReplicas: 4, targetReplicas: 8, server: { replicas: 8 } } });
      expect(api.requests[1]).toMatchObject({ method: 'PATCH', query: { dryRun: 'All', fieldManager: 'vigil' }, body: { spec: { replicas: 8 } } });
      expect(api.deployment['spec'].replicas).toBe(4);
    });

    it('validates: exactly one of replicas / by, replicas within maxReplicas', () => {
      expect(scaleParams.safeParse({ deployment: 'payments' }).success).toBe(false);
      expect(scaleParams.safeParse({ deployment: 'payments', replicas: 3, by: 1 }).success).toBe(false);
      expect(scaleParams.safeParse({ deployment: 'payments', replicas: 9, maxReplicas: 6 }).success).toBe(false);
      expect(scaleParams.safeParse({ deployment: 'Payments!', replicas: 1 }).success).toBe(false);
      expect(scaleParams.parse({ deployment: 'payments', by: 1 })).toMatchObject({ namespace: 'default' });
    });
  });

  describe('kubernetes.rollback', () => {
    const run = async (ctx: Partial<ActionContext> = {}) => {
      const action = createRollbackAction(options);
      return action.run(action.params.parse({ namespace: NS, deployment: 'payments' }), context(ctx));
    };

    it('finds the Deployment’s ReplicaSets and sends kubectl rollout undo’s JSON patch to the previous revision', async () => {
      const result = await run();

      expect(result.outcome).toBe('succeeded');
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${deploymentPath}`, `GET /apis/apps/v1/namespaces/${NS}/replicasets`, `PATCH ${deploymentPath}`]);
      expect(api.requests[1]!.query).toEqual({ labelSelector: 'app=payments,tier=api' });
      const patch = api.requests[2]!;
      expect(patch.contentType).toBe('application/json-patch+json');
      expect(patch.query).toEqual({ fieldManager: 'vigil' });
      // Revision 2's template without its pod-template-hash label; its annotations, keeping the
      // Deployment's own revision and last-applied-configuration (kubectl's annotationsToSkip).
      expect(patch.body).toEqual([
        { op: 'replace', path: '/spec/template', value: template('registry.example.com/payments:1.4.1') },
        {
          op: 'replace',
          path: '/metadata/annotations',
          value: {
            'deployment.kubernetes.io/revision': '3',
            'kubectl.kubernetes.io/last-applied-configuration': deployment()['metadata'].annotations['kubectl.kubernetes.io/last-applied-configuration'],
            'vigil.example.com/change': 'CHG-1041',
          },
        },
      ]);
      expect(result.data).toMatchObject({
        fromRevision: 3,
        toRevision: 2,
        replicaSet: 'payments-7b9f8c5d44',
        replicas: 4,
        fromImages: ['app=registry.example.com/payments:1.4.2'],
        toImages: ['app=registry.example.com/payments:1.4.1'],
        serverDryRun: false,
        changed: true,
      });
      expect(result.detail).toContain('from revision 3 to 2');
      expect(api.deployment['spec'].template.spec.containers[0].image).toBe('registry.example.com/payments:1.4.1');
    });

    it('dry run: the same patch with dryRun=All, nothing stored', async () => {
      const result = await run({ dryRun: true });
      expect(result).toMatchObject({ outcome: 'succeeded', data: { serverDryRun: true, fromRevision: 3, toRevision: 2, server: { images: ['app=registry.example.com/payments:1.4.1'] } } });
      expect(api.requests[2]).toMatchObject({ method: 'PATCH', contentType: 'application/json-patch+json', query: { dryRun: 'All', fieldManager: 'vigil' } });
      expect(api.deployment['spec'].template.spec.containers[0].image).toBe('registry.example.com/payments:1.4.2');
    });

    it('fails clearly when there is no previous revision (a ReplicaSet of another Deployment does not count)', async () => {
      api.replicaSets = history().filter((rs) => rs['metadata'].annotations['deployment.kubernetes.io/revision'] !== '1' && rs['metadata'].annotations['deployment.kubernetes.io/revision'] !== '2');
      const result = await run();
      expect(result.outcome).toBe('failed');
      expect(result.detail).toContain('no previous revision');
      expect(result.data).toMatchObject({ fromRevision: 3, toRevision: null });
      expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    });

    it('skips when the current template already is the previous revision’s', async () => {
      api.deployment['spec'].template = template('registry.example.com/payments:1.4.1');
      const result = await run();
      expect(result).toMatchObject({ outcome: 'succeeded', data: { skipped: true, toRevision: 2 } });
      expect(api.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    });
  });

  it('the default catalog offers every action', () => {
    const catalog = defaultActionCatalog({ kubeConfig: options.kubeConfig, env: {} });
    expect(catalog.types()).toEqual(['http.request', 'kubernetes.rollback', 'kubernetes.rolloutRestart', 'kubernetes.scale', 'notify.webhook', 'postgres.cancelBlockers', 'shell.run']);
    expect(catalog.get('kubernetes.scale')?.serverDryRun).toBe(true);
  });
});
