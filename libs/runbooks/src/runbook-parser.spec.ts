import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { actionCatalogOptions, formatRunbookError, MAX_RUNBOOK_BYTES, parseRunbook, runbookErrorAt, type ParseRunbookOptions, type RunbookError } from './runbook-parser';

const RUNBOOKS_DIR = join(__dirname, '..', '..', '..', 'runbooks');

/** The parameter shapes the action adapters implement (see runbooks/README.md). */
const k8sTarget = { namespace: z.string().min(1).default('default'), deployment: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/) };
const ACTION_PARAMS: Record<string, z.ZodType> = {
  'http.request': z
    .object({
      url: z.url(),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
      secretEnv: z.string().optional(),
      expectStatus: z.array(z.number().int()).optional(),
    })
    .strict(),
  'notify.webhook': z.object({ url: z.url(), secretEnv: z.string().optional(), message: z.string().min(1) }).strict(),
  'kubernetes.rolloutRestart': z.object(k8sTarget).strict(),
  'kubernetes.rollback': z.object(k8sTarget).strict(),
  'kubernetes.scale': z
    .object({ ...k8sTarget, replicas: z.number().int().min(0).optional(), by: z.number().int().optional(), maxReplicas: z.number().int().positive().optional() })
    .strict()
    .refine((p) => (p.replicas === undefined) !== (p.by === undefined), 'exactly one of replicas and by'),
  'postgres.cancelBlockers': z
    .object({
      urlEnv: z.string().default('DATABASE_URL'),
      minBlockedSeconds: z.number().positive().default(10),
      maxRuntimeSeconds: z.number().positive().optional(),
      terminateAfterSeconds: z.number().min(0).default(30),
      excludeApplications: z.array(z.string()).optional(),
    })
    .strict(),
  'shell.run': z.object({ command: z.string().startsWith('/'), args: z.array(z.string()) }).strict(),
};
/** What the CLI passes, backed by a catalog with the adapters above. */
const withCatalog: ParseRunbookOptions = actionCatalogOptions({
  get: (type) => (ACTION_PARAMS[type] ? { params: ACTION_PARAMS[type] as z.ZodType } : undefined),
  types: () => Object.keys(ACTION_PARAMS).sort(),
});

/** 1-based line and column where `needle` first occurs (after `after`, when given). */
function at(text: string, needle: string, after = ''): { line: number; column: number } {
  const from = after ? text.indexOf(after) : 0;
  const offset = text.indexOf(needle, from);
  if (offset < 0 || from < 0) throw new Error(`${needle} not in the text`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1] as string).length + 1 };
}

function errorsOf(text: string, options?: ParseRunbookOptions, file = 'test.yaml'): RunbookError[] {
  const result = parseRunbook(file, text, options);
  if (result.ok) throw new Error('expected the runbook to be refused');
  return result.errors;
}

/** A valid runbook to break one thing in. */
function runbook(steps: string, extra = ''): string {
  return `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: test-runbook
triggers:
  - on: anomaly
    service: payments
${extra}steps:
${steps}`;
}

const SCALE_STEP = `  - type: action
    name: scale-out
    action: kubernetes.scale
    target: deployment/{{service}}
    with:
      deployment: "{{service}}"
      by: 2
    postcondition:
      http:
        url: http://payments.default.svc:8080/healthz
        expectStatus: 200
`;

describe('the shipped runbooks', () => {
  const files = readdirSync(RUNBOOKS_DIR).filter((f) => /\.ya?ml$/.test(f));

  it('are all there', () => {
    expect(files.sort()).toEqual(
      ['consumer-lag-restart.yaml', 'gateway-scale-ahead.yaml', 'ledger-restart-on-memory-leak.yaml', 'payments-error-burst-rollback.yaml', 'postgres-cancel-blockers.yaml'].sort(),
    );
  });

  it.each(files)('%s parses, action parameters included, and is named after its file', (file) => {
    const result = parseRunbook(file, readFileSync(join(RUNBOOKS_DIR, file), 'utf8'), withCatalog);
    if (!result.ok) throw new Error(result.errors.map(formatRunbookError).join('\n'));
    expect(`${result.runbook.metadata.name}.yaml`).toBe(file);
  });

  it('make the decisions they document', () => {
    const load = (file: string) => {
      const result = parseRunbook(file, readFileSync(join(RUNBOOKS_DIR, file), 'utf8'));
      if (!result.ok) throw new Error(formatRunbookError(result.errors[0] as RunbookError));
      return result.runbook;
    };
    const gateway = load('gateway-scale-ahead.yaml');
    expect(gateway.risk).toBe('low');
    expect(gateway.guards.blastRadius.maxReplicaPercent).toBe(50);
    expect(gateway.steps[0]).toMatchObject({ action: 'kubernetes.scale', with: { by: 2 }, rollback: { action: 'kubernetes.scale', with: { by: -2 } } });
    expect(load('ledger-restart-on-memory-leak.yaml').risk).toBe('medium');
    expect(load('payments-error-burst-rollback.yaml').steps.map((s) => s.type)).toEqual(['approval', 'action', 'verify']);
    expect(load('postgres-cancel-blockers.yaml').triggers.map((t) => t.on)).toEqual(['incident', 'alert']);
    expect(load('consumer-lag-restart.yaml').steps[0]).toMatchObject({ action: 'http.request', with: { secretEnv: 'CONSUMER_REMEDIATION_SECRET' } });
  });
});

describe('parseRunbook', () => {
  it('accepts a valid runbook and applies the defaults', () => {
    const result = parseRunbook('ok.yaml', runbook(SCALE_STEP), withCatalog);
    if (!result.ok) throw new Error(result.errors.map(formatRunbookError).join('\n'));
    expect(result.runbook.risk).toBe('medium');
    expect(result.runbook.guards.cooldownMinutes).toBe(30);
    expect(result.runbook.steps[0]).toMatchObject({ timeoutSeconds: 60, onFailure: 'rollback' });
  });

  it('points at a wrong type deep inside a step', () => {
    const text = runbook(SCALE_STEP.replace('expectStatus: 200', 'expectStatus: ok'));
    expect(errorsOf(text)).toEqual([{ file: 'test.yaml', ...at(text, 'ok', 'expectStatus'), path: 'steps[0].postcondition.http.expectStatus', message: 'expected number, got string "ok"' }]);
  });

  it('points at an unknown key itself', () => {
    const text = runbook(SCALE_STEP.replace('    target:', '    retry: 3\n    target:'));
    expect(errorsOf(text)).toEqual([{ file: 'test.yaml', ...at(text, 'retry:'), path: 'steps[0].retry', message: 'unknown key "retry"' }]);
  });

  it('reports each unknown key of a mapping on its own line', () => {
    const text = runbook(SCALE_STEP, 'colour: red\nshape: round\n');
    expect(errorsOf(text).map((e) => [e.line, e.column, e.path])).toEqual([
      [at(text, 'colour').line, 1, 'colour'],
      [at(text, 'shape').line, 1, 'shape'],
    ]);
  });

  it('puts a missing required key on the line of the mapping that lacks it', () => {
    const text = runbook('  - type: wait\n    name: settle\n');
    expect(errorsOf(text)).toEqual([{ file: 'test.yaml', ...at(text, 'type: wait'), path: 'steps[0].minutes', message: 'missing required key "minutes" (number)' }]);
    const noKind = runbook(SCALE_STEP).replace('kind: Runbook\n', '');
    expect(errorsOf(noKind)).toEqual([expect.objectContaining({ line: 1, column: 1, path: 'kind', message: 'missing required key "kind" ("Runbook")' })]);
  });

  it('names the step types when a step has an unknown one or none', () => {
    const text = runbook('  - type: pause\n    name: settle\n  - name: other\n');
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({ ...at(text, 'pause'), path: 'steps[0].type', message: 'unknown type "pause": expected one of action, wait, verify, approval' }),
      expect.objectContaining({ ...at(text, 'name: other'), path: 'steps[1].type', message: 'missing required key "type" (one of: action, wait, verify, approval)' }),
    ]);
  });

  it('refuses a regular expression matcher that does not compile', () => {
    const text = runbook(SCALE_STEP).replace('service: payments', 'service: "~payments-(api|worker"');
    expect(errorsOf(text)).toEqual([expect.objectContaining({ ...at(text, '"~payments'), path: 'triggers[0].service', message: expect.stringMatching(/^invalid regular expression "payments-\(api\|worker": .*unterminated group/i) })]);
  });

  it('refuses a step name used twice', () => {
    const text = runbook(`${SCALE_STEP}  - type: wait\n    name: scale-out\n    minutes: 1\n`);
    expect(errorsOf(text)).toEqual([expect.objectContaining({ ...at(text, 'scale-out', 'type: wait'), path: 'steps[1].name', message: 'step name "scale-out" is used twice' })]);
  });

  it('refuses shell.run with a placeholder, and a program not in allowCommands', () => {
    const step = (command: string, arg: string) => `  - type: action
    name: flush
    action: shell.run
    target: host/cache
    with:
      command: ${command}
      args: [--flush, ${arg}]
`;
    const placeholder = runbook(step('/usr/local/bin/cachectl', '"{{service}}"'), 'allowCommands: [/usr/local/bin/cachectl]\n');
    expect(errorsOf(placeholder, withCatalog)).toEqual([expect.objectContaining({ ...at(placeholder, '"{{service}}"'), path: 'steps[0].with.args[1]', message: 'shell.run takes literal arguments only: no placeholders' })]);
    const notAllowed = runbook(step('/bin/rm', 'all'), 'allowCommands: [/usr/local/bin/cachectl]\n');
    expect(errorsOf(notAllowed, withCatalog)).toEqual([
      expect.objectContaining({ ...at(notAllowed, '/bin/rm'), path: 'steps[0].with.command', message: 'shell.run may only start a program listed in allowCommands (/usr/local/bin/cachectl)' }),
    ]);
  });

  it('refuses shell.run in a rollback too', () => {
    const text = runbook(SCALE_STEP, 'rollback:\n  - name: undo\n    action: shell.run\n    target: host/x\n    with: { command: /bin/sh, args: [-c, reboot] }\n');
    expect(errorsOf(text)).toEqual([expect.objectContaining({ ...at(text, '/bin/sh'), path: 'rollback[0].with.command' })]);
  });

  it('refuses an unattended (risk: low) action without a rollback', () => {
    const text = runbook(SCALE_STEP, 'risk: low\n');
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({ ...at(text, 'type: action'), path: 'steps[0].rollback', message: 'runs without approval (risk: low), so it needs a rollback (the inverse of kubernetes.scale)' }),
    ]);
    const withRollback = runbook(`${SCALE_STEP}    rollback:\n      action: kubernetes.scale\n      with: { deployment: "{{service}}", by: -2 }\n`, 'risk: low\n');
    expect(parseRunbook('ok.yaml', withRollback, withCatalog).ok).toBe(true);
  });

  it('turns a YAML syntax error into an error with its position', () => {
    const text = runbook(SCALE_STEP).replace('    service: payments', '    service: [payments');
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ file: 'test.yaml', path: '(root)', message: expect.stringMatching(/^YAML: /) });
    expect(errors[0]?.line).toBeGreaterThanOrEqual(at(text, '[payments').line);
    const tabs = 'apiVersion: vigil/v1\nmetadata:\n\tname: x\n';
    expect(errorsOf(tabs)).toEqual([expect.objectContaining({ line: 3, column: 1, message: 'YAML: Tabs are not allowed as indentation' })]);
  });

  it('refuses duplicate keys, several documents, and a top level that is not a mapping', () => {
    const dup = runbook(SCALE_STEP).replace('kind: Runbook\n', 'kind: Runbook\nkind: Runbook\n');
    expect(errorsOf(dup)).toEqual([expect.objectContaining({ line: 3, column: 1, message: 'YAML: duplicate key: each key may appear once in a mapping' })]);
    const two = `${runbook(SCALE_STEP)}---\n${runbook(SCALE_STEP)}`;
    expect(errorsOf(two)).toEqual([expect.objectContaining({ ...at(two, '---'), message: 'YAML: one runbook per file: a second YAML document starts here' })]);
    expect(errorsOf('- a\n- b\n')).toEqual([expect.objectContaining({ line: 1, column: 1, path: '(root)', message: expect.stringContaining('got a list') })]);
    expect(errorsOf('# nothing here\n')).toEqual([expect.objectContaining({ line: 1, column: 1, message: expect.stringContaining('the file is empty') })]);
  });

  it('stops an alias bomb at the first alias', () => {
    const text = [
      'apiVersion: vigil/v1',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      '',
    ].join('\n');
    expect(errorsOf(text)).toEqual([expect.objectContaining({ line: 3, column: 8, path: '(root)', message: expect.stringContaining('aliases expand too much') })]);
  });

  it('allows a little sharing through anchors', () => {
    const text = `${runbook(SCALE_STEP.replace('    postcondition:\n', '    postcondition: &healthy\n'))}    precondition: *healthy\n`;
    expect(parseRunbook('ok.yaml', text).ok).toBe(true);
  });

  it('refuses a file over 256 KiB without parsing it', () => {
    const text = `${runbook(SCALE_STEP)}# ${'x'.repeat(MAX_RUNBOOK_BYTES)}\n`;
    expect(errorsOf(text)).toEqual([{ file: 'test.yaml', line: 1, column: 1, path: '(root)', message: `file is ${text.length} bytes: a runbook may be at most 262144 bytes (256 KiB)` }]);
    const multiByte = `${runbook(SCALE_STEP)}# ${'é'.repeat(MAX_RUNBOOK_BYTES / 2)}\n`; // fewer characters than the limit, more bytes
    expect(errorsOf(multiByte)[0]?.message).toMatch(/^file is \d+ bytes/);
  });

  it('refuses unknown placeholders in with, target and rollbacks at load time', () => {
    const text = runbook(
      SCALE_STEP.replace('deployment/{{service}}', 'deployment/{{svc}}').replace('by: 2', 'by: 2\n      note: "{{incident.title}}"') +
        '    rollback:\n      action: kubernetes.scale\n      with: { deployment: "{{ service }}", by: -2, why: "{{whatever" }\n',
    );
    expect(errorsOf(text)).toEqual([
      expect.objectContaining({ ...at(text, 'deployment/{{svc}}'), path: 'steps[0].target', message: expect.stringMatching(/^unknown placeholder \{\{svc\}\} \(known: \{\{service\}\}, /) }),
      expect.objectContaining({ ...at(text, '"{{incident.title}}"'), path: 'steps[0].with.note', message: expect.stringMatching(/^unknown placeholder \{\{incident\.title\}\} \(known: /) }),
      expect.objectContaining({ ...at(text, '"{{whatever"'), path: 'steps[0].rollback.with.why', message: 'malformed placeholder in "{{whatever": expected {{name}}' }),
    ]);
  });

  it('names the known action types when a step uses an unknown one', () => {
    const text = runbook(SCALE_STEP.replace('kubernetes.scale', 'kubernetes.scaleUp'));
    expect(errorsOf(text, withCatalog)).toEqual([
      expect.objectContaining({
        ...at(text, 'kubernetes.scaleUp'),
        path: 'steps[0].action',
        message: 'unknown action type "kubernetes.scaleUp" (known: http.request, incident.note, incident.update, kubernetes.rollback, kubernetes.rolloutRestart, kubernetes.scale, notify.webhook, postgres.cancelBlockers, shell.run)',
      }),
    ]);
    // Without a catalog, action types are not known and not checked.
    expect(parseRunbook('ok.yaml', text).ok).toBe(true);
  });

  it('checks action parameters with the schema of the action type', () => {
    const text = runbook(SCALE_STEP.replace('by: 2', 'replicas: three'));
    expect(errorsOf(text, withCatalog)).toEqual([
      { file: 'test.yaml', ...at(text, 'three'), path: 'steps[0].with.replicas', message: 'kubernetes.scale: expected number, got string "three"' },
    ]);
    const unknownParam = runbook(SCALE_STEP.replace('by: 2', 'by: 2\n      replica: 3'));
    expect(errorsOf(unknownParam, withCatalog)).toEqual([expect.objectContaining({ ...at(unknownParam, 'replica:'), path: 'steps[0].with.replica', message: 'kubernetes.scale: unknown key "replica"' })]);
    const both = runbook(SCALE_STEP.replace('by: 2', 'by: 2\n      replicas: 3'));
    expect(errorsOf(both, withCatalog)).toEqual([expect.objectContaining({ ...at(both, 'deployment: "'), path: 'steps[0].with', message: 'kubernetes.scale: exactly one of replicas and by' })]);
  });

  it('checks a fake action type with a fake schema, rollbacks included', () => {
    const options: ParseRunbookOptions = { actionParams: (type) => (type === 'fake.act' ? z.object({ level: z.number().max(3) }).strict() : undefined), actionTypes: () => ['fake.act'] };
    const text = runbook(`  - type: action
    name: act
    action: fake.act
    target: thing/x
    with:
      level: 2
    rollback:
      action: fake.act
      with:
        level: 9
`);
    expect(errorsOf(text, options)).toEqual([expect.objectContaining({ ...at(text, '9'), path: 'steps[0].rollback.with.level', message: expect.stringMatching(/^fake\.act: Too big: expected number to be <=3, got number 9/) })]);
    const unknown = text.replace('action: fake.act\n    target', 'action: fake.other\n    target');
    expect(errorsOf(unknown, options).map((e) => e.message)).toEqual(expect.arrayContaining(['unknown action type "fake.other" (known: fake.act)']));
  });

  it('reports every problem at once, sorted by position', () => {
    const text = runbook('  - type: wait\n    name: Settle\n    minutes: -1\n', 'risk: extreme\n');
    const errors = errorsOf(text);
    expect(errors.map((e) => e.path)).toEqual(['risk', 'steps[0].name', 'steps[0].minutes']);
    expect(errors.map((e) => e.line)).toEqual([...errors.map((e) => e.line)].sort((a, b) => a - b));
  });

  it('quotes keys that are not identifiers in paths', () => {
    const text = runbook(SCALE_STEP).replace('  - on: anomaly\n    service: payments\n', '  - on: alert\n    labels:\n      app.kubernetes.io/name: "~(oops"\n');
    expect(errorsOf(text)).toEqual([expect.objectContaining({ path: 'triggers[0].labels["app.kubernetes.io/name"]', ...at(text, '"~(oops"') })]);
  });
});

describe('formatRunbookError and runbookErrorAt', () => {
  it('formats the compiler-style line', () => {
    expect(formatRunbookError({ file: 'runbooks/a.yaml', line: 12, column: 9, path: 'steps[2].with.replicas', message: 'expected number' })).toBe('runbooks/a.yaml:12:9: steps[2].with.replicas: expected number');
  });

  it('locates a path in a file', () => {
    const text = runbook(SCALE_STEP);
    expect(runbookErrorAt('a.yaml', text, ['metadata', 'name'], 'taken')).toEqual({ file: 'a.yaml', ...at(text, 'test-runbook'), path: 'metadata.name', message: 'taken' });
  });
});
