import { OVERFLOW_TEMPLATE, TemplateMiner, DEFAULT_TEMPLATE_MINER_OPTIONS, type TemplateMatch, type TemplateMinerSnapshot } from './template-miner';

const lock = (table: string, ms: number, pid: number): string => `lock wait timeout exceeded on table ${table} (waited ${ms} ms, pid ${pid})`;

describe('TemplateMiner', () => {
  it('masks variables and groups lines of one statement under one id', () => {
    const miner = new TemplateMiner();
    const a = miner.mine('PacketResponder 1 for block blk_38865049064139660 terminating');
    const b = miner.mine('PacketResponder 0 for block blk_-6952295868487656571 terminating');
    expect(a).toMatchObject({ id: 1, template: 'PacketResponder <*> for block <*> terminating', created: true, merged: [], truncated: false, outcome: 'mined' });
    expect(b).toMatchObject({ id: 1, created: false, changed: false });
    expect(miner.templates()).toEqual([{ id: 1, template: 'PacketResponder <*> for block <*> terminating', count: 2 }]);
  });

  it('keeps a few distinct words apart (an enumeration) and folds many into a variable under the oldest id', () => {
    const miner = new TemplateMiner();
    const ids = ['users', 'orders', 'items'].map((t, i) => miner.mine(lock(t, 50 + i, 100 + i)).id);
    expect(ids).toEqual([1, 2, 3]);
    expect(miner.mine(lock('users', 9, 9)).id).toBe(1);
    const fourth = miner.mine(lock('carts', 70, 200));
    expect(fourth).toMatchObject({ id: 1, template: 'lock wait timeout exceeded on table <*> (waited <*> ms, pid <*>)', created: false, changed: true, merged: [2, 3, 4] });
    expect(miner.resolve(3)).toBe(1);
    expect(miner.mine(lock('payments', 1, 2))).toMatchObject({ id: 1, created: false, changed: false });
    expect(miner.templates().map((t) => [t.id, t.count, t.mergedInto])).toEqual([
      [1, 6, undefined],
      [2, 0, 1],
      [3, 0, 1],
      [4, 0, 1],
    ]);
  });

  it('does not fold an enumeration with fewer distinct words than minDistinctValues', () => {
    const miner = new TemplateMiner();
    for (let i = 0; i < 20; i++) {
      miner.mine('onReceive action: android.intent.action.SCREEN_ON');
      miner.mine('onReceive action: android.intent.action.SCREEN_OFF');
    }
    expect(miner.templates().map((t) => t.template)).toEqual(['onReceive action: android.intent.action.SCREEN_ON', 'onReceive action: android.intent.action.SCREEN_OFF']);
  });

  it('never treats different one-word messages as one family', () => {
    const miner = new TemplateMiner();
    for (const w of ['getStepCounterStatus', 'reStartStepCounter', 'initEnviroument', 'sendSyncFailedBroadcast', 'clear()']) miner.mine(w);
    expect(miner.templates()).toHaveLength(5);
  });

  it('absorbs an older template when a newer one shows a variable at its word', () => {
    const miner = new TemplateMiner();
    expect(miner.mine('reverse mapping checking getaddrinfo for ns.example.com [1.2.3.4] failed').id).toBe(1);
    const m = miner.mine('reverse mapping checking getaddrinfo for 191-210-223-172.example.br [5.6.7.8] failed');
    expect(m).toMatchObject({ id: 1, template: 'reverse mapping checking getaddrinfo for <*> [<*>] failed', changed: true, merged: [2] });
    expect(miner.mine('reverse mapping checking getaddrinfo for host.example.org [5.6.7.8] failed').id).toBe(1);
  });

  it('folds two positions that vary together when nearly every line brings a new pair', () => {
    const miner = new TemplateMiner();
    const names = ['Job', 'Task', 'Attempt', 'Container', 'Node'];
    const matches = names.map((name) => miner.mine(`Registering class org.example.${name}Type for class org.example.${name}Dispatcher`));
    expect(matches.map((m) => m.id)).toEqual([1, 2, 3, 1, 1]);
    expect(matches[3]).toMatchObject({ template: 'Registering class <*> for class <*>', merged: [2, 3, 4] });
  });

  it('keeps pairs of enumerated states apart when they repeat', () => {
    const miner = new TemplateMiner();
    const states = ['LOOKING', 'LEADING', 'FOLLOWING'];
    for (let round = 0; round < 5; round++) {
      for (const a of states) for (const b of states) miner.mine(`Notification: ${round} (n.leader), ${a} (n.state), ${b} (my state)`);
    }
    expect(miner.templates().filter((t) => t.mergedInto === undefined)).toHaveLength(9);
  });

  it('matches a line against variables inside tokens (`<*>:<*>` covers `host.example.com:<*>`)', () => {
    const miner = new TemplateMiner();
    const a = miner.mine('Opening proxy : 04DN8IQ.example.com:54883');
    const b = miner.mine('Opening proxy : MININT-FNANLI5.example.com:52368');
    expect(a.template).toBe('Opening proxy : <*>:<*>');
    expect(b.id).toBe(a.id);
  });

  it('keeps what the values of a folded position share up to a separator (`user=<*>`)', () => {
    const miner = new TemplateMiner();
    for (const user of ['root', 'admin', 'guest', 'oracle']) miner.mine(`authentication failure; tty=ssh rhost=10.0.0.1 user=${user}`);
    expect(miner.templates()[0]?.template).toBe('authentication failure; tty=ssh rhost=<*> user=<*>');
  });

  it('lets a variable take a few more tokens when all but one are variables (variable-length fields)', () => {
    const miner = new TemplateMiner();
    const a = miner.mine('process 17 started in pool main');
    const b = miner.mine('process worker 18 started in pool main');
    expect(b).toMatchObject({ id: a.id, template: 'process <*> started in pool main', created: false });
    // Words that make another statement do not stretch a variable.
    expect(miner.mine('process was never started in pool main').id).not.toBe(a.id);
  });

  it('folds a longer template into a shorter one that stretches over it, under the older id', () => {
    const miner = new TemplateMiner();
    const a = miner.mine('process worker 17 started in pool main');
    const b = miner.mine('process 18 started in pool main');
    expect(a.template).toBe('process worker <*> started in pool main');
    expect(b).toMatchObject({ id: a.id, template: 'process <*> started in pool main', merged: [2] });
    expect(miner.mine('process worker 19 started in pool main').id).toBe(a.id);
  });

  it('keeps variable-length sizes in one template', () => {
    const miner = new TemplateMiner();
    const a = miner.mine('1190 bytes (1.16 KB) sent');
    const b = miner.mine('12 bytes (12 B) sent');
    const c = miner.mine('3221225472 bytes (3.0 GB) sent');
    expect(new Set([a.id, b.id, c.id])).toEqual(new Set([1]));
    expect(c.template).toBe('<*> bytes (<*>) sent');
  });

  it('rejects nonsensical options', () => {
    expect(() => new TemplateMiner({ maxTokens: 0 })).toThrow(RangeError);
    expect(() => new TemplateMiner({ minDistinctValues: 1.5 })).toThrow(RangeError);
  });

  it('resolve() rejects an id it never handed out', () => {
    expect(() => new TemplateMiner().resolve(7)).toThrow(RangeError);
  });

  describe('bad input', () => {
    it('an empty or blank line is its own counted outcome', () => {
      const miner = new TemplateMiner();
      const a = miner.mine('');
      const b = miner.mine('   \t ');
      expect(a).toMatchObject({ template: '', outcome: 'empty', truncated: false });
      expect(b.id).toBe(a.id);
      expect(miner.stats()).toMatchObject({ lines: 2, empty: 2, mined: 0 });
    });

    it('a 1 MB line is cut at maxLineChars and says truncated', () => {
      const miner = new TemplateMiner();
      const started = performance.now();
      const m = miner.mine(`payload ${'x'.repeat(1 << 20)}`);
      const words = miner.mine(Array.from({ length: 100_000 }, (_, i) => `w${i % 7}`).join(' '));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(m).toMatchObject({ truncated: true, outcome: 'truncated' });
      expect(m.template.length).toBeLessThanOrEqual(DEFAULT_TEMPLATE_MINER_OPTIONS.maxLineChars);
      expect(words.template.split(' ')).toHaveLength(DEFAULT_TEMPLATE_MINER_OPTIONS.maxTokens);
      expect(miner.stats().truncated).toBe(2);
    });

    it('a cap set through options is honoured', () => {
      const miner = new TemplateMiner({ maxTokens: 3 });
      expect(miner.mine('a b c d e')).toMatchObject({ template: 'a b c', truncated: true });
    });

    it('U+FFFD from invalid UTF-8 becomes a variable and is counted', () => {
      const miner = new TemplateMiner();
      const a = miner.mine('user \ufffd\ufffdroot logged in');
      const b = miner.mine('user x\ufffdy logged in');
      expect(a).toMatchObject({ template: 'user <*> logged in', outcome: 'invalid-utf8' });
      expect(b.id).toBe(a.id);
      expect(miner.stats()['invalid-utf8']).toBe(2);
    });

    it('binary junk and control characters never crash and are counted', () => {
      const miner = new TemplateMiner();
      let junk = '';
      for (let i = 0; i < 512; i++) junk += String.fromCharCode((i * 7919) % 256);
      const a = miner.mine(junk);
      const b = miner.mine('\u0000\u0001\u0002');
      expect(a.outcome).toBe('binary');
      expect(b.outcome).toBe('binary');
      expect(miner.stats()).toMatchObject({ lines: 2, binary: 2 });
    });

    it('a stream of ever-new junk stops at maxTemplates: the rest goes to one overflow template, counted', () => {
      const miner = new TemplateMiner({ maxTemplates: 50 });
      const words = (i: number): string => `${(i * 2654435761 >>> 0).toString(36)}x ${(i * 40503).toString(36)}q zz${i % 7}`;
      for (let i = 0; i < 200; i++) miner.mine(words(i));
      const live = miner.templates().filter((t) => t.mergedInto === undefined);
      expect(miner.templates().length).toBeLessThanOrEqual(51);
      const overflow = live.find((t) => t.template === OVERFLOW_TEMPLATE);
      expect(overflow?.count).toBe(miner.stats().overflow);
      expect(miner.stats().overflow).toBeGreaterThan(100);
      // Known templates still match past the cap, and the cap survives a snapshot.
      const first = miner.mine(words(0));
      expect(first.outcome).not.toBe('overflow');
      const restored = TemplateMiner.fromSnapshot(JSON.parse(JSON.stringify(miner.toSnapshot())), { maxTemplates: 50 });
      expect(restored.mine(words(999)).id).toBe(overflow?.id);
      expect(restored.mine('a line of a shape never seen before at all').template).toBe(OVERFLOW_TEMPLATE);
    });
  });

  describe('snapshot', () => {
    it('restores a miner that continues exactly as the original', () => {
      const lines = syntheticStream(4000, 42);
      const whole = new TemplateMiner();
      const expected = lines.map((l) => whole.mine(l));

      const first = new TemplateMiner();
      const got: TemplateMatch[] = lines.slice(0, 2000).map((l) => first.mine(l));
      const snapshot = JSON.parse(JSON.stringify(first.toSnapshot())) as TemplateMinerSnapshot;
      expect(snapshot.version).toBe(1);
      const restored = TemplateMiner.fromSnapshot(snapshot);
      got.push(...lines.slice(2000).map((l) => restored.mine(l)));

      expect(got).toEqual(expected);
      expect(restored.templates()).toEqual(whole.templates());
      expect(restored.stats()).toEqual(whole.stats());
      expect(new Set(expected.map((m) => whole.resolve(m.id))).size).toBeLessThan(40);
    });

    it('rejects an unknown version', () => {
      expect(() => TemplateMiner.fromSnapshot({ version: 2 } as unknown as TemplateMinerSnapshot)).toThrow(/version/);
    });
  });
});

/** A deterministic mixed stream: numeric variables, a user-name variable, an enumeration, junk. */
function syntheticStream(n: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = (k: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % k;
  };
  const users = ['root', 'admin', 'test', 'oracle', 'guest', 'ubuntu', 'pi', 'git', 'postgres', 'www'];
  const states = ['RUNNING', 'SUCCEEDED', 'FAILED'];
  const makers: (() => string)[] = [
    () => `Failed password for ${users[next(users.length)]} from 10.0.${next(255)}.${next(255)} port ${next(65535)} ssh2`,
    () => `Task task_${next(1e6)} Transitioned from NEW to ${states[next(states.length)]}`,
    () => `Received block blk_${next(1e9)} of size ${next(1e8)} from /10.251.${next(255)}.${next(255)}`,
    () => `${next(5000)} bytes (${next(100)}.${next(10)} ${['B', 'KB', 'MB'][next(3)]}) sent`,
    () => `lock wait timeout exceeded on table ${['users', 'orders', 'items', 'carts', 'payments'][next(5)]} (waited ${next(999)} ms, pid ${next(1e5)})`,
    () => `session ${next(1e6).toString(16)}deadbeef closed`,
    () => (next(50) === 0 ? '' : `heartbeat ok`),
    () => `${['chrome.exe', 'firefox.exe', 'curl', 'wget', 'git'][next(5)]}${next(3) === 0 ? ' *64' : ''} - ${['a.com', 'b.org', 'c.net', 'd.io', 'e.dev'][next(5)]}:${next(2) ? 443 : 80} open through proxy p.example:5070 HTTPS`,
    () => `Registering class org.example.${users[next(users.length)]}Type for class org.example.${states[next(states.length)]}Dispatcher`,
  ];
  return Array.from({ length: n }, () => (makers[next(makers.length)] as () => string)());
}
