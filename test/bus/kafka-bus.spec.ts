import { KafkaBus, type MessageBus } from '@vigil/bus';
import { useTestBroker } from '@vigil/testing';
import { describeBusContract } from './bus-contract';

const kafka = useTestBroker();
let bus: MessageBus;
beforeAll(() => {
  bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'bus-contract', heartbeatIntervalMs: 500, sessionTimeoutMs: 3000 });
});
afterAll(() => bus.shutdown());

describeBusContract('kafka (kafkajs)', () => ({
  bus: () => bus,
  topic: (partitions = 3) => kafka.createTopic(undefined, partitions),
}));
