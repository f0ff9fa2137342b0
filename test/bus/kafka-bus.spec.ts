import { KafkaBus, type MessageBus } from '@vigil/bus';
import { useTestBroker } from '@vigil/testing';
import { describeBusContract } from './bus-contract';

const kafka = useTestBroker();
let bus: MessageBus;
beforeAll(() => {
  // The mock's rebalances last about the session timeout; 6 s still tolerates a heartbeat
  // delayed by a loaded CI machine (3 s did not: an evicted member cascades into rebalances).
  bus = new KafkaBus({ brokers: kafka.brokers, clientId: 'bus-contract', heartbeatIntervalMs: 1000, sessionTimeoutMs: 6000 });
});
afterAll(() => bus.shutdown());

describeBusContract('kafka (kafkajs)', () => ({
  bus: () => bus,
  topic: (partitions = 3) => kafka.createTopic(undefined, partitions),
}));
