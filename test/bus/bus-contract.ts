import { DEAD_LETTER_HEADERS } from '@vigil/contracts';
import type { BusMessage, MessageBus, Subscription } from '@vigil/bus';
import { expectEventually } from '@vigil/testing';

export interface BusUnderTest {
  bus(): MessageBus;
  topic(partitions?: number): Promise<string>;
}

const text = (m: BusMessage): string => m.value.toString();

class PoisonError extends Error {
  readonly retriable = false;
  readonly code = 'poison_test';
}

/** The delivery contract every MessageBus must keep; run against Kafka and the in-process bus. */
export function describeBusContract(name: string, setup: () => BusUnderTest): void {
  describe(`MessageBus contract: ${name}`, () => {
    const t = setup();
    const subs: Subscription[] = [];
    const group = (): string => `g-${Math.random().toString(36).slice(2, 10)}`;
    afterEach(async () => {
      await Promise.all(subs.splice(0).map((s) => s.stop()));
    });
    const subscribe = async (options: Parameters<MessageBus['subscribe']>[0]): Promise<Subscription> => {
      const sub = await t.bus().subscribe({ retry: { initialMs: 20, maxMs: 200 }, ...options });
      subs.push(sub);
      await sub.ready;
      return sub;
    };

    it('delivers key, value and headers, in order per key', async () => {
      const topic = await t.topic(3);
      const seen: BusMessage[] = [];
      await subscribe({ groupId: group(), topics: [topic], handler: async (batch) => void seen.push(...batch) });
      const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: `v${i}`, headers: { h: `x${i}` } }));
      await t.bus().publish(topic, messages);
      await expectEventually(() => expect(seen).toHaveLength(30));
      for (const key of ['k0', 'k1', 'k2']) {
        const values = seen.filter((m) => m.key?.toString() === key).map(text);
        expect(values).toEqual(messages.filter((m) => m.key === key).map((m) => m.value));
      }
      const first = seen.find((m) => text(m) === 'v7') as BusMessage;
      expect(first.headers['h']).toBe('x7');
      expect(first.topic).toBe(topic);
      expect(typeof first.offset).toBe('string');
    });

    it('commits after the handler and resumes a group from its committed offset', async () => {
      const topic = await t.topic(1);
      const groupId = group();
      const first: string[] = [];
      const sub = await subscribe({ groupId, topics: [topic], handler: async (b) => void first.push(...b.map(text)) });
      await t.bus().publish(topic, ['a', 'b', 'c'].map((value) => ({ value })));
      await expectEventually(() => expect(first).toEqual(['a', 'b', 'c']));
      await sub.stop();
      await t.bus().publish(topic, ['d', 'e'].map((value) => ({ value })));
      const second: string[] = [];
      await subscribe({ groupId, topics: [topic], handler: async (b) => void second.push(...b.map(text)) });
      await expectEventually(() => expect(second).toEqual(['d', 'e']));
    });

    it('redelivers a batch whose handler failed with a retriable error, and loses nothing', async () => {
      const topic = await t.topic(1);
      const handled: string[] = [];
      let failures = 0;
      await subscribe({
        groupId: group(),
        topics: [topic],
        handler: async (batch) => {
          if (batch.some((m) => text(m) === 'flaky') && failures < 2) {
            failures++;
            throw new Error('database unavailable');
          }
          handled.push(...batch.map(text));
        },
      });
      await t.bus().publish(topic, ['one', 'flaky', 'three'].map((value) => ({ value })));
      await expectEventually(() => expect(new Set(handled)).toEqual(new Set(['one', 'flaky', 'three'])));
      expect(failures).toBe(2);
    });

    it('dead-letters only the poison message, with the reason, and goes on', async () => {
      const topic = await t.topic(1);
      const dlq = await t.topic(1);
      const handled: string[] = [];
      const dead: BusMessage[] = [];
      await subscribe({ groupId: group(), topics: [dlq], handler: async (b) => void dead.push(...b) });
      await subscribe({
        groupId: group(),
        topics: [topic],
        deadLetterTopic: dlq,
        handler: async (batch) => {
          if (batch.some((m) => text(m) === 'poison')) throw new PoisonError('cannot decode: bad wire type 7 at byte 3');
          if (batch.some((m) => text(m) === 'bug')) throw new TypeError("Cannot read properties of undefined (reading 'x')");
          handled.push(...batch.map(text));
        },
      });
      await t.bus().publish(topic, ['ok1', 'poison', 'ok2', 'bug', 'ok3'].map((value) => ({ value, key: 'same', headers: { origin: 'test' } })));
      await expectEventually(() => expect(handled.sort()).toEqual(['ok1', 'ok2', 'ok3']));
      await expectEventually(() => expect(dead.map(text).sort()).toEqual(['bug', 'poison']));
      const poison = dead.find((m) => text(m) === 'poison') as BusMessage;
      expect(poison.headers[DEAD_LETTER_HEADERS.reason]).toBe('cannot decode: bad wire type 7 at byte 3');
      expect(poison.headers[DEAD_LETTER_HEADERS.code]).toBe('poison_test');
      expect(poison.headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(topic);
      expect(poison.headers[DEAD_LETTER_HEADERS.sourceOffset]).toBe('1');
      expect(poison.headers['origin']).toBe('test');
      expect(poison.key?.toString()).toBe('same');
      const bug = dead.find((m) => text(m) === 'bug') as BusMessage;
      expect(bug.headers[DEAD_LETTER_HEADERS.code]).toBe('TypeError');
    });

    it('shares partitions between members of a group and gives every group everything', async () => {
      const topic = await t.topic(4);
      const groupId = group();
      const byMember: string[][] = [[], []];
      await subscribe({ groupId, topics: [topic], handler: async (b) => void byMember[0]!.push(...b.map(text)) });
      await subscribe({ groupId, topics: [topic], handler: async (b) => void byMember[1]!.push(...b.map(text)) });
      const other: string[] = [];
      await subscribe({ groupId: group(), topics: [topic], handler: async (b) => void other.push(...b.map(text)) });
      // Let the group settle: the second join makes the first member rejoin.
      await new Promise((r) => setTimeout(r, t.bus().kind === 'kafka' ? 3000 : 10));
      const values = Array.from({ length: 40 }, (_, i) => `m${i}`);
      await t.bus().publish(topic, values.map((value, i) => ({ key: `key-${i}`, value })));
      await expectEventually(() => expect(new Set([...byMember[0]!, ...byMember[1]!])).toEqual(new Set(values)), { timeoutMs: 45000 });
      await expectEventually(() => expect(new Set(other)).toEqual(new Set(values)), { timeoutMs: 45000 });
      expect(byMember[0]!.length).toBeGreaterThan(0);
      expect(byMember[1]!.length).toBeGreaterThan(0);
    }, 150000);

    it('lets the in-flight batch finish and commit when stopping', async () => {
      const topic = await t.topic(1);
      const groupId = group();
      let entered!: () => void;
      const inHandler = new Promise<void>((r) => (entered = r));
      const finished: string[] = [];
      const sub = await subscribe({
        groupId,
        topics: [topic],
        handler: async (batch) => {
          entered();
          await new Promise((r) => setTimeout(r, 300));
          finished.push(...batch.map(text));
        },
      });
      await t.bus().publish(topic, [{ value: 'slow' }]);
      await inHandler;
      await sub.stop();
      expect(finished).toEqual(['slow']);
      await t.bus().publish(topic, [{ value: 'after' }]);
      const again: string[] = [];
      await subscribe({ groupId, topics: [topic], handler: async (b) => void again.push(...b.map(text)) });
      await expectEventually(() => expect(again).toEqual(['after']));
    });
  });
}
