import { KafkaBus, type BusMessage } from '@vigil/bus';
import { expectEventually, KAFKA_API_KEYS, KAFKA_ERROR_CODES, useTestBroker } from '@vigil/testing';
import { randomBytes } from 'node:crypto';

/**
 * A consumer group member that kafkajs gives up on (a broker answering SyncGroup with an error it
 * deems fatal, as the mock does on some rebalances) is replaced by a fresh member: the
 * subscription joins and consumes instead of sitting out of its group for good.
 */
describe('KafkaBus: a member kafkajs will not restart is replaced', () => {
  const kafka = useTestBroker({ brokers: 1 });

  it('joins and consumes after a fatal SyncGroup error', async () => {
    const faults = kafka.faults;
    if (!faults) return expect(process.env['KAFKA_BROKERS']).toBeDefined(); // a real cluster cannot be told to fail
    const topic = await kafka.createTopic(undefined, 2);
    const warnings: string[] = [];
    const bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'revival', heartbeatIntervalMs: 500, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10000, onLog: (level, message) => level === 'warn' && warnings.push(message) });
    try {
      await faults.pushRequestErrors(KAFKA_API_KEYS.SyncGroup, [KAFKA_ERROR_CODES.INVALID_REQUEST]);
      const received: BusMessage[] = [];
      const subscription = await bus.subscribe({ groupId: `revival-${randomBytes(3).toString('hex')}`, topics: [topic], handler: async (batch) => void received.push(...batch) });
      await bus.publish(topic, [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }]);
      await expectEventually(() => expect(received.map((m) => m.value.toString()).sort()).toEqual(['one', 'two']), { timeoutMs: 30000 });
      await subscription.ready;
      expect(warnings).toContain('kafka consumer crashed and kafkajs will not restart it; starting a new member');
    } finally {
      await bus.shutdown();
    }
  });
});
