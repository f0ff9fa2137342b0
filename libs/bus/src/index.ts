export type { BusMessage, OutgoingMessage, BatchHandler, BatchContext, SubscribeOptions, Subscription, TopicSpec, MessageBus } from './message-bus';
export { InProcessBus } from './in-process-bus';
export { KafkaBus } from './kafka-bus';
export type { KafkaBusOptions } from './kafka-bus';
export { openBus } from './open-bus';
export type { BusSettings } from './open-bus';
export { isRetriable } from './retriable';
export { partitionForKey } from './partitioner';
