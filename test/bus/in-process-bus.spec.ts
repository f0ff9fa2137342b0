import { InProcessBus, type MessageBus } from '@vigil/bus';
import { uniqueTopic } from '@vigil/testing';
import { describeBusContract } from './bus-contract';

let bus: MessageBus;
beforeAll(() => {
  bus = new InProcessBus();
});
afterAll(() => bus.shutdown());

describeBusContract('in-process', () => ({
  bus: () => bus,
  topic: async (partitions = 3) => {
    const name = uniqueTopic();
    await bus.ensureTopics([{ name, partitions }]);
    return name;
  },
}));
