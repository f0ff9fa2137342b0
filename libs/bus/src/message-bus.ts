/** A message as consumers see it. Offsets are decimal strings, as Kafka's are 64-bit. */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
}

export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Handles one batch from one partition, in offset order. Resolving commits the batch.
 * Throwing a retriable error redelivers it after a backoff; a non-retriable one (see
 * `isRetriable`) isolates the poison message(s) and dead-letters them.
 */
export type BatchHandler = (messages: readonly BusMessage[], context: BatchContext) => Promise<void>;

export interface BatchContext {
  /** The partition's end offset when the batch was fetched: lag = highWatermark − last offset − 1. */
  highWatermark: string;
}

export interface SubscribeOptions {
  groupId: string;
  topics: readonly string[];
  handler: BatchHandler;
  /** Where non-retriable messages go, with the reason in headers. Without it they are retried forever. */
  deadLetterTopic?: string;
  /**
   * Largest payload copied into a dead letter (default 1 MiB). A message rejected for its size
   * would be rejected by the broker again; the original stays addressable by its source headers.
   */
  maxDeadLetterBytes?: number;
  /** Largest batch handed to the handler (default 500). */
  maxBatchSize?: number;
  /** Backoff between retries of a failing batch (default 100 ms doubling to 5 s). */
  retry?: { initialMs?: number; maxMs?: number };
  /** Called on every failed attempt, for logging and metrics. */
  onError?: (error: unknown, context: { topic: string; partition: number; attempt: number; deadLettered: boolean }) => void;
}

export interface Subscription {
  /** Resolves once this member has joined its group and may receive partitions. */
  readonly ready: Promise<void>;
  /** Stops fetching, lets the in-flight batch finish and commit, then leaves the group. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions?: number;
}

/** Kafka in production, the in-process bus in the embedded default; the same contract tests run on both. */
export interface MessageBus {
  readonly kind: 'kafka' | 'in-process';
  /**
   * Offsets are only comparable within one namespace: a Kafka cluster keeps them, while every
   * in-process bus starts again at 0. Stores that remember offsets key them by this.
   */
  readonly namespace: string;
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription and closes connections. */
  shutdown(): Promise<void>;
}
