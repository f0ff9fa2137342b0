import { LogHeaderFormat } from './log-header-format';

describe('LogHeaderFormat', () => {
  it('splits an HDFS line into its fields and content', () => {
    const f = new LogHeaderFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
    const m = f.match('081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38 terminating');
    expect(m).toEqual({
      fields: { Date: '081109', Time: '203615', Pid: '148', Level: 'INFO', Component: 'dfs.DataNode$PacketResponder', Content: 'PacketResponder 1 for block blk_38 terminating' },
      content: 'PacketResponder 1 for block blk_38 terminating',
    });
  });

  it('treats other text as regex source and runs of spaces as \\s+', () => {
    const f = new LogHeaderFormat('<Date> <Time> - <Level>  \\[<Node>:<Component>@<Id>\\] - <Content>');
    const m = f.match('2015-07-29 17:41:44,747 - INFO  [/10.10.34.11:3888:QuorumCnxManager$Listener@493] - Notification time out: 3200');
    expect(m?.fields['Level']).toBe('INFO');
    expect(m?.fields['Component']).toBe('3888:QuorumCnxManager$Listener');
    expect(m?.content).toBe('Notification time out: 3200');
  });

  it('works with optional groups of its own', () => {
    const f = new LogHeaderFormat('<Component>(\\[<Pid>\\])?: <Content>');
    expect(f.match('sshd[42]: hello there')?.fields).toEqual({ Component: 'sshd', Pid: '42', Content: 'hello there' });
    expect(f.match('kernel: boot')?.fields).toEqual({ Component: 'kernel', Pid: '', Content: 'boot' });
  });

  it('matches the trimmed line, anchored at both ends', () => {
    const f = new LogHeaderFormat('\\[<Time>\\] \\[<Level>\\] <Content>');
    expect(f.match('  [Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok  \r')?.content).toBe('workerEnv.init() ok');
  });

  it('returns null for a line without the header', () => {
    const f = new LogHeaderFormat('<Time>\\|<Component>\\|<Pid>\\|<Content>');
    expect(f.match('just some words')).toBeNull();
    expect(f.match('')).toBeNull();
  });

  it('rejects long lines that do not fit in linear time (no regex backtracking blow-up)', () => {
    const f = new LogHeaderFormat('<Date> <Time> <Level> <Component>: <Content>');
    const words = Array.from({ length: 200_000 }, () => 'ab').join(' ');
    const started = performance.now();
    expect(f.match(words)).toBeNull();
    expect(f.match(`${words}:x`)).toBeNull();
    expect(f.match(`${words}: x`)?.content).toBe('x');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('still matches formats with regex syntax it cannot pre-check', () => {
    const f = new LogHeaderFormat('<Date> (<Host> )?<Content>');
    expect(f.match('2024 web1 hello')?.fields).toEqual({ Date: '2024', Host: 'web1', Content: 'hello' });
  });

  it('rejects formats with no field or a broken pattern', () => {
    expect(() => new LogHeaderFormat('no fields')).toThrow(/no <Field>/);
    expect(() => new LogHeaderFormat('<A> ( <Content>')).toThrow(/not a valid pattern/);
    expect(() => new LogHeaderFormat('<A> <A>')).toThrow(/twice/);
  });
});
