import { InProcessBus } from './in-process-bus';

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never became true');
};

describe('InProcessBus retention', () => {
  it('drops messages every group has committed, and keeps offsets counting', async () => {
    const bus = new InProcessBus(1);
    const fast: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: string[] = [];
    await bus.subscribe({ groupId: 'fast', topics: ['t'], handler: async (b) => void fast.push(...b.map((m) => m.offset)) });
    await bus.subscribe({
      groupId: 'slow',
      topics: ['t'],
      handler: async (b) => {
        await gate;
        slow.push(...b.map((m) => m.offset));
      },
    });
    await bus.publish('t', [{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    await until(() => fast.length === 3);
    // The slow group has not committed: nothing may be dropped yet.
    expect(bus.retained('t')).toEqual([3]);
    release();
    await until(() => slow.length === 3);
    await until(() => bus.retained('t')[0] === 0);
    await bus.publish('t', [{ value: 'd' }]);
    await until(() => fast.length === 4 && slow.length === 4);
    expect(fast).toEqual(['0', '1', '2', '3']);
    expect(slow).toEqual(['0', '1', '2', '3']);
    await bus.shutdown();
  });
});
